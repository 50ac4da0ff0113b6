"""The store: manifest, atomic replacement, orphan clean-up, removal."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from kg.store import REPORT_GRAPHS, FundStore, PendingReport
from kg.vocab import MANIFEST_GRAPH

P = NamedNode("http://example.org/p")


def pending(report: str, graph: str, value: str, sha: str = "a" * 64) -> PendingReport:
    r, g = NamedNode(report), NamedNode(graph)
    return PendingReport(r, g, [Quad(r, P, Literal(value), g)], sha, "1", "r.txt", "/tmp/r.txt")


def test_replacing_a_report_swaps_its_graph(tmp_path: Path) -> None:
    store = FundStore.open(tmp_path / "s")
    store.write_reports([pending("http://e/r1", "http://e/g1", "old")])
    store.write_reports([pending("http://e/r1", "http://e/g2", "new", "b" * 64)])
    values = {row["o"].value for row in store.query("SELECT ?o WHERE { ?s <http://example.org/p> ?o }")}
    assert values == {"new"}
    entry = store.manifest()["http://e/r1"]
    assert entry.graph == NamedNode("http://e/g2") and entry.sha256 == "b" * 64
    assert NamedNode("http://e/g1") not in set(store.raw.named_graphs())


def test_orphan_graphs_left_by_an_interrupted_write_are_dropped_on_open(tmp_path: Path) -> None:
    path = tmp_path / "s"
    store = FundStore.open(path)
    store.write_reports([pending("http://e/r1", "http://e/g1", "kept")])
    # Simulate a crash after the bulk load but before the manifest switch.
    orphan = NamedNode(REPORT_GRAPHS + "0123456789ab/feedfacecafe")
    store.raw.add(Quad(NamedNode("http://e/r2"), P, Literal("half"), orphan))
    # A graph a user loaded through an authorised SPARQL update is not a report graph: kept.
    store.raw.add(Quad(NamedNode("http://e/s"), P, Literal("mine"), NamedNode("http://e/user-graph")))
    store.raw.flush()
    del store
    reopened = FundStore.open(path)
    graphs = set(reopened.raw.named_graphs())
    assert orphan not in graphs
    assert NamedNode("http://e/user-graph") in graphs
    assert NamedNode("http://e/g1") in graphs
    assert NamedNode(MANIFEST_GRAPH) in graphs


def test_remove_report(tmp_path: Path) -> None:
    store = FundStore.open(tmp_path / "s")
    store.write_reports([pending("http://e/r1", "http://e/g1", "x"), pending("http://e/r2", "http://e/g2", "y")])
    assert store.remove_report(NamedNode("http://e/r1"))
    assert not store.remove_report(NamedNode("http://e/r1"))
    assert set(store.manifest()) == {"http://e/r2"}
    assert store.quad_count() > 0
