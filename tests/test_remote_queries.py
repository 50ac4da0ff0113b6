"""The seeds and samples built into Virtuoso 7 and the Oxigraph server answer as the embedded store does.

Every named query (with its example parameters and without any) and every internal query returns
the same rows on each server as on the embedded store, in the same order of its ORDER BY keys;
booleans are compared as values (Virtuoso returns 1/0) and the items of a GROUP_CONCAT as a set
(their order is unspecified in SPARQL). `trace`, `link`, `validate`, `export` and the service work
on each server. One build per server: the Oxigraph server is built through `fundkg build --jobs 2`,
Virtuoso through the library.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from kg.linking import link
from kg.queries import NamedQuery, bind, internal_query, named_queries
from kg.resources import data_dir
from kg.store import N_QUADS, Results, Store, Term, open_store
from kg.vocab import FKG

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
KINDS = ("oxigraph", "virtuoso")
# GROUP_CONCAT columns: their items, not their order, are the answer.
CONCATENATED = {("consistency-issues", "quotes"), ("departments", "units"), ("departments", "reports"),
                ("documents-by-issuer", "titles"), ("most-cited-documents", "titles"),
                ("linking-allocations", "levels"), ("linking-receipts", "levels")}  # fmt: skip
# SAMPLE() columns: any value of the group will do, and stores pick different ones.
SAMPLED = {("department-totals", "example")}
NAMED = named_queries()


@pytest.fixture(scope="module")
def embedded(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("embedded") / "kg"
    store = open_store(path)
    assert not build([seeds_dir, SAMPLES], store).failed
    link(store)
    store.close()
    reader = open_store(path, read_only=True)
    yield reader
    reader.close()


@pytest.fixture(scope="module", params=KINDS)
def remote(request: pytest.FixtureRequest, server_urls: Any, seeds_dir: Path) -> Iterator[Store]:
    import servers

    url = servers.emptied(server_urls(request.param))
    if request.param == "oxigraph":  # the command line, with a pool of workers, into a URL
        run = CliRunner().invoke(app, ["build", str(seeds_dir), str(SAMPLES), "--store", url, "--jobs", "2", "-q"])
        assert run.exit_code == 0, run.output
    else:
        store = open_store(url)
        assert not build([seeds_dir, SAMPLES], store).failed
        link(store)
        store.close()
    reader = open_store(url, read_only=True)
    yield reader
    reader.close()


def _value(term: Term | None) -> Any:
    if term is None:
        return None
    if term.kind == "bnode":
        return ("bnode",)
    value = term.to_python()
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()  # 1E+1 and 10, 150 and 150.0
    return (term.kind, str(value), term.language)


def normalised(results: Results, name: str) -> list[tuple[Any, ...]]:
    rows = []
    for row in results.terms:
        values = []
        for column, term in zip(results.columns, row, strict=True):
            value = _value(term)
            if (name, column) in SAMPLED:
                value = value is not None
            elif (name, column) in CONCATENATED and value is not None:
                value = (value[0], tuple(sorted(value[1].split(" | " if " | " in value[1] else " "))), value[2])
            values.append(value)
        rows.append(tuple(values))
    return sorted(rows, key=repr)


# A sort key a query makes from a projected column (?fileSortKey from ?file: "#" put before the
# string, which keeps its order) is not projected itself: the column stands in for it.
SORT_KEY = re.compile(r"(\w+)SortKey$")


def order_keys(query: NamedQuery, results: Results) -> list[tuple[Any, ...]]:
    """The values of the ORDER BY variables, row by row (ties aside, the order the query promises)."""
    match = re.search(r"^ORDER BY (.*)$", query.text, re.MULTILINE)
    named = [SORT_KEY.sub(r"\1", k) for k in re.findall(r"\?(\w+)", match.group(1))] if match else []
    keys = [k for k in named if k in results.columns]
    return [tuple(_value(row[results.columns.index(k)]) for k in keys) for row in results.terms]


VARIANTS = [(name, variant) for name, q in NAMED.items() for variant in ("example", "none")
            if variant == "example" or not any(p.required for p in q.parameters)]  # fmt: skip


@pytest.mark.parametrize(("name", "variant"), VARIANTS, ids=[f"{n}-{v}" for n, v in VARIANTS])
def test_named_query_same_rows(embedded: Store, remote: Store, name: str, variant: str) -> None:
    query = NAMED[name]
    text = bind(query, query.example_parameters() if variant == "example" else {})
    expected, got = embedded.select(text), remote.select(text)
    assert got.columns == expected.columns
    assert normalised(got, name) == normalised(expected, name)
    assert order_keys(query, got) == order_keys(query, expected)


def _internal_parameters(store: Store) -> dict[str, dict[str, Any]]:
    """Values for the internal queries' parameters, taken from the seeds."""
    department = str(store.select('SELECT ?d WHERE { ?d rdfs:label "柳林县医疗保障局"@zh ; a fkg:Department } LIMIT 1')
                     .rows[0]["d"])  # fmt: skip
    report = str(store.select('SELECT ?r WHERE { ?r fkg:sourceFile/fkg:fileName "000_84a2500fe35ff2c8.txt" }')
                 .rows[0]["r"])  # fmt: skip
    citation = str(store.select("SELECT ?c WHERE { ?c a fkg:Citation ; fkg:citingReport ?r } ORDER BY ?c LIMIT 1")
                   .rows[0]["c"])  # fmt: skip
    payees = [str(r["p"]) for r in store.select("SELECT DISTINCT ?p WHERE { ?f a fkg:FundFlow ; fkg:payee ?p }").rows]
    region = str(store.select(f"SELECT ?r WHERE {{ <{department}> fkg:region ?r }} LIMIT 1").rows[0]["r"])
    programme = str(store.select(f"SELECT ?p WHERE {{ ?f a fkg:FundFlow ; fkg:payee <{department}> ; "
                                 "fkg:programme ?p ; fkg:statedIn ?r FILTER NOT EXISTS { ?r a fkg:AllocationNotice } } "
                                 "ORDER BY ?p LIMIT 1").rows[0]["p"])  # fmt: skip
    classified = "SELECT DISTINCT ?c WHERE { ?l fkg:functionalClassification ?c }"
    concepts = [str(r["c"]) for r in store.select(classified).rows]
    return {
        "current-graphs": {"report": [report, "https://w3id.org/fundkg/id/report/not-in-the-store"]},
        "department-lines": {"department": department, "yearText": "2022"},
        "department-programmes": {"department": department},
        "department-reports": {"department": department},
        "department-totals": {"department": department},
        "department": {"department": department},
        "evidence": {"fact": citation},
        "linking-allocation-payers": {"region": region},
        "linking-allocations-to": {"region": region},
        "linking-receipts-of": {"payee": department},
        "policy-document": {"number": "财社〔2019〕142号"},
        "policy-titles": {"number": "财社〔2019〕142号"},
        "programme-search": {"text": "医疗救助"},
        "report-amounts": {"report": report},
        "report": {"file": "002_0f45429440d9ca6e.txt"},
        "summary-counts": {"class": [FKG.Report, FKG.BudgetLine]},
        "trace-classifications": {"concept": sorted(concepts)},
        "trace-flows": {"programme": programme},
        "trace-payees": {"programme": programme},
        "trace-spending": {"org": department},
        "trace-tabled": {"org": sorted(payees)},
    }


