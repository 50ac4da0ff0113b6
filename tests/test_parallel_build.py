"""Builds prepared in parallel: a process pool (--jobs) and a Dask LocalCluster give the same quads as
a build in one process; a report that hangs, exhausts memory or crashes its worker is stopped and
reported, and the batch goes on."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from kg.parallel import Limits
from kg.parallel.pool import ReportPool
from kg.store import N_QUADS, Store, open_store

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
_BLANK = re.compile(rb"_:[0-9A-Za-z]+")


def quads(store: Store) -> list[bytes]:
    """The store's quads, blank-node labels aside, without the manifest (its generation counts writes)."""
    out = io.BytesIO()
    store.dump(out, N_QUADS)
    return sorted(_BLANK.sub(b"_:b", line) for line in out.getvalue().splitlines() if b"/graph/manifest>" not in line)


@pytest.fixture(scope="module")
def reference(seeds_dir: Path) -> list[bytes]:
    """Seeds and samples (5 + 4 reports + 4 notices) built in this process, one report after the other."""
    store = open_store(None)
    result = build([seeds_dir, SAMPLES], store)
    assert not result.failed and len(result.added) == 13
    return quads(store)


def test_a_pool_of_two_builds_the_same_quads_and_a_rebuild_writes_nothing(
    seeds_dir: Path, reference: list[bytes], tmp_path: Path
) -> None:
    store = open_store(tmp_path / "kg")
    pool = ReportPool(2, Limits(seconds=120))
    result = build([seeds_dir, SAMPLES], store, preparer=pool)
    assert not result.failed and len(result.added) == 13
    assert quads(store) == reference
    generation = store.generation()
    again = build([seeds_dir, SAMPLES], store, preparer=pool)
    assert len(again.unchanged) == 13 and not again.added and again.quads_written == 0
    assert store.generation() == generation


def test_a_report_that_hangs_hogs_memory_or_crashes_is_stopped_and_the_batch_goes_on(tmp_path: Path) -> None:
    import misbehaving

    folder = tmp_path / "reports"
    folder.mkdir()
    good = SAMPLES / "shilou-final-accounts-2023.txt"
    for name in ("a-good.txt", "b-hang.txt", "c-hog.txt", "d-crash.txt", "e-good.txt"):
        shutil.copy(good, folder / name)
    pool = ReportPool(2, Limits(seconds=4, memory_mb=2048), task=misbehaving.task)
    result = build([folder], open_store(None), preparer=pool)
    assert [p.name for p in result.added] == ["a-good.txt", "e-good.txt"]
    reasons = {f.path.name: f.message for f in result.failed}
    assert set(reasons) == {"b-hang.txt", "c-hog.txt", "d-crash.txt"}
    for name, reason in reasons.items():
        assert reason.startswith(str(folder / name) + ": ") and "\n" not in reason
    assert "time budget of 4 s" in reasons["b-hang.txt"]
    assert "ran out of memory (limit 2048 MiB)" in reasons["c-hog.txt"]
    assert "died (SIGSEGV" in reasons["d-crash.txt"]
    assert pool.killed == [str(folder / "b-hang.txt")]


def test_fundkg_build_jobs_reports_a_bad_file_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SAMPLES / "shilou-final-accounts-2023.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    run = CliRunner().invoke(app, ["build", str(folder), "--store", str(tmp_path / "kg"), "--jobs", "2", "-q"])
    assert run.exit_code == 1
    assert f"skipped {folder / 'empty.txt'}: file is empty" in "".join(run.output.split("\n"))


def test_a_dask_local_cluster_builds_the_same_quads(seeds_dir: Path, reference: list[bytes]) -> None:
    pytest.importorskip("distributed", reason="Dask is an optional extra: pip install 'fundkg[dask]'")
    from kg.parallel.cluster import DaskPreparer, LocalDask

    store = open_store(None)
    with LocalDask(workers=2) as cluster:
        assert len(cluster.client.scheduler_info()["workers"]) == 2
        result = build([seeds_dir, SAMPLES], store, preparer=DaskPreparer(cluster.client, Limits(seconds=120)))
    assert not result.failed and len(result.added) == 13
    assert quads(store) == reference
