"""The store interface: the `Store` operations and the plain data they take and give (see kg.store)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from kg.errors import FundKGError, QueryError
from kg.store.results import Results, Term, Value
from kg.vocab import GRAPH_NS

REPORT_GRAPHS = GRAPH_NS + "report/"  # the prefix of kg.rdf.iris.report_graph: orphan candidates

# Media types of the serialisations the stores write (export) and the service offers (graph results).
N_QUADS = "application/n-quads"
TRIG = "application/trig"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"
N3 = "text/n3"


class StoreError(FundKGError):
    """The store cannot be opened or used as asked."""


class SparqlSyntaxError(QueryError):
    """A query or update does not parse (the message is the parser's)."""


class UpdateError(QueryError):
    """An update parsed but failed (e.g. DROP of a graph that does not exist)."""


class QueryTimedOut(QueryError):
    """A remote store did not answer within the time budget (or stopped the query at it)."""


class TooManyResults(QueryError):
    """A query returned more rows or triples than the caller's cap."""

    def __init__(self, cap: int, unit: str) -> None:
        super().__init__(f"the query returns more than {cap} {unit}")
        self.cap = cap
        self.unit = unit  # "results" or "triples"


class MappedQuad(Protocol):
    """A quad of the RDF mapping (kg.rdf), which the embedded backend loads as it is."""

    @property
    def subject(self) -> Any: ...
    @property
    def predicate(self) -> Any: ...
    @property
    def object(self) -> Any: ...
    @property
    def graph_name(self) -> Any: ...


def _iri_text(term: Any) -> str:
    """An IRI given as a string or as an RDF library's IRI term (which has `.value`)."""
    return term if isinstance(term, str) else str(term.value)


@dataclass(frozen=True)
class ManifestEntry:
    report: str  # report IRI
    graph: str  # the named graph that currently holds it
    sha256: str
    version: str
    file_name: str


@dataclass(frozen=True)
class PendingReport:
    """A report ready to be written: everything was parsed and mapped before the store is touched.

    `report` and `graph` are IRIs (strings; the mapping's IRI terms are read as their IRI). `quads`
    are the mapping's quads, or the same serialised as N-Quads (all in `graph`) by a worker process
    (kg.parallel), which is how they travel between processes and machines."""

    report: str
    graph: str
    quads: Sequence[MappedQuad] | bytes
    sha256: str
    version: str
    file_name: str
    source_path: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "report", _iri_text(self.report))
        object.__setattr__(self, "graph", _iri_text(self.graph))


# A triple to write: each position a typed value (IRI, str, Decimal …; see kg.store.results) or a Term.
Triple = tuple[Value | Term, Value | Term, Value | Term]


@dataclass(frozen=True)
class Answer:
    """What `Store.query` returns: the form of the query and its result in that form."""

    form: str  # "select", "ask" or "graph"
    results: Results | None = None  # select, when no results_format was asked for
    boolean: bool | None = None  # ask
    data: bytes | None = None  # graph results, or select results in results_format
    count: int = 0  # rows or triples


class Store(ABC):
    """A FundKG store. Open one with `open_store`; close it (or use `with`) to release it."""

    location: str | None  # the directory or URL; None for an in-memory store
    read_only: bool

    # --- writing --------------------------------------------------------------------------------

    @abstractmethod
    def write_reports(self, pending: Sequence[PendingReport]) -> None:
        """Write a batch: load the new graphs, switch the manifest to them in one transaction, drop the old."""

    @abstractmethod
    def remove_report(self, report: str) -> bool:
        """Remove a report from the manifest and drop its graph; False when it is not in the store."""

    @abstractmethod
    def replace_ontology(self, paths: Sequence[Path], digest: str) -> bool:
        """Load these Turtle files into the ontology graph unless a load of the same digest is there."""

    @abstractmethod
    def replace_graph(self, graph: str, triples: Iterable[Triple]) -> None:
        """Replace a whole named graph (not a report's) with these triples, atomically."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Apply a SPARQL 1.1 update (the project's prefixes are declared). Raises SparqlSyntaxError, UpdateError."""

    # --- reading --------------------------------------------------------------------------------

    @abstractmethod
    def select(self, sparql: str, *, max_rows: int | None = None) -> Results:
        """Run a SELECT query over the union of all graphs. Raises TooManyResults past `max_rows`."""

    @abstractmethod
    def ask(self, sparql: str) -> bool:
        """Run an ASK query over the union of all graphs."""

    @abstractmethod
    def construct(self, sparql: str) -> list[tuple[Term, Term, Term]]:
        """Run a CONSTRUCT or DESCRIBE query over the union of all graphs: its triples, as exact terms."""

    @abstractmethod
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
        """Run a query of any form, for the SPARQL protocol service and the CLI.

        SELECT gives `Results`, or bytes in `results_format` when one is given (the media types of
        SPARQL results: JSON, XML, CSV, TSV); ASK a boolean; CONSTRUCT and DESCRIBE bytes in
        `graph_format`, with the project's prefixes unless `prefixes` is False. The dataset is the
        union of all graphs unless the protocol's default-graph-uri / named-graph-uri select one.
        Raises SparqlSyntaxError, and TooManyResults past `max_results` rows or triples.
        """

    @abstractmethod
    def dump(self, output: IO[bytes], media_type: str) -> None:
        """Serialise the store: quad formats (N-Quads, TriG, JSON-LD) keep the graphs; triple formats get the union."""

    @abstractmethod
    def quad_count(self) -> int: ...

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """The names of the named graphs that hold at least one quad."""

    def manifest(self) -> dict[str, ManifestEntry]:
        """The current reports, keyed by report IRI (the same internal query on every backend)."""
        from kg.queries import internal_query

        rows = self.select(internal_query("manifest").text).rows
        return {
            str(r["report"]): ManifestEntry(str(r["report"]), str(r["graph"]), str(r["sha256"]), str(r["version"]),
                                            str(r["file"]))
            for r in rows
        }  # fmt: skip

    def current_graphs(self, reports: Sequence[str]) -> dict[str, str]:
        """The graph the manifest names for each of these reports it holds: a batch's look-up, which
        costs the same however many reports the store holds (the whole manifest grows with it)."""
        from kg.queries import bind, internal_query

        if not reports:
            return {}
        rows = self.select(bind(internal_query("current-graphs"), {"report": sorted(set(reports))})).rows
        return {str(r["report"]): str(r["graph"]) for r in rows}

    def generation(self) -> int:
        """A number that every write changes (0 for a store never written); kept in the store itself."""
        from kg.queries import internal_query

        rows = self.select(internal_query("store-generation").text).rows
        return max((int(r["generation"]) for r in rows), default=0)  # type: ignore[arg-type]

    @abstractmethod
    def optimize(self) -> None:
        """Reorganise the store's files for reading, after a large build."""

    @abstractmethod
    def close(self) -> None:
        """Release the store (flushing writes). Using it afterwards raises StoreError."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
