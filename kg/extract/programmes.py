"""Programmes (项目) and where their money came from, by government level and budget phase.

`find_programmes(doc, publisher)` reads performance forms (tables) and prose statements.

Forms — 转移支付绩效目标自评表/申报表, 二级项目/部门整体绩效自评表, 重点(项目)绩效目标自评表 and
the like. Their rows are read as one stream in document order, because readers split one form over
several tables (labels in one, money in the next) and merge several forms into one table.
- A form title (a short paragraph, or a one-cell row, ending in 自评表/申报表/目标表/评价表) starts
  a form and gives the programme kind: 转移支付 transfer, 部门整体/整体支出 department-overall,
  二级项目 second-level, 一级项目 first-level, 重点/专项/特定 special. A prose sentence ends a form.
- Labelled cells, each followed by its value in the next non-empty cell: 项目名称 /
  转移支付(项目)名称 / 重点(项目)名称, 项目编码, 中央主管部门, 地方主管部门 / (项目)主管部门,
  实施单位 / 资金使用单位. A value such as `236-医保局` is a department code and short name: it is
  the publisher when the name fits the publisher, never an organisation called "236-医保局".
- Money columns are found by header text, never by position: 年初预算 INITIAL; 全年预算数,
  全年（调整）预算数, 预算数 ADJUSTED; 执行(数), 决算, 支出 EXECUTED; 上年结转/结余 CARRIED_OVER;
  下达, 到位, 拨付 ALLOCATED. Rates, weights, scores and targets (执行率, B/A, 分值, 得分, 指标) are not
  money. When a row's numbers do not stand under header cells (PDF text shifts cells), the non-empty
  cells of header and row are paired in order instead.
- Row labels: 年度资金总额 / 年度总金额 / 资金总额 / 合计 give the total (levels (), is_total True);
  中央 / 省级 / 市级 / 县(区) / 乡镇 (财政资金) give one level each. Fund-type rows (其中:财政拨款,
  当年财政拨款, 一般公共预算, 上年结转资金) say what kind of money, not which level: they are skipped,
  so that every non-total FundingSource names a level. 地方资金 is every level below the centre
  down to the publisher's (province, city, county for 柳林县; province, county under a 直辖市).
  其他资金 (own, social money) has no government level: it is not recorded but counts in the sum
  check. Any other label ends the money rows.
- A table without a programme name of its own (资金来源 | 预算数 | 执行数, rows 中央财政 … 合计) belongs
  to the report's title programme, when there is one (see below); else it is not read.
- Unit: (万元) in the header row, else in the row just above it in the same table (金额（万元） over
  预算数 | 执行数), else 单位：万元/元 written between the form's start and its header, else 元.
- Check: in each phase where a level row has an amount, the level and 其他 rows must sum to the
  total within 0.01 of the table's unit (empty cells count 0: the form lists every source), else a
  ConsistencyIssue "funding-sources" with the total and part cells as evidence.

Prose — only where a programme is known, so that the many other amounts of a report stay out:
- A programme is named by a 项目名称 heading (its name on the next line) or 项目名称：X, by
  申报X项目 (both hold to the next top-level section, report title or 附件), by 项目：X。 (that
  paragraph only), or inside the funding phrase itself: [body 下达 我县] [year] NAME + levels +
  直补/补助/直达 + 资金 (…医疗救助中央省补助资金1042.26万 → 医疗救助补助资金, levels 中央+省).
- An amount is read when its clause (back to the previous amount or ，、；（) starts with a level
  phrase (中央财政补助, 省财政补助, 中央省补助资金) or holds a phase word. Without a level the clause
  must say nothing but phase words and fillers (项目资金预算, 本年收入, 实际完成): the amount is then
  the programme total, while 一站式救助支出 (a part of the spending) is not read. 由县级财政全额拨款
  declares the programme's only level, which then applies to its amounts without a level of their
  own. Prose sums are not checked: a 其中 list in prose may name only some sources.
- Phase words, first match wins: 上年结余/上年结转/结转结余 CARRIED_OVER; 年初预算 INITIAL;
  实际完成/执行/支出/决算/使用 EXECUTED; 预算/收入 ADJUSTED (a year's income — 本年收入 — and a bare
  预算 are the full-year budget received); 下达/下拨/拨付/分配/到位 ALLOCATED. A clause with a level
  and no phase word inherits the phase of the amount before it in the sentence (本年收入…，其中中央
  财政补助749万元); failing that, a transfer (补助/直补/直达 资金) stated without a verb is ALLOCATED:
  its amount is what the higher level granted.
- 市医保局下达… gives `via`: the body, qualified with the publisher's region (重庆市医疗保障局).
- Level words follow the publisher's region: 市 is the nearest 市 above county level, so it is a
  PROVINCE under a 直辖市 (奉节县 → 重庆市) and a PREFECTURE elsewhere; 县/区 are COUNTY.

Title — when neither forms nor prose name any programme, a report whose title (the first lines, as
kg.extract.metadata finds them) reads [body][关于][year]NAME[转移支付][项目][支出][预算]绩效[自]评[价][的]报告
(or …绩效自评表) is about programme NAME (…医疗救助补助资金项目支出绩效评价报告 → 医疗救助补助资金).
That programme then holds for the whole report: its prose and its unnamed funding tables are read
as above. A 部门整体/整体支出 title, or one whose NAME says only 部门/单位/项目/预算…, names none.

Programmes are merged within a report by code, else by a name key without spaces, brackets and
trailing 资金/补助/项目/经费 (城乡居民医疗救助 in prose = 城乡居民医疗救助资金 in the form); forms are
read first, so their names win. A prose source equal to a form source (same programme, levels,
phase, amount) is dropped; a different amount is kept and reported as "prose-vs-table".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from kg.document import Block, Cell, Document, Row
from kg.extract import orgs, regions
from kg.extract.amounts import find_amounts, parse_amount
from kg.extract.component import component
from kg.extract.metadata import title_lines
from kg.extract.table.forms import (
    FORM_TITLE,
    form_kind,
    form_label,
    label_text,
    value_after,
)
from kg.extract.table.grid import cell_evidence
from kg.extract.table.headers import funding_phase, header_phase
from kg.extract.table.layouts import rules
from kg.extract.table.rows import pair_in_order
from kg.extract.table.sums import sum_issue, tolerance
from kg.extract.table.units import header_unit, last_caption_unit
from kg.lexicon.levels import LEVEL_SEQ, LEVEL_WORD, label_levels, levels_of, local_levels
from kg.lexicon.names import programme_key
from kg.lexicon.text import squash
from kg.records import (
    Amount,
    BudgetPhase,
    ConsistencyIssue,
    Evidence,
    FundingSource,
    GovLevel,
    Organisation,
    Programme,
    Region,
    ReportRecords,
)

_HAN = r"\u4e00-\u9fff"

# -- shared vocabulary ---------------------------------------------------------------------------

_FUNDING_NOUN = r"财政|补助|直补|直达|配套|专项|资金|转移支付|拨款"



# -- programmes being read -------------------------------------------------------------------------


@dataclass
class _Draft:
    name: str
    evidence: Evidence
    code: str | None = None
    kind: str | None = None
    central_supervisor: Organisation | None = None
    local_supervisor: Organisation | None = None
    implementing_unit: Organisation | None = None

    def absorb(self, other: _Draft) -> None:
        """Fill what this draft lacks from another reading of the same programme."""
        for name in ("code", "kind", "central_supervisor", "local_supervisor", "implementing_unit"):
            if getattr(self, name) is None:
                setattr(self, name, getattr(other, name))

    def programme(self) -> Programme:
        return Programme(
            self.name,
            self.evidence,
            self.code,
            self.kind,
            self.central_supervisor,
            self.local_supervisor,
            self.implementing_unit,
        )


class _Registry:
    """Programmes of one report, merged by code or name key; sources point at drafts until the end."""

    def __init__(self) -> None:
        self.drafts: list[_Draft] = []
        self._merged: dict[int, _Draft] = {}

    def add(self, draft: _Draft) -> _Draft:
        for known in self.drafts:
            same = draft.code == known.code if draft.code and known.code else None
            if same is None:
                same = programme_key(draft.name) == programme_key(known.name)
            if same:
                known.absorb(draft)
                self._merged[id(draft)] = known
                return known
        self.drafts.append(draft)
        self._merged[id(draft)] = draft
        return draft

    def final(self, draft: _Draft) -> _Draft:
        return self._merged.get(id(draft), draft)


@dataclass
class _Source:
    """A FundingSource before its programme's final name is known."""

    draft: _Draft
    levels: tuple[GovLevel, ...]
    phase: BudgetPhase
    amount: Amount
    label: str
    via: Organisation | None = None
    is_total: bool = False
    from_table: bool = True

    def key(self, registry: _Registry) -> tuple[int, tuple[GovLevel, ...], BudgetPhase, bool]:
        return id(registry.final(self.draft)), self.levels, self.phase, self.is_total

    def record(self, registry: _Registry) -> FundingSource:
        name = registry.final(self.draft).name
        return FundingSource(name, self.levels, self.phase, self.amount, self.label, self.via, self.is_total)


