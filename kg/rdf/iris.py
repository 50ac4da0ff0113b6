"""Deterministic, ASCII-only IRIs: a hash of the identifying values, so re-reading a report
yields the same IRIs. Chinese names live in labels, never in IRIs."""

from __future__ import annotations

import hashlib

from pyoxigraph import NamedNode

from kg.vocab import CODE_NS, GRAPH_NS, ID_NS


def digest(*parts: object, length: int = 16) -> str:
    joined = "\u241f".join(str(p) for p in parts)  # a separator that never occurs in reports
    # surrogatepass: a file name that is not UTF-8 holds lone surrogates; they hash as themselves
    # (text without them encodes exactly as UTF-8, so no IRI changes).
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def report_iri(report_key: str) -> NamedNode:
    return NamedNode(f"{ID_NS}report/{digest(report_key)}")


def report_graph(report_key: str, sha256: str) -> NamedNode:
    """A report's named graph. The content hash is part of the name so that a changed report is
    written beside the old graph and swapped in atomically (see kg.store)."""
    return NamedNode(f"{GRAPH_NS}report/{digest(report_key)}/{sha256[:12]}")


def source_file_iri(report_key: str, sha256: str) -> NamedNode:
    return NamedNode(f"{ID_NS}file/{digest(report_key, sha256)}")


def run_iri(report_key: str, sha256: str, version: str) -> NamedNode:
    return NamedNode(f"{ID_NS}run/{digest(report_key, sha256, version)}")


def organisation_iri(name: str) -> NamedNode:
    return NamedNode(f"{ID_NS}org/{digest(name)}")


def region_iri(code: str | None, name: str) -> NamedNode:
    return NamedNode(f"{ID_NS}region/{code}" if code else f"{ID_NS}region/x-{digest(name)}")


def policy_iri(canonical_number: str | None, title: str | None) -> NamedNode:
    if canonical_number:
        return NamedNode(f"{ID_NS}policy/{digest('number', canonical_number)}")
    return NamedNode(f"{ID_NS}policy/{digest('title', title)}")


def item_iri(kind: str, report_key: str, *parts: object) -> NamedNode:
    """IRIs of things that exist inside one report (citations, amounts, evidence)."""
    return NamedNode(f"{ID_NS}{kind}/{digest(report_key, *parts)}")


SOFTWARE_AGENT = NamedNode(f"{ID_NS}agent/fundkg")
__all__ = ["CODE_NS", "GRAPH_NS", "ID_NS"]
