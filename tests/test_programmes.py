"""Programmes and their funding sources: the five seeds, then synthetic forms and prose."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.document import Document, DocumentBuilder
from kg.extract.metadata import extract_metadata
from kg.extract.pipeline import extract_report
from kg.extract.programmes import find_programmes
from kg.extract.regions import resolve_region
from kg.lexicon.names import programme_key
from kg.readers import read_document
from kg.records import (
    BudgetPhase,
    ConsistencyIssue,
    Evidence,
    FundingSource,
    GovLevel,
    Organisation,
    Programme,
)
from kg.resources import data_dir

INITIAL, ADJUSTED, EXECUTED = BudgetPhase.INITIAL, BudgetPhase.ADJUSTED, BudgetPhase.EXECUTED
CARRIED, ALLOCATED = BudgetPhase.CARRIED_OVER, BudgetPhase.ALLOCATED
CENTRAL, PROVINCE, PREFECTURE, COUNTY = GovLevel.CENTRAL, GovLevel.PROVINCE, GovLevel.PREFECTURE, GovLevel.COUNTY

Result = tuple[list[Programme], list[FundingSource], list[ConsistencyIssue]]


@pytest.fixture(scope="module")
def seeds(seed_documents) -> dict[str, tuple[Document, Result]]:
    out = {}
    for key, doc in seed_documents.items():
        out[key] = doc, find_programmes(doc, extract_metadata(doc).publisher)
    return out


def programme(result: Result, name: str) -> Programme:
    matches = [p for p in result[0] if p.name == name]
    assert len(matches) == 1, [p.name for p in result[0]]
    return matches[0]


def by_code(result: Result, code: str) -> Programme:
    matches = [p for p in result[0] if p.code == code]
    assert len(matches) == 1
    return matches[0]


def funding(result: Result, name: str, *, tables_only: bool = False) -> dict[tuple, Decimal]:
    """(levels, phase) → yuan for one programme; fails on two sources for one key."""
    out: dict[tuple, Decimal] = {}
    for s in result[1]:
        if s.programme != name or (tables_only and s.amount.evidence.cell is None):
            continue
        key = (s.levels, s.phase)
        assert key not in out, f"two sources for {key}"
        out[key] = s.amount.yuan
    return out


def wan(text: str) -> Decimal:
    return Decimal(text) * 10_000


# -- seed 002: transfer forms, a special project, the report prose ------------------------------


def test_002_reads_three_programmes(seeds):
    _, result = seeds["002"]
    names = [p.name for p in result[0]]
    # The prose sections name the same two transfers (城乡居民医疗救助 …) and must not add programmes.
    assert names == ["城乡居民医疗救助资金", "医疗服务与保障能力提升补助资金", "特定项目"]


def test_002_medical_assistance_levels_and_phases(seeds):
    _, result = seeds["002"]
    p = programme(result, "城乡居民医疗救助资金")
    assert p.kind == "transfer"
    assert p.central_supervisor is None
    assert p.local_supervisor is not None and p.local_supervisor.name == "吕梁市医疗保障局"
    assert p.local_supervisor.level is PREFECTURE and p.local_supervisor.region.code == "141100"
    assert p.implementing_unit is not None and p.implementing_unit.name == "柳林县医疗保障局"
    assert p.implementing_unit.level is COUNTY
    expected = {}
    for levels, values in (
        ((CENTRAL,), ("749", "749", "744")),
        ((PROVINCE,), ("953", "953", "953")),
        ((PREFECTURE,), ("53.5", "53.5", "53.5")),
        ((COUNTY,), ("723", "723", "0")),
        ((), ("2478.5", "2478.5", "1750.5")),
    ):
        for phase, value in zip((INITIAL, ADJUSTED, EXECUTED), values, strict=True):
            expected[(levels, phase)] = wan(value)
    assert funding(result, p.name, tables_only=True) == expected
    assert funding(result, p.name)[((CENTRAL,), INITIAL)] == Decimal(7_490_000)


def test_002_totals_and_levels_are_flagged(seeds):
    _, result = seeds["002"]
    for s in result[1]:
        assert s.is_total == (s.levels == ()), s
    central = [s for s in result[1] if s.programme == "城乡居民医疗救助资金" and s.levels == (CENTRAL,)]
    assert {s.label for s in central} == {"其中:中央财政资金"}
    assert all(s.amount.unit == "万元" for s in central)


def test_002_capacity_transfer(seeds):
    _, result = seeds["002"]
    p = programme(result, "医疗服务与保障能力提升补助资金")
    assert p.kind == "transfer"
    assert p.central_supervisor is not None and p.central_supervisor.name == "国家医疗保障局"
    assert p.central_supervisor.level is CENTRAL and p.central_supervisor.region is None
    assert p.central_supervisor.role == "supervising"
    assert p.local_supervisor is not None and p.local_supervisor.name == "吕梁市医疗保障局"
    assert p.implementing_unit is not None and p.implementing_unit.name == "柳林县医疗保障局"
    assert funding(result, p.name) == {
        ((), ADJUSTED): wan("30"),
        ((), EXECUTED): wan("30"),
        ((CENTRAL,), ADJUSTED): wan("30"),
        ((CENTRAL,), EXECUTED): wan("20.29"),
    }


def test_002_capacity_sources_do_not_sum_to_the_executed_total(seeds):
    _, result = seeds["002"]
    issues = [i for i in result[2] if i.kind == "funding-sources"]
    assert len(issues) == 1
    issue = issues[0]
    assert issue.expected == wan("30") and issue.found == wan("20.29")
    assert "医疗服务与保障能力提升补助资金" in issue.description
    assert [e.exact for e in issue.evidence] == ["30", "20.29"]
    assert all(e.cell is not None for e in issue.evidence)
    # 749 + 953 + 53.5 + 723 = 2478.5 and 744 + 953 + 53.5 + 0 = 1750.5: no issue there.
    assert not any("城乡居民医疗救助" in i.description for i in result[2])
    assert [i.kind for i in result[2]] == ["funding-sources"]


def test_002_special_project_skips_the_fund_type_row(seeds):
    _, result = seeds["002"]
    p = programme(result, "特定项目")
    assert p.kind == "special"
    assert p.local_supervisor is not None and p.local_supervisor.name == "柳林县医疗保障局"
    assert p.implementing_unit is not None and p.implementing_unit.name == "柳林县医疗保险服务中心"
    assert funding(result, p.name) == {
        ((), INITIAL): wan("1928.75"),
        ((), ADJUSTED): wan("1928.75"),
        ((), EXECUTED): wan("1782.44"),
    }
    assert not any("财政拨款" in s.label for s in result[1])


def test_002_prose_adds_the_carry_over_and_repeats_nothing(seeds):
    _, result = seeds["002"]
    prose = [s for s in result[1] if s.amount.evidence.cell is None]
    assert len(prose) == 1
    carried = prose[0]
    assert (carried.programme, carried.phase, carried.levels) == ("城乡居民医疗救助资金", CARRIED, ())
    assert carried.amount.yuan == wan("641.79") and carried.amount.evidence.exact == "641.79万元"
    # 本年收入 2478.5 and its 749/953/53.5/723 agree with the form's 全年预算数: no second copy.
    assert len(result[1]) == 23


# -- seed 003: twelve second-level projects and the department as a whole -----------------------

CODES_003 = {
    "50015221T000000052686",
    "50015221T000000052687",
    "50015221T000000052688",
    "50015221T000000052689",
    "50015222T000000109910",
    "50015223T000003640561",
    "50015224T000004235576",
    "50015224T000004235820",
    "50015224T000004235831",
    "50015224T000004329769",
    "50015224T000004337000",
    "50015224T000004338550",
}


def test_003_programmes_and_codes(seeds):
    _, result = seeds["003"]
    second = [p for p in result[0] if p.kind == "second-level"]
    overall = [p for p in result[0] if p.kind == "department-overall"]
    assert len(result[0]) == 13
    assert {p.code for p in second} == CODES_003
    assert [p.code for p in overall] == ["50015200024P000093"]
    assert by_code(result, "50015224T000004235820").name == "改制企业下岗分流人员医保缴费补贴"
    assert by_code(result, "50015224T000004329769").name == "医疗服务与保障能力提升经费2024再安排"


def test_003_supervisor_code_is_the_publisher(seeds):
    _, result = seeds["003"]
    for p in result[0]:
        assert p.local_supervisor is not None
        assert p.local_supervisor.name == "重庆市潼南区医疗保障局"
        assert p.local_supervisor.region is not None and p.local_supervisor.region.code == "500152"
        assert p.local_supervisor.evidence.exact == "236-医保局"
        assert p.implementing_unit is None and p.central_supervisor is None


@pytest.mark.parametrize(
    ("code", "values"),
    [
        ("50015221T000000052688", ("12000000.00", "8520000.00", "8520000.00")),
        ("50015224T000004337000", ("1800000.00", "1427700.00", "0.00")),
        ("50015224T000004338550", ("14420000.00", "14420000.00", "14420000.00")),
        ("50015224T000004235820", ("890000.00", "420106.50", "420106.50")),
        ("50015222T000000109910", ("0.00", "487819.44", "487819.44")),
        ("50015221T000000052686", ("10000.00", "400.00", "400.00")),
        ("50015200024P000093", ("62015542.50", "40684306.05", "39256606.05")),
    ],
)
def test_003_phase_totals(seeds, code, values):
    _, result = seeds["003"]
    p = by_code(result, code)
    expected = {((), phase): Decimal(v) for phase, v in zip((INITIAL, ADJUSTED, EXECUTED), values, strict=True)}
    assert funding(result, p.name) == expected


def test_003_sources_are_totals_in_yuan(seeds):
    _, result = seeds["003"]
    assert len(result[1]) == 39
    assert all(s.is_total and s.levels == () and s.amount.unit == "元" for s in result[1])
    assert all(s.label == "年度总金额" for s in result[1])
    assert result[2] == []


# -- prose seeds ---------------------------------------------------------------------------------


def test_000_county_funded_programme(seeds):
    _, result = seeds["000"]
    assert [p.name for p in result[0]] == ["城乡医疗救助金"]
    assert funding(result, "城乡医疗救助金") == {
        ((COUNTY,), ADJUSTED): wan("617.26"),
        ((COUNTY,), EXECUTED): wan("617.26"),
    }
    assert all(s.amount.evidence.exact == "617.26万元" and not s.is_total for s in result[1])


def test_001_combined_central_and_provincial_subsidy(seeds):
    _, result = seeds["001"]
    p = programme(result, "医疗救助补助资金")
    assert p.kind == "transfer"
    assert funding(result, p.name) == {((CENTRAL, PROVINCE), ALLOCATED): wan("1042.26")}
    assert result[1][0].amount.evidence.exact == "1042.26万"
    assert len(result[1]) == 1


def test_004_central_money_via_the_city_bureau(seeds):
    _, result = seeds["004"]
    p = programme(result, "医疗服务与保障能力提升资金")
    assert funding(result, p.name) == {((CENTRAL,), ALLOCATED): wan("616")}
    source = result[1][0]
    assert source.via is not None and source.via.name == "重庆市医疗保障局"
    assert source.via.level is PROVINCE  # 重庆市 is a 直辖市
    assert source.via.evidence.exact == "市医保局"
    assert source.amount.evidence.exact == "616万元"


def test_every_evidence_slices_back(seeds):
    for doc, (programmes, sources, issues) in seeds.values():
        evidences = [p.evidence for p in programmes]
        evidences += [o.evidence for p in programmes for o in (p.local_supervisor, p.implementing_unit) if o]
        evidences += [s.amount.evidence for s in sources] + [s.via.evidence for s in sources if s.via]
        evidences += [e for i in issues for e in i.evidence]
        for ev in evidences:
            assert doc.text[ev.start : ev.end] == ev.exact
            if ev.cell is not None:
                cell = doc.tables[ev.cell.table].rows[ev.cell.row].cells[ev.cell.column]
                assert (cell.start, cell.end) == (ev.start, ev.end)
        for s in sources:
            assert s.programme in {p.name for p in programmes}


# -- synthetic forms -----------------------------------------------------------------------------


def publisher_of(doc: Document, name: str) -> Organisation:
    region = resolve_region(name)
    assert region is not None
    return Organisation(name, Evidence.of(doc, 0, 1), region, region.level, "publisher")


def word_doc(
    rows: list[list[str]], *, title: str = "救助资金转移支付绩效自评表", caption: str = "金额单位：元"
) -> Document:
    b = DocumentBuilder()
    b.paragraph(title)
    if caption:
        b.paragraph(caption)
    b.table(rows)
    return b.build(Path("synthetic.docx"), "application/vnd.openxmlformats", "0" * 64)


LEVEL_ROWS = [
    ["项目名称", "救助补助资金", "", ""],
    ["主管部门", "市医保局", "实施单位", "县医保局"],
    ["资金来源", "年初预算数", "全年预算数", "全年执行数"],
    ["年度资金总额", "1,000,000.00", "1,200,000.00", "1,100,000.00"],
    ["中央财政资金", "400,000.00", "500,000.00", "500,000.00"],
    ["省级财政资金", "300,000.00", "300,000.00", "300,000.00"],
    ["市级财政资金", "200,000.00", "200,000.00", "200,000.00"],
    ["县级财政资金", "100,000.00", "200,000.00", "50,000.00"],
]


def test_word_table_with_four_levels_in_yuan():
    doc = word_doc(LEVEL_ROWS)
    programmes, sources, issues = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert [p.name for p in programmes] == ["救助补助资金"]
    p = programmes[0]
    assert p.kind == "transfer"
    assert p.local_supervisor is not None and p.local_supervisor.name == "吕梁市医疗保障局"
    assert p.implementing_unit is not None and p.implementing_unit.name == "柳林县医疗保障局"
    got = funding((programmes, sources, issues), p.name)
    assert got[((CENTRAL,), ADJUSTED)] == Decimal(500_000)
    assert got[((PROVINCE,), INITIAL)] == Decimal(300_000)
    assert got[((PREFECTURE,), EXECUTED)] == Decimal(200_000)
    assert got[((COUNTY,), EXECUTED)] == Decimal(50_000)
    assert got[((), ADJUSTED)] == Decimal(1_200_000)
    assert len(got) == 15 and all(s.amount.unit == "元" for s in sources)
    # Executed: 500k + 300k + 200k + 50k = 1.05m against a total of 1.1m.
    assert len(issues) == 1
    assert (issues[0].expected, issues[0].found, issues[0].tolerance) == (
        Decimal(1_100_000),
        Decimal(1_050_000),
        Decimal("0.01"),
    )
    assert len(issues[0].evidence) == 5


def test_caption_in_wan_and_sums_that_hold():
    rows = [r[:] for r in LEVEL_ROWS]
    rows[3] = ["合计", "10", "12", "10.5"]
    rows[4:] = [["中央财政资金", "4", "5", "5"], ["省级财政资金", "3", "3", "3"], ["县(区)财政资金", "3", "4", "2.5"]]
    doc = word_doc(rows, caption="单位：万元")
    programmes, sources, issues = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    got = funding((programmes, sources, issues), "救助补助资金")
    assert got[((COUNTY,), EXECUTED)] == Decimal(25_000)
    assert got[((), INITIAL)] == Decimal(100_000)
    assert issues == []


def test_city_level_under_a_municipality_is_provincial():
    doc = word_doc(LEVEL_ROWS)
    _, sources, _ = find_programmes(doc, publisher_of(doc, "奉节县医疗保障局"))
    levels = {s.label: s.levels for s in sources}
    assert levels["市级财政资金"] == (PROVINCE,)
    assert levels["县级财政资金"] == (COUNTY,)


def test_levels_without_a_publisher():
    doc = word_doc(LEVEL_ROWS)
    _, sources, _ = find_programmes(doc, None)
    levels = {s.label: s.levels for s in sources}
    assert levels["市级财政资金"] == (PREFECTURE,)
    assert levels["省级财政资金"] == (PROVINCE,)


def test_columns_found_by_header_text_and_shifted_cells():
    rows = [
        ["项目名称：", "测试项目", "项目编码：", "5001 2345 X"],
        ["项目主管部门：", "236-医保局", "", "", "", ""],
        ["", "年初预算数", "全年（调整）预算数", "全年执行数", "执行率", "得分"],
        # The PDF text put the numbers one cell to the right of their headers.
        ["年度总金额", "", "100.00", "", "90.00", "80.00", "80", "8"],
        ["其中：财政拨款", "", "100.00", "", "90.00", "80.00", "80", "8"],
    ]
    doc = word_doc(rows, title="2024 年度二级项目绩效自评表", caption="")
    pub = publisher_of(doc, "重庆市潼南区医疗保障局")
    programmes, sources, issues = find_programmes(doc, pub)
    p = programmes[0]
    assert (p.name, p.code, p.kind) == ("测试项目", "50012345X", "second-level")
    assert p.local_supervisor is not None and p.local_supervisor.name == pub.name
    assert funding((programmes, sources, issues), "测试项目") == {
        ((), INITIAL): Decimal(100),
        ((), ADJUSTED): Decimal(90),
        ((), EXECUTED): Decimal(80),
    }


def test_rate_columns_are_not_money():
    rows = [
        ["转移支付(项目)名称", "能力提升补助资金"],
        ["资金情况 (万元)", "全年预算数 (A)", "全年执行数 (B)", "预算执行数 (B/A)"],
        ["年度资金总额:", "30", "30", "67.60%"],
        ["其中:中央财政资金", "30", "30", "100.00"],
    ]
    doc = word_doc(rows, title="能力提升补助资金转移支付项目绩效目标申报表", caption="")
    programmes, sources, issues = find_programmes(doc, None)
    assert programmes[0].kind == "transfer"
    assert {(s.levels, s.phase) for s in sources} == {
        ((), ADJUSTED),
        ((), EXECUTED),
        ((CENTRAL,), ADJUSTED),
        ((CENTRAL,), EXECUTED),
    }
    assert all(s.amount.unit == "万元" for s in sources)
    assert issues == []


def test_local_money_is_every_level_below_the_centre():
    rows = [
        ["转移支付(项目)名称", "能力提升补助资金"],
        ["资金投入情况（万元）", "全年预算数（A）", "全年执行数（B）", "预算执行率（B/A）"],
        ["年度资金总额：", "40", "35", "87.5%"],
        ["其中：中央财政资金", "30", "30", "100%"],
        ["地方资金", "10", "4", "40%"],
        ["其他资金", "", "1", ""],
    ]
    doc = word_doc(rows, title="能力提升补助资金转移支付绩效自评表", caption="")
    _, sources, issues = find_programmes(doc, publisher_of(doc, "奉节县医疗保障局"))
    local = {s.phase: s.amount.yuan for s in sources if s.label == "地方资金"}
    assert local == {ADJUSTED: Decimal(100_000), EXECUTED: Decimal(40_000)}
    assert {s.levels for s in sources if s.label == "地方资金"} == {(PROVINCE, COUNTY)}
    assert not any(s.label == "其他资金" for s in sources)
    assert issues == []  # 30 + 4 + 1 = 35: 其他资金 counts in the check


def test_a_name_column_header_is_no_programme():
    rows = [
        ["科目编码", "项目名称", "年初预算数", "全年预算数", "全年执行数"],
        ["2101301", "城乡医疗救助", "10", "12", "11"],
    ]
    doc = word_doc(rows, title="项目支出决算表", caption="单位：万元")
    assert find_programmes(doc, None) == ([], [], [])


def test_coded_supervisor_without_publisher_makes_no_organisation():
    rows = [["项目名称：", "测试项目"], ["项目主管部门：", "236-医保局"]]
    doc = word_doc(rows, title="二级项目绩效自评表", caption="")
    programmes, _, _ = find_programmes(doc, None)
    assert programmes[0].local_supervisor is None


# -- synthetic prose -----------------------------------------------------------------------------


def prose_doc(*paragraphs: str, tables: list[list[list[str]]] = ()) -> Document:
    b = DocumentBuilder()
    for rows in tables:
        b.paragraph("救助资金转移支付绩效自评表")
        b.table(rows)
    for text in paragraphs:
        b.paragraph(text)
    return b.build(Path("synthetic.docx"), "application/vnd.openxmlformats", "0" * 64)


def test_prose_central_and_provincial_subsidies():
    doc = prose_doc(
        "一、项目基本情况",
        "项目名称：困难群众资助参保资金",
        "2023年收到中央补助资金120.5万元、省级补助资金36万元。全年支出150万元，其中一站式救助支出30万元。",
        "二、绩效目标完成情况",
        "全年支出99万元。",
    )
    programmes, sources, _ = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert [p.name for p in programmes] == ["困难群众资助参保资金"]
    # The second 支出 statement stands in another section, the 一站式 one is a part: neither is read.
    assert funding((programmes, sources, []), "困难群众资助参保资金") == {
        ((CENTRAL,), ALLOCATED): Decimal(1_205_000),
        ((PROVINCE,), ALLOCATED): Decimal(360_000),
        ((), EXECUTED): Decimal(1_500_000),
    }
    assert [s.amount.evidence.exact for s in sources] == ["120.5万元", "36万元", "150万元"]


def test_prose_income_of_the_year_and_its_levels():
    doc = prose_doc(
        "(一) 项目名称",
        "城乡医疗救助",
        "上年结余：10万元；",
        "本年收入：100万元，其中中央财政补助60万元，省财政补助30万元，县财政补助10万元。",
    )
    _, sources, _ = find_programmes(doc, publisher_of(doc, "井研县医疗保障局"))
    assert {(s.levels, s.phase): s.amount.yuan for s in sources} == {
        ((), CARRIED): Decimal(100_000),
        ((), ADJUSTED): Decimal(1_000_000),
        ((CENTRAL,), ADJUSTED): Decimal(600_000),
        ((PROVINCE,), ADJUSTED): Decimal(300_000),
        ((COUNTY,), ADJUSTED): Decimal(100_000),
    }


def test_prose_allocation_names_its_programme_and_body():
    doc = prose_doc("2023年，市医保局下达我县2023年城乡医疗救助中央和省级补助资金88万元。")
    programmes, sources, _ = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert [p.name for p in programmes] == ["城乡医疗救助补助资金"]
    assert len(sources) == 1
    s = sources[0]
    assert (s.levels, s.phase, s.amount.yuan) == ((CENTRAL, PROVINCE), ALLOCATED, Decimal(880_000))
    assert s.via is not None and s.via.name == "吕梁市医疗保障局" and s.via.level is PREFECTURE


def test_prose_allocation_after_a_filler_word_and_before_de():
    # 包括 is no part of the body's name, 的 no part of the programme's.
    doc = prose_doc("其中项目支出412.00万元，包括市医保局下达的医疗服务与保障能力提升中央补助资金180万元。")
    programmes, sources, _ = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert [p.name for p in programmes] == ["医疗服务与保障能力提升补助资金"]
    (s,) = sources
    assert (s.levels, s.phase, s.amount.yuan) == ((CENTRAL,), ALLOCATED, Decimal(1_800_000))
    assert s.via is not None and s.via.name == "吕梁市医疗保障局" and s.via.evidence.exact == "市医保局"


def test_prose_budget_phases_of_a_programme():
    doc = prose_doc(
        "项目名称：档案数字化项目。",
        "项目年初预算20万元，调整后预算25万元，实际支出24.5万元，其中设备采购支出10万元。",
    )
    _, sources, _ = find_programmes(doc, None)
    assert {(s.levels, s.phase): s.amount.yuan for s in sources} == {
        ((), INITIAL): Decimal(200_000),
        ((), ADJUSTED): Decimal(250_000),
        ((), EXECUTED): Decimal(245_000),
    }


def test_prose_without_a_programme_is_ignored():
    doc = prose_doc("2023年罚款659万元，全年支出1498.48万元，年初预算673.60万元。")
    assert find_programmes(doc, None) == ([], [], [])


def test_prose_that_disagrees_with_the_form_is_reported():
    rows = [
        ["项目名称", "城乡居民医疗救助资金", "", ""],
        ["项目资金 (万元)", "年初预算数", "全年预算数", "全年执行数"],
        ["年度资金总额", "100", "100", "90"],
        ["其中:中央财政资金", "60", "60", "50"],
        ["县(区)财政资金", "40", "40", "40"],
    ]
    doc = prose_doc(
        "(一) 项目名称",
        "城乡居民医疗救助",
        "本年收入：100万元，其中中央财政补助70万元。",
        tables=[rows],
    )
    programmes, sources, issues = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert [p.name for p in programmes] == ["城乡居民医疗救助资金"]
    prose = [s for s in sources if s.amount.evidence.cell is None]
    # 本年收入 100 repeats the form and is dropped; 中央 70 disagrees with the form's 60.
    assert [(s.levels, s.amount.yuan) for s in prose] == [((CENTRAL,), Decimal(700_000))]
    assert [(i.kind, i.expected, i.found) for i in issues] == [("prose-vs-table", Decimal(600_000), Decimal(700_000))]


# -- the programme a report's title names ------------------------------------------------------------


def titled_doc(title: str, *paragraphs: str, table: list[list[str]] | None = None) -> Document:
    """A report: its title, its prose, then (under a section heading) a table."""
    b = DocumentBuilder()
    b.paragraph(title)
    for text in paragraphs:
        b.paragraph(text)
    if table is not None:
        b.paragraph("二、资金使用情况")
        b.table(table)
    return b.build(Path("synthetic.html"), "text/html", "0" * 64)


SOURCE_TABLE = [
    ["资金来源", "金额（万元）", ""],
    ["", "预算数", "执行数"],
    ["中央财政", "60.00", "55.50"],
    ["省级财政", "20.00", "20.00"],
    ["市级财政", "10.00", "8.00"],
    ["县级财政", "10.00", "10.00"],
    ["合计", "100.00", "93.50"],
]


@pytest.mark.parametrize(
    ("title", "name", "kind"),
    [
        ("柳林县医疗保障局2022年度城乡医疗救助资金项目支出绩效评价报告", "城乡医疗救助资金", None),
        ("柳林县医疗保障局2022年度困难群众资助参保资金绩效自评报告", "困难群众资助参保资金", None),
        ("2023年度柳林县医疗保障局关于城乡医疗救助资金绩效自评的报告", "城乡医疗救助资金", None),
        ("柳林县医保局2022年医疗救助资金转移支付绩效自评表", "医疗救助资金", "transfer"),
        ("柳林县医疗保障局2022年度城乡居民医疗救助专项资金绩效评价报告", "城乡居民医疗救助专项资金", "special"),
    ],
)
def test_title_names_the_programme(title, name, kind):
    doc = titled_doc(title, "一、项目基本情况")
    (p,), sources, issues = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert (p.name, p.kind) == (name, kind)
    assert p.evidence.exact == name and doc.text[p.evidence.start : p.evidence.end] == name
    assert (sources, issues) == ([], [])


@pytest.mark.parametrize(
    "title",
    [
        "柳林县医疗保障局2023年度部门整体支出绩效自评报告",
        "柳林县医疗保障局2023年度单位整体支出绩效评价报告",
        "柳林县医疗保障局2023年度部门预算项目支出绩效自评报告",
        "柳林县医疗保障局2023年度部门决算",
    ],
)
def test_titles_that_name_no_programme(title):
    doc = titled_doc(title, "2023年共收到资金100万元，其中中央财政补助60万元。", table=SOURCE_TABLE)
    assert find_programmes(doc, publisher_of(doc, "柳林县医疗保障局")) == ([], [], [])


def test_title_programme_reads_the_prose_by_level():
    doc = titled_doc(
        "柳林县医疗保障局2022年度医疗救助补助资金项目支出绩效评价报告",
        "一、项目基本情况",
        "2022年共收到医疗救助补助资金200万元，其中中央财政补助120万元，市级财政补助50万元，县级财政安排30万元。",
    )
    programmes, sources, issues = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert [p.name for p in programmes] == ["医疗救助补助资金"]
    # 收到 is no phase word: the total is not read; the transfer's levels are ALLOCATED (补助 without a
    # verb), and 县级财政安排 inherits the phase of the amount before it.
    assert funding((programmes, sources, issues), "医疗救助补助资金") == {
        ((CENTRAL,), ALLOCATED): wan("120"),
        ((PREFECTURE,), ALLOCATED): wan("50"),
        ((COUNTY,), ALLOCATED): wan("30"),
    }
    assert [s.amount.evidence.exact for s in sources] == ["120万元", "50万元", "30万元"]
    assert issues == []


def test_title_programme_funds_arrived():
    doc = titled_doc(
        "柳林县医疗保障局2022年度医疗救助补助资金项目支出绩效评价报告",
        "2022年共到位医疗救助补助资金200万元，其中中央财政补助150万元，县级财政安排50万元。",
    )
    _, sources, _ = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert {(s.levels, s.phase): s.amount.yuan for s in sources} == {
        ((), ALLOCATED): wan("200"),
        ((CENTRAL,), ALLOCATED): wan("150"),
        ((COUNTY,), ALLOCATED): wan("50"),
    }


def test_title_programme_reads_a_funding_table_by_source():
    doc = titled_doc("柳林县医疗保障局2023年度医疗救助资金项目支出绩效评价报告", table=SOURCE_TABLE)
    programmes, sources, issues = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert [p.name for p in programmes] == ["医疗救助资金"]
    # 预算数 is the full-year budget, 执行数 what was spent; (万元) stands in the header row above.
    assert funding((programmes, sources, issues), "医疗救助资金") == {
        ((CENTRAL,), ADJUSTED): wan("60"),
        ((CENTRAL,), EXECUTED): wan("55.5"),
        ((PROVINCE,), ADJUSTED): wan("20"),
        ((PROVINCE,), EXECUTED): wan("20"),
        ((PREFECTURE,), ADJUSTED): wan("10"),
        ((PREFECTURE,), EXECUTED): wan("8"),
        ((COUNTY,), ADJUSTED): wan("10"),
        ((COUNTY,), EXECUTED): wan("10"),
        ((), ADJUSTED): wan("100"),
        ((), EXECUTED): wan("93.5"),
    }
    assert all(s.amount.unit == "万元" and s.amount.evidence.cell is not None for s in sources)
    assert [s.label for s in sources if s.is_total] == ["合计", "合计"]
    assert issues == []  # 60+20+10+10 = 100 and 55.5+20+8+10 = 93.5


def test_title_programme_table_whose_sources_miss_the_total():
    rows = [r[:] for r in SOURCE_TABLE]
    rows[-1] = ["合计", "100.00", "95.00"]
    doc = titled_doc("柳林县医疗保障局2023年度医疗救助资金项目支出绩效评价报告", table=rows)
    _, _, issues = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert [(i.kind, i.expected, i.found) for i in issues] == [("funding-sources", wan("95"), wan("93.5"))]
    assert "医疗救助资金" in issues[0].description


def test_title_programme_prose_repeating_the_table_is_dropped():
    doc = titled_doc(
        "柳林县医疗保障局2023年度医疗救助资金项目支出绩效评价报告",
        "本年收入：100万元，其中中央财政补助60万元。",
        table=SOURCE_TABLE,
    )
    _, sources, issues = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert [s for s in sources if s.amount.evidence.cell is None] == []
    assert len(sources) == 10 and issues == []


def test_a_programme_named_in_the_report_wins_over_the_title():
    doc = titled_doc(
        "柳林县医疗保障局2022年度医疗救助资金项目支出绩效评价报告",
        "项目名称：困难群众资助参保资金",
        "2022年收到中央补助资金120万元。",
        table=SOURCE_TABLE,
    )
    programmes, sources, _ = find_programmes(doc, publisher_of(doc, "柳林县医疗保障局"))
    assert [p.name for p in programmes] == ["困难群众资助参保资金"]
    # The table names no programme and the title's programme does not apply: the table is not read.
    assert {(s.programme, s.levels, s.phase) for s in sources} == {("困难群众资助参保资金", (CENTRAL,), ALLOCATED)}


def test_anyue_sample_programme_funding_and_evaluation():
    records = extract_report(read_document(data_dir("samples") / "anyue-project-evaluation-2022.html"))
    assert [p.name for p in records.programmes] == ["医疗救助补助资金"]
    assert funding((records.programmes, records.funding_sources, []), "医疗救助补助资金") == {
        # 其中中央财政补助1,210.00万元，省级财政补助640.00万元，县级财政安排500.60万元 (prose)
        ((CENTRAL,), ALLOCATED): Decimal("12100000.00"),
        ((PROVINCE,), ALLOCATED): Decimal("6400000.00"),
        ((COUNTY,), ALLOCATED): Decimal("5006000.00"),
        # the table: 预算数 | 执行数 by source, 合计 the programme total
        ((CENTRAL,), ADJUSTED): Decimal("12100000.00"),
        ((CENTRAL,), EXECUTED): Decimal("11802500.00"),
        ((PROVINCE,), ADJUSTED): Decimal("6400000.00"),
        ((PROVINCE,), EXECUTED): Decimal("6400000.00"),
        ((COUNTY,), ADJUSTED): Decimal("5006000.00"),
        ((COUNTY,), EXECUTED): Decimal("4881000.00"),
        ((), ADJUSTED): Decimal("23506000.00"),
        ((), EXECUTED): Decimal("23083500.00"),
    }
    assert not [i for i in records.issues if i.kind in ("funding-sources", "prose-vs-table")]
    (ev,) = records.evaluations
    assert (ev.subject, ev.is_department, ev.grade) == ("医疗救助补助资金", False, "优")
    assert ev.total_score is not None and ev.total_score.value == Decimal("94.5")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("城乡居民医疗救助", "城乡居民医疗救助资金"),
        ("医疗服务与保障能力提升补助资金（医疗保障服务能力提升部分）", "医疗服务与保障能力提升补助资金"),
        ("医保局整体 自评", "医保局整体自评"),
    ],
)
def test_programme_key_joins_names_of_one_programme(a, b):
    assert programme_key(a) == programme_key(b)


def test_programme_key_keeps_different_programmes_apart():
    assert programme_key("城乡医疗救助本级安排") != programme_key("城乡医疗救助提前下达市级")
    assert programme_key("医疗保障基金") == "医疗保障基金"  # 金 goes only after 救助
