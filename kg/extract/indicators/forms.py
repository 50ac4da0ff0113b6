"""Indicator tables of performance forms: 项目/部门整体绩效自评表, 转移支付绩效自评表, 绩效目标申报表.

Rows are read as one stream in document order, like the funding part of the same forms
(kg.extract.programmes, whose label helpers this module reuses): a form title or a 项目名称 label
starts a form (a 部门整体 form evaluates the publisher, so its title alone starts it: such forms often
name no 项目); 项目编码 and 自评总分 fill it; the funding header's 执行率 column gives the execution
rate; the indicator header starts the indicator rows; a 总分 row ends them.

Indicator header cells are named by their words, never by position: 一级/二级指标 tiers, 三级指标 /
指标名称 the name, 计量单位, 指标性质, (年度)指标值, 调整后…指标值, …完成值, 偏离度, 得分系数,
权重/分值, 得分, 是否核心指标, 说明/原因. A header wrapped over two lines (指 / 标 得 分) is joined
column by column first.

Rows are aligned to the header through their name cell: merged cells are left empty or dropped
(时效指标 | 市域内… standing one column left of its header), so the cells before the name are read as
tiers by their words (产出指标, 数量指标 …) and the value cells follow the name in header order. When
the cell under 分值 is not a number while a pair of numbers stands further right, the row is aligned on
that pair instead (a name with an extra empty cell after it).

A row stuck into the 说明 cell of another (PDF text: `5 追回医保基金金额 万元/年 ≥ 100 200 …`) is read
as a row of its own, with the cell's text split by the header's column order.

Value columns are found after the name column (a caption run into the header's first cell names
none). A target column the header gives one cell but the row writes as several (符号 | 95 | %, the
lower header line 符号 | 单位 skipped) gives the row its comparison and unit, and the columns after
it move right. Tables rebuilt from text (kg/readers/layout) bring more shapes, read here alike:
- labels and the indicator header in one row (one cell per line), or the first data row run into
  the header row: the header is read from that row, the data after its last column;
- prose between a form's 项目名称 and its indicator table (the 年度目标 text) pauses the form
  instead of ending it: the next indicator table continues it;
- an indicator table with no header at all (the excerpt starts mid-way): a table where a row holds
  tier words, a name and a target written with an operator or a unit is read by the shape of its
  rows (`_by_shape`: points, operator, target, unit, actual after the name), to its last row;
- a tier word wrapped over two rows of one cell (社会效益 / 指标) sets that tier.
A table that no form names evaluates the programme named before it, else the publisher
(model.unnamed_draft).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from kg.document import Block, Cell, Document, Row
from kg.extract.indicators import values
from kg.extract.indicators.model import Draft, Programmes, Text, has_data, make_indicator, unnamed_draft
from kg.extract.table.forms import FORM_TITLE, LABEL_HINT, form_kind, form_label, label_text, value_after
from kg.extract.table.grid import cell_evidence
from kg.extract.table.headers import join_columns
from kg.extract.table.layouts import rules
from kg.lexicon.measures import TIER1 as _TIER1
from kg.lexicon.measures import TIER2 as _TIER2
from kg.lexicon.measures import is_unit
from kg.lexicon.text import squash
from kg.records import CellRef, Evidence, Indicator, Measurement

_HEADER_FIELDS = rules("indicator_columns")
_POINTS = re.compile(r"[(（]\d+(?:\.\d+)?分?[)）]$")
_UNUSED = frozenset({"coefficient"})  # 得分系数 is the score divided by the weight: nothing of its own
_HEADER_HINT = re.compile(r"指\s*标\s*名\s*称|三\s*级\s*指\s*标")
_TOTAL_LABEL = re.compile(r"^(?:自评)?总分$")
_TOTAL_ROW = frozenset({"总分", "合计", "总计"})
_RATE = re.compile(r"(?<!预算)执行率$|B/A")
_FUNDING_WORD = re.compile(r"预算|执行数")
_DEPARTMENT_KINDS = frozenset({"department-overall"})
_SIGNED = re.compile(rf"^(?:{values.SIGNS}|不低于|不高于|不少于|不超过)")
_STUCK_TOKEN = {
    "unit": r"\S+",
    "comparison": r"[≥≤=<>＝＞＜]",
    "core": r"是|否",
}


def _field(text: str) -> str | None:
    return _HEADER_FIELDS.field_of(text)


def _tier_text(text: str) -> str:
    """产出指标(60) → 产出指标: the points of a tier are not part of its name."""
    return _POINTS.sub("", squash(text))


@dataclass
class _Columns:
    """The indicator header: field name → column index."""

    fields: dict[str, int]
    texts: list[str]
    rows: int = 0  # data rows read so far
    table: int | None = None  # for a table without header: the table whose rows are read by shape

    @classmethod
    def of(cls, texts: list[str]) -> _Columns | None:
        fields = _HEADER_FIELDS.fields_of(texts)
        if "name" not in fields:
            return None
        # Value columns stand after the name: a cell before it (四、指标完成情况, a caption run into the
        # header's first cell) names none of them.
        name = fields["name"]
        for i, text in enumerate(texts[name + 1 :], start=name + 1):
            found = _field(text)
            if found is not None and fields[found] < name:
                fields[found] = i
        # A wrapped header may lack some value columns until its second line is joined.
        return cls(fields, texts) if len(fields) >= 4 else None

    def after_name(self) -> list[tuple[str, int]]:
        name = self.fields["name"]
        return sorted(((f, i) for f, i in self.fields.items() if i > name), key=lambda item: item[1])


@dataclass
class _Funding:
    """The funding header of a form: where the execution rate, its weight and its score stand."""

    rate: int
    weight: int | None
    score: int | None


@dataclass
class _Form:
    kind: str | None
    draft: Draft | None = None
    columns: _Columns | None = None
    funding: _Funding | None = None
    tier1: str | None = None
    tier2: str | None = None
    closed: bool = False  # the indicator rows ended (a 总分 row)
    fragment: str = ""  # a tier word wrapped over rows (社会效益 / 指标): its first part
    indicators: list[Indicator] = field(default_factory=list)


class FormReader:
    def __init__(self, doc: Document, publisher: str | None, programmes: Programmes) -> None:
        self.doc = doc
        self.publisher = publisher
        self.programmes = programmes
        self.form: _Form | None = None
        self.paused: _Form | None = None  # a form that prose interrupted before its indicator table
        self.drafts: list[Draft] = []
        self._shaped: dict[int, bool] = {}  # table → whether it is an indicator table without header

    # events ---------------------------------------------------------------------------------

    def text_block(self, block: Block) -> None:
        text = squash(self.doc.text[block.start : block.end])
        if len(text) <= 60 and FORM_TITLE.search(text):
            self._open(text, Evidence.of(self.doc, block.start, block.end))
        elif "。" in text or len(text) > 60:
            self.close(pause=True)

    def row(self, table: int, index: int, row: Row) -> None:
        texts = row.texts
        filled = [t for t in texts if t.strip()]
        if not filled:
            return
        if len(filled) == 1 and FORM_TITLE.search(squash(filled[0])):
            col = next(i for i, t in enumerate(texts) if t.strip())
            self._open(squash(filled[0]), cell_evidence(self.doc, table, index, col, row.cells[col]))
            return
        if self.form is None:
            self.form = _Form(None)
        # A row of labels is no data row; a one-cell-per-line form may run its labels and the indicator
        # header into one row, which the header below then reads.
        if self._labels(table, index, row) and _header(texts) is None:
            return
        if self.form.draft is None and not self._adopt(table, index, row):
            return
        form = self.form
        assert form.draft is not None
        if form.columns is None and self._funding_header(texts):
            return
        if form.funding is not None and form.draft.execution_rate is None and form.columns is None:
            self._funding_row(table, index, row)
        if form.closed:
            return
        # Only a row naming its indicator column (指标名称 / 三级指标) can be a header: test that cheaply first.
        columns = _header(texts)
        if columns is not None:
            form.columns, form.tier1, form.tier2 = columns, None, None
            # The first data row may run into the header row (… | 指标值 | 产出指标 | 数量指标 | 接种率 | ≥90%).
            after = max(columns.fields.values()) + 1
            if any(t.strip() for t in texts[after:]):
                self._indicator_row(table, index, row, after)
            return
        if form.columns is None and self._without_header(table):
            form.columns, form.tier1, form.tier2 = _Columns({}, [], table=table), None, None
        if form.columns is not None:
            self._indicator_row(table, index, row)

    def _adopt(self, table: int, index: int, row: Row) -> bool:
        """An indicator table while no form is open: it continues the form that prose interrupted
        (a 项目名称 above the 年度目标 text), else it evaluates the programme named last before it, else
        the publisher (model.unnamed_draft)."""
        if _header(row.texts) is None and not self._without_header(table):
            return False
        if self.paused is not None:
            self.form, self.paused = self.paused, None
            return True
        assert self.form is not None
        filled = next(i for i, c in enumerate(row.cells) if c.text.strip())
        evidence = cell_evidence(self.doc, table, index, filled, row.cells[filled])
        self.form.draft = unnamed_draft(self.programmes, self.publisher, evidence)
        return True

    def _without_header(self, table: int) -> bool:
        """Whether a table holds indicator rows but no header: a row of tier words, a name and a
        target written as one (an operator or a unit), and no row naming the indicator column."""
        if table not in self._shaped:
            rows = [r.texts for r in self.doc.tables[table].rows]
            self._shaped[table] = not any(_header(t) for t in rows) and any(_tiered_target(t) for t in rows)
        return self._shaped[table]

    def _open(self, title: str, evidence: Evidence) -> None:
        """A form title. A 部门整体 form evaluates the publisher: its draft starts here, and a 项目名称
        label that follows starts it again (the empty draft of the title is then dropped)."""
        self.close()
        self.paused = None
        self.form = _Form(form_kind(title))
        if self.form.kind in _DEPARTMENT_KINDS and self.publisher:
            self.form.draft = Draft(self.publisher, evidence, "form", None, True)

    def close(self, *, pause: bool = False) -> None:
        """End the open form. Prose pauses it: its indicator table may follow the 年度目标 text."""
        form, self.form = self.form, None
        if form is None or form.draft is None:
            return
        form.draft.indicators.extend(form.indicators)
        form.indicators = []
        if (form.draft.indicators or form.draft.total is not None) and form.draft not in self.drafts:
            self.drafts.append(form.draft)
        if pause and not form.closed:
            self.paused = form

    # labels ---------------------------------------------------------------------------------

    def _labels(self, table: int, index: int, row: Row) -> bool:
        """项目名称 / 项目编码 / 自评总分 with their values; True when the row held any of them."""
        found = False
        for i, cell in enumerate(row.cells):
            if len(cell.text) > 24 or not (LABEL_HINT.search(cell.text) or "总分" in cell.text):
                continue
            label = label_text(cell.text)
            field = form_label(cell.text)
            if field not in ("name", "code"):
                field = "total" if _TOTAL_LABEL.match(label) and cell.text.rstrip().endswith((":", "：")) else None
            if field is None:
                continue
            found = True
            value = value_after(row.cells, i)
            if value is None:
                continue
            col, vcell = value
            evidence = cell_evidence(self.doc, table, index, col, vcell)
            if field == "name":
                self._start(vcell.text, evidence)
            elif self.form is not None and self.form.draft is not None:
                self._fill(field, vcell, evidence)
        return found

    def _start(self, name: str, evidence: Evidence) -> None:
        assert self.form is not None
        self.paused = None
        if self.form.draft is not None:  # a second name: a new form without a title row
            kind = self.form.kind
            self.close()
            self.form = _Form(kind)
        name = squash(name)
        department = self.form.kind in _DEPARTMENT_KINDS
        programme = self.programmes.find(name, at=evidence.start)
        subject = (self.publisher or name) if department else (programme.name if programme else name)
        code = programme.code if programme else None
        self.form.draft = Draft(subject, evidence, "form", code, department)

    def _fill(self, field: str, cell: Cell, evidence: Evidence) -> None:
        draft = self.form.draft if self.form else None
        assert draft is not None
        if field == "code":
            code = squash(cell.text)
            draft.programme_code = draft.programme_code or code
        elif (score := values.to_decimal(cell.text)) is not None:
            draft.total = Measurement(cell.text.strip(), score, None, evidence)

    # funding: the execution rate ------------------------------------------------------------

    def _funding_header(self, texts: list[str]) -> bool:
        squashed = [squash(t) for t in texts]
        rate = next((i for i, t in enumerate(squashed) if _RATE.search(t)), None)
        if rate is None or not any(_FUNDING_WORD.search(t) for t in squashed[:rate]):
            return False

        def column(*words: str) -> int | None:
            return next((i for i, t in enumerate(squashed) if t in words), None)

        assert self.form is not None
        self.form.funding = _Funding(rate, column("执行率权重", "分值"), column("执行率得分", "得分"))
        return True

    def _funding_row(self, table: int, index: int, row: Row) -> None:
        form = self.form
        assert form is not None and form.funding is not None and form.draft is not None
        cells = row.cells
        funding = form.funding
        if funding.rate >= len(cells):
            return
        rate_cell = cells[funding.rate]
        rate = values.to_decimal(rate_cell.text.replace("%", ""))
        if rate is None:
            return
        evidence = cell_evidence(self.doc, table, index, funding.rate, rate_cell)
        form.draft.execution_rate = Measurement(rate_cell.text.strip(), rate, "%", evidence)
        form.draft.execution_weight = _decimal_at(cells, funding.weight)
        form.draft.execution_score = _decimal_at(cells, funding.score)

    # indicator rows -------------------------------------------------------------------------

    def _indicator_row(self, table: int, index: int, row: Row, start: int = 0) -> None:
        """One row under the indicator header, from cell `start` on (after a header run into it)."""
        form = self.form
        assert form is not None and form.columns is not None and form.draft is not None
        texts = row.texts
        first = next(t for t in texts[start:] if t.strip())
        if squash(first) in _TOTAL_ROW:
            self._total_row(table, index, row)
            return
        columns = form.columns
        if columns.table is not None:
            if table != columns.table:  # a table without header ends with its table
                form.columns = None
                return
        elif columns.rows == 0 and _continues_header(texts, columns):
            self._join_header(texts)
            return
        elif columns.rows == 0 and _names_columns(texts):
            return  # a second header line (符号 | 单位 | 权重占比) under the merged cells above it
        if self._wrapped_tier(texts):
            return
        name_at = self._tiers_and_name(texts, start)
        if name_at is None:
            return
        aligned = _by_shape(texts, name_at) if columns.table is not None else _align(texts, columns, name_at)
        cells = {
            f: self._text(table, index, row, i) for f, i in aligned.items() if 0 <= i < len(texts) and f not in _UNUSED
        }
        columns.rows += 1
        stuck = self._stuck_row(table, index, row, aligned.get("reason"), cells)
        if has_data(cells):
            name = self._text(table, index, row, name_at)
            form.indicators.append(make_indicator(name, cells, form.tier1, form.tier2))
        form.indicators.extend(stuck)

    def _join_header(self, texts: list[str]) -> None:
        """指 / 标 得 分: a header wrapped over two lines, joined column by column."""
        form = self.form
        assert form is not None and form.columns is not None
        form.columns = _Columns.of(join_columns(form.columns.texts, texts)) or form.columns

    def _wrapped_tier(self, texts: list[str]) -> bool:
        """社会效益 / 指标: a tier word wrapped over two rows of one cell, read as that tier."""
        form = self.form
        assert form is not None
        filled = [squash(t) for t in texts if t.strip()]
        if len(filled) != 1:
            form.fragment = ""
            return False
        joined, form.fragment = form.fragment + filled[0], filled[0]
        if _TIER1.match(joined) and form.fragment != joined:
            form.tier1, form.tier2, form.fragment = joined, None, ""
        elif _TIER2.match(joined) and form.fragment != joined:
            form.tier2, form.fragment = joined, ""
        else:
            return False
        return True

    def _tiers_and_name(self, texts: list[str], start: int = 0) -> int | None:
        """Read the tier cells before the name; the index of the name cell, if the row has one."""
        form = self.form
        assert form is not None
        last_tier: int | None = None
        for i, text in enumerate(texts[start:], start=start):
            squashed = squash(text)
            if not squashed or _field(squashed) == "label":
                continue
            tier = _tier_text(squashed)
            if _TIER1.match(tier):
                form.tier1, form.tier2, last_tier = tier, None, i
            elif _TIER2.match(tier):
                form.tier2, last_tier = tier, i
            elif values.parse_value(squashed) is not None or squashed[0] in "≥≧≤≦<>=":
                return last_tier  # a value where the name should be: the last tier word was the name
            else:
                return i
        return None

    def _total_row(self, table: int, index: int, row: Row) -> None:
        """总分 | … | 90 | 82: the points available and the points scored."""
        form = self.form
        assert form is not None and form.draft is not None
        numbers = [(i, c) for i, c in enumerate(row.cells) if i > 0 and values.to_decimal(c.text) is not None]
        if numbers:
            *rest, (i, cell) = numbers
            form.draft.total = _measurement(self.doc, table, index, i, cell)
            if rest:
                j, max_cell = rest[-1]
                form.draft.max_score = _measurement(self.doc, table, index, j, max_cell)
        form.closed = True
        form.columns = None

    def _text(self, table: int, index: int, row: Row, col: int) -> Text:
        cell = row.cells[col]
        return Text(cell.text, cell_evidence(self.doc, table, index, col, cell))

    def _stuck_row(self, table: int, index: int, row: Row, col: int | None, cells: dict[str, Text]) -> list[Indicator]:
        """A row stuck into this row's 说明 cell; its text before the stuck row stays the 说明."""
        form = self.form
        assert form is not None and form.columns is not None
        if col is None or col >= len(row.cells) or "comparison" not in form.columns.fields:
            return []
        cell = row.cells[col]
        m = _stuck_pattern(tuple(f for f, _ in form.columns.after_name())).search(cell.text)
        if m is None:
            return []
        ref = CellRef(table, index, col)

        def part(group: str) -> Text:
            start, end = cell.start + m.start(group), cell.start + m.end(group)
            return Text(m.group(group), Evidence.of(self.doc, start, end, cell=ref))

        before = cell.text[: m.start("name")].strip()
        if before and not before.isdigit():  # a lone number is a stray row number, not a 说明
            cells["reason"] = Text(before, Evidence.of(self.doc, cell.start, cell.start + len(before), cell=ref))
        else:
            cells.pop("reason", None)
        found = {f: part(f) for f in m.groupdict() if f != "name" and m.group(f) is not None}
        return [make_indicator(part("name"), found, form.tier1, form.tier2)]


