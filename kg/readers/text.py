"""Plain-text reports (.txt, .md): encoding detection, paragraphs, and tab-separated tables.

Text exports of Word and PDF reports keep tables as lines of tab-separated cells; consecutive
such lines (a single blank line may interrupt them) become one table.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from kg.document import Document, DocumentBuilder
from kg.errors import EncodingError
from kg.normalize import is_traditional, normalise

_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|附件\s*\d*[:：]?\s*$|附表\s*$)"
)


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode report bytes: BOMs, then strict UTF-8, then strict GB18030, then detection."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name), name
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise EncodingError(path, "neither UTF-8 nor GB18030, and detection found no match")
    return str(best), best.encoding


def _is_table_line(line: str) -> bool:
    return "\t" in line and line.strip("\t ") != ""


def add_lines(builder: DocumentBuilder, text: str) -> None:
    """Add normalised text to a builder: tab lines become tables, other lines paragraphs."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if _is_table_line(lines[i]):
            rows: list[list[str]] = []
            while i < len(lines):
                if _is_table_line(lines[i]):
                    rows.append(lines[i].split("\t"))
                    i += 1
                elif not lines[i].strip() and i + 1 < len(lines) and _is_table_line(lines[i + 1]):
                    i += 1  # one blank line inside a table, as page breaks leave them
                else:
                    break
            builder.table(rows)
            continue
        line = lines[i]
        if line.strip():
            if _HEADING.match(line):
                builder.heading(line.strip())
            else:
                builder.paragraph(line.rstrip())
        i += 1


def read(path: Path, data: bytes, sha256: str) -> Document:
    raw, encoding = decode(path, data)
    traditional = is_traditional(raw)
    text = normalise(raw, traditional=traditional)
    builder = DocumentBuilder()
    add_lines(builder, text)
    media_type = "text/markdown" if path.suffix.lower() == ".md" else "text/plain"
    return builder.build(path, media_type, sha256, encoding=encoding, converted_from_traditional=traditional)
