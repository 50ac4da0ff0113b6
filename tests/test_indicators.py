"""Performance self-evaluations and their indicators: the five seeds, then values, met rules,
concept links, checks, synthetic forms and prose of our own, and the project's sample reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.document import Document, DocumentBuilder
from kg.extract.indicators import find_evaluations
from kg.extract.indicators.checks import check
from kg.extract.indicators.model import Draft, Text, make_indicator
from kg.extract.indicators.values import Value, met, normalise_unit, parse_value
from kg.extract.metadata import extract_metadata
from kg.extract.pipeline import extract_report
from kg.extract.programmes import find_programmes
from kg.lexicon.concepts import link
from kg.normalize import fold
from kg.readers import read_document
from kg.records import (
    CellRef,
    ConsistencyIssue,
    Evaluation,
    Evidence,
    GovLevel,
    Indicator,
    Organisation,
    Programme,
    Region,
    ReportKind,
    ReportMetadata,
)
from kg.resources import data_dir

D = Decimal
Result = tuple[list[Evaluation], list[ConsistencyIssue]]


@pytest.fixture(scope="module")
def seeds(seed_documents) -> dict[str, tuple[Document, Result]]:
    out = {}
    for key, doc in seed_documents.items():
        metadata = extract_metadata(doc)
        programmes = find_programmes(doc, metadata.publisher)[0]
        out[key] = doc, find_evaluations(doc, metadata, programmes)
    return out


def evaluation(result: Result, subject: str, *, total: str | None = None) -> Evaluation:
    found = [
        e
        for e in result[0]
        if e.subject == subject and (total is None or (e.total_score and e.total_score.value == D(total)))
    ]
    assert len(found) == 1, [(e.subject, e.total_score) for e in result[0]]
    return found[0]


def indicator(ev: Evaluation, name: str, index: int = 0) -> Indicator:
    found = [i for i in ev.indicators if i.name == name]
    assert found, [i.name for i in ev.indicators]
    return found[index]


def values_of(ind: Indicator) -> tuple:
    """The row as (comparison, target, actual, unit of the target, weight, score, met)."""

    def number(m):
        return m.value if m is not None else None

    unit = ind.target.unit if ind.target else None
    return ind.comparison, number(ind.target), number(ind.actual), unit, number(ind.weight), number(ind.score), ind.met


# -- seed 003: thirteen 绩效自评表 with 指标性质 columns --------------------------------------------


def test_seed_003_counts_per_table(seeds) -> None:
    evaluations, _ = seeds["003"][1]
    assert [len(e.indicators) for e in evaluations] == [11, 6, 5, 6, 6, 10, 7, 4, 5, 6, 8, 8, 7]
    assert [e.is_department for e in evaluations] == [True] + [False] * 12
    assert evaluations[0].subject == "重庆市潼南区医疗保障局"
    assert evaluations[0].programme_code == "50015200024P000093"
    assert evaluations[1].subject == "欺诈骗取医疗保障基金行为举报奖励专项资金"
    assert evaluations[1].programme_code == "50015221T000000052686"
    assert [e.total_score.value for e in evaluations[:3]] == [D("96.878"), D("90.00"), D("100.00")]
    assert all(e.execution_rate is not None for e in evaluations)
    assert evaluations[0].execution_rate.value == D("96.49") and evaluations[0].execution_rate.unit == "%"


def test_seed_003_department_table_values(seeds) -> None:
    doc, result = seeds["003"]
    dept = evaluation(result, "重庆市潼南区医疗保障局")
    insured = indicator(dept, "城乡居民医疗保险参保人数")
    assert values_of(insured) == ("ge", D(65), D(64), "万人", D(20), D("16.92"), False)
    assert insured.actual.unit == "万人" and insured.deviation.value == D("1.54") and insured.is_core is True
    assert insured.evidence.cell is not None and doc.text[insured.evidence.start : insured.evidence.end] == insured.name
    assert insured.concept == "insured-persons" and insured.concept_rule == "label: 城乡居民医疗保险参保人数"
    total = indicator(dept, "医疗救助总额")
    assert values_of(total) == ("le", D(4500), D(2661), "万元/年", D(6), D(6), True)
    assert indicator(dept, "单双解人员医保补贴兑现率").comparison == "eq"


def test_seed_003_missed_reward_row(seeds) -> None:
    ev = evaluation(seeds["003"][1], "欺诈骗取医疗保障基金行为举报奖励专项资金")
    reward = indicator(ev, "举报奖励金")
    assert values_of(reward) == ("ge", D(1), D("0.04"), "万元", D(10), D(0), False)
    assert reward.reason == "以实际举报奖励为准" and reward.is_core is False
    # 打击欺诈骗保知晓 率 is wrapped inside its cell; the name is read without the space.
    assert indicator(ev, "打击欺诈骗保知晓率").concept == "policy-awareness"


def test_seed_003_row_stuck_into_another_rows_note(seeds) -> None:
    doc, result = seeds["003"]
    ev = evaluation(result, "潼南区医疗保障基金监管及待遇审核成本")
    host = indicator(ev, "聘请三方机构检查医疗机构数")
    assert values_of(host) == ("ge", D(10), D(21), "个", D(10), D(10), True)
    assert host.reason is None  # the cell held only a stray row number and the stuck row
    stuck, own = indicator(ev, "追回医保基金金额", 0), indicator(ev, "追回医保基金金额", 1)
    assert values_of(stuck) == ("ge", D(100), D(200), "万元/年", D(20), D("20.00"), True)
    assert stuck.reason == "加大稽核力度" and stuck.is_core is True and stuck.deviation.value == D("100.00")
    assert stuck.evidence.cell == CellRef(host.evidence.cell.table, host.evidence.cell.row, 10)  # the 说明 cell
    assert doc.text[stuck.evidence.start : stuck.evidence.end] == "追回医保基金金额"
    assert values_of(own) == ("ge", D(100), D(100), "万元/年", D(20), D(20), True)


def test_seed_003_wrapped_headers_and_units(seeds) -> None:
    result = seeds["003"][1]
    # 指 / 标 得 分 and 全年完 / 成值 are headers wrapped over two lines.
    early = evaluation(result, "医疗服务与保障能力提升经费提前下达")
    assert [i.score.value for i in early.indicators] == [D(10)] * 4 + [D(20)] + [D(10)] * 3
    assert early.execution_rate.value == D(0)
    local = evaluation(result, "城乡医疗救助本级安排")
    visits = indicator(local, "门诊和住院医疗救助人次")
    assert values_of(visits) == ("ge", D(20), D("18.5"), "万人次", D(20), D(5), False)
    health = evaluation(result, "健康产业工作经费")
    assert indicator(health, "体检人数").target.unit == "人"  # written 人数
    assert indicator(health, "体检费标准").target.unit == "元/人"
    subsidy = evaluation(result, "单双解人员医保补贴")
    assert indicator(subsidy, "财政补贴标准").target.unit == "元/人/年"  # written 元/人年
    city = evaluation(result, "城乡医疗救助提前下达市级")
    assert values_of(indicator(city, "基本医疗保险参保人数")) == (
        "ge",
        D(650000),
        D(640000),
        "人/年",
        D(10),
        D("8.46"),
        False,
    )


# -- seed 002: 转移支付绩效自评表, 绩效目标申报表, 重点项目自评表, prose results ------------------------


def test_seed_002_counts_and_totals(seeds) -> None:
    evaluations, _ = seeds["002"][1]
    transfer = evaluation(seeds["002"][1], "城乡居民医疗救助资金", total="82")
    assert len(transfer.indicators) == 11 and transfer.max_score.value == D(90)
    assert transfer.execution_rate.value == D("70.60")
    declared = evaluation(seeds["002"][1], "医疗服务与保障能力提升补助资金")
    assert len(declared.indicators) == 7 and declared.total_score is None
    assert declared.execution_rate.value == D("67.60")
    special = evaluation(seeds["002"][1], "特定项目")
    assert len(special.indicators) == 6
    assert (special.total_score.value, special.max_score.value) == (D("93.3"), D(100))
    # The summary paragraphs state their own scores; a score is never merged into a form that says otherwise.
    summary = evaluation(seeds["002"][1], "城乡居民医疗救助资金", total="89")
    assert summary.indicators == () and summary.execution_rate.value == D("70.6")
    department = evaluation(seeds["002"][1], "柳林县医疗保障局")
    assert department.is_department and department.total_score.value == D(85)
    assert department.execution_rate.value == D(100)
    centre = evaluation(seeds["002"][1], "柳林县医疗保险服务中心")
    assert centre.is_department and centre.grade == "优" and centre.total_score is None
    assert len(evaluations) == 7


def test_seed_002_transfer_table_values(seeds) -> None:
    doc, result = seeds["002"]
    transfer = evaluation(result, "城乡居民医疗救助资金", total="82")
    balance = indicator(transfer, "基金累计结余占筹集基金总额的比重")
    assert (balance.tier1, balance.tier2) == ("产出指标", "数量指标")  # merged cells left empty
    assert values_of(balance) == ("le", D(15), D("29.37"), "%", D(8), D(0), False)
    assert balance.adjusted_target.text == "≤15%" and balance.actual.unit == "%"
    assert balance.actual.text == "基金累计结余占筹集基金总额的比重29.37%"
    assert balance.reason == "因部分高额医疗费用的人群未将资料交回"
    assert balance.concept == "fund-balance-ratio"
    # A row one column left of its header: 时效指标 is its tier, not its name.
    settle = indicator(transfer, "市域内一站式即时结算覆盖地区")
    assert (settle.tier1, settle.tier2, settle.comparison) == ("产出指标", "时效指标", "qualitative")
    assert (settle.target.text, settle.actual.text, settle.met) == ("不低于上年", "不低于上年", True)
    assert settle.weight.value == D(8)
    # A name followed by an empty cell: aligned on its 分值/得分 pair.
    system = indicator(transfer, "对健全医疗保障体系的作用")
    assert (system.tier1, system.tier2, system.target.text, system.weight.value) == (
        "效益指标",
        "可持续影响指标",
        "成效明显",
        D(8),
    )
    inpatient = indicator(transfer, "重点救助对象政策范围内住院自付")
    assert inpatient.actual.text == "≥70%" and inpatient.actual.value is None and inpatient.met is True
    scale = indicator(transfer, "医疗救助对象人次规模")
    assert scale.comparison == "qualitative" and scale.met is None
    assert doc.text[scale.actual.evidence.start : scale.actual.evidence.end] == scale.actual.text


def test_seed_002_declaration_and_special_project(seeds) -> None:
    result = seeds["002"][1]
    declared = evaluation(result, "医疗服务与保障能力提升补助资金")
    satisfied = indicator(declared, "参保人员对医保服务的满意度")  # one column left of its header
    assert (satisfied.tier1, satisfied.tier2) == ("满意度指标", "服务对象满意度指标")
    assert (satisfied.comparison, satisfied.target.value, satisfied.actual.text, satisfied.met) == (
        "ge",
        D(85),
        "≥85%",
        True,
    )
    assert satisfied.weight is None and satisfied.concept == "service-satisfaction"
    assert indicator(declared, "推进医保政府信息公开").met is None
    special = evaluation(result, "特定项目")
    rows = [(i.tier1, i.tier2, *values_of(i)) for i in special.indicators]
    assert rows[0] == ("产出指标", "数量指标", None, D(267000), D(267000), "人", D(20), D(20), True)
    assert rows[1] == ("产出指标", "质量指标", None, D(100), D(93), "%", D(20), D("15.8"), False)
    assert rows[3] == ("产出指标", "成本指标", None, D("34.09"), D("34.09"), "元/人", D(10), D(10), True)
    assert rows[5] == ("满意度指标", "服务对象满意度指标", None, D(95), D(95), "%", D(10), D("9.5"), True)
    assert {i.name for i in special.indicators} == {"指标1"}


# -- seed 001: the scoring table and the prose indicators -------------------------------------------


def test_seed_001_scoring_table(seeds) -> None:
    doc, result = seeds["001"]
    (ev,) = result[0]
    assert ev.subject == "医疗救助补助资金" and ev.total_score.value == D("99.3")
    scored = [i for i in ev.indicators if i.score is not None]
    assert len(scored) == 17 and len(ev.indicators) == 29
    first = scored[0]
    assert (first.tier1, first.tier2, first.name) == (
        "决策",
        "预算支出决策（项目立项）",
        "预算支出决策（项目立项）依据充分性",
    )
    assert (first.weight.value, first.score.value) == (D(4), D(4))
    execution = indicator(ev, "预算执行率")
    assert (execution.tier1, execution.tier2, execution.weight.value, execution.score.value) == (
        "过程",
        "资金管理",
        D(4),
        D("3.8"),
    )
    assert doc.text[execution.weight.evidence.start : execution.weight.evidence.end] == "4"
    public = indicator(ev, "社会公众或服务对象满意度")  # written over three lines, points in the middle
    assert (public.tier1, public.weight.value, public.concept) == ("效益", D(10), "service-satisfaction")
    assert sum(i.score.value for i in scored) == D("99.3")
    assert sum(i.weight.value for i in scored) == D(100)


def test_seed_001_prose_actuals_are_linked_to_their_targets(seeds) -> None:
    doc, result = seeds["001"]
    (ev,) = result[0]
    share = indicator(ev, "重特大疾病医疗救助人次占直接救助人次比例")
    assert values_of(share) == ("ge", D(28), D("40.65"), "%", None, None, True)
    assert share.actual.text == "40.65%" and doc.text[: share.actual.evidence.start].endswith("比重")
    ratio = indicator(ev, "重点救助对象政策范围内住院自付费用年度限额内救助比例")
    assert values_of(ratio) == ("ge", D(70), D("75.35"), "%", None, None, True)
    assert doc.text[: ratio.actual.evidence.start].endswith("救助比率")
    # Stated only against its standard (…3.96%，小于15%的标准值): an indicator of its own, ≤ 15%.
    balance = indicator(ev, "基金累计结余占筹集基金总额的比重")
    assert values_of(balance) == ("le", D(15), D("3.96"), "%", None, None, True)
    assert balance.concept == "fund-balance-ratio"
    qualitative = indicator(ev, "对健全社会救助体系的影响")
    assert (qualitative.target.text, qualitative.actual.text, qualitative.met) == ("成效明显", "成效明显", True)
    assert indicator(ev, "服务对象政策知晓率").actual is None
    scale = indicator(ev, "医疗救助对象人次规模")
    assert scale.comparison == "qualitative" and scale.target.text.startswith("≥特困供养人员")


# -- seeds 000 and 004: prose ------------------------------------------------------------------------


def test_seed_000_prose_targets(seeds) -> None:
    _, result = seeds["000"]
    department = evaluation(result, "井研县医疗保障局")
    assert department.is_department and department.total_score.value == D("99.3") and not department.indicators
    project = evaluation(result, "城乡医疗救助金")
    assert (project.total_score.value, project.grade, project.execution_rate.value) == (D(100), "优", D(100))
    assert len(project.indicators) == 6
    inpatient = indicator(project, "重点救助对象自付费用年度限额内住院救助比例")
    assert (inpatient.comparison, inpatient.target.value, inpatient.target.unit) == ("ge", D(70), "%")
    # The analysis restates it under its tier (2.质量指标：…救助比率≥70%), matched by concept.
    assert (inpatient.actual.text, inpatient.tier2, inpatient.met) == ("≥70%", "质量指标", True)
    awareness = indicator(project, "服务对象政策知晓率")
    assert (awareness.comparison, awareness.target.value, awareness.concept) == ("ge", D(80), "policy-awareness")
    satisfaction = indicator(project, "医疗救助享受对象满意度")
    assert (satisfaction.target.text, satisfaction.comparison, satisfaction.target.value) == (
        "达到85%以上",
        "ge",
        D(85),
    )
    coverage = indicator(project, "符合政策条件的困难群众享受医疗救助的覆盖率")  # 实现 is not part of the name
    assert (coverage.comparison, coverage.target.value, coverage.actual) == ("ge", D(100), None)
    settle = indicator(project, "“一站式”即时结算覆盖面")
    assert (settle.target.text, settle.actual.text, settle.met) == ("不低于上年", "不低于上年度", True)


def test_seed_004_department_result(seeds) -> None:
    (ev,) = seeds["004"][1][0]
    assert (ev.subject, ev.is_department, ev.total_score.value, ev.grade) == (
        "奉节县医疗保障局",
        True,
        D("96.50"),
        "优",
    )


def test_seed_issues(seeds) -> None:
    issues = {key: [(i.kind, i.expected, i.found) for i in result[1]] for key, (_, result) in seeds.items()}
    # 特定项目 满意度: 95% of 95% but 9.5 of 10 points; 潼南区监管: the stuck row adds 20 points to 100.
    assert issues == {
        "000": [],
        "001": [],
        "002": [("indicator-score", D(10), D("9.5"))],
        "003": [("evaluation-total", D("100.00"), D("120.00"))],
        "004": [],
    }
    (stuck,) = seeds["003"][1][1]
    assert "潼南区医疗保障基金监管及待遇审核成本" in stuck.description and stuck.evidence


# -- values, units and met -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "comparison", "number", "unit"),
    [
        ("≥65", "ge", "65", None),
        ("≤15%", "le", "15", "%"),
        ("267000人", None, "267000", "人"),
        ("34.09元/人", None, "34.09", "元/人"),
        ("达到85%以上", "ge", "85", "%"),
        ("10次以上", "ge", "10", "次"),
        ("不超过3 天", "le", "3", "天"),
        ("1,200万元", None, "1200", "万元"),
        ("＜5％", "lt", "5", "%"),
        ("≧90%", "ge", "90", "%"),  # the full-width sign of some Word templates
    ],
)
def test_parse_value(text: str, comparison: str | None, number: str, unit: str | None) -> None:
    assert parse_value(text) == Value(comparison, D(number), unit)


def test_parse_value_refuses_words() -> None:
    assert parse_value("不低于上年") is None
    assert parse_value("明显提高") is None


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("％", "%"),
        ("人数", "人"),
        ("元/人年", "元/人/年"),
        ("元/人·年", "元/人/年"),
        ("万元 / 年", "万元/年"),
        ("人次", "人次"),
    ],
)
def test_units_are_normalised(written: str, normal: str) -> None:
    assert normalise_unit(written) == normal


@pytest.mark.parametrize(
    ("comparison", "target", "actual", "expected"),
    [
        ("ge", "65", "64", False),
        ("ge", "65", "65", True),
        ("le", "4500", "2661", True),
        ("le", "≤15%", "29.37%", False),
        ("eq", "100", "100", True),
        ("eq", "100", "99", False),
        ("gt", "10", "10", False),
        ("gt", "10", "10.5", True),
        ("lt", "5", "4", True),
        ("lt", "5", "5", False),
        (None, "≥70%", "75.35%", True),  # the comparison written in the target
        (None, "≤15%", "…的比重29.37%", False),  # the actual restates the name before its number
        (None, "267000人", "267000人", True),  # no comparison: equal values meet it
        (None, "100%", "93%", False),  # no comparison: 100% cannot be exceeded
        (None, "34元/人", "30元/人", None),  # no comparison, direction unknown
        ("ge", "≥70%", "≥70%", True),  # a bound as strict as the target
        ("ge", "≥70%", "≥60%", None),  # a looser bound says nothing
        ("le", "≤15%", "≥10%", None),  # a bound the other way says nothing
        ("ge", "65万人", "640000人", False),  # 万 scaled
        ("ge", "1万人", "12000人", True),
        ("ge", "5万元", "3人", None),  # units that do not compare
        ("qualitative", "不低于上年", "不低于上年度", True),  # restated
        ("qualitative", "明显提高", "较上年提高5%", None),  # judged, not computed
        ("ge", "", "5", None),
    ],
)
def test_met(comparison: str | None, target: str, actual: str, expected: bool | None) -> None:
    assert met(comparison, target, actual) is expected


def test_met_uses_the_unit_column_for_bare_numbers() -> None:
    assert met("ge", "65", "640000人", unit="万人") is False
    assert met("ge", "65", "660000人", unit="万人") is True


# -- concepts ----------------------------------------------------------------------------------------------


def test_concept_links_by_label_then_pattern() -> None:
    assert link("救助对象满意度") == ("service-satisfaction", "label: 救助对象满意度")
    assert link("“一站式”即时结算覆盖地区") == ("one-stop-settlement-coverage", "label: 一站式即时结算覆盖地区")
    assert link("参保人员 对医保服务的满意度") == ("service-satisfaction", "label: 参保人员对医保服务的满意度")
    assert link("体检满意度") == ("service-satisfaction", "pattern: 满意度$|满意率$")
    assert link("打击欺诈骗保知晓率") == ("policy-awareness", "pattern: 知晓[率度]")


def test_concept_is_not_linked_when_unclear() -> None:
    assert link("举报奖励金") is None  # no concept
    assert link("指标1") is None
    # 满意度 and 知晓率 at once: two concepts match, so neither is linked.
    assert link("政策知晓率及满意度") is None
    assert link("门诊和住院医疗救助人次") == ("assistance-person-times", "label: 门诊和住院医疗救助人次")
    assert link("重特大疾病医疗救助人次占直接救助人次比重")[0] == "major-illness-assistance-share"


# -- checks on made-up rows ------------------------------------------------------------------------------


def _text(text: str) -> Text:
    return Text(text, Evidence(0, len(text), text))


def _row(name: str, target: str, actual: str, weight: str, score: str, comparison: str = "≥") -> Indicator:
    cells = {"comparison": comparison, "target": target, "actual": actual, "weight": weight, "score": score}
    return make_indicator(_text(name), {k: _text(v) for k, v in cells.items()})


def test_disagreements_between_met_and_points_are_issues() -> None:
    draft = Draft("示例项目", Evidence(0, 4, "示例项目"), "form")
    draft.indicators = [
        _row("达标零分", "10", "12", "10", "0"),
        _row("未达标满分", "10", "8", "10", "10"),
        _row("超分", "10", "12", "10", "11"),
        _row("正常", "10", "12", "10", "10"),
        _row("定性", "明显提高", "明显提高", "10", "0", comparison="定性"),
    ]
    issues = check(draft)
    assert [(i.kind, i.found) for i in issues] == [
        ("indicator-score", D(0)),
        ("indicator-score", D(10)),
        ("indicator-score", D(11)),
        ("indicator-score", D(0)),  # a restated qualitative target counts as met
    ]
    assert "达标零分" in issues[0].description and "已达到指标值" in issues[0].description
    assert "未达到指标值" in issues[1].description


def test_total_check_allows_the_execution_rate_points() -> None:
    draft = Draft("示例项目", Evidence(0, 4, "示例项目"), "form")
    draft.indicators = [_row("甲", "10", "12", "45", "45"), _row("乙", "10", "8", "45", "40")]
    draft.total = _measure("95")
    draft.execution_weight, draft.execution_score = D(10), D(10)
    assert check(draft) == []
    draft.total = _measure("96")
    assert [(i.kind, i.expected, i.found) for i in check(draft)] == [("evaluation-total", D(96), D(95))]


def _measure(value: str):
    from kg.records import Measurement

    return Measurement(value, D(value), None, Evidence(0, len(value), value))


# -- synthetic forms and prose -----------------------------------------------------------------------------


def _metadata(doc: Document) -> ReportMetadata:
    county = Region("示例县", None, GovLevel.COUNTY)
    publisher = Organisation("示例县医疗保障局", Evidence.of(doc, 0, 2), county, GovLevel.COUNTY, "publisher")
    return ReportMetadata("示例县医疗保障局2023年度部门决算", ReportKind.FINAL_ACCOUNTS, publisher, 2023)


STUCK = "1 示例追回金额 万元 ≥ 5 6 20 100 20 20 否 加大力度"  # a stray row number, then a whole row
TRANSFER_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "调整后年度指标值", "实际完成值", "分值", "得分"]


def test_synthetic_form_with_wrapped_header_and_stuck_row() -> None:
    b = DocumentBuilder()
    b.paragraph("2023年度示例项目绩效自评表")
    b.table([
        ["项目名称：", "示例救助项目", "项目编码：", "12345678AB", "自评总分：", "78"],
        ["", "年初预算数", "全年执行数", "执行率", "执行率权重", "执行率得分"],
        ["年度总金额", "100.00", "80.00", "80", "10", "8"],
        ["指标名称", "计量单位", "指标性质", "指标值", "全年完", "偏离度", "得分系", "指标权", "指", "是否", "说明"],
        ["", "", "", "", "成值", "", "数", "重", "标得分", "核心指标", ""],
        ["示例救助人次", "人次", "≥", "1000", "900", "10", "50", "40", "20", "是", "经费不足"],
        ["示例满意度", "%", "≥", "90", "92", "0", "100", "30", "30", "否", STUCK],
    ])  # fmt: skip
    doc = b.build(Path("x.txt"), "text/plain", "0" * 64)
    (ev,), issues = find_evaluations(doc, _metadata(doc), [])
    assert (ev.subject, ev.programme_code, ev.total_score.value, ev.execution_rate.value) == (
        "示例救助项目",
        "12345678AB",
        D(78),
        D(80),
    )
    assert [i.name for i in ev.indicators] == ["示例救助人次", "示例满意度", "示例追回金额"]
    visits, satisfied, recovered = ev.indicators
    assert values_of(visits) == ("ge", D(1000), D(900), "人次", D(40), D(20), False)
    assert (visits.is_core, visits.reason, visits.deviation.value) == (True, "经费不足", D(10))
    assert satisfied.reason is None and satisfied.concept == "service-satisfaction"
    assert values_of(recovered) == ("ge", D(5), D(6), "万元", D(20), D(20), True)
    assert recovered.reason == "加大力度" and recovered.is_core is False
    assert issues == []  # 20 + 30 + 20 + 执行率得分 8 = 78


def test_synthetic_transfer_form_with_shifted_rows_and_adjusted_target() -> None:
    b = DocumentBuilder()
    b.paragraph("示例补助资金转移支付绩效目标自评表")
    b.table([
        ["项目名称", "", "示例补助资金"],
        [*TRANSFER_HEADER, "偏差原因分析及改进措施"],
        ["产出指标", "数量指标", "示例覆盖人数", "≥500人", "≥600人", "550人", "10", "5", "调整后提高目标"],
        ["时效指标", "示例办结时限", "≤30天", "≤30天", "25天", "10", "10", "", ""],
        ["示例长效机制", "", "逐步完善", "逐步完善", "逐步完善", "10", "10", "", ""],
        ["总分", "", "", "", "", "", "30", "25", ""],
        ["说明", "本行不是指标"],
    ])  # fmt: skip
    doc = b.build(Path("x.txt"), "text/plain", "0" * 64)
    programme = Programme("示例补助资金", Evidence.of(doc, 0, 2))
    (ev,), issues = find_evaluations(doc, _metadata(doc), [programme])
    assert (ev.subject, ev.total_score.value, ev.max_score.value) == ("示例补助资金", D(25), D(30))
    covered, deadline, lasting = ev.indicators
    # The adjusted target is the one in force: 550 < 600.
    assert (covered.target.value, covered.adjusted_target.value, covered.actual.value, covered.met) == (
        D(500),
        D(600),
        D(550),
        False,
    )
    assert covered.reason == "调整后提高目标"
    assert (deadline.tier1, deadline.tier2, deadline.comparison, deadline.met) == ("产出指标", "时效指标", "le", True)
    assert (lasting.name, lasting.comparison, lasting.met, lasting.score.value) == (
        "示例长效机制",
        "qualitative",
        True,
        D(10),
    )
    assert issues == []


def test_synthetic_prose_targets_actuals_and_results() -> None:
    b = DocumentBuilder()
    b.paragraph("示例救助项目绩效评价报告")
    b.paragraph("项目名称：示例救助项目")
    b.paragraph("2.具体绩效指标：")
    b.paragraph("（1）示例对象知晓率≥90%；")
    b.paragraph("（2）示例结算覆盖地区：不低于上年；")
    b.paragraph("（3）确保示例对象满意度达到80%以上。")
    b.paragraph("3.绩效分析")
    b.paragraph("2023年示例对象知晓率为86.5%，未达到目标。")
    b.paragraph("2023年示例县示例资金结余占比12%，低于20%的标准值，达到目标。")
    b.paragraph("1.满意度指标：群众满意度≥80%。")
    b.paragraph("经评价，该项目自评得分为91.5分，评价等级为“良”，预算执行率为95%。")
    b.paragraph("其中2个项目自评等级为“优”。")
    b.paragraph("示例县医疗保障局整体支出绩效自评报告")
    b.paragraph("本单位整体支出绩效自评得分为88分。")
    doc = b.build(Path("x.txt"), "text/plain", "0" * 64)
    programme = Programme(
        "示例救助项目", Evidence.of(doc, doc.text.index("示例救助项目", 10), doc.text.index("示例救助项目", 10) + 6)
    )
    evaluations, issues = find_evaluations(doc, _metadata(doc), [programme])
    project, department = evaluations
    assert (project.subject, project.total_score.value, project.grade, project.execution_rate.value) == (
        "示例救助项目",
        D("91.5"),
        "良",
        D(95),
    )
    known, area, satisfied, balance = project.indicators
    assert values_of(known) == ("ge", D(90), D("86.5"), "%", None, None, False)
    assert (area.comparison, area.target.text, area.actual) == ("qualitative", "不低于上年", None)
    assert (satisfied.name, satisfied.actual.text, satisfied.tier2, satisfied.met) == (
        "示例对象满意度",
        "≥80%",
        "满意度指标",
        True,
    )
    assert (balance.name, *values_of(balance)) == ("示例资金结余占比", "le", D(20), D(12), "%", None, None, True)
    assert (department.subject, department.is_department, department.total_score.value) == (
        "示例县医疗保障局",
        True,
        D(88),
    )
    assert issues == []


# -- results stated against their target, and the project's own samples ----------------------------------


@pytest.mark.parametrize(
    ("sentence", "name", "comparison", "target", "actual", "unit", "reached"),
    [
        ("救助比例达到72.6%，目标为≥70%。", "救助比例", "ge", "70", "72.6", "%", True),
        ("2023年全区参保率为93.8%（目标值≥95%），未完成。", "参保率", "ge", "95", "93.8", "%", False),
        ("其中救助人次实际完成2.73万人次，年度目标2.5万人次以上。", "救助人次", "ge", "2.5", "2.73", "万人次", True),
        ("群众满意度目标值为不低于90%，实际达到92%。", "群众满意度", "ge", "90", "92", "%", True),
        ("截至2023年底全县参保人数达到31.2万人，目标为不少于32万人；", "参保人数", "ge", "32", "31.2", "万人", False),
        ("个人负担比例12.3%，目标是不高于15％。", "个人负担比例", "le", "15", "12.3", "%", True),
        ("办结时限实际为12个工作日，目标≦15个工作日。", "办结时限", "le", "15", "12", "个工作日", True),
    ],
)
def test_result_stated_with_its_target(
    sentence: str, name: str, comparison: str, target: str, actual: str, unit: str, reached: bool
) -> None:
    b = DocumentBuilder()
    b.paragraph("示例县医疗保障局2023年度部门整体支出绩效自评报告")
    b.paragraph(fold(sentence))  # as the readers normalise it: ％ → %
    doc = b.build(Path("x.txt"), "text/plain", "0" * 64)
    (ev,), _ = find_evaluations(doc, _metadata(doc), [])
    (ind,) = ev.indicators
    assert (ev.subject, ev.is_department) == ("示例县医疗保障局", True)
    assert (ind.name, ind.comparison, ind.met) == (name, comparison, reached)
    assert (ind.target.value, ind.actual.value, ind.target.unit, ind.actual.unit) == (D(target), D(actual), unit, unit)


def test_results_found_in_any_sentence_of_a_long_paragraph() -> None:
    # Only the sentences naming a target are scanned: the ones before, between and after must not
    # hide a result, nor one sentence's name run on into the next.
    b = DocumentBuilder()
    b.paragraph("示例县医疗保障局2023年度部门整体支出绩效自评报告")
    b.paragraph(
        "本年度认真落实医疗保障政策。参保率为93.8%（目标值≥95%），未完成。全年开展基金监管检查40次。"
        "群众满意度目标值为不低于90%，实际达到92%。资金使用规范"
    )
    doc = b.build(Path("x.txt"), "text/plain", "0" * 64)
    (ev,), _ = find_evaluations(doc, _metadata(doc), [])
    assert [(i.name, i.actual.value, i.met) for i in ev.indicators] == [
        ("参保率", D("93.8"), False),
        ("群众满意度", D(92), True),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "项目资金预算617.26万元，实际完成617.26万元，预算执行率100%。",  # no target
        "参保率目标为95%，满意度目标为90%。",  # targets without actuals
        "救助人次达到2.73万人次超额完成，目标为2.5万人次。",  # the number runs on into words
    ],
)
def test_sentences_without_a_result_against_a_target(sentence: str) -> None:
    b = DocumentBuilder()
    b.paragraph(sentence)
    doc = b.build(Path("x.txt"), "text/plain", "0" * 64)
    assert find_evaluations(doc, _metadata(doc), [])[0] == []


def _sample(name: str):
    return extract_report(read_document(data_dir("samples") / name))


def test_anyue_sample_result_sentence() -> None:
    records = _sample("anyue-project-evaluation-2022.html")
    (ev,) = records.evaluations
    assert (ev.total_score.value, ev.grade) == (D("94.5"), "优")  # 自评得分94.5分，等级为“优”
    (ratio,) = ev.indicators
    assert ratio.name == "重点救助对象年度限额内住院自付费用救助比例"
    assert values_of(ratio) == ("ge", D(70), D("72.6"), "%", None, None, True)
    assert (ratio.target.text, ratio.actual.text, ratio.actual.unit) == ("≥70%", "72.6%", "%")
    doc = records.document
    assert doc.text[ratio.actual.evidence.start : ratio.actual.evidence.end] == "72.6%"


def test_wulong_sample_department_form() -> None:
    records = _sample("wulong-department-evaluation-2023.txt")
    (ev,) = records.evaluations  # the form, the score sentence and the restated 参保率 are one evaluation
    assert (ev.subject, ev.is_department, ev.grade) == ("重庆市武隆区医疗保障局", True, "优")
    assert (ev.total_score.value, ev.max_score.value) == (D("96.5"), D(100))
    assert len(ev.indicators) == 8
    assert [i.met for i in ev.indicators] == [False, False, True, True, True, True, True, True]
    insured = indicator(ev, "基本医疗保险参保率")
    assert (insured.tier1, insured.tier2) == ("产出指标", "数量指标")
    assert values_of(insured) == ("ge", D(95), D("93.8"), "%", D(10), D(8), False)
    assert insured.reason == "外出务工人员在务工地参保，部分灵活就业人员中断缴费"
    visits = indicator(ev, "医疗救助人次")  # tier cells left empty: merged with the row above
    assert (visits.tier1, visits.tier2) == ("产出指标", "数量指标")
    assert values_of(visits) == ("ge", D("2.5"), D("2.41"), "万人次", D(10), D("8.5"), False)
    assert visits.reason == "因病致贫返贫监测对象减少，救助需求低于预期"
    paid = indicator(ev, "医保待遇按时拨付率")
    assert (paid.tier2, paid.comparison, paid.met, paid.reason) == ("时效指标", None, True, None)
    cost = indicator(ev, "“三公”经费支出")
    assert values_of(cost) == ("le", D("3.5"), D("3.12"), "万元", D(10), D(10), True)
    satisfied = indicator(ev, "群众满意度")
    assert (satisfied.tier1, satisfied.tier2, satisfied.concept) == (
        "满意度指标",
        "服务对象满意度指标",
        "service-satisfaction",
    )
    assert values_of(satisfied) == ("ge", D(90), D(92), "%", D(20), D(20), True)
    assert sum(i.score.value for i in ev.indicators) == D("96.5")
    assert not [i for i in records.issues if i.kind.startswith(("indicator", "evaluation"))]
