"""Consistency checks of budget lines: the seeds' real findings, and synthetic failures."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from kg.document import Document, DocumentBuilder
from kg.extract.reconcile import reconcile
from kg.extract.tables import find_budget_lines
from kg.records import BudgetLine


@pytest.fixture(scope="module")
def seed_lines(seed_documents) -> dict[str, list[BudgetLine]]:
    return {key: find_budget_lines(doc) for key, doc in seed_documents.items()}


def _doc(paragraphs: list[str], rows: list[list[str]]) -> Document:
    builder = DocumentBuilder()
    for text in paragraphs:
        builder.paragraph(text)
    builder.table(rows)
    return builder.build(Path("synthetic.docx"), "application/vnd.openxmlformats", "0" * 64)


def _find(lines: list[BudgetLine], kind: str, key: str, measure: str) -> BudgetLine:
    return next(
        line
        for line in lines
        if line.table_kind == kind
        and line.measure == measure
        and (line.row_label == key or (line.classification and line.classification.code == key))
    )


def _shifted(lines: list[BudgetLine], target: BudgetLine, delta: str) -> list[BudgetLine]:
    """The lines with one amount changed by `delta` yuan."""
    changed = dataclasses.replace(
        target, amount=dataclasses.replace(target.amount, yuan=target.amount.yuan + Decimal(delta))
    )
    return [changed if line is target else line for line in lines]


def _children(lines: list[BudgetLine], kind: str, parent: str, measure: str) -> list[BudgetLine]:
    codes = [(line, line.classification.code if line.classification else "") for line in lines]
    return [
        line
        for line, code in codes
        if line.table_kind == kind
        and line.measure == measure
        and len(code) == len(parent) + 2
        and code.startswith(parent)
    ]


def _sum(lines: list[BudgetLine]) -> Decimal:
    return sum((line.amount.yuan for line in lines), Decimal(0))


# --- the seeds as they are ------------------------------------------------------------------------


def test_seeds_are_consistent_within_the_rounding_tolerance(seed_lines):
    for key in ("000", "001", "002", "003", "004"):
        assert reconcile(seed_lines[key]) == [], key


def test_seed_002_sums_are_exact(seed_lines):
    lines = seed_lines["002"]
    detail = "general-public-basic-detail"
    # 公开06 blocks: 人员经费合计 = 301 + 303, 公用经费合计 = 302 + 310 (blocks 2–4), in both columns
    assert _find(lines, detail, "人员经费合计", "total").amount.yuan == _sum(
        [_find(lines, detail, code, "total") for code in ("301", "303")]
    )
    assert _find(lines, detail, "公用经费合计", "basic").amount.yuan == _sum(
        [_find(lines, detail, code, "basic") for code in ("302", "310")]
    )
    offices = _children(lines, detail, "302", "total")
    assert len(offices) == 9 and _sum(offices) == _find(lines, detail, "302", "total").amount.yuan


def test_seed_003_rounding_differences_stay_within_tolerance(seed_lines):
    lines = seed_lines["003"]
    for kind in ("expenditure-final-accounts", "general-public-expenditure"):
        health = {m: _find(lines, kind, "210", m).amount.yuan for m in ("total", "basic", "project")}
        # 607.52 + 2,820.13 = 3,427.65 against 3,427.64: one 0.01万元 of 尾数误差
        assert health["basic"] + health["project"] - health["total"] == Decimal("100")
        medical = [_find(lines, kind, code, "total") for code in ("2101101", "2101102", "2101103", "2101199")]
        assert _sum(medical) - _find(lines, kind, "21011", "total").amount.yuan == Decimal("100")  # 338.22 vs 338.21
        classes = [_find(lines, kind, code, "basic") for code in ("208", "210", "213", "221")]
        assert _sum(classes) - _find(lines, kind, "合计", "basic").amount.yuan == Decimal("100")  # 763.53 vs 763.52
    wages = _children(lines, "general-public-basic-detail", "301", "total")
    assert _sum(wages) - _find(lines, "general-public-basic-detail", "301", "total").amount.yuan == Decimal("100")


def test_seed_000_prose_items_sum_to_the_stated_total_within_tolerance(seed_lines):
    lines = seed_lines["000"]
    chain = [line for line in lines if line.table_kind == "prose" and not line.is_total]
    stated = next(line for line in lines if line.is_total and line.row_label == "一般公共预算财政拨款支出")
    assert _sum(chain) - stated.amount.yuan == Decimal("100")  # 1,202.80 vs 1,202.79万元, 13 addends
    # but a 0.21万元 gap would be reported: the tolerance is 13 × 0.01万元
    issues = reconcile(_shifted(lines, stated, "-2000"))
    assert [(i.kind, i.expected, i.found, i.tolerance) for i in issues] == [
        ("prose-sum", Decimal("12028000.00"), Decimal("12025900.00"), Decimal("1300"))
    ]


# --- the seeds, changed: the checks find what they should ------------------------------------------


def test_seed_003_a_wrong_class_total_is_reported(seed_lines):
    lines = seed_lines["003"]
    health = _find(lines, "expenditure-final-accounts", "210", "total")
    issues = reconcile(_shifted(lines, health, "600"))  # 3,427.64 → 3,427.70万元
    kinds = sorted(issue.kind for issue in issues)
    assert kinds == ["column-sum", "parent-sum", "total-row"]
    column = next(i for i in issues if i.kind == "column-sum")
    assert column.found == Decimal("34277000.00") and column.expected == Decimal("34276500.00")
    assert column.tolerance == Decimal("200")  # two non-zero addends in 万元 (the 0.00 columns add none)
    assert "支出决算表" in column.description and "卫生健康支出" in column.description
    assert len(column.evidence) == 6  # the total and its five component cells
    parent = next(i for i in issues if i.kind == "parent-sum")
    assert parent.expected == Decimal("34276400.00")  # its 3 款: 338.21 + 2,383.34 + 706.09


def test_seed_002_a_wrong_office_cost_is_reported_in_its_block(seed_lines):
    lines = seed_lines["002"]
    office = _find(lines, "general-public-basic-detail", "30201", "total")
    issues = reconcile(_shifted(lines, office, "100"))
    assert [(i.kind, i.expected, i.found) for i in issues] == [
        ("parent-sum", Decimal("1105437.15"), Decimal("1105337.15"))
    ]
    assert issues[0].tolerance == Decimal("0.09")  # nine children in 元
    assert issues[0].evidence[0].exact == "1105337.15"


def test_seed_002_unbalanced_summary_is_reported(seed_lines):
    lines = seed_lines["002"]
    total = next(
        line
        for line in lines
        if line.table_kind == "income-expenditure-summary"
        and line.row_label == "总计"
        and line.measure == "expenditure"
    )
    kinds = sorted(i.kind for i in reconcile(_shifted(lines, total, "1")))
    assert kinds == ["balance", "prose-vs-table", "row-sum"]


# --- synthetic tables -------------------------------------------------------------------------------


def _detail(amount_301: str, unit: str) -> Document:
    rows = [
        ["人员经费", "", ""],
        ["科目编码", "科目名称", "金额"],
        ["301", "工资福利支出", amount_301],
        ["30101", "基本工资", "6.00" if unit == "万元" else "600.00"],
        ["30102", "津贴补贴", "4.00" if unit == "万元" else "400.00"],
        ["人员经费合计", "", amount_301],
    ]
    return _doc(["一般公共预算财政拨款基本支出决算表", f"单位：{unit}"], rows)


def test_parent_row_off_by_100_yuan_gives_one_issue():
    issues = reconcile(find_budget_lines(_detail("1100.00", "元")))
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.kind, issue.expected, issue.found, issue.tolerance) == (
        "parent-sum",
        Decimal("1000.00"),
        Decimal("1100.00"),
        Decimal("0.02"),
    )
    assert [ev.exact for ev in issue.evidence] == ["1100.00", "600.00", "400.00"]
    assert "301 工资福利支出" in issue.description


def test_parent_row_in_wan_yuan_within_and_beyond_tolerance():
    assert reconcile(find_budget_lines(_detail("10.01", "万元"))) == []  # 0.01万元 ≤ 2 × 0.01万元
    issues = reconcile(find_budget_lines(_detail("10.03", "万元")))
    assert [(i.kind, i.found - i.expected, i.tolerance) for i in issues] == [
        ("parent-sum", Decimal("300"), Decimal("200"))
    ]


def test_missing_parent_cell_counts_as_zero():
    rows = [
        ["科目编码", "科目名称", "金额", "其中：基本支出"],
        ["302", "商品和服务支出", "", "3.00"],
        ["30201", "办公费", "5.00", "3.00"],
        ["30202", "印刷费", "", ""],
    ]
    issues = reconcile(find_budget_lines(_doc(["一般公共预算财政拨款基本支出决算表"], rows)))
    assert [(i.kind, i.expected, i.found) for i in issues] == [("parent-sum", Decimal("5.00"), Decimal("0"))]
    assert "[302 | 金额] (empty cell)" in issues[0].description
    # a parent row without any amount is not known to the lines, so it is not checked
    rows[1][3] = ""
    rows[2][3] = ""
    assert reconcile(find_budget_lines(_doc(["一般公共预算财政拨款基本支出决算表"], rows))) == []


def test_column_sum_and_total_row():
    rows = [
        ["项目", "", "本年支出合计", "基本支出", "项目支出"],
        ["功能分类科目编码", "科目名称", "", "", ""],
        ["合计", "", "300.00", "100.00", "200.00"],
        ["210", "卫生健康支出", "250.00", "100.00", "200.00"],
    ]
    issues = reconcile(find_budget_lines(_doc(["支出决算表"], rows)))
    assert sorted((i.kind, i.expected, i.found) for i in issues) == [
        ("column-sum", Decimal("300.00"), Decimal("250.00")),
        ("total-row", Decimal("250.00"), Decimal("300.00")),
    ]


def test_summary_row_sums_and_balance():
    rows = [
        ["收入", "", "支出", ""],
        ["项目", "决算数", "项目", "决算数"],
        ["一、一般公共预算财政拨款收入", "100.00", "一、卫生健康支出", "90.00"],
        ["二、政府性基金预算财政拨款收入", "20.00", "二、其他支出", "30.00"],
        ["本年收入合计", "120.00", "本年支出合计", "120.00"],
        ["年初结转和结余", "5.00", "年末结转和结余", "0.00"],
        ["总计", "125.00", "总计", "120.00"],
    ]
    issues = reconcile(find_budget_lines(_doc(["收入支出决算总表"], rows)))
    assert sorted((i.kind, i.expected, i.found) for i in issues) == [
        ("balance", Decimal("120.00"), Decimal("125.00")),
    ]


def test_prose_chain_against_table():
    rows = [
        ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["2101301", "城乡医疗救助", "2,349.86", "", "2,349.86"],
    ]
    doc = _doc(
        [
            "卫生健康支出（类）医疗救助（款）城乡医疗救助（项）：支出决算为2,349.96万元。",
            "一般公共预算财政拨款支出决算表",
            "单位：万元",
        ],
        rows,
    )
    issues = reconcile(find_budget_lines(doc))
    assert [(i.kind, i.expected, i.found, i.tolerance) for i in issues] == [
        ("prose-vs-table", Decimal("23498600.00"), Decimal("23499600.00"), Decimal("100"))
    ]
    assert issues[0].evidence[0].exact == "2,349.96万元"

