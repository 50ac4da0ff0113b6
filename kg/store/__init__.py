"""The store interface: one named graph per report, a manifest of them, queries over their union.

Everything above the store (build, linking, tracing, summary, validation, the CLI, the service)
uses `Store` and plain Python data: `Results` rows of typed values, IRIs as strings, booleans,
serialised bytes. Only a backend knows its engine. `open_store(location)` picks the backend:

- a directory (or a path that does not exist yet): the embedded Oxigraph store (kg.store.oxigraph);
- None: an in-memory Oxigraph store, for tests and benchmarks;
- an http(s):// URL: a SPARQL 1.1 service (kg.store.remote): Virtuoso 7, the Oxigraph server or
  another; `timeout` bounds each of its queries.

Writes never leave a half-written report visible as current: a report's quads go into a new named
graph whose name carries the content hash, the manifest is switched to it in one transaction, and
only then is the previous graph dropped. A crash between steps leaves an orphan graph the manifest
does not name; a read-write open drops orphan report graphs. Every write changes the store's
generation number, kept in the manifest graph, so a reader can tell that its snapshot is old.
"""

from __future__ import annotations

from pathlib import Path

from kg.store.base import (
    JSON_LD,
    N3,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    REPORT_GRAPHS,
    TRIG,
    TURTLE,
    Answer,
    ManifestEntry,
    MappedQuad,
    PendingReport,
    QueryTimedOut,
    SparqlSyntaxError,
    Store,
    StoreError,
    TooManyResults,
    Triple,
    UpdateError,
)
from kg.store.results import IRI, BlankNode, LangString, Results, Term, TypedLiteral, Value


def is_remote(location: Path | str | None) -> bool:
    """Whether `location` names a SPARQL service (an http(s):// URL) rather than a directory."""
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def open_store(location: Path | str | None, *, read_only: bool = False, timeout: float | None = None) -> Store:
    """Open (or create) the store at `location`: a directory, None (in memory), or a SPARQL service URL.

    `timeout` (seconds) bounds each query of a remote store; the embedded store cannot stop a query
    (the service runs queries in processes it can kill)."""
    if is_remote(location):
        from kg.store.remote import SparqlStore

        return SparqlStore.open(str(location), read_only=read_only, timeout=timeout)
    from kg.store.oxigraph import OxigraphStore

    return OxigraphStore.open(None if location is None else Path(location), read_only=read_only)


def convert_rdf(turtle: str, media_type: str) -> bytes:
    """Turtle rewritten in another RDF syntax, by the embedded engine (for the service description)."""
    from kg.store.oxigraph import convert_turtle

    return convert_turtle(turtle, media_type)


__all__ = [
    "IRI", "JSON_LD", "N3", "N_QUADS", "N_TRIPLES", "RDF_XML", "REPORT_GRAPHS", "TRIG", "TURTLE", "Answer",
    "BlankNode", "LangString", "ManifestEntry", "MappedQuad", "PendingReport", "QueryTimedOut", "Results",
    "SparqlSyntaxError", "Store", "StoreError", "Term", "TooManyResults", "Triple", "TypedLiteral", "UpdateError",
    "Value", "convert_rdf", "is_remote", "open_store",
]  # fmt: skip
