"""Scoring tables (绩效自评指标计分表) whose cells a Word export split over many lines.

In such an export every cell starts a line with a tab and runs on over the following lines without
one; empty cells leave nothing behind, so rows cannot be counted off by cells. The table is read by
what its cells say instead:
- a cell with points in brackets (决  策（20分）) and nothing after them is a tier: the first of two in
  a row is 一级, the one just before an indicator is 二级;
- a cell with points in brackets followed by a line holding only a number (资金到位率（4分） / 4) is an
  indicator: its name without the points, the points as its weight, the number as its score;
- 总分 followed by a number is the evaluation's total;
- any other cell (the header, 指标解释, 指标说明) is skipped.
The table runs from its title (a line ending in 计分表 or 评分表) to its 总分, or to the next heading.
"""

from __future__ import annotations

import re

from kg.document import BlockKind, Cell, Document
from kg.extract.indicators import values
from kg.extract.indicators.model import Draft, Programmes, Text, make_indicator
from kg.lexicon.text import squash
from kg.records import Evidence, Indicator, Measurement

_TITLE = re.compile(r"^[ \t]*(?P<title>\S.*(?:计分表|评分表))[ \t]*$", re.MULTILINE)
_POINTS = re.compile(r"[(（]\s*(?P<points>\d+(?:\.\d+)?)\s*分\s*[)）]")
_SCORE_LINE = re.compile(r"^\s*(?P<score>\d+(?:\.\d+)?)\s*$")


def _cells(text: str, start: int, end: int) -> list[Cell]:
    """Cells of the region: each begins after a tab at the start of a line and runs to the next one."""
    cells: list[Cell] = []
    pos = start
    while True:
        begin = text.find("\n\t", pos, end)
        if begin < 0:
            break
        begin += 2
        stop = text.find("\n\t", begin, end)
        stop = end if stop < 0 else stop
        cells.append(Cell(begin, stop, text[begin:stop]))
        pos = stop
    return cells


def _region_end(doc: Document, start: int) -> int:
    """The next heading after the title, or the end of the text."""
    for block in doc.blocks:
        if block.start > start and block.kind is BlockKind.HEADING:
            return block.start
    return len(doc.text)


class _Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.tier1: str | None = None
        self.tier2: str | None = None
        self.pending: list[str] = []  # tier cells seen since the last indicator
        self.indicators: list[Indicator] = []
        self.total: Measurement | None = None

    def cell(self, cell: Cell, following: Cell | None) -> bool:
        """Read one cell; False once the total has been read."""
        lines = cell.text.rstrip("\n").split("\n")
        body = "".join(lines)
        if squash(body) == "总分":
            if following is not None and (number := values.to_decimal(following.text)) is not None:
                evidence = Evidence.of(self.doc, following.start, following.start + len(following.text.rstrip()))
                self.total = Measurement(following.text.strip(), number, None, evidence)
            return False
        points = _POINTS.search(body)
        if points is None:
            return True
        score = _SCORE_LINE.match(lines[-1]) if len(lines) > 1 else None
        if score is None:
            self.pending.append(squash(_POINTS.sub("", body)))
            return True
        self._indicator(cell, lines, points.group("points"))
        return True

    def _indicator(self, cell: Cell, lines: list[str], points: str) -> None:
        if len(self.pending) >= 2:
            self.tier1, self.tier2 = self.pending[-2], self.pending[-1]
        elif self.pending:
            self.tier2 = self.pending[-1]
        self.pending = []
        doc = self.doc
        name_end = cell.start + len("\n".join(lines[:-1]))
        score_start = name_end + 1
        name = Text(_POINTS.sub("", doc.text[cell.start : name_end]), Evidence.of(doc, cell.start, name_end))
        # The points' own span when they stand on one line, else the name's.
        found = _POINTS.search(doc.text, cell.start, name_end)
        span = Evidence.of(doc, found.start("points"), found.end("points")) if found else name.evidence
        weight = Text(points, span)
        score = Text(lines[-1].strip(), Evidence.of(doc, score_start, score_start + len(lines[-1].rstrip())))
        self.indicators.append(make_indicator(name, {"weight": weight, "score": score}, self.tier1, self.tier2))


def read_scoring_tables(doc: Document, programmes: Programmes) -> list[Draft]:
    drafts: list[Draft] = []
    for title in _TITLE.finditer(doc.text):
        end = _region_end(doc, title.end())
        reader = _Reader(doc)
        cells = _cells(doc.text, title.end(), end)
        for i, cell in enumerate(cells):
            if not reader.cell(cell, cells[i + 1] if i + 1 < len(cells) else None):
                break
        if not reader.indicators:
            continue
        evidence = Evidence.of(doc, title.start("title"), title.end("title"))
        programme = programmes.before(title.start())
        subject = programme.name if programme else squash(title.group("title"))
        draft = Draft(subject, evidence, "scoring", programme.code if programme else None)
        draft.indicators = reader.indicators
        draft.total = reader.total
        drafts.append(draft)
    return drafts
