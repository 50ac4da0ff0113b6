"""Report metadata and subordinate units, on the five seeds and on synthetic reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kg.document import Document
from kg.extract.metadata import (
    classify,
    extract_metadata,
    find_subordinate_units,
)
from kg.readers.text import read
from kg.records import Evidence, GovLevel, ReportKind, ReportMetadata

# key → publisher, fiscal year, kind, region code, publication date
EXPECTED = {
    "000": ("井研县医疗保障局", 2023, ReportKind.FINAL_ACCOUNTS, "511124", date(2024, 9, 20)),
    "001": ("益阳市赫山区医疗保障事务中心", 2021, ReportKind.PROJECT_SELF_EVALUATION, "430903", None),
    "002": ("柳林县医疗保障局", 2022, ReportKind.FINAL_ACCOUNTS, "141125", None),
    "003": ("重庆市潼南区医疗保障局", 2024, ReportKind.FINAL_ACCOUNTS, "500152", None),
    "004": ("奉节县医疗保障局", 2023, ReportKind.DEPARTMENT_SELF_EVALUATION, "500236", date(2023, 3, 16)),
}

SUBORDINATES = {
    "000": {"井研县医疗保险事业服务中心"},
    "001": set(),
    "002": {"柳林县医疗保险服务中心"},
    "003": {"重庆市潼南区医疗保障事务中心", "重庆市潼南区医药价格和招标采购监督指导中心"},
    "004": {"奉节县医疗保障事务中心", "奉节县医药价格和招标采购服务中心"},
}


def doc_of(text: str) -> Document:
    return read(Path("synthetic.txt"), text.encode("utf-8"), "0" * 64)


def assert_exact(doc: Document, evidence: Evidence | None) -> Evidence:
    assert evidence is not None
    assert doc.text[evidence.start : evidence.end] == evidence.exact
    return evidence


@pytest.fixture(scope="module")
def seed_metadata(seed_documents: dict[str, Document]) -> dict[str, ReportMetadata]:
    return {key: extract_metadata(doc) for key, doc in seed_documents.items()}


# -- the seeds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_seed_metadata(key: str, seed_documents: dict[str, Document], seed_metadata: dict[str, ReportMetadata]) -> None:
    name, year, kind, code, published = EXPECTED[key]
    doc, meta = seed_documents[key], seed_metadata[key]
    assert meta.publisher is not None
    assert meta.publisher.name == name
    assert meta.publisher.role == "publisher"
    assert meta.publisher.region is not None and meta.publisher.region.code == code
    assert meta.publisher.level is GovLevel.COUNTY
    assert meta.fiscal_year == year
    assert str(year) in assert_exact(doc, meta.fiscal_year_evidence).exact
    assert meta.kind is kind
    assert_exact(doc, meta.kind_evidence)
    assert_exact(doc, meta.publisher.evidence)
    assert meta.publication_date == published
    if published:
        assert_exact(doc, meta.publication_date_evidence)
    assert meta.title and "[" not in meta.title
    assert_exact(doc, meta.title_evidence)


def test_seed_region_chains(seed_metadata: dict[str, ReportMetadata]) -> None:
    liulin = seed_metadata["002"].publisher
    assert liulin is not None and liulin.region is not None
    assert [r.code for r in liulin.region.chain()] == ["140000", "141100", "141125"]
    tongnan = seed_metadata["003"].publisher
    assert tongnan is not None and tongnan.region is not None
    assert [r.code for r in tongnan.region.chain()] == ["500000", "500152"]
    jingyan = seed_metadata["000"].publisher
    assert jingyan is not None and jingyan.region is not None
    assert [r.code for r in jingyan.region.chain()] == ["510000", "511100", "511124"]


def test_seed_titles(seed_metadata: dict[str, ReportMetadata]) -> None:
    assert seed_metadata["000"].title == "2023年度井研县医疗保障局部门决算"  # three cover lines joined
    assert seed_metadata["002"].title == "柳林县医疗保障局2022年度部门决算公开"  # without [部门]
    assert seed_metadata["004"].title == "奉节县医疗保障局部门整体支出预算绩效自评报告"  # 附件1： skipped
    assert seed_metadata["003"].title.startswith("重庆市潼南区医疗保障局 2024 年度")


def test_publication_date_rules(seed_documents: dict[str, Document], seed_metadata: dict[str, ReportMetadata]) -> None:
    # An explicit 公开时间 label.
    labelled = assert_exact(seed_documents["000"], seed_metadata["000"].publication_date_evidence)
    assert labelled.exact == "2024年9月20日" and "公开时间" in labelled.prefix
    # The publisher's own closing signature.
    signed = assert_exact(seed_documents["004"], seed_metadata["004"].publication_date_evidence)
    assert signed.start > len(seed_documents["004"].text) - 100
    # 002 closes with a subordinate unit's annex signature: not the report's date.
    assert seed_metadata["002"].publication_date is None
    assert seed_metadata["002"].publication_date_evidence is None


@pytest.mark.parametrize("key", sorted(SUBORDINATES))
def test_seed_subordinate_units(
    key: str, seed_documents: dict[str, Document], seed_metadata: dict[str, ReportMetadata]
) -> None:
    doc, publisher = seed_documents[key], seed_metadata[key].publisher
    units = find_subordinate_units(doc, publisher)
    assert {u.name for u in units} == SUBORDINATES[key]
    assert len(units) == len(SUBORDINATES[key])  # one per name
    for unit in units:
        assert unit.role == "subordinate"
        assert_exact(doc, unit.evidence)
        assert publisher is not None and publisher.region is not None
        assert unit.region == publisher.region


def test_seed_000_subordinate_is_qualified_from_its_short_form(
    seed_documents: dict[str, Document], seed_metadata: dict[str, ReportMetadata]
) -> None:
    (unit,) = find_subordinate_units(seed_documents["000"], seed_metadata["000"].publisher)
    assert unit.evidence.exact == "县医疗保险事业服务中心"
    assert unit.name == "井研县医疗保险事业服务中心"


def test_no_publisher_no_units(seed_documents: dict[str, Document]) -> None:
    assert find_subordinate_units(seed_documents["003"], None) == []


# -- synthetic reports ---------------------------------------------------------------------------


def test_budget_report() -> None:
    doc = doc_of("井研县财政局\n2025年部门预算\n目录\n一、部门职责\n负责全县财政工作。\n")
    meta = extract_metadata(doc)
    assert meta.kind is ReportKind.BUDGET
    assert meta.fiscal_year == 2025
    assert meta.title == "井研县财政局2025年部门预算"
    assert meta.publisher is not None and meta.publisher.name == "井研县财政局"
    assert meta.publisher.region is not None and meta.publisher.region.code == "511124"
    assert meta.publication_date is None


def test_traditional_chinese_report_is_read_as_simplified() -> None:
    text = (
        "柳林縣醫療保障局\n2023年度部門預算公開\n目錄\n"
        "一、部門職責\n本部門負責全縣醫療保障工作，組織實施醫療救助與長期護理保險制度，監督管理醫保基金。\n"
        "發佈日期：二〇二三年二月十五日\n"
    )
    doc = doc_of(text)
    assert doc.converted_from_traditional
    meta = extract_metadata(doc)
    assert meta.title == "柳林县医疗保障局2023年度部门预算公开"
    assert meta.kind is ReportKind.BUDGET
    assert meta.fiscal_year == 2023
    assert meta.publisher is not None and meta.publisher.name == "柳林县医疗保障局"
    assert meta.publisher.region is not None and meta.publisher.region.code == "141125"
    assert meta.publication_date == date(2023, 2, 15)  # a date written in Chinese numerals


def test_publisher_given_only_as_unit_name() -> None:
    text = "项目支出绩效自评表\n（2024年度）\n单位名称：\t奉节县医疗保障事务中心[单位]\t\n项目名称\t城乡医疗救助\n"
    doc = doc_of(text)
    meta = extract_metadata(doc)
    assert meta.kind is ReportKind.PROJECT_SELF_EVALUATION
    assert meta.fiscal_year == 2024
    assert meta.title == "项目支出绩效自评表（2024年度）"
    assert meta.publisher is not None and meta.publisher.name == "奉节县医疗保障事务中心"
    assert meta.publisher.region is not None and meta.publisher.region.code == "500236"
    assert_exact(doc, meta.publisher.evidence)


def test_unit_name_the_patterns_do_not_know_is_taken_as_written() -> None:
    doc = doc_of("部门整体支出绩效自评报告\n单位名称：奉节县第一中学\n一、基本情况\n2023年度学校运转正常。\n")
    meta = extract_metadata(doc)
    assert meta.kind is ReportKind.DEPARTMENT_SELF_EVALUATION
    assert meta.publisher is not None and meta.publisher.name == "奉节县第一中学"
    assert meta.publisher.region is not None and meta.publisher.region.code == "500236"
    assert meta.fiscal_year == 2023  # no year in the title: the year the text names


def test_pdf_spacing_in_the_title() -> None:
    doc = doc_of("重庆市潼南区医疗保障局 2025 年度部门 预算\n一、部门基本情况\n")
    meta = extract_metadata(doc)
    assert meta.kind is ReportKind.BUDGET
    assert meta.fiscal_year == 2025
    assert assert_exact(doc, meta.fiscal_year_evidence).exact == "2025 年度"


def test_signature_date_only_when_the_publisher_signs() -> None:
    body = "奉节县医疗保障局\n2024年度部门整体支出绩效自评报告\n一、基本情况\n工作有序开展。\n"
    signed = extract_metadata(doc_of(body + "奉节县医疗保障局\n2025年3月1日\n"))
    assert signed.publication_date == date(2025, 3, 1)
    other = extract_metadata(doc_of(body + "奉节县医疗保障事务中心\n2025年3月1日\n"))
    assert other.publication_date is None
    labelled = extract_metadata(doc_of(body + "公开日期：2025-04-02\n奉节县医疗保障局\n2025年3月1日\n"))
    assert labelled.publication_date == date(2025, 4, 2)  # an explicit label wins


def test_subordinates_of_another_body_are_not_the_publishers() -> None:
    text = (
        "柳林县医疗保障局\n2023年度部门决算\n一、机构设置\n"
        "县医保局下属县医疗保险服务中心；县财政局下属县国库支付中心。局机关下设办公室等3个内设机构。\n"
    )
    doc = doc_of(text)
    meta = extract_metadata(doc)
    units = find_subordinate_units(doc, meta.publisher)
    assert [u.name for u in units] == ["柳林县医疗保险服务中心"]
    assert units[0].evidence.exact == "县医疗保险服务中心"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("2023年度部门决算", ReportKind.FINAL_ACCOUNTS),
        ("2023年度部门决算公开（含绩效评价报告）", ReportKind.FINAL_ACCOUNTS),
        ("2024年部门预算公开", ReportKind.BUDGET),
        ("部门整体支出预算绩效自评报告", ReportKind.DEPARTMENT_SELF_EVALUATION),
        ("医疗救助补助资金项目支出绩效评价报告", ReportKind.PROJECT_SELF_EVALUATION),
        ("2023年度部门预算项目支出绩效自评表", ReportKind.PROJECT_SELF_EVALUATION),
        ("医疗救助资金转移支付绩效目标自评表", ReportKind.TRANSFER_SELF_EVALUATION),
        ("关于下达2024年医疗救助补助资金的通知", ReportKind.ALLOCATION_NOTICE),
        ("医疗保障工作总结", ReportKind.OTHER),
    ],
)
def test_classify(title: str, kind: ReportKind) -> None:
    assert classify(title)[0] is kind


def test_publisher_from_the_signature_when_nothing_else_names_it() -> None:
    doc = doc_of("2023年度部门决算\n一、部门概况\n本部门负责全县医疗保障工作。\n井研县医疗保障局\n2024年9月1日\n")
    meta = extract_metadata(doc)
    assert meta.publisher is not None and meta.publisher.name == "井研县医疗保障局"
    assert meta.publisher.evidence.start > doc.text.index("本部门")
    assert meta.publication_date == date(2024, 9, 1)


def test_annex_label_on_the_title_line() -> None:
    doc = doc_of("附件2：井研县医疗保障局2023年度城乡医疗救助项目绩效自评报告\n一、项目概况\n")
    meta = extract_metadata(doc)
    assert meta.title == "井研县医疗保障局2023年度城乡医疗救助项目绩效自评报告"
    assert meta.kind is ReportKind.PROJECT_SELF_EVALUATION
    assert meta.publisher is not None and meta.publisher.name == "井研县医疗保障局"


def test_a_short_form_in_the_title_gives_way_to_a_full_name() -> None:
    doc = doc_of("县医保局2024年部门预算\n部门名称：柳林县医疗保障局\n一、部门职责\n")
    meta = extract_metadata(doc)
    assert meta.publisher is not None and meta.publisher.name == "柳林县医疗保障局"
    assert meta.publisher.region is not None and meta.publisher.region.code == "141125"


# --- fiscal years and publishers as real-world pages write them ------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("二〇二四年某县医疗保障局部门预算表\n单位：万元", 2024),  # the year in numerals
        ("某县卫生健康局项目自评报告（ 2022 预算年度）", 2022),
        ("某局部门决算说明\n本年支出100万元，与2021年度决算数相比增加5万元。本年度（2022年度）收入持平。", 2022),
        ("某局工作方案\n各乡镇：现将方案印发给你们。\n某县财政局\n2023年9月2日", 2023),  # only a date
        ("自评报告\n评价期间：2021 年 1 月起至 2021 年 12 月止", 2021),
    ],
)
def test_fiscal_year_as_pages_write_it(tmp_path: Path, text: str, year: int) -> None:
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    assert extract_metadata(read(path, path.read_bytes(), "0" * 64)).fiscal_year == year


def test_publisher_from_a_form_cell_labelled_with_the_department_name(tmp_path: Path) -> None:
    path = tmp_path / "form.txt"
    path.write_text("整体支出绩效自评表\n预算部门名称\t永和县农业农村局\n年度资金总额\t120\n", encoding="utf-8")
    metadata = extract_metadata(read(path, path.read_bytes(), "0" * 64))
    assert metadata.publisher is not None and metadata.publisher.name == "永和县农业农村局"
