"""Time the command line: start-up (`fundkg --help`), the overhead of `fundkg query` over the query
itself, a large table, and `fundkg validate` (issues 13 and 15).

Each command runs N times as a child process; the figures are medians of wall-clock time and of the
child's CPU time (user + system), since on a shared machine the wall clock also measures the other
processes. The overhead of `fundkg query` is the child's time minus the same query run in this
process (store opened, parameters bound, results serialised as CSV).

    python bench/cli.py --store fundkg-store                      # the code on this PYTHONPATH
    python bench/cli.py --store fundkg-store --source /tmp/before # another checkout, e.g. before a change
    python bench/cli.py --store seeds-store --validate            # also time `fundkg validate` (slow before)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERY = ["query", "departments", "-f", "csv"]


def run(source: Path | None, args: list[str], env_extra: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one `fundkg ARGS` in a child process."""
    env = dict(os.environ)
    # As an installed package runs: from compiled bytecode (pip compiles at install). With
    # PYTHONDONTWRITEBYTECODE every run would compile the project's modules again (≈ 40 ms).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "fundkg-bench-pycache")
    if source is not None:
        env["PYTHONPATH"] = str(source)
    env.update(env_extra or {})
    command = [sys.executable, "-c", "import sys; from kg.cli import app; sys.argv[0] = 'fundkg'; app()", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Outside the checkout: `python -c` puts the working folder first on sys.path, and the checkout's
    # kg/ would be imported whatever --source says.
    subprocess.run(command, env=env, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def medians(source: Path | None, args: list[str], n: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    run(source, args, env)  # warm-up: bytecode written, files in the page cache
    runs = [run(source, args, env) for _ in range(n)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def in_process_query(store: Path, n: int) -> tuple[float, float]:
    """The query alone, as `fundkg query departments -f csv` runs it, in this process (warm imports)."""
    from kg.queries import bind, get_query
    from kg.store import open_store

    walls, cpus = [], []
    for _ in range(n):
        c0, w0 = time.process_time(), time.perf_counter()
        fund_store = open_store(store, read_only=True)
        text = bind(get_query("departments"), {})
        fund_store.query(text, results_format="text/csv", prefixes=False)
        fund_store.close()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True, help="A store to query (e.g. the quick-start store).")
    parser.add_argument("--source", type=Path, help="Run the CLI of this source checkout (PYTHONPATH).")
    parser.add_argument("-n", type=int, default=7, help="Runs per figure (median).")
    parser.add_argument("--validate", action="store_true", help="Also time `fundkg validate` (once).")
    args = parser.parse_args()
    store = args.store.resolve()
    where = f"source {args.source}" if args.source else "installed code"
    print(f"fundkg CLI timings ({where}; median of {args.n}; wall / CPU seconds)")
    help_wall, help_cpu = medians(args.source, ["--help"], args.n)
    print(f"  fundkg --help                      {help_wall:6.3f} / {help_cpu:6.3f}")
    q_wall, q_cpu = medians(args.source, [*QUERY, "--store", str(store)], args.n)
    in_wall, in_cpu = in_process_query(store, args.n)
    print(f"  fundkg query departments -f csv    {q_wall:6.3f} / {q_cpu:6.3f}")
    print(f"    the query in process             {in_wall:6.3f} / {in_cpu:6.3f}")
    print(f"    overhead of the command          {q_wall - in_wall:6.3f} / {q_cpu - in_cpu:6.3f}")
    t_wall, t_cpu = medians(args.source, ["query", "most-cited-documents", "--store", str(store)], args.n,
                            {"COLUMNS": "120"})  # fmt: skip
    print(f"  fundkg query most-cited-documents (table, 120 columns) {t_wall:6.3f} / {t_cpu:6.3f}")
    if args.validate:
        v_wall, v_cpu = run(args.source, ["validate", "--store", str(store)])
        print(f"  fundkg validate                    {v_wall:6.3f} / {v_cpu:6.3f}")


if __name__ == "__main__":
    main()
