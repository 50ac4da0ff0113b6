"""The `fundkg` command line."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from typer.core import TyperGroup

from kg import __version__
from kg.errors import FundKGError, shown

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress
    from rich.text import Text

    from kg.store import Store, Term


class _LazyConsole:
    """A rich Console made on first use: `fundkg --help` does not import rich (≈ 25 ms of start-up)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    @property
    def real(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def reset(self) -> None:
        self._console = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


console = _LazyConsole()
err = _LazyConsole(stderr=True, soft_wrap=True)  # a message is one line, however long


def _plain(text: object, style: str = "") -> Text:
    """Text printed as it is: a file name such as `x[/red]` or `[bold]a.txt` is no rich markup."""
    from rich.text import Text

    return Text(shown(str(text)), style=style)


def _progress(verb: str, *, quiet: bool = False) -> Progress:
    """A progress bar on standard error that goes away when done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(f"[bold]{verb}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
        console=err.real,
        transient=True,
        disable=quiet or not err.is_terminal,  # a log or a pipe gets the results, not a bar's last frame
    )


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{shown(exc.filename)}: {exc.strerror or exc}"
    return " ".join(shown(str(exc)).split("\n"))


class _Commands(TyperGroup):
    """Every command: a user's mistake (a missing file, a folder that is no store …) is one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        console.reset()  # consoles of this invocation's terminal (width, colour), made when first used
        err.reset()
        try:
            return super().invoke(ctx)
        except (FundKGError, OSError) as exc:
            err.print(_plain(f"error: {_one_line(exc)}", "red"))
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_Commands,
    help="FundKG: build and query a knowledge graph of Chinese public fund flows from budget disclosures.",
    no_args_is_help=True,
    add_completion=False,
    # Plain click help and usage errors: typer's rich panels import rich.markdown and markdown-it
    # (about half the CPU time of `fundkg --help`, docs/benchmarks.md); usage errors become plain lines.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,  # a bug's traceback as Python prints it (our own errors are one line)
)

DEFAULT_STORE = os.environ.get("FUNDKG_STORE", "fundkg-store")
StoreOption = Annotated[
    str,
    typer.Option(
        "--store", "-s", show_default=True,
        help="Store directory, or the URL of a SPARQL 1.1 service (http(s)://…; env FUNDKG_STORE).",
    ),
]  # fmt: skip


def _open_store(location: str, *, must_exist: bool = True, read_only: bool = False) -> Store:
    from kg.store import StoreError, is_remote, open_store

    if not is_remote(location) and must_exist and not Path(location).exists():
        err.print(_plain(f"No store at {location}: run `fundkg build PATH --store {location}` first.", "red"))
        raise typer.Exit(2)
    try:
        return open_store(location if is_remote(location) else Path(location), read_only=read_only)
    except StoreError as exc:
        err.print(_plain(str(exc), "red"))
        raise typer.Exit(2) from exc


