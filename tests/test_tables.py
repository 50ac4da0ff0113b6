"""Budget tables and prose statements → BudgetLines: the seeds' 公开01–10 tables, any reader's layout."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from kg.document import Document, DocumentBuilder
from kg.extract.budget.templates import TEMPLATES_PATH, load_templates, parse_catalogue
from kg.extract.tables import find_budget_lines, find_prose_lines, find_table_lines
from kg.normalize import normalise
from kg.readers.text import add_lines
from kg.records import BudgetLine, BudgetPhase, ClassificationScheme


def _text_doc(text: str) -> Document:
    builder = DocumentBuilder()
    add_lines(builder, normalise(text))
    return builder.build(Path("synthetic.txt"), "text/plain", "0" * 64)


def _of_kind(lines: list[BudgetLine], kind: str) -> list[BudgetLine]:
    return [line for line in lines if line.table_kind == kind]


def _cell(lines: list[BudgetLine], kind: str, code_or_label: str, measure: str) -> BudgetLine:
    found = [
        line
        for line in _of_kind(lines, kind)
        if line.measure == measure
        and ((line.classification and line.classification.code == code_or_label) or line.row_label == code_or_label)
    ]
    assert len(found) == 1, f"{kind} {code_or_label} {measure}: {len(found)} lines"
    return found[0]


@pytest.fixture(scope="module")
def seed_lines(seed_documents) -> dict[str, list[BudgetLine]]:
    return {key: find_budget_lines(doc) for key, doc in seed_documents.items()}


# --- templates ------------------------------------------------------------------------------------


def test_templates_load_and_list_their_measures():
    catalogue = load_templates()
    ids = [t.id for t in catalogue.templates]
    assert ids == [
        "income-expenditure-summary",
        "income-final-accounts",
        "expenditure-final-accounts",
        "appropriation-summary",
        "general-public-expenditure",
        "general-public-basic-detail",
        "government-fund",
        "state-capital-expenditure",
        "three-public",
        "institution-operation",
        "disclosure-statistics",
    ]
    for measure in ("total", "basic", "project", "appropriation-income", "carry-in", "budget", "executed"):
        assert measure in catalogue.measures


def test_a_template_naming_an_unlisted_measure_is_refused():
    data = yaml.safe_load(TEMPLATES_PATH.read_text(encoding="utf-8"))
    data["templates"][1]["columns"][0]["measure"] = "no-such-measure"
    with pytest.raises(ValueError, match="no-such-measure"):
        parse_catalogue(data)


# --- seed 002: tab tables in 元 ---------------------------------------------------------------------


def test_seed_002_recognises_the_ten_disclosure_tables(seed_lines):
    kinds = {}
    for line in seed_lines["002"]:
        if line.amount.evidence.cell is not None:
            kinds.setdefault(line.amount.evidence.cell.table, line.table_kind)
    assert kinds == {
        1: "income-expenditure-summary",
        2: "income-final-accounts",
        3: "expenditure-final-accounts",
        4: "appropriation-summary",
        5: "general-public-expenditure",
        6: "general-public-basic-detail",
        7: "three-public",
        8: "government-fund",
        10: "disclosure-statistics",
    }  # 公开09 has no amounts at all; the 绩效 tables 11–14 are no disclosure tables
    assert all(line.amount.unit == "元" for line in seed_lines["002"] if line.amount.evidence.cell)


def test_seed_002_income_table_rows_and_columns(seed_lines):
    income = _of_kind(seed_lines["002"], "income-final-accounts")
    codes = [line.classification.code for line in income if line.classification and line.measure == "total"]
    assert codes == [
        "201", "20131", "2013101", "210", "21001", "2100199", "21012", "2101201", "21013", "2101301",
        "21015", "2101501", "2101506", "2101550", "229", "22960", "2296013",
    ]  # fmt: skip
    rows = {line.amount.evidence.cell.row for line in income}
    assert len(rows) == 18  # 合计 + 17 coded rows
    for row in rows:  # every row has both its 本年收入合计 and its 财政拨款收入, and they agree
        in_row = {line.measure: line.amount.yuan for line in income if line.amount.evidence.cell.row == row}
        assert set(in_row) == {"total", "appropriation-income"}
        assert in_row["total"] == in_row["appropriation-income"]
    relief = _cell(income, "income-final-accounts", "2101301", "appropriation-income")
    assert relief.amount.yuan == Decimal("18640207.36")
    assert relief.row_label == "城乡医疗救助"
    assert relief.classification.scheme is ClassificationScheme.FUNCTIONAL
    assert relief.measure_label == "财政拨款收入"
    assert relief.phase is BudgetPhase.EXECUTED
    total = _cell(income, "income-final-accounts", "合计", "total")
    assert total.is_total and total.amount.yuan == Decimal("38460895.08")
    assert total.table_caption == "收入决算表"


def test_seed_002_expenditure_and_general_public_tables(seed_lines):
    lines = seed_lines["002"]
    kind = "expenditure-final-accounts"
    assert _cell(lines, kind, "2101501", "total").amount.yuan == Decimal("799360.70")
    assert _cell(lines, kind, "2101501", "basic").amount.yuan == Decimal("682056.40")
    assert _cell(lines, kind, "2101501", "project").amount.yuan == Decimal("117304.30")
    # a wrapped name cell (行政运行 is short; this one wraps in the export) is joined back
    assert _cell(lines, kind, "2100199", "total").row_label == "其他卫生健康管理事务支出"
    kind = "general-public-expenditure"
    assert [_cell(lines, kind, "合计", m).amount.yuan for m in ("total", "basic", "project")] == [
        Decimal("37530895.08"),
        Decimal("6432366.27"),
        Decimal("31098528.81"),
    ]
    assert {line.fund_type for line in _of_kind(lines, kind)} == {"general-public"}
    assert _cell(lines, kind, "合计", "total").measure_label == "本年支出 小计"


def test_seed_002_basic_detail_four_blocks(seed_lines):
    lines = seed_lines["002"]
    kind = "general-public-basic-detail"
    salary = _cell(lines, kind, "30101", "total")
    assert salary.amount.yuan == Decimal("1972775.00")
    assert salary.classification.scheme is ClassificationScheme.ECONOMIC_DEPARTMENT
    assert salary.measure_label == "人员经费 金额"
    assert _cell(lines, kind, "30101", "basic").amount.yuan == Decimal("1972775.00")
    assert _cell(lines, kind, "30201", "total").amount.yuan == Decimal("425854.00")
    assert _cell(lines, kind, "30201", "basic").amount.yuan == Decimal("222980.00")
    assert _cell(lines, kind, "30201", "basic").measure_label == "公用经费 其中：基本支出"
    # third and fourth blocks: 310 in block 3, and the —— cells of 309 give nothing
    assert _cell(lines, kind, "31002", "basic").amount.yuan == Decimal("64630.00")
    assert not [line for line in _of_kind(lines, kind) if line.classification and line.classification.code == "309"]
    assert _cell(lines, kind, "人员经费合计", "total").amount.yuan == Decimal("36326927.93")
    # the export shifted the 公用经费合计 amounts one cell right; they are read under their header
    personnel = _cell(lines, kind, "公用经费合计", "total")
    assert personnel.amount.yuan == Decimal("1203967.15") and personnel.is_total
    assert _cell(lines, kind, "公用经费合计", "basic").amount.yuan == Decimal("880988.85")


def test_seed_002_summary_tables_two_sides(seed_lines):
    lines = seed_lines["002"]
    kind = "income-expenditure-summary"
    assert _cell(lines, kind, "一、一般公共预算财政拨款收入", "income").fund_type == "general-public"
    assert _cell(lines, kind, "九、卫生健康支出", "expenditure").amount.yuan == Decimal("37469665.08")
    assert [line.amount.yuan for line in _of_kind(lines, kind) if line.row_label == "总计"] == [
        Decimal("38460895.08")
    ] * 2
    kind = "appropriation-summary"
    other = [line for line in _of_kind(lines, kind) if line.row_label == "二十三、其他支出"]
    assert {(line.measure, line.fund_type) for line in other} == {
        ("total", None),
        ("government-fund", "government-fund"),
    }
    assert _cell(lines, kind, "收入总计", "income").is_total


def test_seed_002_three_public_halves_and_other_tables(seed_lines):
    lines = seed_lines["002"]
    three = _of_kind(lines, "three-public")
    assert {(line.measure, line.phase, line.amount.yuan) for line in three} == {
        ("total", BudgetPhase.ADJUSTED, Decimal("40000.00")),
        ("official-vehicles", BudgetPhase.ADJUSTED, Decimal("40000.00")),
        ("vehicle-operation", BudgetPhase.ADJUSTED, Decimal("40000.00")),
        ("total", BudgetPhase.EXECUTED, Decimal("39951.85")),
        ("official-vehicles", BudgetPhase.EXECUTED, Decimal("39951.85")),
        ("vehicle-operation", BudgetPhase.EXECUTED, Decimal("39951.85")),
    }
    assert {line.row_label for line in three} == {"“三公”经费"}
    fund = _of_kind(lines, "government-fund")
    assert {line.fund_type for line in fund} == {"government-fund"}
    assert _cell(lines, "government-fund", "2296013", "expenditure").amount.yuan == Decimal("930000.00")
    stats = _of_kind(lines, "disclosure-statistics")
    # 政府采购 amounts and 机关运行经费 (after the inner 项目|统计数 header); the vehicle counts are no money
    assert [(line.row_label, line.measure, line.amount.yuan) for line in stats] == [
        ("合计", "procurement", Decimal("761659.00")),
        ("货物", "procurement", Decimal("42448.00")),
        ("服务", "procurement", Decimal("719211.00")),
        ("(一)行政单位", "executed", Decimal("141230.00")),
    ]


# --- seed 003: PDF text in 万元 ----------------------------------------------------------------------


def test_seed_003_tables_in_wan_yuan(seed_lines):
    lines = seed_lines["003"]
    kinds = {line.table_kind for line in lines if line.amount.evidence.cell}
    assert kinds == {
        "income-expenditure-summary",
        "income-final-accounts",
        "expenditure-final-accounts",
        "appropriation-summary",
        "general-public-expenditure",
        "general-public-basic-detail",
        "government-fund",
        "state-capital-expenditure",
        "institution-operation",
    }
    assert {line.amount.unit for line in lines if line.amount.evidence.cell} == {"万元"}
    relief = _cell(lines, "income-final-accounts", "2101301", "total")
    assert relief.amount.yuan == Decimal("23498600") and relief.amount.text == "2,349.86"
    assert _cell(lines, "income-final-accounts", "合计", "total").amount.yuan == Decimal("39256600")
    # 0.00 cells are facts too: every one of the 8 income columns of every row is there
    assert len(_of_kind(lines, "income-final-accounts")) == 27 * 8
    assert _cell(lines, "income-final-accounts", "2101301", "education-fees").amount.yuan == 0
    for kind in ("expenditure-final-accounts", "general-public-expenditure"):
        health = [_cell(lines, kind, "210", m).amount.yuan for m in ("total", "basic", "project")]
        assert health == [Decimal("34276400"), Decimal("6075200"), Decimal("28201300")]
    # 合计 stands in the name column of 公开05
    assert _cell(lines, "general-public-expenditure", "合计", "basic").amount.yuan == Decimal("7635200")


def test_seed_003_basic_detail_and_institution_table(seed_lines):
    lines = seed_lines["003"]
    salary = _cell(lines, "general-public-basic-detail", "30101", "total")
    assert salary.amount.yuan == Decimal("1514300")
    assert _cell(lines, "general-public-basic-detail", "人员经费合计", "total").amount.yuan == Decimal("6384000")
    assert _cell(lines, "general-public-basic-detail", "公用经费合计", "total").amount.yuan == Decimal("1251200")
    inst = _of_kind(lines, "institution-operation")
    three = [line for line in inst if line.row_label == "（一）支出合计"]
    assert {(line.measure, line.phase) for line in three} == {
        ("budget", BudgetPhase.ADJUSTED),
        ("executed", BudgetPhase.EXECUTED),
    }
    assert _cell(lines, "institution-operation", "五、机关运行经费", "executed").amount.yuan == Decimal("1025900")
    # counts (车辆数(辆), 接待批次(个)) and the 资产信息 section are not money
    labels = {line.row_label for line in inst}
    assert not any(label.endswith(("（辆）", "（个）", "（人）")) for label in labels)
    assert "4.应急保障用车" not in labels and "（一）车辆数合计（辆）" not in labels
    assert len(inst) == 19


def test_every_table_line_quotes_its_cell(seed_documents, seed_lines):
    for key, lines in seed_lines.items():
        doc = seed_documents[key]
        for line in lines:
            ev = line.amount.evidence
            assert doc.text[ev.start : ev.end] == ev.exact == line.amount.text
            if ev.cell is not None:
                cell = doc.tables[ev.cell.table].rows[ev.cell.row].cells[ev.cell.column]
                assert (cell.start, cell.end) == (ev.start, ev.end)


def test_seeds_without_disclosure_tables_give_no_table_lines(seed_documents):
    for key in ("000", "001", "004"):
        assert find_table_lines(seed_documents[key]) == []


# --- prose ------------------------------------------------------------------------------------------


def test_seed_000_prose_chain_lines(seed_lines):
    chain = [line for line in seed_lines["000"] if line.table_kind == "prose" and not line.is_total]
    assert len(chain) == 13  # the 4 （类） items of 无此类支出 give none
    by_name = {line.row_label: line for line in chain}
    relief = by_name["城乡医疗救助"]
    assert relief.amount.yuan == Decimal("6172600") and relief.amount.text == "617.26万元"
    assert relief.classification.code == "2101301"
    assert by_name["住房公积金"].amount.yuan == Decimal("295900")
    assert by_name["住房公积金"].classification.code == "2210201"
    codes = [line.classification.code if line.classification else None for line in chain]
    assert codes == [
        "2080505", "2080506", "2080704", "2080705", "2101101", "2101102", "2101103", "2101199",
        "2101301", "2101501", "2101505", "2101599", "2210201",
    ]  # fmt: skip
    assert all(line.measure == "total" and line.phase is BudgetPhase.EXECUTED for line in chain)
    assert sum(line.amount.yuan for line in chain) == Decimal("12028000")


def test_prose_chain_phases_and_unresolved_chains():
    doc = _text_doc(
        "卫生健康支出（类）医疗救助（款）城乡医疗救助（项）：年初预算为600万元，支出决算为617.26万元。\n"
        "卫生健康支出（类）医疗救助（款）虚构救助（项）：支出决算为1.5万元。\n"
    )
    lines = find_prose_lines(doc, amounts=[])
    assert [(line.phase, line.amount.yuan) for line in lines] == [
        (BudgetPhase.INITIAL, Decimal("6000000")),
        (BudgetPhase.EXECUTED, Decimal("6172600")),
        (BudgetPhase.EXECUTED, Decimal("15000")),
    ]
    assert lines[0].classification.code == "2101301"
    assert lines[2].row_label == "虚构救助" and lines[2].classification is None  # not in the code list


def test_prose_totals_map_to_table_cells(seed_lines):
    totals = {
        (line.row_label, line.measure): line.amount.yuan
        for line in seed_lines["002"]
        if line.is_total and line.table_kind == "prose"
    }
    assert totals[("基本支出", "basic")] == Decimal("6432366.27")
    assert totals[("收入总计", "income")] == Decimal("38460895.08")
    # 政府性基金预算财政拨款收入总计930,000.00元，支出总计930,000.00元 is no 总表 total
    assert Decimal("930000.00") not in totals.values()


# --- any reader's layout ----------------------------------------------------------------------------

_WORD_ROWS = [
    ["项目", "", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
    ["功能分类科目编码", "科目名称", "", "", "", "", "", ""],
    ["栏次", "", "1", "2", "3", "4", "5", "6"],
    ["合计", "", "3,925.66", "763.52", "3,162.14", "", "", ""],
    ["210", "卫生健康支出", "3,427.64", "607.52", "2,820.13", "", "", ""],
    ["2101301", "城乡医疗 救助", "2,349.86", "", "2,349.86", "——", "", ""],
]


def _word_doc(*paragraphs: str, rows: list[list[str]] = _WORD_ROWS) -> Document:
    builder = DocumentBuilder()
    for text in paragraphs:
        builder.paragraph(text)
    builder.table(rows)
    return builder.build(Path("synthetic.docx"), "application/vnd.openxmlformats", "0" * 64)


def test_word_style_table_through_document_builder():
    lines = find_budget_lines(_word_doc("附表3", "支出决算表", "金额单位：万元"))
    table = [line for line in lines if line.table_kind == "expenditure-final-accounts"]
    assert len(table) == 8
    relief = _cell(table, "expenditure-final-accounts", "2101301", "project")
    assert relief.amount.yuan == Decimal("23498600") and relief.amount.unit == "万元"
    assert relief.row_label == "城乡医疗救助"
    assert relief.amount.evidence.cell.row == 5 and relief.amount.evidence.cell.column == 4
    assert _cell(table, "expenditure-final-accounts", "合计", "basic").is_total


def test_unit_defaults_to_yuan_and_longest_caption_wins():
    lines = find_table_lines(_word_doc("2024年度一般公共预算财政拨款支出决算表（公开05表）"))
    assert {line.table_kind for line in lines} == {"general-public-expenditure"}
    assert _cell(lines, "general-public-expenditure", "210", "total").amount.yuan == Decimal("3427.64")
    assert {line.fund_type for line in lines} == {"general-public"}


def test_table_recognised_by_its_header_without_caption():
    lines = find_table_lines(_word_doc("第三部分", "单位：万元"))
    assert {line.table_kind for line in lines} == {"expenditure-final-accounts"}
    assert {line.table_caption for line in lines} == {None}


def test_unrecognised_table_gives_nothing():
    rows = [["指标名称", "指标值", "完成值"], ["参保人数", "65", "64"]]
    assert find_table_lines(_word_doc("绩效自评表", rows=rows)) == []


def test_caption_and_unit_in_the_table_title_rows():
    rows = [
        ["收入决算表", "", ""],
        ["单位：万元", "", ""],
        ["项目", "本年收入合计", "财政拨款收入"],
        ["2101301", "1.50", "1.50"],
    ]
    lines = find_table_lines(_word_doc(rows=rows))
    assert [(line.table_kind, line.measure, line.amount.yuan) for line in lines] == [
        ("income-final-accounts", "total", Decimal("15000")),
        ("income-final-accounts", "appropriation-income", Decimal("15000")),
    ]
    assert lines[0].table_caption == "收入决算表"
    assert lines[0].amount.evidence.cell.row == 3


def test_table_continued_after_a_page_break():
    builder = DocumentBuilder()
    builder.new_page(1)
    builder.paragraph("支出决算表")
    builder.paragraph("单位：万元")
    builder.table(_WORD_ROWS[:5])
    builder.new_page(2)
    builder.paragraph("- 2 -")
    builder.table([_WORD_ROWS[0], _WORD_ROWS[1], ["2101301", "城乡医疗救助", "2,349.86", "", "2,349.86"]])
    builder.paragraph("一般公共预算财政拨款支出决算表")  # a new caption: the next table is no continuation
    builder.table([["2101301", "城乡医疗救助", "1.00", "", "1.00"]])
    doc = builder.build(Path("synthetic.pdf"), "application/pdf", "0" * 64)
    lines = find_table_lines(doc)
    continued = [line for line in lines if line.amount.evidence.cell.table == 1]
    assert [(line.measure, line.amount.yuan) for line in continued] == [
        ("total", Decimal("23498600")),
        ("project", Decimal("23498600")),
    ]
    assert continued[0].amount.evidence.page == 2 and continued[0].table_caption == "支出决算表"
    assert not [line for line in lines if line.amount.evidence.cell.table == 2]


def test_a_template_may_name_its_own_code_and_name_columns():
    data = yaml.safe_load(TEMPLATES_PATH.read_text(encoding="utf-8"))
    income = next(t for t in data["templates"] if t["id"] == "income-final-accounts")
    income["roles"] = {"code": ["^代码$"], "skip": [], "name": ["^名称$"]}
    catalogue = parse_catalogue(data)
    from kg.extract.budget.tables import _caption_areas, read_table

    doc = _word_doc("收入决算表", rows=[["代码", "名称", "本年收入合计"], ["2101301", "城乡医疗救助", "9.00"]])
    (line,) = read_table(doc, doc.tables[0], _caption_areas(doc)[0], catalogue)
    assert line.classification.code == "2101301" and line.row_label == "城乡医疗救助"
