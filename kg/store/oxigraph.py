"""The embedded backend: Oxigraph (pyoxigraph) on disk, or in memory.

The only module outside the RDF mapping (kg.rdf) that uses pyoxigraph. Reports are bulk-loaded
(fast, outside a transaction: a new graph is invisible to the manifest until it is switched), and
every change the manifest sees is one SPARQL update, which Oxigraph runs as one transaction: the
manifest switch drops the replaced graphs and counts the generation up in the same update.
Read-only opens see a snapshot of the store as it was when opened; report graphs the manifest does
not name (a build's new graphs before their switch, or orphans a crash left) are hidden from them.

Test hook: with FUNDKG_TEST_CRASH=after-bulk-load in the environment, a write kills its own process
(SIGKILL) right after the bulk load, before the manifest switch — the window a crash can leave
orphans in.
"""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    serialize,
)
from pyoxigraph import Store as _Oxigraph

from kg import vocab
from kg.store.base import (
    REPORT_GRAPHS,
    Answer,
    PendingReport,
    Results,
    SparqlSyntaxError,
    Store,
    StoreError,
    Term,
    TooManyResults,
    Triple,
    UpdateError,
)
from kg.store.results import IRI, XSD, XSD_STRING, LangString, TypedLiteral
from kg.store.results import BlankNode as BlankValue
from kg.vocab import PREFIXES

MANIFEST = NamedNode(vocab.MANIFEST_GRAPH)
ONTOLOGY = NamedNode(vocab.ONTOLOGY_GRAPH)
_SHA256 = NamedNode(vocab.FKG.sha256)

# The generation counts up in the manifest graph, in the same update as the change it marks.
_M = f"<{vocab.MANIFEST_GRAPH}>"
_BUMP = (
    f"DELETE {{ GRAPH {_M} {{ {_M} <{vocab.FKG.storeGeneration}> ?old }} }} "
    f"INSERT {{ GRAPH {_M} {{ {_M} <{vocab.FKG.storeGeneration}> ?new }} }} "
    f"WHERE {{ OPTIONAL {{ GRAPH {_M} {{ {_M} <{vocab.FKG.storeGeneration}> ?old }} }} "
    f"BIND(COALESCE(?old + 1, 1) AS ?new) }}"
)


def _forget(report: str) -> str:
    return f"DELETE WHERE {{ GRAPH {_M} {{ {NamedNode(report)} ?p ?o }} }}"


CRASH_HOOK = "FUNDKG_TEST_CRASH"
_MARKERS = ("CURRENT", "IDENTITY")  # files RocksDB keeps in every store directory


def _is_store(path: Path) -> bool:
    return path.is_dir() and all((path / name).is_file() for name in _MARKERS)


