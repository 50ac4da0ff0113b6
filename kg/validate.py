"""SHACL validation of the whole store with pySHACL (rdflib is used here for what it does best)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import rdflib

from kg.resources import data_dir
from kg.store import N_TRIPLES, Store


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: int
    text: str


def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data_dir("ontology") / "shapes.ttl", format="turtle")
    return graph


def validate_store(store: Store) -> ValidationReport:
    from pyshacl import validate

    data = rdflib.Graph()
    # The union of all graphs in N-Triples: the fastest hand-over between the two libraries.
    payload = io.BytesIO()
    store.dump(payload, N_TRIPLES)
    data.parse(data=payload.getvalue(), format="nt")
    conforms, results_graph, text = validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = sum(1 for _ in results_graph.subjects(rdflib.RDF.type, sh.ValidationResult))
    return ValidationReport(bool(conforms), violations, str(text))
