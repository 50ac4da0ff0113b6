"""The remote backend on real servers (Virtuoso 7, the Oxigraph server): the store interface as the
embedded backend keeps it — atomic replacement, orphans, generation, typed results, errors, caps."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.store import (
    IRI,
    N_QUADS,
    REPORT_GRAPHS,
    PendingReport,
    SparqlSyntaxError,
    Store,
    StoreError,
    TooManyResults,
    open_store,
)
from kg.vocab import MANIFEST_GRAPH

P = "http://example.org/p"


@pytest.fixture(params=["oxigraph", "virtuoso"])
def url(request: pytest.FixtureRequest, server_urls) -> str:  # type: ignore[no-untyped-def]
    import servers

    return servers.emptied(server_urls(request.param))


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    s = open_store(url)
    yield s
    s.close()


def pending(report: str, graph: str, value: str, sha: str = "a" * 64, *, serialised: bool = False) -> PendingReport:
    r, g = NamedNode(report), NamedNode(graph)
    quoted = Literal('柳林县 "引号"\n', language="zh")  # escapes survive the trip
    quads = [Quad(r, NamedNode(P), Literal(value), g), Quad(r, NamedNode(P), quoted, g)]
    if serialised:  # as a worker process hands them over
        from kg.rdf.nquads import to_nquads

        return PendingReport(report, graph, to_nquads(quads), sha, "1", "r.txt", "/tmp/r.txt")
    return PendingReport(r, g, quads, sha, "1", "r.txt", "/tmp/r.txt")  # type: ignore[arg-type]


def values(store: Store) -> set[str]:
    return {str(row["o"]) for row in store.select(f"SELECT ?o WHERE {{ ?s <{P}> ?o }}").rows}


def test_replacing_and_removing_reports_and_the_generation(store: Store) -> None:
    generations = [store.generation()]
    store.write_reports([pending("http://e/r1", REPORT_GRAPHS + "r1/1", "old"),
                         pending("http://e/r2", REPORT_GRAPHS + "r2/1", "two", serialised=True)])  # fmt: skip
    generations.append(store.generation())
    store.write_reports([pending("http://e/r1", REPORT_GRAPHS + "r1/2", "new", "b" * 64)])
    generations.append(store.generation())
    assert values(store) == {"new", "two", "柳林县 \"引号\"\n"}
    entry = store.manifest()["http://e/r1"]
    assert entry.graph == REPORT_GRAPHS + "r1/2" and entry.sha256 == "b" * 64 and entry.file_name == "r.txt"
    assert REPORT_GRAPHS + "r1/1" not in store.named_graphs()
    assert store.remove_report("http://e/r2")
    assert not store.remove_report("http://e/r2")
    generations.append(store.generation())
    assert set(store.manifest()) == {"http://e/r1"}
    assert values(store) == {"new", "柳林县 \"引号\"\n"}
    assert generations == sorted(set(generations)) and generations[0] == 0
    # Every machine that opens the URL sees the same state.
    other = open_store(store.location, read_only=True)
    assert other.manifest() == store.manifest() and other.generation() == generations[-1]
    with pytest.raises(StoreError, match="read-only"):
        other.update("CLEAR ALL")


def test_a_write_open_drops_orphan_report_graphs_but_keeps_user_graphs(url: str, store: Store) -> None:
    store.write_reports([pending("http://e/r1", REPORT_GRAPHS + "r1/1", "kept")])
    # A crash after the new graph was written but before the manifest named it, or after the
    # switch but before the old graph was dropped: a report graph the manifest does not name.
    orphan = REPORT_GRAPHS + "0123456789ab/feedfacecafe"
    store.update(f'INSERT DATA {{ GRAPH <{orphan}> {{ <http://e/r2> <{P}> "half" }} }}')
    store.update(f'INSERT DATA {{ GRAPH <http://e/user-graph> {{ <http://e/s> <{P}> "mine" }} }}')
    assert orphan in open_store(url, read_only=True).named_graphs()  # a read-only open leaves it
    graphs = set(open_store(url).named_graphs())
    assert orphan not in graphs
    assert {"http://e/user-graph", REPORT_GRAPHS + "r1/1", MANIFEST_GRAPH} <= graphs


def test_rows_are_typed_as_the_embedded_store_types_them(store: Store) -> None:
    data = """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT { GRAPH <http://e/g> { <http://e/s> <http://e/p> _:b ;
          <http://e/decimal> "0.10"^^xsd:decimal ; <http://e/integer> "42"^^xsd:nonNegativeInteger ;
          <http://e/boolean> false ; <http://e/true> true ; <http://e/double> "1.5E2"^^xsd:double ;
          <http://e/date> "2023-06-30"^^xsd:date ; <http://e/year> "2022"^^xsd:gYear ; <http://e/zh> "柳林县"@zh ;
          <http://e/plain> "x" ; <http://e/string> "y"^^xsd:string } } WHERE {}"""
    query = """SELECT ?decimal ?integer ?boolean ?true ?double ?date ?year ?zh ?plain ?string ?b ?none WHERE {
        ?s <http://e/p> ?b ; <http://e/decimal> ?decimal ; <http://e/integer> ?integer ; <http://e/boolean> ?boolean ;
        <http://e/true> ?true ; <http://e/double> ?double ; <http://e/date> ?date ; <http://e/year> ?year ;
        <http://e/zh> ?zh ; <http://e/plain> ?plain ; <http://e/string> ?string
        OPTIONAL { ?s <http://e/nothing> ?none } }"""
    embedded = open_store(None)
    embedded.update(data)
    store.update(data)
    [expected], [got] = embedded.select(query).rows, store.select(query).rows
    assert {k: v for k, v in got.items() if k != "b"} == {k: v for k, v in expected.items() if k != "b"}
    assert got["boolean"] is False and got["true"] is True and got["decimal"] == Decimal("0.1")
    assert got["zh"].language == "zh"  # type: ignore[union-attr]
    assert type(got["b"]) is type(expected["b"])  # a blank node, whatever its label
    # The CSV the CLI prints is the same (but for doubles: each store writes 150.0 its own way).
    table = 'SELECT ?decimal ?boolean ?date ?year ?zh ?string WHERE { ?s <http://e/decimal> ?decimal ; ' \
        '<http://e/boolean> ?boolean ; <http://e/date> ?date ; <http://e/year> ?year ; <http://e/zh> ?zh ; ' \
        '<http://e/string> ?string }'  # fmt: skip
    assert store.query(table, results_format="text/csv").data == embedded.query(table, results_format="text/csv").data


def test_query_forms_errors_caps_and_graphs(store: Store) -> None:
    store.update('INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/p> "1" , "2" , "3" } }')
    assert store.ask("ASK { ?s <http://e/p> ?o }") is True
    assert store.ask("ASK { ?s <http://e/p> \"4\" }") is False
    [(s, p, o)] = store.construct('CONSTRUCT WHERE { ?s <http://e/p> "2" }')
    assert (s.value, p.value, o.value) == ("http://e/a", "http://e/p", "2")
    with pytest.raises(TooManyResults, match="more than 2 results"):
        store.select("SELECT * WHERE { ?s <http://e/p> ?o }", max_rows=2)
    with pytest.raises(SparqlSyntaxError):
        store.select("SELEC nonsense")
    graph = store.query("CONSTRUCT WHERE { ?s <http://e/p> ?o }", graph_format="application/n-triples")
    assert graph.form == "graph" and graph.count == 3 and graph.data and graph.data.count(b"\n") == 3
    # The protocol's dataset: only the named graph, as its default graph.
    answer = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=["http://e/g"])
    assert answer.results is not None and answer.results.rows == [{"n": 3}]


