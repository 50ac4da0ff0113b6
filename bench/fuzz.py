"""Fuzz the readers and the build with malformed inputs of every format, each in a killable process.

    python bench/fuzz.py --cases 5000 --seed 1            # counts, and every case that went wrong
    python bench/fuzz.py --cases 200 --seed 12 --json out.json --keep failed/

Cases come from bench/fuzzcases.py (see there for the kinds). Each is written under its own name
and built the way `fundkg build` builds a file — read, extracted, mapped, written to a store — in a
worker process with a time budget and a memory limit (kg.watchdog: a case that overruns is killed
with its worker, which is replaced). Every case ends as one of:

    built          read and stored
    skipped        refused with a named error (kg.errors: empty, corrupt, encrypted, too large …)
    isolated       stored, but an extraction component or mapping section failed on it (fkg:ExtractionIssue)
    crashed        an error no reader or extractor names (a bug: kg.errors.UnexpectedError or worse)
    hung           killed at the time budget
    over memory    killed at the memory limit

The exit code is 0 when nothing crashed, hung, went over memory or was isolated.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzzcases import Case, make_bases, make_case

from kg.watchdog import Child, ChildDied, Overrun, rss_bytes

OUTCOMES = ("built", "skipped", "isolated", "crashed", "hung", "over memory")
BAD = ("isolated", "crashed", "hung", "over memory")
RECYCLE_BYTES = 768 * 2**20  # a worker that grew past this between cases is replaced


@dataclass(frozen=True)
class Result:
    index: int
    name: str
    kind: str
    size: int
    outcome: str
    detail: str
    seconds: float


# --- worker side ---------------------------------------------------------------------------------


def _issues(quads: list[Any]) -> list[str]:
    """The extraction issues a mapped report records: 'component: error'."""
    from kg.vocab import DCTERMS, FKG

    components = {q.subject: q.object.value for q in quads if q.predicate.value == FKG.component}
    errors = {q.subject: q.object.value for q in quads if q.predicate.value == DCTERMS.description}
    return sorted(f"{c}: {errors.get(s, '?')}" for s, c in components.items())


def run_case(path: Path, store: Any) -> tuple[str, str]:
    """Build one file as `fundkg build` does, and say how it ended."""
    from kg.build import report_key
    from kg.errors import ReportError, UnexpectedError, error_text, where_raised
    from kg.extract.pipeline import EXTRACTOR_VERSION, extract_report
    from kg.rdf.mapping import map_report
    from kg.readers import read_document
    from kg.store import PendingReport

    def bug(stage: str, exc: BaseException) -> tuple[str, str]:
        where = where_raised(exc)
        return "crashed", f"{stage}: {error_text(exc)}" + (f" at {where}" if where else "")

    try:
        document = read_document(path)
    except UnexpectedError as exc:
        return "crashed", f"read: {exc.detail}"
    except ReportError as exc:
        return "skipped", type(exc).__name__
    except BaseException as exc:  # a PanicException from Rust is no Exception
        if isinstance(exc, KeyboardInterrupt):
            raise
        return bug("read", exc)
    try:
        records = extract_report(document)
        report, graph, quads = map_report(records, report_key(path), EXTRACTOR_VERSION)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return bug("extract", exc)
    try:
        pending = PendingReport(report, graph, quads, document.sha256, EXTRACTOR_VERSION, report_key(path), path.name)
        store.write_reports([pending])
        store.remove_report(pending.report)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return bug("store", exc)
    issues = _issues(quads)
    return ("isolated", "; ".join(issues)) if issues else ("built", "")


def _probe(kind: str) -> None:
    """Misbehave on purpose, so that a test can see the harness count it (tests/test_fuzz.py)."""
    if kind == "sleep":
        time.sleep(3600)
    hoard = []
    while kind == "grow":
        hoard.append(bytearray(16 * 2**20))


def _worker(conn: Connection) -> None:
    from kg.store import open_store

    store = open_store(None)
    with tempfile.TemporaryDirectory(prefix="fundkg-fuzz-") as tmp:
        # A first report loads what extraction loads lazily (the segmenter's dictionary …) before
        # any case's budget runs.
        warm = Path(tmp) / "warm-up.txt"
        warm.write_text("石楼县医疗保障局2023年度部门决算\n本年收入合计1,286.45万元。\n", encoding="utf-8")
        run_case(warm, store)
        warm.unlink()
        conn.send(("ready",))
        while True:
            try:
                name, data, probe = conn.recv()
            except EOFError:
                return
            if probe:
                _probe(probe)
            folder = Path(tmp) / str(time.monotonic_ns())
            folder.mkdir()
            path = folder / name
            path.write_bytes(data)
            try:
                conn.send(run_case(path, store))
            finally:
                path.unlink(missing_ok=True)
                folder.rmdir()


# --- parent side ---------------------------------------------------------------------------------


class _Runner:
    def __init__(self, timeout: float, max_rss: int | None, start_timeout: float = 180.0) -> None:
        self.timeout = timeout
        self.max_rss = max_rss
        self.start_timeout = start_timeout
        self.child: Child | None = None

    def _ready(self) -> Child:
        if self.child is None:
            child = Child.start(_worker, (), name="fundkg-fuzz")
            child.receive(self.start_timeout)
            self.child = child
        return self.child

    def run(self, case: Case, probe: str | None = None) -> tuple[str, str]:
        child = self._ready()
        try:
            outcome = child.call((case.name, case.data, probe), self.timeout, self.max_rss)
            # A worker keeps what its allocators took for earlier cases: a fresh one, before that
            # counts against the next case's limit.
            if (rss_bytes(child.pid) or 0) > RECYCLE_BYTES:
                child.kill()
                self.child = None
            return outcome
        except Overrun as exc:
            self.child = None
            return ("hung" if exc.kind == "time" else "over memory"), str(exc)
        except ChildDied as exc:
            self.child = None
            return "crashed", f"the worker died: {exc}"

    def close(self) -> None:
        if self.child is not None:
            self.child.kill()


def fuzz(
    cases: int,
    seed: int = 1,
    *,
    workers: int = 2,
    timeout: float = 30.0,
    memory_mb: float = 2048,
    office: bool = False,
    keep: Path | None = None,
    progress: bool = False,
) -> list[Result]:
    """Make and run `cases` cases; one Result per case, in case order."""
    bases = make_bases(office=office)
    todo: queue.Queue[int] = queue.Queue()
    for index in range(cases):
        todo.put(index)
    results: dict[int, Result] = {}
    lock = threading.Lock()

    def work() -> None:
        runner = _Runner(timeout, int(memory_mb * 2**20))
        try:
            while True:
                try:
                    index = todo.get_nowait()
                except queue.Empty:
                    return
                case = make_case(seed, index, bases)
                started = time.monotonic()
                outcome, detail = runner.run(case)
                result = Result(index, case.name, case.kind, len(case.data), outcome, detail,
                                round(time.monotonic() - started, 3))  # fmt: skip
                if keep is not None and outcome in BAD:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / f"{index:06d}-{case.name}").write_bytes(case.data)
                with lock:
                    results[index] = result
                    if progress and len(results) % 100 == 0:
                        print(f"  {len(results)}/{cases}", file=sys.stderr, flush=True)
        finally:
            runner.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [results[i] for i in sorted(results)]


def summary(results: list[Result]) -> dict[str, Any]:
    counts = Counter(r.outcome for r in results)
    by_kind: dict[str, Counter[str]] = {}
    for r in results:
        by_kind.setdefault(r.kind, Counter())[r.outcome] += 1
    return {
        "cases": len(results),
        "counts": {o: counts.get(o, 0) for o in OUTCOMES},
        "named errors": dict(Counter(r.detail for r in results if r.outcome == "skipped").most_common()),
        "by kind": {k: dict(v) for k, v in sorted(by_kind.items())},
        "slowest": [asdict(r) for r in sorted(results, key=lambda r: -r.seconds)[:5]],
        "bad": [asdict(r) for r in results if r.outcome in BAD],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds one case may take")
    parser.add_argument("--memory", type=float, default=2048, help="MiB one case may use")
    parser.add_argument("--office", action="store_true", help="also fuzz .xls and .doc made by LibreOffice")
    parser.add_argument("--keep", type=Path, help="save the cases that went wrong in this folder")
    parser.add_argument("--json", type=Path, help="write the summary as JSON to this file")
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = fuzz(args.cases, args.seed, workers=args.workers, timeout=args.timeout, memory_mb=args.memory,
                   office=args.office, keep=args.keep, progress=True)  # fmt: skip
    report = summary(results)
    report.update(seed=args.seed, seconds=round(time.monotonic() - started, 1), timeout=args.timeout,
                  memory_mb=args.memory)  # fmt: skip
    counts = report["counts"]
    print(f"{report['cases']} cases (seed {args.seed}) in {report['seconds']} s: "
          + ", ".join(f"{counts[o]} {o}" for o in OUTCOMES))  # fmt: skip
    for kind, outcomes in report["by kind"].items():
        print(f"  {kind:16} " + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))
    for bad in report["bad"]:
        head = f"{bad['outcome'].upper()} #{bad['index']} {bad['kind']} {bad['name']} ({bad['size']} B)"
        print(f"  {head}: {bad['detail']}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(counts[o] for o in BAD) else 0


if __name__ == "__main__":
    sys.exit(main())
