"""SHACL validation of the whole store: SHACL Core with pySHACL, SHACL-SPARQL on the store itself.

Measured on the five seeds and the sample notices (60,567 triples), the former single pySHACL call
took 73 s: 56 s of it the four `sh:sparql` constraints, which pySHACL runs as one rdflib SPARQL
query per focus node (thousands), and 4.9 s handing the union over as N-Triples text. So:
- the SPARQL constraints run on the store, once each, for all their focus nodes (milliseconds);
- the data reaches rdflib as terms (a CONSTRUCT of the union), not as text to parse;
- pySHACL checks one targeted shape at a time (the progress a caller shows), in place, and without
  writing the text of each result: most results are the expected failures of the branches of an
  `sh:or` or a qualified value shape, which pySHACL describes in full and then drops (≈ 35% of its
  time). Only when a shape does not conform is it checked again with the full text;
- two pySHACL internals are sped up where present (a list searched per shape and node made a set);
  when a pySHACL release moves them, validation is only slower, never different.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.resources import data_dir
from kg.store import Store

if TYPE_CHECKING:
    import rdflib

SH = "http://www.w3.org/ns/shacl#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

Progress = Callable[[str, int, int], None]  # (what is being checked, steps done, steps in all)


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: int
    text: str


@dataclass(frozen=True)
class SparqlConstraint:
    shape: str
    targets: tuple[str, ...]  # classes whose instances (subclasses included) are the focus nodes
    select: str  # the constraint's SELECT, $this as written
    prefixes: str  # PREFIX lines from sh:declare
    message: str


def shapes_graph() -> rdflib.Graph:
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data_dir("ontology") / "shapes.ttl", format="turtle")
    return graph


def validate_store(store: Store, progress: Progress | None = None) -> ValidationReport:
    shapes = shapes_graph()
    constraints = _take_sparql_constraints(shapes)
    targeted = _targeted_shapes(shapes)
    steps = 1 + len(targeted) + len(constraints)
    tick = progress or (lambda _what, _done, _all: None)
    tick("reading the store", 0, steps)
    data = _data_graph(store)
    failing: list[str] = []
    for i, shape in enumerate(targeted, start=1):
        tick(_short(shape), i, steps)
        with _fast_pyshacl():
            if not _conforms(data, shapes, shape):
                failing.append(shape)
    texts: list[str] = []
    violations = 0
    if failing:  # again with pySHACL's full text, for the shapes that have something to say
        conforms, results, text = _run(data, shapes, failing)
        violations += sum(1 for _ in results.subjects(_uri(_RDF_TYPE), _uri(SH + "ValidationResult")))
        texts.append(str(text).split("\n", 3)[-1])  # without pySHACL's own "Validation Report" header
    subclasses = _subclasses(store)
    for j, constraint in enumerate(constraints, start=1 + len(targeted)):
        tick(_short(constraint.shape) + " (SPARQL)", j, steps)
        found = _sparql_violations(store, constraint, subclasses)
        violations += len(found)
        texts.extend(found)
    tick("done", steps, steps)
    conforms = violations == 0 and not failing
    if conforms:
        return ValidationReport(True, 0, "Validation Report\nConforms: True\n")
    header = f"Validation Report\nConforms: False\nResults ({violations}):\n"
    return ValidationReport(False, violations, header + "\n".join(t.strip() for t in texts) + "\n")


# --- the data ----------------------------------------------------------------------------------------


def _data_graph(store: Store) -> rdflib.Graph:
    """The union of the store's graphs as an rdflib graph, term by term (no text to parse)."""
    import rdflib

    cache: dict[Any, Any] = {}

    def term(t: Any) -> Any:
        found = cache.get(t)
        if found is None:
            if t.kind == "uri":
                found = rdflib.URIRef(t.value)
            elif t.kind == "bnode":
                found = rdflib.BNode(t.value)
            elif t.language:
                found = rdflib.Literal(t.value, lang=t.language)
            else:
                found = rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype) if t.datatype else None)
            cache[t] = found
        return found

    graph = rdflib.Graph()
    triples = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    graph.addN((term(s), term(p), term(o), graph) for s, p, o in triples)
    return graph


def _uri(value: str) -> Any:
    import rdflib

    return rdflib.URIRef(value)


def _short(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# --- SHACL Core with pySHACL ---------------------------------------------------------------------------


def _targeted_shapes(shapes: rdflib.Graph) -> list[str]:
    """Shapes with targets of their own (the others are reached through sh:node, sh:or …)."""
    targets = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
    found = {str(s) for t in targets for s in shapes.subjects(_uri(SH + t), None)}
    return sorted(found)


def _run(data: rdflib.Graph, shapes: rdflib.Graph, use: list[str]) -> tuple[bool, Any, str]:
    from pyshacl import validate

    conforms, results, text = validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True, inplace=True, use_shapes=use
    )
    return bool(conforms), results, str(text)


def _conforms(data: rdflib.Graph, shapes: rdflib.Graph, shape: str) -> bool:
    return _run(data, shapes, [shape])[0]


