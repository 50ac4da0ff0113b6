"""Tables laid out in paragraph text: pipe rows and one cell per line.

Web pages and text exports give a table as pipe rows (`| 柳林县 | 749 |`, a markdown separator row
skipped) or as one cell per line (a recipient header line, the column header lines, then each row
as a label line followed by its numbers). Until the text reader rebuilds such tables itself, these
functions turn them into grids; their cells are numbered as tables after the document's own
(`first`, first + 1 …) so that a cell reference still gives row and column, and offsets are exact.

`header_kind` classifies a header line (recipient | seq | level | total | other): a one-cell-per-line
table starts at a recipient header and its columns are the level/total headers that follow.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from decimal import Decimal

from kg.document import BlockKind, Document
from kg.extract.amounts import parse_amount
from kg.extract.table.grid import Grid, GridCell
from kg.lexicon.text import squash
from kg.records import CellRef, ConsistencyIssue, Evidence

HeaderKind = Callable[[str], str]
_PIPE_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_LABEL_STOP = re.compile(r"[。：:，,；;]")

_NO_SPAN = (-1, -1)


def text_blocks(doc: Document) -> list[tuple[int, int]]:
    """Paragraph and heading blocks as trimmed spans; _NO_SPAN stands for a table between them."""
    out: list[tuple[int, int]] = []
    for block in doc.blocks:
        if block.kind is BlockKind.TABLE:
            out.append(_NO_SPAN)
            continue
        a, b = block.start, block.end
        while a < b and doc.text[a].isspace():
            a += 1
        while b > a and doc.text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _pipe_cells(doc: Document, a: int, b: int) -> list[tuple[str, int, int]]:
    line = doc.text[a:b]
    bars = [i for i, ch in enumerate(line) if ch == "|"]
    cells: list[tuple[str, int, int]] = []
    for left, right in itertools.pairwise(bars):
        s, e = left + 1, right
        while s < e and line[s].isspace():
            s += 1
        while e > s and line[e - 1].isspace():
            e -= 1
        cells.append((line[s:e], a + s, a + e))
    return cells


def pipe_grids(doc: Document, blocks: list[tuple[int, int]], first: int) -> list[Grid]:
    grids: list[Grid] = []
    run: list[tuple[int, int]] = []

    def close() -> None:
        rows = [_pipe_cells(doc, a, b) for a, b in run]
        rows = [r for r in rows if r and not all(_PIPE_SEPARATOR.match(squash(t)) for t, _, _ in r)]
        if len(rows) >= 2:
            index = first + len(grids)
            cells = [
                [GridCell(t, s, e, CellRef(index, r, c)) for c, (t, s, e) in enumerate(row)]
                for r, row in enumerate(rows)
            ]
            grids.append(Grid(cells, run[0][0]))
        run.clear()

    for a, b in blocks:
        if a >= 0 and doc.text.startswith("|", a) and doc.text[b - 1] == "|":
            run.append((a, b))
        elif run:
            close()
    if run:
        close()
    return grids


def is_number(text: str) -> bool:
    return parse_amount(text) is not None


def _is_label(text: str) -> bool:
    return len(text) <= 20 and not _LABEL_STOP.search(text) and not is_number(text)


def _line_rows(
    doc: Document, blocks: list[tuple[int, int]], i: int, kinds: list[str]
) -> tuple[list[list[tuple[int, int]]], int, list[ConsistencyIssue]]:
    """The data rows of a one-cell-per-line table, each a label line followed by its numbers.

    Rows come back as spans in header order (a missing 序号 as _NO_SPAN). With a 序号 column, the
    number after a complete row is the next row's 序号. The table ends at a line that is neither a
    number nor a short label, or at a label with no numbers after it (a signature, a heading).
    """
    values = sum(1 for k in kinds if k not in ("recipient", "seq"))
    has_seq = "seq" in kinds
    rows: list[list[tuple[int, int]]] = []
    issues: list[ConsistencyIssue] = []
    label: tuple[int, int] | None = None
    seq = pending = _NO_SPAN
    numbers: list[tuple[int, int]] = []

    def flush() -> None:
        assert label is not None
        if len(numbers) != values:
            text = doc.text[label[0] : label[1]]
            issues.append(
                ConsistencyIssue(
                    "allocation-row-cells",
                    f"分配表“{text}”一行有 {len(numbers)} 个数，表头有 {values} 个金额列：未读取",
                    Decimal(values),
                    Decimal(len(numbers)),
                    Decimal(0),
                    tuple(Evidence.of(doc, a, b) for a, b in [label, *numbers]),
                )
            )
            return
        queue = iter(numbers)
        rows.append([seq if k == "seq" else label if k == "recipient" else next(queue) for k in kinds])

    while i < len(blocks):
        a, b = blocks[i]
        if a < 0:
            break
        text = doc.text[a:b]
        if is_number(text):
            integer = re.fullmatch(r"\d{1,3}", text) is not None
            if label is None or (has_seq and integer and len(numbers) == values):
                if not (has_seq and integer):
                    break
                if label is not None:
                    flush()
                    label, numbers = None, []
                pending = (a, b)
            else:
                numbers.append((a, b))
        elif _is_label(text):
            if label is not None and not numbers:
                label = None  # a label without numbers: the table ended before it
                break
            if label is not None:
                flush()
            label, seq, pending, numbers = (a, b), pending, _NO_SPAN, []
        else:
            break
        i += 1
    if label is not None and numbers:
        flush()
    return rows, i, issues


def line_grids(
    doc: Document, blocks: list[tuple[int, int]], first: int, header_kind: HeaderKind
) -> tuple[list[Grid], list[ConsistencyIssue]]:
    grids: list[Grid] = []
    issues: list[ConsistencyIssue] = []
    i = 0
    while i < len(blocks):
        a, b = blocks[i]
        if a < 0 or header_kind(doc.text[a:b]) != "recipient":
            i += 1
            continue
        header = [(a, b)]
        if i and blocks[i - 1][0] >= 0 and header_kind(doc.text[blocks[i - 1][0] : blocks[i - 1][1]]) == "seq":
            header.insert(0, blocks[i - 1])
        j = i + 1
        while j < len(blocks) and blocks[j][0] >= 0:
            text = doc.text[blocks[j][0] : blocks[j][1]]
            repeated = any(doc.text[s:e] == text for s, e in header)  # 合计 again: the total row's label
            if repeated or is_number(text) or len(text) > 16 or header_kind(text) not in ("level", "total"):
                break
            header.append(blocks[j])
            j += 1
        kinds = [header_kind(doc.text[s:e]) for s, e in header]
        if not any(k in ("level", "total") for k in kinds):
            i += 1
            continue
        rows, end, row_issues = _line_rows(doc, blocks, j, kinds)
        issues.extend(row_issues)
        if rows:
            index = first + len(grids)
            cells = [[GridCell(doc.text[s:e], s, e, CellRef(index, 0, c)) for c, (s, e) in enumerate(header)]]
            for r, row in enumerate(rows, start=1):
                cells.append([_cell_or_blank(doc, s, e, CellRef(index, r, c)) for c, (s, e) in enumerate(row)])
            grids.append(Grid(cells, header[0][0]))
        i = max(end, j)
    return grids, issues


def _cell_or_blank(doc: Document, start: int, end: int, ref: CellRef) -> GridCell:
    """A cell, or an empty one where a one-cell-per-line row has no 序号 (the 合计 row)."""
    if start < 0:
        return GridCell("", 0, 0, ref)
    return GridCell(doc.text[start:end], start, end, ref)


