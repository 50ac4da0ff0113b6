"""Money cells of tables no other reader understood, labelled by their row and column (own fixtures)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kg.document import Document, DocumentBuilder
from kg.extract.pipeline import extract_report


def _doc(*captions: str, rows: list[list[str]]) -> Document:
    builder = DocumentBuilder()
    for text in captions:
        builder.paragraph(text)
    builder.table(rows)
    return builder.build(Path("synthetic.docx"), "application/vnd.openxmlformats", "0" * 64)


def _amounts(doc: Document) -> dict[str, Decimal]:
    return {a.label or "": a.yuan for a in extract_report(doc).table_amounts}


def test_side_by_side_income_and_expenditure_under_a_caption_unit() -> None:
    doc = _doc(
        "某委员会收支情况表",
        "单位：万元",
        rows=[
            ["项目", "金额", "项目", "金额"],
            ["一、财政拨款收入", "1,200.50", "一、卫生健康支出", "1,100.00"],
            ["二、其他收入", "80.00", "二、住房保障支出", "180.50"],
        ],
    )
    found = _amounts(doc)
    assert found["一、财政拨款收入 金额"] == Decimal("12005000")
    assert found["二、住房保障支出 金额"] == Decimal("1805000")
    assert len(found) == 4


def test_a_label_unit_holds_for_the_rows_under_it_and_counts_are_no_money() -> None:
    doc = _doc(
        "救助情况",
        rows=[
            ["指标", "Item", "2021", "2022"],
            ["救助人数（人）", "Persons", "1500", "1620"],
            ["其中：城镇", "Urban", "700", "760"],
            ["救助支出（万元）", "Expenditure", "310.5", "402.25"],
            ["其中：城镇", "Urban", "120.5", "150.25"],
        ],
    )
    found = {label: yuan for label, yuan in _amounts(doc).items()}
    assert found == {
        "救助支出（万元） 2021": Decimal("3105000"),
        "救助支出（万元） 2022": Decimal("4022500"),
        "其中：城镇 2021": Decimal("1205000"),
        "其中：城镇 2022": Decimal("1502500"),
    }


def test_labelled_cells_rates_and_column_numbers() -> None:
    doc = _doc(
        rows=[
            ["年度资金（万元）", "预算数", "执行数", "执行率"],
            ["栏次", "1", "2", "3"],
            ["资金总额", "500", "480", "96%"],
            ["其中：一般公共预算：450.00", "其他资金：50"],
        ],
    )
    found = _amounts(doc)
    assert found["资金总额 预算数"] == Decimal("5000000") and found["资金总额 执行数"] == Decimal("4800000")
    assert found["其中：一般公共预算"] == Decimal("4500000") and found["其他资金"] == Decimal("500000")
    assert not any("执行率" in label or "栏次" in label for label in found)


def test_a_table_without_any_money_unit_gives_nothing() -> None:
    doc = _doc(rows=[["指标", "目标值", "实际值"], ["参保人数", "12000", "12500"]])
    assert _amounts(doc) == {}


def test_a_short_header_stands_over_the_last_columns() -> None:
    doc = _doc(
        "单位：万元",
        rows=[["项目", "2020", "2021"], ["支出合计", "total expenditure", "1,000", "1,250"]],
    )
    assert _amounts(doc) == {"支出合计 2020": Decimal("10000000"), "支出合计 2021": Decimal("12500000")}