@dataclass
class _Context:
    doc: Document
    publisher: Organisation | None
    registry: _Registry = field(default_factory=_Registry)
    sources: list[_Source] = field(default_factory=list)
    issues: list[ConsistencyIssue] = field(default_factory=list)
    default: _Draft | None = None  # the programme the title names, for a report that names none otherwise
    titled_region: Region | None = None  # the region the report's title names, when no publisher is known

    @property
    def region(self) -> Region | None:
        return self.publisher.region if self.publisher else self.titled_region


# -- forms: labels and organisations --------------------------------------------------------------

_CODE = re.compile(r"^[0-9A-Za-z]{6,}$")
_DEPT_CODE = re.compile(r"^\d+\s*[-－—]\s*(?P<name>.+)$")
_NO_VALUE = frozenset({"无", "/", "-", "—", "／"})


def _organisation(ctx: _Context, text: str, evidence: Evidence, role: str) -> Organisation | None:
    squashed = squash(text)
    if len(squashed) < 2 or squashed in _NO_VALUE:
        return None
    coded = _DEPT_CODE.match(squashed)
    if coded:
        return _coded_department(ctx, coded.group("name"), evidence, role)
    name, region, level = orgs.describe(text, ctx.region)
    return Organisation(name, evidence, region, level, role)


def _coded_department(ctx: _Context, short: str, evidence: Evidence, role: str) -> Organisation | None:
    """`236-医保局`: a department of the publisher's government by code and short name."""
    for abbreviation, full in orgs.ABBREVIATIONS.items():
        if short.endswith(abbreviation):
            short = short[: -len(abbreviation)] + full
    publisher = ctx.publisher
    if publisher is None:
        return None  # a bare 医疗保障局 would name no body at all
    if publisher.name.endswith(short):
        return Organisation(publisher.name, evidence, publisher.region, publisher.level, role)
    region = publisher.region
    if region is None or region.name not in publisher.name:
        return None
    prefix = publisher.name[: publisher.name.index(region.name) + len(region.name)]
    name, found, level = orgs.describe(prefix + short, region)
    return Organisation(name, evidence, found, level, role)


# -- forms: money rows ----------------------------------------------------------------------------

_MONEY_WORD = re.compile(r"资金|金额|万元|元")
_ROW_PREFIX = re.compile(r"^(?:其中|含)[:：]?")


@dataclass
class _Header:
    table: int
    columns: dict[int, BudgetPhase]  # cell index → phase
    filled: list[int]  # indexes of the non-empty header cells from the first money column on
    unit: str
    text: dict[BudgetPhase, str]  # the header text of each phase, for issue descriptions


@dataclass
class _MoneyRow:
    role: str  # total | level | part
    label: str
    levels: tuple[GovLevel, ...]
    amounts: dict[BudgetPhase, Amount]


def _row_label(cells: tuple[Cell, ...], first_money: int) -> tuple[int, str] | None:
    for i, cell in enumerate(cells):
        if cell.text.strip():
            return (i, cell.text) if i < first_money else None
    return None


_STRAY_CLOSE = re.compile(r"^(?P<text>[^(（]*)[)）]$")  # 年度预算资金总额): a bracket the export left


def _row_role(label: str, region: Region | None) -> tuple[str, tuple[GovLevel, ...]] | None:
    """total / level / part / fund, or None for a row that is no funding row at all."""
    text = _ROW_PREFIX.sub("", label_text(label))
    if stray := _STRAY_CLOSE.match(text):
        text = stray.group("text")
    found = rules("funding_rows").match(text)
    if found is None:
        return None
    role, m = found
    if role == "level":
        levels = label_levels(m.group("lv"), region)
        return ("level", levels) if levels else ("part", ())  # 本级 where the level is not known
    if role == "local":
        return "level", local_levels(region)
    return role, ()


