"""The persistent store: Oxigraph on disk, one named graph per report, a manifest of them.

Writes never leave a half-written report visible as current: a report's quads go into a new
named graph whose name carries the content hash, the manifest is switched to it in one SPARQL
update (a single transaction), and only then is the previous graph dropped. A crash between
steps leaves an orphan graph that is not in the manifest; `FundStore.open` removes orphans.
Queries run over the union of all graphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, RdfFormat, Store, serialize

from kg import vocab
from kg.rdf.terms import FKG
from kg.vocab import GRAPH_NS, PREFIXES

MANIFEST_GRAPH = NamedNode(vocab.MANIFEST_GRAPH)
ONTOLOGY_GRAPH = NamedNode(vocab.ONTOLOGY_GRAPH)

REPORT_GRAPHS = GRAPH_NS + "report/"  # the prefix of kg.rdf.iris.report_graph


@dataclass(frozen=True)
class ManifestEntry:
    report: NamedNode
    graph: NamedNode
    sha256: str
    version: str
    file_name: str


@dataclass(frozen=True)
class PendingReport:
    """A report ready to be written: everything was parsed and mapped before the store is touched."""

    report: NamedNode
    graph: NamedNode
    quads: Sequence[Quad]
    sha256: str
    version: str
    file_name: str
    source_path: str


def _term_sparql(term: NamedNode | Literal) -> str:
    # pyoxigraph renders terms in N-Triples syntax, escaping included.
    return str(term)


class FundStore:
    def __init__(self, store: Store, path: Path | None) -> None:
        self._store = store
        self.path = path

    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False) -> FundStore:
        """Open (or create) a store directory; None gives an in-memory store for tests."""
        if path is None:
            return cls(Store(), None)
        path = Path(path)
        if read_only:
            return cls(Store.read_only(str(path)), path)
        path.mkdir(parents=True, exist_ok=True)
        store = cls(Store(str(path)), path)
        store.remove_orphans()
        return store

    @property
    def raw(self) -> Store:
        return self._store

    # --- manifest ---------------------------------------------------------------------------

    def manifest(self) -> dict[str, ManifestEntry]:
        """Current reports keyed by report IRI."""
        rows = self._store.query(
            f"""SELECT ?r ?g ?sha ?v ?f WHERE {{ GRAPH {_term_sparql(MANIFEST_GRAPH)} {{
                 ?r fkg:currentGraph ?g ; fkg:sha256 ?sha ; fkg:extractorVersion ?v ; fkg:fileName ?f }} }}""",
            prefixes=PREFIXES,
        )
        assert isinstance(rows, QuerySolutions)
        return {
            row["r"].value: ManifestEntry(row["r"], row["g"], row["sha"].value, row["v"].value, row["f"].value)
            for row in rows
        }

    def remove_orphans(self) -> list[NamedNode]:
        """Drop report graphs the manifest does not point to (left by an interrupted write).

        Only report graphs (graph/report/…) are candidates: graphs a user loaded through a SPARQL
        update with the service's token are theirs to keep."""
        current = {e.graph.value for e in self.manifest().values()}
        orphans = [
            g
            for g in self._store.named_graphs()
            if isinstance(g, NamedNode) and g.value.startswith(REPORT_GRAPHS) and g.value not in current
        ]
        for graph in orphans:
            self._store.remove_graph(graph)
        return orphans

    def is_current(self, report: NamedNode, sha256: str, version: str) -> bool:
        entry = self.manifest().get(report.value)
        return entry is not None and entry.sha256 == sha256 and entry.version == version

    # --- writing ----------------------------------------------------------------------------

    def write_reports(self, pending: Sequence[PendingReport]) -> None:
        """Write a batch of reports: bulk-load their new graphs, switch the manifest, drop old graphs."""
        if not pending:
            return
        old = self.manifest()
        self._store.bulk_extend(q for p in pending for q in p.quads)
        self._switch_manifest(pending)
        for p in pending:
            previous = old.get(p.report.value)
            if previous is not None and previous.graph != p.graph:
                self._store.remove_graph(previous.graph)
        self._store.flush()

    def _switch_manifest(self, pending: Sequence[PendingReport]) -> None:
        m = _term_sparql(MANIFEST_GRAPH)
        operations = [f"DELETE WHERE {{ GRAPH {m} {{ {_term_sparql(p.report)} ?p ?o }} }}" for p in pending]
        triples = []
        for p in pending:
            triples.append(
                f"{_term_sparql(p.report)} fkg:currentGraph {_term_sparql(p.graph)} ; "
                f"fkg:sha256 {_term_sparql(Literal(p.sha256))} ; "
                f"fkg:extractorVersion {_term_sparql(Literal(p.version))} ; "
                f"fkg:fileName {_term_sparql(Literal(p.file_name))} ; "
                f"fkg:sourcePath {_term_sparql(Literal(p.source_path))} ."
            )
        operations.append(f"INSERT DATA {{ GRAPH {m} {{ {' '.join(triples)} }} }}")
        # One update request is one transaction in Oxigraph: the switch is all or nothing.
        self._store.update(f"PREFIX fkg: <{PREFIXES['fkg']}>\n" + " ;\n".join(operations))

    def remove_report(self, report: NamedNode) -> bool:
        entry = self.manifest().get(report.value)
        if entry is None:
            return False
        m = _term_sparql(MANIFEST_GRAPH)
        self._store.update(f"DELETE WHERE {{ GRAPH {m} {{ {_term_sparql(report)} ?p ?o }} }}")
        self._store.remove_graph(entry.graph)
        self._store.flush()
        return True

    def replace_ontology(self, quads: Iterable[Quad], digest: str) -> bool:
        """Load the ontology, code lists and shapes into their own graph when they changed."""
        marker = Quad(ONTOLOGY_GRAPH, FKG.sha256, Literal(digest), ONTOLOGY_GRAPH)
        if marker in self._store:
            return False
        self._store.remove_graph(ONTOLOGY_GRAPH)
        self._store.extend([*(Quad(q.subject, q.predicate, q.object, ONTOLOGY_GRAPH) for q in quads), marker])
        self._store.flush()
        return True

    # --- reading ----------------------------------------------------------------------------

    def query(self, sparql: str):
        """Run a SPARQL query over the union of all graphs."""
        return self._store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)

    def quad_count(self) -> int:
        return len(self._store)

    def dump(self, output, fmt: RdfFormat) -> None:
        """Serialise the store. Triple formats get the union of graphs; quad formats keep graphs."""
        if fmt.supports_datasets:
            self._store.dump(output, fmt)
            return
        union = {q.triple for q in self._store}
        serialize(union, output, fmt, prefixes=PREFIXES)

    def iter_quads(self) -> Iterator[Quad]:
        return iter(self._store)
