"""The remote backend: a SPARQL 1.1 service over HTTP (Virtuoso 7, the Oxigraph server, or another).

Reads use the SPARQL 1.1 Protocol (form-encoded POST, JSON results, the project's prefixes
prepended: HTTP has no counterpart of pyoxigraph's `prefixes=`). A report graph is written with a
Graph Store Protocol PUT where the server offers one, else with SPARQL Update. The manifest, the
generation, the ontology and the links live in the store, so every machine that opens the URL
sees the same state.

Atomicity does not rest on multi-operation updates, which Virtuoso does not apply all-or-nothing:
a batch writes its new graphs first (their names carry the content hash, so nothing names them
yet), then switches the manifest in ONE update operation — the exact old entries and generation
deleted, the new ones inserted, constants only (Virtuoso 7.2 mishandles OPTIONAL and aggregates
in an update's WHERE) — and only then drops the graphs it replaced. A crash leaves at worst an
orphan graph, which the next write-open drops. Writers take turns: the store has no lock, and a
write-open while another machine writes would take its new graphs for orphans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from kg import vocab
from kg.queries import nt_iri, nt_literal
from kg.store.base import (
    N_QUADS,
    N_TRIPLES,
    REPORT_GRAPHS,
    TURTLE,
    Answer,
    PendingReport,
    QueryTimedOut,
    SparqlSyntaxError,
    Store,
    StoreError,
    Term,
    TooManyResults,
    Triple,
    UpdateError,
)
from kg.store.formats import RESULTS_JSON, write_boolean, write_results
from kg.store.results import IRI, XSD, XSD_STRING, BlankNode, LangString, Results, TypedLiteral, Value
from kg.vocab import PREFIXES

_PROLOGUE = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in PREFIXES.items())
_M = f"<{vocab.MANIFEST_GRAPH}>"
_GENERATION = f"<{vocab.FKG.storeGeneration}>"
_WRITE_TIMEOUT = httpx.Timeout(connect=30.0, read=3600.0, write=3600.0, pool=60.0)
# Virtuoso's own graphs, present in every database (plus graphs named after the server's own URL).
_VIRTUOSO_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                    "http://localuriqaserver/")  # fmt: skip


@dataclass(frozen=True)
class Dialect:
    """Where a server takes queries, updates and Graph Store requests, and what it needs."""

    name: str  # "virtuoso", "oxigraph" or "sparql"
    query_url: str
    update_url: str
    graph_store_url: str | None  # None: graphs are written with SPARQL Update
    graph_param: str = "graph"
    union_param: bool = False  # Oxigraph: ask for the union default graph on every query
    timeout_param: bool = False  # Virtuoso: the protocol's `timeout` (ms) stops a query on the server
    own_graphs: tuple[str, ...] = ()  # graph-name prefixes of the server's own graphs

    def is_own(self, graph: str) -> bool:
        return graph.startswith(self.own_graphs) if self.own_graphs else False


def _base(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def _dialect(server: str, url: str) -> Dialect:
    base = _base(url)
    if server.startswith("Oxigraph"):
        root = url.removesuffix("/query").rstrip("/") if urlsplit(url).path not in ("", "/") else base
        return Dialect("oxigraph", f"{root}/query", f"{root}/update", f"{root}/store", "graph", union_param=True)
    if server.startswith("Virtuoso"):
        return Dialect("virtuoso", url, url, f"{base}/sparql-graph-crud", "graph-uri", timeout_param=True,
                       own_graphs=(*_VIRTUOSO_GRAPHS, base + "/"))  # fmt: skip
    return Dialect("sparql", url, url, None)


def _term_of(binding: dict[str, str]) -> Term:
    """A SPARQL-JSON term, normalised: Virtuoso's `typed-literal`, `"1"^^xsd:boolean` and
    `^^xsd:string` become what the embedded store gives (`literal`, `"true"`, a plain literal)."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return Term("uri", value)
    if kind == "bnode":
        return Term("bnode", value.removeprefix("nodeID://"))
    if binding.get("xml:lang"):
        return Term("literal", value, None, binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype == XSD_STRING:
        datatype = None
    elif datatype == XSD + "boolean":
        value = {"1": "true", "0": "false"}.get(value, value)
    elif datatype in _INTEGERS:  # Oxigraph stores the types derived from xsd:integer as xsd:integer
        datatype = XSD + "integer"
    return Term("literal", value, datatype)


_INTEGERS = frozenset(XSD + name for name in ("nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
                                              "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
                                              "unsignedByte", "positiveInteger"))  # fmt: skip
_COMMENT = re.compile(r"#[^\n]*")
_IRI_REF = re.compile(r"<[^<>\s]*>")
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)


