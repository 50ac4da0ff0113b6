"""Allocation notices (资金下达通知): how much of which fund a finance department sends, to whom.

`find_allocations(doc, metadata)` returns one `Allocation` per amount of the notice's allocation
table, and the `ConsistencyIssue`s of its totals. A report that is no notice yields nothing, cheaply.

The notice itself (`Notice`, shared by all its rows):
- Title: the first line near the top that reads 关于…下达/分配/拨付…通知 (or without 关于). The
  report's kind is not required: a title such as 关于下达…资金预算的通知 is a notice even where the
  metadata reads 预算 as a budget.
- Issuers: the organisations named before 关于 on the title line or on the line just above it (the
  joint issuers 山西省财政厅 山西省医疗保障局), else a 发文机关： label, else the metadata publisher.
  The payer is the first finance body among them (财政部/财政厅/财政局): money moves from treasury to
  treasury; the others co-sign.
- Own number (文号): a line that is nothing but a 文号, a 发文字号：/文号： label, or a 文号 table cell,
  standing before the body (the first 。 after the title). Numbers cited in the body (根据…（财社〔…〕…号）)
  are never the notice's own; `without_own_number` keeps a notice from citing itself.
- Fund: the title between the verb (and year) and 的通知, a trailing 预算 dropped: 中央和省级医疗救助
  补助资金. Year: the title's, else the report's. Source levels: the level words the fund starts with
  (中央和省级 → central, province), else the payer's level. `kg.lexicon.names.fund_core` strips those words, the year
  and batch marks, so that the funds of the levels compare (医疗救助补助资金).
- Function code: the expenditure code (2…, 3/5/7 digits) after 收支分类科目/功能分类科目/支出列.

Tables come in three layouts, turned into one grid of cells and read alike:
- Word/HTML tables: the Document's tables;
- pipe tables in text, `| 柳林县 | 749 |` (a markdown separator row is skipped);
- one cell per line, as web pages give after extraction: a recipient header line (地区, 县（市、区）…),
  the column header lines, then each row as a label line followed by its numbers. A row whose count
  of numbers fits no column is not read ("allocation-row-cells").
Pipe and line tables are not in `Document.tables`: their cells are numbered as tables
len(doc.tables), len(doc.tables) + 1 … in the order found, so that a CellRef still gives row and
column; offsets are exact as always.

Header: a row with a recipient column and a money column, merged with the header rows under it
(合计 | 其中 over 中央资金 | 省级资金). Columns are read by header text, never by position: 中央/省级/
市级/县级 (资金, 补助 …) are level columns; 合计/金额/资金/下达数 the row total; 序号, 备注 and the like
are skipped. Unit: (万元) in the header cell, else 单位：万元 just above the table, else 元.

Rows: 合计/总计 is the table total (is_total); 小计 rows are skipped; 其中… rows are parts of the row
above (read, not summed). With level columns each non-zero level amount is one Allocation; without,
the row total is one Allocation from the fund's source levels. Recipients resolve with the payer's
region as context and must lie inside it; 市本级/本级 is the payer's own region; a unit name resolves as
an organisation. What does not resolve keeps its name and no region: never a guess.

Checks (tolerance 0.01 of the table's unit): "allocation-total" when a column's 合计 differs from the
sum of its rows; "allocation-row" when a row's total differs from the sum of its level columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from kg.document import Document
from kg.extract import orgs, regions
from kg.extract.amounts import parse_amount
from kg.extract.component import component
from kg.extract.table.grid import Grid, GridCell, document_grids
from kg.extract.table.headers import stack_columns
from kg.extract.table.layouts import rules
from kg.extract.table.rows import row_kind, without_part_mark
from kg.extract.table.textgrids import is_number, line_grids, pipe_grids, text_blocks
from kg.extract.table.units import caption_unit, header_unit, last_caption_unit, without_unit
from kg.lexicon.docnumbers import parse_document_number
from kg.lexicon.levels import levels_of
from kg.lexicon.text import squash
from kg.records import (
    Allocation,
    Amount,
    BudgetPhase,
    CellRef,
    Citation,
    ConsistencyIssue,
    DocumentNumber,
    Evidence,
    GovLevel,
    Notice,
    Organisation,
    Region,
    ReportMetadata,
    ReportRecords,
)

_HEAD_LINES = 15  # the title stands among the first lines
_TITLE_MAX = 90
_VERB = r"(?:提前下达|预下达|下达|分配|拨付|下拨|预拨|清算)"
_TITLE = re.compile(rf"关于.{{0,60}}?{_VERB}.{{0,60}}?通知|{_VERB}.{{0,60}}?资金.{{0,20}}?通知")
_FUND = re.compile(rf"{_VERB}(?P<year>\s*20\d{{2}}\s*年度?)?(?P<fund>.+?)(?:预算)?的?通知")
_YEAR = re.compile(r"(20\d{2})\s*年")
_SOURCE = re.compile(r"^(?:中央|省|市|县|区)(?:级|财政)?(?:[、和与及](?:中央|省|市|县|区)(?:级|财政)?)*")
_ISSUER_LABEL = re.compile(r"发文(?:机关|单位)\s*[:：]")
_NUMBER_LABEL = re.compile(r"(?:发文字号|文\s*号|文件编号)\s*[:：]\s*(?P<n>[^\s，,。；;]+)")
_FUNCTION = re.compile(
    r"(?:收支分类科目|功能分类科目|支出功能分类|支出列入?)[^。；;\n]{0,24}?(?<!\d)(?P<code>2\d{2}(?:\d{2}){0,2})(?!\d)"
)
_FINANCE = re.compile(r"财政")

_COLUMNS = rules("allocation_columns")
_OWN_REGION = re.compile(r"^(?:省|市|县|区|州|盟)?本级$|^(?:省|市|县|区)直(?:单位|部门)?$")
_PIPE_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_LABEL_STOP = re.compile(r"[。：:，,；;]")


def _payer(issuers: tuple[Organisation, ...]) -> Organisation | None:
    """The finance body among the issuers (else the first issuer): the treasury that pays."""
    return next((o for o in issuers if _FINANCE.search(o.name)), issuers[0] if issuers else None)


# -- the notice ------------------------------------------------------------------------------------


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Non-blank lines of text[start:end], trimmed, as spans."""
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        a, b = pos, stop
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            yield a, b
        pos = stop + 1


