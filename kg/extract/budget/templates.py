"""The table templates of kg/extract/table_templates.yaml, loaded once and compiled.

Every regex of the file is compiled here, and every measure a template names must be listed under
`measures`, so a typo in the data fails at load time rather than silently dropping columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kg.records import BudgetPhase

TEMPLATES_PATH = Path(__file__).resolve().parent.parent / "table_templates.yaml"


@dataclass(frozen=True)
class ColumnRule:
    pattern: re.Pattern[str]
    measure: str
    phase: BudgetPhase | None = None
    fund_type: str | None = None


@dataclass(frozen=True)
class ColumnSum:
    total: str
    parts: tuple[tuple[str, int], ...]  # (measure, +1 or -1)


@dataclass(frozen=True)
class RowSum:
    total: re.Pattern[str]
    parts: re.Pattern[str]
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Balance:
    left: tuple[re.Pattern[str], str]
    right: tuple[re.Pattern[str], str]


Roles = tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]  # (role, patterns) in matching order


@dataclass(frozen=True)
class Template:
    id: str
    captions: tuple[re.Pattern[str], ...]
    signature: tuple[re.Pattern[str], ...]
    columns: tuple[ColumnRule, ...]
    block_start: tuple[re.Pattern[str], ...] = ()
    block_groups: bool = False
    row_words: bool = False
    row_label: str | None = None
    phase: BudgetPhase | None = None
    fund_type: str | None = None
    column_sums: tuple[ColumnSum, ...] = ()
    row_sums: tuple[RowSum, ...] = ()
    balances: tuple[Balance, ...] = ()
    roles: Roles | None = None  # overrides defaults.roles
    totals: tuple[re.Pattern[str], ...] = ()  # overrides defaults.totals when given


@dataclass(frozen=True)
class Defaults:
    unit: str
    phase: BudgetPhase
    roles: Roles
    totals: tuple[re.Pattern[str], ...]
    phase_words: tuple[tuple[re.Pattern[str], BudgetPhase], ...]
    fund_words: tuple[tuple[re.Pattern[str], str], ...]
    non_money_rows: re.Pattern[str]
    non_money_sections: re.Pattern[str]
    heading: re.Pattern[str]
    inner_header: re.Pattern[str]


@dataclass(frozen=True)
class ProseTotal:
    label: re.Pattern[str]
    table: str
    row: re.Pattern[str]
    measure: str
    context: re.Pattern[str] | None = None
    not_context: re.Pattern[str] | None = None

    def fits(self, sentence: str) -> bool:
        """Whether the sentence before the amount is about this rule's table."""
        if self.context is not None and not self.context.search(sentence):
            return False
        return self.not_context is None or not self.not_context.search(sentence)


@dataclass(frozen=True)
class Catalogue:
    defaults: Defaults
    templates: tuple[Template, ...]
    measures: dict[str, str]
    chain_tables: tuple[str, ...]
    prose_totals: tuple[ProseTotal, ...]

    def template(self, template_id: str) -> Template | None:
        return next((t for t in self.templates if t.id == template_id), None)


