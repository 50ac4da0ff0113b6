"""Indicator tables flattened into paragraphs: a Word table copied out with no separator at all.

Document-sharing sites give a form as one run of text per page, its cells concatenated
(`…三级指标年度指标值全年完成值产出指标数量指标培训合格率95%98%…`), names broken by stray spaces and
each page opening with a marker (`2、`). Nothing of the table is left but the words and the shape of
the values, so that is what is read:

- the run starts after the indicator header (三级指标 / 指标名称, followed before any digit by
  指标值 / 完成值 / 目标值 / 实际值) and goes on over the paragraphs that follow it, until one
  holds neither a tier word nor a row;
- tier words (产出指标, 数量指标15分 …) cut it into segments and set the tiers; nothing before the
  first tier word is read (the header's own words, and prose that only mentions them);
- a segment is read as rows NAME TARGET [ACTUAL]: a value is a number with an optional operator and
  unit, a name ends with a Chinese character or a bracket and holds no %, operator or sentence
  stop. A row with two values is preferred where both start at the same place (a number inside a
  name, 3000吨仓容…, is then part of the name); the actual must carry the target's unit, else the
  digits after the target are the actual fused with the scores (2150101 = 2150 | 10 | 1) and
  are left unread; text that starts no row (a note after a row) is passed over;
- a satisfaction rate above 100% is two cells run together (a score, then the rate): not read;
- a value opening a page (after its marker) is the actual of the row the page break cut.

Whitespace is ignored while matching (it falls anywhere in such text); every name and value keeps
the span of the text it was read from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.document import Block, BlockKind, Document
from kg.extract.indicators import values
from kg.extract.indicators.model import Draft, Programmes, Text, make_indicator, unnamed_draft
from kg.lexicon.measures import TIER1, TIER2, TIER_RUN, UNIT_WORD
from kg.records import Evidence, Indicator

_START = re.compile(r"(?:三级指标|指标名称)[^\d]{0,40}?(?:指标值|完成值|目标值|实际值)")
_HINT = re.compile(r"三\s*级\s*指\s*标|指\s*标\s*名\s*称")  # on the text as written: most blocks stop here
_VALUE = rf"(?:{values.SIGNS})?\d+(?:\.\d+)?(?:%|‰|{UNIT_WORD}(?:/{UNIT_WORD})?)?"
_NAME = r"(?P<name>[^%‰≥≤≧≦<>=;；。:：]{1,60}?[\u4e00-\u9fff)）])"
_TWO = re.compile(rf"{_NAME}(?P<target>{_VALUE})(?P<actual>{_VALUE})")
_ONE = re.compile(rf"{_NAME}(?P<target>{_VALUE})")
_PAGE_MARK = re.compile(r"^\d{1,2}、")
_LEADING_VALUE = re.compile(_VALUE)
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class _Squashed:
    """A block's text without whitespace, with the offset in the document of every character."""

    text: str
    offsets: list[int]

    @classmethod
    def of(cls, doc: Document, start: int, end: int) -> _Squashed:
        kept = [i for i in range(start, end) if not doc.text[i].isspace()]
        return cls("".join(doc.text[i] for i in kept), kept)

    def span(self, doc: Document, start: int, end: int) -> Text:
        first, last = self.offsets[start], self.offsets[end - 1] + 1
        return Text(doc.text[first:last], Evidence.of(doc, first, last))


@dataclass
class _Run:
    """The indicator rows read so far from one flattened table."""

    tier1: str | None = None
    tier2: str | None = None
    rows: list[tuple[Text, dict[str, Text], str | None, str | None]] = field(default_factory=list)

    def indicators(self) -> list[Indicator]:
        return [make_indicator(name, cells, tier1, tier2) for name, cells, tier1, tier2 in self.rows]


def _unit(value: str) -> str | None:
    parsed = values.parse_value(value)
    return parsed.unit if parsed else None


