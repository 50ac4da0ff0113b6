"""Classification codes named without amounts: code rows of tables and instructions in notices (own text)."""

from __future__ import annotations

from pathlib import Path

from kg.document import DocumentBuilder
from kg.extract.pipeline import extract_report
from kg.normalize import normalise
from kg.readers.text import add_lines
from kg.records import ClassificationScheme


def _mentions(text: str) -> dict[str, tuple[ClassificationScheme, str]]:
    builder = DocumentBuilder()
    add_lines(builder, normalise(text))
    doc = builder.build(Path("synthetic.txt"), "text/plain", "0" * 64)
    mentions = [m.classification for m in extract_report(doc).classifications]
    return {c.code: (c.scheme, c.name) for c in mentions}


def test_codes_in_a_notice_and_a_revenue_code() -> None:
    found = _mentions(
        "请将资金列入政府收支分类科目第2101301项“城乡医疗救助”，经济分类科目30305“生活补助”。"
        "收入列“1100249卫生健康共同财政事权转移支付收入”，支出列“210卫生健康支出”。联系电话12345“值班”。"
    )
    assert found == {
        "2101301": (ClassificationScheme.FUNCTIONAL, "城乡医疗救助"),
        "30305": (ClassificationScheme.ECONOMIC_DEPARTMENT, "生活补助"),
        "1100249": (ClassificationScheme.REVENUE, "卫生健康共同财政事权转移支付收入"),
        "210": (ClassificationScheme.FUNCTIONAL, "卫生健康支出"),
    }


def test_code_rows_without_amounts() -> None:
    found = _mentions("科目编码\t科目名称\t金额\n2080899\t其他优抚支出\t\n20805\t行政事业单位离退休\t\n")
    assert found == {
        "2080899": (ClassificationScheme.FUNCTIONAL, "其他优抚支出"),
        "20805": (ClassificationScheme.FUNCTIONAL, "行政事业单位离退休"),
    }
