"""Header cells recognised by their words, never by position.

- Field rules (kg/extract/table/rules.py) from kg/extract/form_layouts.yaml: a header cell is the
  first field whose pattern its squashed text matches; each table kind has its list there.
- `header_phase`: the budget phase a money column's header names (年初预算 INITIAL, 执行数 EXECUTED …).
- `join_columns`: a header wrapped over two lines (指 / 标 得 分), joined column by column.
- `stack_columns`: header rows stacked into the texts of each column, top to bottom.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.extract.table.layouts import rules
from kg.extract.table.units import without_unit
from kg.lexicon.text import squash
from kg.records import BudgetPhase

_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


_PHASE_HINT = re.compile(r"预\s*算|执\s*行|决\s*算|支\s*出|结\s*[转余]|下\s*达|到\s*位|拨\s*付|调\s*整")
_NOT_MONEY = re.compile(r"率|/|分值|得分|权重|指标|目标|情况|比例|%|说明")


def header_phase(text: str) -> BudgetPhase | None:
    """The budget phase a money column's header names; None for rates, scores and targets."""
    if len(text) > 30 or not _PHASE_HINT.search(text) or _NOT_MONEY.search(text):
        return None
    phase = rules("money_phases").field_of(without_unit(text))
    return BudgetPhase(phase) if phase else None


def is_money_header(text: str) -> bool:
    """年初预算数, 全年执行数 (B): a phase header, not a name that holds a phase word (…提前下达)."""
    squashed = _BRACKETED.sub("", squash(text))
    return squashed.endswith(("数", "额")) and header_phase(text) is not None


def join_columns(upper: Sequence[str], lower: Sequence[str]) -> list[str]:
    """指 / 标 得 分: a header wrapped over two lines, joined column by column."""
    return [a + (lower[i] if i < len(lower) else "") for i, a in enumerate(upper)]


def stack_columns(rows: Sequence[Sequence[str]], width: int, *, fill_right: bool) -> list[list[str]]:
    """The header texts of each column, top to bottom, a text repeated in one column kept once.

    With `fill_right`, an upper header cell left empty takes the text on its left: a merged cell
    spans the columns under it (收入 over 本年收入 | 上年结转). The lowest row is never filled.
    """
    grid = [list(r) + [""] * (width - len(r)) for r in rows]
    if fill_right:
        for r in range(len(grid) - 1):
            for c in range(1, width):
                if not grid[r][c]:
                    grid[r][c] = grid[r][c - 1]
    columns: list[list[str]] = []
    for c in range(width):
        parts: list[str] = []
        for line in grid:
            if line[c] and (not parts or parts[-1] != line[c]):
                parts.append(line[c])
        columns.append(parts)
    return columns
