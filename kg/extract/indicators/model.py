"""What the indicator readers share: evaluations being read, one row's cells, and programmes.

Every reader (forms, scoring tables, prose) produces `Draft`s of evaluations whose indicators are
built by `make_indicator` from the texts and evidence of one row, so comparison, units, the met
decision and the concept link follow the same rules whatever the layout.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.extract.indicators import values
from kg.extract.table.rows import without_part_mark
from kg.lexicon import concepts
from kg.lexicon.names import programme_key
from kg.lexicon.text import squash
from kg.records import Evaluation, Evidence, Indicator, Measurement, Programme

# Marks before a name (★ core indicator) and template placeholders left in it: (≥**人), ≥**人 at
# the end. The report never filled them in, so they are not part of what it names.
_MARKS = re.compile(r"^[★☆*＊]+")
_PLACEHOLDER = re.compile(
    r"[(（][^()（）*＊]{0,3}[*＊]{2,}[^()（）]{0,8}[)）]|(?:>=|<=|[≥≤<>=≧≦＜＞])?[*＊]{2,}[^()（）\s]{0,8}$"
)

# The columns of an indicator row, as the readers name them.
NUMERIC_FIELDS = ("target", "adjusted", "actual", "deviation", "coefficient", "weight", "score")
DATA_FIELDS = ("target", "adjusted", "actual", "weight", "score")


@dataclass(frozen=True)
class Text:
    """A cell or span as written, with its evidence."""

    text: str
    evidence: Evidence


@dataclass
class Draft:
    """An evaluation being read: a form, a scoring table or a prose section."""

    subject: str
    evidence: Evidence
    source: str  # form | scoring | prose | sentence (results stated against their target)
    programme_code: str | None = None
    is_department: bool = False
    indicators: list[Indicator] = field(default_factory=list)
    total: Measurement | None = None
    max_score: Measurement | None = None
    grade: str | None = None
    execution_rate: Measurement | None = None  # as written: 96.49 with unit %
    execution_weight: Decimal | None = None  # points of the execution rate (执行率权重), for the total check
    execution_score: Decimal | None = None

    def record(self) -> Evaluation:
        return Evaluation(
            subject=self.subject,
            evidence=self.evidence,
            programme_code=self.programme_code,
            is_department=self.is_department,
            indicators=tuple(self.indicators),
            total_score=self.total,
            max_score=self.max_score,
            grade=self.grade,
            execution_rate=self.execution_rate,
        )


# -- building an indicator from one row --------------------------------------------------------------


def measurement(cell: Text | None, unit: str | None = None, *, actual: bool = False) -> Measurement | None:
    """A value cell as a Measurement; an actual written as a bound (≥70%) keeps only its text."""
    if cell is None or not cell.text.strip():
        return None
    text = cell.text.strip()
    parsed = values.parse_value(text) or (values.trailing_value(text) if actual else None)
    number = parsed.number if parsed and not (actual and parsed.is_bound) else None
    found_unit = parsed.unit if parsed else None
    return Measurement(text, number, found_unit or (unit if number is not None else None), cell.evidence)


def _comparison(column: Text | None, target: Text | None) -> str | None:
    if column is not None and column.text.strip():
        return values.comparison_of(column.text) or "qualitative"
    if target is None or not target.text.strip():
        return None
    parsed = values.parse_value(target.text)
    if parsed is None or parsed.number is None:
        return "qualitative"
    return parsed.comparison


def _core(cell: Text | None) -> bool | None:
    text = squash(cell.text) if cell else ""
    return {"是": True, "否": False}.get(text)


def _number(cell: Text | None, unit: str | None = None) -> Measurement | None:
    if cell is None or (number := values.to_decimal(cell.text)) is None:
        return None
    return Measurement(cell.text.strip(), number, unit, cell.evidence)


def make_indicator(name: Text, cells: dict[str, Text], tier1: str | None = None, tier2: str | None = None) -> Indicator:
    """One indicator from its name and the cells of its row, keyed by field name."""
    unit = values.normalise_unit(cells["unit"].text) if "unit" in cells else None
    target, adjusted, actual = cells.get("target"), cells.get("adjusted"), cells.get("actual")
    in_force = adjusted if adjusted is not None and adjusted.text.strip() else target
    comparison = _comparison(cells.get("comparison"), in_force)
    reached = None
    if in_force is not None and actual is not None:
        reached = values.met(comparison, in_force.text, actual.text, unit)
    reason = cells["reason"].text.strip() if "reason" in cells and cells["reason"].text.strip() else None
    clean = indicator_name(name.text)
    linked = concepts.link(clean)
    return Indicator(
        name=clean,
        evidence=name.evidence,
        tier1=tier1,
        tier2=tier2,
        comparison=comparison,
        target=measurement(target, unit),
        adjusted_target=measurement(adjusted, unit),
        actual=measurement(actual, unit, actual=True),
        weight=_number(cells.get("weight")),
        score=_number(cells.get("score")),
        deviation=_number(cells.get("deviation"), "%"),
        is_core=_core(cells.get("core")),
        reason=reason,
        met=reached,
        concept=linked[0] if linked else None,
        concept_rule=linked[1] if linked else None,
    )


def indicator_name(text: str) -> str:
    """★★★其中:受益人数(≥**人) → 受益人数: the name without marks, placeholders and 其中."""
    name = _PLACEHOLDER.sub("", _MARKS.sub("", squash(text)))
    return without_part_mark(name).rstrip(":：") or squash(text).rstrip(":：")


def has_data(cells: dict[str, Text]) -> bool:
    return any(cells[f].text.strip() for f in DATA_FIELDS if f in cells)


# -- programmes ------------------------------------------------------------------------------------

# What an indicator table evaluates when neither its form nor the report names it.
UNNAMED = "未具名项目"


class Programmes:
    """The report's programmes (kg.extract.programmes), found by name cell, code, name or position."""

    def __init__(self, programmes: list[Programme]) -> None:
        self.items = sorted(programmes, key=lambda p: p.evidence.start)
        self._starts = [p.evidence.start for p in self.items]

    def find(self, name: str, code: str | None = None, at: int | None = None) -> Programme | None:
        for p in self.items:
            if at is not None and p.evidence.start == at:
                return p
        if code:
            for p in self.items:
                if p.code == code:
                    return p
        key = programme_key(name)
        return next((p for p in self.items if programme_key(p.name) == key), None)

    def before(self, offset: int) -> Programme | None:
        """The programme named last before `offset`, else the only programme of the report."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0:
            return self.items[i]
        return self.items[0] if len(self.items) == 1 else None


def unnamed_draft(programmes: Programmes, publisher: str | None, evidence: Evidence) -> Draft:
    """The evaluation of an indicator table that names no programme: of the programme named last
    before it, else of the publisher (what the report says of its own unit), else of an unnamed
    programme (which the mapping keeps to the report: it has no publisher to share it with)."""
    programme = programmes.before(evidence.start)
    if programme is not None:
        return Draft(programme.name, evidence, "form", programme.code)
    if publisher:
        return Draft(publisher, evidence, "form", None, True)
    return Draft(UNNAMED, evidence, "form")
