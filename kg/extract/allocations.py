"""Allocation notices (资金下达通知): how much of which fund a finance department sends, to whom.

`find_allocations(doc, metadata)` returns one `Allocation` per amount of the notice's allocation
table (or prose list), and the `ConsistencyIssue`s of its totals; `read_tables` also the level split
of a table without a notice title. A report that allocates nothing yields nothing, cheaply.

The notice itself (`Notice`, shared by all its rows):
- Title: the first line near the top that reads 关于…下达/分配/拨付…通知 (or without 关于). The
  report's kind is not required: a title such as 关于下达…资金预算的通知 is a notice even where the
  metadata reads 预算 as a budget.
- Issuers: the organisations named before 关于 on the title line or on the line just above it (the
  joint issuers 山西省财政厅 山西省医疗保障局), else a 发文机关： label, else the metadata publisher,
  else the signature: the last line before the table that holds organisation names and nothing else.
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

Tables are the Document's tables: the text reader (kg/readers/layout/) rebuilds pipe tables, one
cell per line (with or without `|`), blank-line-separated cells and aligned columns, so they reach
this module as Word and HTML tables do. The one layout still read from paragraphs is a one-cell-per-
line table the reader leaves alone because a row lost a number (kg.extract.table.textgrids): its
short rows are reported ("allocation-row-cells"), not read. Line-grid cells are numbered as tables
len(doc.tables), len(doc.tables) + 1 … so that a CellRef still gives row and column.

A report without a notice title still allocates where a table says so: its caption (a row above the
header, the header line itself or the lines just above the table) reads …分配(明细)表, …分配结果,
…安排表 — the fund is the caption's, year, batch and 附件 dropped (2021年第一批X资金分配表 → X资金) —
or, with no caption, its rows name regions and its 合计 adds them up. Such a notice has the
publisher (or a 发文机关： label) as issuer and payer; a bare 文号 line before the body is its number.
A title cited inside 《》 or a body sentence (…。现就有关事项通知如下) is never the notice's title.
The 合计 row of such a table, split by level columns, is the fund's money by level (FundingSource,
phase from the column header: 实发 executed, else allocated).

Header: a row with a recipient column and a money column, merged with the header rows under it
(合计 | 其中 over 中央资金 | 省级资金). Columns are read by header text, never by position
(form_layouts.yaml `allocation_columns`): 中央/省级/市级/县级, 中央和省级, 州(市), 县(市、区) (资金,
补助, 配套 …) are level columns; 合计/金额/资金/下达数 the row total; 序号, 备注, counts (户数, 人数(人)),
结余 and tasks (约束性任务) are never money. A header cell that only states the unit (单位：万元) is the
caption read into the header: dropped, so the header stands over its data. Leading header cells
that are no column headers (a signature, a date) are dropped when the header is wider than every
data row. The recipient column is the innermost one (县(区) right of 市(州)); a blank header cell left
of the money over labels is the recipient column too. Unit: (万元) in the header cell, else
单位：万元 just above the table, else 元.

Rows: 合计/总计 is the table total (is_total); 小计 rows are skipped; 其中… rows are parts of the row
above (read, not summed). With level columns each non-zero level amount is one Allocation; without,
the row total is one Allocation from the fund's source levels. Unnamed (item) columns whose amounts
add up to the row total give one Allocation each (a recipient row over 项目A | 项目B | 下达金额).
A row shorter than its header, or whose recipient cell holds a number, dropped its empty cells: it
is put back by arithmetic (`_align`): the row total is the value the values after it add up to in
the level columns, nearest the total column's place; a level column is read only where every
fitting placement agrees, else the row gives its total alone. Counts and remarks are never read.
Recipients resolve with the payer's region as context and must lie inside it; 市本级/本级 is the
payer's own region; a unit name resolves as an organisation; a town (乡, 镇, 街道) never resolves to a
county of a similar name. What does not resolve keeps its name and no region: never a guess.

Lists in prose, where a report has no allocation table: runs of regions each right before its
amount (其中，甲区708万元、乙区392万元; 下达丙区57万元 after the verb), in a sentence that allocates or
follows one that does; every item a region's exact name or the payer's own level (市本级, 市级). The
fund is the notice's, else the paragraph's first fund name (…公益金/…资金): one notice per list.

Checks (tolerance 0.01 of the table's unit): "allocation-total" when a column's 合计 differs from the
sum of its rows; "allocation-row" when a row's total differs from the sum of its level columns.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from kg.document import Document, Table
from kg.extract import orgs, regions
from kg.extract.amounts import parse_amount
from kg.extract.component import component
from kg.extract.table.grid import Grid, GridCell, grid_of
from kg.extract.table.headers import funding_phase, stack_columns
from kg.extract.table.layouts import rules
from kg.extract.table.rows import row_kind, without_part_mark
from kg.extract.table.sums import sum_issue, tolerance
from kg.extract.table.textgrids import is_number, line_grids, text_blocks
from kg.extract.table.units import caption_unit, header_unit, last_caption_unit, without_unit
from kg.lexicon.docnumbers import parse_document_number
from kg.lexicon.levels import label_levels, levels_of
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
    FundingSource,
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
_TOWNSHIP = re.compile(r"(?:乡|镇|街道|街道办事处|苏木|村|社区)$")
_OWN_REGION = re.compile(r"^(?:省|市|县|区|州|盟)?本级$|^(?:省|市|县|区)直(?:单位|部门)?$")


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
        if b - a > _TITLE_MAX or (m := _TITLE.search(doc.text, a, b)) is None:
            continue
        if not _cited(doc.text, a, m.start()) and not _SENTENCE_STOP.search(m.group()):
            return (a, b), m
    return None


_SENTENCE_STOP = re.compile(r"[。；;]")  # a body sentence (决定拨付…。现就有关事项通知如下) is no title


def _cited(text: str, line_start: int, at: int) -> bool:
    """True when a title match stands inside 《…》: a notice the body cites, not this one."""
    before = text[line_start:at]
    return before.rfind("《") > before.rfind("》")


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
    if not spans:
        spans = _issuer_label_spans(doc, mentions)
    if not spans:
        if metadata.publisher:
            return (metadata.publisher,)
        tables = [t.start for t in doc.tables if t.start > line[1]]
        return _signature_issuers(doc, min(tables, default=len(doc.text)))
    return _organisations(doc, spans)


_SIGNATURE_LINES = 40  # the signature stands after the body, before the attachment


def _signature_issuers(doc: Document, before: int) -> tuple[Organisation, ...]:
    """The issuers of a notice that names them nowhere else: the last line before `before` (the
    table, the list) that holds organisation names and nothing else (某县财政局 某县民政局)."""
    mentions = orgs.mention_spans(doc.text)
    lines = list(_lines(doc.text, 0, before))[-_SIGNATURE_LINES:]
    for a, b in reversed(lines):
        found = [(s, e) for s, e in mentions if a <= s and e <= b]
        if found and _only_organisations(doc, a, b, found):
            return _organisations(doc, found)
    return ()


def _issuer_label_spans(doc: Document, mentions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The organisations after a 发文机关： label near the top."""
    label = _ISSUER_LABEL.search(doc.text, 0, min(len(doc.text), 2000))
    if label is None:
        return []
    end = doc.text.find("\n", label.end())
    end = len(doc.text) if end < 0 else end
    return [(s, e) for s, e in mentions if label.end() <= s and e <= end]


