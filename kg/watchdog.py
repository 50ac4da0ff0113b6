"""Work in a child process that is killed — not abandoned — when it overruns its time or memory budget.

Neither the embedded store nor a reader can be interrupted from inside: a thread that stops
waiting leaves the work running, holding a core, memory and possibly the store's lock. So work that
may overrun runs in a spawned child process (`Child`) that talks over a pipe; the parent waits for
the reply while watching the clock and the child's resident memory, and on overrun kills the
child's whole process group (SIGKILL: also a program the child started, such as antiword).

The service's query workers and writer (api/) and the fuzz suite (bench/fuzz.py) use it.
Memory is read from /proc every `poll` seconds; where there is no /proc only time is watched.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

# Spawned, not forked: the parents have threads (uvicorn, worker pools) that fork would copy badly.
_CTX = mp.get_context("spawn")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class Overrun(Exception):
    """The child ran past its budget and was killed; `kind` is "time" or "memory"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class ChildDied(Exception):
    """The child exited (or closed its pipe) without replying."""


def rss_bytes(pid: int) -> int | None:
    """Resident memory of a process, None when it cannot be read (gone, or no /proc)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _child_main(target: Callable[..., None], conn: Connection, args: tuple[Any, ...]) -> None:
    # Its own process group, so that killing it also kills whatever it started.
    with contextlib.suppress(OSError):
        os.setsid()
    target(conn, *args)


@dataclass
class Child:
    """A spawned process running `target(conn, *args)`, which answers each request with one reply."""

    process: BaseProcess
    conn: Connection

    @classmethod
    def start(cls, target: Callable[..., None], args: tuple[Any, ...] = (), name: str = "fundkg-worker") -> Child:
        parent, child = _CTX.Pipe()
        process = _CTX.Process(target=_child_main, args=(target, child, args), daemon=True, name=name)
        process.start()
        child.close()
        return cls(process, parent)

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process.is_alive()

    def receive(self, timeout: float, max_rss: int | None = None, poll: float = 0.05) -> Any:
        """The next message, waiting at most `timeout` s; kill the child and raise Overrun past a budget."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                if self.conn.poll(max(0.0, min(poll, remaining))):
                    return self.conn.recv()
            except (EOFError, OSError) as exc:
                self.kill()
                raise ChildDied("the worker process exited without replying") from exc
            if max_rss is not None and (rss := rss_bytes(self.pid)) is not None and rss > max_rss:
                self.kill()
                raise Overrun("memory", f"used more than {max_rss // 2**20} MiB of memory and was stopped")
            if remaining <= 0:
                self.kill()
                raise Overrun("time", f"ran past its time budget of {timeout:g}s and was stopped")
            if not self.process.is_alive() and not self.conn.poll(0):
                self.kill()
                raise ChildDied(f"the worker process exited (code {self.process.exitcode}) without replying")

    def call(self, request: Any, timeout: float, max_rss: int | None = None) -> Any:
        try:
            self.conn.send(request)
        except (OSError, ValueError) as exc:
            self.kill()
            raise ChildDied("the worker process is gone") from exc
        return self.receive(timeout, max_rss)

    def kill(self) -> None:
        """SIGKILL the child's process group (or the child alone), reap it and close the pipe."""
        pid = self.process.pid
        if pid is not None and self.process.is_alive():
            try:
                if os.getpgid(pid) == pid:
                    os.killpg(pid, signal.SIGKILL)
                else:
                    self.process.kill()
            except (ProcessLookupError, PermissionError):
                pass
        self.process.join(timeout=10)
        self.conn.close()
