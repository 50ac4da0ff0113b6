"""Standard disclosure tables (公开01–10 and their variants) un-pivoted into BudgetLines.

The layouts are data (kg/extract/table_templates.yaml, whose header explains the reading steps);
this module only knows the general shape of such tables: a caption area above, header rows that
may span two or three lines, an optional column-number row (栏次), then data rows whose columns
fall into blocks of code / name / amounts.

Units: a table's amounts are in the unit its caption area states (金额单位：元, 单位：万元); when
none is stated they are taken to be in 元. Amounts are exact Decimal yuan (万元 × 10 000).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from kg.document import BlockKind, Cell, Document, Row, Table
from kg.extract.amounts import parse_amount
from kg.extract.budget.templates import Catalogue, ColumnRule, Defaults, Template, load_templates
from kg.extract.table.headers import stack_columns
from kg.extract.table.rows import is_column_numbers, realign_overflow
from kg.extract.table.units import caption_unit
from kg.lexicon import classification
from kg.lexicon.text import label_key
from kg.records import Amount, BudgetLine, BudgetPhase, CellRef, Classification, Evidence

_TRAILING_NUMBER = re.compile(r"\(?(?:公开\d+表|附表[一二三四五六七八九十\d]+|表\d+)\)?$")
_TITLE_ROW = re.compile(r"表$|年度?$|^(?:部门|单位|编制单位)")
_MAX_CAPTION_BLOCKS = 8
_MAX_CAPTION_CHARS = 80
_MAX_PAGE_FURNITURE = 3  # blocks (page numbers, running heads) allowed between two parts of a table
# PDF exports wrap cells with a space (卫生健康管理事 务); spaces next to ASCII letters or digits stay.
_WRAP_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+(?![A-Za-z0-9])")
_COLUMN_NUMBER = re.compile(r"\d+(?:\.0+)?")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")


def clean(text: str) -> str:
    """Cell text as a label: trimmed, wrap spaces between Chinese characters removed."""
    return _WRAP_SPACE.sub("", text.strip())


def _amount(text: str, unit: str) -> tuple | None:
    if not _DIGIT.search(text):  # most cells of a table are empty or text
        return None
    return parse_amount(text, unit)


def _is_column_numbers(row: Row) -> bool:
    return is_column_numbers(row.texts)


# --- caption area ---------------------------------------------------------------------------------


def _caption_areas(doc: Document) -> dict[int, list[str]]:
    """For each table, the texts of the blocks just before it (back to the previous table), nearest first."""
    areas: dict[int, list[str]] = {}
    pending: list[str] = []
    for block in doc.blocks:
        if block.kind is BlockKind.TABLE and block.table is not None:
            areas[block.table] = pending[-_MAX_CAPTION_BLOCKS:][::-1]
            pending = []
        else:
            pending.append(doc.text[block.start : block.end])
    return areas


def _title_rows(table: Table, catalogue: Catalogue) -> int:
    """How many leading one-cell rows are titles (caption, unit, 年度) rather than header."""
    count = 0
    for row in table.rows[:-1]:
        texts = [c.text for c in row.cells if c.text.strip()]
        if len(texts) != 1:
            break
        key = label_key(texts[0])
        if not (caption_unit(texts[0]) or _TITLE_ROW.search(key) or _caption_template(key, catalogue)):
            break
        count += 1
    return count


def _caption_template(text: str, catalogue: Catalogue) -> tuple[Template, str] | None:
    """The template whose caption pattern matches the end of `text` longest, with the matched caption."""
    key = _TRAILING_NUMBER.sub("", label_key(text))
    if not key or len(key) > _MAX_CAPTION_CHARS:
        return None
    best: tuple[Template, str] | None = None
    for template in catalogue.templates:
        for pattern in template.captions:
            m = pattern.search(key)
            if m and (best is None or len(m.group()) > len(best[1])):
                best = (template, m.group())
    return best


def _unit(texts: list[str], default: str) -> str:
    return next((unit for text in texts if (unit := caption_unit(text))), default)


# --- header and column layout ---------------------------------------------------------------------


@dataclass
class Column:
    index: int
    parts: list[str]  # header texts, top to bottom, as written (wrap spaces removed)
    group: str | None = None  # block name from the top row when the template reads it in order
    role: str | None = None  # code | skip | name | amount
    rule: ColumnRule | None = None
    phase: BudgetPhase | None = None
    fund_type: str | None = None
    head: str = ""  # the lowest header part, folded
    full: str = ""  # all header parts joined, folded
    label: str = ""  # the header as a measure label: group and parts, space-separated

    def refresh(self) -> None:
        self.head = label_key(self.parts[-1]) if self.parts else ""
        self.full = label_key("".join(self.parts))
        self.label = " ".join(([self.group] if self.group else []) + self.parts)


@dataclass
class Block:
    start: int
    columns: list[Column]
    code: Column | None = None
    name: Column | None = None
    amounts: list[Column] = field(default_factory=list)


def _header_end(rows: tuple[Row, ...]) -> tuple[int, int] | None:
    """(number of header rows, index of the first data row), or None when the table has no data."""
    for i, row in enumerate(rows):
        if _is_column_numbers(row):
            return i, i + 1
        texts = [label_key(c.text) for c in row.cells]
        if i and any(classification.CODE.fullmatch(t) or _amount(t, "元") for t in texts):
            return i, i
    return None


def _header_columns(rows: tuple[Row, ...], ncols: int, groups: bool) -> tuple[list[Column], list[str]]:
    grid = [[clean(c.text) for c in row.cells] for row in rows]
    names: list[str] = []
    if groups and len(grid) > 1:
        names = [t for t in grid[0] if t]
        grid = grid[1:]
    columns = []
    for c, parts in enumerate(stack_columns(grid, ncols, fill_right=True)):
        column = Column(c, parts)
        column.refresh()
        columns.append(column)
    return columns, names


def _first_phase(text: str, defaults: Defaults) -> BudgetPhase | None:
    return next((phase for pattern, phase in defaults.phase_words if pattern.search(text)), None)


def _first_fund(text: str, defaults: Defaults) -> str | None:
    return next((fund for pattern, fund in defaults.fund_words if pattern.search(text)), None)


def _assign(column: Column, template: Template, defaults: Defaults) -> None:
    """Set a column's role, and for amount columns its rule, phase and fund type."""
    column.refresh()
    column.role, column.rule = None, None
    if not column.parts:
        return
    head = column.head
    roles = template.roles or defaults.roles
    column.role = next((role for role, patterns in roles if any(p.search(head) for p in patterns)), None)
    if column.role is not None:
        return
    full = column.full
    column.rule = next((rule for rule in template.columns if rule.pattern.search(full)), None)
    if column.rule is None:
        return
    column.role = "amount"
    group_phase = _first_phase(label_key(column.group), defaults) if column.group else None
    column.phase = group_phase or column.rule.phase or _first_phase(full, defaults)
    column.fund_type = column.rule.fund_type or _first_fund(label_key(column.group or "") + full, defaults)


