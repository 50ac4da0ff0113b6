"""Classification codes a report names with their names, wherever they stand.

Budget tables give most codes with amounts (kg.extract.budget). Others are named without one: a code
row left empty in a 决算 table (2080899 | 其他优抚支出), a notice's instruction where to book the money
(列入…科目第2081501项“中央自然灾害生活补助”), a revenue code (收入列“1100248社会保障…收入”). Each
becomes a `ClassificationMention` of the code's scheme (from the code's shape), so every code a
report uses is in its graph, described with the report's name when the shipped lists lack it.
"""

from __future__ import annotations

import re

from kg.document import Document
from kg.extract.component import component
from kg.lexicon.classification import scheme_for_code
from kg.lexicon.text import squash
from kg.records import CellRef, Classification, ClassificationMention, Evidence, ReportRecords

_CODE = r"[1235]\d{2}(?:\d{2}){0,2}"
_NAME = r"[\u4e00-\u9fff][\u4e00-\u9fff（）()、]{1,39}"
# 科目第2081501项“中央自然灾害生活补助”, 经济分类科目30305“生活补助”, 收入列“1100248社会保障和就业…收入”.
_IN_PROSE = re.compile(
    rf"(?:科目|分类|列入?|列支)[^。；;\n“”\"]{{0,12}}?(?:第\s*)?(?<!\d)(?P<code>{_CODE})(?!\d)\s*[项类款]?\s*"
    rf"[“\"「](?P<name>{_NAME}?)[”\"」]"
    rf"|[“\"「](?P<qcode>{_CODE})\s*(?P<qname>{_NAME}?)[”\"」]"
)
_CODE_CELL = re.compile(_CODE)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _mention(code: str, name: str, evidence: Evidence) -> ClassificationMention | None:
    scheme = scheme_for_code(code)
    if scheme is None:
        return None
    return ClassificationMention(Classification(scheme, code, squash(name)), evidence)


def _in_tables(doc: Document) -> list[ClassificationMention]:
    found: list[ClassificationMention] = []
    for table in doc.tables:
        for r, row in enumerate(table.rows):
            cells = [(i, c) for i, c in enumerate(row.cells) if c.text.strip()]
            if len(cells) < 2:
                continue
            (i, code), (_, name) = cells[0], cells[1]
            if _CODE_CELL.fullmatch(code.text.strip()) and _HAN.search(name.text) and len(name.text) <= 40:
                evidence = Evidence.of(doc, code.start, code.end, cell=CellRef(table.index, r, i))
                if (mention := _mention(code.text.strip(), name.text, evidence)) is not None:
                    found.append(mention)
    return found


def _in_prose(doc: Document) -> list[ClassificationMention]:
    found: list[ClassificationMention] = []
    for block in doc.paragraphs():
        for m in _IN_PROSE.finditer(doc.text, block.start, block.end):
            group = "code" if m.group("code") else "qcode"
            name = m.group("name") or m.group("qname")
            evidence = Evidence.of(doc, m.start(group), m.end("name" if m.group("code") else "qname"))
            if (mention := _mention(m.group(group), name, evidence)) is not None:
                found.append(mention)
    return found


@component("classifications", provides=["classifications"])
def read_classifications(doc: Document, found: ReportRecords) -> None:
    seen: set[tuple[str, str]] = set()
    for mention in (*_in_tables(doc), *_in_prose(doc)):
        key = (mention.classification.scheme.value, mention.classification.code)
        if key not in seen:
            seen.add(key)
            found.classifications.append(mention)
