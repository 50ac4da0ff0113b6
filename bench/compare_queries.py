"""Time every named query of two checkouts on one existing store, alternating, for a fair before/after.

The store holds the same quads whichever checkout built it (issue 13 changed what is written twice,
not what is stored), so both checkouts' queries can be timed on one store kept by
`bench/queries.py --keep DIR`. Each query runs in a child process per checkout (median of
--repeat runs); the checkouts alternate query by query, so that the machine's load falls on both.

    python bench/compare_queries.py --store DIR/store --code /work/before --code .
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from queries import _time_in_child  # noqa: E402  (bench/ is no package)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--code", action="append", required=True, help="a checkout (give two)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--limit", type=float, default=30.0)
    args = parser.parse_args()
    codes = [str(Path(c).resolve()) for c in args.code]
    sys.path.insert(0, codes[-1])
    from kg.queries import named_queries

    print(f"{'query':30s} " + " ".join(f"{Path(c).name[:12]:>14s}" for c in codes) + "   rows")
    for name in sorted(named_queries()):
        cells, rows = [], []
        for code in codes:
            timed = _time_in_child(code, args.store, name, args.repeat, args.limit)
            cells.append(f"{timed[1] * 1000:11.1f} ms" if timed else f"  > {args.limit:.0f} s  ")
            rows.append(str(timed[0]) if timed else "-")
        print(f"{name:30s} " + " ".join(f"{c:>14s}" for c in cells) + "   " + "/".join(rows), flush=True)


if __name__ == "__main__":
    main()
