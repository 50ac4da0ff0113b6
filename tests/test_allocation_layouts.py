"""Allocation tables in the layouts real notices come in (docs/layouts.md), one test per layout.

The fixtures are invented: their names, places and amounts come from no real notice.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kg.extract.allocations import AllocationsFound, read_tables
from kg.extract.metadata import extract_metadata
from kg.readers import read_document
from kg.records import GovLevel

C, P, M, K = GovLevel.CENTRAL, GovLevel.PROVINCE, GovLevel.PREFECTURE, GovLevel.COUNTY


def read(tmp_path: Path, text: str, name: str = "notice.txt") -> AllocationsFound:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    return read_tables(doc, extract_metadata(doc))


def amounts(found: AllocationsFound) -> dict[str, Decimal]:
    """Recipient → the sum of its allocations (total rows left out)."""
    out: dict[str, Decimal] = {}
    for a in found.allocations:
        if not a.is_total:
            out[a.recipient] = out.get(a.recipient, Decimal(0)) + a.amount.yuan
    return out


UNIT_IN_HEADER = """晋中市财政局关于拨付2021年防汛救灾补助资金的通知
各县（区）财政局：
现拨付你们防汛救灾补助资金 万元，请及时拨付到位。
附件: |
|
2021年防汛救灾补助资金分配明细表 |
|||
|
单位:万元 |
单位 |
补助资金(万元) |
备注 |
|
榆次区 |
36 |
|
|
太谷区 |
14.5 |
|
|
合计 |
50.5 |
|
"""


def test_one_cell_per_line_pipe_table_whose_header_holds_the_unit_caption(tmp_path: Path) -> None:
    found = read(tmp_path, UNIT_IN_HEADER)
    assert amounts(found) == {"榆次区": Decimal("360000"), "太谷区": Decimal("145000")}
    yuci = next(a for a in found.allocations if a.recipient == "榆次区")
    assert yuci.recipient_region is not None and yuci.recipient_region.name == "榆次区"
    assert yuci.programme == "防汛救灾补助资金" and yuci.amount.evidence.exact == "36"
    assert found.issues == []  # the blank amount of the prose is no amount


NO_SEPARATORS = """各乡(镇)财政所、社会事务办:
2021年7月3日,我县部分乡镇遭遇干旱,受灾群众生产生活面临困难。依据有关文件要求,经研究,决定拨付抗旱补助资金\
(明细见指标分配表)。现就有关事项通知如下:
一、本次下拨资金专项用于补助受灾群众恢复生产生活。
二、资金发放要坚持公开公平公正,实行张榜公布。
附:抗旱补助资金指标分配表。
灵石县财政局 灵石县民政局
二O二一年八月二日
抗旱补助资金指标分配表
单位:万元
乡 镇
金 额
青松镇
2.5
白云乡
1.5
石门镇
0.6
东山乡
0.4
西河镇
3
合计
8
"""


def test_one_cell_per_line_without_separators_in_a_notice_without_title(tmp_path: Path) -> None:
    found = read(tmp_path, NO_SEPARATORS)
    assert amounts(found) == {
        "青松镇": Decimal("25000"),
        "白云乡": Decimal("15000"),
        "石门镇": Decimal("6000"),
        "东山乡": Decimal("4000"),
        "西河镇": Decimal("30000"),
    }
    first = found.allocations[0]
    assert first.programme == "抗旱补助资金"  # the caption's fund, not the body sentence
    assert first.notice is not None and first.notice.title == "抗旱补助资金指标分配表"
    assert first.recipient_region is None  # a town is never read as a county of a similar name
    # No title, no 发文机关, no known publisher: the signature line names the issuers and the payer.
    assert [o.name for o in first.notice.issuers] == ["灵石县财政局", "灵石县民政局"]
    assert first.payer is not None and first.payer.name == "灵石县财政局" and first.levels == (K,)


def test_a_header_line_that_read_the_signature_and_caption_is_cut_to_the_data(tmp_path: Path) -> None:
    # Two rows only: the reader takes the signature, the date and the caption into the header row.
    short = NO_SEPARATORS.split("石门镇")[0] + "合计\n4\n"
    found = read(tmp_path, short)
    assert amounts(found) == {"青松镇": Decimal("25000"), "白云乡": Decimal("15000")}
    assert found.allocations[0].programme == "抗旱补助资金"


ITEM_COLUMNS = """县卫生健康局：
现将2022年基层卫生补助资金下达你们，请专款专用。
2022年基层卫生补助资金分配明细表
单位:万元
项目单位 |
乡村医生培训 |
村卫生室运行 |
慢病随访 |
本批下达金额 |
中心卫生院 |
12.5 |
30 |
7.5 |
50 |
"""


def test_item_columns_that_add_up_to_the_total_give_one_allocation_each(tmp_path: Path) -> None:
    found = read(tmp_path, ITEM_COLUMNS)
    items = {a.amount.label: a.amount.yuan for a in found.allocations}
    assert items == {"乡村医生培训": Decimal("125000"), "村卫生室运行": Decimal("300000"), "慢病随访": Decimal("75000")}
    assert {a.recipient for a in found.allocations} == {"中心卫生院"}


def test_item_columns_that_do_not_add_up_are_not_read(tmp_path: Path) -> None:
    found = read(tmp_path, ITEM_COLUMNS.replace("7.5 |", "9 |"))
    assert [(a.amount.label, a.amount.yuan) for a in found.allocations] == [("本批下达金额", Decimal("500000"))]


BLANK_LINES = """2022年乡村振兴补助资金分配明细表       单位:万元

