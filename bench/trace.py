"""Time `fundkg trace` of two checkouts on one existing store, alternating, for a fair before/after.

The README's trace (城乡医疗救助, 柳林县, 2022) and the same without the region, then without the year,
each built and rendered as text (what `fundkg trace` prints) in a child process per checkout, which
imports that checkout's code and opens the store read-only (median of --repeat runs, the import and
the opening not counted); the checkouts alternate run by run, so that the machine's load falls on both.

    python bench/trace.py --store DIR/store --code /work/before --code .
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import time
from pathlib import Path

CASES: list[tuple[str, dict[str, str]]] = [
    ("城乡医疗救助 柳林县 2022", {"region": "柳林县", "year": "2022"}),
    ("城乡医疗救助 2022", {"year": "2022"}),
    ("城乡医疗救助", {}),
]


def _time_trace(code: str, store_path: str, case: int, out: mp.Queue) -> None:
    import sys

    sys.path.insert(0, code)
    from kg.flows import render_text, trace
    from kg.store import open_store

    store = open_store(Path(store_path), read_only=True)
    filters = CASES[case][1]
    start = time.perf_counter()
    result = trace(store, "城乡医疗救助", **filters)
    lines = render_text(result).count("\n") + 1
    out.put((time.perf_counter() - start, lines))


def _run(code: str, store: Path, case: int, limit: float) -> tuple[float, int] | None:
    queue: mp.Queue = mp.get_context("spawn").Queue()
    child = mp.get_context("spawn").Process(target=_time_trace, args=(code, str(store), case, queue))
    child.start()
    child.join(limit + 15)  # the child also loads Python and opens the store
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return queue.get() if not queue.empty() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--code", action="append", required=True, help="a checkout (give two)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=float, default=120.0)
    args = parser.parse_args()
    codes = [str(Path(c).resolve()) for c in args.code]
    print(f"{'trace':28s} " + " ".join(f"{Path(c).name[:12]:>14s}" for c in codes) + "   lines   ratio")
    for case, (label, _) in enumerate(CASES):
        times: dict[str, list[float]] = {code: [] for code in codes}
        lines: dict[str, int] = {}
        for _ in range(args.repeat):
            for code in codes:
                timed = _run(code, args.store, case, args.limit)
                if timed is not None:
                    times[code].append(timed[0])
                    lines[code] = timed[1]
        medians = [statistics.median(t) if t else None for t in times.values()]
        cells = [f"{m:11.2f} s " if m is not None else f"  > {args.limit:.0f} s  " for m in medians]
        first, last = medians[0], medians[-1]
        ratio = f"{first / last:6.1f}×" if first and last else "     -"
        counts = "/".join(str(lines.get(c, "-")) for c in codes)
        print(f"{label:28s} " + " ".join(f"{c:>14s}" for c in cells) + f"   {counts}   {ratio}", flush=True)


if __name__ == "__main__":
    main()
