"""Tables written with spaces: aligned columns, side-by-side tables, flattened spreadsheet rows.

A line is split into cells at spaces: runs of two or more spaces always separate cells; a single
space separates cells too, except between words of Latin text (an English label is one cell).
Each value (amount, percentage, operator, 行次 number) is a cell of its own, so `收入 1,200.00
支出 900.00` gives label, value, label, value, however the halves are spaced.

A run of such lines is a table when at least three rows hold a label and values and most rows
hold the same number of values. Inside a run:
- a line of labels only, indented under a row without values, continues that row's last cell
  (a label wrapped onto the next line);
- a line of values only completes the row above while it has fewer values than the table's rows;
- two header lines of labels only whose cells stand in the same columns are one header row.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from kg.readers.layout.cells import Kind, clean, kind_of
from kg.readers.layout.shape import TCell, is_contents

_TOKEN = re.compile(r"\S+")
_LATIN = re.compile(r"^[A-Za-z][A-Za-z.,&'’()\-/]*$|^[(（]?[A-Za-z]")
_MIN_ROWS = 3
_MAX_LINE = 400  # a longer line is a flattened page, not a row


@dataclass
class AlignedTable:
    first: int
    last: int
    rows: list[list[TCell]]


@dataclass
class _Line:
    index: int
    start: int  # offset of the line in the text
    indent: int
    cells: list[TCell]

    @property
    def values(self) -> int:
        return sum(1 for c in self.cells if c.cls in ("V", "C"))

    @property
    def labels(self) -> int:
        return sum(1 for c in self.cells if c.cls == "T")


def split_line(text: str, a: int, b: int) -> list[TCell]:
    """The cells of text[a:b] split at spaces."""
    cells: list[TCell] = []
    for m in _TOKEN.finditer(text, a, b):
        s, e = m.start(), m.end()
        word = text[s:e]
        if cells:
            prev = cells[-1]
            gap = text[prev.end : s]
            if gap == " " and _LATIN.match(word) and _LATIN.match(text[prev.start : prev.end].split()[-1]):
                merged = text[prev.start : e]
                cells[-1] = TCell(prev.start, e, clean(merged), kind_of(merged))
                continue
        cells.append(TCell(s, e, word, kind_of(word)))
    return _join_operators(text, cells)


def _join_operators(text: str, cells: list[TCell]) -> list[TCell]:
    """`>= 97` is one value: an operator written apart from its number stays with it."""
    out: list[TCell] = []
    for c in cells:
        if out and out[-1].kind is Kind.VALUE and re.fullmatch(r"[≥≤≧≦<>=]=?", out[-1].text) and c.kind is Kind.VALUE:
            prev = out.pop()
            c = TCell(prev.start, c.end, prev.text + c.text, kind_of(prev.text + c.text))
        out.append(c)
    return out


def find_aligned_tables(text: str, lines: list[str], starts: list[int]) -> list[AlignedTable]:
    out: list[AlignedTable] = []
    run: list[_Line] = []
    for k in range(len(lines) + 1):
        if not run and k < len(lines) and " " not in lines[k].strip():
            continue  # one cell at most (most lines: prose), and a run opens only at several
        parsed = _parse(text, lines[k], starts[k], k) if k < len(lines) else None
        # A run opens at a line of several cells; a line of one cell only goes on with a run.
        if parsed is not None and (run or len(parsed.cells) >= 2):
            run.append(parsed)
            continue
        table = _read_run(run, text)
        if table is not None:
            out.append(table)
        run = []
    return out


def _parse(text: str, line: str, start: int, k: int) -> _Line | None:
    if not line.strip() or "|" in line or "\t" in line or len(line) > _MAX_LINE:
        return None
    cells = split_line(text, start, start + len(line))
    if any(c.kind is Kind.PROSE for c in cells):
        return None
    indent = len(line) - len(line.lstrip(" "))
    return _Line(k, start, indent, cells) if cells else None


def _read_run(run: list[_Line], text: str) -> AlignedTable | None:
    while run and not run[-1].values:
        run = run[:-1]  # lines of labels after the last row: prose or the next table's title
    if len(run) < _MIN_ROWS:
        return None
    counts = Counter(ln.values for ln in run if ln.values and ln.labels)
    if not counts:
        return None
    expected, often = counts.most_common(1)[0]
    valued = sum(counts.values())
    if valued < _MIN_ROWS or often < 0.5 * valued:
        return None
    rows = _assemble(run, expected, text)
    if is_contents(rows):
        return None
    if sum(1 for r in rows if any(c.cls in ("V", "C") for c in r) and any(c.cls == "T" for c in r)) < _MIN_ROWS:
        return None
    return AlignedTable(run[0].index, run[-1].index, rows)


def _assemble(run: list[_Line], expected: int, text: str) -> list[list[TCell]]:
    rows: list[list[TCell]] = []
    row: list[TCell] = []
    row_indent = 0
    columns: list[tuple[int, int]] = []  # positions of the header row's cells while it may wrap
    for ln in run:
        labels_only = not ln.values
        if columns and labels_only and not rows and row:
            joined = _join_columns(row, columns, ln, text)
            if joined is not None:
                row = joined
                continue
        if labels_only and row and not _count_values(row) and ln.indent > row_indent and len(ln.cells) == 1:
            last = row[-1]
            row[-1] = TCell(last.start, ln.cells[-1].end, clean(last.text + "\n" + ln.cells[0].text), last.kind)
            continue
        if not ln.labels and row and _count_values(row) < expected:
            row.extend(ln.cells)
            continue
        if row:
            rows.append(row)
        row, row_indent = list(ln.cells), ln.indent
        columns = [_columns(text, ln.start, c) for c in ln.cells] if labels_only and not rows else []
    if row:
        rows.append(row)
    return rows


def _count_values(row: list[TCell]) -> int:
    return sum(1 for c in row if c.cls in ("V", "C"))


def _columns(text: str, line_start: int, cell: TCell) -> tuple[int, int]:
    """Where a cell stands on its line, in display columns (a Chinese character is two wide)."""
    left = _width(text[line_start : cell.start])
    return left, left + _width(text[cell.start : cell.end])


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _join_columns(upper: list[TCell], columns: list[tuple[int, int]], lower: _Line, text: str) -> list[TCell] | None:
    """A header wrapped over lines: each lower cell standing under one upper cell joins it."""
    if len(upper) < 2:
        return None
    out = list(upper)
    for cell in lower.cells:
        col = _columns(text, lower.start, cell)
        hits = [i for i, c in enumerate(columns) if c[0] < col[1] and col[0] < c[1]]
        if len(hits) != 1:
            return None
        u = out[hits[0]]
        out[hits[0]] = TCell(u.start, cell.end, clean(u.text + "\n" + cell.text), u.kind)
    return out
