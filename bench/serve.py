"""Load the web service: pages, REST named queries and /sparql, at 1, 8 and 32 concurrent clients.

Builds (or reuses) a store of N reports — the corpus of bench/build.py plus the sample notices and,
when present, the five seed reports, linked as `fundkg build` links — starts the service on it in a
process of its own (uvicorn, as `fundkg serve`), then for every target and every client count runs
closed-loop clients (keep-alive HTTP/1.1, one request after the other) for a few seconds and prints
requests/s, p50 and p99 latency and the count of non-200 answers (503 when the pool was saturated).

    python bench/serve.py --reports 1000 --store /tmp/kg-1000            # build once, then reuse
    python bench/serve.py --store /tmp/kg-1000 --root /tmp/fundkg-before  # the same load on other code

`--root` serves the code of another checkout (for a before/after comparison on one store). A target
the served code does not have (404) is reported as absent. Every target is requested once before it is
timed, so a result cache is measured warm (as a service in use would be).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


def build_store(path: Path, reports: int) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import tempfile

    from build import make_corpus

    from kg.build import build
    from kg.linking import link
    from kg.store import open_store

    corpus = Path(tempfile.mkdtemp(prefix="fundkg-serve-corpus-"))
    make_corpus(corpus, reports)
    inputs = [corpus, ROOT / "samples" / "notices"] + ([SEEDS] if SEEDS.is_dir() else [])
    start = time.perf_counter()
    with open_store(path) as store:
        result = build(inputs, store)
        assert not result.failed, result.failed
        link(store)
        print(f"built {path}: {reports} corpus reports + notices{' + seeds' if SEEDS.is_dir() else ''}, "
              f"{store.quad_count():,} quads in {time.perf_counter() - start:.0f} s", flush=True)  # fmt: skip


def start_server(
    store: Path, root: Path, port: int, workers: int, cache_entries: int | None = None
) -> subprocess.Popen[bytes]:
    extra = f", cache_entries={cache_entries}" if cache_entries is not None else ""  # code before the cache has none
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from api.app import serve; "
        f"serve(sys.argv[2], port=int(sys.argv[3]), workers=int(sys.argv[4]){extra})"
    )
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(root), str(store), str(port), str(workers)],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, _ = get(port, "/api/queries")
            if status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        time.sleep(0.3)
    raise RuntimeError("the server did not start in 120 s")


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


def targets(port: int) -> list[tuple[str, str]]:
    """(kind, path) for every page, every named query with its example parameters, and /sparql."""
    q = urllib.parse.quote
    _, body = get(port, "/api/departments")
    departments = json.loads(body)
    dept = next((d for d in departments if d.get("name") == "柳林县医疗保障局"), departments[0])
    _, body = get(port, "/api/queries")
    named = json.loads(body)
    report = "000_84a2500fe35ff2c8.txt" if SEEDS.is_dir() else "bench-00000.txt"
    pages = [
        "/",
        f"/departments/{dept['id']}",
        f"/reports/{q(report)}",
        "/policies/" + q("乐府办规〔2022〕3号" if SEEDS.is_dir() else "财社〔2022〕61号"),
        "/flows?programme=" + q("城乡医疗救助"),
        "/query",
        "/programmes",
        "/policies",
        "/reports",
        "/departments",
        "/queries",
        "/queries/departments",
    ]
    out = [("page", p) for p in pages]
    for n in named:
        params = {p["name"]: p["example"] for p in n["parameters"] if p["required"] and p["example"] is not None}
        out.append(("rest", f"/api/queries/{n['name']}" + (f"?{urllib.parse.urlencode(params)}" if params else "")))
    out.append(("sparql", "/sparql?query=" + q("SELECT * WHERE { ?s ?p ?o } LIMIT 1")))
    return out


def load(port: int, path: str, clients: int, seconds: float) -> tuple[float, list[float], dict[int, int]]:
    """Closed-loop clients for `seconds`: (requests/s, latencies in s, counts of each status)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine: list[float] = []
        codes: dict[int, int] = {}
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                status, _ = get(port, path, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status = 0
            mine.append(time.perf_counter() - start)
            codes[status] = codes.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for k, v in codes.items():
                statuses[k] = statuses.get(k, 0) + v

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / (time.perf_counter() - began), latencies, statuses


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=200, help="corpus reports in a store built here")
    parser.add_argument("--store", type=Path, help="the store to serve (built here when it does not exist)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the code tree to serve (default: this one)")
    parser.add_argument("--clients", default="1,8,32", help="client counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=3.0, help="load per target and client count")
    parser.add_argument("--workers", type=int, default=2, help="the service's query worker processes")
    parser.add_argument("--only", help="run only targets whose path contains this text")
    parser.add_argument("--cache-entries", type=int, help="the service's answer cache (0: none; default: its own)")
    parser.add_argument("--build-only", action="store_true", help="build the store, serve nothing")
    args = parser.parse_args()
    store = args.store or Path(f"/tmp/fundkg-serve-{args.reports}")
    if not store.exists():
        build_store(store, args.reports)
        if args.store is None:
            print(f"(kept at {store} for the next run: --store {store})")
    if args.build_only:
        return
    sys.path.insert(0, str(ROOT / "api"))
    from devserver import free_port

    port = free_port()
    server = start_server(store, args.root.resolve(), port, args.workers, args.cache_entries)
    try:
        clients = [int(c) for c in args.clients.split(",")]
        cache = "" if args.cache_entries is None else f"; cache entries {args.cache_entries}"
        print(f"store {store}; code {args.root}; {args.workers} query workers{cache}; {os.cpu_count()} cores; "
              f"{args.seconds:g} s per cell")  # fmt: skip
        print(f"{'target':58s}" + "".join(f" | {c:>2} clients: req/s  p50 ms  p99 ms  non-200" for c in clients))
        for kind, path in targets(port):
            if args.only and args.only not in path:
                continue
            status, _ = get(port, path)  # warm: the first answer may fill a cache
            label = urllib.parse.unquote(path)[:56]
            if status == 404:
                print(f"{kind:6s} {label:51s} | absent (404)")
                continue
            cells = []
            for c in clients:
                rate, lat, codes = load(port, path, c, args.seconds)
                bad = sum(v for k, v in codes.items() if k != 200)
                p50, p99 = percentile(lat, 50) * 1000, percentile(lat, 99) * 1000
                cells.append(f" | {'':11s}{rate:6.1f} {p50:7.1f} {p99:7.0f} {bad:8d}")
            print(f"{kind:6s} {label:51s}" + "".join(cells), flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
