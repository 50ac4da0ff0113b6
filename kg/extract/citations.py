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
from kg.lexicon.docnumbers import ANCHOR_IN_TEXT, INNER_SPACE, OPEN_BRACKETS, issuer_start, number_from, run_start
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
_TITLE = re.compile(r"《([^《》\n]{1,200})》")
# Between a title and its number: spaces and at most one opening bracket.
_TITLE_GAP = re.compile(rf"》{INNER_SPACE}[{OPEN_BRACKETS}]?{INNER_SPACE}$")


def _title_before(text: str, number_start: int) -> tuple[int, int] | None:
    """Span (inside the brackets) of the 《title》 that ends right before a number, if any."""
    gap = _TITLE_GAP.search(text, max(0, number_start - 8), number_start)
    if gap is None:
        return None
    close = gap.start()
    depth = 0
    # Walk back to the matching 《; a title never spans lines.
    for i in range(close - 1, max(-1, close - 400), -1):
        ch = text[i]
        if ch == "\n":
            return None
        if ch == "》":
            depth += 1
        elif ch == "《":
            if depth == 0:
                return i + 1, close
            depth -= 1
    return None


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
        cut = issuer_start(run, named=bool(m.group("y3")))
        if cut is None:
            continue
        start = begin + cut
        number = number_from(m, run[cut:])
        title_span = _title_before(text, start)
        title = None
        if title_span is not None:
            title = text[title_span[0] : title_span[1]]
            numbered_titles.add(title_span[0])
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
