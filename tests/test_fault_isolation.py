"""A component that fails on a report costs only what that component reads (issue: fault isolation).

Failures are injected: an extraction component and a mapping section are replaced by ones that add
something and then raise. The report is still built; the failure is an fkg:ExtractionIssue of its
graph naming the component and the error; what the failing component added is taken back; every
other record of the report is there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.document import Document
from kg.extract import pipeline
from kg.extract.component import Component
from kg.rdf import mapping
from kg.records import Programme, ReportRecords
from kg.store import Store, open_store

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE = SAMPLES / "anyue-project-evaluation-2022.html"


def _failing_programmes(doc: Document, found: ReportRecords) -> None:
    found.programmes.append(Programme("半途而废的项目", found.metadata.title_evidence))  # type: ignore[arg-type]
    raise ValueError("injected failure")


def _rows(store: Store, sparql: str) -> list[tuple[str, ...]]:
    return [tuple(v if v is not None else "" for v in row.values()) for row in store.select(sparql).lexical()]


def _count(store: Store, cls: str) -> int:
    return int(_rows(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}")[0][0])


@pytest.fixture()
def healthy() -> Store:
    store = open_store(None)
    build([SAMPLE], store)
    return store


def test_a_failing_extractor_loses_only_its_own_records(monkeypatch: pytest.MonkeyPatch, healthy: Store) -> None:
    original = next(c for c in pipeline.PIPELINE if c.name == "programmes")
    broken = Component(original.name, _failing_programmes, original.needs, original.provides)
    monkeypatch.setattr(pipeline, "PIPELINE", tuple(broken if c is original else c for c in pipeline.PIPELINE))
    store = open_store(None)
    result = build([SAMPLE], store)
    assert [p.name for p in result.added] == [SAMPLE.name] and not result.failed
    issues = _rows(
        store, "SELECT ?c ?e WHERE { ?r fkg:extractionIssue ?i . ?i fkg:component ?c ; dcterms:description ?e }"
    )
    assert issues == [("programmes", "ValueError: injected failure")]
    assert _count(store, "fkg:Programme") == 0 < _count(healthy, "fkg:Programme")
    # The programme the component added before it failed was taken back.
    assert not _rows(store, 'SELECT ?p WHERE { ?p rdfs:label "半途而废的项目"@zh }')
    for kept in ("fkg:Citation", "fkg:AmountStatement", "fkg:PerformanceEvaluation", "fkg:PerformanceIndicator"):
        assert _count(store, kept) == _count(healthy, kept) > 0, kept


def test_a_failing_mapping_section_is_taken_back(monkeypatch: pytest.MonkeyPatch, healthy: Store) -> None:
    def map_budget(m) -> None:
        m.add(m.report, m.report, m.report)
        raise KeyError("no such programme")

    sections = tuple(map_budget if s is mapping.map_budget else s for s in mapping.SECTIONS)
    monkeypatch.setattr(mapping, "SECTIONS", sections)
    store = open_store(None)
    build([SAMPLE], store)
    issues = _rows(store, "SELECT ?c ?e WHERE { ?i a fkg:ExtractionIssue ; fkg:component ?c ; dcterms:description ?e }")
    assert issues == [("mapping: budget", "KeyError: 'no such programme'")]
    assert _count(store, "fkg:Programme") == 0 and _count(store, "fkg:BudgetLine") == 0
    assert _count(store, "fkg:PerformanceIndicator") == _count(healthy, "fkg:PerformanceIndicator") > 0