def _header(texts: list[str]) -> _Columns | None:
    """The indicator header a row is, if any: only a row naming its indicator column (指标名称 /
    三级指标) can be one, so that is tested first, cheaply."""
    return _Columns.of(texts) if _HEADER_HINT.search("".join(texts)) else None


def _names_columns(texts: list[str]) -> bool:
    """A row whose every cell names a column: the lower line of a two-line header."""
    return all(_field(t) is not None for t in texts if t.strip())


def _tiered_target(texts: list[str]) -> bool:
    """产出指标 | 数量指标 | 培训人次 | ≥300人 …: tier words, a name, then a target with its operator
    or unit (an operator in a cell of its own counts)."""
    filled = [squash(t) for t in texts if t.strip()]
    tiers = 0
    while tiers < len(filled) and (_TIER1.match(_tier_text(filled[tiers])) or _TIER2.match(_tier_text(filled[tiers]))):
        tiers += 1
    if tiers == 0 or len(filled) < tiers + 2:
        return False
    return any(_SIGNED.match(t) or _with_unit(t) for t in filled[tiers + 1 :])


def _numeric(text: str) -> bool:
    parsed = values.parse_value(text)
    return parsed is not None and parsed.number is not None


def _with_unit(text: str) -> bool:
    parsed = values.parse_value(text)
    return parsed is not None and parsed.number is not None and parsed.unit is not None