def _money_cells(cells: tuple[Cell, ...], label_col: int, header: _Header) -> dict[BudgetPhase, int]:
    """The cell index holding each phase's amount in a data row."""
    after = [i for i in range(label_col + 1, len(cells)) if cells[i].text.strip()]
    header_cols = set(header.filled)
    if all(i in header_cols for i in after):
        return {phase: i for i, phase in header.columns.items() if i < len(cells)}
    # Shifted cells: pair the non-empty cells of the row and the header in order.
    return {header.columns[h]: i for h, i in pair_in_order(header.filled, after).items() if h in header.columns}


# -- forms: the row stream ------------------------------------------------------------------------


@dataclass
class _Block:
    """Money rows written as label | amount pairs under no header row: a total whose label names the
    phase (年度预算资金总额 | 140) and the level rows under it (其中:中央补助 | 80), or a row of
    phase pairs (计划安排资金 | 100 | 实际到位资金 | 100 …) and rows of level pairs under it
    (省财政 | 60 | 省财政 | 60 …)."""

    draft: _Draft
    unit: str
    phases: dict[int, BudgetPhase]  # the value column of each pair → its phase; None: one phase
    texts: dict[BudgetPhase, str]  # the total label of each phase, for issue descriptions
    single: BudgetPhase | None = None  # a vertical block: the last amount of each row, one phase
    rows: list[_MoneyRow] = field(default_factory=list)


@dataclass
class _Form:
    start: int  # where the form begins, for the unit caption
    kind: str | None = None
    draft: _Draft | None = None
    header: _Header | None = None
    rows: list[_MoneyRow] = field(default_factory=list)
    block: _Block | None = None
    pending_name: tuple[str, Evidence, str | None] | None = None  # 养老补贴(万元): the next block's name


# A label and its value on one line, as key/value exports write a form: 项目名称 养老补助资金.
_NAME_LINE = re.compile(
    r"^(?P<label>(?:转移支付|重点|专项)?[(（]?项目[)）]?名称)[ \t:：]+(?P<name>[^\s:：。，,；;]{2,40})$"
)
# A cell that names the money under it: 养老补贴(万元), 养老补助资金合计(万元).
_MONEY_NAME = re.compile(
    r"^(?P<name>[\u4e00-\u9fffA-Za-z0-9·、]{2,40}?)(?:合计|总计)?[(（](?:万元|元|亿元)[)）][:：]?$"
)


_VERTICAL_CELLS = 3  # a vertical block's row: [name] label amount
# Cheap tests before the rules: a phase pair row opens with a phase word, a vertical block with a total.
_PHASE_HINT = re.compile(r"计划|预算|到位|下达|拨付|支出|执行|决算|实发|筹集|结[转余]|调整|申报")
_TOTAL_HINT = re.compile(r"总额|总金额|总计|合计")


def _money_name(text: str) -> str | None:
    """养老补贴(万元) → 养老补贴; None for a generic heading (项目资金(万元)) or a funding label."""
    m = _MONEY_NAME.match(squash(text))
    if m is None or _GENERIC_NAME.match(m.group("name")) or rules("funding_rows").match(m.group("name")):
        return None
    return m.group("name")


def _pairs(cells: tuple[Cell, ...]) -> list[tuple[int, Cell, Cell]]:
    """(value column, label cell, value cell) for each label followed by an amount."""
    out: list[tuple[int, Cell, Cell]] = []
    for i in range(1, len(cells)):
        label = cells[i - 1].text
        if parse_amount(cells[i].text) is not None and label.strip() and parse_amount(label) is None:
            out.append((i, cells[i - 1], cells[i]))
    return out


def _sum_issues(name: str, texts: dict[BudgetPhase, str], unit: str, rows: list[_MoneyRow]) -> list[ConsistencyIssue]:
    """In each phase where a level row has an amount, the level and 其他 rows must sum to the total."""
    total = next((r for r in rows if r.role == "total"), None)
    parts = [r for r in rows if r.role in ("level", "part")]
    if total is None:
        return []
    allowed = tolerance(unit)
    issues: list[ConsistencyIssue] = []
    for phase, expected in total.amounts.items():
        if not any(phase in r.amounts for r in parts if r.role == "level"):
            continue
        present = [r.amounts[phase] for r in parts if phase in r.amounts]
        summed = "+".join(a.text for a in present)
        header = texts.get(phase, phase.value)
        issue = sum_issue(
            "funding-sources",
            expected,
            present,
            allowed,
            f"{name}：{header} 各来源之和 {summed} 与{total.label} {expected.text} 不符（{unit}）",
        )
        if issue is not None:
            issues.append(issue)
    return issues


