"""`fundkg validate` (issue 15, item 9): the same verdicts as one pySHACL call, a step at a time.

The SHACL-SPARQL constraints now run on the store and SHACL Core shape by shape (kg.validate); these
tests break the store in both kinds of constraint and compare with a plain pySHACL run of the
same data, and check the progress the command shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import InProcess, build
from kg.cli import app
from kg.resources import data_dir
from kg.store import Store, open_store
from kg.validate import _data_graph, shapes_graph, validate_store

FKG = "https://w3id.org/fundkg/ontology#"


def _samples_store() -> Store:
    store = open_store(None)
    result = build([data_dir("samples")], store, preparer=InProcess())
    assert not result.failed
    return store


@pytest.fixture(scope="module")
def broken() -> Store:
    """The samples with one violation of a SPARQL constraint and one of a SHACL Core shape."""
    store = _samples_store()
    (report, doc, graph), *_ = store.select(f"""SELECT ?report ?doc ?g WHERE {{
        GRAPH ?g {{ ?report <{FKG}cites> ?doc }} ?doc <{FKG}documentNumber> "石医保发〔2022〕6号" }}""").terms
    store.update(f"DELETE DATA {{ GRAPH <{graph.value}> {{ <{report.value}> <{FKG}cites> <{doc.value}> }} }}")
    store.update(f"""DELETE {{ GRAPH ?g {{ ?file <{FKG}sha256> ?sha }} }} WHERE {{
        GRAPH ?g {{ ?file <{FKG}sha256> ?sha ; <{FKG}fileName> "wulong-department-evaluation-2023.txt" }} }}""")
    return store


def test_the_samples_conform_and_progress_is_reported() -> None:
    steps: list[tuple[str, int, int]] = []
    report = validate_store(_samples_store(), lambda what, done, total: steps.append((what, done, total)))
    assert report.conforms and report.violations == 0, report.text
    total = steps[0][2]
    assert [done for _, done, _ in steps] == list(range(total + 1))  # one step at a time, to the end
    names = [what for what, _, _ in steps]
    assert names[0] == "reading the store" and names[-1] == "done"
    assert "EvidenceShape" in names and "CitationShape (SPARQL)" in names


def test_both_kinds_of_violation_are_found_and_described(broken: Store) -> None:
    report = validate_store(broken)
    assert not report.conforms
    assert report.violations == 2, report.text
    assert "Focus Node: <https://w3id.org/fundkg/id/citation/" in report.text
    assert "must fkg:cites its cited document (https://w3id.org/fundkg/id/policy/" in report.text
    assert "A source file must have exactly one fkg:sha256" in report.text  # pySHACL's full text


def test_the_verdict_is_that_of_one_plain_pyshacl_run(broken: Store) -> None:
    import rdflib
    from pyshacl import validate

    conforms, results, _ = validate(
        _data_graph(broken), shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    expected = sum(1 for _ in results.subjects(rdflib.RDF.type, sh.ValidationResult))
    report = validate_store(broken)
    assert (report.conforms, report.violations) == (bool(conforms), expected) == (False, 2)


def test_the_command_prints_the_violations_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "store"
    runner = CliRunner(env={"COLUMNS": "200"})
    assert runner.invoke(app, ["build", str(data_dir("samples")), "--store", str(path), "-q", "-j", "0"]).exit_code == 0
    store = open_store(path)
    # Only the source files' digests: the manifest's tell a whole report from a half-written one.
    store.update(f"""DELETE {{ GRAPH ?g {{ ?file <{FKG}sha256> ?sha }} }}
                     WHERE {{ GRAPH ?g {{ ?file a <{FKG}SourceFile> ; <{FKG}sha256> ?sha }} }}""")
    store.close()
    result = runner.invoke(app, ["validate", "--store", str(path)])
    assert result.exit_code == 1
    assert "8 violation(s)" in result.output and "fkg:sha256" in result.output
