"""The store: manifest, atomic replacement, orphan clean-up, removal, generation, typed results."""

from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.errors import FundKGError
from kg.store import (
    IRI,
    REPORT_GRAPHS,
    BlankNode,
    LangString,
    PendingReport,
    SparqlSyntaxError,
    StoreError,
    Term,
    TooManyResults,
    TypedLiteral,
    open_store,
)
from kg.vocab import MANIFEST_GRAPH

P = NamedNode("http://example.org/p")


def pending(report: str, graph: str, value: str, sha: str = "a" * 64) -> PendingReport:
    # The mapping hands over its own (pyoxigraph) terms; the store reads IRIs as strings.
    r, g = NamedNode(report), NamedNode(graph)
    return PendingReport(r, g, [Quad(r, P, Literal(value), g)], sha, "1", "r.txt", "/tmp/r.txt")  # type: ignore[arg-type]


def test_replacing_a_report_swaps_its_graph(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.write_reports([pending("http://e/r1", "http://e/g1", "old")])
    store.write_reports([pending("http://e/r1", "http://e/g2", "new", "b" * 64)])
    values = {row["o"] for row in store.select("SELECT ?o WHERE { ?s <http://example.org/p> ?o }").rows}
    assert values == {"new"}
    entry = store.manifest()["http://e/r1"]
    assert entry.graph == "http://e/g2" and entry.sha256 == "b" * 64
    assert "http://e/g1" not in store.named_graphs()


def test_current_graphs_names_only_the_reports_asked_for(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.write_reports([pending("http://e/r1", "http://e/g1", "one"), pending("http://e/r2", "http://e/g2", "two")])
    store.write_reports([pending("http://e/r1", "http://e/g3", "one again", "b" * 64)])
    assert store.current_graphs(["http://e/r1", "http://e/unknown"]) == {"http://e/r1": "http://e/g3"}
    assert store.current_graphs([]) == {}


def test_a_read_only_open_sees_a_batch_before_the_writer_closes(tmp_path: Path) -> None:
    # A batch is not flushed to the store's tables (close() does that): its manifest switch is in the
    # write-ahead log, which another process's read-only open reads, as the service does during a build.
    path = tmp_path / "s"
    store = open_store(path)
    store.write_reports([pending("http://e/r1", "http://e/g1", "one")])
    code = (
        "import sys; from pathlib import Path; from kg.store import open_store; "
        "s = open_store(Path(sys.argv[1]), read_only=True); "
        "rows = s.select('SELECT ?o WHERE { ?s <http://example.org/p> ?o }').rows; "
        "print(sorted(s.manifest()), s.generation(), len(rows))"
    )
    seen = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert seen.stdout.strip() == f"['http://e/r1'] {store.generation()} 1"
    store.close()


def test_orphan_graphs_left_by_an_interrupted_write_are_dropped_on_open(tmp_path: Path) -> None:
    path = tmp_path / "s"
    store = open_store(path)
    store.write_reports([pending("http://e/r1", "http://e/g1", "kept")])
    # Simulate a crash after the bulk load but before the manifest switch: a report graph the
    # manifest does not name (written here with an update, which leaves the manifest alone).
    orphan = REPORT_GRAPHS + "0123456789ab/feedfacecafe"
    store.update(f'INSERT DATA {{ GRAPH <{orphan}> {{ <http://e/r2> <http://example.org/p> "half" }} }}')
    # A graph a user loaded through an authorised SPARQL update is not a report graph: kept.
    store.update('INSERT DATA { GRAPH <http://e/user-graph> { <http://e/s> <http://example.org/p> "mine" } }')
    assert orphan in store.named_graphs()
    store.close()
    reopened = open_store(path)
    graphs = set(reopened.named_graphs())
    assert orphan not in graphs
    assert "http://e/user-graph" in graphs
    assert "http://e/g1" in graphs
    assert MANIFEST_GRAPH in graphs


def test_remove_report(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.write_reports([pending("http://e/r1", "http://e/g1", "x"), pending("http://e/r2", "http://e/g2", "y")])
    assert store.remove_report("http://e/r1")
    assert not store.remove_report("http://e/r1")
    assert set(store.manifest()) == {"http://e/r2"}
    assert "http://e/g1" not in store.named_graphs()
    assert store.quad_count() > 0


def test_every_write_changes_the_generation_and_it_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "s"
    store = open_store(path)
    seen = [store.generation()]
    store.write_reports([pending("http://e/r1", "http://e/g1", "x")])
    seen.append(store.generation())
    store.replace_graph("http://e/links", [(IRI("http://e/a"), IRI("http://e/b"), "c")])
    seen.append(store.generation())
    store.update('INSERT DATA { <http://e/s> <http://e/p> "o" }')
    seen.append(store.generation())
    store.remove_report("http://e/r1")
    seen.append(store.generation())
    assert seen == sorted(set(seen)) and seen[0] == 0  # strictly increasing
    assert not store.remove_report("http://e/r1")  # nothing written: unchanged
    assert store.generation() == seen[-1]
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.generation()
    reader = open_store(path, read_only=True)
    assert reader.generation() == seen[-1]
    with pytest.raises(StoreError, match="read-only"):
        reader.update("CLEAR ALL")


def test_replace_graph_is_whole_and_refuses_store_graphs() -> None:
    store = open_store(None)
    store.replace_graph("http://e/g", [(IRI("http://e/a"), IRI("http://e/b"), IRI("http://e/c"))])
    store.replace_graph("http://e/g", [(IRI("http://e/a"), IRI("http://e/b"), Decimal("1.50"))])
    rows = store.select("SELECT ?o WHERE { GRAPH <http://e/g> { ?s ?p ?o } }").rows
    assert rows == [{"o": Decimal("1.5")}]
    with pytest.raises(StoreError):
        store.replace_graph(MANIFEST_GRAPH, [])


def test_rows_are_typed_from_their_datatype() -> None:
    store = open_store(None)
    store.update("""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT DATA { <http://e/s> <http://e/p> _:b ;
          <http://e/decimal> "0.10"^^xsd:decimal ; <http://e/integer> "42"^^xsd:nonNegativeInteger ;
          <http://e/boolean> false ; <http://e/double> "1.5E2"^^xsd:double ; <http://e/date> "2023-06-30"^^xsd:date ;
          <http://e/year> "2022"^^xsd:gYear ; <http://e/zh> "柳林县"@zh ; <http://e/plain> "x" ;
          <http://e/other> "P1Y"^^xsd:duration ; <http://e/bad> "many"^^xsd:integer }""")
    results = store.select("""SELECT ?s ?b ?decimal ?integer ?boolean ?double ?date ?year ?zh ?plain ?other ?bad ?none
        WHERE { ?s <http://e/p> ?b ; <http://e/decimal> ?decimal ; <http://e/integer> ?integer ;
          <http://e/boolean> ?boolean ; <http://e/double> ?double ; <http://e/date> ?date ; <http://e/year> ?year ;
          <http://e/zh> ?zh ; <http://e/plain> ?plain ; <http://e/other> ?other ; <http://e/bad> ?bad
          OPTIONAL { ?s <http://e/nothing> ?none } }""")
    assert results.columns[:2] == ("s", "b")
    [row] = results.rows
    assert row["s"] == "http://e/s" and type(row["s"]) is IRI
    assert isinstance(row["b"], BlankNode)
    assert row["decimal"] == Decimal("0.1") and isinstance(row["decimal"], Decimal)
    assert row["integer"] == 42 and type(row["integer"]) is int
    assert row["boolean"] is False
    assert row["double"] == 150.0 and isinstance(row["double"], float)
    assert row["date"] == date(2023, 6, 30)
    assert row["year"] == 2022
    assert row["zh"] == "柳林县" and isinstance(row["zh"], LangString) and row["zh"].language == "zh"
    assert row["plain"] == "x" and type(row["plain"]) is str
    assert isinstance(row["other"], TypedLiteral) and row["other"].datatype.endswith("#duration")
    assert isinstance(row["bad"], TypedLiteral) and row["bad"] == "many"  # invalid lexical form: kept as written
    assert row["none"] is None
    # The exact terms stay beside the values, and everything crosses a process boundary.
    assert results.lexical()[0]["boolean"] == "false"
    zh = results.json_rows()[0][results.columns.index("zh")]
    assert zh == {"type": "literal", "value": "柳林县", "xml:lang": "zh"}
    again = pickle.loads(pickle.dumps(results))
    assert again.rows == results.rows and again.rows[0]["zh"].language == "zh"
    assert pickle.loads(pickle.dumps(row["other"])).datatype == row["other"].datatype


def test_query_forms_errors_and_caps() -> None:
    store = open_store(None)
    store.update('INSERT DATA { <http://e/a> <http://e/p> "1" , "2" , "3" }')
    assert store.ask("ASK { ?s ?p ?o }") is True
    [triple] = store.construct('CONSTRUCT WHERE { ?s ?p "2" }')
    assert triple == (Term("uri", "http://e/a"), Term("uri", "http://e/p"), Term("literal", "2"))
    with pytest.raises(TooManyResults, match="more than 2 results"):
        store.select("SELECT * WHERE { ?s ?p ?o }", max_rows=2)
    with pytest.raises(SparqlSyntaxError):
        store.select("SELEC nonsense")
    answer = store.query("SELECT ?o WHERE { ?s <http://e/p> ?o } ORDER BY ?o", results_format="text/csv")
    assert answer.form == "select" and answer.data == b"o\r\n1\r\n2\r\n3\r\n"
    graph = store.query("CONSTRUCT WHERE { ?s <http://e/p> ?o }", graph_format="application/n-triples")
    assert graph.form == "graph" and graph.count == 3 and graph.data and graph.data.count(b"\n") == 3


def test_an_unreachable_service_is_a_clear_error() -> None:
    from api.devserver import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    with pytest.raises(FundKGError, match=f"cannot reach the SPARQL service at {url}"):
        open_store(url)
