"""The vocabulary (kg.vocab) as pyoxigraph terms, for the mapping's hot path.

kg.vocab names terms as IRI strings so that every layer can use it without an RDF library; the
mapping builds hundreds of thousands of quads and wants each term as a `NamedNode` made once.
`FKG.Department` here is `NamedNode(kg.vocab.FKG.Department)`, created on first use and cached;
the code-list helpers (`CODE.level("county")`) return a new node per call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyoxigraph import NamedNode

from kg import vocab


class _Nodes:
    def __init__(self, strings: Any) -> None:
        self._strings = strings

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(self._strings, name)
        node: NamedNode | Callable[..., NamedNode]
        if isinstance(value, str):
            node = NamedNode(value)
        else:  # a code-list helper of kg.vocab.CODE

            def node(*args: str, _make: Callable[..., str] = value) -> NamedNode:
                return NamedNode(_make(*args))

        setattr(self, name, node)  # later look-ups skip __getattr__
        return node


FKG: Any = _Nodes(vocab.FKG)
CODE: Any = _Nodes(vocab.CODE)
RDF: Any = _Nodes(vocab.RDF)
RDFS: Any = _Nodes(vocab.RDFS)
XSD: Any = _Nodes(vocab.XSD)
SKOS: Any = _Nodes(vocab.SKOS)
ORG: Any = _Nodes(vocab.ORG)
PROV: Any = _Nodes(vocab.PROV)
QB: Any = _Nodes(vocab.QB)
DCTERMS: Any = _Nodes(vocab.DCTERMS)
DCAT: Any = _Nodes(vocab.DCAT)
FOAF: Any = _Nodes(vocab.FOAF)
ELI: Any = _Nodes(vocab.ELI)
OA: Any = _Nodes(vocab.OA)
OBEU_DIM: Any = _Nodes(vocab.OBEU_DIM)
OBEU_MEASURE: Any = _Nodes(vocab.OBEU_MEASURE)