def _title_line(doc: Document) -> tuple[tuple[int, int], re.Match[str]] | None:
    for n, (a, b) in enumerate(_lines(doc.text, 0, len(doc.text))):
        if n >= _HEAD_LINES:
            return None
        if b - a <= _TITLE_MAX and (m := _TITLE.search(doc.text, a, b)):
            return (a, b), m
    return None


def _only_organisations(doc: Document, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    rest = doc.text[start:end]
    for s, e in sorted(spans, reverse=True):
        rest = rest[: s - start] + rest[e - start :]
    return not rest.strip()


def _issuers(
    doc: Document, line: tuple[int, int], title_start: int, metadata: ReportMetadata
) -> tuple[Organisation, ...]:
    mentions = orgs.mention_spans(doc.text)
    spans = [(s, e) for s, e in mentions if line[0] <= s and e <= title_start]
    if not spans and line[0] > 0:  # the issuers on the line above: 财政部 国家医疗保障局 / 关于…
        above = list(_lines(doc.text, doc.text.rfind("\n", 0, max(0, line[0] - 1)) + 1, line[0]))
        if above:
            a, b = above[-1]
            found = [(s, e) for s, e in mentions if a <= s and e <= b]
            if found and _only_organisations(doc, a, b, found):
                spans = found
    if not spans and (label := _ISSUER_LABEL.search(doc.text, 0, min(len(doc.text), 2000))):
        end = doc.text.find("\n", label.end())
        end = len(doc.text) if end < 0 else end
        spans = [(s, e) for s, e in mentions if label.end() <= s and e <= end]
    if not spans:
        return (metadata.publisher,) if metadata.publisher else ()
    found_orgs: dict[str, Organisation] = {}
    for s, e in spans:
        org = orgs.organisation(doc, s, e, role="publisher")
        found_orgs.setdefault(org.name, org)
    return tuple(found_orgs.values())


def _own_number(doc: Document, body_start: int) -> tuple[DocumentNumber, Evidence] | None:
    """The notice's own 文号: a bare number line, a labelled number or a 文号 cell before the body."""
    text = doc.text
    for a, b in _lines(text, 0, body_start):
        line = text[a:b]
        if (number := parse_document_number(line)) is not None:
            return number, Evidence.of(doc, a, b)
        if (m := _NUMBER_LABEL.search(line)) and (number := parse_document_number(m.group("n"))):
            return number, Evidence.of(doc, a + m.start("n"), a + m.end("n"))
    for table in doc.tables:
        if table.start >= body_start:
            break
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells[:-1]):
                nxt = row.cells[c + 1]
                if re.fullmatch(r"(?:发文字号|文号)[:：]?", squash(cell.text)) and (
                    number := parse_document_number(nxt.text)
                ):
                    return number, Evidence.of(doc, nxt.start, nxt.end, cell=CellRef(table.index, r, c + 1))
    return None