def query_form(sparql: str) -> str:
    """select, ask or graph: the form of a query, from its first keyword after the prologue."""
    text = _IRI_REF.sub("<>", _COMMENT.sub("", sparql))
    match = _FORM.search(text)
    keyword = match.group(1).upper() if match else "SELECT"
    return {"SELECT": "select", "ASK": "ask"}.get(keyword, "graph")


def _nt(value: Value | Term) -> str:
    """A value to write (kg.store.results) as an N-Triples term."""
    if isinstance(value, Term):
        if value.kind == "uri":
            return nt_iri(value.value)
        if value.kind == "bnode":
            return f"_:{value.value}"
        return nt_literal(value.value, datatype=value.datatype, language=value.language)
    if isinstance(value, IRI):
        return nt_iri(value)
    if isinstance(value, BlankNode):
        return f"_:{value}"
    if isinstance(value, LangString):
        return nt_literal(str(value), language=value.language)
    if isinstance(value, TypedLiteral):
        return nt_literal(str(value), datatype=value.datatype)
    if isinstance(value, str):
        return nt_literal(value)
    if isinstance(value, bool):
        return nt_literal("true" if value else "false", datatype=XSD + "boolean")
    if isinstance(value, int):
        return nt_literal(str(value), datatype=XSD + "integer")
    if isinstance(value, Decimal):
        return nt_literal(format(value, "f"), datatype=XSD + "decimal")
    if isinstance(value, float):
        text = {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(repr(value), repr(value))
        return nt_literal(text, datatype=XSD + "double")
    if isinstance(value, date):
        return nt_literal(value.isoformat(), datatype=XSD + "date")
    raise TypeError(f"no RDF term for {value!r}")


def _nquads_as_ntriples(nquads: bytes, graph: str) -> bytes:
    """A report's N-Quads (all in its graph, as kg.rdf writes them) as N-Triples for a Graph Store PUT."""
    suffix = f" <{graph}> .".encode()
    lines = nquads.splitlines()
    if not all(line.endswith(suffix) for line in lines):
        raise StoreError(f"the quads of {graph} are not all in that graph")
    return b"".join(line[: -len(suffix)] + b" .\n" for line in lines)


class SparqlStore(Store):
    """A store on a SPARQL 1.1 service. `timeout` bounds each query (seconds; None: no bound)."""

    def __init__(self, url: str, dialect: Dialect, client: httpx.Client, *, read_only: bool,
                 timeout: float | None) -> None:  # fmt: skip
        self.location = url
        self.read_only = read_only
        self.dialect = dialect
        self.timeout = timeout
        self._client: httpx.Client | None = client

    @classmethod
    def open(cls, url: str, *, read_only: bool = False, timeout: float | None = None) -> SparqlStore:
        client = httpx.Client(timeout=_WRITE_TIMEOUT, headers={"User-Agent": "FundKG"})
        try:
            response = client.post(url, data={"query": "ASK {}"}, headers={"Accept": RESULTS_JSON}, timeout=30.0)
            if response.status_code == 404 and urlsplit(url).path in ("", "/"):  # an Oxigraph server's root
                response = client.post(url.rstrip("/") + "/query", data={"query": "ASK {}"},
                                       headers={"Accept": RESULTS_JSON}, timeout=30.0)  # fmt: skip
        except httpx.HTTPError as exc:
            client.close()
            raise StoreError(f"cannot reach the SPARQL service at {url}: {exc}") from exc
        if response.status_code != 200:
            client.close()
            raise StoreError(f"{url} is no SPARQL 1.1 query service (ASK {{}} gave HTTP {response.status_code})")
        store = cls(url, _dialect(response.headers.get("server", ""), url), client, read_only=read_only,
                    timeout=timeout)  # fmt: skip
        if not read_only:
            store.remove_orphans()
        return store

    # --- HTTP -----------------------------------------------------------------------------------

    @property
    def _http(self) -> httpx.Client:
        if self._client is None:
            raise StoreError(f"the store {self.location} is closed")
        return self._client

    def _writable(self) -> httpx.Client:
        if self.read_only:
            raise StoreError(f"the store {self.location} was opened read-only")
        return self._http

    def optimize(self) -> None:
        """A server keeps its own files in order: nothing to do from here."""

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _request(self, method: str, url: str, *, timeout: Any = None, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, url, timeout=timeout or _WRITE_TIMEOUT, **kwargs)
        except httpx.TimeoutException as exc:
            budget = f"its time budget of {self.timeout:g} s" if self.timeout else "the client's time limit"
            raise QueryTimedOut(f"the request ran past {budget}: {self.location} did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the SPARQL service at {self.location}: {exc}") from exc
        if response.headers.get("x-sql-state") == "S1TAT":  # Virtuoso's `timeout`: partial results, HTTP 200
            raise QueryTimedOut(f"the query ran past its time budget of {self.timeout:g} s on the server")
        if "x-sparql-maxrows" in response.headers:  # Virtuoso cut the results at ResultSetMaxRows
            raise StoreError(f"{self.location} cut the results at {response.headers['x-sparql-maxrows']} rows: "
                             "raise [SPARQL] ResultSetMaxRows in virtuoso.ini")  # fmt: skip
        return response

    def _failed(self, response: httpx.Response, what: str, *, update: bool = False) -> StoreError:
        message = response.text.strip().replace("\n", " ")[:600]
        if response.status_code == 400:
            syntax = not update or re.search(r"syntax|parse|SP0\d\d", message, re.IGNORECASE)
            return (SparqlSyntaxError if syntax else UpdateError)(message)
        if update:
            return UpdateError(f"{what} failed on {self.location}: HTTP {response.status_code}: {message}")
        return StoreError(f"{what} failed on {self.location}: HTTP {response.status_code}: {message}")

    def _post_query(self, sparql: str, accept: str, default_graphs: Sequence[str] = (),
                    named_graphs: Sequence[str] = ()) -> httpx.Response:  # fmt: skip
        form: dict[str, str | list[str]] = {"query": _PROLOGUE + sparql}
        if default_graphs or named_graphs:  # the protocol's dataset: as given, no union
            form.update({"default-graph-uri": list(default_graphs), "named-graph-uri": list(named_graphs)})
        elif self.dialect.union_param:
            form["union-default-graph"] = ""
        if self.dialect.timeout_param and self.timeout:
            form["timeout"] = str(int(self.timeout * 1000))
        timeout = httpx.Timeout(connect=10.0, read=self.timeout, write=60.0, pool=60.0) if self.timeout else None
        response = self._request("POST", self.dialect.query_url, data=form, headers={"Accept": accept},
                                 timeout=timeout)  # fmt: skip
        if response.status_code != 200:
            raise self._failed(response, "the query")
        return response

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:  # the Oxigraph server ends the body with a message when its limit hits
            if b"cancelled" in response.content[-200:]:
                raise QueryTimedOut("the server stopped the query at its own time limit") from exc
            raise StoreError(f"{self.location} sent results that are not SPARQL JSON: {exc}") from exc

    def _update(self, sparql: str, *, pragma: str = "") -> None:
        """Apply an update; `pragma` (Virtuoso's DEFINE …) goes before the prologue, where it must be."""
        self._writable()
        response = self._request("POST", self.dialect.update_url, data={"update": pragma + _PROLOGUE + sparql},
                                 headers={"Accept": RESULTS_JSON})  # fmt: skip
        if response.status_code not in (200, 204):
            raise self._failed(response, "an update", update=True)

    # --- reading --------------------------------------------------------------------------------

    def _select(self, sparql: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
                cap: int | None = None) -> Results:  # fmt: skip
        data = self._json(self._post_query(sparql, RESULTS_JSON, default_graphs, named_graphs))
        if "boolean" in data:
            raise StoreError("select() runs SELECT queries; use ask() or construct()")
        columns = data["head"]["vars"]
        bindings = data["results"]["bindings"]
        if cap is not None and len(bindings) > cap:
            raise TooManyResults(cap, "results")
        rows = [tuple(_term_of(b[c]) if c in b else None for c in columns) for b in bindings]
        return Results(columns, rows)

    def select(self, sparql: str, *, max_rows: int | None = None) -> Results:
        if query_form(sparql) != "select":
            raise StoreError("select() runs SELECT queries; use ask() or construct()")
        return self._select(sparql, cap=max_rows)

    def ask(self, sparql: str) -> bool:
        if query_form(sparql) != "ask":
            raise StoreError("ask() runs ASK queries")
        return bool(self._json(self._post_query(sparql, RESULTS_JSON))["boolean"])

    def _graph(self, sparql: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> bytes:
        return self._post_query(sparql, N_TRIPLES, default_graphs, named_graphs).content

    def construct(self, sparql: str) -> list[tuple[Term, Term, Term]]:
        if query_form(sparql) != "graph":
            raise StoreError("construct() runs CONSTRUCT and DESCRIBE queries")
        from kg.store.oxigraph import parse_ntriples

        return parse_ntriples(self._graph(sparql))

    def query(
        self,
        sparql: str,
        *,
        results_format: str | None = None,
        graph_format: str = TURTLE,
        prefixes: bool = True,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        max_results: int | None = None,
    ) -> Answer:
        form = query_form(sparql)
        if form == "ask":
            value = bool(self._json(self._post_query(sparql, RESULTS_JSON, default_graphs, named_graphs))["boolean"])
            if results_format is not None:
                return Answer("ask", boolean=value, data=write_boolean(value, results_format), count=1)
            return Answer("ask", boolean=value, count=1)
        if form == "select":
            results = self._select(sparql, default_graphs, named_graphs, cap=max_results)
            if results_format is None:
                return Answer("select", results=results, count=len(results))
            try:
                return Answer("select", data=write_results(results, results_format), count=len(results))
            except ValueError as exc:
                raise StoreError(str(exc)) from exc
        from kg.store.oxigraph import convert_ntriples

        data = self._graph(sparql, default_graphs, named_graphs)
        count = data.count(b"\n")
        if max_results is not None and count > max_results:
            raise TooManyResults(max_results, "triples")
        return Answer("graph", data=convert_ntriples(data, graph_format, prefixes=prefixes), count=count)

    def named_graphs(self) -> list[str]:
        # Oxigraph answers `GRAPH ?g {}` from its list of graphs. Virtuoso finds no graph that way,
        # and takes minutes over `SELECT DISTINCT ?g` where it counts the quads per graph at once.
        if self.dialect.name == "oxigraph":
            query = "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"
        else:
            query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        rows = self._select(query).terms
        return sorted(str(row[0].value) for row in rows if row[0] is not None and not self.dialect.is_own(row[0].value))

    def quad_count(self) -> int:
        rows = self._select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows
        return sum(int(r["n"]) for r in rows if not self.dialect.is_own(str(r["g"])))  # type: ignore[arg-type]


    def _graph_ntriples(self, graph: str) -> bytes:
        if self.dialect.graph_store_url is None:
            return self._graph(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {nt_iri(graph)} {{ ?s ?p ?o }} }}")
        response = self._request("GET", self.dialect.graph_store_url, params={self.dialect.graph_param: graph},
                                 headers={"Accept": N_TRIPLES})  # fmt: skip
        if response.status_code != 200:
            raise self._failed(response, f"reading {graph}")
        return response.content

    def _nquads(self) -> Iterator[bytes]:
        """The whole store as N-Quads, in chunks."""
        if self.dialect.name == "oxigraph":
            with self._http.stream("GET", self.dialect.graph_store_url or "", headers={"Accept": N_QUADS},
                                   timeout=_WRITE_TIMEOUT) as response:  # fmt: skip
                if response.status_code != 200:
                    raise StoreError(f"reading the dataset of {self.location} failed: HTTP {response.status_code}")
                yield from response.iter_bytes()
            return
        from kg.store.oxigraph import ntriples_in_graph

        for graph in self.named_graphs():  # Virtuoso's blank node labels are unique across its graphs
            yield ntriples_in_graph(self._graph_ntriples(graph), graph)

    def dump(self, output: IO[bytes], media_type: str) -> None:
        if media_type == N_QUADS:
            for chunk in self._nquads():
                output.write(chunk)
            return
        from kg.store.oxigraph import convert_nquads

        convert_nquads(b"".join(self._nquads()), output, media_type)

    # --- writing --------------------------------------------------------------------------------

    def _put(self, graph: str, ntriples: bytes) -> None:
        """Replace (or create) one named graph."""
        self._writable()
        if self.dialect.graph_store_url is None:
            body = ntriples.decode()
            self._update(f"DROP SILENT GRAPH {nt_iri(graph)} ;\nINSERT DATA {{ GRAPH {nt_iri(graph)} {{\n{body}}} }}")
            return
        content_type = "text/turtle" if self.dialect.name == "virtuoso" else N_TRIPLES  # N-Triples is Turtle
        response = self._request("PUT", self.dialect.graph_store_url, params={self.dialect.graph_param: graph},
                                 content=ntriples, headers={"Content-Type": content_type})  # fmt: skip
        if response.status_code not in (200, 201, 204):
            raise self._failed(response, f"writing {graph}", update=True)

    def _drop(self, graphs: Iterable[str]) -> None:
        # Virtuoso: without its transaction log a large graph drops ~8x faster; no reader needs these.
        pragma = "DEFINE sql:log-enable 3\n" if self.dialect.name == "virtuoso" else ""
        for graph in graphs:
            self._update(f"DROP SILENT GRAPH {nt_iri(graph)}", pragma=pragma)

    def _switch(self, reports: Sequence[str], insert: Sequence[str]) -> None:
        """In ONE update operation: delete the manifest entries of `reports` and the generation as they
        are now, insert `insert` (N-Triples lines of the manifest graph) and the next generation."""
        pattern = f"{{ VALUES (?s ?p) {{ ({_M} {_GENERATION}) }} ?s ?p ?o }}"
        if reports:
            pattern += f" UNION {{ VALUES ?s {{ {' '.join(nt_iri(r) for r in reports)} }} ?s ?p ?o }}"
        old = [row for row in self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {_M} {{ {pattern} }} }}").terms
               if all(row)]  # fmt: skip
        generation = max((int(o.value) for s, p, o in old if p.value == vocab.FKG.storeGeneration), default=0)  # type: ignore[union-attr]
        delete = [f"{_nt(s)} {_nt(p)} {_nt(o)} ." for s, p, o in old]  # type: ignore[arg-type]
        insert = [*insert, f'{_M} {_GENERATION} "{generation + 1}"^^<{XSD}integer> .']
        remove = f"DELETE {{ GRAPH {_M} {{\n{chr(10).join(delete)}\n}} }}\n" if delete else ""  # Virtuoso: none empty
        self._update(f"{remove}INSERT {{ GRAPH {_M} {{\n{chr(10).join(insert)}\n}} }}\nWHERE {{ }}")

    def write_reports(self, pending: Sequence[PendingReport]) -> None:
        if not pending:
            return
        self._writable()
        old = self.current_graphs([p.report for p in pending])
        for p in pending:  # 1. the new graphs, under names nothing refers to yet
            ntriples = _nquads_as_ntriples(p.quads, p.graph) if isinstance(p.quads, bytes) else _ntriples(p.quads)
            self._put(p.graph, ntriples)
        entries = [
            f"{nt_iri(p.report)} <{vocab.FKG.currentGraph}> {nt_iri(p.graph)} ; "
            f"<{vocab.FKG.sha256}> {nt_literal(p.sha256)} ; <{vocab.FKG.extractorVersion}> {nt_literal(p.version)} ; "
            f"<{vocab.FKG.fileName}> {nt_literal(p.file_name)} ; <{vocab.FKG.sourcePath}> {nt_literal(p.source_path)} ."
            for p in pending
        ]
        self._switch([p.report for p in pending], entries)  # 2. the manifest names them: one operation
        replaced = {old[p.report] for p in pending if p.report in old} - {p.graph for p in pending}
        self._drop(sorted(replaced))  # 3. the replaced graphs, which nothing names any more

    def remove_report(self, report: str) -> bool:
        entry = self.manifest().get(report)
        if entry is None:
            return False
        self._switch([report], [])
        self._drop([entry.graph])
        return True

    def remove_orphans(self) -> list[str]:
        """Drop report graphs the manifest does not name (left by an interrupted write)."""
        current = {e.graph for e in self.manifest().values()}
        orphans = [g for g in self.named_graphs() if g.startswith(REPORT_GRAPHS) and g not in current]
        if orphans:
            self._drop(orphans)
            self._switch([], [])
        return orphans

    def replace_ontology(self, paths: Sequence[Path], digest: str) -> bool:
        self._writable()
        graph = vocab.ONTOLOGY_GRAPH
        marker = f"{nt_iri(graph)} <{vocab.FKG.sha256}> {nt_literal(digest)} ."
        if self.ask(f"ASK {{ GRAPH {nt_iri(graph)} {{ {marker} }} }}"):
            return False
        from kg.store.oxigraph import turtle_as_ntriples

        self._put(graph, turtle_as_ntriples(paths) + marker.encode() + b"\n")
        self._switch([], [])
        return True

    def replace_graph(self, graph: str, triples: Iterable[Triple]) -> None:
        if graph.startswith(REPORT_GRAPHS) or graph in (vocab.MANIFEST_GRAPH, vocab.ONTOLOGY_GRAPH):
            raise StoreError(f"{graph} is kept by the store itself; it cannot be replaced as a whole")
        self._writable()
        lines = "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in triples)
        if lines:
            self._put(graph, lines.encode())
        else:
            self._drop([graph])
        self._switch([], [])

    def update(self, sparql: str) -> None:
        self._update(sparql)
        self._switch([], [])  # a separate operation: a user's update text is not spliced with ours


def _ntriples(quads: Sequence[Any]) -> bytes:
    from kg.store.oxigraph import ntriples_of

    return ntriples_of(quads)
