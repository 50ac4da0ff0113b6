"""Indicator tables in every text layout the reader rebuilds, and in those it cannot rebuild.

Each test is one layout (docs/layouts.md, "Indicator tables"), with a form of our own: the whole
report goes through the text reader and the extraction pipeline, and the indicators come out with
their tiers, comparison, target, actual and unit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.extract.indicators.model import UNNAMED, indicator_name
from kg.extract.indicators.values import normalise_unit, parse_value
from kg.extract.pipeline import extract_report
from kg.lexicon.measures import is_unit
from kg.readers.text import read
from kg.records import Evaluation, Indicator

D = Decimal


def evaluations(text: str) -> list[Evaluation]:
    doc = read(Path("form.txt"), text.encode("utf-8"), "0" * 64)
    return extract_report(doc).evaluations


def rows(ev: Evaluation) -> list[tuple]:
    """Each indicator as (name, tier1, tier2, comparison, target, actual, unit of the target)."""

    def number(m):
        return None if m is None else (m.value if m.value is not None else m.text)

    def unit(i: Indicator) -> str | None:
        return i.target.unit if i.target else None

    return [
        (i.name, i.tier1, i.tier2, i.comparison, number(i.target), number(i.actual), unit(i)) for i in ev.indicators
    ]


def one_cell_per_line(*cells: str) -> str:
    return "".join(f"{c} |\n" if c else "|\n" for c in cells)


# -- one cell per line -----------------------------------------------------------------------------


def test_one_cell_per_line_with_operator_and_unit_in_cells_of_their_own() -> None:
    text = one_cell_per_line(
        "报表编号:000001", "", "", "项目支出绩效自评表(2023年度)", "项目名称", "示例道路养护", "主管部门",
        "示例县交通运输局", "绩效指标(90分)", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位",
        "完成值", "权重", "得分",
        "产出指标", "数量指标", "养护里程", "≥", "120", "公里", "126", "50", "50",
        "效益指标", "社会效益指标", "路况优良率", "=", "90", "%", "90", "40", "40",
        "合计", "90", "",
    )  # fmt: skip
    (ev,) = evaluations(text)
    assert (ev.subject, ev.total_score.value) == ("示例道路养护", D(90))
    assert rows(ev) == [
        ("养护里程", "产出指标", "数量指标", "ge", D(120), D(126), "公里"),
        ("路况优良率", "效益指标", "社会效益指标", "eq", D(90), D(90), "%"),
    ]
    assert [i.met for i in ev.indicators] == [True, True]


def test_padded_rows_with_ascii_operators_fused_to_value_and_placeholders_in_names() -> None:
    text = "(示例困难家庭救助)绩效目标自评表\n绩效目标自评表 (2022年度) |\n||||||||\n" + one_cell_per_line(
        "项目名称", "示例困难家庭救助", "", "",
    ) + "|||||\n" + one_cell_per_line(
        "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
        "未完成原因及拟采取的改进措施", "",
        "产出指标(60分)", "数量指标", "★★★救助家庭户数(≥**户)", "20", ">=350户", "362户", "20", "", "", "", "",
        "质量指标", "★补助标准(≥**元/人·月)", "20", ">=480元/人*月", "500元/人*月", "20", "", "", "", "",
        "单户救助金额(<**元/户·年)", "20", "<=3000元/户", "2800元/户", "20", "", "",
        "满意度指标(10分)", "服务对象满意度指标", "★★其中:受助家庭满意度≥**%", "10", ">=90%", "95%", "10", "", "",
    )  # fmt: skip
    (ev,) = evaluations(text)
    assert ev.subject == "示例困难家庭救助"
    assert rows(ev) == [
        ("救助家庭户数", "产出指标", "数量指标", "ge", D(350), D(362), "户"),
        ("补助标准", "产出指标", "质量指标", "ge", D(480), D(500), "元/人*月"),
        ("单户救助金额", "产出指标", "质量指标", "le", D(3000), D(2800), "元/户"),
        ("受助家庭满意度", "满意度指标", "服务对象满意度指标", "ge", D(90), D(95), "%"),
    ]
    assert [i.weight.value for i in ev.indicators] == [D(20), D(20), D(20), D(10)]


# -- space-separated rows (a flattened web-page table) ----------------------------------------------


def test_space_separated_rows_under_a_two_line_header_with_operator_value_and_unit_apart() -> None:
    text = (
        "示例县农业农村局2022年度预算项目绩效自评表\n\n"
        "一、基本情况 项目名称: 示例农机购置补贴 实施(主管)单位 100001-示例县农业农村局 金额单位: 万元  \n"
        "二、预算执行情况 预算安排情况(调整后) 资金到位情况 资金执行情况 预算执行进度(%)\n"
        "预算数 12.50 到位数 12.50 执行数 12.50 100.00\n"
        "三、目标完成情况 年度预期目标 具体完成情况 总体完成率(%)\n"
        "按时足额发放农机购置补贴,带动农户更新农机具。 按时足额发放农机购置补贴,带动农户更新农机具。 100.00\n"
        "四、绩效指标完成情况 一级指标 二级指标 三级指标 指标分值 预期指标值 单项指标实际完成值 "
        "单项指标完成情况 自评得分\n"
        "符号 单位(文字描述) 单项指标得分 权重占比(%) 单项指标折算得分\n"
        "产出指标 数量指标 补贴发放户数 全年兑付补贴的农户户数 >= 260 户 275户 完成 40.00 40.00 16.00\n"
        "时效指标 补贴兑付及时率 申请审核后按月兑付的比例(百分比) >= 95 %(百分比) 98% 完成 30.00 30.00 9.00\n"
        "满意度指标 服务对象满意度指标 受补贴农户满意度 受补贴农户对发放工作的满意程度 >= 90 %(百分比) 96% "
        "完成 30.00 30.00 9.00\n"
    )
    (ev,) = evaluations(text)
    assert rows(ev) == [
        ("补贴发放户数", "产出指标", "数量指标", "ge", D(260), D(275), "户"),
        ("补贴兑付及时率", "产出指标", "时效指标", "ge", D(95), D(98), "%"),
        ("受补贴农户满意度", "满意度指标", "服务对象满意度指标", "ge", D(90), D(96), "%"),
    ]
    assert [i.score.value for i in ev.indicators] == [D(40), D(30), D(30)]


# -- a pipe table without header, every cell broken over lines ---------------------------------------


def test_pipe_table_without_header_read_by_the_shape_of_its_rows() -> None:
    def row(*cells: str, end: str = "  ||||") -> str:
        return "|   " + "\n        | \n     ".join(cells) + "\n        | \n" + end + "\n"

    text = (
        row("项目完成指标", "数量指标", "新建村级服务站", "12个", "12个")
        + row("项目完成指标", "质量指标", "服务站建设标准", "符合规范", "全部符合")
        + row("效益指标", "社会效益指标", "方便群众就近办事", "逐步改善", "明显改善")
        + row("", "满意度指标", "服务对象满意度指标", "办事群众满意度", "≥85%", "91%", end="  |||")
        + "  \n2.本部门绩效评价情况。\n  \n本部门对2022年部门整体支出绩效情况进行了自评。\n"
    )
    (ev,) = evaluations(text)
    assert ev.subject == UNNAMED  # neither the table nor the report names what it evaluates
    assert rows(ev) == [
        ("新建村级服务站", "项目完成指标", "数量指标", None, D(12), D(12), "个"),
        ("服务站建设标准", "项目完成指标", "质量指标", "qualitative", "符合规范", "全部符合", None),
        ("方便群众就近办事", "效益指标", "社会效益指标", "qualitative", "逐步改善", "明显改善", None),
        ("办事群众满意度", "满意度指标", "服务对象满意度指标", "ge", D(85), D(91), "%"),
    ]


# -- key/value lines of a 绩效目标申报表, its target text between the name and the indicators --------


def test_declaration_form_in_indented_lines_continues_after_its_target_text() -> None:
    text = (
        "示例老年助餐补助\n发布时间:2023-03-01 09:30:00 来源:示例区民政局\n项目支出绩效目标申报表\n(2023年度)\n"
        "项目名称 示例老年助餐补助\n预算单位 区民政局\n项目资金(万元) 年度资金总额 金额(万元)\n"
        "   (一)财政拨款小计 18.40\n       1、一般公共预算 18.40\n       2、政府性基金 0.00\n   (二)其他收入 0.00\n\n"
        "总体\n目标\n年度目标\n为辖区内符合条件的老年人提供助餐补助,改善老年人就餐条件。提高助餐服务覆盖面\n"
        "绩效指标 一级指标 二级指标 三级指标 指标值(包含数字及文字描述)\n绩效指标 项目完成\n指标\n"
        "数量指标 享受助餐补助的老年人人数 460人\n质量指标 补助对象审核准确率 100%\n时效指标 补助发放时间 每季度末前\n"
        "项目效益\n指标\n社会效益\n指标\n老年人就餐便利程度 明显提高\n"
        "满意度指标 满意度指标 助餐老人满意度 ≥90%\n家属满意度 95%\n"
    )
    (ev,) = evaluations(text)
    assert ev.subject == "示例老年助餐补助"
    assert rows(ev) == [
        ("享受助餐补助的老年人人数", None, "数量指标", None, D(460), None, "人"),
        ("补助对象审核准确率", None, "质量指标", None, D(100), None, "%"),
        ("补助发放时间", None, "时效指标", "qualitative", "每季度末前", None, None),
        ("老年人就餐便利程度", "项目效益指标", "社会效益指标", "qualitative", "明显提高", None, None),  # tiers wrapped
        ("助餐老人满意度", "满意度指标", None, "ge", D(90), None, "%"),
        ("家属满意度", "满意度指标", None, None, D(95), None, "%"),
    ]


# -- PDF text: each cell then a `|` line, full-width operators ---------------------------------------


def test_pdf_cells_each_followed_by_a_bar_line_with_full_width_operators() -> None:
    cells = [
        "项目名称", "示例健康筛查服务", "实施单位", "示例县卫健委", "项目属性", "延续项目", "项目金额(万元)",
        "年度资金总额", "520 万元", "总体 目标", "为辖区适龄居民免费提供健康筛查服务,早发现早干预。", "绩效 指标",
        "一级 指标", "二级指标", "三级指标", "指标值", "产出 指标", "数量指标", "适龄居民筛查覆盖率", "≧85%",
        "高危人群随访管理率", "≦5%",
    ]  # fmt: skip
    text = (
        "(6)年度预算安排:520 万元。\n(7)绩效目标:提高适龄人群健康服务覆盖水平,强化考核结果运用。\n"
        "项目支出绩效目标申报表\n(2023 年度)\n" + "\n|\n".join(cells) + "\n|\n"
    )
    (ev,) = evaluations(text)
    assert ev.subject == "示例健康筛查服务"
    assert rows(ev) == [
        ("适龄居民筛查覆盖率", "产出指标", "数量指标", "ge", D(85), None, "%"),  # tiers run into the header row
        ("高危人群随访管理率", "产出指标", "数量指标", "le", D(5), None, "%"),
    ]


# -- a Word table flattened into paragraphs ----------------------------------------------------------


def test_flattened_form_without_separators_split_by_tiers_and_value_shapes() -> None:
    text = (
        "示例专项资金绩效目标自评表.docx\n"
        "1、2022年度示例专项资金绩效目标自评表专项资金名称示例仓储管理实施单位示例仓储中心"
        "年度 总体 目标提升仓储管理水平"
        "绩 效 指 标一级 指标二级 指标三级指标年度指标 值全年 完成值未完成原因和 改进措施产 出 指 标数量 指标"
        "3000吨仓 容达标率95%97%保管员培训合格人数150人162151、附培训名单;设施检修次数24次\n"
        "2、24次质量 指标入库检验合格率100%100%时效 指标报表按 期报送率98%100%满意 度指 标服务 对象 满意 度指 标"
        "入库农户满意度测评292%96%说明无\n"
    )
    (ev,) = evaluations(text)
    assert rows(ev) == [
        ("3000吨仓容达标率", "产出指标", "数量指标", None, D(95), D(97), "%"),  # a number inside the name
        ("保管员培训合格人数", "产出指标", "数量指标", None, D(150), None, "人"),  # 162151: actual fused with scores
        ("设施检修次数", "产出指标", "数量指标", None, D(24), D(24), "次"),  # the actual after a page marker
        ("入库检验合格率", "产出指标", "质量指标", None, D(100), D(100), "%"),
        ("报表按期报送率", "产出指标", "时效指标", None, D(98), D(100), "%"),
    ]  # 292%: a score run into a satisfaction rate, not read
    doc = read(Path("form.txt"), text.encode("utf-8"), "0" * 64)
    name = ev.indicators[0].evidence
    assert doc.text[name.start : name.end] == "3000吨仓 容达标率"  # the span as written, stray space kept


def test_a_paragraph_that_mentions_the_header_words_is_no_table() -> None:
    text = "三级指标的指标值应当清晰可衡量,如培训合格率达到95%以上。\n"
    assert evaluations(text) == []


# -- prose: completed values listed under a tier ------------------------------------------------------


def test_completed_values_listed_under_a_tier_in_prose() -> None:
    text = (
        "示例县卫生健康局2023年度项目绩效自评报告(示例义诊项目)\n\n一、自评结论\n\n"
        "项目按实施方案组织开展,绩效自评得分96分,等级为优。\n\n(二)绩效目标完成情况\n\n"
        "1.产出指标均已完成,义诊场次24场,受益群众1800人次。\n\n"
        "2.满意度指标均已完成,各项任务如期完成,群众满意度97%\n"
    )
    (ev,) = evaluations(text)
    assert ev.total_score.value == D(96)
    assert [(i.name, i.tier1, i.target, i.actual.value, i.actual.unit) for i in ev.indicators] == [
        ("义诊场次", "产出指标", None, D(24), "场"),
        ("受益群众", "产出指标", None, D(1800), "人次"),
        ("群众满意度", "满意度指标", None, D(97), "%"),
    ]


# -- the pieces ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("★★★示例受助人数(月均)(≥**人)", "示例受助人数(月均)"),
        ("示例受益人数≥**人", "示例受益人数"),
        ("★其中:示例覆盖率(≥**%)", "示例覆盖率"),
        ("示例最高额度(<**元/户·年)——单户不超过500元", "示例最高额度——单户不超过500元"),
        ("示例知晓率(%)", "示例知晓率(%)"),
    ],
)
def test_indicator_names_drop_marks_placeholders_and_part_words(written: str, name: str) -> None:
    assert indicator_name(written) == name


@pytest.mark.parametrize(
    ("text", "unit"), [("%", True), ("%(百分比)", True), ("人次", True), ("元/人*月", True), ("万元", True),
                       ("完成", False), ("2021年", False), ("达标", False)]
)  # fmt: skip
def test_cells_that_hold_only_a_unit(text: str, unit: bool) -> None:
    assert is_unit(text) is unit


def test_units_with_a_gloss_or_a_star() -> None:
    assert normalise_unit("%(百分比)") == "%"
    assert parse_value(">= 97 %(百分比)") == parse_value("≥97%")
    assert parse_value(">=480元/人*月").unit == "元/人*月"
