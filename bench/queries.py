"""Time the named queries, the cross-level linking and a trace on a store of many reports.

A store grows by reports that describe the same departments, regions and policy documents again
and again (each report graph describes what it mentions). This benchmark builds N seed-size
reports (the corpus of bench/build.py) plus, when present, the five seed reports and the sample
notices, then times every named query with its example parameters, `kg.linking.analyse` and
`kg.flows.trace`. Each query runs in a child process with a time limit, so one slow query is
reported as such instead of stalling the run.

    python bench/queries.py --reports 200
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


def _time_query(store_path: str, name: str, out: mp.Queue) -> None:
    from kg.queries import bind, named_queries
    from kg.store import open_store

    store = open_store(Path(store_path), read_only=True)
    query = named_queries()[name]
    text = bind(query, query.example_parameters())
    start = time.perf_counter()
    answer = store.query(text)
    rows = answer.count
    out.put((rows, time.perf_counter() - start))


def _time_in_child(store_path: Path, name: str, limit: float) -> tuple[int, float] | None:
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()
    child = ctx.Process(target=_time_query, args=(str(store_path), name, out))
    child.start()
    child.join(limit + 10)  # the child also loads Python and opens the store
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return out.get() if not out.empty() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--limit", type=float, default=30.0, help="seconds a query may take before it is stopped")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from build import make_corpus

    from kg.build import build
    from kg.flows import trace
    from kg.linking import analyse
    from kg.queries import named_queries
    from kg.store import open_store

    work = Path(tempfile.mkdtemp(prefix="fundkg-queries-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        make_corpus(corpus, args.reports)
        inputs = [corpus, ROOT / "samples" / "notices"] + ([SEEDS] if SEEDS.is_dir() else [])
        store_path = work / "store"
        store = open_store(store_path)
        build(inputs, store)
        print(
            f"store: {args.reports} corpus reports + {'seeds + ' if SEEDS.is_dir() else ''}notices, "
            f"{store.quad_count():,} quads"
        )
        start = time.perf_counter()
        report = analyse(store)
        print(f"{'linking (analyse)':30s} {time.perf_counter() - start:8.3f} s  {len(report.links)} links")
        start = time.perf_counter()
        trace(store, "城乡医疗救助", region="柳林县", year="2022")
        print(f"{'trace 城乡医疗救助 柳林县 2022':26s} {time.perf_counter() - start:8.3f} s")
        store.close()  # the children open it read-only
        for name in sorted(named_queries()):
            timed = _time_in_child(store_path, name, args.limit)
            if timed is None:
                print(f"{name:30s}  > {args.limit:.0f} s (stopped)")
            else:
                rows, seconds = timed
                print(f"{name:30s} {seconds:8.3f} s  {rows} rows")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
