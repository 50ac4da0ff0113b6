"""Policy-document numbers (文号) and the documents a report cites.

Number forms read (spaces allowed between every part; brackets any of
〔〕 [] ［］ （） () 【】 〈〉 ﹝﹞ 〖〗):

- issuer + (year) + serial + 号            乐府办规〔2022〕3号, 乐府办规[2022]第3号
- issuer + year + (serial) + 号            井委编委发2019〔23〕号 (year outside the brackets)
- issuer + year + 年第 + serial + 号        国家税务总局公告2019年第39号 (only when the issuer ends in
                                          公告, 通告, 公报 or 令: otherwise 2019年第3号 is no 文号)

All become `DocumentNumber(issuer, year, serial)` with the canonical form issuer〔year〕serial号 and no
zero padding. A number without a year (财政部令第85号) cannot be canonicalised and is not read.

Issuer boundary. The issuer is the run of Han characters directly before the year or bracket, so
punctuation and a closing 》 or opening （ already bound it. Inside the run, the issuer starts after
the last lead-in word: prepositions and verbs that introduce a citation (根据, 按照, 依据, 参照,
印发, 转发, 贯彻, 执行 …), title endings (通知, 意见, 办法 …) and function characters (的, 了, 和,
及, 与, 等 …). None of these occur in real issuer codes, which abbreviate organisations (湘医保发,
财社, 奉节府办发). An issuer longer than 8 characters (12 for the 公告/令 年第N号 form, whose issuers
are full names) is not trusted and the occurrence is skipped rather than recorded with a wrong
issuer. Residual risk: an organisation name written directly before the code with no lead-in word
(省医保局湘医保发〔…〕) is swallowed when the whole run stays within the limit.

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
from kg.extract.records import Citation, DocumentNumber, Evidence
from kg.extract.sentences import sentence_bounds

_OPEN = "〔［\\[（(【〈﹝〖"
_CLOSE = "〕］\\]）)】〉﹞〗"
_HAN = "\u4e00-\u9fff"
_YEAR = r"(?:19|20)\d{2}"
_SERIAL = r"\d{1,5}"
_S = r"[ \t]*"  # spaces, as PDF exports scatter them

# The anchor is what follows the issuer; the issuer itself is cut out of the preceding run afterwards.
_ANCHOR = (
    rf"(?:[{_OPEN}]{_S}(?P<y1>{_YEAR}){_S}[{_CLOSE}]{_S}第?{_S}(?P<n1>{_SERIAL}){_S}号"
    rf"|(?P<y2>{_YEAR}){_S}[{_OPEN}]{_S}第?{_S}(?P<n2>{_SERIAL}){_S}[{_CLOSE}]{_S}号"
    rf"|(?P<y3>{_YEAR}){_S}年{_S}第{_S}(?P<n3>{_SERIAL}){_S}号)"
)
# Search for the anchor right after a Han character, then walk back over the issuer run: searching
# for the run first would retry at every Han character of the report.
_ANCHOR_IN_TEXT = re.compile(rf"(?<=[{_HAN}]){_S}{_ANCHOR}(?!\d)")
_IS_HAN = re.compile(rf"[{_HAN}]")
_MAX_RUN = 30  # longer runs hold a lead-in well before any plausible issuer
# parse_document_number sees the input without spaces, wrapped in optional brackets.
_ALONE = re.compile(rf"[{_OPEN}]?(?P<run>[{_HAN}]+){_ANCHOR.replace(_S, '')}[{_CLOSE}]?")
_ALONE_NO_HAO = re.compile(rf"[{_OPEN}]?(?P<run>[{_HAN}]+)[{_OPEN}](?P<y1>{_YEAR})[{_CLOSE}]第?(?P<n1>{_SERIAL})")

# Words after which the issuer starts (see the module docstring). Longest first, so 按照 wins over 按.
_LEAD_INS = sorted(
    {
        "根据",
        "按照",
        "依据",
        "依照",
        "遵照",
        "参照",
        "对照",
        "结合",
        "印发",
        "转发",
        "下发",
        "出台",
        "制定",
        "制发",
        "贯彻",
        "落实",
        "执行",
        "严格",
        "文件",
        "精神",
        "要求",
        "规定",
        "通知",
        "意见",
        "办法",
        "方案",
        "细则",
        "决定",
        "批复",
        "关于",
        "以及",
        "详见",
        "参见",
        "的",
        "了",
        "和",
        "及",
        "与",
        "等",
        "按",
        "据",
        "见",
        "由",
        "在",
        "是",
        "为",
        "将",
        "对",
        "即",
        "以",
        "或",
        "并",
        "号",
    },
    key=len,
    reverse=True,
)
_LEAD_IN = re.compile("|".join(_LEAD_INS))
_MAX_ISSUER = 8
_MAX_ISSUER_NAMED = 12  # 公告/令 2019年第39号: the issuer is a full organisation name
_NAMED_KINDS = ("公告", "通告", "公报", "令")

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
_TITLE_GAP = re.compile(rf"》{_S}[{_OPEN}]?{_S}$")


def _issuer_start(run: str, named: bool) -> int | None:
    """Offset in `run` where the issuer code starts, or None when no plausible issuer is left."""
    cut = 0
    for m in _LEAD_IN.finditer(run):
        cut = m.end()
    while cut < len(run) and run[cut] == " ":
        cut += 1
    issuer = run[cut:].replace(" ", "")
    limit = _MAX_ISSUER_NAMED if named else _MAX_ISSUER
    if not issuer or len(issuer) > limit or (named and not issuer.endswith(_NAMED_KINDS)):
        return None
    return cut


def _run_start(text: str, end: int) -> int:
    """Start of the run of Han characters (single inner spaces allowed) that ends at `end`."""
    start = end
    limit = max(0, end - _MAX_RUN)
    i = end - 1
    while i >= limit:
        ch = text[i]
        if _IS_HAN.match(ch):
            start = i
        elif not (ch == " " and i > limit and _IS_HAN.match(text[i - 1])):
            break
        i -= 1
    return start


def _number_from(m: re.Match[str], run: str) -> DocumentNumber:
    groups = m.groupdict()
    year = groups.get("y1") or groups.get("y2") or groups.get("y3")
    serial = groups.get("n1") or groups.get("n2") or groups.get("n3")
    return DocumentNumber(run.replace(" ", ""), int(year), str(int(serial)))


def parse_document_number(text: str) -> DocumentNumber | None:
    """Parse one 文号 written in any common variant; None when `text` is not one.

    Spaces anywhere are ignored, the whole input may be wrapped in brackets, a missing final 号 is
    tolerated for the bracketed-year form, and a lead-in such as 根据 is cut off the issuer.
    """
    compact = re.sub(r"\s+", "", text)
    m = _ALONE.fullmatch(compact) or _ALONE_NO_HAO.fullmatch(compact)
    if m is None:
        return None
    run = m.group("run")
    named = bool(m.groupdict().get("y3"))
    cut = _issuer_start(run, named)
    if cut is None:
        return None
    return _number_from(m, run[cut:])


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
    for m in _ANCHOR_IN_TEXT.finditer(text):
        run_start = _run_start(text, m.start())
        run = text[run_start : m.start()]
        cut = _issuer_start(run, named=bool(m.group("y3")))
        if cut is None:
            continue
        start = run_start + cut
        number = _number_from(m, run[cut:])
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
