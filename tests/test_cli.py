"""The command line on the project's own sample reports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli import app
from kg.resources import data_dir

runner = CliRunner(env={"COLUMNS": "200"})  # wide enough that rich does not fold names


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    result = runner.invoke(app, ["build", str(data_dir("samples")), "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "8 added, 0 replaced, 0 unchanged, 0 failed" in result.output  # 4 reports, 4 notices
    return path


def test_build_prints_a_summary_of_the_graph(store: Path) -> None:
    result = runner.invoke(app, ["summary", "--store", str(store)])
    assert result.exit_code == 0
    assert "石楼县医疗保障局" in result.output and "重庆市武隆区医疗保障局" in result.output


def test_query_named_query_as_csv_and_json(store: Path) -> None:
    args = ["query", "policy-citations", "-p", "doc=财社[2022]48号", "-f", "csv", "--store", str(store)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    assert rows[0]["titleAsCited"] == "中央财政医疗救助补助资金管理办法"
    assert rows[0]["file"] == "shilou-final-accounts-2023.txt"
    result = runner.invoke(app, ["query", "most-cited-documents", "-f", "json", "--store", str(store)])
    bindings = json.loads(result.stdout)["results"]["bindings"]
    numbers = {b["number"]["value"] for b in bindings if "number" in b}
    assert {"川医保发〔2022〕9号", "资府办发〔2021〕17号", "渝财绩〔2023〕6号", "石办发〔2019〕8号"} <= numbers


def test_query_errors_are_clear(store: Path) -> None:
    result = runner.invoke(app, ["query", "no-such-query", "--store", str(store)])
    assert result.exit_code == 2
    assert "no named query" in result.output


def test_export_turtle_and_nquads(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    result = runner.invoke(app, ["export", "--store", str(store), "-f", "ttl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(out, format="turtle")
    fkg = rdflib.Namespace("https://w3id.org/fundkg/ontology#")
    assert len(set(graph.subjects(rdflib.RDF.type, fkg.Report))) == 8
    nq = tmp_path / "kg.nq"
    runner.invoke(app, ["export", "--store", str(store), "-f", "nq", "-o", str(nq)])
    dataset = rdflib.Dataset().parse(nq, format="nquads")
    assert len(list(dataset.graphs())) >= 5  # default + ontology + manifest + three reports


def test_extract_json_shows_typed_records() -> None:
    sample = data_dir("samples") / "wulong-department-evaluation-2023.txt"
    result = runner.invoke(app, ["extract", str(sample), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["metadata"]["publisher"]["name"] == "重庆市武隆区医疗保障局"
    assert payload["metadata"]["fiscal_year"] == 2023
    assert payload["metadata"]["kind"] == "department-self-evaluation"
    assert [c["number"]["serial"] for c in payload["citations"] if c["number"]] == ["6"]


def test_validate_passes_on_samples(store: Path) -> None:
    result = runner.invoke(app, ["validate", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_build_reports_bad_file_and_exits_nonzero(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["build", str(bad), "--store", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "empty" in result.output
