"""Plain-text reports (.txt, .md): encoding detection, paragraphs, and tables.

Text exports of Word and PDF reports keep tables as lines of tab-separated cells; consecutive
such lines (a single blank line may interrupt them) become one table, laid out as the builder
lays out every tab table. Tables in other layouts (pipes, one cell per line, aligned columns:
`kg.readers.layout`) keep their lines as written, their cells being spans of them. Before that,
text exported from PDF loses its page markers and its hard line breaks inside words.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from kg.document import Document, DocumentBuilder
from kg.errors import EncodingError
from kg.normalize import is_traditional, normalise_text
from kg.readers.layout import TextTable, clean_pdf_text, find_tables, line_starts
from kg.readers.limits import check_cells, check_text

_HEADING = re.compile(r"^\s*(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|附件\s*\d*[:：]?\s*$|附表\s*$)")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode report bytes: BOMs, then strict UTF-8, then strict GB18030, then detection, then the
    UTF-8 or GB18030 reading that loses fewest bytes, each lost byte run replaced by U+FFFD.

    A report with a few damaged bytes is still read (the Document states where: `damaged`); one
    that is mostly damage cannot be read at all and raises `EncodingError`.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _lenient(path, data, name)
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    readings = [(data.decode(name, errors="replace"), name) for name in ("utf-8", "gb18030")]
    _, name = min(readings, key=lambda r: r[0].count("\ufffd"))
    return _lenient(path, data, name)


_MOST_DAMAGED = 0.5  # above this share of replaced characters the text is noise, not a report


def _lenient(path: Path, data: bytes, name: str) -> tuple[str, str]:
    text = data.decode(name, errors="replace")
    lost = text.count("\ufffd")
    if lost and lost > _MOST_DAMAGED * len(text.strip()):
        raise EncodingError(path, f"{lost} of {len(text)} characters undecodable as {name}")
    return text, name


def _is_table_line(line: str) -> bool:
    return "\t" in line and line.strip("\t ") != ""


def add_lines(builder: DocumentBuilder, text: str, *, layouts: bool = False) -> None:
    """Add normalised text to a builder: tab lines become tables, other lines paragraphs.

    With `layouts`, tables in the other text layouts are found too (the text reader asks for
    them; a PDF page's text outside its ruled tables does not).
    """
    lines = text.split("\n")
    starts = line_starts(lines)
    found: dict[int, TextTable] = {t.first: t for t in find_tables(text)} if layouts else {}
    i = 0
    while i < len(lines):
        if i in found:
            table = found[i]
            base, end = starts[table.first], starts[table.last] + len(lines[table.last])
            rows = [[(c.start - base, c.end - base, c.text) for c in row] for row in table.rows]
            builder.text_table(text[base:end], rows, at=base)
            i = table.last + 1
            continue
        if _is_table_line(lines[i]):
            rows: list[list[str]] = []
            cell_at: list[list[int]] = []
            while i < len(lines):
                if _is_table_line(lines[i]):
                    cells = lines[i].split("\t")
                    rows.append(cells)
                    cell_at.append(_cell_offsets(starts[i], cells))
                    i += 1
                elif not lines[i].strip() and i + 1 < len(lines) and _is_table_line(lines[i + 1]):
                    i += 1  # one blank line inside a table, as page breaks leave them
                else:
                    break
            builder.table(rows, cell_at)
            continue
        line = lines[i]
        if line.strip():
            if _HEADING.match(line):
                builder.heading(line.strip(), starts[i] + len(line) - len(line.lstrip()))
            else:
                builder.paragraph(line.rstrip(), starts[i])
        i += 1


def _cell_offsets(line_start: int, cells: list[str]) -> list[int]:
    offsets, at = [], line_start
    for cell in cells:
        offsets.append(at)
        at += len(cell) + 1  # the tab
    return offsets


def check_raw(path: Path, raw: str) -> None:
    """The limits, checked on the decoded text before tables are looked for: each tab or pipe may
    open a cell."""
    check_text(path, raw)
    check_cells(path, raw.count("\t") + raw.count("|"))


def read(path: Path, data: bytes, sha256: str) -> Document:
    raw, encoding = decode(path, data)
    check_raw(path, raw)
    traditional = is_traditional(raw)
    # PDF clean-up first: the text "as written" is the report without page marks and hard wraps.
    normalised = normalise_text(clean_pdf_text(raw), traditional=traditional)
    builder = DocumentBuilder(normalised)
    add_lines(builder, normalised.text, layouts=True)
    media_type = "text/markdown" if path.suffix.lower() == ".md" else "text/plain"
    return builder.build(path, media_type, sha256, encoding=encoding, converted_from_traditional=traditional)
