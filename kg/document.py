"""The one document model every reader produces and every extractor consumes.

`Document.text` is the normalised text of the whole report. Paragraphs, headings and tables are
spans of it; a table's rows and cells are spans too. Structured readers (Word, HTML, PDF) and
tab-separated text lay a table out as cells joined by a tab and rows ended by a newline; a table
reconstructed from another plain-text layout (pipes, one cell per line, aligned columns) keeps its
lines as the source wrote them, and each cell is the span of the text where that cell stands
(`Cell.text` is its cleaned content). Extractors read tables through `Document.tables`, never by
looking for tabs. Offsets are Unicode code points into `text`, which is what the Web Annotation
`TextPositionSelector` counts.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from kg.normalize import Normalised

_REPLACEMENT = re.compile("\ufffd+")


class BlockKind(str, Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    TABLE = "table"


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")


@dataclass(frozen=True)
class Cell(Span):
    text: str


@dataclass(frozen=True)
class Row(Span):
    cells: tuple[Cell, ...]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass(frozen=True)
class Table(Span):
    index: int
    rows: tuple[Row, ...]
    page: int | None = None


@dataclass(frozen=True)
class Block(Span):
    kind: BlockKind
    page: int | None = None
    table: int | None = None  # index into Document.tables for table blocks


@dataclass(frozen=True)
class Page(Span):
    number: int  # 1-based, as printed by PDF viewers


@dataclass
class Document:
    source: Path
    media_type: str
    text: str
    sha256: str
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    encoding: str | None = None
    converted_from_traditional: bool = False
    # Spans of `text` that stand for bytes the reader could not decode (U+FFFD runs): kept, so that
    # one damaged line does not cost the whole report, and stated, so that a quote can be doubted.
    damaged: list[Span] = field(default_factory=list)
    # The report's text as written, where reading changed it (traditional characters, pinyin glosses):
    # `written_span` gives the written form of a span, for provenance. None when nothing changed.
    as_written: Normalised | None = None
    written_segments: list[tuple[int, int, int]] = field(default_factory=list)  # (text start, written start, length)

    def __post_init__(self) -> None:
        self._page_starts = [p.start for p in self.pages]
        self._segment_starts = [s[0] for s in self.written_segments]

    def written_span(self, start: int, end: int) -> str | None:
        """The span as the report wrote it, when that differs from `text[start:end]`; else None."""
        if self.as_written is None or not self.written_segments:
            return None
        i = bisect.bisect_right(self._segment_starts, start) - 1
        if i < 0:
            return None
        seg_start, src_start, length = self.written_segments[i]
        if end > seg_start + length:
            return None  # the span crosses pieces the reader laid out anew (tab-separated cells)
        written = self.as_written.written_span(src_start + start - seg_start, src_start + end - seg_start)
        return written if written != self.text[start:end] else None

    def page_at(self, offset: int) -> int | None:
        """The page holding `offset`, or None for formats without pages."""
        if not self.pages:
            return None
        i = bisect.bisect_right(self._page_starts, offset) - 1
        return self.pages[max(i, 0)].number

    def quote(self, start: int, end: int) -> str:
        return self.text[start:end]

    def context(self, start: int, end: int, width: int = 32) -> tuple[str, str]:
        """Prefix and suffix around a span, as a `TextQuoteSelector` wants them."""
        return self.text[max(0, start - width) : start], self.text[end : end + width]

    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind is not BlockKind.TABLE]

    def walk(self, on_row: Callable[[int, int, Row], None], on_text: Callable[[Block], None]) -> None:
        """Visit the report in reading order: each table row as (table index, row index, row), each
        other block as itself. Form readers that follow a layout across tables and text use it."""
        for block in self.blocks:
            if block.kind is BlockKind.TABLE and block.table is not None:
                table = self.tables[block.table]
                for i, row in enumerate(table.rows):
                    on_row(table.index, i, row)
            else:
                on_text(block)


class DocumentBuilder:
    """Assembles a Document from normalised pieces, keeping offsets exact.

    Readers call `heading`/`paragraph`/`table` in reading order and `new_page` for paged
    formats; every piece is normalised by the reader before it is added.
    """

    def __init__(self, source: Normalised | None = None) -> None:
        self.source = source  # the normalised text the pieces are slices of, when they are
        self.segments: list[tuple[int, int, int]] = []
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []
        self.tables: list[Table] = []
        self.pages: list[Page] = []
        self._page: int | None = None

    def _append(self, text: str, at: int | None = None) -> tuple[int, int]:
        """Append text; `at`, its offset in the builder's source text, keeps the way back to it."""
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        if at is not None and self.source is not None and text:
            self.segments.append((start, at, len(text)))
        return start, self._length

    def _separate(self) -> None:
        if self._length and not self._parts[-1].endswith("\n"):
            self._append("\n")

    def new_page(self, number: int) -> None:
        self._separate()
        if self.pages:
            last = self.pages[-1]
            self.pages[-1] = Page(last.start, self._length, last.number)
        self.pages.append(Page(self._length, self._length, number))
        self._page = number

    def _text_block(self, text: str, kind: BlockKind, at: int | None = None) -> Block | None:
        stripped = text.strip("\n")
        if not stripped.strip():
            return None
        if at is not None:
            at += len(text) - len(text.lstrip("\n"))
        text = stripped
        self._separate()
        start, end = self._append(text, at)
        self._append("\n")
        block = Block(start, end, kind, self._page)
        self.blocks.append(block)
        return block

    def heading(self, text: str, at: int | None = None) -> Block | None:
        return self._text_block(text, BlockKind.HEADING, at)

    def paragraph(self, text: str, at: int | None = None) -> Block | None:
        """Add a paragraph; `at` is its offset in the builder's source text, when it is a slice of it."""
        return self._text_block(text, BlockKind.PARAGRAPH, at)

    def table(self, rows: list[list[str]], cell_at: list[list[int]] | None = None) -> Table | None:
        """Add a table given as rows of cell texts (newlines and tabs inside cells become spaces).

        `cell_at` gives each cell's offset in the builder's source text, when cells are slices of it.
        """
        offsets = cell_at or [[-1] * len(r) for r in rows]
        kept = [
            [(" ".join(c.replace("\t", " ").split("\n")).strip(), a + len(c) - len(c.lstrip()) if a >= 0 else -1)
             for c, a in zip(r, at, strict=True)]
            for r, at in zip(rows, offsets, strict=True)
        ]  # fmt: skip
        kept = [r for r in kept if any(c for c, _ in r)]
        if not kept:
            return None
        self._separate()
        table_start = self._length
        built: list[Row] = []
        for cells in kept:
            row_start = self._length
            built_cells: list[Cell] = []
            for i, (cell, at) in enumerate(cells):
                if i:
                    self._append("\t")
                s, e = self._append(cell, at if at >= 0 else None)
                built_cells.append(Cell(s, e, cell))
            built.append(Row(row_start, self._length, tuple(built_cells)))
            self._append("\n")
        table = Table(table_start, self._length - 1, len(self.tables), tuple(built), self._page)
        self.tables.append(table)
        self.blocks.append(Block(table.start, table.end, BlockKind.TABLE, self._page, table.index))
        return table

    def text_table(
        self, text: str, rows: Sequence[Sequence[tuple[int, int, str]]], at: int | None = None
    ) -> Table | None:
        """Add `text` verbatim (lines as the source wrote them) as one table whose cells are spans of it.

        `rows` gives each cell as (start, end, cleaned text) with offsets into `text`; a row spans its
        cells. Used for tables reconstructed from plain-text layouts, where rewriting the lines into
        tab layout would lose where each value was written.
        """
        rows = [r for r in rows if any(c[2] for c in r)]
        text = text.rstrip("\n")
        if not rows or not text.strip():
            return None
        self._separate()
        base, _ = self._append(text, at)
        self._append("\n")
        built = tuple(
            Row(base + r[0][0], base + r[-1][1], tuple(Cell(base + s, base + e, t) for s, e, t in r)) for r in rows
        )
        table = Table(base, base + len(text), len(self.tables), built, self._page)
        self.tables.append(table)
        self.blocks.append(Block(table.start, table.end, BlockKind.TABLE, self._page, table.index))
        return table

    def build(
        self,
        source: Path,
        media_type: str,
        sha256: str,
        *,
        encoding: str | None = None,
        converted_from_traditional: bool = False,
    ) -> Document:
        if self.pages:
            last = self.pages[-1]
            self.pages[-1] = Page(last.start, self._length, last.number)
        changed = self.source is not None and self.source.written != self.source.text
        return Document(
            source=source,
            media_type=media_type,
            text="".join(self._parts),
            sha256=sha256,
            blocks=self.blocks,
            tables=self.tables,
            pages=self.pages,
            encoding=encoding,
            converted_from_traditional=converted_from_traditional,
            damaged=damaged_spans("".join(self._parts)),
            as_written=self.source if changed else None,
            written_segments=self.segments if changed else [],
        )


def damaged_spans(text: str) -> list[Span]:
    """The runs of U+FFFD in `text`: where a reader replaced bytes it could not decode."""
    return [Span(m.start(), m.end()) for m in _REPLACEMENT.finditer(text)]