县区名称

资金合计

中央资金

省级资金

市级资金

备注

榆次区

 130



 130


祁县

 80



  80


合计

 210



  210
"""


def test_blank_line_cells_whose_empty_columns_collapse(tmp_path: Path) -> None:
    found = read(tmp_path, BLANK_LINES)
    # 130 | 130 under 资金合计 | 中央 | 省级 | 市级: the total is certain, the level is not.
    assert {(a.recipient, a.levels, a.amount.yuan) for a in found.allocations if not a.is_total} == {
        ("榆次区", (), Decimal("1300000")),
        ("祁县", (), Decimal("800000")),
    }
    assert found.allocations[0].amount.label == "资金合计"
    assert found.allocations[0].programme == "乡村振兴补助资金"
    assert found.sources == [] and found.issues == []


SHIFTED = """市(州) | 县(区) | 救助人数(人) | 发放资金合计(万元) | 中央和省级补助资金(万元) | \
市级配套资金(万元) | 县级配套资金(万元) | 结余资金(万元) | |
晋中市 | 市本级 | 12 | 8 | 5 | 3 | |||
平遥县 | 40 | 20 | 18 | 1 | 1 | ||||
介休市 | 30 | 15 | 15 | 0 | 6.5 | ||||
合计 | 82 | 43 | 38 | 4 | 1 | 6.5 |
"""


def test_pipe_rows_that_drop_empty_cells_are_put_back_by_arithmetic(tmp_path: Path) -> None:
    found = read(tmp_path, SHIFTED)
    rows = {(a.recipient, a.levels): a.amount.yuan for a in found.allocations if not a.is_total}
    assert rows == {
        ("市本级", ()): Decimal("80000"),  # 5 + 3 fits more than one pair of level columns: the total
        ("平遥县", (C, P)): Decimal("180000"),
        ("平遥县", (M,)): Decimal("10000"),
        ("平遥县", (K,)): Decimal("10000"),
        ("介休市", ()): Decimal("150000"),  # never the 30 people, though 15 + 15 + 0 = 30
    }
    assert 65000 not in {a.amount.yuan for a in found.allocations}  # 结余 is no allocation
    # A table without a notice: its 合计 row is the fund's money by level.
    assert {(s.levels, s.amount.yuan) for s in found.sources} == {
        ((C, P), Decimal("380000")),
        ((M,), Decimal("40000")),
        ((K,), Decimal("10000")),
    }
    assert found.issues == []


def test_a_region_table_whose_rows_do_not_add_up_is_no_allocation_table(tmp_path: Path) -> None:
    assert read(tmp_path, SHIFTED.replace("合计 | 82 | 43 |", "合计 | 82 | 44 |")).allocations == []


BLANK_RECIPIENT_HEADER = """关于下达2022年临时救助补助资金的通知
各乡镇人民政府：
现将临时救助补助资金下达你们（见附件）。
附件
临时救助补助资金分配表

补助资金(万元)

任务

青松镇

0.6

救助2户

白云乡

1.4

救助3户

合计

2

