"""SPARQL results (rows of JSON-shaped terms, from a worker) written as JSON, XML, CSV and TSV.

The worker returns rows rather than serialized bytes so that the result-size cap can be applied
while rows are read, and so that the REST layer can page and reshape the same rows.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

Term = dict[str, str] | None

RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
RESULT_TYPES = (RESULTS_JSON, RESULTS_XML, CSV, TSV)

RDF_TYPES = {
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/ld+json": "application/ld+json",
    "application/rdf+xml": "application/rdf+xml",
    "text/n3": "text/n3",
}


def to_ntriples(term: Term) -> str:
    """A term in N-Triples syntax (used by TSV), escaping quotes, backslashes and line breaks."""
    if term is None:
        return ""
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    text = json.dumps(term["value"], ensure_ascii=False)  # JSON string escaping is valid N-Triples
    if "xml:lang" in term:
        return f"{text}@{term['xml:lang']}"
    if "datatype" in term:
        return f"{text}^^<{term['datatype']}>"
    return text


def select_json(variables: list[str], rows: list[list[Term]]) -> bytes:
    bindings = [{v: t for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode()


def ask_json(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": value}).encode()


def _xml_term(term: dict[str, str]) -> str:
    if term["type"] == "uri":
        return f"<uri>{escape(term['value'])}</uri>"
    if term["type"] == "bnode":
        return f"<bnode>{escape(term['value'])}</bnode>"
    attrs = ""
    if "xml:lang" in term:
        attrs = f" xml:lang={quoteattr(term['xml:lang'])}"
    elif "datatype" in term:
        attrs = f" datatype={quoteattr(term['datatype'])}"
    return f"<literal{attrs}>{escape(term['value'])}</literal>"


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def select_xml(variables: list[str], rows: list[list[Term]]) -> bytes:
    out = [_XML_HEAD, "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head>\n<results>\n"]
    for row in rows:
        out.append("<result>")
        out.extend(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        )
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode()


def ask_xml(value: bool) -> bytes:
    return f"{_XML_HEAD}<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n".encode()


def select_csv(variables: list[str], rows: list[list[Term]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, as the SPARQL CSV format asks
    writer.writerow(variables)
    writer.writerows([[t["value"] if t else "" for t in row] for row in rows])
    return buffer.getvalue().encode()


def select_tsv(variables: list[str], rows: list[list[Term]]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join(to_ntriples(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()


def render(result: dict[str, Any], media_type: str) -> bytes:
    """SELECT or ASK results in one of RESULT_TYPES (CSV/TSV of ASK: a one-cell table)."""
    if result["form"] == "ask":
        if media_type == RESULTS_XML:
            return ask_xml(result["boolean"])
        if media_type in (CSV, TSV):
            return ("boolean\r\n" if media_type == CSV else "?boolean\n").encode() + (
                b"true\n" if result["boolean"] else b"false\n"
            )
        return ask_json(result["boolean"])
    writer = {RESULTS_JSON: select_json, RESULTS_XML: select_xml, CSV: select_csv, TSV: select_tsv}[media_type]
    return writer(result["variables"], result["rows"])


# --- content negotiation -------------------------------------------------------------------------

# `format=` / `output=` values that SPARQLWrapper and browsers send, per kind of result.
RESULT_FORMAT_PARAM = {
    "json": RESULTS_JSON,
    "xml": RESULTS_XML,
    "csv": CSV,
    "tsv": TSV,
    "srj": RESULTS_JSON,
    "srx": RESULTS_XML,
}
RDF_FORMAT_PARAM = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "n3": "text/n3",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "xml": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges from an Accept header, best first (stable for equal q)."""
    if not header:
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q, i))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges if q > 0]


_ALIASES: dict[str, tuple[str, ...]] = {
    "application/json": (RESULTS_JSON, "application/ld+json"),
    "application/xml": (RESULTS_XML, "application/rdf+xml"),
    "text/xml": (RESULTS_XML, "application/rdf+xml"),
    "text/plain": ("application/n-triples",),
    "application/x-turtle": ("text/turtle",),
    "text/javascript": (RESULTS_JSON,),
    "application/javascript": (RESULTS_JSON,),
}


def choose(accept: str | None, offered: tuple[str, ...], default: str) -> str | None:
    """The first offered type the Accept header allows; None when nothing acceptable is offered."""
    for media, _q in parse_accept(accept):
        if media == "*/*":
            return default
        if media.endswith("/*"):
            match = next((o for o in offered if o.startswith(media[:-1])), None)
            if match:
                return match
            continue
        for candidate in (media, *_ALIASES.get(media, ())):
            if candidate in offered:
                return candidate
    return None
