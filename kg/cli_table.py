"""Query results as a terminal table that fits: IRIs shortened, long cells cut, columns chosen.

A table wider than the terminal used to be folded by rich into strips of 3-character columns. Here
every cell stays on one line (cut with … at MAX_CELL characters), and when the columns still do not
fit, the ones holding only IRIs go first, then the rightmost, and a note names what was left out.
Rows beyond `max_rows` are not rendered (a table of 10,000 rows is no reading; CSV and JSON stream
everything) and the note says how many there were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from kg.errors import shown

if TYPE_CHECKING:
    from kg.store import Term

MAX_CELL = 40  # display cells of one column at most; the rest is cut with …
MIN_CELL = 8  # a column narrower than this is no longer readable: drop a column instead
_BORDER = 3  # "│ " before a cell and a space after it


def short_iri(value: str) -> str:
    """An IRI as a prefixed name where a known namespace fits (fkgr:citation/d1c9…), else as it is."""
    from kg.vocab import PREFIXES

    best = ""
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{value[len(PREFIXES[best]) :]}" if best else value


def cell_text(term: Term | None) -> str:
    if term is None:
        return ""
    return short_iri(term.value) if term.kind == "uri" else term.value


@dataclass(frozen=True)
class Fitted:
    table: Table
    hidden: list[str]  # columns left out to fit
    rows_shown: int
    rows_total: int

    def note(self) -> str:
        parts = [f"{self.rows_total} row(s)"]
        if self.rows_shown < self.rows_total:
            parts.append(f"the first {self.rows_shown} shown (--max-rows N, or --format csv|json for all)")
        if self.hidden:
            parts.append(f"not shown to fit the terminal: {', '.join(self.hidden)} (--columns to choose)")
        return "; ".join(parts)


def fit_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Term | None]],
    width: int,
    *,
    max_rows: int,
    chosen: Sequence[str] = (),
) -> Fitted:
    """A rich Table of the results no wider than `width`, with what it leaves out."""
    keep = [columns.index(c) for c in chosen] if chosen else list(range(len(columns)))
    shown_rows = rows[:max_rows]
    texts = [[shown(cell_text(row[i])) for i in keep] for row in shown_rows]
    names = [columns[i] for i in keep]
    natural = [
        min(MAX_CELL, max([cell_len(n), *(cell_len(r[j]) for r in texts)]))
        for j, n in enumerate(names)
    ]
    iri_only = [
        bool(shown_rows) and all(row[i] is None or row[i].kind == "uri" for row in shown_rows)  # type: ignore[union-attr]
        for i in keep
    ]
    visible = list(range(len(names)))

    def needed() -> int:
        return sum(min(natural[j], MIN_CELL) + _BORDER for j in visible) + 1

    def whole() -> int:
        return sum(natural[j] + _BORDER for j in visible) + 1

    hidden: list[str] = []
    # Columns of IRIs only go first, as soon as anything would be cut (a name or label is usually
    # beside them, and --format csv has them whole); then from the right, while even MIN_CELL
    # a column does not fit.
    for j in [j for j in reversed(visible) if iri_only[j]]:
        if whole() <= width or len(visible) == 1:
            break
        visible.remove(j)
        hidden.append(names[j])
    for j in list(reversed(visible)):
        if needed() <= width or len(visible) == 1:
            break
        visible.remove(j)
        hidden.append(names[j])
    widths = _share(width - len(visible) * _BORDER - 1, [natural[j] for j in visible])
    table = Table(title=title, show_lines=False)
    for j, w in zip(visible, widths, strict=True):
        table.add_column(names[j], no_wrap=True, overflow="ellipsis", width=w)
    for r in texts:
        table.add_row(*(Text(r[j]) for j in visible))
    return Fitted(table, [n for n in names if n in hidden], len(shown_rows), len(rows))


def _share(room: int, natural: list[int]) -> list[int]:
    """Widths within `room`: every column gets up to MIN_CELL, then the room left goes a cell at a time
    to the columns still narrower than their content (the narrow ones are whole first)."""
    widths = [min(n, MIN_CELL) for n in natural]
    left = room - sum(widths)
    while left > 0:
        wanting = [i for i, n in enumerate(natural) if widths[i] < n]
        if not wanting:
            break
        for i in sorted(wanting, key=lambda i: natural[i]):
            if left == 0:
                break
            widths[i] += 1
            left -= 1
    return [max(1, w) for w in widths]
