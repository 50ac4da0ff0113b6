"""Benchmark `fundkg build` end to end on a synthetic corpus of seed-size text reports.

The corpus (bench/corpus.py) has every report kind in realistic proportions, made from the seed
reports and the project's samples, each copy with another county, fiscal year and amounts. Prints
reports/s, quads/s, the peak memory of the process, and the CPU per report in windows of 50 reports
as the store grows.

    python bench/build.py --reports 200             # prepared in this process, one after the other
    python bench/build.py --reports 200 --jobs 2    # prepared by 2 worker processes (fundkg build --jobs 2)
    python bench/build.py --reports 1000 --added 100 # then 100 more: into this store and into an empty one

With --added, the store is compacted after the first build where `fundkg build` would compact it,
and the CPU per report of the added reports is compared between the full store and an empty one:
is a report's cost flat as the store grows?
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from corpus import make_corpus  # noqa: E402  (bench/ is no package)

WINDOW = 50  # reports per CPU window: does a report cost more as the store grows?


def worker_seconds(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far, from /proc (Linux)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def timed_build(code: str, store_path: str, folder: str, out: Any) -> None:
    """In a child process: CPU seconds of building a folder into a store, from open to close. A child
    of its own counts every thread's work on this store and none left over from another store's."""
    sys.path.insert(0, code)
    from kg.build import build
    from kg.store import open_store

    warm = open_store(None)
    build([next(Path(folder).iterdir())], warm)  # dictionaries loaded before the clock starts
    store = open_store(Path(store_path))
    build([], store)  # the ontology is loaded once per store: not timed (a full store has it already)
    start = time.process_time()
    result = build([Path(folder)], store)
    store.close()
    out.put((time.process_time() - start, len(result.added), [f.message for f in result.failed]))


def added_cost(store: Any, result: Any, work: Path, n: int, code: str) -> None:
    """CPU per report of n more reports (another seed) into this store, then into an empty one."""
    try:
        from kg.build import compact_after_build
    except ImportError:  # a checkout from before compaction after a build
        compact_after_build = None
    compacted = compact_after_build(store, result) if compact_after_build else False
    store.close()
    more = work / "more"
    more.mkdir()
    make_corpus(more, n, seed=11)
    for path in more.iterdir():  # other names: these are other reports, not new versions of the first ones
        path.rename(more / f"more-{path.name}")
    context = multiprocessing.get_context("spawn")
    costs = []
    for target in (work / "store", work / "empty"):
        out = context.Queue()
        child = context.Process(target=timed_build, args=(code, str(target), str(more), out))
        child.start()
        cpu, added, failed = out.get()
        child.join()
        assert not failed and added == n, failed
        costs.append(cpu / n * 1000)
    into_full, into_empty = costs
    state = "compacted, as fundkg build does" if compacted else "not compacted"
    print(f"{n} more reports:   {into_full:.1f} ms CPU per report into this store ({state}), "
          f"{into_empty:.1f} into an empty store: {into_full / into_empty:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--batch-quads", type=int, help="bulk-load batch size (default: kg.build.BATCH_QUADS)")
    parser.add_argument("--jobs", type=int, default=0,
                        help="worker processes preparing reports (default 0: in this process, without a pool)")
    parser.add_argument("--code", default=str(ROOT), help="the checkout whose kg package is timed")
    parser.add_argument("--added", type=int, default=0,
                        help="then build this many other reports into the store and into an empty store")
    parser.add_argument("--corpus", type=Path, help="build this folder of reports instead of making a corpus "
                        "(for --code checkouts too old to make one: a folder written by corpus.make_corpus)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.code).resolve()))
    import kg.build
    from kg.build import build

    try:
        from kg.store import open_store
    except ImportError:  # --code of a checkout from before the store interface (issue 10)
        from kg.store import FundStore

        open_store = FundStore.open

    work = Path(tempfile.mkdtemp(prefix="fundkg-bench-"))
    try:
        if args.corpus:
            corpus, kinds = args.corpus, Counter({"given": len(list(args.corpus.iterdir()))})
            args.reports = kinds["given"]
        else:
            corpus = work / "corpus"
            corpus.mkdir()
            kinds = make_corpus(corpus, args.reports)
        size = sum(p.stat().st_size for p in corpus.iterdir())
        # Warm-up outside the timing: spaCy/jieba dictionaries and region index load once per process.
        warm = open_store(None)
        build([next(corpus.iterdir())], warm)

        if args.batch_quads:
            kg.build.BATCH_QUADS = args.batch_quads
        # The workers start (and load their dictionaries) before the clock starts, as the warm-up above.
        pool = None
        if args.jobs:  # imported only here: older checkouts (--code) have no kg.parallel
            from kg.parallel.pool import ReportPool

            pool = ReportPool(args.jobs).start()
        workers_cpu = worker_seconds(pool.pids()) if pool else 0.0
        store = open_store(work / "store")
        start, cpu_start = time.perf_counter(), time.process_time()
        windows: list[float] = [time.process_time()]
        done = 0

        def progress(_: Path) -> None:
            nonlocal done
            done += 1
            if done % WINDOW == 0:
                windows.append(time.process_time())

        options = {"preparer": pool} if pool else {}  # older checkouts' build takes no preparer
        result = build([corpus], store, progress=progress, **options)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start  # every thread of the process: RocksDB writes in its own
        if pool:
            cpu += worker_seconds(pool.pids()) - workers_cpu
            pool.close()
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert not result.failed, result.failed
        print(f"code:               {Path(kg.build.__file__).parent.parent}")
        print(f"reports:            {args.reports} ({size / args.reports / 1024:.1f} KiB each on average)")
        print(f"kinds:              {', '.join(f'{k} {n}' for k, n in kinds.most_common())}")
        where = f"{args.jobs} worker process(es) and the writer" if args.jobs else "one process"
        print(f"elapsed:            {elapsed:.2f} s ({where}; {os.cpu_count()} cores)")
        print(f"reports/s:          {args.reports / elapsed:.1f}")
        print(f"CPU time:           {cpu:.2f} s, {cpu / args.reports * 1000:.1f} ms per report (writer and workers)")
        print(f"reports/CPU-second: {args.reports / cpu:.1f} (the per-core rate)")
        print(f"quads written:      {result.quads_written}")
        print(f"quads/s:            {result.quads_written / elapsed:,.0f}")
        print(f"peak memory (RSS):  {peak_mib:.0f} MiB")
        if not pool:  # with workers, this process's CPU is only the writer's
            per = [(b - a) / WINDOW * 1000 for a, b in itertools.pairwise(windows)]
            print(f"CPU ms/report per {WINDOW}-report window (this process): " + " ".join(f"{x:.0f}" for x in per))
        start = time.perf_counter()
        again = build([corpus], store)
        print(f"unchanged rebuild:  {time.perf_counter() - start:.2f} s ({len(again.unchanged)} unchanged)")
        if args.added:
            added_cost(store, result, work, args.added, str(Path(args.code).resolve()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