def read_notice(doc: Document, metadata: ReportMetadata) -> Notice | None:
    """The notice's own description, or None when the report is no allocation notice."""
    found = _title_line(doc)
    if found is None:
        return None
    line, title = found
    fund_match = _FUND.search(doc.text, title.start(), title.end())
    if fund_match is None:
        return None
    issuers = _issuers(doc, line, title.start(), metadata)
    payer = _payer(issuers)
    context = payer.region if payer else None
    raw = fund_match.group("fund")
    fund = raw.strip()
    fund_start = fund_match.start("fund") + raw.index(fund)
    year_match = _YEAR.search(doc.text, title.start(), title.end())
    year = int(year_match.group(1)) if year_match else metadata.fiscal_year
    source = _SOURCE.match(fund)
    levels = levels_of(source.group(), context) if source else ()
    if not levels and payer is not None and payer.level is not None:
        levels = (payer.level,)
    body = doc.text.find("。", line[1])
    body_start = len(doc.text) if body < 0 else body
    own = _own_number(doc, body_start)
    function = _FUNCTION.search(doc.text)
    return Notice(
        title=title.group(),
        title_evidence=Evidence.of(doc, title.start(), title.end()),
        issuers=issuers,
        fund=fund,
        fund_evidence=Evidence.of(doc, fund_start, fund_start + len(fund)),
        year=year,
        source_levels=levels,
        number=own[0] if own else None,
        number_evidence=own[1] if own else None,
        function_code=function.group("code") if function else None,
        function_evidence=Evidence.of(doc, function.start("code"), function.end("code")) if function else None,
        payer=payer,
    )


def without_own_number(citations: list[Citation], allocations: list[Allocation]) -> list[Citation]:
    """The citations of a report, less the notice's own number (a notice does not cite itself)."""
    notice = next((a.notice for a in allocations if a.notice is not None), None)
    own = notice.number_evidence if notice else None
    if own is None:
        return citations
    return [c for c in citations if not (c.evidence.start >= own.start and c.evidence.end <= own.end)]


# -- reading a grid --------------------------------------------------------------------------------


def _header_kind(text: str) -> str:
    """recipient | seq | level | total | other, from a header cell's text (form_layouts.yaml)."""
    return _COLUMNS.field_of(without_unit(squash(text))) or "other"


@dataclass(frozen=True)
class _Columns:
    recipient: int
    levels: dict[int, tuple[GovLevel, ...]]  # level columns
    totals: list[int]  # row-total columns
    headers: dict[int, str]
    units: dict[int, str]
    body: int  # the first data row

    @property
    def money(self) -> list[int]:
        return sorted([*self.levels, *self.totals])


def _caption_unit(doc: Document, grid: Grid) -> str:
    """单位：万元 in a header cell or in the lines just above the table; else 元."""
    for cell in grid.rows[0]:
        if unit := caption_unit(cell.text):
            return unit
    return last_caption_unit(doc.text, max(0, grid.start - 200), grid.start) or "元"