class _MemberSet(list):  # type: ignore[type-arg]
    """A list that answers `in` from a set: pySHACL tests every predicate of every shape against it."""

    def __init__(self, items: list[Any]) -> None:
        super().__init__(items)
        self._members = frozenset(items)

    def __contains__(self, item: object) -> bool:
        return item in self._members


@contextmanager
def _fast_pyshacl() -> Iterator[None]:
    """pySHACL without the text of each result (see the module's doc), where its internals allow."""
    try:
        import pyshacl.shape as shape_module
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
        from pyshacl.constraints.constraint_component import ConstraintComponent
    except ImportError:  # another layout: run as it is
        yield
        return
    describe = ConstraintComponent.make_v_result_description
    ConstraintComponent.make_v_result_description = lambda *_args, **_kwargs: ""  # type: ignore[method-assign]
    shape_module.CONSTRAINT_PARAMS = (_MemberSet(list(ALL_CONSTRAINT_PARAMETERS)), CONSTRAINT_PARAMETERS_MAP)
    try:
        yield
    finally:
        ConstraintComponent.make_v_result_description = describe  # type: ignore[method-assign]


# --- SHACL-SPARQL on the store -------------------------------------------------------------------------


def _take_sparql_constraints(shapes: rdflib.Graph) -> list[SparqlConstraint]:
    """The sh:sparql constraints of node shapes with class targets, removed from `shapes`."""
    sh = {name: _uri(SH + name) for name in ("sparql", "select", "message", "targetClass", "prefixes", "declare",
                                             "prefix", "namespace")}  # fmt: skip
    found: list[SparqlConstraint] = []
    for shape, node in list(shapes.subject_objects(sh["sparql"])):
        targets = tuple(sorted(str(c) for c in shapes.objects(shape, sh["targetClass"])))
        select = shapes.value(node, sh["select"])
        if not targets or select is None:
            continue  # not one this module runs: pySHACL keeps it
        lines = []
        for source in shapes.objects(node, sh["prefixes"]):
            for declaration in shapes.objects(source, sh["declare"]):
                prefix, namespace = shapes.value(declaration, sh["prefix"]), shapes.value(declaration, sh["namespace"])
                lines.append(f"PREFIX {prefix}: <{namespace}>")
        messages = list(shapes.objects(node, sh["message"]))
        english = [str(m) for m in messages if getattr(m, "language", None) == "en"]
        message = (english or [str(m) for m in messages] or [""])[0]
        found.append(SparqlConstraint(str(shape), targets, str(select), "\n".join(sorted(set(lines))), message))
        shapes.remove((shape, sh["sparql"], node))
    return found


def _fill(template: str, values: dict[str, Any]) -> str:
    """A message with its {?var} placeholders replaced by the values of the result row."""

    def value(match: re.Match[str]) -> str:
        term = values.get(match.group(1))
        return term.value if term is not None else ""

    return re.sub(r"\{[?$](\w+)\}", value, template)


def _subclasses(store: Store) -> dict[str, set[str]]:
    """Each class with all its subclasses (itself included), from rdfs:subClassOf in the store: the
    closure is taken here, not with a property path, which not every SPARQL server evaluates alike."""
    direct: dict[str, set[str]] = {}
    for sub, sup in store.select(f"SELECT DISTINCT ?sub ?sup WHERE {{ ?sub <{_SUBCLASS}> ?sup }}").terms:
        if sub is not None and sup is not None:
            direct.setdefault(sup.value, set()).add(sub.value)

    def below(cls: str, seen: set[str]) -> set[str]:
        for sub in direct.get(cls, ()):
            if sub not in seen:
                seen.add(sub)
                below(sub, seen)
        return seen

    return {cls: below(cls, {cls}) for cls in direct}


def _sparql_violations(store: Store, constraint: SparqlConstraint, subclasses: dict[str, set[str]]) -> list[str]:
    """Each focus node the constraint's SELECT returns, as a result in pySHACL's text layout."""
    select = re.sub(r"\$this\b", "?this", constraint.select)
    # The focus nodes are the instances of the target classes, subclasses included (as pySHACL does).
    classes = sorted({c for target in constraint.targets for c in subclasses.get(target, {target})})
    values = " ".join(f"<{c}>" for c in classes)
    query = (
        f"{constraint.prefixes}\nSELECT * WHERE {{\n  VALUES ?targetClass {{ {values} }}\n"
        f"  ?this <{_RDF_TYPE}> ?targetClass .\n  {{ {select} }}\n}}"
    )
    results = store.select(query)
    out: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for row in results.terms:
        values = dict(zip(results.columns, row, strict=True))
        # A focus node typed with two of the target classes is one result, not two.
        key = tuple((c, t.value if t else "") for c, t in values.items() if c != "targetClass")
        if key in seen:
            continue
        seen.add(key)
        message = _fill(constraint.message, values)
        out.append(
            "Constraint Violation in SPARQLConstraintComponent (http://www.w3.org/ns/shacl#SPARQLConstraintComponent):\n"
            f"\tSeverity: sh:Violation\n\tSource Shape: {constraint.shape}\n"
            f"\tFocus Node: <{values['this'].value}>\n\tMessage: {message}"
        )
    return out