def _blocks(columns: list[Column], template: Template, names: list[str], defaults: Defaults) -> list[Block]:
    starts = [c.index for c in columns if c.parts and any(p.search(c.head) for p in template.block_start)]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    blocks = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(columns)
        block = Block(start, columns[start:end])
        for column in block.columns:
            column.group = names[i] if i < len(names) else None
            _assign(column, template, defaults)
        _roles(block)
        blocks.append(block)
    return blocks


def _roles(block: Block) -> None:
    block.code = next((c for c in block.columns if c.role == "code"), None)
    block.name = next((c for c in block.columns if c.role == "name"), None)
    block.amounts = [c for c in block.columns if c.role == "amount"]


# --- rows -----------------------------------------------------------------------------------------


@dataclass
class _TableContext:
    doc: Document
    table: Table
    template: Template
    defaults: Defaults
    unit: str
    caption: str | None
    columns: list[Column]
    blocks: list[Block]
    width: int = 0  # cells in the widest header row
    header: list[tuple[str, ...]] = field(default_factory=list)  # folded header rows, to spot repeats
    data_start: int = 0  # index of the first data row in `table.rows`
    off_sections: dict[int, bool] = field(default_factory=dict)  # block start → inside a count section


# A data row seen through the header's columns: (physical cell index, cell) per logical column.
View = list[tuple[int, Cell]]


def _view(row: Row, width: int) -> View:
    """Cells by logical column: a trailing run of text pushed past the header is put back under it."""
    return realign_overflow(row.cells, width)


def _cell(view: View, column: Column | None) -> tuple[int, Cell] | None:
    if column is None or column.index >= len(view):
        return None
    return view[column.index]


def _text(view: View, column: Column | None) -> str:
    found = _cell(view, column)
    return clean(found[1].text) if found is not None else ""


