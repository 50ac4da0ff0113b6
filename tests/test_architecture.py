"""The layers of FundKG, checked from the source: no import cycles, no back-edges.

The import graph of kg/ and api/ is built with `ast` (every import, also those inside functions),
so the rules hold whatever is imported lazily:
- no cycle between modules;
- the vocabulary floor (kg.vocab, kg.records, kg.document, kg.normalize, kg.errors, kg.resources, kg.lexicon)
  imports nothing above it, and readers import only the floor and kg.normalize;
- kg.extract is imported only by the build pipeline (kg.build) and `fundkg extract` (kg.cli), and
  imports no later layer (the RDF mapping, the store, linking, queries, the service);
- pyoxigraph is imported only by the embedded store backend and the RDF mapping.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kg", "api")
FLOOR = ("kg.vocab", "kg.records", "kg.document", "kg.normalize", "kg.errors", "kg.resources", "kg.lexicon")
LATER_THAN_EXTRACT = ("kg.rdf", "kg.store", "kg.build", "kg.linking", "kg.flows", "kg.queries", "kg.cli",
                      "kg.summary", "kg.validate", "api")  # fmt: skip
EXTRACT_USERS = ("kg.build", "kg.cli")
PYOXIGRAPH_USERS = ("kg.store.oxigraph", "kg.rdf")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module `name` imports: project modules resolved to the deepest known one, others as written."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return found


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    modules = _modules()
    g = nx.DiGraph()
    for name, path in modules.items():
        g.add_node(name)
        for target in _imports(name, path, set(modules)):
            g.add_edge(name, target)
    return g


def test_no_import_cycles(graph: nx.DiGraph) -> None:
    project = graph.subgraph(n for n in graph if _within(n, PACKAGES))
    cycles = [sorted(c) for c in nx.strongly_connected_components(project) if len(c) > 1]
    cycles += [[n] for n in project if project.has_edge(n, n)]
    assert not cycles, f"import cycles: {cycles}"


def _edges(graph: nx.DiGraph, source: tuple[str, ...], target: tuple[str, ...]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, b in graph.edges if _within(a, source) and _within(b, target))


def test_the_floor_imports_nothing_above_it(graph: nx.DiGraph) -> None:
    above = tuple(p for p in PACKAGES)
    bad = [(a, b) for a, b in _edges(graph, FLOOR, above) if not _within(b, FLOOR)]
    assert not bad, f"the vocabulary floor imports modules above it: {bad}"


def test_readers_import_only_the_floor(graph: nx.DiGraph) -> None:
    allowed = (*FLOOR, "kg.readers", "kg.normalize")
    bad = [(a, b) for a, b in _edges(graph, ("kg.readers", "kg.normalize"), PACKAGES) if not _within(b, allowed)]
    assert not bad, f"readers import above the floor: {bad}"


def test_only_the_build_and_fundkg_extract_import_extractors(graph: nx.DiGraph) -> None:
    users = ("kg.extract", *EXTRACT_USERS)
    bad = [(a, b) for a, b in _edges(graph, PACKAGES, ("kg.extract",)) if not _within(a, users)]
    assert not bad, f"kg.extract imported outside the build pipeline and `fundkg extract`: {bad}"


def test_extractors_import_no_later_layer(graph: nx.DiGraph) -> None:
    bad = _edges(graph, ("kg.extract",), LATER_THAN_EXTRACT)
    assert not bad, f"extractors import a later layer: {bad}"


def test_pyoxigraph_only_in_the_store_backend_and_the_mapping(graph: nx.DiGraph) -> None:
    bad = [a for a, b in _edges(graph, PACKAGES, ("pyoxigraph",)) if not _within(a, PYOXIGRAPH_USERS)]
    assert not bad, f"pyoxigraph imported outside the store backend and the RDF mapping: {sorted(set(bad))}"


def test_the_graph_sees_the_project(graph: nx.DiGraph) -> None:
    """The checks above are only as good as the graph: it must hold the modules and their imports."""
    assert graph.has_edge("kg.build", "kg.extract.pipeline")
    assert graph.has_edge("kg.extract.pipeline", "kg.extract.component")
    assert graph.has_edge("kg.rdf.mapping", "kg.rdf.mapper")
    assert "pyoxigraph" in graph.successors("kg.rdf.terms")