class _FormReader:
    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.form: _Form | None = None
        self.caption_start: int | None = None  # start of the short lines just before a table
        self.above: tuple[int, Row] | None = None  # the previous non-empty row (table, row)
        self.last: tuple[int, Row] | None = None

    # events ---------------------------------------------------------------------------------

    def text_block(self, block: Block) -> None:
        text = self.ctx.doc.text[block.start : block.end].strip()
        squashed = squash(text)
        if len(squashed) <= 60 and FORM_TITLE.search(squashed):
            self.close()
            self.form = _Form(block.start, form_kind(squashed))
            self.caption_start = None
        elif len(text) <= 60 and (named := _NAME_LINE.match(text)):
            if self.form is None:
                self.form = _Form(block.start)
            start = self.ctx.doc.text.index(text, block.start) + named.start("name")
            evidence = Evidence.of(self.ctx.doc, start, start + len(named.group("name")))
            self._start_programme(named.group("name"), evidence, named.group("label"))
        elif "。" in text or len(squashed) > 60:
            self.close()
            self.caption_start = None
        elif self.caption_start is None:
            self.caption_start = block.start

    def row(self, table: int, index: int, row: Row) -> None:
        filled = [c for c in row.cells if c.text.strip()]
        if not filled:
            return
        self.above, self.last = self.last, (table, row)
        if len(filled) == 1 and FORM_TITLE.search(squash(filled[0].text)):
            self.close()
            self.form = _Form(row.start, form_kind(squash(filled[0].text)))
            return
        if self.form is None:
            self.form = _Form(self.caption_start if self.caption_start is not None else row.start)
        self.caption_start = None
        if self._labels(table, index, row):
            return
        if self._block_row(table, index, row) or self._paired_header(table, index, row):
            return
        if self._header(table, row):
            return
        if self._vertical_start(table, index, row):
            return
        self._money_row(table, index, row)

    def close(self) -> None:
        if self.form is None:
            return
        self._end_block()
        self._check()
        if self.form.draft is not None:
            self.ctx.registry.add(self.form.draft)
        self.form = None

    # rows -----------------------------------------------------------------------------------

    def _labels(self, table: int, index: int, row: Row) -> bool:
        """Read label/value pairs; True when the row held any programme label."""
        form, doc, found = self.form, self.ctx.doc, False
        assert form is not None
        cells = row.cells
        for i, cell in enumerate(cells):
            field = form_label(cell.text)
            if field is None:
                continue
            found = True
            value = value_after(cells, i)
            if value is None:
                continue
            col, vcell = value
            evidence = cell_evidence(doc, table, index, col, vcell)
            if field == "name":
                self._start_programme(squash(vcell.text), evidence, label_text(cell.text))
            elif form.draft is None:
                continue
            elif field == "code":
                code = squash(vcell.text)
                form.draft.code = code if _CODE.match(code) else form.draft.code
            elif field == "central-supervisor":
                form.draft.central_supervisor = _organisation(self.ctx, vcell.text, evidence, "supervising")
            elif field == "local-supervisor":
                form.draft.local_supervisor = _organisation(self.ctx, vcell.text, evidence, "supervising")
            else:
                form.draft.implementing_unit = _organisation(self.ctx, vcell.text, evidence, "mentioned")
        return found

    def _start_programme(self, name: str, evidence: Evidence, label: str) -> None:
        form = self.form
        assert form is not None
        if form.draft is not None:  # a second name in one form: a new form without a title row
            kind = form.kind
            self.close()
            form = self.form = _Form(evidence.start, kind)
        kind = form.kind or ("transfer" if "转移支付" in label else None)
        form.draft = _Draft(name, evidence, kind=kind)

    def _header(self, table: int, row: Row) -> bool:
        form = self.form
        assert form is not None
        if form.draft is None and self.ctx.default is None:
            return False
        columns = {i: p for i, c in enumerate(row.cells) if (p := header_phase(c.text)) is not None}
        if not columns or any(parse_amount(c.text) is not None for c in row.cells):
            return False
        # One phase word alone (按时下达资金 in an indicator row) is no header unless money is named.
        if len(columns) < 2 and not any(_MONEY_WORD.search(c.text) for c in row.cells[: min(columns)]):
            return False
        self._check()
        if form.draft is None:  # a table that names no programme: the report's own (its title's)
            form.draft = self.ctx.default
        first = min(columns)
        filled = [i for i in range(first, len(row.cells)) if row.cells[i].text.strip()]
        form.header = _Header(
            table,
            columns,
            filled,
            self._unit(table, row),
            {p: squash(row.cells[i].text) for i, p in columns.items()},
        )
        return True

    def _unit(self, table: int, row: Row) -> str:
        rows = [row]
        if self.above is not None and self.above[0] == table:
            rows.append(self.above[1])  # a two-row header: 金额（万元） over 预算数 | 执行数
        for cells in rows:
            for cell in cells.cells:
                if unit := header_unit(cell.text):
                    return unit
        assert self.form is not None
        return last_caption_unit(self.ctx.doc.text, self.form.start, row.start) or "元"

    def _money_row(self, table: int, index: int, row: Row) -> None:
        form, ctx = self.form, self.ctx
        assert form is not None
        header = form.header
        if header is None or form.draft is None:
            return
        labelled = _row_label(row.cells, min(header.columns))
        role = _row_role(labelled[1], ctx.region) if labelled else None
        if labelled is None or role is None:
            self._check()
            form.header = None
            return
        if role[0] == "fund":
            return
        label_col, label = labelled
        label = squash(label).rstrip(":：")
        amounts: dict[BudgetPhase, Amount] = {}
        for phase, col in _money_cells(row.cells, label_col, header).items():
            cell = row.cells[col]
            parsed = parse_amount(cell.text, header.unit)
            if parsed is None:
                continue
            evidence = cell_evidence(ctx.doc, table, index, col, cell)
            amounts[phase] = Amount(parsed[0], cell.text, parsed[1], evidence, label)
        kind, levels = role
        form.rows.append(_MoneyRow(kind, label, levels, amounts))
        if kind == "part":
            return
        for phase, amount in amounts.items():
            ctx.sources.append(_Source(form.draft, levels, phase, amount, label, is_total=kind == "total"))

    # the sum check --------------------------------------------------------------------------

    def _check(self) -> None:
        form = self.form
        if form is None or form.draft is None or form.header is None or not form.rows:
            if form is not None:
                form.rows = []
            return
        header, rows = form.header, form.rows
        form.rows = []
        self.ctx.issues.extend(_sum_issues(form.draft.name, header.text, header.unit, rows))

    # label | amount blocks ------------------------------------------------------------------

    def _end_block(self) -> None:
        form = self.form
        if form is None or form.block is None:
            return
        block, form.block = form.block, None
        self.ctx.issues.extend(_sum_issues(block.draft.name, block.texts, block.unit, block.rows))

    def _block_draft(self) -> _Draft | None:
        form = self.form
        assert form is not None
        return form.draft or self.ctx.default

    def _paired_header(self, table: int, index: int, row: Row) -> bool:
        """计划安排资金 | 100 | 实际到位资金 | 100 | …: phase pairs, the programme's totals."""
        if len(row.cells) < 4 or not _PHASE_HINT.search(row.cells[0].text):
            return False  # cheap: most rows open with no phase label
        first = next((c for c in row.cells if c.text.strip()), None)
        if first is None or funding_phase(first.text) is None:
            return False
        pairs = _pairs(row.cells)
        phased = {col: phase for col, label, _ in pairs if (phase := funding_phase(label.text)) is not None}
        filled = sum(1 for c in row.cells if c.text.strip())
        draft = self._block_draft()
        if len(phased) < 2 or filled != 2 * len(pairs) or draft is None:
            return False
        self._end_block()
        unit = next((u for _, label, _ in pairs if (u := header_unit(label.text))), None) or self._unit(table, row)
        texts = {phase: squash(row.cells[col - 1].text) for col, phase in phased.items()}
        assert self.form is not None
        block = self.form.block = _Block(draft, unit, phased, texts)
        self._block_amounts(block, table, index, row, "total", (), phased)
        return True

    def _vertical_start(self, table: int, index: int, row: Row) -> bool:
        """年度预算资金总额 | 140 with no header: a total whose label names the phase."""
        form = self.form
        assert form is not None
        filled = [(i, c) for i, c in enumerate(row.cells) if c.text.strip()]
        if len(filled) > _VERTICAL_CELLS:
            return False
        if len(filled) == 1 and (name := _money_name(filled[0][1].text)):
            cell = filled[0][1]
            form.pending_name = (name, Evidence.of(self.ctx.doc, cell.start, cell.end), header_unit(cell.text))
            return False
        if len(filled) < 2 or not _TOTAL_HINT.search(filled[-2][1].text) or parse_amount(filled[-1][1].text) is None:
            return False
        label = filled[-2][1].text
        role = _row_role(label, self.ctx.region)
        phase = funding_phase(label_text(label))
        if role is None or role[0] != "total" or phase is None:
            return False
        name = self._vertical_name(filled[:-2])
        if name is None:
            return False
        draft, unit = name
        self._end_block()
        unit = unit or self._unit(table, row)
        col = filled[-1][0]
        text = label_text(label)
        text = stray.group("text") if (stray := _STRAY_CLOSE.match(text)) else text
        block = form.block = _Block(draft, unit, {col: phase}, {phase: text}, single=phase)
        self._block_amounts(block, table, index, row, "total", (), {col: phase})
        return True

    def _vertical_name(self, before: list[tuple[int, Cell]]) -> tuple[_Draft, str | None] | None:
        """The programme of a vertical block: 补助资金合计(万元) before its total label, else the name
        cell above it (养老补贴(万元)), else the form's programme."""
        form = self.form
        assert form is not None
        for _, cell in before:
            if name := _money_name(cell.text):
                draft = _Draft(name, Evidence.of(self.ctx.doc, cell.start, cell.end), kind=form.kind)
                return self.ctx.registry.add(draft), header_unit(cell.text)
        if form.pending_name is not None:
            name, evidence, unit = form.pending_name
            form.pending_name = None
            return self.ctx.registry.add(_Draft(name, evidence, kind=form.kind)), unit
        draft = self._block_draft()
        return (draft, None) if draft is not None else None

    def _block_row(self, table: int, index: int, row: Row) -> bool:
        """A level row under an open block; False (and the block ends) for any other row."""
        form = self.form
        assert form is not None
        block = form.block
        if block is None:
            return False
        if block.single is not None:
            filled = [(i, c) for i, c in enumerate(row.cells) if c.text.strip()]
            if len(filled) < 2 or parse_amount(filled[-1][1].text) is None:
                self._end_block()
                return False
            labelled = [(filled[-1][0], filled[-2][1])]
            phases = {filled[-1][0]: block.single}
        else:
            phases = block.phases
            labelled = [(col, label) for col, label, _ in _pairs(row.cells) if col in block.phases]
            if not labelled and all(self._is_level_label(c.text) for c in row.cells if c.text.strip()):
                return True  # 其中:中央财政 | 其中:中央财政 …: a level named with no amount
        roles = {col: _row_role(label.text, self.ctx.region) for col, label in labelled}
        if not labelled or any(r is None or r[0] == "total" for r in roles.values()):
            self._end_block()
            return False
        for col, _ in labelled:
            role = roles[col]
            assert role is not None
            if role[0] != "fund":
                self._block_amounts(block, table, index, row, role[0], role[1], {col: phases[col]})
        return True

    def _is_level_label(self, text: str) -> bool:
        role = _row_role(text, self.ctx.region)
        return role is not None and role[0] in ("level", "part")

    def _block_amounts(
        self,
        block: _Block,
        table: int,
        index: int,
        row: Row,
        role: str,
        levels: tuple[GovLevel, ...],
        columns: dict[int, BudgetPhase],
    ) -> None:
        amounts: dict[BudgetPhase, Amount] = {}
        label = ""
        for col, phase in columns.items():
            if col >= len(row.cells) or (parsed := parse_amount(row.cells[col].text, block.unit)) is None:
                continue
            label = squash(row.cells[col - 1].text).rstrip(":：") if col else ""
            label = stray.group("text") if (stray := _STRAY_CLOSE.match(label)) else label
            evidence = cell_evidence(self.ctx.doc, table, index, col, row.cells[col])
            amounts[phase] = Amount(parsed[0], row.cells[col].text, parsed[1], evidence, label)
        if block.rows and block.rows[-1].role == role and block.rows[-1].levels == levels and role != "total":
            block.rows[-1].amounts.update(amounts)  # one row of pairs: one level in every phase
        else:
            block.rows.append(_MoneyRow(role, label, levels, amounts))
        if role == "part":
            return
        for phase, amount in amounts.items():
            self.ctx.sources.append(_Source(block.draft, levels, phase, amount, amount.label, is_total=role == "total"))