def test_replace_graph_and_dump(store: Store) -> None:
    store.replace_graph("http://e/links", [(IRI("http://e/a"), IRI("http://e/b"), IRI("http://e/c"))])
    store.replace_graph("http://e/links", [(IRI("http://e/a"), IRI("http://e/b"), Decimal("1.50"))])
    rows = store.select("SELECT ?o WHERE { GRAPH <http://e/links> { ?s ?p ?o } }").rows
    assert rows == [{"o": Decimal("1.5")}]
    with pytest.raises(StoreError):
        store.replace_graph(MANIFEST_GRAPH, [])
    store.write_reports([pending("http://e/r1", REPORT_GRAPHS + "r1/1", "x")])
    out = io.BytesIO()
    store.dump(out, N_QUADS)
    lines = {re.sub(r"_:\S+", "_:b", line) for line in out.getvalue().decode().splitlines()}
    assert f'<http://e/r1> <{P}> "x" <{REPORT_GRAPHS}r1/1> .' in lines
    assert '<http://e/a> <http://e/b> "1.5"^^<http://www.w3.org/2001/XMLSchema#decimal> <http://e/links> .' in lines
    assert not any("openlinksw" in line for line in lines)  # Virtuoso's own graphs stay out
    assert store.quad_count() == len(lines)
