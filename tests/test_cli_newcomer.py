"""A newcomer's first hour (issue 15): the messages and exit codes of the command line.

Each test names the finding it covers; each would fail on the code before the fix (it printed
"0 added" for an empty folder, 0 rows for an unknown concept, an unchecked filter …)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.resources import data_dir

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("newcomer") / "store"
    result = runner.invoke(app, ["build", str(data_dir("samples")), "--store", str(path), "-q", "-j", "0"])
    assert result.exit_code == 0, result.output
    return path


# --- 2. an unknown concept is refused with the known ones -----------------------------------------


def test_unknown_concept_lists_the_known_ones(store: Path) -> None:
    args = ["query", "indicator-comparison", "--param", "concept=satisfaction", "--store", str(store)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "'satisfaction' is not one of the indicator-concepts" in result.output
    assert "did you mean service-satisfaction?" in result.output
    assert "known: access-convenience, assistance-amount" in result.output  # sorted


def test_a_known_concept_by_notation_or_label_answers(store: Path) -> None:
    for concept in ("service-satisfaction", "救助对象满意度"):
        args = ["query", "indicator-comparison", "-p", f"concept={concept}", "-f", "json", "--store", str(store)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)["results"]["bindings"]
        assert {r["indicator"]["value"] for r in rows} == {"救助对象满意度", "群众满意度"}


def test_missed_targets_takes_notations_only(store: Path) -> None:
    result = runner.invoke(app, ["query", "missed-targets", "-p", "concept=服务对象满意度", "--store", str(store)])
    assert result.exit_code == 2
    assert "'服务对象满意度' is not one of the indicator-concept-notations" in result.output


# --- 4. build: no reports, unsupported files, a missing path -------------------------------------


@pytest.mark.parametrize("files", [(), ("a.jpg", "b.jpg", "c.jpg", "d.xlsx.bak")])
def test_build_of_a_folder_without_reports_is_an_error(tmp_path: Path, files: tuple[str, ...]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in files:
        (folder / name).write_bytes(b"\xff\xd8")
    result = runner.invoke(app, ["build", str(folder), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert f"error: no reports found in {folder}" in result.output
    if files:
        assert "skipped 4 file(s) of unsupported types (.jpg ×3, .bak ×1)" in result.output
    assert not (tmp_path / "s").exists()  # no store is created for nothing


def test_build_names_the_unsupported_files_it_passes_over(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "scan.jpg").write_bytes(b"\xff\xd8")
    (folder / "README.md").write_text("not a report", encoding="utf-8")  # README files are skipped quietly
    sample = data_dir("samples") / "wulong-department-evaluation-2023.txt"
    (folder / sample.name).write_bytes(sample.read_bytes())
    result = runner.invoke(app, ["build", str(folder), "--store", str(tmp_path / "s"), "-j", "0"])
    assert result.exit_code == 0, result.output
    assert "skipped 1 file(s) of unsupported types (.jpg ×1)" in result.output
    assert "1 added" in result.output


def test_build_of_a_missing_path_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(tmp_path / "nowhere"), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert f"no such file or folder: {tmp_path / 'nowhere'}" in result.output
    assert not (tmp_path / "s").exists()


# --- 5. trace: every filter checked, the one that emptied the result named ------------------------


TRACE = ["trace", "--programme", "城乡医疗救助"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--region", "火星县"], "match --region 火星县 (the flows before it have region: 吕梁市, 四川省"),
        (["--year", "2031"], "match --year 2031 (the flows before it have year: 2022)"),
        (["--region", "石楼县", "--year", "2023"], "match --year 2023 (the flows before it have year: 2022)"),
    ],
)
def test_trace_names_the_filter_that_left_nothing(store: Path, extra: list[str], message: str) -> None:
    for mode in ([], ["--json"]):
        result = runner.invoke(app, [*TRACE, *extra, *mode, "--store", str(store)])
        assert result.exit_code == 1, (mode, result.output)  # the same in both modes
        assert message in result.stderr
        if mode:
            assert json.loads(result.stdout)["nodes"] == []


def test_trace_of_an_unknown_programme(store: Path) -> None:
    result = runner.invoke(app, ["trace", "--programme", "不存在", "--json", "--store", str(store)])
    assert result.exit_code == 1
    assert "no fund flows for a programme matching '不存在'" in result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--year", "abc"], "'abc' is not a fiscal year (four digits, e.g. 2022)"),
        (["--phase", "bogus"], "'bogus' is not a budget phase; one of: initial, adjusted, executed"),
    ],
)
def test_trace_rejects_a_malformed_filter(store: Path, extra: list[str], message: str) -> None:
    result = runner.invoke(app, [*TRACE, *extra, "--store", str(store)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace("│", " ").split())


def test_trace_phase_allocated_draws_the_notices_above_the_receipts(store: Path) -> None:
    result = runner.invoke(app, [*TRACE, "--phase", "allocated", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "└─ 石楼县医疗保障局  [下达 1116万元]" in result.stdout
    assert "年初预算" not in result.stdout and "安岳县医疗保障局" not in result.stdout.split("下达与收到")[0]


def test_trace_prints_one_unit(store: Path) -> None:
    result = runner.invoke(app, [*TRACE, "--region", "石楼县", "--year", "2022", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "执行数 1180万元" in result.stdout and "下达 71454万元" in result.stdout
    amounts = [word for word in result.stdout.split() if word[:1].isdigit() and word.endswith("元")]
    assert amounts and all(a.endswith("万元") for a in amounts)


def test_a_tree_with_odd_amounts_stays_in_wan() -> None:
    """Before: 749万元 beside 18640207.36元 in one tree (whole hundreds were 万元, the rest 元)."""
    from decimal import Decimal

    import networkx as nx

    from kg.flows import Trace, _add_amount, render_text

    g = nx.DiGraph()
    g.add_node("a", label="中央财政", kind="level", level="central")
    g.add_node("b", label="石楼县医疗保障局", kind="organisation")
    g.add_node("c", label="2101301 城乡医疗救助", kind="spending")
    _add_amount(g, "a", "b", "executed", Decimal("7490000"), "x.txt", "f1")
    _add_amount(g, "b", "c", "executed", Decimal("18640207.36"), "x.txt", "f2")
    text = render_text(Trace(g, ["p"]))
    assert "[执行数 749万元]" in text and "[执行数 1864.020736万元]" in text
    assert "207.36元" not in text


# --- 3. extract --json prints every record type the build writes ----------------------------------


def _extracted(path: Path) -> dict:
    result = runner.invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _types_written(path: Path) -> dict[str, int]:
    from collections import Counter

    from kg.build import prepare

    pending, _ = prepare(path)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    return Counter(q.object.value.rsplit("#", 1)[-1] for q in pending.quads if q.predicate.value == rdf_type)


def _check_against_the_build(path: Path) -> dict:
    payload = _extracted(path)
    written = _types_written(path)
    indicators = sum(len(e["indicators"]) for e in payload["evaluations"])
    # A programme's total funding is written as a budget line of the programme, the rest as flows.
    totals = [f for f in payload["funding_sources"] if f["is_total"] or not f["levels"]]
    assert len(payload["budget_lines"]) + len(totals) == written["BudgetLine"]
    assert len(payload["funding_sources"]) - len(totals) <= written["FundFlow"]
    assert len(payload["citations"]) == written["Citation"]
    assert len(payload["issues"]) == written["ConsistencyIssue"]
    assert len(payload["definitions"]) == written["DefinitionStatement"]
    assert len(payload["evaluations"]) == written["PerformanceEvaluation"]
    assert indicators == written["PerformanceIndicator"]
    assert len(payload["programmes"]) <= written["Programme"]  # funding may name programmes of its own
    for key in ("funding_sources", "allocations", "classifications", "extraction_issues", "table_amounts"):
        assert isinstance(payload[key], list), key
    return payload


def test_extract_json_has_every_record_type_of_a_sample() -> None:
    payload = _check_against_the_build(data_dir("samples") / "shilou-final-accounts-2022.txt")
    assert len(payload["budget_lines"]) == 23 and len(payload["funding_sources"]) == 15
    (evaluation,) = payload["evaluations"]
    assert {i["name"] for i in evaluation["indicators"]} >= {"资助参保人数", "救助对象满意度"}
    codes = {line["classification"]["code"] for line in payload["budget_lines"] if line["classification"]}
    assert "2101301" in codes


def test_extract_json_of_a_notice_has_its_allocations() -> None:
    payload = _extracted(data_dir("samples") / "notices" / "lv-caishe-2022-27-lvliang-medical-assistance.txt")
    assert len(payload["allocations"]) == 42
    shilou = {a["levels"][0]: a["amount"]["yuan"] for a in payload["allocations"] if a["recipient"] == "石楼县"}
    assert shilou == {"central": "4760000", "province": "6060000", "prefecture": "340000"}


def test_extract_json_of_a_seed_matches_the_build() -> None:
    from conftest import seed_path

    payload = _check_against_the_build(seed_path("000"))
    assert len(payload["definitions"]) == 13 and len(payload["funding_sources"]) == 2


def test_extract_summary_counts_every_record_type() -> None:
    result = runner.invoke(app, ["extract", str(data_dir("samples") / "shilou-final-accounts-2022.txt")])
    assert result.exit_code == 0, result.output
    assert "23 budget lines" in result.output and "15 funding sources" in result.output
    assert "1 evaluations" in result.output


# --- 11. tables that fit, a newline after every format, repeated parameters, busy ports, syntax --


def test_a_query_table_fits_80_columns_one_line_per_row(store: Path) -> None:
    from rich.cells import cell_len

    narrow = CliRunner(env={"COLUMNS": "80"})
    result = narrow.invoke(app, ["query", "missed-targets", "--store", str(store)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    body = [line for line in lines if line.startswith("│")]
    assert len(body) == 3  # before: each row folded over a dozen lines
    assert "3 row(s); not shown to fit the terminal: " in result.stdout and "quote" in result.stdout


def test_iri_columns_go_first_and_iris_are_prefixed_names(store: Path) -> None:
    narrow = CliRunner(env={"COLUMNS": "100"})
    result = narrow.invoke(app, ["query", "departments", "--store", str(store)])
    assert "not shown to fit the terminal: department (--columns to choose)" in result.stdout
    assert "│ 吕梁市财政局    │ 吕梁市 │ 141100" in result.stdout  # names whole, instead of IRIs beside them
    args = ["query", "departments", "--columns", "department,name", "--store", str(store)]
    result = narrow.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "fkgr:org/" in result.stdout and "https://" not in result.stdout
    result = narrow.invoke(app, ["query", "departments", "--columns", "nope", "--store", str(store)])
    assert result.exit_code == 2 and "no column nope; the columns are department, name" in result.output


def test_a_large_result_is_cut_with_a_note(store: Path) -> None:
    result = runner.invoke(app, ["query", "most-cited-documents", "--max-rows", "2", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert sum(line.startswith("│") for line in result.stdout.splitlines()) == 2
    assert "13 row(s); the first 2 shown (--max-rows N, or --format csv|json for all)" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_every_format_ends_with_a_newline(store: Path, fmt: str) -> None:
    result = runner.invoke(app, ["query", "most-cited-documents", "-f", fmt, "--store", str(store)])
    assert result.exit_code == 0
    assert result.stdout.endswith("\n") and not result.stdout.endswith("\n\n")


def test_a_repeated_doc_parameter_gives_the_citations_of_both(store: Path) -> None:
    args = ["query", "policy-citations", "-p", "doc=财社[2022]48号", "-p", "doc=吕财社〔2022〕27号", "-f", "csv",
            "--store", str(store)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    numbers = sorted(line.split(",")[3] for line in result.stdout.splitlines()[1:])
    assert numbers == ["吕财社〔2022〕27号", "财社〔2022〕48号"]
    assert "doc:docnumber*+" in runner.invoke(app, ["queries"]).stdout
    result = runner.invoke(app, ["query", "departments", "-p", "level=county", "-p", "level=province",
                                 "--store", str(store)])  # fmt: skip
    assert result.exit_code == 2 and "parameter 'level' of 'departments' takes one value, not 2" in result.output


def test_a_sparql_syntax_error_is_one_clean_line(store: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x a fkg:Report\n", encoding="utf-8")
    result = runner.invoke(app, ["query", str(bad), "--store", str(store)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f'error: {bad}: SPARQL syntax error at line 2, column 1: expected one of ",", ".", ";", "{{", "}}"'
    )


def test_serve_on_a_busy_port_fails_before_printing_its_url(store: Path) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["serve", "--store", str(store), "--port", str(port)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: cannot serve on 127.0.0.1:{port}: Address already in use; is another server using it? "
        f"try --port {port + 1}"
    )


# --- issue 13: start-up ---------------------------------------------------------------------------


def test_help_imports_neither_rich_nor_the_store() -> None:
    """`fundkg --help` stays light: rich (and its markdown renderer), pyoxigraph, rdflib and PyYAML are
    imported by the commands that use them. Before: rich.markdown, markdown-it and pygments came with
    typer's help panels, rich.console with kg.cli itself."""
    import subprocess
    import sys

    code = (
        "import sys, io, contextlib\n"
        "from kg.cli import app\n"
        "sys.argv = ['fundkg', '--help']\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        app()\n    except SystemExit:\n        pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('rich', 'markdown_it', 'pygments', 'pyoxigraph', 'rdflib', 'yaml', 'pydantic'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_query_help_says_which_parameters_repeat() -> None:
    result = runner.invoke(app, ["query", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "a parameter marked + in `fundkg queries` may be repeated for several values" in text
    assert "--columns" in text and "--max-rows" in text


def test_a_second_notice_of_the_same_amount_is_flagged_as_such(store: Path) -> None:
    """Before: 'amount-differs, allocated − received = 0万元' for a notice whose amount agrees."""
    result = runner.invoke(app, [*TRACE, "--region", "石楼县", "--year", "2022", "--store", str(store)])
    flag = "⚠ 吕财社〔2022〕35号 吕梁市财政局 下达 石楼县 476万元：未关联（receipt-linked-elsewhere，"
    assert flag + "allocated − received = 0万元）" in result.stdout
    assert "amount-differs" not in result.stdout