INTERNAL = sorted(p.stem for p in (data_dir("queries") / "internal").glob("*.rq") if p.stem != "store-generation")


@pytest.mark.parametrize("name", INTERNAL)
def test_internal_query_same_rows(embedded: Store, remote: Store, name: str) -> None:
    values = _internal_parameters(embedded).get(name, {})
    text = bind(internal_query(name), values)
    expected, got = embedded.select(text), remote.select(text)
    assert expected.terms, f"{name} finds nothing on the seeds: the comparison would prove nothing"
    assert normalised(got, name) == normalised(expected, name)


@pytest.mark.parametrize("name", ["linking-allocations", "linking-receipts", "linking-citations"])
def test_linking_query_of_one_graph_same_rows(embedded: Store, remote: Store, name: str) -> None:
    """The incremental linking reads one report graph at a time (the graph written inline)."""
    graphs = [str(r["g"]) for r in embedded.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?r fkg:sourceFile/fkg:fileName ?f } "
        "FILTER(?f IN ('002_0f45429440d9ca6e.txt', 'lv-caishe-2022-27-lvliang-medical-assistance.txt')) }").rows]
    assert len(graphs) == 2
    found = 0
    for graph in graphs:
        text = bind(internal_query(name), {"graph": graph})
        expected, got = embedded.select(text), remote.select(text)
        found += len(expected.terms)
        assert normalised(got, name) == normalised(expected, name)
    assert found, f"{name} finds nothing in those graphs: the comparison would prove nothing"


def _cli(*args: str) -> str:
    run = CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})
    assert run.exception is None or isinstance(run.exception, SystemExit), run.output
    return run.output


TRACE = ["trace", "--programme", "城乡医疗救助", "--region", "柳林县", "--year", "2022"]
CSV = ["query", "policy-citations", "--param", "doc=乐府办规[2022]3号", "--format", "csv"]


