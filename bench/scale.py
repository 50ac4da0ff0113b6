"""Scale-out benchmark: parallel and distributed builds, into the embedded store and into real servers.

Builds the corpus of bench/build.py (N seed-size reports, default 2,000) plus the five seeds and the
sample notices (so that every named query finds something), prepared by `--jobs 1`, `--jobs 2` and a
Dask LocalCluster of 2 worker processes, into the embedded store, the Oxigraph server and Virtuoso 7
(each server started fresh by scripts/ for each build, on 127.0.0.1); then runs the named-query
suite (example parameters, median of --repeat runs) on each store. Prints reports/s, CPU per
report (writer, workers and server together), the load time (the writer's time in the store),
disk use and query medians, then a projection for 1,000,000 reports computed from these figures.

    python bench/scale.py                                     # the whole matrix, 2,000 reports
    python bench/scale.py --reports 200 --preparers jobs2 --stores embedded virtuoso
    python bench/scale.py --json figures.json                 # the figures, for docs/scale.md
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SCRIPTS = ROOT / "scripts"
PREPARERS = ("jobs1", "jobs2", "dask2")
STORES = ("embedded", "oxigraph", "virtuoso")


@dataclass
class Figures:
    preparer: str
    store: str
    reports: int
    failed: int
    seconds: float  # wall time of the build (linking not included)
    cpu_seconds: float  # writer + workers + server
    load_seconds: float  # time the writer spent in Store.write_reports
    quads: int
    disk_bytes: int
    link_seconds: float
    queries: dict[str, float] = field(default_factory=dict)  # median seconds per named query

    @property
    def rate(self) -> float:
        return self.reports / self.seconds


def cpu_of(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def disk_use(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@contextmanager
def server(kind: str, directory: Path) -> Iterator[tuple[str, Callable[[], list[int]]]]:
    """A fresh server for one build: (its query URL, a function giving its process ids)."""
    sys.path.insert(0, str(ROOT))
    from api.devserver import free_port

    port = free_port()
    script = SCRIPTS / ("virtuoso.sh" if kind == "virtuoso" else "oxigraph-server.sh")
    args = [str(script), "start", str(directory), str(port)] + ([str(free_port())] if kind == "virtuoso" else [])
    env = {**os.environ, "OXIGRAPH_TIMEOUT_S": "600", "VIRTUOSO_BUFFERS": "170000"}  # ≈ 1.3 GiB of pages
    binary = Path(sys.executable).with_name("oxigraph")
    if binary.exists():
        env["OXIGRAPH_BIN"] = str(binary)
    subprocess.run(args, check=True, env=env, capture_output=True, timeout=300)
    lock = directory / ("virtuoso.lck" if kind == "virtuoso" else "oxigraph.pid")

    def pids() -> list[int]:
        text = lock.read_text()
        return [int(text.split("VIRT_PID=")[1].split()[0]) if kind == "virtuoso" else int(text)]

    try:
        yield (f"http://127.0.0.1:{port}/sparql" if kind == "virtuoso" else f"http://127.0.0.1:{port}/query"), pids
    finally:
        subprocess.run([str(script), "stop", str(directory)], capture_output=True, timeout=300)


@contextmanager
def preparer(kind: str) -> Iterator[tuple[Any, Callable[[], list[int]]]]:
    """A warm preparer (workers started before the clock) and a function giving its workers' pids."""
    from kg.parallel import Limits
    from kg.parallel.pool import ReportPool

    limits = Limits(seconds=600)
    if kind.startswith("jobs"):
        with ReportPool(int(kind[4:]), limits) as pool:
            yield pool, pool.pids
        return
    from kg.parallel.cluster import DaskPreparer, LocalDask

    with LocalDask(workers=int(kind[4:])) as cluster:
        warm = DaskPreparer(cluster.client, limits)
        sample = ROOT / "samples" / "shilou-final-accounts-2023.txt"
        list(warm.prepare_all([sample] * 2, 50 * 1024 * 1024))  # each worker loads its dictionaries
        pids = list(cluster.client.run(os.getpid).values())
        yield warm, lambda: pids