def _label_to_left(view: View, before: int, unit: str) -> str:
    """The nearest text cell left of a block: the label of total rows such as 公用经费合计."""
    for _, cell in reversed(view[:before]):
        text = clean(cell.text)
        if text and _HAN.search(text) and _amount(text, unit) is None:
            return text
    return ""


def _is_inner_header(ctx: _TableContext, view: View) -> bool:
    names = [found[1].text for b in ctx.blocks if (found := _cell(view, b.name)) is not None and "项" in found[1].text]
    if not any(ctx.defaults.inner_header.search(label_key(n)) for n in names):
        return False
    return not any(_amount(c.text, ctx.unit) for _, c in view)


def _reheader(ctx: _TableContext, view: View) -> None:
    """A 项目 row inside the table (公开10's sections) names the columns below it anew."""
    for block in ctx.blocks:
        for column in block.columns:
            text = _text(view, column)
            if text and column is not block.name:
                column.parts = [text]
                _assign(column, ctx.template, ctx.defaults)
        _roles(block)


def _row_is_money(ctx: _TableContext, block: Block, label: str) -> bool:
    """False for count rows (车辆数(辆)) and for rows inside a count section (资产信息)."""
    key = label_key(label)
    if key and ctx.defaults.heading.search(key):
        ctx.off_sections[block.start] = bool(ctx.defaults.non_money_sections.search(key))
    if ctx.off_sections.get(block.start):
        return False
    return not ctx.defaults.non_money_rows.search(key)


@dataclass(frozen=True)
class _RowMeaning:
    """What a block of a data row is about; shared by all its amount cells."""

    label: str
    classification: Classification | None
    phase: BudgetPhase | None
    fund_type: str | None
    is_total: bool


def _meaning(ctx: _TableContext, label: str, code: str | None) -> _RowMeaning:
    key = label_key(label)
    words = ctx.template.row_words
    return _RowMeaning(
        label,
        classification.classification_of(code, label) if code else None,
        _first_phase(key, ctx.defaults) if words else None,
        _first_fund(key, ctx.defaults) if words else None,
        any(p.search(key) for p in ctx.template.totals or ctx.defaults.totals),
    )


def _block_lines(ctx: _TableContext, block: Block, view: View, row_index: int) -> list[BudgetLine]:
    code_text = _text(view, block.code)
    code = code_text if classification.CODE.fullmatch(code_text) else None
    label = _text(view, block.name) or ("" if code else code_text)
    if not _row_is_money(ctx, block, label):
        return []
    cells = []
    for column in block.amounts:
        found = _cell(view, column)
        parsed = _amount(found[1].text, ctx.unit) if found is not None else None
        if found is not None and parsed is not None:
            cells.append((column, found, parsed))
    if not cells:
        return []
    if not label and not code:
        label = _label_to_left(view, block.start, ctx.unit) or (ctx.template.row_label or "")
        if not label:
            return []  # an amount with neither code nor label has no identity
    meaning = _meaning(ctx, label, code)
    return [_line(ctx, column, found, parsed, meaning, row_index) for column, found, parsed in cells]


def _line(
    ctx: _TableContext, column: Column, found: tuple[int, Cell], parsed: tuple, row: _RowMeaning, row_index: int
) -> BudgetLine:
    (physical, cell), (yuan, unit) = found, parsed
    rule = column.rule
    assert rule is not None  # amount columns always have a rule
    evidence = Evidence.of(ctx.doc, cell.start, cell.end, cell=CellRef(ctx.table.index, row_index, physical))
    return BudgetLine(
        table_kind=ctx.template.id,
        row_label=row.label,
        measure=rule.measure,
        measure_label=column.label,
        phase=column.phase or row.phase or ctx.template.phase or ctx.defaults.phase,
        amount=Amount(yuan, cell.text, unit, evidence, label=column.label),
        classification=row.classification,
        fund_type=column.fund_type or row.fund_type or ctx.template.fund_type,
        is_total=row.is_total,
        table_caption=ctx.caption,
    )


# --- tables ---------------------------------------------------------------------------------------


def _by_signature(rows: tuple[Row, ...], ncols: int, catalogue: Catalogue) -> Template | None:
    """Without a caption, the first template whose signature the header texts all show."""
    columns, _ = _header_columns(rows, ncols, groups=False)
    seen = {c.full for c in columns} | {c.head for c in columns}
    for template in catalogue.templates:
        if template.signature and all(any(p.search(t) for t in seen) for p in template.signature):
            return template
    return None


