"""Named-query loading and parameter binding (no seeds needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from kg.errors import QueryError
from kg.queries import bind, get_query, load_query, named_queries

REQUIRED = {"policy-citations", "report-citations", "most-cited-documents", "documents-by-issuer", "departments"}


def test_shipped_queries_load_with_headers() -> None:
    queries = named_queries()
    assert set(queries) >= REQUIRED
    for q in queries.values():
        assert q.summary and q.description
        assert q.form in {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


def test_docnumber_parameter_is_canonicalised_from_any_bracket_variant() -> None:
    q = get_query("policy-citations")
    for variant in ("乐府办规[2022]3号", "乐府办规（2022）3号", "乐府办规【2022】3号", "乐府办规 〔2022〕 3 号"):
        text = bind(q, {"doc": variant})
        assert 'VALUES (?doc) { ("乐府办规〔2022〕3号") }' in text
        assert text.index("VALUES") < text.index("?citation a fkg:Citation")


def test_missing_required_and_unknown_parameters_fail_loudly() -> None:
    q = get_query("policy-citations")
    with pytest.raises(QueryError, match="needs parameter 'doc'"):
        bind(q, {})
    with pytest.raises(QueryError, match="no parameter"):
        bind(q, {"doc": "财社〔2019〕142号", "bogus": "1"})
    with pytest.raises(QueryError, match="not a valid docnumber"):
        bind(q, {"doc": "hello"})


def test_allowed_values_are_enforced() -> None:
    q = get_query("departments")
    assert 'VALUES (?level) { ("county") }' in bind(q, {"level": "county"})
    with pytest.raises(QueryError, match="must be one of"):
        bind(q, {"level": "galaxy"})


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_headers_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="must start"):
        load_query(_write(tmp_path, "a.rq", "SELECT * WHERE { ?s ?p ?o }"))
    with pytest.raises(QueryError, match="non-empty 'description'"):
        load_query(_write(tmp_path, "b.rq", "# ---\n# summary: x\n# ---\nSELECT * WHERE { ?s ?p ?o }"))
    with pytest.raises(QueryError, match="has type"):
        load_query(
            _write(
                tmp_path,
                "c.rq",
                "# ---\n# summary: x\n# description: y\n# parameters:\n#   s:\n#     type: blob\n# ---\n"
                "SELECT * WHERE { ?s ?p ?o }",
            )
        )
    with pytest.raises(QueryError, match="not used"):
        load_query(
            _write(
                tmp_path,
                "d.rq",
                "# ---\n# summary: x\n# description: y\n# parameters:\n#   zz:\n#     type: string\n# ---\n"
                "SELECT * WHERE { ?s ?p ?o }",
            )
        )


def test_hostile_values_are_bound_as_terms_not_pasted(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "find-label.rq",
        "# ---\n# summary: x\n# description: y\n# parameters:\n#   label:\n#     type: string\n"
        "#     multi: true\n#   one:\n#     type: string\n# ---\n"
        "SELECT ?s WHERE { ?s <http://e/label> ?label . OPTIONAL { ?s <http://e/other> ?one } }",
    )
    q = load_query(path)
    store = Store()
    store.add(Quad(NamedNode("http://e/a"), NamedNode("http://e/label"), Literal('x" } ; DROP ALL ; <')))
    store.add(Quad(NamedNode("http://e/b"), NamedNode("http://e/label"), Literal("plain")))
    hostile = 'x" } ; DROP ALL ; <'
    text = bind(q, {"label": [hostile, "> nothing"], "one": '"}'})
    rows = list(store.query(text))
    assert [r["s"] for r in rows] == [NamedNode("http://e/a")]
    assert len(store) == 2  # nothing was dropped or changed


def test_terms_are_written_as_oxigraph_writes_them() -> None:
    """Binding builds N-Triples terms itself; Oxigraph's own writer is the reference for the escaping."""
    from kg.queries import nt_iri, nt_literal

    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        text = f'a{chr(code)}"\\'
        assert nt_literal(text) == str(Literal(text)), hex(code)
    hostile = 'x" } ; DROP ALL ; <\n\r\t'
    assert nt_literal(hostile, language="zh") == str(Literal(hostile, language="zh"))
    xsd_year = "http://www.w3.org/2001/XMLSchema#gYear"
    assert nt_literal("2022", datatype=xsd_year) == str(Literal("2022", datatype=NamedNode(xsd_year)))
    for value in ("http://a/b", "urn:x", "http://例子/路径", "http://a/%2F", "mailto:a@b"):
        assert nt_iri(value) == str(NamedNode(value))
    for value in ("foo", "http://a/%zz", "http://a/ b", "http://a/<", "http://a/{x}", "http://a/\x7f", 'http://a/"'):
        with pytest.raises(ValueError):
            nt_iri(value)


