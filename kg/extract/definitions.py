"""Definitions of classification items from a report's 名词解释 section.

Reports end with a glossary whose entries read `TERM：DEFINITION`. Entries whose term is a
classification item — a 类/款/项 chain (卫生健康支出（类）医疗救助（款）城乡医疗救助（项）) or an
economic class marked as such (工资福利支出（支出经济分类科目类级）) — are resolved to their code;
the others (财政拨款收入, “三公”经费 …) are not classification items and are left out. The section
runs from a heading that contains 名词解释 to the next 第…部分 heading or 附件/附表.
"""

from __future__ import annotations

import re

from kg.document import Document
from kg.extract.component import component
from kg.records import ClassificationScheme, Definition, Evidence, ReportRecords

_SECTION_START = re.compile(r"名词解释")
_SECTION_END = re.compile(r"^\s*(第[一二三四五六七八九十]+部分|附件|附表|[一二三四五六七八九十]+、(?!.*名词解释))")
_ENTRY = re.compile(
    r"^\s*(?:[-•·]\s*)?(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.、．])?\s*"
    r"(?P<term>[^：:]{2,80}?)\s*[：:]\s*(?P<text>\S.*)$"
)
_ECONOMIC_NOTE = re.compile(r"[（(]支出经济分类科目[类款]级[）)]")


def _sections(doc: Document) -> list[tuple[int, int]]:
    """Block index ranges of glossary sections (a table-of-contents entry yields an empty range)."""
    blocks = doc.paragraphs()
    ranges = []
    for i, block in enumerate(blocks):
        if _SECTION_START.search(doc.text[block.start : block.end]):
            end = i + 1
            while end < len(blocks) and not _SECTION_END.match(doc.text[blocks[end].start : blocks[end].end]):
                end += 1
            ranges.append((i + 1, end))
    return ranges


def _resolve(term: str) -> tuple[ClassificationScheme, str] | None:
    from kg.lexicon.classification import code_for_chain, code_for_name

    if "（类）" in term or "(类)" in term:
        code = code_for_chain(term)
        return (ClassificationScheme.FUNCTIONAL, code) if code else None
    note = _ECONOMIC_NOTE.search(term)
    if note:
        name = _ECONOMIC_NOTE.sub("", term).strip()
        code = code_for_name(name, scheme=ClassificationScheme.ECONOMIC_DEPARTMENT)
        # The note says which level the term is at; a name found at another level is a different item.
        digits = 3 if "类级" in note.group(0) else 5
        return (ClassificationScheme.ECONOMIC_DEPARTMENT, code) if code and len(code) == digits else None
    return None


def find_definitions(doc: Document) -> list[Definition]:
    blocks = doc.paragraphs()
    found: dict[tuple[str, str], Definition] = {}
    for first, last in _sections(doc):
        for block in blocks[first:last]:
            line = doc.text[block.start : block.end]
            match = _ENTRY.match(line)
            if not match:
                continue
            resolved = _resolve(match.group("term"))
            if resolved is None:
                continue
            scheme, code = resolved
            start, end = block.start + match.start("text"), block.start + match.end("text")
            definition = Definition(
                match.group("term").strip(), scheme, code, doc.text[start:end].strip(), Evidence.of(doc, start, end)
            )
            found.setdefault((scheme.value, code), definition)  # the first entry of a code wins
    return list(found.values())


@component("definitions", provides=["definitions"])
def read_definitions(doc: Document, found: ReportRecords) -> None:
    found.definitions.extend(find_definitions(doc))
