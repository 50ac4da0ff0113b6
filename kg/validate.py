"""SHACL validation of the whole store with pySHACL (rdflib is used here for what it does best)."""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from pyoxigraph import RdfFormat, serialize

from kg.resources import data_dir
from kg.store import FundStore


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: int
    text: str


def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data_dir("ontology") / "shapes.ttl", format="turtle")
    return graph


def validate_store(store: FundStore) -> ValidationReport:
    from pyshacl import validate

    data = rdflib.Graph()
    # N-Triples is the fastest hand-over between the two libraries.
    payload = serialize({q.triple for q in store.iter_quads()}, None, RdfFormat.N_TRIPLES)
    data.parse(data=payload, format="nt")
    conforms, results_graph, text = validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = sum(1 for _ in results_graph.subjects(rdflib.RDF.type, sh.ValidationResult))
    return ValidationReport(bool(conforms), violations, str(text))
