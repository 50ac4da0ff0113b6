"""A pool of worker processes that run queries and can be killed when they overrun.

The embedded store (Oxigraph) cannot cancel a running query: a thread that stops waiting leaves
the evaluation running and holding a core. So every query runs in a separate process that opened the store
read-only; when a query overruns its time budget, the parent kills that process (SIGKILL, which
really stops the work), reaps it and starts a replacement in the background. Other requests keep
being served by the other workers meanwhile.

Workers talk over a `multiprocessing` pipe with plain picklable data: a request is a dict with an
`op`, a reply is `("ok", payload)` or `("error", kind, message)`. A worker announces itself with the
store generation it sees; the pool renews a worker whose generation is older than the store's.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from kg.store import TURTLE, QueryTimedOut, SparqlSyntaxError, Store, TooManyResults, is_remote, open_store

# Spawned, not forked: the server process has threads (uvicorn, this pool) that fork would copy badly.
_CTX = mp.get_context("spawn")


class QueryTimeout(Exception):
    """The query ran past its time budget; its worker was killed."""


class ResultTooLarge(Exception):
    """The query produced more results than the configured cap."""


class QuerySyntaxError(Exception):
    """The query (or update) does not parse."""


class PoolBusy(Exception):
    """No worker became free in time."""


class WorkerFailed(Exception):
    """The worker raised an unexpected error or died."""


_ERRORS: dict[str, type[Exception]] = {
    "timeout": QueryTimeout,
    "too_many": ResultTooLarge,
    "syntax": QuerySyntaxError,
    "error": WorkerFailed,
}


# --- worker side ---------------------------------------------------------------------------------


def _run_query(store: Store, request: dict[str, Any]) -> tuple[str, Any]:
    try:
        answer = store.query(
            request["sparql"], graph_format=request.get("rdf_format") or TURTLE, max_results=request["max_results"],
            default_graphs=request.get("default_graphs") or (), named_graphs=request.get("named_graphs") or (),
        )  # fmt: skip
    except TooManyResults as exc:
        return "error", "too_many", f"{exc} (the result-size cap)"
    if answer.form == "ask":
        return "ok", {"form": "ask", "boolean": answer.boolean}
    if answer.results is not None:
        return "ok", {"form": "select", "variables": list(answer.results.columns), "rows": answer.results.json_rows()}
    return "ok", {"form": "graph", "count": answer.count, "data": answer.data}


def _run_flows(store: Store, request: dict[str, Any]) -> tuple[str, Any]:
    from kg.flows import to_sankey, trace

    return "ok", to_sankey(trace(store, request["programme"], **request["filters"]))


def _worker_main(conn: Connection, store_path: str, timeout: float | None = None) -> None:
    try:
        # A remote store stops a query itself: the HTTP client's timeout, and the server's own limit.
        store = open_store(store_path, read_only=True, timeout=timeout)
        generation = store.generation()
    except Exception as exc:  # reported to the parent, which fails loudly at start-up
        conn.send(("error", "error", f"cannot open store {store_path}: {exc}"))
        return
    conn.send(("ready", generation))
    ops = {"query": _run_query, "flows": _run_flows}
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        try:
            reply = ops[request["op"]](store, request)
        except SparqlSyntaxError as exc:
            reply = ("error", "syntax", str(exc))
        except QueryTimedOut as exc:
            reply = ("error", "timeout", str(exc))
        except Exception as exc:  # anything else is the request's failure, not the worker's
            reply = ("error", "error", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


# --- parent side ---------------------------------------------------------------------------------


@dataclass
class Worker:
    process: BaseProcess
    conn: Connection
    generation: int

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def stop(self) -> None:
        self.process.kill()  # SIGKILL: the only way to stop a query inside the embedded store
        self.process.join(timeout=10)
        self.conn.close()


class WorkerPool:
    """`size` worker processes over one store; `run(request, timeout)` from any thread."""

    def __init__(self, store_path: Path | str, size: int = 2, start_timeout: float = 60.0,
                 query_timeout: float | None = None) -> None:  # fmt: skip
        self.store_path = str(store_path)
        self.size = size
        # A remote store's workers stop their own queries at the budget; killing is the backstop.
        self.query_timeout = query_timeout if is_remote(self.store_path) else None
        self.start_timeout = start_timeout
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: dict[int, Worker] = {}
        self._generation = 0  # the store generation the latest write left
        self._closed = False
        self.killed: list[int] = []  # PIDs of workers killed for overrunning (for tests and logs)

    def start(self) -> WorkerPool:
        for _ in range(self.size):
            self._idle.put(self._spawn())  # synchronous: a store that cannot be opened fails start-up
        return self

    def _spawn(self) -> Worker:
        parent, child = _CTX.Pipe()
        process = _CTX.Process(
            target=_worker_main, args=(child, self.store_path, self.query_timeout), daemon=True,
            name="fundkg-query-worker",
        )
        process.start()
        child.close()
        if not parent.poll(self.start_timeout):
            process.kill()
            raise WorkerFailed(f"query worker did not start within {self.start_timeout}s")
        try:
            hello = parent.recv()
        except EOFError as exc:
            raise WorkerFailed("query worker exited while starting") from exc
        if hello[0] != "ready":
            process.join(timeout=5)
            raise WorkerFailed(hello[2])
        # The generation of the worker's own snapshot: a write that finishes while the worker
        # starts leaves it stale (renewed on first use), never taken for fresh.
        worker = Worker(process, parent, hello[1])
        with self._lock:
            self._all[worker.pid] = worker
        return worker

    def _replace_later(self) -> None:
        def spawn() -> None:
            if self._closed:
                return
            try:
                self._idle.put(self._spawn())
            except WorkerFailed:
                time.sleep(1)  # the store may be briefly unavailable: try again
                self._replace_later()

        threading.Thread(target=spawn, daemon=True).start()

    def _retire(self, worker: Worker, *, killed: bool = False) -> None:
        with self._lock:
            self._all.pop(worker.pid, None)
        if killed:
            self.killed.append(worker.pid)
        worker.stop()
        self._replace_later()

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(self._all)

    def run(self, request: dict[str, Any], timeout: float) -> Any:
        """Run one request; raise QueryTimeout (worker killed), ResultTooLarge, QuerySyntaxError …"""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty as exc:
            raise PoolBusy(f"every query worker stayed busy for {timeout:g}s; try again later") from exc
        if worker.generation < self._generation or not worker.process.is_alive():
            # Opened before the store changed (read-only opens see a snapshot) or died: replace it.
            self._retire(worker)
            return self.run(request, timeout)
        try:
            worker.conn.send(request)
            if not worker.conn.poll(timeout + (1.0 if self.query_timeout else 0.0)):
                self._retire(worker, killed=True)
                raise QueryTimeout(f"the query ran past its time budget of {timeout:g}s and was stopped")
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._retire(worker)
            raise WorkerFailed("the query worker died while running the query") from exc
        self._idle.put(worker)
        if reply[0] == "ok":
            return reply[1]
        raise _ERRORS.get(reply[1], WorkerFailed)(reply[2])

    def refresh(self, generation: int) -> None:
        """After a write that left the store at `generation`: workers that see an older one are renewed."""
        with self._lock:
            self._generation = max(self._generation, generation)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all.values())
            self._all.clear()
        for worker in workers:
            worker.stop()
