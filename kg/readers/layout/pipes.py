"""Tables written with `|`: pipe rows, and one cell per line ending with `|`.

A run is a stretch of lines holding `|` (a line of text before a `|` line belongs to the cell it
wraps into). Its cells are the pieces between pipes, read over the whole run at once, so that a
row or a cell broken over lines is the same as one written on a line:

- row mode (most lines hold two or more cells): a line is a row; a leading `|` (markdown) and
  trailing empty padding cells (`| ||||`) are dropped, markdown separator rows (|---|) skipped;
  lines of one cell are joined to the next line while the row is shorter than the header;
- cell mode (a cell per line, `cell |` or `cell` then `|`): an empty piece spanning a line break
  is an empty cell, a line of pipes alone (`|||`) ends a row; a run without such marks, or a
  stretch too long for one row, is cut into rows by shape (`shape.split_stream`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from kg.readers.layout.shape import TCell, make_cell, split_stream

_SEPARATOR_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")
_BARE = re.compile(r"^\s*\|\s*$")
_MAX_WRAP = 3  # lines of a cell written before its `|`
_LONG_SEGMENT = 12  # cells between row marks beyond which the marks missed rows


@dataclass
class PipeTable:
    first: int  # line index of the first line of the table
    last: int  # line index of its last line
    rows: list[list[TCell]]


def find_pipe_tables(text: str, lines: list[str], starts: list[int]) -> list[PipeTable]:
    out: list[PipeTable] = []
    i, n = 0, len(lines)
    while i < n:
        if not _is_pipe_line(lines[i]):
            i += 1
            continue
        first = i
        if (_BARE.match(lines[i]) or lines[i].lstrip().startswith("|")) and i and _is_text_line(lines[i - 1]):
            first = i - 1  # `cell` then `|`: the run starts with the cell's text
        last = i
        j = i + 1
        while j < n:
            if _is_pipe_line(lines[j]):
                last = j
                j += 1
                continue
            k = j
            while k < n and k - j < _MAX_WRAP and _is_text_line(lines[k]):
                k += 1
            if k == j and not lines[j].strip() and j + 1 < n and _is_pipe_line(lines[j + 1]):
                k = j + 1  # one blank line inside a run
            if k > j and k < n and _is_pipe_line(lines[k]):
                j = k
                continue
            break
        table = _read_run(text, lines, starts, first, last)
        if table is not None:
            out.append(table)
        i = last + 1
    return out


def _is_pipe_line(line: str) -> bool:
    return "|" in line and "\t" not in line


def _is_text_line(line: str) -> bool:
    return bool(line.strip()) and "|" not in line and "\t" not in line


def _read_run(text: str, lines: list[str], starts: list[int], first: int, last: int) -> PipeTable | None:
    pipe_lines = [ln for ln in lines[first : last + 1] if "|" in ln]
    if len(pipe_lines) < 2:
        return None
    multi = sum(1 for ln in pipe_lines if _filled(ln) >= 2)
    singles = sum(1 for ln in pipe_lines if _filled(ln) == 1)
    a, b = starts[first], starts[last] + len(lines[last])
    if multi >= 2 and multi >= 0.3 * (multi + singles):
        rows = _row_mode(text, lines, starts, first, last)
    else:
        rows = _cell_mode(text, a, b)
    rows = [r for r in rows if any(c.text for c in r)]
    if sum(len(r) for r in rows) < 4:
        return None
    return PipeTable(first, last, rows)


def _filled(line: str) -> int:
    return sum(1 for piece in line.split("|") if piece.strip())


def _pieces(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans between pipes in text[a:b], the stretch before the first pipe and after the last included."""
    spans: list[tuple[int, int]] = []
    s = a
    p = text.find("|", a, b)
    while p != -1:
        spans.append((s, p))
        s = p + 1
        p = text.find("|", s, b)
    spans.append((s, b))
    return spans


def _row_mode(text: str, lines: list[str], starts: list[int], first: int, last: int) -> list[list[TCell]]:
    width = max((_filled(lines[k]) for k in range(first, last + 1)), default=0)
    rows: list[list[TCell]] = []
    group_start: int | None = None
    pending = 0  # cells of the lines waiting to be joined to the next
    for k in range(first, last + 1):
        line = lines[k]
        if "|" in line and all(_SEPARATOR_CELL.match(p) for p in line.strip().strip("|").split("|")):
            continue  # markdown |---|---|
        # A bare `|` or a line of wrapped text stands for one cell of the row being joined.
        count = _filled(line) if "|" in line and not _BARE.match(line) else 1
        if group_start is not None and count >= 2 and pending + count > width:
            rows.append(_row(text, starts[group_start], starts[k] - 1))
            group_start, pending = None, 0
        if group_start is None:
            group_start = k
        pending += count
        if count >= 2 or pending >= width:
            rows.append(_row(text, starts[group_start], starts[k] + len(line)))
            group_start, pending = None, 0
    if group_start is not None:
        rows.append(_row(text, starts[group_start], starts[last] + len(lines[last])))
    return rows


def _row(text: str, a: int, b: int) -> list[TCell]:
    spans = _pieces(text, a, b)
    if text[a:b].lstrip().startswith("|"):
        spans = spans[1:]  # markdown's leading pipe
    cells = [make_cell(text, s, e) for s, e in spans]
    while cells and not cells[-1].text:
        cells.pop()  # the text after the last pipe, and padding cells
    return cells


def _cell_mode(text: str, a: int, b: int) -> list[list[TCell]]:
    segments: list[list[TCell]] = [[]]
    spans = _pieces(text, a, b)
    if not text[spans[0][0] : spans[0][1]].strip():
        spans = spans[1:]  # nothing before the first pipe
    if spans and not text[spans[-1][0] : spans[-1][1]].strip():
        spans = spans[:-1]  # nothing after the last
    for s, e in spans:
        piece = text[s:e]
        if piece.strip():
            segments[-1].append(make_cell(text, s, e))
        elif "\n" in piece:
            segments[-1].append(TCell(s, s, "", make_cell(text, s, s).kind))
        else:  # two pipes side by side: the padding that ends a row
            # The line break before a line of pipes is no cell of its own.
            if segments[-1] and not segments[-1][-1].text and segments[-1][-1].end == segments[-1][-1].start:
                segments[-1].pop()
            if segments[-1]:
                segments.append([])
    segments = [seg for seg in segments if seg]
    if not segments:
        return []
    typical = median(len(seg) for seg in segments)
    rows: list[list[TCell]] = []
    for seg in segments:
        # Marked rows are kept as marked, unless one is far longer than a row: rows left unmarked.
        if len(segments) == 1 or len(seg) > _LONG_SEGMENT or len(seg) > max(8, 2 * typical):
            split = split_stream(seg)
            if split.lead:
                rows.append(split.lead)
            rows.extend(split.rows)
        else:
            rows.append(seg)
    return rows