def _merge_header(rows: list[list[GridCell]], first: int) -> tuple[dict[int, str], int]:
    """Header texts per column from the header row and the header rows under it (其中 / 中央资金)."""
    end = first
    while end < len(rows) and end - first < 3 and not any(is_number(c.text) for c in rows[end]):
        if end > first and all(_header_kind(c.text) == "other" for c in rows[end]):
            break
        end += 1
    texts = [[squash(c.text) for c in row] for row in rows[first:end]]
    columns = stack_columns(texts, max((len(t) for t in texts), default=0), fill_right=False)
    # 其中 over 中央资金 says the column is a part: the name is 中央资金.
    merged = {i: "".join(p) for i, p in enumerate(columns) if p}
    return {i: without_part_mark(text) or text for i, text in merged.items()}, end


def _columns(doc: Document, grid: Grid, context: Region | None) -> _Columns | None:
    unit = _caption_unit(doc, grid)
    for first in range(min(len(grid.rows), 5)):
        if any(is_number(c.text) for c in grid.rows[first]):
            continue
        headers, body = _merge_header(grid.rows, first)
        kinds = {i: _header_kind(text) for i, text in headers.items()}
        recipient = next((i for i in sorted(kinds) if kinds[i] == "recipient"), None)
        if recipient is None or not any(k in ("level", "total") for k in kinds.values()):
            continue
        levels: dict[int, tuple[GovLevel, ...]] = {}
        for i, kind in kinds.items():
            found = _COLUMNS.match(without_unit(headers[i])) if kind == "level" else None
            if found:
                levels[i] = levels_of(found[1].group("lv"), context)
        totals = sorted(i for i, kind in kinds.items() if kind == "total")
        units = {i: header_unit(headers[i]) or unit for i in [*levels, *totals]}
        return _Columns(recipient, levels, totals, headers, units, body)
    return None


@dataclass(frozen=True)
class _Row:
    label: str
    cell: GridCell
    kind: str  # total | part | row
    amounts: dict[int, Amount]


def _rows(doc: Document, grid: Grid, cols: _Columns) -> list[_Row]:
    rows: list[_Row] = []
    for cells in grid.rows[cols.body :]:
        if cols.recipient >= len(cells):
            continue
        cell = cells[cols.recipient]
        label = squash(cell.text)
        kind = row_kind(label)
        if not label or kind == "subtotal":
            continue
        label = without_part_mark(label)
        amounts: dict[int, Amount] = {}
        for i in cols.money:
            if i >= len(cells) or (parsed := parse_amount(cells[i].text, cols.units[i])) is None:
                continue
            c = cells[i]
            evidence = Evidence.of(doc, c.start, c.end, cell=c.ref)
            amounts[i] = Amount(parsed[0], c.text, parsed[1], evidence, cols.headers[i])
        if amounts:
            rows.append(_Row(label, cell, kind, amounts))
    return rows


def _tolerance(unit: str) -> Decimal:
    parsed = parse_amount("0.01", unit)
    return parsed[0] if parsed else Decimal("0.01")


def _yuan_text(value: Decimal, unit: str) -> str:
    divisor = {"万元": Decimal(10_000), "亿元": Decimal(100_000_000)}.get(unit, Decimal(1))
    return f"{(value / divisor).normalize():f}"


