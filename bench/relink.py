"""Time the linking a build runs after adding one report to a large store, for each report kind.

For each kind of bench/corpus.py, one report of that kind (another seed of the corpus, so its
amounts are new) is added to the store, `link_after_build` is timed (what `fundkg build` runs), and
the report is removed again with a full relink, so that every kind starts from the same store. A
full link of the store is timed too, for comparison. Median of --repeat runs.

    python bench/relink.py --store STORE            # a store built by bench/queries.py --keep or bench/build.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from corpus import MIX, make_corpus  # noqa: E402  (bench/ is no package)


def links_graph(store: Any, graph: str) -> set[tuple[str, str, str]]:
    query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return {(str(r["s"]), str(r["p"]), str(r["o"])) for r in store.select(query).rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True, help="a built store (it is left as it was)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", default=str(ROOT), help="the checkout whose kg package is timed")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.code).resolve()))
    from kg.build import build, report_iris
    from kg.linking import link, link_after_build
    from kg.store import open_store
    from kg.vocab import LINKS_GRAPH

    store = open_store(args.store)
    print(f"store: {len(store.manifest()):,} reports, {store.quad_count():,} quads")
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        full = link(store)
        times.append(time.perf_counter() - start)
    print(f"{'full link':28s} {statistics.median(times):7.3f} s  {len(full.links)} links")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_corpus(folder, 2 * sum(MIX.values()), seed=11)
        for kind in MIX:
            # The second report of the kind: the corpus's first ones repeat the first county and year.
            path = sorted(folder.glob(f"*-{kind}.*"))[-1]
            late = path.rename(path.with_name(f"relink-{path.name}"))
            times, scope, same = [], "", True
            for _ in range(args.repeat):
                result = build([late], store)
                assert result.added, result.failed
                start = time.perf_counter()
                report = link_after_build(store, report_iris(result.added), 0)
                times.append(time.perf_counter() - start)
                scope = report.scope or " (full)"
                incremental = links_graph(store, LINKS_GRAPH)
                link(store)
                same &= incremental == links_graph(store, LINKS_GRAPH)
                for iri in report_iris(result.added):
                    store.remove_report(iri)
                link(store)
            print(
                f"{'add 1 ' + kind:34s} {statistics.median(times):7.3f} s{scope}; "
                f"links graph {'equal to' if same else 'DIFFERENT from'} a full link's",
                flush=True,
            )
    store.close()


if __name__ == "__main__":
    main()
