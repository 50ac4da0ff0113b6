"""Allocation notices: the notice's own description, the three table layouts, recipients, total checks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.extract.allocations import find_allocations, without_own_number
from kg.extract.citations import find_citations
from kg.extract.metadata import extract_metadata
from kg.lexicon.names import fund_core
from kg.readers import read_document
from kg.records import Allocation, CellRef, ConsistencyIssue, GovLevel

NOTICES = Path(__file__).resolve().parent.parent / "samples" / "notices"
CENTRAL = NOTICES / "caishe-2022-61-central-medical-assistance.txt"
PROVINCE = NOTICES / "jin-caishe-2022-58-shanxi-medical-assistance.html"
CITY = NOTICES / "lv-caishe-2022-27-lvliang-medical-assistance.txt"
MISMATCH = NOTICES / "lv-caishe-2022-35-lvliang-central-mismatch.md"

C, P, M = GovLevel.CENTRAL, GovLevel.PROVINCE, GovLevel.PREFECTURE


def read(path: Path) -> tuple[list[Allocation], list[ConsistencyIssue]]:
    doc = read_document(path)
    return find_allocations(doc, extract_metadata(doc))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(allocations: list[Allocation]) -> dict[tuple[str, tuple[GovLevel, ...]], Decimal]:
    return {(a.recipient, a.levels): a.amount.yuan for a in allocations if not a.is_total}


# -- the notice itself ---------------------------------------------------------------------------------


def test_notice_issuers_number_fund_levels_and_function_code() -> None:
    allocations, _ = read(PROVINCE)
    notice = allocations[0].notice
    assert notice is not None and all(a.notice is notice for a in allocations)
    assert notice.title == "关于下达2022年中央和省级医疗救助补助资金的通知"
    assert [o.name for o in notice.issuers] == ["山西省财政厅", "山西省医疗保障局"]
    assert notice.payer is not None and notice.payer.name == "山西省财政厅"
    assert notice.payer.region is not None and notice.payer.region.code == "140000"
    assert notice.fund == "中央和省级医疗救助补助资金" and notice.fund_evidence.exact == notice.fund
    assert notice.year == 2022 and notice.source_levels == (C, P)
    assert notice.number is not None and notice.number.canonical == "晋财社〔2022〕58号"
    assert notice.function_code == "2101301" and notice.function_evidence is not None


def test_own_number_is_told_from_the_numbers_it_cites() -> None:
    doc = read_document(CITY)
    allocations, _ = find_allocations(doc, extract_metadata(doc))
    notice = allocations[0].notice
    assert notice is not None and notice.number is not None
    assert notice.number.canonical == "吕财社〔2022〕27号"  # from 发文字号：, not the 晋财社 number of the body
    assert notice.number_evidence is not None and notice.number_evidence.exact == "吕财社〔2022〕27号"
    cited = find_citations(doc)
    assert {c.number.canonical for c in cited if c.number} == {"吕财社〔2022〕27号", "晋财社〔2022〕58号"}
    kept = without_own_number(cited, allocations)
    assert [c.number.canonical for c in kept if c.number] == ["晋财社〔2022〕58号"]


def test_central_issuers_on_the_title_line_and_a_bare_number_line() -> None:
    allocations, issues = read(CENTRAL)
    notice = allocations[0].notice
    assert notice is not None and notice.number is not None
    assert notice.number.canonical == "财社〔2022〕61号"
    assert [o.name for o in notice.issuers] == ["财政部", "国家医疗保障局"]
    assert notice.payer is not None and notice.payer.level is C and notice.payer.region is None
    assert notice.fund == "中央财政医疗救助补助资金" and notice.source_levels == (C,)
    assert issues == []


def test_a_notice_titled_with_budget_words_is_still_read(tmp_path: Path) -> None:
    # 下达…预算的通知: the metadata may read 预算 as a budget; the notice is found by its title line.
    path = write(tmp_path, "advance.txt", "\n".join([
        "山西省财政厅关于提前下达2023年中央财政医疗救助补助资金预算的通知",
        "晋财社〔2022〕120号",
        "各市财政局：",
        "根据财社〔2022〕150号文件，现提前下达。",
        "单位：元",
        "序号", "市别", "金额",
        "1", "太原市", "1,200,000.00",
        "2", "吕梁市", "950,000.50",
        "合计", "2150000.50",
        "山西省财政厅",
        "2022年11月30日",
    ]))  # fmt: skip
    allocations, issues = read(path)
    notice = allocations[0].notice
    assert notice is not None and notice.fund == "中央财政医疗救助补助资金" and notice.year == 2023
    assert notice.number is not None and notice.number.canonical == "晋财社〔2022〕120号"
    assert rows(allocations) == {("太原市", (C,)): Decimal("1200000.00"), ("吕梁市", (C,)): Decimal("950000.50")}
    assert issues == []


def test_reports_that_are_no_notice_yield_nothing(seed_documents) -> None:
    for doc in seed_documents.values():
        assert find_allocations(doc, extract_metadata(doc)) == ([], [])


def test_fund_core_is_what_the_levels_share() -> None:
    assert fund_core("中央和省级医疗救助补助资金") == "医疗救助补助资金"
    assert fund_core("中央、省级和市级医疗救助补助资金") == "医疗救助补助资金"
    assert fund_core("2022年中央财政医疗救助补助资金（第二批）") == "医疗救助补助资金"
    assert fund_core("市场监管专项资金") == "市场监管专项资金"  # 市 opens a word here, not a level


# -- the three layouts ---------------------------------------------------------------------------------


def test_html_table_with_a_two_row_header() -> None:
    allocations, issues = read(PROVINCE)
    found = rows(allocations)
    assert len(found) == 22  # 11 cities × 中央资金/省级资金
    assert found[("吕梁市", (C,))] == Decimal("84920000") and found[("吕梁市", (P,))] == Decimal("108210000")
    lvliang = next(a for a in allocations if a.recipient == "吕梁市" and a.levels == (C,))
    assert lvliang.recipient_region is not None and lvliang.recipient_region.code == "141100"
    assert lvliang.amount.unit == "万元" and lvliang.amount.label == "中央资金"
    assert lvliang.amount.evidence.cell == CellRef(0, 13, 3) and lvliang.amount.evidence.exact == "8492"
    assert lvliang.payer is not None and lvliang.payer.name == "山西省财政厅"
    totals = {a.levels: a.amount.yuan for a in allocations if a.is_total}
    assert totals == {(C,): Decimal("714540000"), (P,): Decimal("910830000")}
    assert issues == []


def test_one_cell_per_line_table() -> None:
    allocations, issues = read(CITY)
    found = rows(allocations)
    assert len(found) == 39  # 13 counties × 中央/省级/市级
    assert found[("柳林县", (C,))] == Decimal("7490000")
    assert found[("柳林县", (P,))] == Decimal("9530000")
    assert found[("柳林县", (M,))] == Decimal("535000")
    liulin = [a for a in allocations if a.recipient == "柳林县"]
    assert {a.recipient_region.code for a in liulin if a.recipient_region} == {"141125"}
    assert {a.function_code for a in liulin} == {"2101301"}
    central = next(a for a in liulin if a.levels == (C,))
    assert central.amount.evidence.exact == "749" and central.amount.evidence.cell == CellRef(0, 9, 2)
    assert central.recipient_evidence is not None and central.recipient_evidence.exact == "柳林县"
    assert issues == []


def test_pipe_table_skips_separator_and_remark_columns() -> None:
    allocations, issues = read(MISMATCH)
    assert rows(allocations) == {
        ("柳林县", (C,)): Decimal("7590000"),
        ("石楼县", (C,)): Decimal("4760000"),
        ("中阳县", (C,)): Decimal("3710000"),
    }
    liulin = allocations[0]
    assert liulin.amount.evidence.cell == CellRef(0, 1, 1)  # the separator row is not a row
    assert [a.amount.yuan for a in allocations if a.is_total] == [Decimal("16060000")]
    assert issues == []


def test_tab_table_without_level_columns_takes_the_funds_levels() -> None:
    allocations, _ = read(CENTRAL)
    found = rows(allocations)
    assert len(found) == 15
    assert found[("山西省", (C,))] == Decimal("714540000")
    regions = {a.recipient: a.recipient_region.code for a in allocations if a.recipient_region}
    assert regions["山西省"] == "140000" and regions["内蒙古自治区"] == "150000"


# -- recipients and checks ---------------------------------------------------------------------------


BAD = """吕梁市财政局关于下达2022年市级医疗救助补助资金的通知
吕财社〔2022〕40号
各县（市、区）财政局：
现将资金下达给你们。
| 县（市、区） | 合计 | 中央资金 | 市级资金 |
| --- | --- | --- | --- |
| 市本级 | 12 | 10 | 2 |
| 柳林县 | 30 | 20 | 11 |
| 太原市 | 5 | 5 | 0 |
| 山西省人民医院 | 4 | 4 | 0 |
| 合计 | 50 | 39 | 13 |
"""


def test_recipients_resolve_inside_the_payers_region_or_not_at_all(tmp_path: Path) -> None:
    allocations, _ = read(write(tmp_path, "bad.md", BAD))
    region = {a.recipient: a.recipient_region.code if a.recipient_region else None for a in allocations}
    assert region["市本级"] == "141100"  # the payer's own region
    assert region["柳林县"] == "141125"
    assert region["太原市"] is None  # another city: not a recipient of 吕梁市's money
    assert region["山西省人民医院"] is None  # a provincial unit, outside 吕梁市
    assert ("太原市", (M,)) not in rows(allocations)  # a zero amount is no allocation


def test_total_row_and_row_total_are_checked(tmp_path: Path) -> None:
    _, issues = read(write(tmp_path, "bad.md", BAD))
    by_kind = {(i.kind, i.expected, i.found) for i in issues}
    assert ("allocation-total", Decimal("50"), Decimal("51")) in by_kind  # 12+30+5+4 under 合计
    assert ("allocation-row", Decimal("30"), Decimal("31")) in by_kind  # 柳林县: 20+11 ≠ 30
    assert not any(i.kind == "allocation-total" and i.expected == Decimal("39") for i in issues)  # 中央 adds up
    total = next(i for i in issues if i.kind == "allocation-total")
    assert [e.exact for e in total.evidence] == ["50", "12", "30", "5", "4"]


def test_a_line_row_that_fits_no_column_is_reported_not_read(tmp_path: Path) -> None:
    path = write(tmp_path, "short.txt", "\n".join([
        "吕梁市财政局关于下达2022年中央和省级医疗救助补助资金的通知",
        "各县财政局：", "现将资金下达给你们。",
        "地区", "中央资金", "省级资金",
        "柳林县", "749", "953",
        "石楼县", "476",
        "中阳县", "371", "473",
    ]))  # fmt: skip
    allocations, issues = read(path)
    assert {a.recipient for a in allocations} == {"柳林县", "中阳县"}
    assert [(i.kind, i.expected, i.found) for i in issues] == [("allocation-row-cells", Decimal(2), Decimal(1))]


@pytest.mark.parametrize("header", ["县（市、区）", "地区", "单位名称"])
def test_recipient_headers(tmp_path: Path, header: str) -> None:
    text = f"吕梁市财政局关于下达2022年市级医疗救助补助资金的通知\n现下达。\n{header}\t金额（万元）\n柳林县\t53.5\n"
    allocations, _ = read(write(tmp_path, "t.txt", text))
    assert [(a.recipient, a.levels, a.amount.yuan) for a in allocations] == [("柳林县", (M,), Decimal("535000"))]
