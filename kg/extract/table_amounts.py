"""Amounts in tables no other reader understood: every money cell, with its row and column labels.

The budget, funding, indicator and allocation readers know their layouts; many tables are none of
those (a yearbook table, a 三公 table by year, a fund's income and expenditure). What such a table
states is still worth keeping: each cell that holds money becomes an `Amount` labelled with its
row's label and its column's header, with the cell as evidence (an fkg:AmountStatement).

A cell is money only when a unit says so, nearest first: the unit written in the cell (12.5万元);
the unit of its column header (预算投资（万元）); the unit of its row label or of the last label
row above it (医疗救助支出（万元） and the 城镇 / 农村 rows under it; 救助人数（人） is not money, and
neither are the rows under it); the table's 单位：万元 (caption above it or a title row in it).
Rates, shares, scores, counts and codes are never money (their column header or the cell says so),
and a cell another reader already read is left to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.document import BlockKind, Cell, Document, Table
from kg.extract.amounts import parse_amount
from kg.extract.component import component
from kg.extract.table.rows import is_column_numbers
from kg.extract.table.units import caption_unit
from kg.lexicon.classification import CODE
from kg.lexicon.text import squash
from kg.records import Amount, CellRef, Evidence, Measurement, ReportRecords

_MONEY = ("元", "万元", "亿元")
# A unit in brackets at the end of a label or header: 支出（万元）, 人数(人), 面积（m²）.
_BRACKETED_UNIT = re.compile(r"[(（]\s*(?:单位\s*[:：]\s*)?(?P<unit>[^()（）\d]{1,6}?)\s*[)）]\s*$")
_CELL_UNIT = re.compile(r"(?:亿元|万元|元|万|亿)\s*$")
_NOT_MONEY_HEADER = re.compile(
    r"率|比例|比重|占比|%|％|分值|得分|权重|人数|人次|户数|次数|个数|单位数|面积|编码|代码|序号|栏次|行次|数量"
)
_LABELLED_CELL = re.compile(
    r"^(?P<label>.*[\u4e00-\u9fff][^:：\d]*)[:：]\s*(?P<value>[-−]?[\d,.]+\s*(?:亿元|万元|元|万|亿)?)\s*$"
)
_WORD = re.compile(r"[A-Za-z\u4e00-\u9fff]")
_YEAR = re.compile(r"^(?:19|20)\d{2}(?:年度?)?$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_OTHER_UNIT = re.compile(
    r"^(?:万?人次?|万?户|个|家|辆|台|套|次|天|件|项|所|床|张|名|岁|年|月|%|％|‰|m²|㎡|平方米|亩|吨|公斤|千克|公里)$"
)
_CAPTION_BLOCKS = 3
_NUMBERING = {"栏次", "行次", "序号"}


def _unit_of(text: str) -> str | None:
    """The unit a label or header ends with, in brackets: a money unit or a known count or measure."""
    m = _BRACKETED_UNIT.search(text.strip())
    if m is None:
        return None
    unit = m.group("unit").replace(" ", "")
    unit = {"万": "万元", "亿": "亿元"}.get(unit, unit)
    return unit if unit in _MONEY or _OTHER_UNIT.match(unit) else None  # (按功能分类) is a remark


def _is_label(text: str) -> bool:
    return bool(_HAN.search(text)) and parse_amount(text) is None


def _is_header_row(texts: list[str]) -> bool:
    """A row of words and years only (项目 | 2022年决算数 | 2023年预算数, 指标 | Item | 2007 | 2008)."""
    filled = [t for t in texts if t.strip()]
    if any(_LABELLED_CELL.match(t) for t in filled):
        return False
    words = [t for t in filled if _WORD.search(t) and parse_amount(t) is None]
    return len(filled) >= 2 and bool(words) and all(t in words or _YEAR.match(t.strip()) for t in filled)


@dataclass
class _TableState:
    unit: str | None  # the table's unit (caption or title row)
    row_unit: str | None = None  # the unit of the last label row that stated one
    headers: dict[int, str] = field(default_factory=dict)


def _caption_unit(doc: Document, table: Table) -> str | None:
    before: list[str] = []
    for block in doc.blocks:
        if block.start >= table.start:
            break
        before.append(doc.text[block.start : block.end] if block.kind is not BlockKind.TABLE else "")
    for text in reversed(before[-_CAPTION_BLOCKS:]):
        if unit := caption_unit(text):
            return unit
    return None


def _claimed(found: ReportRecords) -> set[tuple[int, int, int]]:
    """Cells another reader took: budget lines, funding, allocations, indicator values."""
    evidence: list[Evidence | None] = [line.amount.evidence for line in found.budget_lines]
    evidence += [s.amount.evidence for s in found.funding_sources]
    evidence += [a.amount.evidence for a in found.allocations]
    for ev in found.evaluations:
        for ind in ev.indicators:
            evidence.append(ind.evidence)
            values: list[Measurement | None] = [ind.target, ind.adjusted_target, ind.actual, ind.weight, ind.score]
            evidence += [m.evidence for m in values if m is not None]
    return {(e.cell.table, e.cell.row, e.cell.column) for e in evidence if e is not None and e.cell is not None}


def _amount(doc: Document, table: Table, r: int, c: int, cell: Cell, unit: str | None, label: str) -> Amount | None:
    text, start = cell.text, cell.start
    labelled = _LABELLED_CELL.match(text)
    if labelled:  # 一般公共预算：1534.80 — a label and its amount in one cell
        label = " ".join(p for p in (label, labelled.group("label").strip()) if p)
        text = labelled.group("value")
        offset = doc.text.find(text.strip(), cell.start, cell.end)
        start = offset if offset >= 0 else cell.start
    own = _CELL_UNIT.search(text)
    if own is None and unit not in _MONEY:
        return None
    if "%" in text or "％" in text:
        return None
    parsed = parse_amount(text, unit if unit in _MONEY else "元")
    if parsed is None:
        return None
    end = start + len(text.strip()) if labelled else cell.end
    evidence = Evidence.of(doc, start, end, cell=CellRef(table.index, r, c))
    return Amount(parsed[0], text.strip(), parsed[1], evidence, label or None)


def _read_table(doc: Document, table: Table, claimed: set[tuple[int, int, int]]) -> list[Amount]:
    state = _TableState(_caption_unit(doc, table))
    out: list[Amount] = []
    for r, row in enumerate(table.rows):
        texts = [c.text for c in row.cells]
        stated = next((u for t in texts if (u := caption_unit(t))), None)
        if stated:  # 单位：万元 in a title row
            state.unit = stated
            continue
        if is_column_numbers(texts) or any(squash(t) in _NUMBERING for t in texts[:3]):
            continue
        if _is_header_row(texts):
            # A header row under another names the columns it fills; the others keep their header.
            state.headers.update({i: t.strip() for i, t in enumerate(texts) if t.strip()})
            if unit := _unit_of(texts[0]):  # 经费情况（万元） | 2022年 | 2023年: the rows below are in 万元
                state.row_unit = unit
            continue
        labels = {i for i, t in enumerate(texts) if _is_label(t) and not _LABELLED_CELL.match(t)}
        label = ""
        # A header shorter than the row (a yearbook's item | 2001 | 2004 over label | English | values)
        # stands over the last columns: its cells after the first move right by the difference.
        width = max(state.headers, default=-1) + 1
        shift = len(texts) - width if 0 < width < len(texts) and state.headers.get(0) else 0
        for c, cell in enumerate(row.cells):
            if c in labels:  # side-by-side tables (收入 | 金额 | 支出 | 金额): each value has the label before it
                label = texts[c].strip()
                if unit := _unit_of(label):  # 救助支出（万元）: this row and the rows under it
                    state.row_unit = unit
                continue
            if not cell.text.strip() or (table.index, r, c) in claimed:
                continue
            header = state.headers.get(c - shift if c - shift > 0 else c, "")
            if _NOT_MONEY_HEADER.search(header):
                continue
            following = texts[c + 1] if c + 1 < len(texts) else ""
            if CODE.fullmatch(cell.text.strip()) and _is_label(following):
                continue  # 2080899 | 其他优抚支出: a classification code before its name, no amount
            unit = _unit_of(header) or state.row_unit or state.unit
            # A label in the cell (一般公共预算：450) names it; else its row and column do.
            full = label if _LABELLED_CELL.match(cell.text) else " ".join(p for p in (label, header) if p)
            if not full and not _LABELLED_CELL.match(cell.text):
                continue  # an amount with neither row nor column label says nothing
            amount = _amount(doc, table, r, c, cell, unit, full)
            if amount is not None:
                out.append(amount)
    return out


@component(
    "table-amounts",
    needs=["budget_lines", "funding_sources", "allocations", "evaluations"],
    provides=["table_amounts"],
)
def read_table_amounts(doc: Document, found: ReportRecords) -> None:
    claimed = _claimed(found)
    for table in doc.tables:
        found.table_amounts.extend(_read_table(doc, table, claimed))
