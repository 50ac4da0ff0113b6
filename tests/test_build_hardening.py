"""The build and the command line against bad files, odd names and user mistakes (issue 12, findings
9, 10, 14, 15). Every file here is made by the test.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import shutil
import signal
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import build, report_key
from kg.cli import app
from kg.errors import ReportError
from kg.rdf.iris import digest, report_iri
from kg.resources import data_dir
from kg.store import REPORT_GRAPHS, open_store

runner = CliRunner(env={"COLUMNS": "200"})
SAMPLES = data_dir("samples")
GOOD = SAMPLES / "shilou-final-accounts-2023.txt"
OTHER = SAMPLES / "wulong-department-evaluation-2023.txt"


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("石楼县医疗保障局2023年度部门决算", level=1)
    for _ in range(40):
        document.add_paragraph("2023年度本年收入合计1,286.45万元，其中一般公共预算财政拨款收入1,280.15万元。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _patched(data: bytes, signature: bytes, offset: int, value: bytes) -> bytes:
    """Every header of a kind (local or central) with `value` written at `offset`."""
    out = bytearray(data)
    at = out.find(signature)
    while at >= 0:
        out[at + offset : at + offset + len(value)] = value
        at = out.find(signature, at + 4)
    return bytes(out)


def _flipped_deflate(data: bytes) -> bytes:
    """The compressed bytes of word/document.xml with bits flipped in the middle."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml")
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    out = bytearray(data)
    for i in range(start + info.compress_size // 3, start + info.compress_size // 3 + 8):
        out[i] ^= 0x5A
    return bytes(out)


def bad_files(folder: Path) -> dict[str, str]:
    """Damaged files of the kinds that stopped a batch, and the named error each must give."""
    folder.mkdir(parents=True, exist_ok=True)
    data = _docx()
    files = {
        # A bit flip in the central directory's "version needed": the zip module raises NotImplementedError.
        "version.docx": (_patched(data, b"PK\x01\x02", 6, struct.pack("<H", 0x94)), "CorruptFileError"),
        # An unknown compression method: NotImplementedError too.
        "method.docx": (_patched(data, b"PK\x01\x02", 10, struct.pack("<H", 99)), "CorruptFileError"),
        # The deflate stream damaged: zlib.error, or a bad CRC.
        "deflate.docx": (_flipped_deflate(data), "CorruptFileError"),
        # A UTF-16 byte-order mark, then text cut in the middle of a character.
        "utf16.txt": ((codecs.BOM_UTF16_LE + "石楼县医疗保障局部门决算".encode("utf-16-le"))[:-1], "built"),
        "empty.pdf": (b"", "EmptyFileError"),
    }
    for name, (content, _) in files.items():
        (folder / name).write_bytes(content)
    return {name: expected for name, (_, expected) in files.items()}


def test_a_batch_goes_on_past_every_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    expected = bad_files(folder)
    shutil.copy(GOOD, folder / GOOD.name)
    store = open_store(None)
    result = build([folder], store)
    added = {p.name for p in result.added}
    assert GOOD.name in added and "utf16.txt" in added
    failed = {f.path.name: f.message for f in result.failed}
    assert set(failed) == {n for n, e in expected.items() if e != "built"}
    for name, message in failed.items():
        assert message.startswith(str(folder / name) + ": "), message
    from kg.readers import read_document

    for name, kind in expected.items():
        if kind != "built":
            with pytest.raises(ReportError) as caught:
                read_document(folder / name)
            assert type(caught.value).__name__ == kind, (name, caught.value)


def test_an_unforeseen_failure_costs_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.build

    real = kg.build.extract_report

    def flaky(document):  # type: ignore[no-untyped-def]
        if document.source.name == "bad.txt":
            raise KeyError("an injected bug")
        return real(document)

    real_read = kg.build.read_document

    def odd_reader(path, **options):  # type: ignore[no-untyped-def]
        if path.name == "odd.txt":
            raise TypeError("an injected bug outside extraction")
        return real_read(path, **options)

    monkeypatch.setattr(kg.build, "extract_report", flaky)
    monkeypatch.setattr(kg.build, "read_document", odd_reader)
    for name in ("bad.txt", "odd.txt"):
        shutil.copy(GOOD, tmp_path / name)
    shutil.copy(OTHER, tmp_path / OTHER.name)
    result = build([tmp_path / "bad.txt", tmp_path / "odd.txt", tmp_path / OTHER.name], open_store(None))
    assert [p.name for p in result.added] == [OTHER.name]
    bad, odd = result.failed
    assert "bad.txt" in bad.message and "failed unexpectedly" in bad.message and "KeyError" in bad.message
    assert "odd.txt" in odd.message and "failed unexpectedly" in odd.message and "TypeError" in odd.message


def test_cli_build_says_what_was_skipped_and_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    expected = bad_files(folder)
    shutil.copy(GOOD, folder / GOOD.name)
    result = runner.invoke(app, ["build", str(folder), "--store", str(tmp_path / "s")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for name, kind in expected.items():
        if kind != "built":
            assert f"skipped {folder / name}: " in result.output, name
    assert "linking:" in result.output  # the batch went on to the linking


# --- 10. any file name ---------------------------------------------------------------------------

ODD = os.fsdecode(b"report-\xff\xfe.txt")  # not UTF-8: Python keeps the bytes as lone surrogates


def test_any_file_name_builds_and_prints_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    (folder / "x[").mkdir(parents=True)
    shutil.copy(GOOD, folder / "x[" / "red].txt")  # the path reads x[/red].txt
    shutil.copy(OTHER, folder / "[bold]report.txt")
    shutil.copy(SAMPLES / "notices" / "caishe-2022-61-central-medical-assistance.txt", folder / ODD)
    store = tmp_path / "s"
    result = runner.invoke(app, ["build", str(folder), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "[bold]report.txt" in result.output and "red].txt" in result.output
    assert "report-\\xff\\xfe.txt" in result.output  # the bytes that are no UTF-8, written out
    with open_store(store, read_only=True) as s:
        names = {e.file_name for e in s.manifest().values()}
    assert names == {"red].txt", "[bold]report.txt", "report-\\xff\\xfe.txt"}
    removed = runner.invoke(app, ["remove", "report-\\xff\\xfe.txt", "--store", str(store)])
    assert removed.exit_code == 0, removed.output


def test_failures_of_odd_names_print_safely(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    (folder / "x[").mkdir(parents=True)
    (folder / "x[" / "red].txt").write_bytes(b"")
    (folder / ODD).write_bytes(b"")
    (folder / "[bold]empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["build", str(folder), "--store", str(tmp_path / "s")])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    for shown in ("x[/red].txt", "report-\\xff\\xfe.txt", "[bold]empty.txt"):
        assert shown in result.output, shown


def test_iris_of_surrogate_names_are_deterministic() -> None:
    key = report_key(Path(ODD))
    assert key == "report-\\xff\\xfe.txt"
    assert report_iri(key).value == report_iri(key).value
    assert digest(ODD) == digest(ODD) and digest(ODD) != digest("report-.txt")
    # Names that are UTF-8 hash as before: no IRI of an existing store changes.
    assert digest("石楼县", "a") == hashlib.sha1("石楼县\u241fa".encode()).hexdigest()[:16]


# --- 14. user mistakes: one line, no traceback -----------------------------------------------------


def _one_line_error(result, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    assert runner.invoke(app, ["build", str(GOOD), "--store", str(path), "-q"]).exit_code == 0
    return path


def test_user_mistakes_are_one_line(tmp_path: Path, built: Path) -> None:
    _one_line_error(runner.invoke(app, ["extract", str(tmp_path / "nofile.txt")]), "nofile.txt", "no such file")
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(GOOD, reports / GOOD.name)
    for command in (["summary"], ["query", "departments"], ["export", "-f", "nt"], ["link"], ["remove", "x.txt"]):
        _one_line_error(runner.invoke(app, [*command, "--store", str(reports)]), str(reports))
        _one_line_error(runner.invoke(app, [*command, "--store", str(reports / GOOD.name)]), GOOD.name)
    out = runner.invoke(app, ["export", "--store", str(built), "-o", "/nonexistent/dir/x.ttl"])
    _one_line_error(out, "/nonexistent/dir", "does not exist")
    _one_line_error(runner.invoke(app, ["query", "departments", "-p", "level= ", "--store", str(built)]), "blank")


def test_build_on_a_missing_path_creates_no_store(tmp_path: Path) -> None:
    store = tmp_path / "s"
    _one_line_error(runner.invoke(app, ["build", str(tmp_path / "nothing"), "--store", str(store)]), "nothing")
    assert not store.exists()


def test_a_store_is_never_put_into_a_folder_of_other_files(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(GOOD, reports / GOOD.name)
    before = sorted(p.name for p in reports.iterdir())
    _one_line_error(runner.invoke(app, ["build", str(reports), "--store", str(reports)]), "holds other files")
    assert sorted(p.name for p in reports.iterdir()) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(app, ["build", str(reports), "--store", str(empty), "-q"]).exit_code == 0


# --- 15. a crash between the bulk load and the manifest switch ----------------------------------------


def _fundkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    code = "import sys; from kg.cli import app; sys.argv = ['fundkg', *sys.argv[1:]]; app()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})}, check=False)  # fmt: skip


def _files(store) -> set[str]:  # type: ignore[no-untyped-def]
    rows = store.select("SELECT DISTINCT ?f WHERE { ?r a fkg:Report ; fkg:sourceFile/fkg:fileName ?f }").rows
    return {str(r["f"]) for r in rows}


def _built_then_changed(tmp_path: Path) -> tuple[Path, Path]:
    """A store built from a.txt, and a second folder where a.txt changed and b.txt is new."""
    store_path = tmp_path / "s"
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    shutil.copy(GOOD, first / "a.txt")
    shutil.copy(OTHER, second / "b.txt")  # new
    (second / "a.txt").write_text(GOOD.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")  # changed
    done = _fundkg("build", str(first), "--store", str(store_path), "-q")
    assert done.returncode == 0, done.stderr
    return store_path, second


def test_a_crash_after_an_unflushed_switch_keeps_the_batch(tmp_path: Path) -> None:
    """A batch's manifest switch is not flushed to the store's tables (only the close flushes): a
    process killed right after it must find the batch on reopening, from the write-ahead log."""
    store_path, second = _built_then_changed(tmp_path)
    with open_store(store_path, read_only=True) as store:
        replaced = {e.graph for e in store.manifest().values()}
    crashed = _fundkg("build", str(second), "--store", str(store_path), "-q", env={"FUNDKG_TEST_CRASH": "after-switch"})
    assert crashed.returncode == -signal.SIGKILL, (crashed.returncode, crashed.stderr)

    with open_store(store_path) as store:
        entries = {e.file_name: e for e in store.manifest().values()}
        assert set(entries) == {"a.txt", "b.txt"}
        assert entries["a.txt"].sha256 == hashlib.sha256((second / "a.txt").read_bytes()).hexdigest()
        reports = {g for g in store.named_graphs() if g.startswith(REPORT_GRAPHS)}
        assert reports == {e.graph for e in entries.values()} and not reports & replaced  # the old a.txt dropped
        assert _files(store) == {"a.txt", "b.txt"}
    again = _fundkg("build", str(second), "--store", str(store_path), "-q")  # both files unchanged now
    assert again.returncode == 0, again.stderr
    with open_store(store_path, read_only=True) as store:
        assert {e.file_name: e for e in store.manifest().values()} == entries


def test_a_crash_after_the_bulk_load_leaves_exactly_the_manifest(tmp_path: Path) -> None:
    store_path, second = _built_then_changed(tmp_path)
    crash = {"FUNDKG_TEST_CRASH": "after-bulk-load"}
    crashed = _fundkg("build", str(second), "--store", str(store_path), "-q", env=crash)
    assert crashed.returncode == -signal.SIGKILL, (crashed.returncode, crashed.stderr)

    with open_store(store_path, read_only=True) as store:  # as `fundkg query`, `export` and the service's workers
        manifest = store.manifest()
        assert {e.file_name for e in manifest.values()} == {"a.txt"}
        current = {e.graph for e in manifest.values()}
        reports = {g for g in store.named_graphs() if g.startswith(REPORT_GRAPHS)}
        assert reports == current  # the loaded graphs of b.txt and the new a.txt are not shown
        assert _files(store) == {"a.txt"}
        seen = {str(r["g"]) for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows}
        assert {g for g in seen if g.startswith(REPORT_GRAPHS)} == current
        dump = io.BytesIO()
        store.dump(dump, "application/n-quads")
        graphs = {line.rsplit(" ", 2)[-2] for line in dump.getvalue().decode().splitlines() if line.count("<") >= 4}
        assert not {g.strip("<>") for g in graphs if g.startswith(f"<{REPORT_GRAPHS}")} - current
        assert store.quad_count() == len(dump.getvalue().decode().splitlines())
    exported = _fundkg("export", "--store", str(store_path), "-f", "nq")
    assert "补充说明" not in exported.stdout and exported.returncode == 0

    with open_store(store_path) as store:  # a read-write open drops the orphans
        assert {e.file_name for e in store.manifest().values()} == {"a.txt"}
        assert {g for g in store.named_graphs() if g.startswith(REPORT_GRAPHS)} == current
        assert _files(store) == {"a.txt"}
    again = _fundkg("build", str(second), "--store", str(store_path), "-q")
    assert again.returncode == 0, again.stderr
    with open_store(store_path, read_only=True) as store:
        entries = {e.file_name: e.sha256 for e in store.manifest().values()}
    assert set(entries) == {"a.txt", "b.txt"}
    assert entries["a.txt"] == hashlib.sha256((second / "a.txt").read_bytes()).hexdigest()


def test_a_failed_update_releases_the_store_in_process(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    try:
        store.update("DROP GRAPH <urn:none>")
    except Exception as exc:  # kept alive on purpose: its traceback must not hold the store's lock
        kept = exc
    store.close()
    with open_store(tmp_path / "s") as again:
        again.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert kept is not None
