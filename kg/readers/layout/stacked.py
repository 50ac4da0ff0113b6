"""Tables written one cell per line with no separator at all, or with blank lines between cells.

A run is a stretch of short lines that are no sentences (blank lines inside are skipped: an
export that writes a blank line between cells writes more of them for empty cells, too unevenly to
count). The run is a table when its cells, cut into rows by shape, give rows of a label and values
(`shape.split_stream`); titles above the header and lines after the last row with values stay
paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.readers.layout.cells import Kind
from kg.readers.layout.shape import TCell, is_contents, make_cell, split_stream

_MAX_CELL = 30  # a line longer than this is prose, not a cell
_MIN_VALUES = 3
_MIN_ROWS = 2


@dataclass
class StackedTable:
    first: int
    last: int
    rows: list[list[TCell]]


def find_stacked_tables(text: str, lines: list[str], starts: list[int]) -> list[StackedTable]:
    out: list[StackedTable] = []
    run: list[int] = []  # line indexes of the run's cells
    for k, line in enumerate([*lines, "\x00"]):  # a sentinel line ends the last run
        stripped = line.strip()
        if not stripped and k < len(lines):
            continue
        if k < len(lines) and _is_cell_line(line):
            run.append(k)
            continue
        if len(run) >= 2 * _MIN_ROWS:
            table = _read_run(text, lines, starts, run)
            if table is not None:
                out.append(table)
        run = []
    return out


def _is_cell_line(line: str) -> bool:
    if "|" in line or "\t" in line:
        return False
    stripped = line.strip()
    if len(stripped) > _MAX_CELL or "  " in stripped:
        return False  # long, or several cells on one line: another layout
    return make_cell(stripped, 0, len(stripped)).kind is not Kind.PROSE


def _read_run(text: str, lines: list[str], starts: list[int], run: list[int]) -> StackedTable | None:
    cells = [make_cell(text, starts[k], starts[k] + len(lines[k])) for k in run]
    if sum(1 for c in cells if c.cls in ("V", "C")) < _MIN_VALUES:
        return None
    line_of = {c.start: k for c, k in zip(cells, run, strict=True)}
    split = split_stream(cells)
    rows = split.rows
    # Rows before the first with values are headers only when right above it; the rest is prose.
    first_valued = next((i for i, r in enumerate(rows) if _valued(r)), None)
    if first_valued is None:
        return None
    head = rows[first_valued - 1 : first_valued] if first_valued else []
    if head and not all(c.cls in ("T", "E") for c in head[0]):
        head = []
    last_valued = max(i for i, r in enumerate(rows) if _valued(r))
    body = rows[first_valued : last_valued + 1]
    if sum(1 for r in body if _valued(r)) < _MIN_ROWS:
        return None
    # Rows cut by shape alone are trusted only when they agree: a row short of a value cannot say
    # which column it lacks, and a table would put its values under the wrong header.
    if len({sum(1 for c in r if c.cls in ("V", "C")) for r in body if _valued(r)}) > 1:
        return None
    rows = [*head, *body]
    if is_contents(rows):
        return None
    real = [c for r in rows for c in r if c.end > c.start]
    return StackedTable(line_of[real[0].start], line_of[real[-1].start], rows)


def _valued(row: list[TCell]) -> bool:
    """A row that reads "what, then how much": it opens with a label (or a code) and holds values."""
    filled = [c for c in row if c.cls != "E"]
    if len(filled) >= 3 and filled[0].text.isdigit() and filled[1].cls == "T":
        filled = filled[1:]  # a 序号 first
    return len(filled) >= 2 and filled[0].cls in ("T", "C") and any(c.cls in ("V", "C") for c in filled[1:])
