"""Government web pages (.html, .htm): the main content's headings, paragraphs and tables.

A published page wraps the report in navigation, banners, sidebars and footers. The reader drops
the elements that are never content, finds the element holding the report (`<article>`/`<main>`,
else a container named like content, else the tightest element holding most of the text) and
walks it in document order. Tables keep their grid: a cell spanning columns or rows holds its text
in its first position and "" in the positions it covers.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml import etree

from kg.document import Document
from kg.errors import CorruptFileError, EmptyFileError, FileTooLargeError
from kg.normalize import normalise
from kg.readers.assemble import assemble
from kg.readers.limits import MAX_GRID_CELLS, check_cells
from kg.readers.text import decode

MEDIA_TYPE = "text/html"

_NEVER_CONTENT = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg")
_CHROME = ("nav", "header", "footer", "aside")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "section", "article", "main", "blockquote",
    "pre", "center", "address", "figure", "figcaption", "fieldset", "form", "hr", "caption",
    "details", "summary", "body", "html", "tr", "td", "th", "tbody", "thead", "tfoot",
}  # fmt: skip
_CONTENT_NAME = re.compile(r"content|article|trs_editor|zoom|main|detail|text|zwgk|xxgk", re.IGNORECASE)
_CHROME_NAME = re.compile(r"nav|menu|footer|header|sidebar|side-bar|breadcrumb|crumb|banner", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # HTML white space only: ideographic spaces are content
_RUNS_OF_SPACES = re.compile(r" {2,}")
_CELL_TAG = re.compile(r"<t[dh][\s>/]", re.IGNORECASE)
# GB2312/GBK labels are used loosely on Chinese sites; GB18030 reads everything they can hold.
_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "euc-cn", "cp936"}


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").lower()
    if label in _GB_ALIASES:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A Western single-byte label on a Chinese page is a template default, never the truth, and
    # decoding with it would always "succeed"; let UTF-8/GB18030/detection decide instead.
    return None if name in {"iso8859-1", "cp1252"} else name


def decode_html(path: Path, data: bytes) -> tuple[str, str]:
    """BOM, then the page's own <meta> charset, then UTF-8, GB18030 and detection (as text files)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(path, data)
    declared = _declared_charset(data)
    if declared and declared != "utf-8":
        # Pages saved again as UTF-8 often keep their old GB2312 meta; strict UTF-8 with any
        # non-ASCII byte practically never happens by chance in GB-encoded text.
        try:
            if not data.isascii():
                return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    return decode(path, data)


def _parse(path: Path, text: str) -> etree._Element:
    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses str input that names an encoding
    # The HTML parser keeps control characters that lxml then refuses to set again (dropping an
    # element moves its tail text): they are no report text, so they go first.
    text = _NOT_XML.sub(" ", text)
    if not text.strip():
        raise EmptyFileError(path, "the page is blank")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise CorruptFileError(path, f"not parseable as HTML: {exc}") from exc