def _read_forms(ctx: _Context) -> None:
    reader = _FormReader(ctx)
    ctx.doc.walk(reader.row, reader.text_block)
    reader.close()


# -- prose ----------------------------------------------------------------------------------------

_TOP_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十\d]+\s*部分|附件|附表)")
_REPORT_TITLE = re.compile(r"(?:报告|自评表|申报表|目标表|评价表)$")
_NAME_HEADING = re.compile(
    r"^[（(]?[一二三四五六七八九十\d]*[)）]?\s*[、.．]?\s*(?:转移支付\s*[(（]?\s*)?项目\s*[)）]?\s*名称\s*[:：]?$"
)
_INLINE_NAME = re.compile(r"项目名称\s*[:：]\s*(?P<name>[^，,。；;：:\t\n]{2,40})")
_SHORT_NAME = re.compile(rf"项目\s*[:：]\s*(?P<name>[{_HAN}（）()·]{{2,30}})[。；;]")
_APPLIED = re.compile(rf"申报了?(?P<name>[{_HAN}]{{2,20}}?)项目")
_FULLY_FUNDED = re.compile(rf"由(?P<lv>{LEVEL_SEQ})(?:财政)?全额(?:拨款|保障|承担|负担|安排)")

_SENTENCE_END = "。！？；;!?\n"
_CLAUSE_STOP = "，,、；;（(\n\t"
_VIA = re.compile(
    rf"^(?:(?:其中|包括|另有)[:：]?)?(?:\d{{4}}\s*年度?)?(?P<body>[{_HAN}]{{3,20}}?(?:局|中心|厅|委员会|政府|办公室))"
    r"(?P<verb>下达|下拨|拨付|分配|转拨)的?"  # 市医保局下达的……资金: the 的 belongs to no name
)
_RECIPIENT = re.compile(r"^(?:给|到|至)?(?:我县|我区|我市|我局|我单位|我中心|本县|本区|本单位|本局)")
_YEAR = re.compile(r"\d{4}\s*年度?")
_LEADING = re.compile(r"^(?:其中|共计|合计|另有|另)[:：]?")
_VERB = re.compile(r"^(?:共|累计|实际)?(?:收到|获得|争取到?|到位|下达|下拨|拨付|拨入|安排|落实)(?:了)?")
_PREAMBLE = (_RECIPIENT, _LEADING, _VERB, re.compile(r"^\d{4}\s*年度?[，,]?"))
# What a programme total may say besides the programme's name: phase words and fillers only.
_TOTAL_WORDS = re.compile(
    r"预算|收入|支出|执行|完成|决算|使用|结转|结余|下达|下拨|拨付|分配|到位|收到|"
    r"调整后?|项目|资金|经费|总额|总计|合计|共计|累计|全年|年初|本年度?|当年|实际|上年度?|年度|共|计|为|数|金额|额|总|的|已|达到?|约"
)
_LEVEL_AT_START = re.compile(rf"^(?P<lv>{LEVEL_SEQ})(?=(?:{_FUNDING_NOUN}))")
_EMBEDDED = re.compile(
    rf"^(?P<name>[{_HAN}]{{2,30}}?)(?P<lv>{LEVEL_SEQ})(?:财政)?(?P<kind>(?:直补|直达|补助|专项|转移支付|配套)*)资金$"
)
# A funding phrase that may name its own programme; prose without a programme needs one.
_MAYBE_EMBEDDED = re.compile(rf"{LEVEL_WORD}(?:财政)?(?:直补|直达|补助|专项|转移支付|配套)*资金")
_NOT_A_NAME = re.compile(r"^(?:本年|今年|全年|当年|上年|其中|共计|合计|累计|收到|获得|争取|下达|拨付)")
_TRANSFER = re.compile(r"补助|直补|直达|转移支付")
_PROSE_PHASES = (
    (BudgetPhase.CARRIED_OVER, re.compile(r"上年度?结[转余]|年初结[转余]|以前年度结[转余]|结转结余")),
    (BudgetPhase.INITIAL, re.compile(r"年初预算")),
    (BudgetPhase.EXECUTED, re.compile(r"完成|执行|支出|决算|使用")),
    (BudgetPhase.ADJUSTED, re.compile(r"预算|收入")),
    (BudgetPhase.ALLOCATED, re.compile(r"下达|下拨|拨付|分配|到位")),
)


