"""Turn a reader's items (headings, paragraphs, tables in reading order) into a Document.

Shared by the structured readers (docx, html): detect traditional characters over the whole
text first, then normalise each piece the same way before the builder fixes the offsets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from kg.document import Document, DocumentBuilder
from kg.normalize import is_traditional, normalise

Item = tuple[str, "str | list[list[str]]"]  # ("heading" | "paragraph" | "table", content)
Cleaner = Callable[[str, bool], str]


def default_clean(text: str, traditional: bool) -> str:
    return normalise(text, traditional=traditional).strip()


def assemble(
    items: Sequence[Item],
    path: Path,
    media_type: str,
    sha256: str,
    *,
    encoding: str | None = None,
    clean: Cleaner = default_clean,
) -> Document:
    raw = "\n".join(
        "\n".join("\t".join(row) for row in content) if isinstance(content, list) else content for _, content in items
    )
    traditional = is_traditional(raw)
    builder = DocumentBuilder()
    for kind, content in items:
        if isinstance(content, list):
            builder.table([[clean(cell, traditional) for cell in row] for row in content])
        elif kind == "heading":
            builder.heading(clean(content, traditional))
        else:
            builder.paragraph(clean(content, traditional))
    return builder.build(path, media_type, sha256, encoding=encoding, converted_from_traditional=traditional)