救助5户
"""


def test_blank_line_table_whose_recipient_header_is_blank(tmp_path: Path) -> None:
    found = read(tmp_path, BLANK_RECIPIENT_HEADER)
    assert amounts(found) == {"青松镇": Decimal("6000"), "白云乡": Decimal("14000")}
    assert [a.amount.yuan for a in found.allocations if a.is_total] == [Decimal("20000")]


COUNTS = """灵农〔2021〕8号
各乡镇人民政府：
依据省财政厅《关于提前下达2021年中央财政衔接资金的通知》精神，经研究，现就有关事项通知如下：
一、资金用于产业发展，全县共安排25万元。
附表1：2021年中央财政衔接资金分配表
灵石县农业农村局
附表1: |
2021年中央财政衔接资金分配表 |
|||
|
序号 |
乡镇 |
现有农户数 |
资金安排额(万元) |
|
1 |
青松镇 |
120 |
10 |
|
2 |
白云乡 |
301 |
15 |
"""


def test_counts_beside_the_amounts_are_never_taken(tmp_path: Path) -> None:
    found = read(tmp_path, COUNTS)
    assert amounts(found) == {"青松镇": Decimal("100000"), "白云乡": Decimal("150000")}
    notice = found.allocations[0].notice
    assert notice is not None
    assert notice.fund == "中央财政衔接资金" and notice.source_levels == (C,)
    assert notice.title == "2021年中央财政衔接资金分配表"  # the title cited in 《》 is another notice's
    assert notice.number is not None and notice.number.canonical == "灵农〔2021〕8号"


TRADITIONAL = """依據《晉中市財政局關於下達2024年市級應急救助資金的通知》，現將應急救助資金下達你們。
附件：2024年市級應急救助資金分配表及任務清單
鎮 | 補助資金 (萬元) | 約束性任務 |
青松鎮 | 2.7 | 幫扶對象2戶以上，對象自籌金額3.5萬元以上。 |
白雲鎮 | 1.6 | 幫扶對象1戶以上，對象自籌金額2萬元以上。 |
合計 | 4.3 | |
"""


def test_traditional_table_whose_task_cells_hold_other_amounts(tmp_path: Path) -> None:
    found = read(tmp_path, TRADITIONAL)
    assert amounts(found) == {"青松镇": Decimal("27000"), "白云镇": Decimal("16000")}
    assert found.allocations[0].programme == "市级应急救助资金"
    assert found.allocations[0].levels == (M,)
    assert found.issues == []


# -- lists in prose -------------------------------------------------------------------------------------

PROSE_LISTS = (
    "晋中市财政局关于2022年度公益金分配使用情况的公告\n"
    "（一）文化事业公益金。2022年，市级可统筹安排的文化事业公益金300万元。"
    "市级共分配资金248.5万元：其中市本级资金100万元，榆次区资金 80万元，太谷区62万元，祁县6.5万\n"
    "（二）助学公益金。2022年下达平遥县57万元，主要用于奖励学生。\n"
    "三、上述资金中，中央资金120万元、省级资金30万元。\n"
)


def test_allocation_lists_in_prose_each_under_the_fund_its_paragraph_names(tmp_path: Path) -> None:
    found = read(tmp_path, PROSE_LISTS)
    listed = [(a.programme, a.recipient, a.amount.yuan) for a in found.allocations]
    assert listed == [
        ("文化事业公益金", "市本级", Decimal("1000000")),
        ("文化事业公益金", "榆次区", Decimal("800000")),
        ("文化事业公益金", "太谷区", Decimal("620000")),
        ("文化事业公益金", "祁县", Decimal("65000")),  # 6.5万: a unit the page cut short
        ("助学公益金", "平遥县", Decimal("570000")),  # one region right after 下达
    ]  # 中央资金、省级资金 name levels, not recipients: no list
    own = found.allocations[0]
    assert own.recipient_region is not None and own.recipient_region.name == "晋中市"  # 市本级: the payer's own
    assert found.allocations[1].recipient_evidence is not None
    assert found.allocations[1].recipient_evidence.exact == "榆次区"


def test_a_list_after_the_sentence_that_allocates(tmp_path: Path) -> None:
    text = (
        "晋中市财政局关于分配2021年中央和省级养老服务补助资金的公开\n"
        "省财政厅向我市下达2021年中央和省级养老服务补助资金250万元，市财政局分配至各区县。"
        "其中，榆次区120万元、太谷区80万元、祁县50万元。\n"
    )
    found = read(tmp_path, text)
    assert [(a.recipient, a.levels) for a in found.allocations] == [
        ("榆次区", (C, P)),
        ("太谷区", (C, P)),
        ("祁县", (C, P)),
    ]
    assert found.allocations[0].programme == "中央和省级养老服务补助资金"


def test_a_prose_list_is_not_read_where_a_table_gives_the_allocations(tmp_path: Path) -> None:
    text = BLANK_LINES.replace("2022年乡村振兴", "分配榆次区120万元，祁县80万元。\n\n2022年乡村振兴", 1)
    found = read(tmp_path, text)
    assert [a.amount.label for a in found.allocations if not a.is_total] == ["资金合计", "资金合计"]


def test_two_funds_map_to_two_programmes(tmp_path: Path) -> None:
    from kg.extract.pipeline import extract_report
    from kg.rdf.mapping import map_report
    from kg.rdf.terms import FKG

    path = tmp_path / "notice.txt"
    path.write_text(PROSE_LISTS, encoding="utf-8")
    _, _, quads = map_report(extract_report(read_document(path)), "lists", "0.1.0")
    flows = {q.subject: q.object for q in quads if q.predicate == FKG.programme and "/allocation/" in q.subject.value}
    assert len(flows) == 5 and len(set(flows.values())) == 2


def test_the_tables_own_total_is_stated_in_the_graph(tmp_path: Path) -> None:
    from kg.extract.pipeline import extract_report
    from kg.rdf.mapping import map_report
    from kg.rdf.terms import FKG

    path = tmp_path / "notice.txt"
    path.write_text(UNIT_IN_HEADER, encoding="utf-8")
    _, _, quads = map_report(extract_report(read_document(path)), "total", "0.1.0")
    labels = {q.subject: q.object.value for q in quads if q.predicate == FKG.amountLabel}
    total = "合计 补助资金(万元)"
    found = [q.object.value for q in quads if q.predicate == FKG.amountInYuan and labels.get(q.subject) == total]
    assert found == ["505000.0"]  # the payer's own level: a mere total, stated as an amount
