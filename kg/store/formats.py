"""SPARQL 1.1 query results written from `Results`: JSON, XML, CSV and TSV.

The embedded backend lets Oxigraph write these; a remote backend receives results as JSON and
normalises them (booleans, datatypes) before anything is shown, so it writes them itself, the same
way: a server's own CSV may differ (Virtuoso prints booleans as 1 and query constants as ???).
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

from kg.store.results import Results, Term

RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
RESULTS_CSV = "text/csv"
RESULTS_TSV = "text/tab-separated-values"


def write_results(results: Results, media_type: str) -> bytes:
    writers = {RESULTS_JSON: _json, RESULTS_XML: _xml, RESULTS_CSV: _csv, RESULTS_TSV: _tsv}
    writer = writers.get(media_type.split(";")[0].strip().lower())
    if writer is None:
        raise ValueError(f"no SPARQL results format {media_type!r}")
    return writer(results)


def write_boolean(value: bool, media_type: str) -> bytes:
    kind = media_type.split(";")[0].strip().lower()
    if kind == RESULTS_XML:
        return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>").encode()  # fmt: skip
    if kind in (RESULTS_CSV, RESULTS_TSV):
        return b"true" if value else b"false"
    return json.dumps({"head": {}, "boolean": value}).encode()


def _json(results: Results) -> bytes:
    bindings = [{c: t.json() for c, t in zip(results.columns, row, strict=True) if t is not None}
                for row in results.terms]  # fmt: skip
    return json.dumps({"head": {"vars": list(results.columns)}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode()  # fmt: skip


def _xml_term(term: Term) -> str:
    if term.kind == "uri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    attribute = f" xml:lang={quoteattr(term.language)}" if term.language else ""
    if term.datatype:
        attribute = f" datatype={quoteattr(term.datatype)}"
    return f"<literal{attribute}>{escape(term.value)}</literal>"


def _xml(results: Results) -> bytes:
    head = "".join(f"<variable name={quoteattr(c)}/>" for c in results.columns)
    rows = "".join(
        "<result>" + "".join(f"<binding name={quoteattr(c)}>{_xml_term(t)}</binding>"
                             for c, t in zip(results.columns, row, strict=True) if t is not None) + "</result>"
        for row in results.terms
    )  # fmt: skip
    return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>{rows}</results></sparql>").encode()  # fmt: skip


def _csv(results: Results) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(results.columns)
    for row in results.terms:
        writer.writerow(["" if t is None else f"_:{t.value}" if t.kind == "bnode" else t.value for t in row])
    return out.getvalue().encode()


def _nt(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    text = json.dumps(term.value, ensure_ascii=False)  # JSON string escapes are valid N-Triples escapes
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


def _tsv(results: Results) -> bytes:
    lines = ["\t".join(f"?{c}" for c in results.columns)]
    lines += ["\t".join(_nt(t) for t in row) for row in results.terms]
    return ("\n".join(lines) + "\n").encode()
