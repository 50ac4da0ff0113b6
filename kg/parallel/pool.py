"""`fundkg build --jobs N`: reports prepared by N worker processes of this machine, with limits.

A worker takes one report at a time. The parent gives each report a deadline: one that overruns
has its worker killed (SIGKILL: extraction is Python and C code that cannot be interrupted
politely) and replaced, and is reported as failed; so is a report whose worker runs out of its
memory limit (RLIMIT_AS, set in the worker: an allocation past it fails with MemoryError) or
dies. The other workers go on meanwhile.

Workers are forked from a fork server that has imported the pipeline once, so a replacement
starts in a fraction of a second; each loads its dictionaries (jieba, spaCy, the region index)
on a sample report before it takes work, so that a report's time budget is its own.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from kg.build import PendingReport, Prepared
from kg.errors import FundKGError, error_text
from kg.parallel import Limits, overran, prepare_serialised
from kg.resources import data_dir

Task = Callable[[str, int], tuple[PendingReport, int]]
_WARM_UP = "shilou-final-accounts-2023.txt"  # a sample report: loads every dictionary once


def _context() -> Any:
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["kg.parallel"])  # the pipeline's imports, done once in the server
        return ctx
    return mp.get_context("spawn")


def _limit_memory(memory_mb: int | None) -> None:
    if memory_mb is None:
        return
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this system: the time budget still holds
        pass


def _worker_main(conn: Connection, task: Task, memory_mb: int | None) -> None:
    _limit_memory(memory_mb)
    try:
        task(str(data_dir("samples") / _WARM_UP), 10 * 1024 * 1024)
    except Exception as exc:  # reported to the parent, which fails the build clearly
        conn.send(("error", f"a build worker could not start: {error_text(exc)}"))
        return
    conn.send(("ready",))
    while True:
        try:
            path, max_bytes = conn.recv()
        except EOFError:
            return
        try:
            pending, count = task(path, max_bytes)
        except FundKGError as exc:
            conn.send(("failed", str(exc)))
        except MemoryError:
            conn.send(("fatal", f"{path}: ran out of memory (limit {memory_mb} MiB); stopped"))
            return  # what failed to allocate may have left the worker half-done: start afresh
        except Exception as exc:
            conn.send(("failed", f"{path}: extraction failed: {error_text(exc)}"))
        else:
            conn.send(("ok", pending, count))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    path: str | None = None  # the report it works on
    deadline: float = 0.0

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()


def _death(process: BaseProcess, path: str, limits: Limits) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        memory = limits.memory_mb and name in ("SIGKILL", "SIGABRT", "SIGSEGV")
        hint = f"; over the memory limit of {limits.memory_mb} MiB?" if memory else ""
        return f"{path}: the worker preparing it died ({name}{hint})"
    return f"{path}: the worker preparing it exited (code {code})"


class ReportPool:
    """`jobs` worker processes; `prepare_all` feeds them and yields each report as it finishes."""

    def __init__(self, jobs: int, limits: Limits | None = None, task: Task = prepare_serialised,
                 start_timeout: float = 120.0) -> None:  # fmt: skip
        if jobs < 1:
            raise ValueError("a pool needs at least one worker")
        self.jobs = jobs
        self.limits = limits or Limits()
        self.task = task
        self.start_timeout = start_timeout
        self._ctx = _context()
        self._idle: list[_Worker] = []  # workers kept between calls once started (start/close)
        self._kept = False
        self.killed: list[str] = []  # the reports whose worker was killed (for tests and logs)

    def start(self) -> ReportPool:
        """Start and warm up every worker now, and keep them until `close` (else they live for one call)."""
        self._kept = True
        self._idle.extend(self._started([self._spawn() for _ in range(self.jobs - len(self._idle))]))
        return self

    def pids(self) -> list[int]:
        """The process ids of the workers kept between calls (for benchmarks)."""
        return [w.process.pid for w in self._idle if w.process.pid is not None]

    def close(self) -> None:
        self._kept = False
        while self._idle:
            self._idle.pop().kill()

    def __enter__(self) -> ReportPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child, self.task, self.limits.memory_mb),
                                    name="fundkg-build-worker", daemon=True)  # fmt: skip
        process.start()
        child.close()
        return _Worker(process, parent)

    def _started(self, workers: list[_Worker]) -> list[_Worker]:
        """Wait until every new worker is warm; a worker that cannot start fails the build."""
        deadline = time.monotonic() + self.start_timeout
        for worker in workers:
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                state = "running" if worker.process.is_alive() else f"exit code {worker.process.exitcode}"
                raise RuntimeError(f"a build worker (pid {worker.process.pid}, {state}) did not start "
                                   f"within {self.start_timeout:g} s")  # fmt: skip
            try:
                hello = worker.conn.recv()
            except EOFError as exc:
                raise RuntimeError("a build worker exited while starting") from exc
            if hello[0] != "ready":
                raise RuntimeError(hello[1])
        return workers

    def prepare_all(self, paths: Sequence[Path], max_bytes: int) -> Iterator[Prepared]:
        queue = deque(str(p) for p in paths)
        idle, self._idle = self._idle, []
        busy: dict[Connection, _Worker] = {}
        try:
            idle.extend(self._started([self._spawn() for _ in range(min(self.jobs, len(queue)) - len(idle))]))
            while queue or busy:
                while queue and idle:
                    worker = idle.pop()
                    worker.path = queue.popleft()
                    worker.deadline = time.monotonic() + self.limits.seconds
                    worker.conn.send((worker.path, max_bytes))
                    busy[worker.conn] = worker
                soonest = min(w.deadline for w in busy.values())
                ready = wait([*busy, *(w.process.sentinel for w in busy.values())],
                             timeout=max(0.0, soonest - time.monotonic()))  # fmt: skip
                for worker in list(busy.values()):
                    done, replace = self._collect(worker, ready, max_bytes)
                    if done is None:
                        continue
                    del busy[worker.conn]
                    yield done
                    if replace:
                        worker.kill()
                        if queue:
                            idle.extend(self._started([self._spawn()]))
                    else:
                        idle.append(worker)
        finally:
            for worker in busy.values():  # only when the caller stopped early: their reports are dropped
                worker.kill()
            if self._kept:
                self._idle = idle
            else:
                for worker in idle:
                    worker.kill()

    def _collect(self, worker: _Worker, ready: list[Any], max_bytes: int) -> tuple[Prepared | None, bool]:
        """(the report, whether the worker must be replaced), or (None, False) while it works."""
        path = worker.path or ""
        if worker.conn in ready or worker.process.sentinel in ready:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                worker.process.join(timeout=10)
                return Prepared(Path(path), None, error=_death(worker.process, path, self.limits)), True
            if message[0] == "ok":
                return Prepared(Path(path), message[1], message[2]), False
            return Prepared(Path(path), None, error=message[1]), message[0] == "fatal"
        if time.monotonic() >= worker.deadline:
            self.killed.append(path)
            return Prepared(Path(path), None, error=overran(path, self.limits)), True
        return None, False


def default_jobs() -> int:
    """The machine's cores (those this process may use)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1