@dataclass
class _Clause:
    """What the words before one amount say about it."""

    text: str
    label: str
    levels: tuple[GovLevel, ...] = ()
    phase: BudgetPhase | None = None
    via: Organisation | None = None
    programme: _Draft | None = None  # a programme named inside the phrase


def _clause_bounds(text: str, start: int, floor: int) -> tuple[int, int]:
    """The clause before an amount: back to a clause stop; 本年收入：X gives the words before the colon."""
    i = start
    while i > floor and text[i - 1] not in _CLAUSE_STOP:
        i -= 1
    colon = max(text.rfind("：", i, start), text.rfind(":", i, start))
    if colon < 0:
        return i, start
    if text[colon + 1 : start].strip():
        return colon + 1, start
    return i, colon


def _prose_phase(text: str) -> BudgetPhase | None:
    return next((phase for phase, pattern in _PROSE_PHASES if pattern.search(text)), None)


def _names_a_total(clause: _Clause, draft: _Draft) -> bool:
    """A clause without a level is the programme's total only if it says nothing but the phase.

    项目资金预算 / 本年收入 / 实际完成 are totals; 一站式救助支出 is a part of what was spent.
    """
    rest = clause.label
    for name in (draft.name, programme_key(draft.name)):
        rest = rest.replace(name, "")
    return not _TOTAL_WORDS.sub("", rest)


def _read_clause(ctx: _Context, start: int, end: int) -> _Clause:
    doc = ctx.doc
    raw = doc.text[start:end]
    clause = _Clause(raw, raw.strip())
    pos = start + len(raw) - len(raw.lstrip())
    rest = doc.text[pos:end].rstrip()
    via = _VIA.match(rest)
    if via:
        body_start = pos + via.start("body")
        body_end = pos + via.end("body")
        name, region, level = orgs.describe(via.group("body"), ctx.region)
        clause.via = Organisation(name, Evidence.of(doc, body_start, body_end), region, level, "mentioned")
        pos += via.end()
        rest = rest[via.end() :]
    # Words before the phrase proper (其中, 我县, 2023年, 收到), in any order, then up to the last year.
    stripped = True
    while stripped and rest:
        stripped = False
        for pattern in _PREAMBLE:
            m = pattern.match(rest)
            if m and m.end():
                pos, rest, stripped = pos + m.end(), rest[m.end() :], True
    years = list(_YEAR.finditer(rest))
    if years:
        pos, rest = pos + years[-1].end(), rest[years[-1].end() :]
    clause.label = squash(rest) or clause.label
    named = _EMBEDDED.match(rest)
    at_start = _LEVEL_AT_START.match(rest)
    name_text = ""
    if at_start:
        clause.levels = levels_of(at_start.group("lv"), ctx.region)
    elif named and not _NOT_A_NAME.match(named.group("name")):
        name_text = named.group("name")
        clause.levels = levels_of(named.group("lv"), ctx.region)
        suffix = "补助资金" if "补助" in named.group("kind") else "资金"
        clause.programme = _Draft(
            squash(name_text) + suffix,
            Evidence.of(doc, pos, pos + len(rest)),
            kind="transfer" if _TRANSFER.search(named.group("kind")) else None,
        )
    clause.phase = _prose_phase(raw.replace(name_text, "") if name_text else raw)
    return clause