def _recognise(doc: Document, table: Table, caption_area: list[str], catalogue: Catalogue) -> _TableContext | None:
    """The layout of a recognised disclosure table, ready to read its rows from `ctx.data_start`."""
    titles = _title_rows(table, catalogue)
    texts = [c.text for row in table.rows[:titles] for c in row.cells if c.text.strip()][::-1] + caption_area
    by_caption = next(((found[0], t) for t in texts if (found := _caption_template(t, catalogue))), None)
    rows = table.rows[titles:]
    bounds = _header_end(rows)
    if bounds is None or bounds[0] == 0:
        return None
    header_count, data_start = bounds
    ncols = max(len(r.cells) for r in rows)
    if by_caption is not None:
        template, caption = by_caption[0], clean(by_caption[1])
    else:
        template, caption = _by_signature(rows[:header_count], ncols, catalogue), None
        if template is None:
            return None
    header = rows[:header_count]
    columns, names = _header_columns(header, ncols, template.block_groups)
    return _TableContext(
        doc,
        table,
        template,
        catalogue.defaults,
        _unit(texts, catalogue.defaults.unit),
        caption,
        columns,
        _blocks(columns, template, names, catalogue.defaults),
        width=max(len(r.cells) for r in header),
        header=[_row_key(r) for r in header],
        data_start=titles + data_start,
    )


def _row_key(row: Row) -> tuple[str, ...]:
    return tuple(label_key(c.text) for c in row.cells)


def _read_rows(ctx: _TableContext) -> list[BudgetLine]:
    lines: list[BudgetLine] = []
    for index in range(ctx.data_start, len(ctx.table.rows)):
        row = ctx.table.rows[index]
        if _is_column_numbers(row):
            continue
        view = _view(row, ctx.width)
        if _is_inner_header(ctx, view):
            _reheader(ctx, view)
            continue
        for block in ctx.blocks:
            lines.extend(_block_lines(ctx, block, view, index))
    return lines


def _continuation(
    table: Table, caption_area: list[str], previous: _TableContext, catalogue: Catalogue
) -> _TableContext | None:
    """The previous table's layout for a table that goes on from it after a page break.

    PDF readers give each page's part of a table as a table of its own. A part continues the
    table before it when nothing but page furniture stands between them (no caption, at most
    `_MAX_PAGE_FURNITURE` short blocks), it has no more columns than that table's header, and it
    starts with data or with that table's header repeated.
    """
    if table.index != previous.table.index + 1 or len(caption_area) > _MAX_PAGE_FURNITURE:
        return None
    if any(_caption_template(text, catalogue) or len(text) > _MAX_CAPTION_CHARS for text in caption_area):
        return None
    if not table.rows or max(len(r.cells) for r in table.rows) > max(previous.width, len(previous.columns)):
        return None
    start = 0
    while (
        start < len(table.rows)
        and start < len(previous.header)
        and _row_key(table.rows[start]) == previous.header[start]
    ):
        start += 1
    if start < len(table.rows) and _is_column_numbers(table.rows[start]):
        start += 1
    first = table.rows[start] if start < len(table.rows) else None
    if first is None or not any(
        classification.CODE.fullmatch(label_key(c.text)) or _amount(label_key(c.text), "元") for c in first.cells
    ):
        return None
    return dataclasses.replace(previous, table=table, data_start=start)


def read_table(doc: Document, table: Table, caption_area: list[str], catalogue: Catalogue) -> list[BudgetLine]:
    """The budget lines of one table, or [] when it is not a recognised disclosure table."""
    ctx = _recognise(doc, table, caption_area, catalogue)
    return _read_rows(ctx) if ctx is not None else []


def find_table_lines(doc: Document) -> list[BudgetLine]:
    """Budget lines of every recognised disclosure table of the document, in table order.

    A table that carries on a recognised table over a page break is read with that table's layout.
    """
    catalogue = load_templates()
    areas = _caption_areas(doc)
    lines: list[BudgetLine] = []
    previous: _TableContext | None = None
    for table in doc.tables:
        area = areas.get(table.index, [])
        # A part after a page break (no caption, page furniture only) takes its table's layout and
        # unit even when its repeated header would be recognised on its own.
        ctx = _continuation(table, area, previous, catalogue) if previous is not None else None
        ctx = ctx or _recognise(doc, table, area, catalogue)
        if ctx is not None:
            lines.extend(_read_rows(ctx))
        previous = ctx
    return lines