def _print_summary(store: Store) -> None:
    from rich.table import Table

    from kg.summary import summarise

    summary = summarise(store)
    table = Table(title=f"FundKG store {store.location} — {summary.quads} quads", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, n in summary.counts.items():
        table.add_row(label, str(n))
    console.print(table)
    if summary.reports:
        reports = Table(title="Reports", show_header=True)
        for col in ("file", "publisher", "fiscal year", "kind"):
            reports.add_column(col, overflow="fold")
        for row in summary.reports:
            reports.add_row(*(_plain(cell) for cell in row))
        console.print(reports)


def _supported() -> str:
    from kg.readers import SUPPORTED_SUFFIXES

    return "supported: " + " ".join(sorted(SUPPORTED_SUFFIXES))


@app.command()
def build(
    paths: Annotated[list[Path], typer.Argument(help="Report files and/or folders (searched recursively).")],
    store: StoreOption = DEFAULT_STORE,
    max_mb: Annotated[float, typer.Option(help="Refuse files larger than this many MiB.")] = 50.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Worker processes preparing reports [default: the cores]; "
            "0: in this process, without time or memory limits.",
        ),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            help="Prepare reports on the Dask cluster of this scheduler (tcp://host:8786), or on "
            "'local:N', a cluster of N processes started for the build."
        ),
    ] = None,
    report_timeout: Annotated[
        float, typer.Option(min=1, help="Seconds one report may take before it is stopped and skipped.")
    ] = 300.0,
    report_memory: Annotated[
        int, typer.Option(min=0, help="MiB of memory one worker may use (0: no limit; --jobs only).")
    ] = 4096,
) -> None:
    """Build (or update) the store from report files: .txt .md .docx .doc .pdf .html .xlsx .xls .ods."""
    from contextlib import ExitStack

    from kg.build import build as run_build
    from kg.build import compact_after_build, describe_types, iter_report_files, report_iris, unsupported_files
    from kg.linking import link_after_build

    missing = [p for p in paths if not p.exists()]
    if missing:  # before the store is opened: a typo must not leave an empty store behind
        err.print(_plain(f"error: no such file or folder: {', '.join(shown(p) for p in missing)}", "red"))
        raise typer.Exit(2)
    total = len(iter_report_files(paths))
    other = unsupported_files(paths)
    skipped = f"skipped {len(other)} file(s) of unsupported types ({describe_types(other)})" if other else ""
    if total == 0:  # nothing to build: no store is created, and the exit code says so
        where = ", ".join(shown(p) for p in paths)
        also = f"; {skipped}" if skipped else ""
        err.print(_plain(f"error: no reports found in {where} ({_supported()}){also}", "red"))
        raise typer.Exit(2)
    if skipped:
        err.print(_plain(f"{skipped}; {_supported()}", "yellow"))
    fund_store = _open_store(store, must_exist=False)
    with (
        ExitStack() as resources,
        _progress("building", quiet=quiet) as progress,
    ):
        task = progress.add_task("", total=total)

        def advance(path: Path) -> None:
            progress.update(task, advance=1, description=shown(path.name))

        preparer = _preparer(resources, jobs, dask, report_timeout, report_memory or None)
        result = run_build(paths, fund_store, progress=advance, max_bytes=int(max_mb * 1024 * 1024),
                           preparer=preparer)  # fmt: skip
    # After every build, so that links never go stale; only the regions of added reports when that is all.
    linked = link_after_build(fund_store, report_iris(result.added), len(result.replaced))
    compacted = compact_after_build(fund_store, result)
    for failure in result.failed:
        err.print(_plain("skipped ", "red").append_text(_plain(failure.message)))
    if not quiet:
        console.print(
            f"{len(result.added)} added, {len(result.replaced)} replaced, {len(result.unchanged)} unchanged, "
            f"{len(result.failed)} failed; {result.quads_written} quads written."
        )
        console.print(f"{linked.summary()} (fundkg link lists them)", markup=False, highlight=False)
        if compacted:
            console.print("store compacted for reading (after a build of a tenth of its reports or more)")
        _print_summary(fund_store)
    if result.failed:
        raise typer.Exit(1)


def _preparer(resources: Any, jobs: int | None, dask: str | None, seconds: float, memory_mb: int | None) -> Any:
    """Where reports are prepared: a Dask cluster, a pool of `jobs` processes, or this process."""
    from kg.build import InProcess
    from kg.parallel import Limits

    limits = Limits(seconds, memory_mb)
    if dask is not None:
        from kg.parallel.cluster import DaskPreparer, LocalDask, connect

        if dask.startswith("local"):
            workers = int(dask.partition(":")[2] or 2)
            return DaskPreparer(resources.enter_context(LocalDask(workers)).client, limits)
        try:
            client = resources.enter_context(connect(dask))
        except OSError as exc:
            err.print(_plain(f"cannot reach the Dask scheduler at {dask}: {exc}", "red"))
            raise typer.Exit(2) from exc
        return DaskPreparer(client, limits)
    from kg.parallel.pool import ReportPool, default_jobs

    jobs = default_jobs() if jobs is None else jobs
    return InProcess() if jobs == 0 else ReportPool(jobs, limits)


@app.command()
def summary(store: StoreOption = DEFAULT_STORE) -> None:
    """Print what the store holds."""
    _print_summary(_open_store(store, read_only=True))


