"""A pool of worker processes that run queries and can be killed when they overrun.

The embedded store (Oxigraph) cannot cancel a running query: a thread that stops waiting leaves
the evaluation running and holding a core. So every query runs in a separate process that opened the store
read-only; when a query overruns its time budget or its memory limit, the parent kills that process
(SIGKILL, which really stops the work: kg.watchdog), reaps it and starts a replacement in the
background. Other requests keep being served by the other workers meanwhile.

Workers talk over a `multiprocessing` pipe with plain picklable data: a request is a dict with an
`op`, a reply is `("ok", payload)` or `("error", kind, message)`. A worker announces itself with the
store generation it sees; the pool renews a worker whose generation is older than the store's.
A user's query (`request["policy"]` set) is checked for SERVICE in the worker, inside the budget:
parsing is work a hostile text can make long.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from api.guard import Policy, Refused, check_query
from kg.store import TURTLE, QueryTimedOut, SparqlSyntaxError, Store, TooManyResults, is_remote, open_store
from kg.watchdog import Child, ChildDied, Overrun


class QueryTimeout(Exception):
    """The query ran past its time budget; its worker was killed."""


class QueryOverMemory(Exception):
    """The query used more memory than a worker may; its worker was killed."""


class ResultTooLarge(Exception):
    """The query produced more results than the configured cap."""


class QuerySyntaxError(Exception):
    """The query (or update) does not parse."""


class QueryRefused(Exception):
    """The query uses a feature the service does not allow (SERVICE, LOAD)."""


class PoolBusy(Exception):
    """No worker became free in time."""


class WorkerFailed(Exception):
    """The worker raised an unexpected error or died."""


_ERRORS: dict[str, type[Exception]] = {
    "timeout": QueryTimeout,
    "too_many": ResultTooLarge,
    "syntax": QuerySyntaxError,
    "refused": QueryRefused,
    "error": WorkerFailed,
}


# --- worker side ---------------------------------------------------------------------------------


def _run_query(store: Store, request: dict[str, Any]) -> tuple[str, Any]:
    if request.get("policy") is not None:
        check_query(request["sparql"], Policy.of(**request["policy"]))
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
    import rdflib.plugins.sparql.parser  # noqa: F401  (now, not in the first user query's time budget)

    try:
        # A remote store stops a query itself: the HTTP client's timeout, and the server's own limit.
        store = open_store(store_path, read_only=True, timeout=timeout)
        generation = store.generation()
    except Exception as exc:  # reported to the parent, which fails loudly at start-up
        conn.send(("error", "error", f"cannot open store {store_path}: {exc}"))
        return
    conn.send(("ready", generation))
    ops = {"query": _run_query, "flows": _run_flows, "generation": lambda s, r: ("ok", s.generation())}
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        try:
            reply = ops[request["op"]](store, request)
        except SparqlSyntaxError as exc:
            reply = ("error", "syntax", str(exc))
        except Refused as exc:
            reply = ("error", "refused", str(exc))
        except QueryTimedOut as exc:
            reply = ("error", "timeout", str(exc))
        except Exception as exc:  # anything else is the request's failure, not the worker's
            reply = ("error", "error", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


# --- parent side ---------------------------------------------------------------------------------


@dataclass
class Worker:
    child: Child
    generation: int

    @property
    def pid(self) -> int:
        return self.child.pid

    def stop(self) -> None:
        self.child.kill()  # SIGKILL: the only way to stop a query inside the embedded store


class WorkerPool:
    """`size` worker processes over one store; `run(request, timeout)` from any thread."""

    def __init__(
        self,
        store_path: Path | str,
        size: int = 2,
        start_timeout: float = 60.0,
        max_rss: int | None = None,
        query_timeout: float | None = None,
    ) -> None:
        self.store_path = str(store_path)
        self.size = size
        # A remote store's workers stop their own queries at the budget; killing is the backstop.
        self.query_timeout = query_timeout if is_remote(self.store_path) else None
        self.start_timeout = start_timeout
        self.max_rss = max_rss  # bytes of resident memory a worker may use while it runs a query
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
        child = Child.start(_worker_main, (self.store_path, self.query_timeout), name="fundkg-query-worker")
        try:
            hello = child.receive(self.start_timeout)
        except Overrun as exc:
            raise WorkerFailed(f"query worker did not start within {self.start_timeout}s") from exc
        except ChildDied as exc:
            raise WorkerFailed("query worker exited while starting") from exc
        if hello[0] != "ready":
            child.kill()
            raise WorkerFailed(hello[2])
        # The generation of the worker's own snapshot: a write that finishes while the worker
        # starts leaves it stale (renewed on first use), never taken for fresh.
        worker = Worker(child, hello[1])
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
        """Run one request; raise QueryTimeout or QueryOverMemory (worker killed), ResultTooLarge, …"""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty as exc:
            raise PoolBusy(f"every query worker stayed busy for {timeout:g}s; try again later") from exc
        if worker.generation < self._generation or not worker.child.alive():
            # Opened before the store changed (read-only opens see a snapshot) or died: replace it.
            self._retire(worker)
            return self.run(request, timeout)
        pid = worker.pid
        try:
            reply = worker.child.call(request, timeout + (1.0 if self.query_timeout else 0.0), self.max_rss)
        except Overrun as exc:
            with self._lock:
                self._all.pop(pid, None)
            self.killed.append(pid)
            self._replace_later()
            if exc.kind == "memory":
                raise QueryOverMemory(f"the query {exc}") from exc
            raise QueryTimeout(f"the query {exc}") from exc
        except ChildDied as exc:
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