@pytest.fixture(scope="module")
def embedded_outputs(embedded: Store) -> dict[str, Any]:
    """What the commands print on the embedded store (computed once for both servers)."""
    from kg.linking import analyse
    from kg.summary import summarise

    assert embedded.location
    return {
        "trace": sankey(_cli(*TRACE, "--json", "--store", embedded.location)),
        "up": sorted(_cli(*TRACE, "--up", "--store", embedded.location).splitlines()),
        "csv": _cli(*CSV, "--store", embedded.location),
        "link": analyse(embedded).summary(),
        "summary": summarise(embedded),
    }


def test_trace_link_validate_summary_and_query_commands(remote: Store, embedded_outputs: dict[str, Any]) -> None:
    from kg.summary import summarise

    assert remote.location
    expected = embedded_outputs
    assert sankey(_cli(*TRACE, "--json", "--store", remote.location)) == expected["trace"]
    # The tree lists the same lines (siblings come in the order the store returned the flows).
    assert sorted(_cli(*TRACE, "--up", "--store", remote.location).splitlines()) == expected["up"]
    assert _cli(*CSV, "--store", remote.location) == expected["csv"]
    # `fundkg link` rewrites the links graph: the same links again.
    assert _cli("link", "--store", remote.location).splitlines()[0] == expected["link"]
    assert summarise(remote) == expected["summary"]
    assert "柳林县医疗保障局" in _cli("summary", "--store", remote.location)
    # The seeds and samples satisfy the shapes (tests/test_build_seeds.py checks it on the embedded store).
    validated = _cli("validate", "--store", remote.location)
    assert validated.startswith("conforms: the store satisfies every SHACL shape.")
    assert "5 consistency issue(s)" in validated


def sankey(output: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """A trace's nodes and links, by node id rather than by index (the index follows the rows' order)."""
    data = json.loads(output)
    ids = {node["index"]: node["id"] for node in data["nodes"]}
    nodes = sorted(json.dumps(node, sort_keys=True, ensure_ascii=False) for node in
                   ({k: v for k, v in n.items() if k != "index"} for n in data["nodes"]))  # fmt: skip
    links = sorted((ids[k["source"]], ids[k["target"]], k["phase"], k["amount_yuan"], tuple(k["facts"]))
                   for k in data["links"])  # fmt: skip
    return nodes, links


def test_the_store_holds_the_same_quads(embedded: Store, remote: Store) -> None:
    def quads(store: Store) -> list[str]:
        out = io.BytesIO()
        store.dump(out, N_QUADS)
        text = re.sub(r"_:\S+", "_:b", out.getvalue().decode())
        # Virtuoso keeps the types derived from xsd:integer that Oxigraph stores as xsd:integer.
        text = re.sub(r"XMLSchema#(nonNegativeInteger|positiveInteger|long|int)>", "XMLSchema#integer>", text)
        return sorted(line for line in text.splitlines() if "storeGeneration" not in line)

    assert quads(remote) == quads(embedded)
    assert remote.quad_count() == embedded.quad_count()
    assert remote.named_graphs() == embedded.named_graphs()


# The service: its queries run against the server, and its time budget holds.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . FILTER(STR(?c) < STR(?f)) }"  # ~10^9 pairs


def test_the_service_serves_a_remote_store_within_its_time_budget(embedded: Store, remote: Store) -> None:
    import httpx

    from api.app import create_app
    from api.devserver import running_server

    assert remote.location
    application = create_app(remote.location, query_timeout=3, workers=1)
    with running_server(application) as base:
        client = httpx.Client(base_url=base, timeout=60)
        rows = client.get("/api/queries/policy-citations", params={"doc": "乐府办规[2022]3号"}).json()
        expected = embedded.select(bind(NAMED["policy-citations"], {"doc": "乐府办规〔2022〕3号"}))
        assert sorted(r["citation"] for r in rows["rows"]) == sorted(str(r["citation"]) for r in expected.rows)
        flows = client.get("/api/flows", params={"programme": "城乡医疗救助", "region": "柳林县", "year": "2022"})
        assert flows.status_code == 200 and flows.json()["links"]
        start = time.monotonic()
        slow = client.get("/sparql", params={"query": SLOW}, headers={"Accept": "application/sparql-results+json"})
        assert slow.status_code == 503 and "time budget" in slow.text
        assert time.monotonic() - start < 15
        again = client.get("/sparql", params={"query": "ASK { ?s a fkg:Report }"},
                           headers={"Accept": "application/sparql-results+json"})  # fmt: skip
        assert again.json()["boolean"] is True
