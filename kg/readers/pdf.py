"""PDF reports: text lines and ruled tables, page by page, in reading order.

On each page the tables pdfplumber finds split the page into horizontal bands. Text is taken band
by band from the characters outside every table, so paragraphs and tables interleave as printed
and no table text is repeated as a paragraph. Only PDFs with a text layer can be read: scanned
pages would need OCR, which FundKG does not do.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import Page as PdfPage
from pdfplumber.table import Table as PdfTable

from kg.document import Document, DocumentBuilder
from kg.errors import CorruptFileError, EmptyFileError, EncryptedFileError, FileTooLargeError, ReportError
from kg.normalize import is_traditional, normalise
from kg.readers.limits import MAX_PAGES, MAX_TEXT_CHARS
from kg.readers.text import add_lines

MEDIA_TYPE = "application/pdf"

# pdfminer logs a warning for every odd font or object it meets; reports are full of them.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_NUMBERISH = re.compile(r"[0-9.,]")


@dataclass
class _Band:
    """A horizontal slice of a page: either free text, or the tables that share these heights."""

    top: float
    bottom: float
    tables: list[PdfTable]


def _join_lines(text: str) -> str:
    """Join a wrapped cell's lines: no space after or before a Chinese character, none inside a
    number wrapped by a narrow column (1,234,\n567.00), one space otherwise."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        joined = _CJK.match(out[-1]) or _CJK.match(line[0]) or (_NUMBERISH.match(out[-1]) and _NUMBERISH.match(line[0]))
        out += ("" if joined else " ") + line
    return out


def _is_real_table(rows: list[list[str | None]]) -> bool:
    """A single-cell "table" is a frame drawn around text (a page border, a boxed note): keep it text."""
    return len(rows) > 1 or (bool(rows) and len(rows[0]) > 1)


def _bands(tables: list[PdfTable]) -> list[_Band]:
    """Free-text and table bands from top to bottom; tables overlapping in height share a band."""
    table_bands: list[_Band] = []
    for table in sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0])):
        _, top, _, bottom = table.bbox
        if table_bands and top < table_bands[-1].bottom:
            band = table_bands[-1]
            band.bottom = max(band.bottom, bottom)
            band.tables.append(table)
        else:
            table_bands.append(_Band(top, bottom, [table]))
    bands: list[_Band] = []
    cursor = -math.inf  # open-ended first and last bands: no character can fall outside them
    for band in table_bands:
        bands.append(_Band(cursor, band.top, []))
        band.tables.sort(key=lambda t: t.bbox[0])
        bands.append(band)
        cursor = band.bottom
    bands.append(_Band(cursor, math.inf, []))
    return bands


def _inside(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _band_text(page: PdfPage, band: _Band, tables: list[PdfTable]) -> str:
    """Text of the characters centred in the band and outside every table on the page."""

    def keep(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return False
        y = (obj["top"] + obj["bottom"]) / 2
        return band.top <= y < band.bottom and not any(_inside(obj, t.bbox) for t in tables)

    return page.filter(keep).extract_text() or ""


Piece = tuple[str, str | list[list[str]]]  # ("text", lines) or ("table", rows)


def _page_pieces(page: PdfPage) -> list[Piece]:
    found = [(table, table.extract()) for table in page.find_tables()]
    rows_of = {id(table): rows for table, rows in found if _is_real_table(rows)}
    tables = [table for table, _ in found if id(table) in rows_of]
    pieces: list[Piece] = []
    for band in _bands(tables):
        # Text beside a table (outside its box but at its height) follows that table.
        for table in band.tables:
            # pdfplumber gives None for grid positions a spanning cell covers.
            rows = [[_join_lines(cell or "") for cell in row] for row in rows_of[id(table)]]
            pieces.append(("table", rows))
        text = _band_text(page, band, tables)
        if text.strip():
            pieces.append(("text", text))
    return pieces


def _encrypted(exc: BaseException) -> bool:
    """pdfplumber wraps pdfminer's errors; look through the wrapping for a password problem."""
    seen: Iterable[object] = (exc, exc.__cause__, exc.__context__, *exc.args)
    return any(isinstance(e, PDFPasswordIncorrect | PDFEncryptionError) for e in seen)


def _read_pages(path: Path, data: bytes) -> tuple[list[tuple[int, list[Piece]]], int]:
    """Pieces per 1-based page number, and how many characters the text layer holds."""
    if b"%PDF-" not in data[:1024]:
        raise CorruptFileError(path, "no %PDF- header")
    pages: list[tuple[int, list[Piece]]] = []
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise FileTooLargeError(path, f"it has {len(pdf.pages):,} pages, more than {MAX_PAGES:,}; split it")
            for page in pdf.pages:
                chars += sum(1 for c in page.chars if c.get("text", "").strip())
                if chars > MAX_TEXT_CHARS:
                    raise FileTooLargeError(path, f"its text runs to more than {MAX_TEXT_CHARS:,} characters")
                pages.append((page.page_number, _page_pieces(page)))
                page.close()  # frees the page's parsed objects; reports run to hundreds of pages
    except ReportError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on malformed input
        if _encrypted(exc):
            raise EncryptedFileError(path, "a password is needed to open it") from exc
        raise CorruptFileError(path, f"{type(exc).__name__}: {exc}") from exc
    return pages, chars


def read(path: Path, data: bytes, sha256: str) -> Document:
    pages, chars = _read_pages(path, data)
    if not pages:
        raise EmptyFileError(path, "the PDF has no pages")
    if chars == 0:
        raise EmptyFileError(path, "no text layer, probably scanned images; OCR is not supported")

    raw = "\n".join(
        "\n".join("\t".join(r) for r in content) if isinstance(content, list) else content
        for _, pieces in pages
        for _, content in pieces
    )
    traditional = is_traditional(raw)

    builder = DocumentBuilder()
    for number, pieces in pages:
        builder.new_page(number)
        for _, content in pieces:
            if isinstance(content, list):
                builder.table([[normalise(c, traditional=traditional) for c in row] for row in content])
            else:
                add_lines(builder, normalise(content, traditional=traditional))
    return builder.build(path, MEDIA_TYPE, sha256, converted_from_traditional=traditional)