def check_location(path: Path) -> None:
    """Refuse a path that is a file, or a folder that holds other files than a store's."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store folder; give a new or empty folder for the store")
    if path.is_dir() and not _is_store(path):
        others = sorted(p.name for p in path.iterdir())
        if others:
            shown = ", ".join(others[:3]) + (" …" if len(others) > 3 else "")
            raise StoreError(f"{path} is not a FundKG store and holds other files ({shown}); "
                             f"give a new or empty folder for the store")  # fmt: skip


class OxigraphStore(Store):
    def __init__(self, store: _Oxigraph, path: Path | None, read_only: bool) -> None:
        self._store: _Oxigraph | None = store
        self.location = None if path is None else str(path)
        self.read_only = read_only
        self._hidden: frozenset[str] = frozenset()  # report graphs a read-only open does not show

    @classmethod
    def open(cls, path: Path | None, *, read_only: bool = False) -> OxigraphStore:
        if path is None:
            return cls(_Oxigraph(), None, read_only=False)
        if read_only:
            if not _is_store(path):
                what = "a file" if path.is_file() else "a folder without a store" if path.is_dir() else "not there"
                raise StoreError(f"no FundKG store at {path} (it is {what}); build one with `fundkg build`")
            try:
                store = cls(_Oxigraph.read_only(str(path)), path, read_only=True)
            except OSError as exc:
                raise StoreError(f"cannot open store {path}: {exc}") from exc
            store._hidden = frozenset(store._orphans())
            return store
        check_location(path)
        try:
            path.mkdir(parents=True, exist_ok=True)
            store = cls(_Oxigraph(str(path)), path, read_only=False)
        except OSError as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        store.remove_orphans()
        return store

    @property
    def _live(self) -> _Oxigraph:
        if self._store is None:
            raise StoreError(f"the store {self.location or '(in memory)'} is closed")
        return self._store

    def _writable(self) -> _Oxigraph:
        if self.read_only:
            raise StoreError(f"the store {self.location} was opened read-only")
        return self._live

    def close(self) -> None:
        if self._store is None:
            return
        if not self.read_only:
            self._store.flush()
        self._store = None
        gc.collect()  # any last reference held by a cycle goes now, so the directory's lock is released

    # --- writing --------------------------------------------------------------------------------

    # The engine is only ever reached through `self`, never kept in a local: a failing write's
    # traceback keeps its frames' locals alive, and with them the engine and the directory's lock.

    def _apply(self, operations: Sequence[str], *, flush: bool = True) -> None:
        """Run update operations and count the generation up, all in one transaction."""
        self._writable().update(" ;\n".join([*operations, _BUMP]))
        if flush:
            self._writable().flush()

    def write_reports(self, pending: Sequence[PendingReport]) -> None:
        if not pending:
            return
        self._writable()
        # Only this batch's reports are looked up: reading the whole manifest for every batch cost
        # more per batch the larger the store grew (265 ms a batch at 1,000 reports).
        old = self.current_graphs([p.report for p in pending])
        # One N-Quads load of pyoxigraph's own serialisation (so its checks may be skipped): quads
        # mapped here are serialised first, which costs less than handing them over one by one.
        data = b"".join(p.quads if isinstance(p.quads, bytes) else serialize(p.quads, format=RdfFormat.N_QUADS)
                        for p in pending)  # fmt: skip
        self._writable().bulk_load(data, format=RdfFormat.N_QUADS, lenient=True)
        if os.environ.get(CRASH_HOOK) == "after-bulk-load":
            os.kill(os.getpid(), signal.SIGKILL)  # fault injection (tests): graphs loaded, manifest not switched
        operations = [_forget(p.report) for p in pending]
        triples = [
            f"{NamedNode(p.report)} <{vocab.FKG.currentGraph}> {NamedNode(p.graph)} ; "
            f"<{vocab.FKG.sha256}> {Literal(p.sha256)} ; <{vocab.FKG.extractorVersion}> {Literal(p.version)} ; "
            f"<{vocab.FKG.fileName}> {Literal(p.file_name)} ; <{vocab.FKG.sourcePath}> {Literal(p.source_path)} ."
            for p in pending
        ]
        operations.append(f"INSERT DATA {{ GRAPH {_M} {{ {' '.join(triples)} }} }}")
        # The replaced graphs go in the same transaction: no reader sees a report twice or not at all.
        for p in pending:
            previous = old.get(p.report)
            if previous is not None and previous != p.graph:
                operations.append(f"DROP SILENT GRAPH {NamedNode(previous)}")
        # Not flushed per batch: the write-ahead log already keeps the switch through a crash and
        # read-only opens read it, and a flush per batch cost more the larger the store (up to
        # 0.3 s a batch at 1,000 reports); close() flushes.
        self._apply(operations, flush=False)
        if os.environ.get(CRASH_HOOK) == "after-switch":
            os.kill(os.getpid(), signal.SIGKILL)  # fault injection (tests): switched in the log, nothing flushed

    def optimize(self) -> None:
        # Each bulk load leaves files of its own that every look-up must consult until compacted;
        # one full compaction made the named queries 1.02–1.4× faster at 1,000 reports (benchmarks.md).
        # The batches' manifest switches are flushed first (a batch is not flushed on its own), so that
        # they are compacted too instead of left in a file of their own that every scan must consult.
        self._writable().flush()
        self._writable().optimize()

    def remove_report(self, report: str) -> bool:
        entry = self.manifest().get(report)
        if entry is None:
            return False
        self._apply([_forget(report), f"DROP SILENT GRAPH {NamedNode(entry.graph)}"])
        return True

    def _orphans(self) -> list[str]:
        """Report graphs (graph/report/…) the manifest does not name: graphs a user loaded through a
        SPARQL update with the service's token are not report graphs, and theirs to keep."""
        current = {e.graph for e in self.manifest().values()}
        return [
            g.value
            for g in self._live.named_graphs()
            if isinstance(g, NamedNode) and g.value.startswith(REPORT_GRAPHS) and g.value not in current
        ]

    def remove_orphans(self) -> list[str]:
        """Drop report graphs the manifest does not name (left by an interrupted write)."""
        self._writable()
        orphans = self._orphans()
        for graph in orphans:
            self._writable().remove_graph(NamedNode(graph))
        if orphans:
            self._apply([])
        return orphans

    def replace_ontology(self, paths: Sequence[Path], digest: str) -> bool:
        marker = Quad(ONTOLOGY, _SHA256, Literal(digest), ONTOLOGY)
        if marker in self._writable():
            return False
        quads = [Quad(q.subject, q.predicate, q.object, ONTOLOGY)
                 for path in paths for q in parse(path=str(path), format=RdfFormat.TURTLE)]  # fmt: skip
        self._writable().remove_graph(ONTOLOGY)
        self._writable().extend([*quads, marker])
        self._apply([])
        return True

    def replace_graph(self, graph: str, triples: Iterable[Triple]) -> None:
        if graph.startswith(REPORT_GRAPHS) or graph in (vocab.MANIFEST_GRAPH, vocab.ONTOLOGY_GRAPH):
            raise StoreError(f"{graph} is kept by the store itself; it cannot be replaced as a whole")
        name = NamedNode(graph)
        lines = [f"{_term(s)} {_term(p)} {_term(o)} ." for s, p, o in triples]
        operations = [f"DROP SILENT GRAPH {name}"]
        if lines:
            operations.append(f"INSERT DATA {{ GRAPH {name} {{\n" + "\n".join(lines) + "\n} }")
        self._apply(operations)

    def update(self, sparql: str) -> None:
        try:
            self._writable().update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise SparqlSyntaxError(str(exc)) from None
        except (RuntimeError, ValueError, OSError) as exc:  # e.g. DROP of a graph that does not exist, a failed LOAD
            raise UpdateError(str(exc)) from None
        # A separate transaction: a user's update text is not spliced together with ours.
        self._apply([])

    # --- reading --------------------------------------------------------------------------------

    def _query(self, sparql: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> Any:
        if self._hidden:
            return self._query_visible(sparql, default_graphs, named_graphs)
        try:
            if default_graphs or named_graphs:  # the protocol's default-graph-uri / named-graph-uri
                return self._live.query(
                    sparql, prefixes=PREFIXES,
                    default_graph=[NamedNode(g) for g in default_graphs] or None,
                    named_graphs=[NamedNode(g) for g in named_graphs] or None,
                    use_default_graph_as_union=not default_graphs,
                )  # fmt: skip
            return self._live.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise SparqlSyntaxError(str(exc)) from exc

    def _query_visible(self, sparql: str, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> Any:
        """A query over the dataset without the hidden graphs, named one by one (slower than the union
        default graph: only a read-only open of a store with orphans or a write in progress pays it)."""
        visible = self.named_graphs()
        named = [NamedNode(g) for g in (named_graphs or visible) if g not in self._hidden]
        if default_graphs:
            default: list[Any] = [NamedNode(g) for g in default_graphs if g not in self._hidden]
        else:
            default = [DefaultGraph(), *(NamedNode(g) for g in visible)]
        try:
            return self._live.query(sparql, prefixes=PREFIXES, default_graph=default, named_graphs=named)
        except SyntaxError as exc:
            raise SparqlSyntaxError(str(exc)) from exc

    def select(self, sparql: str, *, max_rows: int | None = None) -> Results:
        result = self._query(sparql)
        if not isinstance(result, QuerySolutions):
            raise StoreError("select() runs SELECT queries; use ask() or construct()")
        return _results(result, max_rows)

    def ask(self, sparql: str) -> bool:
        result = self._query(sparql)
        if not isinstance(result, QueryBoolean):
            raise StoreError("ask() runs ASK queries")
        return bool(result)

    def construct(self, sparql: str) -> list[tuple[Term, Term, Term]]:
        result = self._query(sparql)
        if isinstance(result, (QueryBoolean, QuerySolutions)):
            raise StoreError("construct() runs CONSTRUCT and DESCRIBE queries")
        return [(_neutral(t.subject), _neutral(t.predicate), _neutral(t.object)) for t in result]  # type: ignore[misc]

    def query(
        self,
        sparql: str,
        *,
        results_format: str | None = None,
        graph_format: str = "text/turtle",
        prefixes: bool = True,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        max_results: int | None = None,
    ) -> Answer:
        result = self._query(sparql, default_graphs, named_graphs)
        if isinstance(result, QueryBoolean):
            return Answer("ask", boolean=bool(result), count=1)
        if isinstance(result, QuerySolutions):
            if results_format is None:
                results = _results(result, max_results)
                return Answer("select", results=results, count=len(results))
            fmt = QueryResultsFormat.from_media_type(results_format)
            if fmt is None:
                raise StoreError(f"no SPARQL results format {results_format!r}")
            return Answer("select", data=result.serialize(format=fmt))
        triples = []
        for triple in result:
            if max_results is not None and len(triples) >= max_results:
                raise TooManyResults(max_results, "triples")
            triples.append(triple)
        fmt = RdfFormat.from_media_type(graph_format) or RdfFormat.TURTLE
        data = serialize(triples, None, fmt, prefixes=PREFIXES if prefixes else None)
        return Answer("graph", data=data, count=len(triples))

    def dump(self, output: IO[bytes], media_type: str) -> None:
        fmt = RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise StoreError(f"no RDF format {media_type!r}")
        if fmt.supports_datasets:
            if self._hidden:
                serialize((q for q in self._live if not self._is_hidden(q)), output, fmt, prefixes=PREFIXES)
            else:
                self._live.dump(output, fmt)
            return
        union = {q.triple for q in self._live if not self._is_hidden(q)}
        serialize(union, output, fmt, prefixes=PREFIXES)

    def _is_hidden(self, quad: Quad) -> bool:
        return isinstance(quad.graph_name, NamedNode) and quad.graph_name.value in self._hidden

    def quad_count(self) -> int:
        hidden = sum(len(list(self._live.quads_for_pattern(None, None, None, NamedNode(g)))) for g in self._hidden)
        return len(self._live) - hidden

    def named_graphs(self) -> list[str]:
        return sorted(
            g.value for g in self._live.named_graphs() if isinstance(g, NamedNode) and g.value not in self._hidden
        )



# --- terms ------------------------------------------------------------------------------------------


def _neutral(term: Any) -> Term:
    """A pyoxigraph term as a kg.store Term."""
    kind = type(term)
    if kind is NamedNode:
        return Term("uri", term.value)
    if kind is Literal:
        if term.language:
            return Term("literal", term.value, None, term.language)
        datatype = term.datatype.value
        return Term("literal", term.value, None if datatype == XSD_STRING else datatype)
    if kind is BlankNode:
        return Term("bnode", term.value)
    return Term("literal", str(term))  # an RDF-star triple term: shown as text


def _results(solutions: QuerySolutions, cap: int | None) -> Results:
    columns = [v.value for v in solutions.variables]
    rows: list[tuple[Term | None, ...]] = []
    for solution in solutions:
        if cap is not None and len(rows) >= cap:
            raise TooManyResults(cap, "results")
        rows.append(tuple(None if (t := solution[c]) is None else _neutral(t) for c in columns))
    return Results(columns, rows)


def _term(value: Any) -> NamedNode | BlankNode | Literal:
    """A typed value (kg.store.results) or a Term as a pyoxigraph term, for writing."""
    if isinstance(value, Term):
        if value.kind == "uri":
            return NamedNode(value.value)
        if value.kind == "bnode":
            return BlankNode(value.value)
        datatype = NamedNode(value.datatype) if value.datatype else None
        return Literal(value.value, datatype=datatype, language=value.language)
    if isinstance(value, IRI):
        return NamedNode(value)
    if isinstance(value, BlankValue):
        return BlankNode(value)
    if isinstance(value, LangString):
        return Literal(str(value), language=value.language)
    if isinstance(value, TypedLiteral):
        return Literal(str(value), datatype=NamedNode(value.datatype))
    if isinstance(value, str):
        return Literal(value)
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return Literal(str(value), datatype=NamedNode(XSD + "integer"))
    if isinstance(value, Decimal):
        return Literal(format(value, "f"), datatype=NamedNode(XSD + "decimal"))
    if isinstance(value, float):
        text = {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(repr(value), repr(value))
        return Literal(text, datatype=NamedNode(XSD + "double"))
    if isinstance(value, date):
        return Literal(value.isoformat(), datatype=NamedNode(XSD + "date"))
    raise TypeError(f"no RDF term for {value!r}")


def convert_turtle(turtle: str, media_type: str) -> bytes:
    fmt = RdfFormat.from_media_type(media_type) or RdfFormat.TURTLE
    return serialize(list(parse(turtle, format=RdfFormat.TURTLE)), None, fmt)


# --- RDF syntax for the remote backend (kg.store.remote), which has no RDF library of its own ---------


def ntriples_of(quads: Iterable[Any]) -> bytes:
    """The triples of mapped quads (kg.rdf's pyoxigraph quads) as N-Triples, for a Graph Store PUT."""
    return serialize((q.triple for q in quads), None, RdfFormat.N_TRIPLES)


def turtle_as_ntriples(paths: Sequence[Path]) -> bytes:
    """Turtle files as one N-Triples document (blank nodes kept apart: each file has its own)."""
    triples = [q.triple for path in paths for q in parse(path=str(path), format=RdfFormat.TURTLE)]
    return serialize(triples, None, RdfFormat.N_TRIPLES)


def parse_ntriples(data: bytes) -> list[tuple[Term, Term, Term]]:
    return [(_neutral(q.subject), _neutral(q.predicate), _neutral(q.object))
            for q in parse(data, format=RdfFormat.N_TRIPLES)]  # fmt: skip


def convert_ntriples(data: bytes, media_type: str, *, prefixes: bool = True) -> bytes:
    """N-Triples (a CONSTRUCT's result) in another triple syntax, with the project's prefixes."""
    fmt = RdfFormat.from_media_type(media_type) or RdfFormat.TURTLE
    triples = [q.triple for q in parse(data, format=RdfFormat.N_TRIPLES)]
    return serialize(triples, None, fmt, prefixes=PREFIXES if prefixes else None)


def ntriples_in_graph(data: bytes, graph: str) -> bytes:
    """A graph's N-Triples (as a server writes them) as canonical N-Quads in that graph."""
    name = NamedNode(graph)
    quads = (Quad(t.subject, t.predicate, t.object, name) for t in parse(data, format=RdfFormat.N_TRIPLES))
    return serialize(quads, None, RdfFormat.N_QUADS)


def convert_nquads(data: bytes, output: IO[bytes], media_type: str) -> None:
    """N-Quads (a dump) in another syntax: quad formats keep the graphs, triple formats get their union."""
    fmt = RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise StoreError(f"no RDF format {media_type!r}")
    quads = parse(data, format=RdfFormat.N_QUADS)
    if fmt.supports_datasets:
        serialize(quads, output, fmt, prefixes=PREFIXES)
    else:
        serialize({q.triple for q in quads}, output, fmt, prefixes=PREFIXES)
