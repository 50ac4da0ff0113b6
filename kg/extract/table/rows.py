"""Data rows: what a row is by its label, and its cells put back under their header.

Exports shift cells: a PDF drops empty cells, a Word export pushes a trailing run of text one
column right. The readers meet three cases and handle them here, once:
- `pair_in_order`: the non-empty cells of a row paired with the non-empty header cells, in order;
- `realign_overflow`: a row longer than its header whose overflow holds text gets the empty cells
  before that trailing run dropped, as many as the overflow;
- `row_kind`: 合计/总计 rows are totals, …小计 subtotals, 其中… parts of the row above.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

from kg.lexicon.text import squash

_COLUMN_NUMBER = re.compile(r"\d+(?:\.0+)?")
_TOTAL = re.compile(r"^(?:合计|总计|总额|共计|全(?:国|省|市|区|县)合计)$")
_SUBTOTAL = re.compile(r"小计$")
_PART = re.compile(r"^其中[:：]?")


class _HasText(Protocol):
    text: str


C = TypeVar("C", bound=_HasText)


def row_kind(label: str) -> str:
    """total | subtotal | part | row, from a row's label cell."""
    squashed = squash(label)
    if _TOTAL.match(squashed):
        return "total"
    if _SUBTOTAL.search(squashed):
        return "subtotal"
    if _PART.match(squashed):
        return "part"
    return "row"


def without_part_mark(label: str) -> str:
    """其中：中央资金 → 中央资金: the name of a part row or of a column under 其中."""
    return _PART.sub("", label)


def pair_in_order(header: Sequence[int], row: Sequence[int]) -> dict[int, int]:
    """Header column → row cell, pairing the non-empty cells of each in order (shifted PDF rows)."""
    return dict(zip(header, row, strict=False))


def realign_overflow(row: Sequence[C], width: int) -> list[tuple[int, C]]:
    """(physical index, cell) by logical column, for a row whose trailing run of text an export
    pushed past the header's width (公开06's 公用经费合计); other rows come back as they are."""
    cells = list(enumerate(row))
    extra = len(cells) - width
    if extra <= 0 or not any(c.text.strip() for _, c in cells[width:]):
        return cells
    last = max(i for i, c in cells if c.text.strip())
    start = last
    while start > 0 and cells[start - 1][1].text.strip():
        start -= 1
    drop = 0
    while drop < extra and start - drop > 0 and not cells[start - drop - 1][1].text.strip():
        drop += 1
    return cells[: start - drop] + cells[start:]


def is_column_numbers(texts: Sequence[str]) -> bool:
    """The 栏次 row (栏次 1 2 3 …) or a bare run of column numbers 1, 2, 3 …: numbers, not amounts."""
    expected = 1
    for raw in texts:
        text = raw.strip()
        if not text:
            continue
        if "栏" in text and squash(text) == "栏次":
            return True
        # Compared as digits: a cell of 5,000 nines is no float (int(float()) overflowed on it).
        if not _COLUMN_NUMBER.fullmatch(text) or text.partition(".")[0].lstrip("0") != str(expected):
            return False  # most rows stop at their first cell
        expected += 1
    return expected > 2