@dataclass
class _ProseBlock:
    block: Block
    programme: _Draft | None


class _ProseReader:
    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.blocks: list[_ProseBlock] = []
        self.declared: dict[int, tuple[GovLevel, ...]] = {}  # id(draft) → its only levels

    def _draft(self, start: int, end: int) -> _Draft:
        doc = self.ctx.doc
        while start < end and doc.text[start].isspace():
            start += 1
        while end > start and doc.text[end - 1].isspace():
            end -= 1
        return self.ctx.registry.add(_Draft(squash(doc.text[start:end]), Evidence.of(doc, start, end)))

    def scan(self) -> None:
        """Which programme each paragraph speaks of, and the levels programmes declare."""
        doc = self.ctx.doc
        current: _Draft | None = None
        name_next = False
        for block in doc.paragraphs():
            text = doc.text[block.start : block.end]
            stripped = text.strip()
            if name_next and stripped and "。" not in stripped and len(stripped) <= 40:
                current = self._draft(block.start, block.end)
                name_next = False
                self.blocks.append(_ProseBlock(block, current))
                continue
            name_next = False
            # Titles are short: squash only lines that could be one (long prose lines are common).
            title_like = len(stripped) <= 120 and len(squashed := squash(stripped)) <= 60
            if _TOP_SECTION.match(stripped) or (title_like and _REPORT_TITLE.search(squashed)):
                current = None
            if _NAME_HEADING.match(stripped):
                name_next, current = True, None
                continue
            m = _INLINE_NAME.search(text) or _APPLIED.search(text)
            if m:
                current = self._draft(block.start + m.start("name"), block.start + m.end("name"))
            local = current
            short = _SHORT_NAME.search(text)
            if short:
                local = self._draft(block.start + short.start("name"), block.start + short.end("name"))
            if local is None:
                local = self.ctx.default
            funded = _FULLY_FUNDED.search(text)
            if funded and local is not None:
                self.declared[id(local)] = levels_of(funded.group("lv"), self.ctx.region)
            self.blocks.append(_ProseBlock(block, local))

    def read(self, amounts: list[Amount]) -> None:
        starts = [b.block.start for b in self.blocks]
        by_block: dict[int, list[Amount]] = {}
        for amount in amounts:
            i = bisect.bisect_right(starts, amount.evidence.start) - 1
            if i >= 0 and amount.evidence.end <= self.blocks[i].block.end:
                by_block.setdefault(i, []).append(amount)
        text = self.ctx.doc.text
        for i, found in by_block.items():
            prose = self.blocks[i]
            if prose.programme is None and not _MAYBE_EMBEDDED.search(text, prose.block.start, prose.block.end):
                continue
            for sentence in _sentences(self.ctx.doc.text, found):
                self._sentence(self.blocks[i], sentence)

    def _sentence(self, prose: _ProseBlock, amounts: list[Amount]) -> None:
        text = self.ctx.doc.text
        floor = _sentence_start(text, amounts[0].evidence.start, prose.block.start)
        previous: BudgetPhase | None = None
        for amount in amounts:
            start, end = _clause_bounds(text, amount.evidence.start, floor)
            floor = amount.evidence.end
            clause = _read_clause(self.ctx, start, end)
            source = self._source(prose, clause, amount, previous)
            if source is not None:
                self.ctx.sources.append(source)
                previous = source.phase

    def _source(
        self, prose: _ProseBlock, clause: _Clause, amount: Amount, previous: BudgetPhase | None
    ) -> _Source | None:
        draft = prose.programme
        if clause.programme is not None:
            draft = self.ctx.registry.add(clause.programme)
        if draft is None or not (clause.levels or clause.phase):
            return None
        if not clause.levels and not _names_a_total(clause, draft):
            return None
        phase = clause.phase
        if phase is None and clause.levels:
            transfer = clause.programme is not None or _TRANSFER.search(clause.text)
            phase = previous or (BudgetPhase.ALLOCATED if transfer else None)
        if phase is None:
            return None
        final = self.ctx.registry.final(draft)
        levels = clause.levels or self.declared.get(id(final), ()) or self.declared.get(id(draft), ())
        return _Source(draft, levels, phase, amount, clause.label, clause.via, is_total=not levels, from_table=False)


def _sentence_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and text[i - 1] not in _SENTENCE_END:
        i -= 1
    return i


def _sentences(text: str, amounts: list[Amount]) -> Iterator[list[Amount]]:
    """Amounts of one block grouped by sentence."""
    group: list[Amount] = []
    for amount in amounts:
        if group and any(ch in _SENTENCE_END for ch in text[group[-1].evidence.end : amount.evidence.start]):
            yield group
            group = []
        group.append(amount)
    if group:
        yield group


# -- the title's programme ------------------------------------------------------------------------

_TITLE_HEAD = re.compile(r"(?:关于|\d{4}年度?)")
_TITLED = re.compile(
    rf"(?P<name>[{_HAN}A-Za-z0-9（）()·、]{{2,40}}?)(?P<transfer>转移支付)?(?:项目)?(?:支出)?(?:预算)?"
    r"绩效自?评价?的?(?:报告|表)(?:[(（]\d{4}年度?[)）])?$"
)
_GENERIC_NAME = re.compile(r"^(?:部门|单位|整体|本级|预算|项目|支出|专项|资金|财政|年度|重点|二级|一级|绩效|的)*$")


def _title_region(doc: Document) -> Region | None:
    """The region the report's title names (石柱自治县2023年度…自评): level words and 本级 are read
    from it when the publisher is not known."""
    for line in title_lines(doc):
        if region := regions.resolve_region(doc.text[line.start : line.end]):
            return region
    return None


def _titled_programme(doc: Document) -> _Draft | None:
    """The programme a project evaluation's title names: …2022年度医疗救助补助资金项目支出绩效评价报告."""
    chars: list[int] = []  # doc offset of each character of the squashed title
    for line in title_lines(doc):
        chars.extend(i for i in range(line.start, line.end) if not doc.text[i].isspace())
    title = "".join(doc.text[i] for i in chars)
    # Strip what comes before the name, in any order: the body, 关于, the year.
    spans = orgs.mention_spans(title)
    pos, moved = 0, True
    while moved:
        moved = False
        for a, b in spans:
            if a == pos:
                pos, moved = b, True
        head = _TITLE_HEAD.match(title, pos)
        if head:
            pos, moved = head.end(), True
    m = _TITLED.match(title, pos)
    if m is None:
        return None
    first, last = m.span("name")
    years = list(_YEAR.finditer(title, first, last))
    if years:  # a body the organisation patterns do not know stands before the year
        first = years[-1].end()
    name = title[first:last]
    if len(name) < 2 or _GENERIC_NAME.match(name) or form_kind(title[pos:]) == "department-overall":
        return None
    start, end = chars[first], chars[last - 1] + 1
    kind = "transfer" if m.group("transfer") else form_kind(name)
    return _Draft(name, Evidence.of(doc, start, end), kind=kind)


