"""Cut a stream of cells that carries no row marks into rows, from the shape of the cells alone.

Flattened tables (one cell per line) lose their row ends. Two rules bring them back:

- period: when the kinds of the cells repeat every p cells (a label, three amounts, an empty
  note, a label …), the rows are p cells long; a row starts at its label column (the column of
  distinct labels), moved back over tier columns (labels that repeat, 产出指标) and a 序号 or code
  column before it. The rows that fit the repeating shape form the body; the cells before it end
  with the header row (as long as a body row) and may begin with titles;
- label: otherwise a row starts wherever a label follows a value or an empty cell (rows read as
  "what, then how much"); a sentence standing alone is a row of its own (a merged note cell).

Work is linear in the number of cells: periods are tried up to a fixed bound.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from kg.readers.layout.cells import Kind, clean, is_texty, kind_of

_MAX_PERIOD = 64
_MIN_SCORE = 0.8
_MIN_BODY_ROWS = 3
_YEAR = re.compile(r"^(?:19|20)\d\d年?度?$")  # year columns head many tables
_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+[部章节]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.、])"
)
# A header cell this long, ending in 表, or stating the unit or an annex, is a caption above the header.
_TITLE_LEN = 16
_CAPTION = re.compile(r"^(?:(?:金额|计量)?单位\s*[:：]|附件|附表)")


@dataclass(frozen=True)
class TCell:
    start: int
    end: int
    text: str
    kind: Kind
    # The kind as rows are cut by: T for any text, V, C or E (kept as a field: it is read often).
    cls: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cls", "T" if is_texty(self.kind) else self.kind.value)


def make_cell(source: str, start: int, end: int) -> TCell:
    """The cell of `source[start:end]`, its span trimmed of spaces (and of ? left for spaces)."""
    while start < end and source[start] in " \t\n?":
        start += 1
    while end > start and source[end - 1] in " \t\n?":
        end -= 1
    text = clean(source[start:end])
    return TCell(start, end, text, kind_of(text))


@dataclass
class Split:
    lead: list[TCell]  # captions before the header: not rows of the table
    rows: list[list[TCell]]


def split_stream(cells: list[TCell]) -> Split:
    """Rows of a stream of cells: a periodic body with its header, or rows by the label rule."""
    period = _period(cells)
    if period is not None:
        split = _periodic(cells, period)
        if split is not None:
            return split
    return Split([], _label_rows(cells))


def _period(cells: list[TCell]) -> int | None:
    n = len(cells)
    cls = ["V" if c.cls == "C" else c.cls for c in cells]  # a code column and an amount column repeat alike
    best, best_score = None, 0.0
    scores: list[tuple[int, float]] = []
    for p in range(2, min(_MAX_PERIOD, n // _MIN_BODY_ROWS) + 1):
        seen = hits = 0
        for i in range(n - p):
            if cls[i] == "E" and cls[i + p] == "E":
                continue
            seen += 1
            hits += cls[i] == cls[i + p]
        if seen:
            scores.append((p, hits / seen))
    if not scores:
        return None
    top = max(s for _, s in scores)
    if top < _MIN_SCORE:
        return None
    # The smallest period that scores about as well: multiples of it score as well too.
    best, best_score = next((p, s) for p, s in scores if s >= top - 0.03)
    return best if best_score >= _MIN_SCORE else None


def _template(cells: list[TCell], p: int) -> list[Counter[str]]:
    cols: list[Counter[str]] = [Counter() for _ in range(p)]
    for i, c in enumerate(cells):
        cols[i % p][c.cls] += 1
    return cols


def _phase(cells: list[TCell], p: int) -> int:
    """The position (mod p) where rows start."""
    cols = _template(cells, p)
    texts: list[list[str]] = [[] for _ in range(p)]
    for i, c in enumerate(cells):
        if c.cls == "T":
            texts[i % p].append(c.text)

    def label_score(j: int) -> float:
        total = sum(cols[j].values())
        share = cols[j]["T"] / total if total else 0.0
        distinct = len(set(texts[j])) / len(texts[j]) if texts[j] else 0.0
        # Names have no digits; a text column with digits (补助3户) describes, it does not name.
        plain = sum(1 for c in cells[j::p] if c.kind is Kind.LABEL) / total if total else 0.0
        return share + distinct + plain / 2

    labelled = [j for j in range(p) if cols[j]["T"] >= max(cols[j]["V"], cols[j]["C"], 1)]
    if not labelled:
        return 0
    start = max(labelled, key=label_score)
    for _ in range(p - 1):
        before = (start - 1) % p
        if not _leads(cells, before, p, cols[before]):
            break
        start = before
    return start


def _leads(cells: list[TCell], j: int, p: int, col: Counter[str]) -> bool:
    """A column that stands before the label column in a row: tiers (labels without digits, often
    left empty under a merged cell), codes, or a 序号 counting up."""
    filled = col["T"] + col["V"] + col["C"]
    if not filled:
        return False  # always empty: the mark a layout leaves between rows
    members = [c for c in cells[j::p] if c.cls != "E"]
    most = 0.8 * len(members)  # the header's cell in the column is a label: let it be
    if col["C"] >= most:
        return True
    if col["T"] >= most:
        return sum(1 for c in members if c.kind is Kind.LABEL) >= most
    # Whole numbers before the label: a 序号 counting up, or classification codes of one chain.
    digits = [c.text for c in members if c.text.isdigit()]
    if len(digits) < most:
        return False
    counting = all(int(b) == int(a) + 1 for a, b in itertools.pairwise(digits))
    chained = all(len(d) >= 3 and d[:3] == digits[0][:3] for d in digits)
    return counting or chained


def _fits(row: list[TCell], shape: list[str]) -> bool:
    clash = sum(1 for c, want in zip(row, shape, strict=False) if c.cls != "E" and want != "E" and c.cls != want)
    valued = any(c.cls in ("V", "C") for c in row) or not any(w in ("V", "C") for w in shape)
    return clash <= max(1, len(shape) // 4) and valued


def _periodic(cells: list[TCell], p: int) -> Split | None:
    phase = _phase(cells, p)
    cols = _template(cells, p)
    shape = [cols[(phase + k) % p].most_common(1)[0][0] for k in range(p)]
    if shape[0] != "T" and "T" not in shape[:2]:
        return None  # rows open with what they are about; a run of values alone is one wide row
    if not any(w in ("V", "C") for w in shape):
        return None  # labels repeating are a header, not a body
    starts = list(range(phase, len(cells) - p + 1, p))
    fits = [_fits(cells[s : s + p], shape) for s in starts]
    # The longest run of fitting rows is the body.
    best_a = best_b = 0
    a = 0
    for i, ok in enumerate([*fits, False]):
        if not ok:
            if i - a > best_b - best_a:
                best_a, best_b = a, i
            a = i + 1
    if best_b - best_a < _MIN_BODY_ROWS:
        return None
    body_start, body_end = starts[best_a], starts[best_b - 1] + p
    rows = [cells[s : s + p] for s in starts[best_a:best_b]]
    lead, head = _header(cells[:body_start], p)
    tail = _label_rows(cells[body_end:])
    return Split(lead, [*head, *rows, *tail])


def _header(prefix: list[TCell], p: int) -> tuple[list[TCell], list[list[TCell]]]:
    """The header row right before the body, and what is before it (captions, titles).

    The header is the run of labels (and empty cells) that ends the prefix, at least a row long
    when the prefix has that many, longer when its labels go on (columns a flattening collapsed),
    never reaching past a caption (单位：万元, …表) or a value."""
    k = len(prefix)
    while k > 0:
        c = prefix[k - 1]
        if _caption(c) or not (c.cls in ("T", "E") or _YEAR.match(c.text)):
            break
        if len(prefix) - k >= p and c.cls == "E":
            break  # the mark before the header row
        if len(prefix) - k >= 3 * p:
            break
        k -= 1
    while k < len(prefix) and prefix[k].cls == "E":
        k += 1
    head = prefix[k:]
    if not head:
        return prefix, []
    if len(head) < p:  # a merged first-column header is lost more often than any other
        head = [TCell(head[0].start, head[0].start, "", Kind.EMPTY)] * (p - len(head)) + head
    return prefix[:k], [head]


def _caption(cell: TCell) -> bool:
    t = cell.text
    return len(t) > _TITLE_LEN or t.endswith(("表", "清单")) or bool(_CAPTION.match(t))


def _label_rows(cells: list[TCell]) -> list[list[TCell]]:
    rows: list[list[TCell]] = []
    row: list[TCell] = []
    serial = 0  # the last 序号 seen: a whole number counting up before a label opens its row
    code: str | None = None  # the last code that opened a row
    for i, c in enumerate(cells):
        prev = cells[i - 1] if i else None
        opens = prev is not None and c.cls == "T" and prev.cls in ("V", "C", "E")
        opens = opens and not (len(row) == 1 and row[0].cls == "C")  # the name after its code
        # A code opens a row when its name follows (2080501 | 事业单位离退休 | …) after an empty cell
        # or in the chain of the code before it; otherwise a long number is an amount.
        if c.cls == "C" and prev is not None and i + 1 < len(cells) and cells[i + 1].cls == "T":
            chained = code is not None and c.text[:3] == code[:3]
            if prev.cls == "E" or chained:
                opens, code = True, c.text
        # A sentence alone in a row (a merged note) is closed by the label after it.
        opens = opens or (c.cls == "T" and len(row) == 1 and row[0].kind is Kind.PROSE)
        if opens and row:
            carried: list[TCell] = []
            if len(row) > 1 and prev is not None and prev.text.isdigit() and int(prev.text) == serial + 1:
                carried, serial = [row.pop()], serial + 1
            rows.append(row)
            row = carried
        row.append(c)
    if row:
        rows.append(row)
    return _split_first_header(_split_captions(rows))


def _split_captions(rows: list[list[TCell]]) -> list[list[TCell]]:
    """Captions at the head of the first row (单位：万元, …分配表) are a row of their own."""
    if not rows:
        return rows
    first = rows[0]
    k = 0
    while k < len(first) - 1 and (_caption(first[k]) or first[k].cls == "E"):
        k += 1
    return [first[:k], first[k:], *rows[1:]] if k and any(c.text for c in first[:k]) else rows


def _split_first_header(rows: list[list[TCell]]) -> list[list[TCell]]:
    """A header glued to the row under it (all labels, then that row's labels and values) is cut
    where the next rows' leading labels say the row starts."""
    if len(rows) < 2:
        if len(rows) == 1 and rows[0]:
            return _split_lone(rows[0])
        return rows
    valued = [i for i, r in enumerate(rows) if any(c.cls in ("V", "C") for c in r)]
    out: list[list[TCell]] = []
    for i, row in enumerate(rows):
        other = next((j for j in valued if j > i), None)
        if other is None:
            other = next((j for j in reversed(valued) if j < i), None)
        run = _leading_texts(row)
        if other is not None and i in valued:
            k = _leading_texts(rows[other])
            if k and run - k >= 3:  # a header of a few cells, not a row's tiers
                out.extend([row[: run - k], row[run - k :]])
                continue
        out.append(row)
    return out


def _split_lone(row: list[TCell]) -> list[list[TCell]]:
    """One row of labels then one label with its values: a header and one body row."""
    run = _leading_texts(row)
    values = sum(1 for c in row[run:] if c.cls in ("V", "C"))
    if run >= 3 and values and run - 1 == len(row) - run + 1:
        return [row[: run - 1], row[run - 1 :]]
    return [row]


def _leading_texts(row: list[TCell]) -> int:
    n = 0
    for c in row:
        if c.cls != "T":
            break
        n += 1
    return n


def is_contents(rows: list[list[TCell]]) -> bool:
    """A table of contents: headings (一、… 第二部分 …) each with a page number, never going down."""
    values = [c.text for r in rows for c in r if c.cls in ("V", "C")]
    if not values or not all(v.isdigit() and len(v) <= 3 for v in values):
        return False
    labels = [r[0].text for r in rows if r and r[0].cls == "T"]
    if sum(1 for t in labels if _HEADING.match(t)) < len(rows) / 2:
        return False
    numbers = [int(v) for v in values]
    return all(b >= a for a, b in itertools.pairwise(numbers))