def _checks(doc: Document, fund: str, cols: _Columns, rows: list[_Row]) -> list[ConsistencyIssue]:
    issues: list[ConsistencyIssue] = []
    total = next((r for r in rows if r.kind == "total"), None)
    parts = [r for r in rows if r.kind == "row"]
    for i in cols.money:
        if total is None or i not in total.amounts:
            continue
        expected = total.amounts[i]
        present = [r.amounts[i] for r in parts if i in r.amounts]
        found = sum((a.yuan for a in present), Decimal(0))
        tolerance = _tolerance(cols.units[i])
        if abs(found - expected.yuan) > tolerance:
            issues.append(
                ConsistencyIssue(
                    "allocation-total",
                    f"{fund}分配表“{cols.headers[i]}”列：合计 {expected.text} 与各行之和 "
                    f"{_yuan_text(found, cols.units[i])} 不符（{cols.units[i]}）",
                    expected.yuan,
                    found,
                    tolerance,
                    (expected.evidence, *(a.evidence for a in present)),
                )
            )
    if not cols.levels or not cols.totals:
        return issues
    for row in rows:
        whole = row.amounts.get(cols.totals[0])
        split = [row.amounts[i] for i in cols.levels if i in row.amounts]
        if whole is None or not split:
            continue
        found = sum((a.yuan for a in split), Decimal(0))
        tolerance = _tolerance(cols.units[cols.totals[0]])
        if abs(found - whole.yuan) > tolerance:
            issues.append(
                ConsistencyIssue(
                    "allocation-row",
                    f"{fund}分配表“{row.label}”行：合计 {whole.text} 与各级资金之和 "
                    f"{'+'.join(a.text for a in split)} 不符",
                    whole.yuan,
                    found,
                    tolerance,
                    (whole.evidence, *(a.evidence for a in split)),
                )
            )
    return issues


def _recipient(label: str, context: Region | None) -> Region | None:
    """The region a row names, inside the payer's region; the payer's own for 本级; else None."""
    if _OWN_REGION.match(label):
        return context
    if label.endswith(orgs.SUFFIXES):  # a unit: it may belong to the payer's own region
        region = orgs.describe(label, context)[1]
        inside = region is not None and (context is None or regions.is_ancestor_or_self(context, region))
        return region if inside else None
    region = regions.resolve_region(label, context)
    if region is None or context is None:
        return region
    if region.code == context.code or not regions.is_ancestor_or_self(context, region):
        return None
    return region


def _allocations(doc: Document, notice: Notice, cols: _Columns, rows: list[_Row]) -> list[Allocation]:
    payer = notice.payer
    context = payer.region if payer else None
    out: list[Allocation] = []
    for row in rows:
        total = row.kind == "total"
        region = None if total else _recipient(row.label, context)
        evidence = Evidence.of(doc, row.cell.start, row.cell.end, cell=row.cell.ref)
        if cols.levels:
            pairs = [(levels, row.amounts.get(i)) for i, levels in cols.levels.items()]
        else:
            pairs = [(notice.source_levels, row.amounts.get(cols.totals[0]))]
        for levels, amount in pairs:
            if amount is None or amount.yuan == 0:
                continue
            out.append(
                Allocation(
                    recipient=row.label,
                    recipient_region=region,
                    programme=notice.fund,
                    levels=levels,
                    phase=BudgetPhase.ALLOCATED,
                    amount=amount,
                    payer=payer,
                    function_code=notice.function_code,
                    is_total=total,
                    recipient_evidence=evidence,
                    notice=notice,
                )
            )
    return out


def find_allocations(doc: Document, metadata: ReportMetadata) -> tuple[list[Allocation], list[ConsistencyIssue]]:
    """The rows of an allocation notice's tables as Allocations, and the failed checks of their totals."""
    notice = read_notice(doc, metadata)
    if notice is None:
        return [], []
    blocks = text_blocks(doc)
    pipes = pipe_grids(doc, blocks, len(doc.tables))
    lines, issues = line_grids(doc, blocks, len(doc.tables) + len(pipes), _header_kind)
    context = notice.payer.region if notice.payer else None
    allocations: list[Allocation] = []
    for grid in sorted([*document_grids(doc), *pipes, *lines], key=lambda g: g.start):
        cols = _columns(doc, grid, context)
        if cols is None:
            continue
        rows = _rows(doc, grid, cols)
        allocations.extend(_allocations(doc, notice, cols, rows))
        issues.extend(_checks(doc, notice.fund, cols, rows))
    return allocations, issues


@component("allocations", needs=["metadata"], provides=["allocations", "issues"])
def read_allocations(doc: Document, found: ReportRecords) -> None:
    allocations, issues = find_allocations(doc, found.metadata)
    found.allocations.extend(allocations)
    found.issues.extend(issues)


__all__ = ["find_allocations", "read_notice", "without_own_number"]
