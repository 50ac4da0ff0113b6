"""RDF literals as typed JSON values, and a JSON writer that keeps decimals exact.

A named query's amounts are xsd:decimal: as JSON numbers they must keep their exact text
("1234567.89", never 1234567.8900000001), which Python's json module cannot write from a Decimal.
So decimals become `Number` (the JSON number text) and `dumps` writes them verbatim.
"""

from __future__ import annotations

import json
import re
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_DECIMAL = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?$")
_DOUBLE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

# The JSON Schema of a value in `rows`, for the OpenAPI description.
VALUE_SCHEMA: dict[str, Any] = {
    "description": "Typed from the RDF datatype: xsd:decimal as a JSON number written from the exact decimal "
    "text; xsd:integer (and its subtypes) and xsd:gYear as integers; xsd:double/float as numbers; "
    "xsd:boolean as a boolean; IRIs and every other literal as strings; unbound as null.",
    "anyOf": [{"type": "number"}, {"type": "integer"}, {"type": "boolean"}, {"type": "string"}, {"type": "null"}],
}


class Number(str):
    """The text of a JSON number, written as it is."""


def _decimal(text: str) -> Number | None:
    match = _DECIMAL.match(text.strip())
    if not match or not (match.group(2) or match.group(3)):
        return None
    sign, whole, fraction = match.group(1), match.group(2).lstrip("0") or "0", match.group(3)
    number = ("-" if sign == "-" else "") + whole + (f".{fraction}" if fraction else "")
    return Number(number)


def value(term: dict[str, str] | None) -> Any:
    """A SPARQL JSON term as the JSON value a client wants; text that does not fit its type stays text."""
    if term is None:
        return None
    text = term["value"]
    if term["type"] != "literal":
        return text
    datatype = term.get("datatype", "")
    if datatype == XSD + "decimal":
        return _decimal(text) or text
    if datatype in _INTEGERS or datatype == XSD + "gYear":
        stripped = text.strip()
        return int(stripped) if re.fullmatch(r"[+-]?\d+", stripped) else text
    if datatype in (XSD + "double", XSD + "float"):
        return Number(text.strip()) if _DOUBLE.match(text.strip()) else text  # INF and NaN stay text
    if datatype == XSD + "boolean":
        return {"true": True, "1": True, "false": False, "0": False}.get(text.strip(), text)
    return text


def dumps(data: Any) -> str:
    """JSON like json.dumps(ensure_ascii=False), with `Number` written as a number."""
    if isinstance(data, Number):
        return str(data)
    if isinstance(data, dict):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{dumps(v)}" for k, v in data.items()) + "}"
    if isinstance(data, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in data) + "]"
    return json.dumps(data, ensure_ascii=False)