class TimedStore:
    """Counts the time the writer spends in the store's write_reports."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def write_reports(self, pending: Any) -> None:
        start = time.perf_counter()
        self.store.write_reports(pending)
        self.seconds += time.perf_counter() - start


def time_queries(store: Any, repeat: int) -> dict[str, float]:
    from kg.queries import bind, named_queries

    medians = {}
    for name, query in sorted(named_queries().items()):
        text = bind(query, query.example_parameters())
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            store.query(text)
            runs.append(time.perf_counter() - start)
        medians[name] = statistics.median(runs)
    return medians


def run(kind: str, store_kind: str, inputs: list[Path], work: Path, repeat: int) -> Figures:
    from kg.build import build
    from kg.linking import link
    from kg.store import open_store

    directory = work / f"{kind}-{store_kind}"
    with preparer(kind) as (prepare, worker_pids), _store(store_kind, directory) as (location, server_pids):
        store = TimedStore(open_store(location))
        pids = worker_pids() + server_pids()
        cpu_before = time.process_time() + cpu_of(pids)
        start = time.perf_counter()
        result = build(inputs, store, preparer=prepare)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        cpu = time.process_time() + cpu_of(pids) - cpu_before
        start = time.perf_counter()
        link(store)  # type: ignore[arg-type]
        link_seconds = time.perf_counter() - start
        quads = store.quad_count()
        queries = time_queries(store, repeat)
        store.close()
    reports = len(result.added) + len(result.replaced)
    return Figures(kind, store_kind, reports, len(result.failed), seconds, cpu, store.seconds, quads,
                   disk_use(directory), link_seconds, queries)  # fmt: skip


@contextmanager
def _store(kind: str, directory: Path) -> Iterator[tuple[Any, Callable[[], list[int]]]]:
    if kind == "embedded":
        yield directory, list
        return
    with server(kind, directory) as (url, pids):
        yield url, pids


def projection(figures: list[Figures], reports: int = 1_000_000) -> list[str]:
    """Quads, disk, build hours per worker count and load time per backend for `reports` reports,
    scaled linearly from the measured runs (stated as such: indexes grow log-linearly)."""
    lines = [f"projection for {reports:,} reports (linear in the measured figures):"]
    for store_kind in dict.fromkeys(f.store for f in figures):
        runs = [f for f in figures if f.store == store_kind]
        best = max(runs, key=lambda f: f.rate)
        quads_per_report = best.quads / best.reports
        load_per_report = best.load_seconds / best.reports
        cpu_per_report = best.cpu_seconds / best.reports
        lines.append(
            f"  {store_kind:9s} {quads_per_report * reports / 1e9:5.2f} G quads, "
            f"{best.disk_bytes / best.reports * reports / 1e12:5.2f} TB on disk, "
            f"load (one writer) {load_per_report * reports / 3600:6.1f} h, "
            f"CPU {cpu_per_report * reports / 3600:6.0f} core-hours"
        )
        prepare_per_report = max(cpu_per_report - load_per_report, 0.0)  # what the workers add
        for workers in (2, 8, 32, 128):
            hours = max(prepare_per_report * reports / workers, load_per_report * reports) / 3600
            lines.append(f"            {workers:4d} workers: build ≈ {hours:6.1f} h")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--preparers", nargs="+", choices=PREPARERS, default=list(PREPARERS))
    parser.add_argument("--stores", nargs="+", choices=STORES, default=list(STORES))
    parser.add_argument("--repeat", type=int, default=5, help="runs of each named query (the median is shown)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from build import make_corpus

    work = Path(tempfile.mkdtemp(prefix="fundkg-scale-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        make_corpus(corpus, args.reports)
        inputs = [corpus, ROOT / "samples" / "notices"] + ([SEEDS] if SEEDS.is_dir() else [])
        print(f"{args.reports} corpus reports + {'seeds + ' if SEEDS.is_dir() else ''}notices; "
              f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        figures: list[Figures] = []
        for store_kind in args.stores:
            for kind in args.preparers:
                f = run(kind, store_kind, inputs, work, args.repeat)
                figures.append(f)
                print(f"{kind:6s} → {store_kind:9s} {f.reports:5d} reports {f.failed} failed  {f.rate:6.1f} reports/s  "
                      f"CPU {f.cpu_seconds / f.reports * 1000:5.0f} ms/report  load {f.load_seconds:6.1f} s "
                      f"({f.quads / max(f.load_seconds, 1e-9):8,.0f} quads/s)  {f.quads:,} quads  "
                      f"{f.disk_bytes / 2**20:6.0f} MiB  link {f.link_seconds:5.1f} s  "
                      f"queries: median {statistics.median(f.queries.values()) * 1000:5.0f} ms, "
                      f"max {max(f.queries.values()) * 1000:6.0f} ms ({max(f.queries, key=f.queries.__getitem__)})",
                      flush=True)  # fmt: skip
        print("\nnamed-query medians (ms):")
        print(f"{'query':28s}" + "".join(f"{f.preparer + '/' + f.store:>18s}" for f in figures))
        for name in sorted(figures[0].queries):
            print(f"{name:28s}" + "".join(f"{f.queries[name] * 1000:18.1f}" for f in figures))
        print()
        print("\n".join(projection(figures)))
        if args.json:
            args.json.write_text(json.dumps([{**asdict(f), "rate": f.rate} for f in figures], indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
