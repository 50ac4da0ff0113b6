"""The policy documents a report cites: every 文号 (kg.lexicon.docnumbers) and 《title》.

Titles. A numbered citation takes the 《title》 that ends immediately before it, with at most an
opening bracket and spaces between (《title》（number） or 《title》number); nested 〈〉 or <> titles
stay inside the outer title. A 《title》 with no number becomes a title-only citation (number None,
evidence = the title inside the brackets) when it names a policy document, decided by its genre: it
must end, after an optional bracketed qualifier such as （试行） or （2023年版）, with a genre word of
laws, regulations and normative or internal management documents: 法, 条例, 规定, 办法, 细则, 意见,
通知, 决定, 方案, 制度, 规则, 规程, 准则, 纲要, 规划, 要点, 批复, 公告, 决议, 指引, 指南, 守则. Reports,
handbooks, leaflets, letters and forms (…自评报告, …工作手册, …的一封信, …表) are therefore not
policy documents. A numbered title is always a citation whatever its genre: the number proves it.
"""

from __future__ import annotations

import re

from kg.document import Document
from kg.extract.allocations import without_own_number
from kg.extract.component import component
from kg.extract.sentences import sentence_bounds
from kg.lexicon.docnumbers import (
    ANCHOR_IN_TEXT,
    INNER_SPACE,
    OPEN_BRACKETS,
    PLACEHOLDER,
    is_bare,
    is_named,
    issuer_start,
    number_from,
    run_start,
)
from kg.records import Citation, DocumentNumber, Evidence, ReportRecords

_GENRES = (
    "法",
    "条例",
    "规定",
    "办法",
    "细则",
    "意见",
    "通知",
    "决定",
    "方案",
    "制度",
    "规则",
    "规程",
    "准则",
    "纲要",
    "规划",
    "要点",
    "批复",
    "公告",
    "决议",
    "指引",
    "指南",
    "守则",
)
_QUALIFIER = re.compile(r"[（(][^（()）]{1,12}[）)]\s*$")  # （试行） （修订） （2023年版）
_TITLE = re.compile(r"[《«]([^《》«»\n]{1,200})[》»]")
_TITLE_BREAKS = 2
_BREAK = re.compile(r"\s*\n\s*")
_TITLE_STOPS = "，,、。；;：:！!？?\n《》«»“”\"'"
_MAX_PROSE_TITLE = 80
_PROSE_GAP = re.compile(r"[ \t]*[（(【\[]?[ \t]*$")
_PROSE_LEAD = re.compile(r"^(?:[\d.、．)）]+|根据|依据|按照|依照|参照|印发了?|转发了?)+")
# Between a title and its number: spaces and at most one opening bracket.
_TITLE_GAP = re.compile(rf"[》»]{INNER_SPACE}[{OPEN_BRACKETS}]?{INNER_SPACE}$")


def _title_before(text: str, number_start: int) -> tuple[int, int] | None:
    """Span (inside the brackets) of the 《title》 that ends right before a number, if any."""
    gap = _TITLE_GAP.search(text, max(0, number_start - 8), number_start)
    if gap is None:
        return None
    close = gap.start()
    depth = breaks = 0
    # Walk back to the matching 《; a PDF's hard line breaks may cut a title into a few lines.
    for i in range(close - 1, max(-1, close - 400), -1):
        ch = text[i]
        if ch == "\n":
            breaks += 1
            if breaks > _TITLE_BREAKS:
                return None
        if ch in "》»":
            depth += 1
        elif ch in "《«":
            if depth == 0:
                return i + 1, close
            depth -= 1
    return None


def _joined(title: str) -> str:
    """A title as written, with the hard line breaks inside it (and their indentation) dropped."""
    return _BREAK.sub("", title) if "\n" in title else title


def _prose_title(text: str, number_start: int) -> str | None:
    """A title written without 《》 right before its number: 国务院关于…的意见（国发〔2016〕32号）.

    The words back to the previous punctuation mark, less a list mark and a lead-in, when they read
    as a policy title (关于 … ending in a genre word such as 通知 or 意见).
    """
    gap = _PROSE_GAP.search(text, max(0, number_start - 4), number_start)
    end = gap.start() if gap else number_start
    start = end
    while start > 0 and end - start < _MAX_PROSE_TITLE and text[start - 1] not in _TITLE_STOPS:
        start -= 1
    words = _PROSE_LEAD.sub("", text[start:end].strip())
    if "关于" not in words or len(words) < 6 or not is_policy_title(words):
        return None
    return words


def is_policy_title(title: str) -> bool:
    """True when a title names a law, regulation or normative/management document (see module doc)."""
    core = title.strip()
    while True:
        stripped = _QUALIFIER.sub("", core)
        if stripped == core or not stripped:
            break
        core = stripped.rstrip()
    return core.endswith(_GENRES)


def _citation(doc: Document, number: DocumentNumber | None, span: tuple[int, int], title: str | None) -> Citation:
    start, end = span
    s, e = sentence_bounds(doc.text, start, end)
    number_text = doc.text[start:end] if number is not None else None
    return Citation(number, number_text, title, Evidence.of(doc, start, end), Evidence.of(doc, s, e))


def find_citations(doc: Document) -> list[Citation]:
    """Every 文号 occurrence and every title-only policy document cited in the document, in text order."""
    text = doc.text
    found: list[Citation] = []
    numbered_titles: set[int] = set()
    for m in ANCHOR_IN_TEXT.finditer(text):
        begin = run_start(text, m.start())
        run = text[begin : m.start()]
        cut = issuer_start(run, named=is_named(m), bare=is_bare(m))
        if cut is None:
            continue
        start = begin + cut
        if cut == 0 and (placeholder := PLACEHOLDER.search(text, max(0, start - 4), start)):
            start = placeholder.start()  # X 财社〔2020〕117号: an anonymised issuer
        number = number_from(m, text[start : m.start()])
        title_span = _title_before(text, start)
        title = None
        if title_span is not None:
            title = _joined(text[title_span[0] : title_span[1]])
            numbered_titles.add(title_span[0])
        else:
            title = _prose_title(text, start)
        found.append(_citation(doc, number, (start, m.end()), title))
    for m in _TITLE.finditer(text):
        if m.start(1) in numbered_titles or not is_policy_title(m.group(1)):
            continue
        found.append(_citation(doc, None, m.span(1), m.group(1)))
    found.sort(key=lambda c: c.evidence.start)
    return found


@component("citations", needs=["allocations"], provides=["citations"])
def read_citations(doc: Document, found: ReportRecords) -> None:
    """Every policy document the report cites, less an allocation notice's own number."""
    found.citations.extend(without_own_number(find_citations(doc), found.allocations))