def _parse_params(params: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in params:
        if "=" not in item:
            raise typer.BadParameter(f"{item!r}: parameters are given as name=value")
        name, value = item.split("=", 1)
        if name in values:  # repeated → multi-valued
            prev = values[name]
            values[name] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            values[name] = value
    return values


def _cell(term: Term | None) -> str:
    """A term as a table shows it: its lexical value, IRIs shortened to prefixed names."""
    from kg.cli_table import cell_text

    return cell_text(term)


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A named query (see `fundkg queries`) or a .rq file.")],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p",
            help="name=value; a parameter marked + in `fundkg queries` may be repeated for several values.",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    columns: Annotated[
        str | None, typer.Option("--columns", "-c", help="Table: only these columns, comma-separated, in this order.")
    ] = None,
    max_rows: Annotated[int, typer.Option(min=1, help="Table: show at most this many rows (csv/json: all).")] = 100,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Run a named SPARQL query (parameters are bound as RDF terms, never pasted into the text)."""
    from kg.queries import bind, get_query
    from kg.store import JSON_LD, TURTLE, SparqlSyntaxError

    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter("format must be table, csv or json")
    try:
        named = get_query(name)
        text = bind(named, _parse_params(param or []))
    except FundKGError as exc:
        err.print(_plain(exc, "red"))
        raise typer.Exit(2) from exc
    fund_store = _open_store(store, read_only=True)
    results_format = {"csv": "text/csv", "json": "application/sparql-results+json"}.get(fmt)
    graph_format = JSON_LD if fmt == "json" else TURTLE
    try:
        answer = fund_store.query(text, results_format=results_format, graph_format=graph_format, prefixes=False)
    except SparqlSyntaxError as exc:
        err.print(_plain(f"error: {_syntax_error(name, exc)}", "red"))
        raise typer.Exit(2) from None
    if answer.form == "ask":
        console.print("true" if answer.boolean else "false")
    elif answer.results is not None:  # a SELECT shown as a table
        from kg.cli_table import fit_table

        chosen = [c.strip() for c in columns.split(",") if c.strip()] if columns else []
        unknown = [c for c in chosen if c not in answer.results.columns]
        if unknown:
            raise typer.BadParameter(
                f"no column {', '.join(unknown)}; the columns are {', '.join(answer.results.columns)}",
                param_hint="--columns",
            )
        fitted = fit_table(named.summary, answer.results.columns, answer.results.terms, console.width,
                           max_rows=max_rows, chosen=chosen)  # fmt: skip
        console.print(fitted.table)
        console.print(fitted.note(), markup=False, highlight=False)
    else:  # SELECT as CSV or JSON, or a graph: as the store wrote it, ending with a newline like any output
        data = answer.data or b""
        sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")
        sys.stdout.buffer.flush()


def _syntax_error(source: str, exc: Exception) -> str:
    """Oxigraph's 'error at 2:1: expected one of ",", ".", … [_]' as one line that names the query."""
    import re

    message = " ".join(str(exc).split())
    match = re.match(r"(?:error at )?(\d+):(\d+)(?:-\d+:\d+)?: (.*)", message)
    if match is None:
        return f"{source}: SPARQL syntax error: {message}"
    line, column, detail = match.groups()
    detail = detail.replace(", [_]", "").replace('"{|", ', "").replace(', "~"', "")
    return f"{source}: SPARQL syntax error at line {line}, column {column}: {detail}"


@app.command("queries")
def list_queries() -> None:
    """List the named queries with their parameters (* required, + may be repeated)."""
    from rich.table import Table

    from kg.queries import named_queries

    table = Table(show_lines=True)
    for col in ("name", "summary", "parameters"):
        table.add_column(col, overflow="fold")
    for q in named_queries().values():
        # name:type, * required, + may be repeated (--param doc=… --param doc=…)
        params = ", ".join(
            f"{p.name}:{p.type}{'*' if p.required else ''}{'+' if p.multi else ''}" for p in q.parameters
        )
        table.add_row(q.name, q.summary, params)
    console.print(table)


_EXPORT_FORMATS = {
    "nq": "application/n-quads",
    "trig": "application/trig",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}


@app.command()
def export(
    store: StoreOption = DEFAULT_STORE,
    fmt: Annotated[str, typer.Option("--format", "-f", help="nq, trig, ttl, nt or jsonld.")] = "nq",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: standard output).")] = None,
) -> None:
    """Export the store. nq/trig/jsonld keep the named graphs; ttl/nt give their union."""
    if fmt not in _EXPORT_FORMATS:
        raise typer.BadParameter(f"format must be one of {', '.join(_EXPORT_FORMATS)}")
    if output is not None and not output.parent.is_dir():
        err.print(_plain(f"error: cannot write {output}: the folder {output.parent} does not exist", "red"))
        raise typer.Exit(2)
    fund_store = _open_store(store, read_only=True)
    if output is None:
        fund_store.dump(sys.stdout.buffer, _EXPORT_FORMATS[fmt])
        sys.stdout.buffer.flush()
    else:
        with output.open("wb") as handle:
            fund_store.dump(handle, _EXPORT_FORMATS[fmt])
        err.print(_plain(f"wrote {output}"))


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, Path)):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="One report file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the typed records as JSON.")] = False,
) -> None:
    """Show the typed records extracted from one report (nothing is stored)."""
    from kg.extract.pipeline import extract_report
    from kg.readers import read_document

    if not file.is_file():
        err.print(_plain(f"error: {file}: {'a folder, not a report file' if file.is_dir() else 'no such file'}", "red"))
        raise typer.Exit(2)
    try:
        records = extract_report(read_document(file))
    except FundKGError as exc:
        err.print(_plain(exc, "red"))
        raise typer.Exit(1) from exc
    payload = _records_payload(file, records)
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    meta = records.metadata
    console.print(_plain(meta.title, "bold"))
    console.print(_plain(
        f"publisher: {meta.publisher.name if meta.publisher else '?'}; fiscal year: {meta.fiscal_year}; "
        f"kind: {meta.kind.value}; published: {meta.publication_date or '?'}"
    ))  # fmt: skip
    counts = [f"{len(v)} {k.replace('_', ' ')}" for k, v in payload.items() if isinstance(v, list)]
    console.print(_plain(", ".join(counts) + " (use --json for the records)"))


