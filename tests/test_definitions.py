"""Definitions of classification items from the reports' 名词解释 sections."""

from __future__ import annotations

from pathlib import Path

from kg.document import DocumentBuilder
from kg.extract.definitions import find_definitions
from kg.records import ClassificationScheme


def test_seed_000_glossary_defines_its_thirteen_items(seed_documents) -> None:
    doc = seed_documents["000"]
    found = {d.code: d for d in find_definitions(doc)}
    assert set(found) == {
        "2080505", "2080506", "2080704", "2080705", "2101101", "2101102", "2101103",
        "2101199", "2101301", "2101501", "2101505", "2101599", "2210201",
    }
    assert found["2101301"].text == "反映财政用于城乡困难群众医疗救助的支出。"
    ev = found["2101301"].evidence
    assert doc.text[ev.start : ev.end] == found["2101301"].text
    assert found["2101301"].term.startswith("卫生健康支出（类）医疗救助（款）")


def test_seed_003_economic_classes_at_the_level_the_note_states(seed_documents) -> None:
    found = {d.code: d for d in find_definitions(seed_documents["003"])}
    assert set(found) == {"301", "302", "303"}  # 其他资本性支出（…类级） is no 类 in the code list
    assert all(d.scheme is ClassificationScheme.ECONOMIC_DEPARTMENT for d in found.values())


def test_glossaries_without_classification_items_yield_nothing(seed_documents) -> None:
    assert find_definitions(seed_documents["002"]) == []
    assert find_definitions(seed_documents["004"]) == []


def test_table_of_contents_entry_is_not_a_section() -> None:
    b = DocumentBuilder()
    b.paragraph("第三部分 名词解释")
    b.paragraph("第四部分 附件")
    b.paragraph("卫生健康支出（类）医疗救助（款）城乡医疗救助（项）：出现在目录之后，不在名词解释里。")
    b.heading("第三部分 名词解释")
    b.paragraph("（一）卫生健康支出(类)医疗救助(款)城乡医疗救助(项):反映城乡医疗救助支出。")
    b.paragraph("（二）财政拨款收入：不是分类科目。")
    doc = b.build(Path("x.txt"), "text/plain", "0" * 64)
    found = find_definitions(doc)
    assert [(d.code, d.text) for d in found] == [("2101301", "反映城乡医疗救助支出。")]
