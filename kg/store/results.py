"""Query results as plain Python data: SELECT rows of typed values, with the exact RDF terms beside them.

A backend hands over every bound term as a `Term` (kind, lexical value, datatype or language):
small, picklable and engine-neutral, so the service's worker processes can send results over a
pipe. `Results.rows` reads them as Python values, typed from their RDF datatype:

| RDF term                                         | Python value                          |
|--------------------------------------------------|---------------------------------------|
| IRI                                              | `IRI` (a `str`)                       |
| blank node                                       | `BlankNode` (a `str`: its label)      |
| plain or xsd:string literal                      | `str`                                 |
| language-tagged literal                          | `LangString` (a `str` with `.language`) |
| xsd:decimal                                      | `Decimal` (exact, from the lexical form) |
| xsd:integer and the types derived from it        | `int`                                 |
| xsd:boolean                                      | `bool`                                |
| xsd:double, xsd:float                            | `float`                               |
| xsd:date (without time zone)                     | `datetime.date`                       |
| xsd:gYear (without time zone)                    | `int`                                 |
| anything else, or a lexical form that is invalid | `TypedLiteral` (a `str` with `.datatype`) |

An unbound variable is `None`. Where the exact lexical form matters (CSV cells, the SPARQL JSON
of the service), read `Results.terms` instead: the lexical value is never lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"


class IRI(str):
    """An IRI: compares and hashes as its string."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


class BlankNode(str):
    """A blank node, by its label (labels are local to one result)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"BlankNode({str.__repr__(self)})"


class LangString(str):
    """A language-tagged string: the text, with `.language` (e.g. "zh")."""

    __slots__ = ("language",)

    def __new__(cls, value: str, language: str) -> LangString:
        self = super().__new__(cls, value)
        self.language = language
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (LangString, (str(self), self.language))

    def __repr__(self) -> str:
        return f"LangString({str.__repr__(self)}, {self.language!r})"


class TypedLiteral(str):
    """A literal of a datatype without a Python counterpart: its lexical form, with `.datatype`."""

    __slots__ = ("datatype",)

    def __new__(cls, value: str, datatype: str) -> TypedLiteral:
        self = super().__new__(cls, value)
        self.datatype = datatype
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (TypedLiteral, (str(self), self.datatype))

    def __repr__(self) -> str:
        return f"TypedLiteral({str.__repr__(self)}, {self.datatype!r})"


Value = IRI | BlankNode | LangString | TypedLiteral | str | int | bool | float | Decimal | date


class Term(NamedTuple):
    """An RDF term as a backend returns it: kind "uri", "bnode" or "literal", and the lexical value."""

    kind: str
    value: str
    datatype: str | None = None  # literals only; None for xsd:string and language-tagged strings
    language: str | None = None

    def json(self) -> dict[str, str]:
        """The term in the shape of SPARQL 1.1 Query Results JSON."""
        out = {"type": self.kind, "value": self.value}
        if self.language:
            out["xml:lang"] = self.language
        elif self.datatype:
            out["datatype"] = self.datatype
        return out

    def to_python(self) -> Value:
        if self.kind == "uri":
            return IRI(self.value)
        if self.kind == "bnode":
            return BlankNode(self.value)
        if self.language:
            return LangString(self.value, self.language)
        if not self.datatype or self.datatype == XSD_STRING:
            return self.value
        convert = _CONVERTERS.get(self.datatype)
        if convert is not None:
            try:
                return convert(self.value)
            except ValueError:
                pass  # not a valid lexical form of its datatype: kept as written
        return TypedLiteral(self.value, self.datatype)


_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_DOUBLE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN", re.ASCII)
_DATE = re.compile(r"-?\d{4,}-\d{2}-\d{2}", re.ASCII)  # with a time zone it stays a TypedLiteral
_YEAR = re.compile(r"-?\d{4,}", re.ASCII)


def _checked(pattern: re.Pattern[str], convert: Callable[[str], Value]) -> Callable[[str], Value]:
    def read(text: str) -> Value:
        if not pattern.fullmatch(text):
            raise ValueError(text)
        return convert(text)

    return read


def _boolean(text: str) -> bool:
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ValueError(text)


_INTEGERS = ("integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte", "nonNegativeInteger",
             "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger")  # fmt: skip
_CONVERTERS = {
    **{XSD + name: _checked(_INTEGER, int) for name in _INTEGERS},
    XSD + "decimal": _checked(_DECIMAL, Decimal),
    XSD + "boolean": _boolean,
    XSD + "double": _checked(_DOUBLE, lambda t: float(t.replace("INF", "inf"))),
    XSD + "float": _checked(_DOUBLE, lambda t: float(t.replace("INF", "inf"))),
    XSD + "date": _checked(_DATE, date.fromisoformat),
    XSD + "gYear": _checked(_YEAR, int),
}

Row = dict[str, Value | None]


class Results:
    """The solutions of a SELECT query: `columns` (the variables, in order) and `rows`."""

    def __init__(self, columns: Sequence[str], terms: Sequence[tuple[Term | None, ...]]) -> None:
        self.columns: tuple[str, ...] = tuple(columns)
        self.terms: list[tuple[Term | None, ...]] = list(terms)  # one tuple per row, in column order

    @cached_property
    def rows(self) -> list[Row]:
        """Each row as {variable: typed value}, unbound variables as None."""
        return [
            {c: (t.to_python() if t is not None else None) for c, t in zip(self.columns, row, strict=True)}
            for row in self.terms
        ]

    def json_rows(self) -> list[list[dict[str, str] | None]]:
        """Each row as a list of SPARQL-JSON terms (None when unbound), in column order."""
        return [[t.json() if t is not None else None for t in row] for row in self.terms]

    def lexical(self) -> list[dict[str, str | None]]:
        """Each row as {variable: lexical value}: the strings a CSV of the results holds."""
        return [{c: (t.value if t is not None else None) for c, t in zip(self.columns, row, strict=True)}
                for row in self.terms]  # fmt: skip

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __repr__(self) -> str:
        return f"Results(columns={list(self.columns)}, {len(self.terms)} rows)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Results, (self.columns, self.terms))