def _records_payload(file: Path, records: Any) -> dict[str, Any]:
    """Every record list of ReportRecords, by field name: what the build maps to RDF, nothing left out
    (a record type added to ReportRecords shows up here without a change)."""
    from dataclasses import fields

    payload: dict[str, Any] = {
        "file": shown(file),
        "sha256": records.document.sha256,
        "media_type": records.document.media_type,
        "extractor_version": records.extractor_version,
    }
    for f in fields(records):
        if f.name not in ("document", "extractor_version"):
            payload[f.name] = _jsonable(getattr(records, f.name))
    return payload


@app.command()
def validate(
    store: StoreOption = DEFAULT_STORE,
    strict: Annotated[bool, typer.Option(help="Also fail (exit 1) when reports contradict themselves.")] = False,
) -> None:
    """Validate the store against the SHACL shapes, and list the reports' consistency issues."""
    from kg.queries import get_query
    from kg.validate import validate_store

    fund_store = _open_store(store, read_only=True)
    with _progress("validating") as progress:
        task = progress.add_task("", total=None)

        def advance(what: str, done: int, steps: int) -> None:
            progress.update(task, completed=done, total=steps, description=what)

        report = validate_store(fund_store, advance)
    if report.conforms:
        console.print("[green]conforms[/green]: the store satisfies every SHACL shape.")
    else:
        console.print(report.text, markup=False, highlight=False)
        console.print(f"[red]{report.violations} violation(s)[/red]")
    from rich.table import Table

    found = fund_store.select(get_query("consistency-issues").text)
    issues = [dict(zip(found.columns, row, strict=True)) for row in found.terms]
    if issues:
        table = Table(title=f"{len(issues)} consistency issue(s) found in the reports", show_lines=True)
        for col in ("file", "kind", "description", "expected", "found", "tolerance"):
            table.add_column(col, overflow="fold")
        for row in issues:
            cells = ("file", "kind", "description", "expected", "found", "tolerance")
            table.add_row(*(_plain(_cell(row[c])) for c in cells))
        console.print(table)
    else:
        console.print("no consistency issues: every checked sum in the reports holds.")
    if not report.conforms or (strict and issues):
        raise typer.Exit(1)


