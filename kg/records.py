"""Typed records that extractors produce and the RDF mapping consumes.

Every fact carries `Evidence`: where in the normalised document text it was read, with the quote
and its context, the page for paged formats, and the table cell when it came from a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from kg.document import Document


class GovLevel(str, Enum):
    """Levels of government (中央/省/市/县/乡); values are the code-list notations."""

    CENTRAL = "central"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"


class ReportKind(str, Enum):
    FINAL_ACCOUNTS = "final-accounts"  # 部门决算
    BUDGET = "budget"  # 部门预算
    PROJECT_SELF_EVALUATION = "project-self-evaluation"  # 项目支出绩效自评
    DEPARTMENT_SELF_EVALUATION = "department-self-evaluation"  # 部门整体支出绩效自评
    TRANSFER_SELF_EVALUATION = "transfer-self-evaluation"  # 转移支付绩效自评表
    ALLOCATION_NOTICE = "allocation-notice"  # 资金下达通知
    OTHER = "other"


@dataclass(frozen=True)
class CellRef:
    table: int
    row: int
    column: int


@dataclass(frozen=True)
class Evidence:
    """A quoted span of the normalised text: the provenance of one fact."""

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""
    page: int | None = None
    cell: CellRef | None = None
    written: str | None = None  # the span as the report writes it, where reading changed it (繁體, glosses)

    @classmethod
    def of(cls, doc: Document, start: int, end: int, cell: CellRef | None = None, width: int = 32) -> Evidence:
        prefix, suffix = doc.context(start, end, width)
        written = doc.written_span(start, end) if doc.as_written is not None else None
        return cls(start, end, doc.text[start:end], prefix, suffix, doc.page_at(start), cell, written)


@dataclass(frozen=True)
class Region:
    """An administrative region resolved to GB/T 2260. `parent` leads up the hierarchy."""

    name: str
    code: str | None
    level: GovLevel
    parent: Region | None = None

    def chain(self) -> list[Region]:
        """This region and its ancestors, top (province) first."""
        out: list[Region] = []
        node: Region | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]


@dataclass(frozen=True)
class Organisation:
    """A department or unit named in a report."""

    name: str  # full, canonical name, e.g. 柳林县医疗保障局
    evidence: Evidence
    region: Region | None = None
    level: GovLevel | None = None
    role: str = "mentioned"  # publisher | subordinate | supervising | mentioned


@dataclass(frozen=True)
class Amount:
    """A money amount as written and as exact yuan."""

    yuan: Decimal
    text: str  # original text, e.g. "1,042.26万"
    unit: str  # 元 | 万元 | 亿元
    evidence: Evidence
    label: str | None = None  # what the amount is of, e.g. 本年收入合计


@dataclass(frozen=True)
class DocumentNumber:
    """A parsed 文号 in canonical form: issuer code + 〔year〕 + serial + 号."""

    issuer_code: str
    year: int
    serial: str

    @property
    def canonical(self) -> str:
        return f"{self.issuer_code}〔{self.year}〕{self.serial}号"


@dataclass(frozen=True)
class Citation:
    """One occurrence of a policy document cited in a report.

    `number` is None for a document cited by title only (《中华人民共和国预算法》).
    """

    number: DocumentNumber | None
    number_text: str | None  # as written, e.g. 井委编委发2019〔23〕号
    title: str | None  # as written inside 《》, without the brackets
    evidence: Evidence  # the number (or the title when there is no number)
    sentence: Evidence  # the sentence holding the citation


@dataclass(frozen=True)
class ReportMetadata:
    title: str
    kind: ReportKind
    publisher: Organisation | None
    fiscal_year: int | None
    fiscal_year_evidence: Evidence | None = None
    publication_date: date | None = None
    publication_date_evidence: Evidence | None = None
    kind_evidence: Evidence | None = None
    title_evidence: Evidence | None = None


def _no_metadata() -> ReportMetadata:
    return ReportMetadata(title="", kind=ReportKind.OTHER, publisher=None, fiscal_year=None)


@dataclass
class ReportRecords:
    """Everything extracted from one report; the extraction components fill it in pipeline order."""

    document: Document
    metadata: ReportMetadata = field(default_factory=_no_metadata)
    organisations: list[Organisation] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)  # amounts stated in prose
    table_amounts: list[Amount] = field(default_factory=list)  # money cells of tables no reader understood
    budget_lines: list[BudgetLine] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    funding_sources: list[FundingSource] = field(default_factory=list)
    issues: list[ConsistencyIssue] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    classifications: list[ClassificationMention] = field(default_factory=list)
    extraction_issues: list[ExtractionIssue] = field(default_factory=list)
    extractor_version: str = ""


# --- Budget tables, programmes and fund flows ---------------------------------------------------


class BudgetPhase(str, Enum):
    """Budget phases; values are the code-list notations (ontology/codelists.ttl)."""

    INITIAL = "initial"  # 年初预算
    ADJUSTED = "adjusted"  # 全年（调整）预算
    EXECUTED = "executed"  # 全年执行数 / 决算数
    CARRIED_OVER = "carried-over"  # 上年结转 / 年初结转和结余
    ALLOCATED = "allocated"  # 下达 (allocation notices)


class ClassificationScheme(str, Enum):
    FUNCTIONAL = "functional"  # 支出功能分类科目: 类 3 / 款 5 / 项 7 digits
    ECONOMIC_DEPARTMENT = "economic-department"  # 部门预算支出经济分类: 301, 30101 …
    ECONOMIC_GOVERNMENT = "economic-government"  # 政府预算支出经济分类: 501, 50101 …
    REVENUE = "revenue"  # 收入分类科目: 110, 11002, 1100248 …


@dataclass(frozen=True)
class Classification:
    scheme: ClassificationScheme
    code: str
    name: str  # the name as the report writes it


@dataclass(frozen=True)
class ClassificationMention:
    """A classification code a report names with its name (a code row without amounts, a notice's
    科目 to book the money under), so that every code a report uses is in its graph."""

    classification: Classification
    evidence: Evidence


@dataclass(frozen=True)
class BudgetLine:
    """One amount of a budget table cell or of a prose statement about a classification item.

    `measure` is the column meaning (a notation such as "total", "basic", "project",
    "appropriation"), `measure_label` the header text it was read from.
    """

    table_kind: str  # template id, e.g. "expenditure-final-accounts"; "prose" for sentences
    row_label: str
    measure: str
    measure_label: str
    phase: BudgetPhase
    amount: Amount
    classification: Classification | None = None
    fund_type: str | None = None  # general-public | government-fund | state-capital | social-insurance-fund
    is_total: bool = False
    table_caption: str | None = None


@dataclass(frozen=True)
class ExtractionIssue:
    """A component that failed on a report: which, where in the code, and the error."""

    component: str  # e.g. "programmes", or "mapping: budget"
    error: str  # the exception type and message
    where: str = ""  # the innermost FundKG frame, e.g. kg/extract/programmes.py:412


@dataclass(frozen=True)
class ConsistencyIssue:
    """A check of a report against itself that failed: what, where, expected, found."""

    kind: str  # e.g. "parent-sum", "total-row", "funding-sources", "prose-vs-table"
    description: str
    expected: Decimal | None
    found: Decimal | None
    tolerance: Decimal | None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Programme:
    """A programme or project (项目) a report accounts for, with who supervises and implements it."""

    name: str
    evidence: Evidence
    code: str | None = None  # 项目编码, e.g. 50015221T000000052688
    kind: str | None = None  # first-level | second-level | transfer | department-overall | special
    central_supervisor: Organisation | None = None  # 中央主管部门
    local_supervisor: Organisation | None = None  # 地方主管部门 / 主管部门
    implementing_unit: Organisation | None = None  # 实施单位 / 资金使用单位


@dataclass(frozen=True)
class FundingSource:
    """Money for a programme from one government level (or the programme total), in one phase.

    `levels` is empty for the total row, one level for 中央/省/市/县 rows, and several for a
    combined source such as 中央省补助资金. `via` names a body the money passed through on its
    way (市医保局下达…中央直补资金).
    """

    programme: str  # Programme.name within the same report
    levels: tuple[GovLevel, ...]
    phase: BudgetPhase
    amount: Amount
    label: str  # the row or phrase as written, e.g. 其中:中央财政资金
    via: Organisation | None = None
    is_total: bool = False


# --- Performance evaluations and indicators ----------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    """A value as the report states it: a number with its unit, or qualitative text."""

    text: str  # as written, e.g. "≥65", "不低于上年", "29.37%"
    value: Decimal | None = None  # the number, when there is one
    unit: str | None = None  # normalised unit, e.g. "%", "万人", "人次", "万元/年"
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Indicator:
    """One performance indicator row: what was promised and what was achieved."""

    name: str
    evidence: Evidence  # of the name
    tier1: str | None = None  # 一级指标, e.g. 产出指标
    tier2: str | None = None  # 二级指标, e.g. 数量指标
    comparison: str | None = None  # ge | le | eq | gt | lt | qualitative
    target: Measurement | None = None
    adjusted_target: Measurement | None = None
    actual: Measurement | None = None
    weight: Measurement | None = None
    score: Measurement | None = None
    deviation: Measurement | None = None
    is_core: bool | None = None
    reason: str | None = None  # 偏差原因 / 说明 / 未完成原因
    met: bool | None = None  # computed for quantitative targets; None when it cannot be decided
    concept: str | None = None  # notation of a shared indicator concept, when the match is clear
    concept_rule: str | None = None  # the rule that made that link


@dataclass(frozen=True)
class Evaluation:
    """A self-evaluation (绩效自评) of a programme or of the department as a whole."""

    subject: str  # programme name, or the department name for 部门整体 evaluations
    evidence: Evidence
    programme_code: str | None = None
    is_department: bool = False
    indicators: tuple[Indicator, ...] = ()
    total_score: Measurement | None = None
    max_score: Measurement | None = None  # e.g. 90 in "82 of 90"
    grade: str | None = None  # 优 / 良 / 中 / 差
    execution_rate: Measurement | None = None


# --- Allocation notices (资金下达通知) -----------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """What an allocation notice says about itself (shared by all its allocations)."""

    title: str  # 关于下达…的通知, without the issuers
    title_evidence: Evidence
    issuers: tuple[Organisation, ...]  # joint issuers, in the order written
    fund: str  # as written, e.g. 中央和省级医疗救助补助资金
    fund_evidence: Evidence
    year: int | None
    source_levels: tuple[GovLevel, ...]
    number: DocumentNumber | None = None  # the notice's own 文号
    number_evidence: Evidence | None = None
    function_code: str | None = None  # 支出功能分类科目, e.g. 2101301
    function_evidence: Evidence | None = None
    payer: Organisation | None = None  # the finance body among the issuers: the treasury that pays


@dataclass(frozen=True)
class Allocation:
    """One row of an allocation table: money sent to a recipient region or unit.

    `payer` is the issuing department (or the level's finance department); `levels` the level(s)
    the money comes from: the 中央资金/省级资金 column, else the levels the fund's name gives.
    """

    recipient: str  # as written, e.g. 柳林县
    recipient_region: Region | None
    programme: str
    levels: tuple[GovLevel, ...]
    phase: BudgetPhase
    amount: Amount
    payer: Organisation | None = None
    function_code: str | None = None  # 支出功能分类科目 to book it under
    is_total: bool = False
    recipient_evidence: Evidence | None = None  # the recipient cell
    notice: Notice | None = None  # what the notice says about itself (shared by its rows)


@dataclass(frozen=True)
class Definition:
    """A classification item defined in the report's 名词解释 section."""

    term: str  # as written, e.g. 卫生健康支出（类）医疗救助（款）城乡医疗救助（项）
    scheme: ClassificationScheme
    code: str
    text: str  # the definition, e.g. 反映财政用于城乡困难群众医疗救助的支出。
    evidence: Evidence  # of the definition text
