"""RDF literals as the mapping writes them: one helper per kind, so every value is written alike."""

from __future__ import annotations

from decimal import Decimal

from pyoxigraph import Literal

from kg.rdf.terms import XSD

TRUE = Literal("true", datatype=XSD.boolean)
FALSE = Literal("false", datatype=XSD.boolean)


def zh(text: str) -> Literal:
    """Chinese text: labels, names, descriptions as reports write them."""
    return Literal(text, language="zh")


def typed(value: object, datatype: object) -> Literal:
    return Literal(str(value), datatype=datatype)  # type: ignore[arg-type]


def decimal(value: Decimal) -> Literal:
    # xsd:decimal lexical form: plain digits, never exponent notation.
    return Literal(format(value, "f"), datatype=XSD.decimal)


def boolean(value: bool | None) -> Literal | None:
    return None if value is None else (TRUE if value else FALSE)
