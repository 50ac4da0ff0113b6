"""Performance forms: their titles and their labelled cells (项目名称 | 城乡医疗救助 …).

Funding and indicator readers (kg.extract.programmes, kg.extract.indicators.forms) walk the same
forms; what a form title is, which labels a form has and where a label's value stands are here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.document import Cell
from kg.extract.table.headers import is_money_header
from kg.extract.table.layouts import rules
from kg.lexicon.text import squash

FORM_TITLE = re.compile(r"(?:自评表|申报表|目标表|评价表)(?:[(（]\d{4}年度?[)）])?$")
LABEL_HINT = re.compile(r"名\s*称|编\s*码|代\s*码|编\s*号|主\s*管|单\s*位")  # cheap test before the patterns
_COLUMN_WORD = re.compile(r"^\s*(?:金\s*额|合\s*计|小\s*计|备\s*注|说\s*明|数\s*量|单\s*位)|金额\s*$")

_KINDS = (
    ("transfer", re.compile("转移支付")),
    ("department-overall", re.compile("部门整体|整体支出|单位整体")),
    ("second-level", re.compile("二级项目")),
    ("first-level", re.compile("一级项目")),
    ("special", re.compile("重点|专项|特定")),
)


def form_kind(title: str) -> str | None:
    """The programme kind a form title names: transfer, department-overall, second-level …"""
    return next((kind for kind, pattern in _KINDS if pattern.search(title)), None)


def label_text(text: str) -> str:
    return squash(text).rstrip(":：")


def form_label(text: str) -> str | None:
    """The form label a cell holds (name, code, central-supervisor …; kg/extract/form_layouts.yaml)."""
    if len(text) > 24 or not LABEL_HINT.search(text):  # most cells: not worth the patterns
        return None
    return rules("form_labels").field_of(label_text(text))


def is_label(text: str) -> bool:
    squashed = squash(text)
    return squashed.endswith((":", "：")) or rules("form_labels").field_of(squashed) is not None


def value_after(cells: Sequence[Cell], i: int) -> tuple[int, Cell] | None:
    """The next non-empty cell after a label, unless it is another label or a column header.

    In a list table (科目编码 | 项目名称 | 年初预算数 …) 项目名称 heads a column: no value there.
    """
    for j in range(i + 1, len(cells)):
        text = cells[j].text
        if text.strip():
            header = is_label(text) or is_money_header(text) or _COLUMN_WORD.search(text)
            return None if header else (j, cells[j])
    return None
