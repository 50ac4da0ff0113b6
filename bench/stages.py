"""Time each stage of the build for one report at a time: reading, extraction, mapping, writing.

Uses the same synthetic corpus as bench/build.py. The write is one `write_reports` per report (bulk
load and manifest switch) into an on-disk store; Oxigraph's own threads may go on working after it
returns, so the write column is the calling thread's wait, not the whole CPU cost (bench/build.py
prints that).

    python bench/stages.py --reports 80
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=80)
    parser.add_argument("--no-write", action="store_true", help="skip the store: Python stages only")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from build import make_corpus

    from kg.extract.pipeline import EXTRACTOR_VERSION, extract_report
    from kg.rdf.mapping import map_report
    from kg.readers import read_document
    from kg.store import PendingReport, open_store

    work = Path(tempfile.mkdtemp(prefix="fundkg-stages-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        make_corpus(corpus, args.reports + 1)
        files = sorted(corpus.iterdir())
        extract_report(read_document(files[0]))  # warm-up: dictionaries load once per process
        store = open_store(work / "store")
        totals = {"read": 0.0, "extract": 0.0, "map": 0.0, "write": 0.0}
        quads = 0
        for path in files[1:]:
            t0 = time.perf_counter()
            document = read_document(path)
            t1 = time.perf_counter()
            records = extract_report(document)
            t2 = time.perf_counter()
            report, graph, report_quads = map_report(records, path.name, EXTRACTOR_VERSION)
            t3 = time.perf_counter()
            if not args.no_write:
                store.write_reports([PendingReport(report, graph, report_quads, document.sha256, EXTRACTOR_VERSION,
                                                   path.name, str(path))])  # fmt: skip
            t4 = time.perf_counter()
            quads += len(report_quads)
            for stage, seconds in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                totals[stage] += seconds
        n = len(files) - 1
        print(f"reports: {n}, {quads / n:,.0f} quads each")
        for stage, seconds in totals.items():
            print(f"{stage:8s} {seconds / n * 1000:6.1f} ms per report")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
