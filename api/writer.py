"""The service's writes — SPARQL updates and uploaded reports — in a worker process that can be killed.

An upload runs the whole build of a file (reading, extraction, mapping, the store write, linking),
and a zip bomb or a pathological table can make that long and large; an update can be long too.
Neither may stall or bloat the server, and the store's lock must never stay held. So every write
runs in one writer process (one writer at a time, as the store wants it) that opens the store for
the write and closes it after; the parent watches the clock and the writer's memory and kills it
past either budget (kg.watchdog), then starts a fresh one. A killed write leaves nothing half
written: a build's manifest switch and an update are each one transaction, and the graphs a build
loaded before its switch are orphans the next read-write open drops.
"""

from __future__ import annotations

import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from api.guard import Policy, Refused, check_update
from kg.store import SparqlSyntaxError, StoreError, UpdateError, open_store
from kg.watchdog import Child, ChildDied, Overrun


class WriteRefused(Exception):
    """The update uses a feature the service does not allow (LOAD from elsewhere, SERVICE)."""


class WriteInvalid(Exception):
    """The update does not parse, or parsed but failed in the store (nothing was written)."""


class WriteOverrun(Exception):
    """The write ran past its time budget or memory limit; the writer was killed, nothing was committed."""


class WriteFailed(Exception):
    """The writer failed unexpectedly or the store could not be opened for writing."""


# --- worker side ---------------------------------------------------------------------------------


def _update(store_path: str, request: dict[str, Any]) -> dict[str, Any]:
    check_update(request["sparql"], Policy.of(**request["policy"]))
    with open_store(store_path) as store:
        store.update(request["sparql"])
        return {"generation": store.generation()}


def _ingest(store_path: str, request: dict[str, Any]) -> dict[str, Any]:
    from kg.build import build, report_iris
    from kg.linking import link_after_build

    with open_store(store_path) as store:
        result = build([Path(p) for p in request["paths"]], store, max_bytes=request["max_bytes"])
        # As `fundkg build` does: the links graph follows the reports.
        link_after_build(store, report_iris(result.added), len(result.replaced))
        return {
            "generation": store.generation(),
            "added": [p.name for p in result.added],
            "replaced": [p.name for p in result.replaced],
            "unchanged": [p.name for p in result.unchanged],
            "failed": [(f.path.name, f.message) for f in result.failed],
            "quads": result.quads_written,
        }


def _manifest(store_path: str, request: dict[str, Any]) -> dict[str, Any]:
    with open_store(store_path, read_only=True) as store:
        return {"files": {e.file_name: e.sha256 for e in store.manifest().values()}}


_OPS = {"update": _update, "ingest": _ingest, "manifest": _manifest}


def _writer_main(conn: Connection, store_path: str) -> None:
    import kg.build
    import kg.linking  # noqa: F401  (imported now, so that a write's budget is not spent importing)

    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        try:
            reply: tuple[Any, ...] = ("ok", _OPS[request["op"]](store_path, request))
        except Refused as exc:
            reply = ("error", "refused", str(exc))
        except SparqlSyntaxError as exc:
            reply = ("error", "invalid", f"malformed update: {exc}")
        except UpdateError as exc:
            reply = ("error", "invalid", f"update failed: {exc}")
        except StoreError as exc:
            reply = ("error", "failed", str(exc))
        except Exception as exc:  # the request's failure: the writer goes on
            reply = ("error", "failed", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


# --- parent side ---------------------------------------------------------------------------------

_ERRORS: dict[str, type[Exception]] = {"refused": WriteRefused, "invalid": WriteInvalid, "failed": WriteFailed}


class Writer:
    """One writer process over a store; `run(request)` from any thread, one write at a time."""

    def __init__(self, store_path: Path | str, timeout: float, max_rss: int | None, start_timeout: float = 120.0):
        self.store_path = str(store_path)
        self.timeout = timeout
        self.max_rss = max_rss
        self.start_timeout = start_timeout
        self._child: Child | None = None
        self._ready = False
        self._lock = threading.Lock()
        self.killed: list[int] = []  # PIDs of writers killed for overrunning (for tests and logs)

    def start(self) -> Writer:
        """Start the writer process; it warms up in the background and is awaited by the first write."""
        self._child = Child.start(_writer_main, (self.store_path,), name="fundkg-writer")
        self._ready = False
        return self

    def _await_ready(self) -> Child:
        if self._child is None or not self._child.alive():
            self.start()
        assert self._child is not None
        if not self._ready:
            try:
                self._child.receive(self.start_timeout)
            except (Overrun, ChildDied) as exc:
                self._child = None
                raise WriteFailed(f"the writer process did not start: {exc}") from exc
            self._ready = True
        return self._child

    def run(self, request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        with self._lock:
            child = self._await_ready()
            try:
                reply = child.call(request, timeout or self.timeout, self.max_rss)
            except Overrun as exc:
                self.killed.append(child.pid)
                self.start()  # a fresh writer for the next write, warming up meanwhile
                raise WriteOverrun(f"the write {exc}; nothing was written") from exc
            except ChildDied as exc:
                self.start()
                raise WriteFailed("the writer process died during the write; nothing was written") from exc
        if reply[0] == "ok":
            return reply[1]
        raise _ERRORS.get(reply[1], WriteFailed)(reply[2])

    def close(self) -> None:
        with self._lock:
            if self._child is not None:
                self._child.kill()
                self._child = None
