"""A short account of what a store holds, for `fundkg build` and `fundkg summary`."""

from __future__ import annotations

from dataclasses import dataclass

from kg.queries import bind, internal_query
from kg.store import Store
from kg.vocab import FKG

# What is counted, in the order shown: the distinct resources of a class (summary-counts.rq), or,
# for None, the indicators that missed their target (summary-missed-targets.rq).
_COUNTED: tuple[tuple[str, str | None], ...] = (
    ("reports", FKG.Report),
    ("departments", FKG.Department),
    ("subordinate units", FKG.Unit),
    ("regions", FKG.AdministrativeRegion),
    ("policy documents", FKG.PolicyDocument),
    ("citations", FKG.Citation),
    ("amount statements", FKG.AmountStatement),
    ("budget lines", FKG.BudgetLine),
    ("programmes", FKG.Programme),
    ("fund flows", FKG.FundFlow),
    ("allocation notices", FKG.AllocationNotice),
    ("performance evaluations", FKG.PerformanceEvaluation),
    ("performance indicators", FKG.PerformanceIndicator),
    ("indicators that missed their target", None),
    ("consistency issues", FKG.ConsistencyIssue),
)


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    quads: int
    reports: list[tuple[str, str, str, str]]  # file, publisher, year, kind label


def summarise(store: Store) -> Summary:
    classes = sorted({iri for _, iri in _COUNTED if iri is not None})
    by_class = store.select(bind(internal_query("summary-counts"), {"class": classes})).rows
    found = {str(row["class"]): int(row["n"]) for row in by_class}  # type: ignore[arg-type]
    missed = store.select(internal_query("summary-missed-targets").text).rows
    found[""] = int(missed[0]["n"]) if missed else 0  # type: ignore[arg-type]
    counts = {label: found.get(iri or "", 0) for label, iri in _COUNTED}
    reports = [
        (str(row["file"]), _text(row["publisher"]), _text(row["year"]), _text(row["kind"]))
        for row in store.select(internal_query("summary-reports").text).rows
    ]
    return Summary(counts, store.quad_count(), reports)


def _text(value: object) -> str:
    return "" if value is None else str(value)
