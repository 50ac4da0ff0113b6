"""Time the named queries, the cross-level linking and a trace on a store of N reports, and at N/4.

A store grows by reports that describe the same departments, regions and policy documents again
and again (each report graph describes what it mentions). This benchmark writes the corpus of
bench/corpus.py (every report kind, made from the seeds and the samples), builds the first quarter
of it plus the seeds and the sample notices into a persistent store, times everything there, builds
the rest into the same store and times everything again: each named query with its example
parameters (median of --repeat runs, in a child process with a time limit, so one slow query is
reported as such instead of stalling the run), the growth ratio (time at N ÷ time at N/4), a full
relink, and the linking after one more report is added.

    python bench/queries.py --reports 1000
    python bench/queries.py --reports 1000 --code /work/before   # time another checkout's kg on the same corpus
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


def _time_query(code: str, store_path: str, name: str, repeat: int, out: mp.Queue) -> None:
    sys.path.insert(0, code)
    from kg.queries import bind, named_queries
    from kg.store import open_store

    store = open_store(Path(store_path), read_only=True)
    query = named_queries()[name]
    text = bind(query, query.example_parameters())
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        answer = store.query(text)
        rows = answer.count
        times.append(time.perf_counter() - start)
    out.put((rows, statistics.median(times)))


def _time_in_child(code: str, store_path: Path, name: str, repeat: int, limit: float) -> tuple[int, float] | None:
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()
    child = ctx.Process(target=_time_query, args=(code, str(store_path), name, repeat, out))
    child.start()
    child.join(limit * repeat + 15)  # the child also loads Python and opens the store
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return out.get() if not out.empty() else None


def _link_step(store_path: Path, label: str, added: list[Path] | None = None) -> None:
    from kg.linking import link
    from kg.store import open_store

    store = open_store(store_path)
    start = time.perf_counter()
    try:  # the linking `fundkg build` runs after adding reports, where the code has it (issue 13)
        from kg.build import report_iris
        from kg.linking import link_after_build
    except ImportError:
        report = link(store)
    else:
        report = link(store) if added is None else link_after_build(store, report_iris(added), 0)
    print(f"{label:34s} {time.perf_counter() - start:8.3f} s  {len(report.links)} links", flush=True)
    store.close()


def _stage(args: argparse.Namespace, store_path: Path, inputs: list[Path], label: str) -> dict[str, float | None]:
    from kg.build import build
    from kg.flows import trace
    from kg.queries import named_queries
    from kg.store import open_store

    store = open_store(store_path)
    start = time.perf_counter()
    result = build(inputs, store)
    built = time.perf_counter() - start
    print(f"\n== {label}: {store.quad_count():,} quads; built {len(result.added)} reports in {built:.1f} s "
          f"({len(result.failed)} failed)", flush=True)
    store.close()
    _link_step(store_path, "linking (full)")
    store = open_store(store_path)
    try:  # what `fundkg build` does after a large build, where the code has it: after the linking
        from kg.build import compact_after_build
    except ImportError:
        pass
    else:
        start = time.perf_counter()
        if compact_after_build(store, result):
            print(f"{'compaction':34s} {time.perf_counter() - start:8.3f} s", flush=True)
    start = time.perf_counter()
    trace(store, "城乡医疗救助", year="2022")
    print(f"{'trace 城乡医疗救助 2022':30s} {time.perf_counter() - start:8.3f} s", flush=True)
    store.close()  # the children open it read-only
    out: dict[str, float | None] = {}
    for name in sorted(named_queries()):
        timed = _time_in_child(args.code, store_path, name, args.repeat, args.limit)
        if timed is None:
            print(f"{name:30s}  > {args.limit:.0f} s (stopped)", flush=True)
            out[name] = None
        else:
            rows, seconds = timed
            out[name] = seconds
            print(f"{name:30s} {seconds * 1000:9.1f} ms  {rows} rows", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query; the median is printed")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds a query may take before it is stopped")
    parser.add_argument("--code", default=str(ROOT), help="the checkout whose kg package is timed")
    parser.add_argument("--keep", type=Path, help="keep the store and corpus in this (new) folder")
    args = parser.parse_args()
    args.code = str(Path(args.code).resolve())
    sys.path.insert(0, args.code)
    sys.path.insert(1, str(ROOT / "bench"))
    from corpus import make_corpus

    import kg
    from kg.build import build

    print(f"code: {Path(kg.__file__).parent.parent}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="fundkg-queries-"))
    try:
        corpus, first, rest = work / "corpus", work / "first", work / "rest"
        for folder in (corpus, first, rest):
            folder.mkdir(parents=True)
        kinds = make_corpus(corpus, args.reports + 1)
        print(f"corpus: {', '.join(f'{k} {n}' for k, n in kinds.most_common())}")
        files = sorted(corpus.iterdir())
        extra = files.pop()  # the report added last, to time the linking after one report
        quarter = args.reports // 4
        for i, path in enumerate(files):
            path.rename((first if i < quarter else rest) / path.name)
        common = [ROOT / "samples" / "notices"] + ([SEEDS] if SEEDS.is_dir() else [])
        store_path = work / "store"
        small = _stage(args, store_path, [first, *common], f"{quarter} corpus reports + seeds + notices")
        large = _stage(args, store_path, [first, rest, *common], f"{args.reports} corpus reports + seeds + notices")
        store = __import__("kg.store", fromlist=["open_store"]).open_store(store_path)
        added = build([extra], store).added
        store.close()
        _link_step(store_path, f"linking after adding {extra.name.split('-', 2)[-1]}", added)
        print(f"\n{'query':30s} {'N/4 ms':>9s} {'N ms':>9s} {'ratio':>6s}")
        for name, at_n in large.items():
            at_q = small.get(name)
            ratio = f"{at_n / at_q:6.2f}" if at_n and at_q else "     -"
            print(f"{name:30s} {(at_q or 0) * 1000:9.1f} {(at_n or 0) * 1000:9.1f} {ratio}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