def _plausible(row: re.Match[str]) -> bool:
    """A satisfaction rate above 100% is digits of two cells run together (a score before it)."""
    target = values.parse_value(row.group("target"))
    over = target is not None and target.unit == "%" and target.number is not None and target.number > 100
    return not (over and "满意" in row.group("name"))


def _rows(segment: str) -> Iterator[re.Match[str]]:
    """NAME TARGET [ACTUAL] rows of one segment, left to right (see the module docstring). Text that
    starts no row (a note, the rest of a fused cell) is passed over."""
    pos = 0
    while pos < len(segment):
        two = _TWO.search(segment, pos)
        if two is not None and _unit(two.group("actual")) != _unit(two.group("target")):
            two = None  # 2150101 after 2000人: the actual fused with the scores
        one = _ONE.search(segment, pos)
        found = two if two is not None and (one is None or two.start() <= one.start()) else one
        if found is None:
            return
        if len(_HAN.findall(found.group("name"))) >= 2 and _plausible(found):
            yield found
        pos = found.end()


class _Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.run = _Run()

    def block(self, squashed: _Squashed, start: int) -> bool:
        """Read the rows of one block from `start` (in squashed text); False when it held none."""
        text = squashed.text
        page = _PAGE_MARK.match(text) if start == 0 else None
        if page:
            start = page.end()
            self._continued(squashed, start)
        found = False
        pos = start
        for tier in TIER_RUN.finditer(text, start):
            found |= self._segment(squashed, pos, tier.start())
            word = tier.group("tier")
            if TIER1.match(word):
                self.run.tier1, self.run.tier2 = word, None
            elif TIER2.match(word):
                self.run.tier2 = word
            pos, found = tier.end(), True
        return self._segment(squashed, pos, len(text)) or found

    def _continued(self, squashed: _Squashed, start: int) -> None:
        """A value opening a page is the actual of the last row, when it lacks one."""
        m = _LEADING_VALUE.match(squashed.text, start)
        if m is None or not self.run.rows:
            return
        cells = self.run.rows[-1][1]
        target = cells.get("target")
        if "actual" not in cells and target is not None and _unit(m.group()) == _unit(target.text):
            cells["actual"] = squashed.span(self.doc, m.start(), m.end())

    def _segment(self, squashed: _Squashed, start: int, end: int) -> bool:
        """The rows between two tier words; none before the first tier (the header's own words)."""
        if self.run.tier1 is None and self.run.tier2 is None:
            return False
        found = False
        for m in _rows(squashed.text[start:end]):
            cells = {
                group: squashed.span(self.doc, start + m.start(group), start + m.end(group))
                for group in ("name", "target", "actual")
                if m.groupdict().get(group)
            }
            name = cells.pop("name")
            self.run.rows.append((name, cells, self.run.tier1, self.run.tier2))
            found = True
        return found


def _runs(doc: Document) -> Iterator[tuple[Block, list[Indicator]]]:
    """Each flattened indicator table: the block it starts in and its indicators."""
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if block.kind is BlockKind.TABLE or not _HINT.search(doc.text, block.start, block.end):
            continue
        squashed = _Squashed.of(doc, block.start, block.end)
        start = _START.search(squashed.text)
        if start is None:
            continue
        reader = _Reader(doc)
        reader.block(squashed, start.end())
        while i < len(blocks) and blocks[i].kind is BlockKind.PARAGRAPH:
            following = _Squashed.of(doc, blocks[i].start, blocks[i].end)
            if not reader.block(following, 0):
                break
            i += 1
        if reader.run.rows:
            yield block, reader.run.indicators()


def read_flattened(doc: Document, publisher: str | None, programmes: Programmes) -> list[Draft]:
    """One evaluation per flattened indicator table, of the body `unnamed_draft` settles on."""
    drafts: list[Draft] = []
    for block, indicators in _runs(doc):
        draft = unnamed_draft(programmes, publisher, Evidence.of(doc, block.start, block.end))
        draft.indicators = indicators
        drafts.append(draft)
    return drafts
