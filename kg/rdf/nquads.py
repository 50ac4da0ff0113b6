"""A report's quads as N-Quads bytes: how they travel from a worker process or machine to the writer."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Quad, RdfFormat, serialize


def to_nquads(quads: Iterable[Quad]) -> bytes:
    return serialize(quads, None, RdfFormat.N_QUADS)