def _by_shape(texts: list[str], name_at: int) -> dict[str, int]:
    """Field → cell index for a row without header, from the shape of the cells after its name: the
    points (a bare number before a signed target), the operator (a cell of its own), the target, its
    unit (a cell of its own), then the actual. Later cells (scores, notes) are not guessed at."""
    cells = [i for i in range(name_at + 1, len(texts)) if texts[i].strip()]
    fields: dict[str, int] = {}
    k = 0
    if len(cells) > 2 and values.to_decimal(texts[cells[0]]) is not None and _SIGNED.match(squash(texts[cells[1]])):
        fields["weight"], k = cells[0], 1
    if k + 1 < len(cells) and values.is_operator(texts[cells[k]]):
        fields["comparison"], k = cells[k], k + 1
    for name in ("target", "unit", "actual"):
        if k >= len(cells) or (name == "unit" and not is_unit(texts[cells[k]])):
            continue
        fields[name], k = cells[k], k + 1
    return fields


def _split_value_cells(texts: list[str], aligned: dict[str, int], fields: dict[str, int]) -> dict[str, int]:
    """A target column written as several cells the header does not name (符号 | 97 | %): the
    operator before the number and the unit after it become the row's comparison and unit, and the
    columns after the target move right by the cells they took."""
    target = aligned.get("target")
    if target is None or not 0 <= target < len(texts) - 1:
        return aligned
    out = dict(aligned)
    moved = 0
    if "comparison" not in fields and values.is_operator(texts[target]) and values.parse_value(texts[target + 1]):
        out["comparison"], out["target"], moved = target, target + 1, 1
    after = out["target"] + 1
    if "unit" not in fields and after < len(texts) and is_unit(texts[after]) and _numeric(texts[after - 1]):
        out["unit"], moved = after, moved + 1
    if not moved:
        return aligned
    for f, i in aligned.items():
        if i > target and f not in ("comparison", "unit"):
            out[f] = i + moved
    return out