@app.command()
def trace(
    programme: Annotated[str, typer.Option("--programme", "-p", help="Programme name (loosely matched).")],
    region: Annotated[
        str | None, typer.Option(help="Only flows to departments in this region (石楼县, 吕梁市 …).")
    ] = None,
    year: Annotated[str | None, typer.Option(help="Fiscal year (four digits).")] = None,
    phase: Annotated[
        str | None, typer.Option(help="Budget phase: initial, adjusted, executed, carried-over or allocated.")
    ] = None,
    up: Annotated[bool, typer.Option("--up", help="From the spending side upwards.")] = False,
    down: Annotated[bool, typer.Option("--down", help="From the top level downwards (default).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Nodes and links (for a Sankey diagram).")] = False,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Trace a programme's money from the levels that paid into it down to its spending lines."""
    from kg.flows import render_text, to_sankey
    from kg.flows import trace as build_trace

    if up and down:
        raise typer.BadParameter("--up and --down exclude each other")
    if not programme.strip():
        raise typer.BadParameter("--programme is blank: give (part of) a programme name")
    if year is not None and not (len(year) == 4 and year.isascii() and year.isdigit()):
        raise typer.BadParameter(f"{year!r} is not a fiscal year (four digits, e.g. 2022)", param_hint="--year")
    from kg.lexicon.labels import PHASE_ORDER

    if phase is not None and phase not in PHASE_ORDER:
        known = ", ".join(PHASE_ORDER)
        raise typer.BadParameter(f"{phase!r} is not a budget phase; one of: {known}", param_hint="--phase")
    result = build_trace(_open_store(store, read_only=True), programme, region=region, year=year, phase=phase)
    if as_json:  # the document is printed either way (an empty one when nothing matched), the exit code says which
        sys.stdout.write(json.dumps(to_sankey(result), ensure_ascii=False, indent=2) + "\n")
    if not result.programmes:
        err.print(_plain(result.empty_because, "yellow"))
        raise typer.Exit(1)
    if as_json:
        return
    console.print(_plain(" / ".join(result.programmes), "bold"))
    console.print(render_text(result, up=up), markup=False, highlight=False, soft_wrap=True)


@app.command()
def remove(
    file_name: Annotated[str, typer.Argument(help="The file name of a report in the store.")],
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Remove one report (its named graph) from the store."""
    from kg.build import report_key
    from kg.linking import link as run_link
    from kg.rdf.iris import report_iri

    fund_store = _open_store(store)
    if not fund_store.remove_report(report_iri(report_key(Path(file_name))).value):
        err.print(_plain(f"no report named {file_name} in {store}", "red"))
        raise typer.Exit(1)
    console.print(_plain(f"removed {file_name}"))
    run_link(fund_store)  # drop the links to the flows that went with the report


@app.command("link")
def link_command(store: StoreOption = DEFAULT_STORE) -> None:
    """Link what departments report they received to the allocation notices above them; list the unlinked."""
    from kg.linking import link as run_link
    from kg.linking import render

    console.print(render(run_link(_open_store(store))), markup=False, highlight=False, soft_wrap=True)


@app.command()
def serve(
    store: StoreOption = DEFAULT_STORE,
    host: Annotated[str, typer.Option(help="Address to bind; the default serves this machine only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    update_token: Annotated[
        str | None,
        typer.Option(envvar="FUNDKG_UPDATE_TOKEN", help="Allow SPARQL updates and uploads with this bearer token."),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Time budget per query, in seconds.")] = 30.0,
    max_results: Annotated[int, typer.Option(help="Most result rows (or triples) one query may return.")] = 100_000,
    workers: Annotated[int, typer.Option(min=1, help="Query worker processes (a query that overruns is killed).")] = 2,
    allow_service: Annotated[
        list[str] | None,
        typer.Option("--allow-service", help="A SERVICE endpoint queries may call (repeat; none by default)."),
    ] = None,
    allow_load: Annotated[
        list[str] | None,
        typer.Option("--allow-load", help="A host (or host:port) updates may LOAD from over http(s) (repeat)."),
    ] = None,
    write_timeout: Annotated[float, typer.Option(help="Time budget of an upload or update, in seconds.")] = 300.0,
    max_memory: Annotated[
        float, typer.Option(help="MiB of memory a query worker or the writer may use before it is killed.")
    ] = 2048.0,
    max_upload: Annotated[float, typer.Option(help="Largest upload (or POST body), in MiB.")] = 20.0,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the home page in a web browser once the service answers.")
    ] = False,
) -> None:
    """Serve the store: SPARQL endpoint at /sparql, named queries as REST at /api, pages at /."""
    from api.app import serve as run_server

    _open_store(store, read_only=True)  # fail here, clearly, when there is no store
    _check_port(host, port)  # …and on a busy port, before the URL is printed as if it served
    console.print(_plain(f"FundKG serving {store} on http://{host}:{port}/ (SPARQL at /sparql, API docs at /docs)"))
    run_server(
        store,
        host=host,
        port=port,
        update_token=update_token,
        query_timeout=timeout,
        max_results=max_results,
        workers=workers,
        allow_service=allow_service or (),
        allow_load=allow_load or (),
        write_timeout=write_timeout,
        max_memory_mb=max_memory,
        max_upload_mb=max_upload,
        open_browser=open_browser,
    )


def _check_port(host: str, port: int) -> None:
    """Exit with one line when the address cannot be bound (in use, or not this machine's)."""
    import errno
    import socket

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.create_server((host, port), family=family):  # SO_REUSEADDR, as uvicorn binds
            pass
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        hint = f"; is another server using it? try --port {port + 1}" if exc.errno == errno.EADDRINUSE else ""
        err.print(_plain(f"error: cannot serve on {host}:{port}: {reason}{hint}", "red"))
        raise typer.Exit(2) from None


def _version_callback(value: bool) -> None:
    if value:
        console.print(f"fundkg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """FundKG command line."""