def _tag(element: etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


class _TextLengths:
    """Characters of text outside links, per element: navigation is mostly links, a report is not.

    Computed once for each element, bottom-up and without recursion, so that asking for every
    element of a page (the content search does) is linear in the page, however deep it nests.
    A link counts 0 (its tail counts for its parent), a comment too.
    """

    def __init__(self) -> None:
        self._known: dict[etree._Element, int] = {}

    def __call__(self, element: etree._Element) -> int:
        known = self._known
        if element in known:
            return known[element]
        stack: list[tuple[etree._Element, bool]] = [(element, False)]
        while stack:
            node, done = stack.pop()
            if node in known:
                continue
            if not isinstance(node.tag, str) or _tag(node) == "a":
                known[node] = 0
            elif not done:
                stack.append((node, True))
                stack.extend((child, False) for child in node if child not in known)
            else:
                total = len(node.text.strip()) if node.text else 0
                for child in node:
                    total += known[child] + (len(child.tail.strip()) if child.tail else 0)
                known[node] = total
        return known[element]


def _has_heading(element: etree._Element) -> bool:
    return any(_tag(node) in _HEADINGS for node in element.iter())


def _is_layout(table: etree._Element) -> bool:
    """A table used for page layout (nested tables or headings inside, or one cell): walk into it."""
    if table.get("role") == "presentation" or table.find(".//table") is not None:
        return True
    return _has_heading(table) or len(table.xpath(".//td | .//th")) <= 1


def _strip(root: etree._Element) -> None:
    """Drop what is never report text, and the page chrome (kept when it is an article's own)."""
    for node in list(root.iter(*_NEVER_CONTENT)):
        node.drop_tree()
    for node in list(root.iter(*_CHROME)):
        if _tag(node) == "header" and any(_tag(a) == "article" for a in node.iterancestors()):
            continue  # an <article>'s <header> holds its title
        node.drop_tree()
    body = root.find("body")
    lengths = _TextLengths()
    body_length = lengths(body) if body is not None else 0
    small = [form for form in root.iter("form") if lengths(form) < body_length / 2]
    for form in small:  # ASP.NET pages wrap the whole page in one <form>; only small forms are search boxes
        form.drop_tree()


def _main_content(root: etree._Element) -> etree._Element:
    body = root.find("body")
    if body is None:
        body = root
    lengths = _TextLengths()
    total = lengths(body)

    semantic = [(length, el) for el in body.iter("article", "main") if (length := lengths(el))]
    if semantic:
        length, element = max(semantic, key=lambda pair: pair[0])
        if length >= total / 4:
            return element

    named: list[tuple[int, etree._Element]] = []
    for element in body.iter():
        name = f"{element.get('id', '')} {element.get('class', '')}"
        if _CONTENT_NAME.search(name) and not _CHROME_NAME.search(name):
            length = lengths(element)
            if length >= 20:
                named.append((length, element))
    if named:
        best = max(length for length, _ in named)
        # Content wrappers nest (main > content > TRS_Editor): take the tightest one that still
        # holds most of the text, preferring one that includes the report's heading.
        fits = sorted((pair for pair in named if pair[0] >= best * 0.7), key=lambda pair: pair[0])
        length, element = next((pair for pair in fits if _has_heading(pair[1])), fits[0])
        if length >= total / 4:
            return element

    # No named container: descend from <body> while one child holds nearly all of the text.
    element = body
    while True:
        length = lengths(element)
        child = next((c for c in element if length and lengths(c) >= length * 0.8), None)
        if child is None or (_tag(child) == "table" and not _is_layout(child)):
            return element
        element = child


def _inline_text(element: etree._Element, *, line_breaks: bool) -> str:
    """Text of an element with HTML white space collapsed; <br> gives a newline if asked for."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if _tag(child) == "br":
                parts.append("\n" if line_breaks else " ")
            elif _tag(child) in _BLOCKS or _tag(child) in _HEADINGS or _tag(child) == "table":
                parts.append("\n" if line_breaks else " ")
                walk(child)
                parts.append("\n" if line_breaks else " ")
            elif isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))


def _span(value: str | None, limit: int) -> int:
    try:
        number = int((value or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), limit)


class _TooManyCells(Exception):
    pass


def _rows(table: etree._Element, budget: list[int]) -> list[list[str]]:
    """The table's grid, honouring colspan and rowspan; `budget[0]` grid positions may still be laid out."""
    trs = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(trs):
        c = 0
        for cell in tr.xpath("./td | ./th"):
            while (r, c) in grid:
                c += 1
            # Caps keep a bad attribute from exploding; rowspan="0" means to the end of the table.
            colspan = _span(cell.get("colspan"), 1000)
            rows_left = len(trs) - r
            rowspan_attr = (cell.get("rowspan") or "").strip()
            rowspan = rows_left if rowspan_attr == "0" else _span(rowspan_attr, rows_left)
            budget[0] -= rowspan * colspan
            if budget[0] < 0:  # spans multiply: 1000 columns by 1000 rows from one cell
                raise _TooManyCells
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = ""
            grid[(r, c)] = _inline_text(cell, line_breaks=False)
            c += colspan
    if not grid:
        return []
    width = max(c for _, c in grid) + 1
    budget[0] -= width * len(trs) - len(grid)
    if budget[0] < 0:
        raise _TooManyCells
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(trs))]


@dataclass
class _Collector:
    """Headings, paragraph lines and tables of the main content, in document order."""

    items: list[tuple[str, str | list[list[str]]]] = field(default_factory=list)
    budget: list[int] = field(default_factory=lambda: [MAX_GRID_CELLS])  # grid positions left
    _line: list[str] = field(default_factory=list)

    def flush(self) -> None:
        text = "".join(self._line)
        self._line.clear()
        for line in text.split("\n"):
            line = _SPACES.sub(" ", line).strip()
            if line:
                self.items.append(("paragraph", line))

    def walk(self, element: etree._Element) -> None:
        """The element's own text and children; its tail belongs to its parent."""
        if element.text:
            self._line.append(element.text)
        for child in element:
            self.visit(child)
            if child.tail:
                self._line.append(child.tail)

    def visit(self, element: etree._Element) -> None:
        tag = _tag(element)
        if tag in _HEADINGS:
            self.flush()
            self.items.append(("heading", _inline_text(element, line_breaks=False)))
        elif tag == "table" and not _is_layout(element):
            self.flush()
            self.items.append(("table", _rows(element, self.budget)))
        elif tag == "br":
            self._line.append("\n")
        elif tag == "pre":
            self.flush()
            self.items.extend(("paragraph", line) for line in element.text_content().split("\n"))
        elif tag in _BLOCKS or tag == "table":
            self.flush()
            self.walk(element)
            self.flush()
        elif tag:  # inline element; comments have no tag name and no text of their own
            self.walk(element)


def _clean(text: str, traditional: bool) -> str:
    # Runs of no-break spaces become runs of spaces after normalising; one is enough.
    return _RUNS_OF_SPACES.sub(" ", normalise(text, traditional=traditional)).strip()


def read(path: Path, data: bytes, sha256: str) -> Document:
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CorruptFileError(path, "binary data, not an HTML page")
    text, encoding = decode_html(path, data)
    # Every cell is an element to parse and lay out: count them first (a bound, as some are nested).
    check_cells(path, len(_CELL_TAG.findall(text)))
    root = _parse(path, text)
    title = _SPACES.sub(" ", root.findtext(".//title") or "").strip()
    _strip(root)

    collector = _Collector()
    try:
        collector.visit(_main_content(root))
    except _TooManyCells as exc:
        raise FileTooLargeError(path, f"its tables span more than {MAX_GRID_CELLS:,} cells") from exc
    collector.flush()
    items = collector.items
    if not any(kind == "heading" for kind, _ in items) and title:
        items.insert(0, ("heading", title))
    if not items:
        raise EmptyFileError(path, "the page has no text")

    return assemble(items, path, MEDIA_TYPE, sha256, encoding=encoding, clean=_clean)