def _continues_header(texts: list[str], columns: _Columns) -> bool:
    """值 | 数 (%) | 标 得 分: the second line of a wrapped header (short fragments, no name, no digits)."""
    name = columns.fields["name"]
    if name < len(texts) and texts[name].strip():
        return False
    fragments = [squash(t) for t in texts if t.strip()]
    return all(len(f) <= 6 and not re.search(r"\d", f) and not _TIER2.match(f) for f in fragments)


@lru_cache(maxsize=32)  # one per header layout
def _stuck_pattern(order: tuple[str, ...]) -> re.Pattern[str]:
    """The text of one row in the header's column order, tokens separated by spaces."""
    parts = [r"(?:^|\s)(?P<name>[\u4e00-\u9fff“”\"][^\s]*)"]
    for f in order:
        if f == "reason":
            parts.append(r"(?:\s+(?P<reason>\S.*))?")
        else:
            token = _STUCK_TOKEN.get(f, rf"{values.NUMBER}%?")
            parts.append(rf"\s+(?P<{f}>{token})")
    return re.compile("".join(parts) + r"\s*$")


def _align(texts: list[str], columns: _Columns, name_at: int) -> dict[str, int]:
    """Field → cell index for a row whose name stands at `name_at`."""
    fields = columns.fields
    shift = name_at - fields["name"]
    if "weight" in fields and "score" in fields:
        weight_at = fields["weight"] + shift
        here = texts[weight_at] if 0 <= weight_at < len(texts) else ""
        if here.strip() and values.to_decimal(here) is None:
            gap = fields["score"] - fields["weight"]
            pairs = [
                i for i in range(name_at + 1, len(texts) - gap)
                if values.to_decimal(texts[i]) is not None and values.to_decimal(texts[i + gap]) is not None
            ]  # fmt: skip
            if pairs:
                shift = pairs[-1] - fields["weight"]
    aligned = {f: i + shift for f, i in columns.after_name() if f != "label"}
    return _split_value_cells(texts, aligned, fields)


def _decimal_at(cells: tuple[Cell, ...], col: int | None) -> Decimal | None:
    return values.to_decimal(cells[col].text) if col is not None and col < len(cells) else None


def _measurement(doc: Document, table: int, index: int, col: int, cell: Cell) -> Measurement:
    value = values.to_decimal(cell.text)
    return Measurement(cell.text.strip(), value, None, cell_evidence(doc, table, index, col, cell))


def read_forms(doc: Document, publisher: str | None, programmes: Programmes) -> list[Draft]:
    reader = FormReader(doc, publisher, programmes)
    doc.walk(reader.row, reader.text_block)
    reader.close()
    return reader.drafts