def _patterns(values: Any) -> tuple[re.Pattern[str], ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(re.compile(v) for v in values)


def _phase(value: str | None) -> BudgetPhase | None:
    return BudgetPhase(value) if value else None


def _column_sum(raw: dict[str, Any]) -> ColumnSum:
    parts = tuple((p[1:], -1) if p.startswith("-") else (p, 1) for p in raw["parts"])
    return ColumnSum(raw["total"], parts)


def _row_sum(raw: dict[str, Any]) -> RowSum:
    measures = raw["measure"]
    measures = (measures,) if isinstance(measures, str) else tuple(measures)
    return RowSum(re.compile(raw["total"]), re.compile(raw["parts"]), measures)


def _balance(raw: dict[str, Any]) -> Balance:
    (left, lm), (right, rm) = raw["left"], raw["right"]
    return Balance((re.compile(left), lm), (re.compile(right), rm))


def _roles(raw: dict[str, Any]) -> Roles:
    return tuple((role, _patterns(raw.get(role))) for role in ("code", "skip", "name"))


def _template(raw: dict[str, Any]) -> Template:
    checks = raw.get("checks") or {}
    blocks = raw.get("blocks") or {}
    return Template(
        id=raw["id"],
        # Captions match the end of a caption text; the longest match picks the template.
        captions=tuple(re.compile(f"(?:{c})$") for c in raw.get("captions", ())),
        signature=_patterns(raw.get("signature")),
        columns=tuple(
            ColumnRule(re.compile(c["header"]), c["measure"], _phase(c.get("phase")), c.get("fund_type"))
            for c in raw.get("columns", ())
        ),
        block_start=_patterns(blocks.get("start")),
        block_groups=bool(blocks.get("groups")),
        row_words=bool(raw.get("row_words")),
        row_label=raw.get("row_label"),
        phase=_phase(raw.get("phase")),
        fund_type=raw.get("fund_type"),
        column_sums=tuple(_column_sum(c) for c in checks.get("column_sums", ())),
        row_sums=tuple(_row_sum(r) for r in checks.get("row_sums", ())),
        balances=tuple(_balance(b) for b in checks.get("balance", ())),
        roles=_roles(raw["roles"]) if raw.get("roles") else None,
        totals=_patterns(raw.get("totals")),
    )


def _optional(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


def _prose_total(raw: dict[str, Any]) -> ProseTotal:
    return ProseTotal(
        re.compile(raw["label"]),
        raw["table"],
        re.compile(raw["row"]),
        raw["measure"],
        _optional(raw.get("context")),
        _optional(raw.get("not_context")),
    )


def _defaults(raw: dict[str, Any]) -> Defaults:
    roles = raw["roles"]
    if set(roles) != {"code", "skip", "name"}:
        raise ValueError("defaults.roles must give code, skip and name patterns")
    return Defaults(
        unit=raw["unit"],
        phase=BudgetPhase(raw["phase"]),
        roles=_roles(roles),
        totals=_patterns(raw["totals"]),
        phase_words=tuple((re.compile(w["match"]), BudgetPhase(w["phase"])) for w in raw["phase_words"]),
        fund_words=tuple((re.compile(w["match"]), w["fund_type"]) for w in raw["fund_words"]),
        non_money_rows=re.compile(raw["non_money_rows"]),
        non_money_sections=re.compile(raw["non_money_sections"]),
        heading=re.compile(raw["heading"]),
        inner_header=re.compile(raw["inner_header"]),
    )


def _used_measures(template: Template) -> set[str]:
    used = {c.measure for c in template.columns}
    for s in template.column_sums:
        used.add(s.total)
        used.update(m for m, _ in s.parts)
    for r in template.row_sums:
        used.update(r.measures)
    for b in template.balances:
        used.update((b.left[1], b.right[1]))
    return used


def _validate(catalogue: Catalogue) -> None:
    ids = [t.id for t in catalogue.templates]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate template ids in {TEMPLATES_PATH.name}")
    for template in catalogue.templates:
        unknown = _used_measures(template) - set(catalogue.measures)
        if unknown:
            raise ValueError(f"template {template.id} uses unlisted measures {sorted(unknown)}")
    for name in catalogue.chain_tables + tuple(p.table for p in catalogue.prose_totals):
        if catalogue.template(name) is None:
            raise ValueError(f"prose rules name unknown template {name}")
    unknown = {p.measure for p in catalogue.prose_totals} - set(catalogue.measures)
    if unknown:
        raise ValueError(f"prose totals use unlisted measures {sorted(unknown)}")


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    """Compile the parsed YAML of a template file; raises ValueError on inconsistent data."""
    prose = data.get("prose") or {}
    catalogue = Catalogue(
        defaults=_defaults(data["defaults"]),
        templates=tuple(_template(t) for t in data["templates"]),
        measures=dict(data["measures"]),
        chain_tables=tuple(prose.get("chain_tables", ())),
        prose_totals=tuple(_prose_total(p) for p in prose.get("totals", ())),
    )
    _validate(catalogue)
    return catalogue


@lru_cache(maxsize=1)
def load_templates() -> Catalogue:
    """The project's templates, read and compiled once per process."""
    with TEMPLATES_PATH.open(encoding="utf-8") as handle:
        return parse_catalogue(yaml.safe_load(handle))
