"""Word reports (.docx): headings, paragraphs and tables in the order the body holds them.

The body is walked as XML rather than through python-docx's paragraph/table lists, because those
lists lose the interleaving of paragraphs and tables, and its row cells repeat merged cells instead
of saying where a merge starts. A table keeps its layout grid: a horizontally merged cell
(`w:gridSpan`) holds its text in its first column and "" in the columns it spans, and the
continuation cells of a vertical merge (`w:vMerge`) are "".
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

from docx import Document as open_docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from kg.document import Document
from kg.errors import CorruptFileError, EncryptedFileError
from kg.readers.assemble import assemble
from kg.readers.limits import ZIP_ERRORS, check_archive, check_cells

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Compound File Binary (OLE) magic: Word wraps a password-protected .docx in one, and the
# Word 97-2003 .doc format is one too.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
# Containers that only wrap block or cell content (content controls, custom XML, tracked insertions).
_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins"), qn("w:smartTag")}
# Not body text: floating text boxes (whose VML fallback would repeat them) and deleted text.
_SKIP = {qn("w:txbxContent"), qn("w:del"), qn("w:pict"), _MC_FALLBACK}

_HEADING_STYLE = re.compile(r"^(heading|标题)\s*\d|^(title|标题)$", re.IGNORECASE)

Item = tuple[str, str | list[list[str]]]  # ("heading" | "paragraph", text) or ("table", rows)


def _attr(element: etree._Element, path: str) -> str | None:
    """The w:val of the first element at `path` under `element`, if any."""
    found = element.find(path, namespaces=_NS)
    return None if found is None else found.get(qn("w:val"))


def _int(value: str | None, default: int) -> int:
    try:
        return max(int(value), 0) if value is not None else default
    except ValueError:
        return default


def _children(element: etree._Element) -> Iterator[etree._Element]:
    """Children of `element`, looking through content controls and other pure wrappers."""
    for child in element:
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


def _run_text(element: etree._Element) -> str:
    """Visible text of a paragraph: w:t, tabs and breaks, skipping text boxes and deletions."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        for child in node:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in (_BR, _CR):
                parts.append("\n")
            elif tag == _NO_BREAK_HYPHEN:
                parts.append("-")
            elif tag != _TBL:
                walk(child)

    walk(element)
    return "".join(parts)


def _cell_text(tc: etree._Element) -> str:
    """A cell's paragraphs joined by newlines; a nested table is flattened into the same text."""
    pieces: list[str] = []
    for child in _children(tc):
        if child.tag == _P:
            pieces.append(_run_text(child))
        elif child.tag == _TBL:
            pieces.extend(" ".join(c for c in row if c) for row in _table_rows(child))
    return "\n".join(p for p in pieces if p.strip())


def _table_rows(tbl: etree._Element) -> list[list[str]]:
    grid_width = len(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
    rows: list[list[str]] = []
    for tr in _children(tbl):
        if tr.tag != _TR:
            continue
        # A row may start after the first grid column (w:gridBefore); keep the columns aligned.
        row = [""] * _int(_attr(tr, "w:trPr/w:gridBefore"), 0)
        for tc in _children(tr):
            if tc.tag != _TC:
                continue
            span = max(_int(_attr(tc, "w:tcPr/w:gridSpan"), 1), 1)
            vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            hmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:hMerge')}")  # pre-2007 horizontal merge
            continued = any(m is not None and m.get(qn("w:val"), "continue") == "continue" for m in (vmerge, hmerge))
            row.append("" if continued else _cell_text(tc))
            row.extend([""] * (span - 1))
        rows.append(row)
    width = max([grid_width, *(len(r) for r in rows)])
    return [r + [""] * (width - len(r)) for r in rows]


def _is_heading(p: etree._Element, styles: dict[str, tuple[str, str | None, str | None]]) -> bool:
    """Heading styles (Heading n / 标题 n / Title) or an outline level 0-8 on the paragraph or its style."""
    level = _attr(p, "w:pPr/w:outlineLvl")
    style_id = _attr(p, "w:pPr/w:pStyle")
    seen: set[str] = set()
    while level is None and style_id in styles and style_id not in seen:
        seen.add(style_id)
        name, style_level, based_on = styles[style_id]
        if _HEADING_STYLE.match(name):
            return True
        level, style_id = style_level, based_on
    return level is not None and _int(level, 9) < 9


def _style_table(document: WordDocument) -> dict[str, tuple[str, str | None, str | None]]:
    """style id → (name, outline level, based-on id), read once per document."""
    table: dict[str, tuple[str, str | None, str | None]] = {}
    for style in document.styles.element.findall(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        if style_id:
            table[style_id] = (
                _attr(style, "w:name") or "",
                _attr(style, "w:pPr/w:outlineLvl"),
                _attr(style, "w:basedOn"),
            )
    return table


def _items(body: etree._Element, styles: dict[str, tuple[str, str | None, str | None]]) -> list[Item]:
    items: list[Item] = []
    for child in _children(body):
        if child.tag == _P:
            text = _run_text(child)
            if _is_heading(child, styles):
                items.append(("heading", " ".join(text.split("\n"))))
            else:
                # A tab in Document.text separates table cells, so paragraph tabs (tab stops
                # in a table of contents, say) become spaces; soft line breaks split paragraphs.
                items.extend(("paragraph", line.replace("\t", " ")) for line in text.split("\n"))
        elif child.tag == _TBL:
            items.append(("table", _table_rows(child)))
    return items


def _is_word97(data: bytes) -> bool:
    return "WordDocument".encode("utf-16-le") in data and "EncryptedPackage".encode("utf-16-le") not in data


def read(path: Path, data: bytes, sha256: str) -> Document:
    if data.startswith(_OLE_MAGIC):
        if _is_word97(data):  # a Word 97-2003 file saved under a .docx name: read it as what it is
            from kg.readers import doc

            return doc.read(path, data, sha256)
        raise EncryptedFileError(path, "an OLE container, as Word writes for a password-protected .docx")
    check_archive(path, data)
    try:
        document = open_docx(io.BytesIO(data))
        items = _items(document.element.body, _style_table(document))
    except (*ZIP_ERRORS, PackageNotFoundError, etree.XMLSyntaxError) as exc:
        raise CorruptFileError(path, f"not a readable .docx: {type(exc).__name__}: {exc}") from exc
    check_cells(path, sum(len(row) for kind, content in items if kind == "table" for row in content))
    return assemble(items, path, MEDIA_TYPE, sha256)