def test_internal_queries_load_but_are_not_named_queries() -> None:
    from kg.queries import internal_query
    from kg.resources import data_dir

    internal = sorted(p.stem for p in (data_dir("queries") / "internal").glob("*.rq"))
    assert {"manifest", "linking-receipts", "trace-spending"} <= set(internal)
    assert not set(internal) & set(named_queries())
    for name in internal:
        assert internal_query(name).summary
    # trace-spending names its organisation in the text (a VALUES block is planned after the scan of
    # every budget line); trace-tabled asks for several organisations at once.
    text = bind(internal_query("trace-spending"), {"org": "http://e/a"})
    assert "obeu-dimension:organization <http://e/a>" in text and "VALUES (" not in text
    text = bind(internal_query("trace-tabled"), {"org": ["http://e/a", "http://e/b"]})
    assert "VALUES (?org) { (<http://e/a>) (<http://e/b>) }" in text


def test_inline_parameters_replace_their_variable_outside_strings_and_iris(tmp_path: Path) -> None:
    head = "# ---\n# summary: x\n# description: y\n# parameters:\n#   org:\n#     type: iri\n#     inline: true\n"
    q = load_query(_write(tmp_path, "inline.rq", head + "# ---\n"
                          'SELECT ?line WHERE { ?line <http://e/org> ?org ; <http://e/note> "?org" . # ?org\n'
                          "  FILTER(?org != <http://e/?org>) }"))  # fmt: skip
    text = bind(q, {"org": "http://e/a"})
    assert 'SELECT ?line WHERE { ?line <http://e/org> <http://e/a> ; <http://e/note> "?org" . # ?org' in text
    assert "FILTER(<http://e/a> != <http://e/?org>)" in text and "VALUES" not in text
    with pytest.raises(QueryError, match="not a valid iri"):
        bind(q, {"org": "http://e/a> } ; DROP ALL ; <x"})  # still a term: never pasted as text
    with pytest.raises(QueryError, match="cannot be projected"):
        load_query(_write(tmp_path, "projected.rq", head + "# ---\nSELECT ?org WHERE { ?s ?p ?org }"))


def test_sort_keys_are_made_from_a_projected_column_and_keep_its_order() -> None:
    # tests/test_remote_queries.py compares ?xSortKey's order through the column ?x: that holds only
    # if the key is "#" put before the column's string and the column is in the answer.
    checked = 0
    for name, query in named_queries().items():
        order = re.search(r"^ORDER BY (.*)$", query.text, re.MULTILINE)
        for column in re.findall(r"\?(\w+)SortKey\b", order.group(1) if order else ""):
            assert f'BIND(CONCAT("#", STR(?{column})) AS ?{column}SortKey)' in query.text, (name, column)
            select = re.search(r"^SELECT (.*?)\bWHERE\b", query.text, re.MULTILINE | re.DOTALL)
            assert select and re.search(rf"\?{column}\b", select.group(1)), (name, column)
            checked += 1
    assert checked >= 13  # the sort keys of the seven queries that sort many rows