# -- programmes listed ------------------------------------------------------------------------------

# 对A、B、C等(N个)(一级)项目开展了绩效评价/自评: the programmes a department evaluated (等 is
# required: 对7个项目开展绩效自评 or 对部门整体支出进行了自评 lists none; 事前绩效评估 of planned
# spending and 部门评价 name no evaluation of these programmes' results).
_EVALUATED = re.compile(
    r"对(?P<list>[^。；;：:，,的]{2,300}?)等(?:\d+|[一二三四五六七八九十]+)?个?(?:[一二12]级)?(?:项目)?"
    r"(?:开展|进行)了?(?:项目)?(?:支出)?绩效(?:评价|自评)"
)
_ORDINAL = re.compile(r"^(?:\d{1,2}\s*[、.．]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}\s*、)\s*")
_PROGRAMME_SPENDING = re.compile(r"^项目支出[:：]?$")


def _listed_programmes(doc: Document) -> list[_Draft]:
    """Programmes a report lists: the ones it says it evaluated (对A、B等开展了绩效评价), and the
    numbered rows under a 项目支出 row of a table (项目支出 | … then 1、A | …, 2、B | …)."""
    drafts: list[_Draft] = []
    for block in doc.paragraphs():
        if "绩效" not in doc.text[block.start : block.end]:
            continue
        for m in _EVALUATED.finditer(doc.text, block.start, block.end):
            pos = m.start("list")
            for part in m.group("list").split("、"):
                name = _YEAR.sub("", part, count=1) if _YEAR.match(part) else part
                start = pos + len(part) - len(name)
                pos += len(part) + 1
                if 2 <= len(name.strip()) <= 30 and not _GENERIC_NAME.match(squash(name)):
                    drafts.append(_Draft(squash(name), Evidence.of(doc, start, start + len(name))))
    for table in doc.tables:
        drafts.extend(_numbered_under_spending(doc, table.rows))
    return drafts


def _numbered_under_spending(doc: Document, rows: tuple[Row, ...]) -> Iterator[_Draft]:
    listing = False
    for row in rows:
        first = next((c for c in row.cells if c.text.strip()), None)
        if first is None:
            continue
        if _PROGRAMME_SPENDING.match(squash(first.text)):
            listing = True
            continue
        ordinal = _ORDINAL.match(first.text) if listing else None
        if ordinal is None:
            listing = False
            continue
        name = first.text[ordinal.end() :].strip()
        if 2 <= len(name) <= 40 and not _GENERIC_NAME.match(squash(name)):
            start = first.start + first.text.index(name)
            yield _Draft(squash(name), Evidence.of(doc, start, start + len(name)))


# -- assembling -----------------------------------------------------------------------------------


def _settle(ctx: _Context) -> list[FundingSource]:
    """Drop prose repeats of table sources and report prose that disagrees with a table."""
    registry = ctx.registry
    tables: dict[tuple, _Source] = {}
    for s in ctx.sources:
        if s.from_table:
            tables.setdefault(s.key(registry), s)
    kept: list[_Source] = []
    seen: set[tuple] = set()
    for s in ctx.sources:
        identity = (*s.key(registry), s.amount.yuan)
        if identity in seen:
            continue
        seen.add(identity)
        table = tables.get(s.key(registry))
        if not s.from_table and table is not None:  # equal amounts were dropped as repeats above
            name = registry.final(s.draft).name
            ctx.issues.append(
                ConsistencyIssue(
                    "prose-vs-table",
                    f"{name}：正文 {s.label} {s.amount.text} 与表中 {table.label} {table.amount.text} 不符",
                    table.amount.yuan,
                    s.amount.yuan,
                    Decimal(0),
                    (table.amount.evidence, s.amount.evidence),
                )
            )
        kept.append(s)
    kept.sort(key=lambda s: s.amount.evidence.start)
    return [s.record(registry) for s in kept]


def _read(doc: Document, publisher: Organisation | None, amounts: list[Amount], default: _Draft | None) -> _Context:
    ctx = _Context(doc, publisher, default=default, titled_region=None if publisher else _title_region(doc))
    if default is not None:
        ctx.registry.add(default)
    _read_forms(ctx)
    prose = _ProseReader(ctx)
    prose.scan()
    prose.read(amounts)
    return ctx


def find_programmes(
    doc: Document, publisher: Organisation | None, amounts: list[Amount] | None = None
) -> tuple[list[Programme], list[FundingSource], list[ConsistencyIssue]]:
    """Programmes, their funding sources by level and phase, and failed funding checks.

    `publisher` (from `extract_metadata`) qualifies short names and level words; pass the
    document's prose `amounts` (kg.extract.amounts.find_amounts) when at hand to save finding
    them again.
    """
    amounts = find_amounts(doc) if amounts is None else amounts
    ctx = _read(doc, publisher, amounts, None)
    if not ctx.registry.drafts and (titled := _titled_programme(doc)) is not None:
        ctx = _read(doc, publisher, amounts, titled)  # the report names no programme but in its title
    sources = _settle(ctx)
    for draft in _listed_programmes(doc):  # after the title's turn: a list names no report's subject
        ctx.registry.add(draft)
    programmes = sorted((d.programme() for d in ctx.registry.drafts), key=lambda p: p.evidence.start)
    return programmes, sources, ctx.issues


@component("programmes", needs=["metadata", "amounts"], provides=["programmes", "funding_sources", "issues"])
def read_programmes(doc: Document, found: ReportRecords) -> None:
    programmes, sources, issues = find_programmes(doc, found.metadata.publisher, found.amounts)
    found.programmes.extend(programmes)
    found.funding_sources.extend(sources)
    found.issues.extend(issues)


__all__ = ["find_programmes"]