def _organisations(doc: Document, spans: list[tuple[int, int]]) -> tuple[Organisation, ...]:
    found_orgs: dict[str, Organisation] = {}
    for s, e in spans:
        org = orgs.organisation(doc, s, e, role="publisher")
        found_orgs.setdefault(org.name, org)
    return tuple(found_orgs.values())


def _labelled_issuers(doc: Document) -> tuple[Organisation, ...]:
    return _organisations(doc, _issuer_label_spans(doc, orgs.mention_spans(doc.text)))


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
    raw = fund_match.group("fund")
    fund = raw.strip()
    fund_start = fund_match.start("fund") + raw.index(fund)
    year_match = _YEAR.search(doc.text, title.start(), title.end())
    year = int(year_match.group(1)) if year_match else metadata.fiscal_year
    body = doc.text.find("。", line[1])
    return _notice(
        doc,
        title.group(),
        Evidence.of(doc, title.start(), title.end()),
        issuers,
        fund,
        Evidence.of(doc, fund_start, fund_start + len(fund)),
        year,
        len(doc.text) if body < 0 else body,
    )


def _notice(
    doc: Document,
    title: str,
    title_evidence: Evidence,
    issuers: tuple[Organisation, ...],
    fund: str,
    fund_evidence: Evidence,
    year: int | None,
    body_start: int,
) -> Notice:
    """A notice from what was found of it: its levels from the fund's name (else the payer's), its own
    文号 before the body, and the function code it books the money under."""
    payer = _payer(issuers)
    context = payer.region if payer else None
    source = _SOURCE.match(fund)
    levels = levels_of(source.group(), context) if source else ()
    if not levels and payer is not None and payer.level is not None:
        levels = (payer.level,)
    own = _own_number(doc, body_start)
    function = _FUNCTION.search(doc.text)
    return Notice(
        title=title,
        title_evidence=title_evidence,
        issuers=issuers,
        fund=fund,
        fund_evidence=fund_evidence,
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
    """recipient | seq | level | total | other | item, from a header cell (form_layouts.yaml).

    `other` is a column known not to hold the row's money (备注, 户数, 结余); `item` one no rule
    names (a programme's name over its amounts), read only where the items add up to the total.
    """
    return _COLUMNS.field_of(without_unit(squash(text))) or "item"


_UNIT_ONLY = re.compile(r"^(?:金额)?单位[:：](?:亿元|万元|元)$")


@dataclass(frozen=True)
class _Columns:
    recipient: int
    levels: dict[int, tuple[GovLevel, ...]]  # level columns
    totals: list[int]  # row-total columns
    items: list[int]  # unnamed columns: items of the row total
    kinds: dict[int, str]
    headers: dict[int, str]
    units: dict[int, str]
    body: int  # the first data row
    first: int  # the header row
    width: int  # cells in the header row

    @property
    def money(self) -> list[int]:
        return sorted([*self.levels, *self.totals])


def _caption_unit(doc: Document, grid: Grid) -> str:
    """单位：万元 in a header cell or in the lines just above the table; else 元."""
    for cell in grid.rows[0]:
        if unit := caption_unit(cell.text):
            return unit
    return last_caption_unit(doc.text, max(0, grid.start - 200), grid.start) or "元"


def _header_cells(row: list[GridCell]) -> list[GridCell]:
    """A header row without a cell that only states the unit (单位：万元 | 单位 | 金额): an export
    put the caption into the first cell, and the data rows have no cell under it."""
    return [c for c in row if not _UNIT_ONLY.match(squash(c.text))]


def _without_leading_captions(header: list[GridCell], data: list[list[GridCell]]) -> list[GridCell]:
    """A header row wider than every data row whose extra leading cells are no column headers (a
    signature, a date and the caption read into the header line): the header is its last cells."""
    width = max((len(r) for r in data), default=0)
    cut = len(header) - width
    if width < 2 or cut <= 0 or any(_header_kind(c.text) not in ("item", "other") for c in header[:cut]):
        return header
    return header[cut:]


def _merge_header(rows: list[list[GridCell]], first: int) -> tuple[dict[int, str], int, int]:
    """Header texts per column from the header row and the header rows under it (其中 / 中央资金),
    the first data row and the header row's width."""
    end = first
    while end < len(rows) and end - first < 3 and not any(is_number(c.text) for c in rows[end]):
        if end > first and all(_header_kind(c.text) in ("other", "item") for c in rows[end]):
            break
        end += 1
    cells = [_header_cells(row) for row in rows[first:end]]
    if cells:
        cells[0] = _without_leading_captions(cells[0], rows[end : end + 5])
    texts = [[squash(c.text) for c in row] for row in cells]
    columns = stack_columns(texts, max((len(t) for t in texts), default=0), fill_right=False)
    # 其中 over 中央资金 says the column is a part: the name is 中央资金.
    merged = {i: "".join(p) for i, p in enumerate(columns) if p}
    headers = {i: without_part_mark(text) or text for i, text in merged.items()}
    return headers, end, len(texts[0]) if texts else 0


def _blank_recipient(grid: Grid, headers: dict[int, str], body: int, money: list[int]) -> int | None:
    """A recipient column whose header cell is blank: the column left of the money whose data
    cells are labels (甲镇 | 1.5 under ` | 补助资金`)."""
    data = [r for r in grid.rows[body:] if any(c.text.strip() for c in r)]
    for i in range(min(money)):
        if headers.get(i):
            continue
        labels = [r[i].text for r in data if i < len(r) and r[i].text.strip() and not is_number(r[i].text)]
        if data and len(labels) * 2 > len(data):
            return i
    return None


def _columns(doc: Document, grid: Grid, context: Region | None) -> _Columns | None:
    unit = _caption_unit(doc, grid)
    for first in range(min(len(grid.rows), 5)):
        if any(is_number(c.text) for c in grid.rows[first]):
            continue
        headers, body, width = _merge_header(grid.rows, first)
        kinds = {i: _header_kind(text) for i, text in headers.items()}
        money = [i for i, kind in kinds.items() if kind in ("level", "total")]
        if not money:
            continue
        # The innermost recipient column: 县(区) right of 市(州) names the row; the outer spans rows.
        named = [i for i in sorted(kinds) if kinds[i] == "recipient" and i < max(money)]
        recipient = named[-1] if named else None
        if recipient is None:
            recipient = _blank_recipient(grid, headers, body, money)
        if recipient is None:
            continue
        levels: dict[int, tuple[GovLevel, ...]] = {}
        for i, kind in kinds.items():
            # Money stands right of the recipient: 州(市) left of 县(市、区) is an outer label.
            found = _COLUMNS.match(without_unit(headers[i])) if kind == "level" and i > recipient else None
            if found and (named := label_levels(found[1].group("lv"), context)):
                levels[i] = named
        totals = sorted(i for i, kind in kinds.items() if kind == "total" and i > recipient)
        items = sorted(i for i, kind in kinds.items() if kind == "item" and i > recipient) if totals else []
        if not levels and not totals:
            continue
        units = {i: header_unit(headers[i]) or unit for i in [*levels, *totals, *items]}
        return _Columns(recipient, levels, totals, items, kinds, headers, units, body, first, width)
    return None


@dataclass(frozen=True)
class _Row:
    label: str
    cell: GridCell
    kind: str  # total | part | row
    amounts: dict[int, Amount]
    items: dict[int, Amount] = field(default_factory=dict)  # item columns that add up to the total
    uncertain: frozenset[int] = frozenset()  # level columns a shifted row leaves open


def _amount(doc: Document, cell: GridCell, cols: _Columns, column: int) -> Amount | None:
    parsed = parse_amount(cell.text, cols.units[column])
    if parsed is None:
        return None
    evidence = Evidence.of(doc, cell.start, cell.end, cell=cell.ref)
    return Amount(parsed[0], cell.text, parsed[1], evidence, cols.headers[column])


def _label_cell(cells: list[GridCell], cols: _Columns) -> tuple[int, GridCell, bool] | None:
    """The recipient cell: under the recipient header, else (a row that dropped its empty cells,
    or an outer label spanning rows) the last label before the row's first number. True when shifted."""
    if cols.recipient < len(cells):
        cell = cells[cols.recipient]
        if cell.text.strip() and not is_number(cell.text):
            return cols.recipient, cell, False
    found = None
    for i, cell in enumerate(cells):
        if is_number(cell.text):
            break
        if cell.text.strip():
            found = (i, cell, True)
    return found


_MAX_SLOTS = 10  # alignment tries every placement: bounded so that a wide table stays cheap


def _align(doc: Document, values: list[GridCell], cols: _Columns) -> tuple[dict[int, Amount], frozenset[int]] | None:
    """A row that dropped its empty cells, put back under its header by arithmetic.

    The row total is a value that the values after it, placed in order under the columns after the
    total column, add up to in the level columns; of several, the one nearest the total column's
    place. A level column is read where every fitting placement puts the same value under it
    (甲县 | 50 | 50 under 合计 | 中央 | 省级 | 市级 gives the total, not the level).
    """
    total_col = cols.totals[0]
    slots = [i for i in sorted(cols.kinds) if i > total_col]
    if len(slots) > _MAX_SLOTS:
        return None
    allowed = tolerance(cols.units[total_col])
    fits: list[tuple[int, tuple[int, ...]]] = []
    for t, cell in enumerate(values):
        total = _amount(doc, cell, cols, total_col)
        rest = values[t + 1 :]
        if total is None or total.yuan <= 0 or len(rest) > len(slots):
            continue
        for placement in itertools.combinations(range(len(slots)), len(rest)):
            summed = Decimal(0)
            levelled = False
            for k, s in enumerate(placement):
                if slots[s] in cols.levels and (part := _amount(doc, rest[k], cols, slots[s])) is not None:
                    summed += part.yuan
                    levelled = True
            if levelled and abs(summed - total.yuan) <= allowed:
                fits.append((t, placement))
    if not fits:
        return None
    # Of the values that fit, the total is the one nearest its column's place: as many values
    # before it as the header has columns between the recipient and the total (counts of people
    # can add up too; a later total fits only a part of the row: … 2 | 2).
    before = sum(1 for i in cols.kinds if cols.recipient < i < total_col)
    t = min({t for t, _ in fits}, key=lambda t: (abs(t - before), t))
    fits = [fit for fit in fits if fit[0] == t]
    total = _amount(doc, values[t], cols, total_col)
    assert total is not None
    amounts: dict[int, Amount] = {total_col: total}
    uncertain: set[int] = set()
    for s, column in enumerate(slots):
        if column not in cols.levels:
            continue
        placed = {placement.index(s) if s in placement else None for _, placement in fits}
        if len(placed) != 1:
            uncertain.add(column)
        elif (k := placed.pop()) is not None and (amount := _amount(doc, values[t + 1 + k], cols, column)):
            amounts[column] = amount
    return amounts, frozenset(uncertain)


def _items(doc: Document, cells: list[GridCell], cols: _Columns, total: Amount | None) -> dict[int, Amount]:
    """The item columns of a row, where two or more of them add up to the row total."""
    if total is None or len(cols.items) < 2:
        return {}
    found = {i: a for i in cols.items if i < len(cells) and (a := _amount(doc, cells[i], cols, i)) is not None}
    summed = sum((a.yuan for a in found.values()), Decimal(0))
    fits = len(found) >= 2 and abs(summed - total.yuan) <= tolerance(cols.units[cols.totals[0]])
    return found if fits else {}


def _read_row(doc: Document, cells: list[GridCell], cols: _Columns) -> _Row | None:
    labelled = _label_cell(cells, cols)
    if labelled is None:
        return None
    at, cell, shifted = labelled
    label = squash(cell.text)
    kind = row_kind(label)
    if kind == "subtotal":
        return None
    label = without_part_mark(label)
    amounts: dict[int, Amount] = {}
    uncertain: frozenset[int] = frozenset()
    if not shifted:
        for i in cols.money:
            if i < len(cells) and (amount := _amount(doc, cells[i], cols, i)) is not None:
                amounts[i] = amount
    if (shifted or len(cells) < cols.width) and cols.totals and cols.levels:
        values = list(itertools.takewhile(lambda c: is_number(c.text) or not c.text.strip(), cells[at + 1 :]))
        aligned = _align(doc, [c for c in values if c.text.strip()], cols)
        if aligned is not None:
            amounts, uncertain = aligned
    if not amounts:
        return None
    items = {} if shifted else _items(doc, cells, cols, amounts.get(cols.totals[0]) if cols.totals else None)
    return _Row(label, cell, kind, amounts, items, uncertain)


def _rows(doc: Document, grid: Grid, cols: _Columns) -> list[_Row]:
    rows = [_read_row(doc, cells, cols) for cells in grid.rows[cols.body :]]
    return [r for r in rows if r is not None]


def _yuan_text(value: Decimal, unit: str) -> str:
    divisor = {"万元": Decimal(10_000), "亿元": Decimal(100_000_000)}.get(unit, Decimal(1))
    return f"{(value / divisor).normalize():f}"


def _checks(doc: Document, fund: str, cols: _Columns, rows: list[_Row]) -> list[ConsistencyIssue]:
    issues: list[ConsistencyIssue] = []
    total = next((r for r in rows if r.kind == "total"), None)
    parts = [r for r in rows if r.kind == "row"]
    open_columns = {i for r in rows for i in r.uncertain}  # a shifted row left them unknown
    for i in cols.money:
        if total is None or i not in total.amounts or i in open_columns:
            continue
        expected, unit, header = total.amounts[i], cols.units[i], cols.headers[i]
        issue = sum_issue(
            "allocation-total",
            expected,
            [r.amounts[i] for r in parts if i in r.amounts],
            tolerance(unit),
            lambda found, e=expected, u=unit, h=header: (
                f"{fund}分配表“{h}”列：合计 {e.text} 与各行之和 {_yuan_text(found, u)} 不符（{u}）"
            ),
        )
        if issue is not None:
            issues.append(issue)
    if not cols.levels or not cols.totals:
        return issues
    for row in rows:
        whole = row.amounts.get(cols.totals[0])
        split = [row.amounts[i] for i in cols.levels if i in row.amounts]
        if whole is None or not split or row.uncertain:
            continue
        summed = "+".join(a.text for a in split)
        issue = sum_issue(
            "allocation-row",
            whole,
            split,
            tolerance(cols.units[cols.totals[0]]),
            f"{fund}分配表“{row.label}”行：合计 {whole.text} 与各级资金之和 {summed} 不符",
        )
        if issue is not None:
            issues.append(issue)
    return issues


def _recipient(label: str, context: Region | None) -> Region | None:
    """The region a row names, inside the payer's region; the payer's own for 本级; else None."""
    if _OWN_REGION.match(label):
        return context
    if _TOWNSHIP.search(label):  # the division data stop at counties: 甲镇 is not 甲区
        return None
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


def _pairs(notice: Notice, cols: _Columns, row: _Row) -> list[tuple[tuple[GovLevel, ...], Amount | None]]:
    """(levels, amount) for each allocation of a row: its items, its level columns, or its total."""
    if row.items:
        return [(notice.source_levels, amount) for amount in row.items.values()]
    levelled = [(levels, row.amounts.get(i)) for i, levels in cols.levels.items()]
    if cols.levels and (any(a is not None for _, a in levelled) or not row.uncertain):
        return levelled
    return [(notice.source_levels, row.amounts.get(cols.totals[0]))] if cols.totals else []


def _allocations(doc: Document, notice: Notice, cols: _Columns, rows: list[_Row]) -> list[Allocation]:
    payer = notice.payer
    context = payer.region if payer else None
    out: list[Allocation] = []
    for row in rows:
        total = row.kind == "total"
        region = None if total else _recipient(row.label, context)
        evidence = Evidence.of(doc, row.cell.start, row.cell.end, cell=row.cell.ref)
        for levels, amount in _pairs(notice, cols, row):
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


# -- tables without a notice title ------------------------------------------------------------------

# A caption that says the table allocates: …资金分配表, …分配明细表, …分配结果公示, …资金安排表.
_CAPTION = re.compile(r"(?:指标)?(?:分配|下达|拨付|安排)(?:明细|结果|情况|计划)?(?:表|公示)")
_CAPTION_HEAD = re.compile(r"^(?:附件|附表)\s*\d*\s*[:：.．、]?\s*(?:\d+\s*[.．、])?")
_CAPTION_YEAR = re.compile(r"(?:20\d{2}\s*年度?|第[一二三四五六七八九十\d]+批)+")  # matched at the name's start
_CAPTION_LINES = 4  # the caption stands in the few lines above the table


@dataclass(frozen=True)
class _Caption:
    text: str
    start: int
    fund: str
    fund_start: int


def _caption_of(text: str, start: int) -> _Caption | None:
    m = _CAPTION.search(text)
    if m is None:
        return None
    head = _CAPTION_HEAD.match(text)
    pos = head.end() if head else 0
    year = _CAPTION_YEAR.match(text, pos)
    pos = year.end() if year else pos
    fund = text[pos : m.start()].strip()
    lead = len(text[pos : m.start()]) - len(text[pos : m.start()].lstrip())
    return _Caption(text[: m.end()].strip(), start, fund, start + pos + lead)


def _table_caption(doc: Document, grid: Grid, cols: _Columns) -> _Caption | None:
    """The allocation caption in the rows above the header or in the lines just above the table."""
    for row in grid.rows[: cols.first + 1]:  # a caption may stand in the header line itself
        for cell in row:
            if found := _caption_of(cell.text, cell.start):
                return found
    lines = list(_lines(doc.text, max(0, grid.start - 400), grid.start))[-_CAPTION_LINES:]
    for a, b in reversed(lines):
        if found := _caption_of(doc.text[a:b], a):
            return found
    return None


def _regional(doc: Document, cols: _Columns, rows: list[_Row], context: Region | None) -> bool:
    """A table with no caption allocates when its rows name regions and its 合计 adds them up."""
    parts = [r for r in rows if r.kind == "row"]
    named = [r for r in parts if _OWN_REGION.match(r.label) or regions.resolve_region(r.label, context)]
    total = next((r for r in rows if r.kind == "total"), None)
    if len(parts) < 2 or len(named) * 3 < len(parts) * 2 or total is None or not cols.totals:
        return False
    column = cols.totals[0]
    expected = total.amounts.get(column)
    found = sum((r.amounts[column].yuan for r in parts if column in r.amounts), Decimal(0))
    return expected is not None and abs(found - expected.yuan) <= tolerance(cols.units[column])


_RECIPIENT_HEADER = dict(_COLUMNS.rules)["recipient"]
_HEADER_ROWS = 6


def _may_allocate(doc: Document, table: Table) -> bool:
    """In a report without a notice title, a table worth reading as allocations: a recipient header
    in its first rows, or an allocation caption just above it (a cheap test: most tables are none)."""
    for row in table.rows[:_HEADER_ROWS]:
        for cell in row.cells:
            if len(cell.text) <= 24 and _RECIPIENT_HEADER.search(without_unit(squash(cell.text))):
                return True
            if _CAPTION.search(cell.text):
                return True
    return _CAPTION.search(doc.text, max(0, table.start - 400), table.start) is not None


def _untitled_notice(
    doc: Document, metadata: ReportMetadata, grid: Grid, cols: _Columns, rows: list[_Row]
) -> Notice | None:
    """The notice a table stands for in a report without a notice title: one whose caption says it
    allocates (…资金分配表), or one whose rows are regions adding up to its 合计. The fund is the
    caption's (the year, batch and 分配表 dropped), else unnamed."""
    publisher = metadata.publisher
    context = publisher.region if publisher else None
    caption = _table_caption(doc, grid, cols)
    if caption is None and not _regional(doc, cols, rows, context):
        return None
    if caption is not None:
        title = Evidence.of(doc, caption.start, caption.start + len(caption.text))
        fund = Evidence.of(doc, caption.fund_start, caption.fund_start + len(caption.fund))
    else:
        first_cell = grid.rows[cols.first][0]
        title = fund = Evidence.of(doc, first_cell.start, first_cell.end)
    year = _YEAR.search(caption.text) if caption else None
    name = squash(caption.fund) if caption else ""
    return _stated_notice(doc, metadata, title if caption else None, name, fund, year, grid.start)


def _stated_notice(
    doc: Document,
    metadata: ReportMetadata,
    title: Evidence | None,
    name: str,
    fund: Evidence,
    year: re.Match[str] | None,
    before: int,
) -> Notice:
    """A notice without a title line, from the caption or sentence that names its fund (`name` and
    its evidence; an empty name where none is stated): issuers from a 发文机关： label or the publisher, the number a
    bare 文号 line before the body (and before `before`) states."""
    publisher = metadata.publisher
    issuers = _labelled_issuers(doc) or ((publisher,) if publisher else _signature_issuers(doc, before))
    body = doc.text.find("。")
    return _notice(
        doc,
        title.exact if title else "",
        title or fund,
        issuers,
        name,
        fund,
        int(year.group(1)) if year else metadata.fiscal_year,
        min(body if body >= 0 else len(doc.text), before),
    )


def _level_sources(notice: Notice, cols: _Columns, rows: list[_Row]) -> list[FundingSource]:
    """The 合计 row of a level-split table without a notice title: the fund's money by level."""
    total = next((r for r in rows if r.kind == "total"), None)
    if total is None or notice.title_evidence is None:
        return []
    whole = cols.headers[cols.totals[0]] if cols.totals else ""
    out: list[FundingSource] = []
    for i, levels in cols.levels.items():
        amount = total.amounts.get(i)
        if amount is None or amount.yuan == 0:
            continue
        phase = funding_phase(cols.headers[i]) or funding_phase(whole) or BudgetPhase.ALLOCATED
        out.append(FundingSource(notice.fund, levels, phase, amount, cols.headers[i]))
    return out


# -- allocation lists in prose --------------------------------------------------------------------

# One item of a list: a recipient right before its amount (甲区120万元, 乙区资金 41万元), opened by a
# separator, 其中 or an allocating verb (下达丙区57万元).
_LIST_ITEM = re.compile(
    r"(?P<lead>(?:下达|分配|拨付|安排)(?:给|至)?|其中|[、，,；;：:])\s*"
    r"(?P<recipient>[\u4e00-\u9fff]{2,12}?)(?:资金)?\s*"
    r"(?P<amount>\d+(?:\.\d+)?\s*(?:亿元|万元|元|万))(?![\u4e00-\u9fff]?[/每])"
)
_ALLOCATING = re.compile(r"下达|分配|拨付|安排")
_VERB_LEAD = re.compile(r"(?:下达|分配|拨付|安排)(?:给|至)?$")
_LABEL_HEAD = re.compile(r"^(?:其中[，,：:]?)?(?:(?:下达|分配|拨付|安排)(?:给|至)?)?")
_OWN_LEVEL = re.compile(r"^(?:省|市|州|县|区)(?:本)?级$")  # 市级 in a list of recipients: the city's own
_DIVISION = re.compile(r"(?:省|市|区|县|旗|州|盟)$")
_FUND_NAME = re.compile(r"[\u4e00-\u9fff]{2,30}?(?:公益金|资金)")
_FUND_HEAD = re.compile(r"^.*[的年《]|^(?:提前下达|下达|分配|安排|拨付|统筹)")
_GENERIC_FUND = re.compile(r"^(?:分配|下达|安排|结转|其余|上年|当年|补助|专项|财政|市级|县级|共)*(?:公益金|资金)$")


@dataclass(frozen=True)
class _Item:
    recipient: str
    recipient_span: tuple[int, int]
    amount: str
    amount_span: tuple[int, int]
    lead: str
    own: bool  # a level word (市本级, 市级) rather than a region's name


def _list_item(doc: Document, m: re.Match[str], context: Region | None) -> _Item | None:
    label, (start, end), lead = m.group("recipient"), m.span("recipient"), m.group("lead")
    if (head := _LABEL_HEAD.match(label)) and head.end():  # ：其中市本级…, ；下达甲区…: no part of the name
        lead, label, start = head.group(), label[head.end() :], start + head.end()
    if len(label) < 2:
        return None
    own = bool(_OWN_REGION.match(label) or _OWN_LEVEL.match(label))
    if not own:
        if not _DIVISION.search(label) or _TOWNSHIP.search(label):
            return None
        region = regions.resolve_region(label, context)
        if region is None or region.name != label:
            return None
    return _Item(label, (start, end), m.group("amount"), m.span("amount"), lead, own)


def _runs(doc: Document, start: int, end: int, context: Region | None) -> Iterator[list[_Item]]:
    """Runs of list items that follow one another (only a separator between them) in a sentence."""
    run: list[_Item] = []
    last_end = -1
    for m in _LIST_ITEM.finditer(doc.text, start, end):
        item = _list_item(doc, m, context)
        if item is None or (run and m.start() != last_end):
            if run:
                yield run
            run = []
        if item is not None:
            run.append(item)
            last_end = m.end()
    if run:
        yield run


_SENTENCE = re.compile(r"[^。！？\n]+")


def _sentence_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    return (m.span() for m in _SENTENCE.finditer(text, start, end))


def _paragraph_fund(doc: Document, start: int, end: int) -> tuple[str, int]:
    """The fund a paragraph speaks of: its first fund name (…公益金, …资金), the words before the name
    (year, 的, an allocating verb) dropped; '' where it names none but generic money."""
    for m in _FUND_NAME.finditer(doc.text, start, end):
        head = _FUND_HEAD.match(m.group())
        name = m.group()[head.end() :] if head else m.group()
        if len(name) > 3 and not _GENERIC_FUND.match(name):
            return name, m.end() - len(name)
    return "", start


def _prose_lists(doc: Document, context: Region | None) -> Iterator[tuple[int, int, list[_Item]]]:
    """(paragraph start, end, items) of each allocation list in prose: two or more regions with their
    amounts in a sentence that allocates (or follows one that does), or one region right after an
    allocating verb (下达甲区57万元). Every item must be a region's name or the payer's own level,
    and a run of own levels alone is no list."""
    for block in doc.paragraphs():
        if not _ALLOCATING.search(doc.text, block.start, block.end):
            continue  # cheap: a paragraph that allocates nothing lists nothing
        previous = ""
        for a, b in _sentence_spans(doc.text, block.start, block.end):
            sentence = doc.text[a:b]
            cued = _ALLOCATING.search(sentence) or _ALLOCATING.search(previous)
            for run in _runs(doc, a, b, context):
                regional = any(not item.own for item in run)
                single = len(run) == 1 and _VERB_LEAD.search(run[0].lead) and regional
                if regional and ((len(run) >= 2 and cued) or single):
                    yield block.start, block.end, run
            previous = sentence


def _prose_allocations(doc: Document, metadata: ReportMetadata, notice: Notice | None) -> list[Allocation]:
    """Allocations a report lists in prose (其中，甲区708万元、乙区392万元), where it has no table."""
    payer = notice.payer if notice else metadata.publisher
    context = payer.region if payer else None
    out: list[Allocation] = []
    for start, end, items in _prose_lists(doc, context):
        listed = notice
        if listed is None:
            name, at = _paragraph_fund(doc, start, items[0].recipient_span[0])
            fund = Evidence.of(doc, at, at + len(name)) if name else Evidence.of(doc, *items[0].recipient_span)
            listed = _stated_notice(doc, metadata, None, name, fund, _YEAR.search(doc.text, start, end), start)
        for item in items:
            parsed = parse_amount(item.amount)
            if parsed is None or parsed[0] == 0:
                continue
            amount = Amount(parsed[0], item.amount, parsed[1], Evidence.of(doc, *item.amount_span), listed.fund)
            region = context if item.own else _recipient(item.recipient, context)
            out.append(
                Allocation(
                    recipient=item.recipient,
                    recipient_region=region,
                    programme=listed.fund,
                    levels=listed.source_levels,
                    phase=BudgetPhase.ALLOCATED,
                    amount=amount,
                    payer=listed.payer,
                    function_code=listed.function_code,
                    recipient_evidence=Evidence.of(doc, *item.recipient_span),
                    notice=listed,
                )
            )
    return out


# -- the report ---------------------------------------------------------------------------------------


@dataclass
class AllocationsFound:
    allocations: list[Allocation] = field(default_factory=list)
    issues: list[ConsistencyIssue] = field(default_factory=list)
    sources: list[FundingSource] = field(default_factory=list)  # level splits of untitled tables


def read_tables(doc: Document, metadata: ReportMetadata) -> AllocationsFound:
    """Allocations, checks and level splits of every allocation table of a report."""
    found = AllocationsFound()
    notice = read_notice(doc, metadata)
    payer = notice.payer if notice else metadata.publisher
    context = payer.region if payer else None
    lines, line_issues = line_grids(doc, text_blocks(doc), len(doc.tables), _header_kind) if notice else ([], [])
    tables = [grid_of(t) for t in doc.tables if notice is not None or _may_allocate(doc, t)]
    for grid in sorted([*tables, *lines], key=lambda g: g.start):
        cols = _columns(doc, grid, context)
        if cols is None:
            continue
        rows = _rows(doc, grid, cols)
        table_notice = notice or _untitled_notice(doc, metadata, grid, cols, rows)
        if table_notice is None:
            continue
        found.allocations.extend(_allocations(doc, table_notice, cols, rows))
        found.issues.extend(_checks(doc, table_notice.fund, cols, rows))
        if notice is None:
            found.sources.extend(_level_sources(table_notice, cols, rows))
    found.issues[:0] = line_issues
    if not found.allocations:  # a list in prose repeats a table where there is one
        found.allocations.extend(_prose_allocations(doc, metadata, notice))
    return found


def find_allocations(doc: Document, metadata: ReportMetadata) -> tuple[list[Allocation], list[ConsistencyIssue]]:
    """The rows of an allocation notice's tables as Allocations, and the failed checks of their totals."""
    found = read_tables(doc, metadata)
    return found.allocations, found.issues


@component("allocations", needs=["metadata"], provides=["allocations", "issues", "funding_sources"])
def read_allocations(doc: Document, found: ReportRecords) -> None:
    tables = read_tables(doc, found.metadata)
    found.allocations.extend(tables.allocations)
    found.issues.extend(tables.issues)
    found.funding_sources.extend(tables.sources)


__all__ = ["AllocationsFound", "find_allocations", "read_notice", "read_tables", "without_own_number"]
