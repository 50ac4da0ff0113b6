"""Tables in plain text, whatever the layout: found, cut into rows and cells that are spans.

`find_tables(text)` runs each layout's finder once over the lines (each is linear in the text)
and keeps the tables that do not overlap, in this order of trust: pipes (the `|` leave no doubt
where cells are), cells stacked one per line, then space-aligned columns. Tab-separated lines
are left alone: the text reader reads them as it always has.

Each table is given as its first and last line and its rows of `TCell`s, whose offsets are
offsets into `text`: the reader adds the lines verbatim and the cells stay spans of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.readers.layout.aligned import find_aligned_tables
from kg.readers.layout.pdftext import clean_pdf_text
from kg.readers.layout.pipes import find_pipe_tables
from kg.readers.layout.shape import TCell
from kg.readers.layout.stacked import find_stacked_tables


@dataclass(frozen=True)
class TextTable:
    first: int  # index of the table's first line
    last: int  # index of its last line (inclusive)
    rows: list[list[TCell]]


def line_starts(lines: list[str]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return starts


def find_tables(text: str) -> list[TextTable]:
    lines = text.split("\n")
    starts = line_starts(lines)
    found: list[TextTable] = []
    taken = bytearray(len(lines))  # 1 where a table already stands
    for finder in (find_pipe_tables, find_stacked_tables, find_aligned_tables):
        for t in finder(text, lines, starts):
            if any(taken[t.first : t.last + 1]):
                continue
            taken[t.first : t.last + 1] = b"\x01" * (t.last - t.first + 1)
            found.append(TextTable(t.first, t.last, t.rows))
    return sorted(found, key=lambda t: t.first)


__all__ = ["TCell", "TextTable", "clean_pdf_text", "find_tables", "line_starts"]
