"""`fundkg build --dask ADDRESS`: reports prepared as tasks on a Dask cluster; this process writes.

Each task reads, extracts and maps one report on a worker and returns its quads as N-Quads bytes
(or the reason it failed); the client writes them to the store as they arrive. The report files
must be readable by the workers at the paths the client gives (a shared file system), as for any
Dask job that reads files. The client keeps a bounded number of tasks in flight, so a corpus of a
million reports never sits in its memory at once.

Limits: a task runs the report in a thread of its own and gives up on it after the time budget;
the client then restarts that worker, which is the only way to stop the stuck thread (tasks in
flight there are rescheduled by Dask). Memory is Dask's own business: a worker over its
`memory_limit` is restarted by its nanny, and a report that kills workers repeatedly comes back
as `KilledWorker`, which is reported as its failure.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kg.build import Prepared
from kg.errors import FundKGError, error_text
from kg.parallel import Limits, overran, prepare_serialised


def prepare_task(path: str, max_bytes: int, seconds: float) -> tuple[str, Any, Any]:
    """Run on a worker: ("ok", pending, quads), ("failed", reason, None) or ("overran", reason, worker)."""
    outcome: list[tuple[str, Any, Any]] = []

    def run() -> None:
        try:
            pending, count = prepare_serialised(path, max_bytes)
            outcome.append(("ok", pending, count))
        except FundKGError as exc:
            outcome.append(("failed", str(exc), None))
        except MemoryError:
            outcome.append(("failed", f"{path}: ran out of memory; stopped", None))
        except Exception as exc:
            outcome.append(("failed", f"{path}: extraction failed: {error_text(exc)}", None))

    thread = threading.Thread(target=run, name=f"fundkg {Path(path).name}", daemon=True)
    thread.start()
    thread.join(seconds)
    if outcome:
        return outcome[0]
    from distributed import get_worker

    return "overran", overran(path, Limits(seconds)), get_worker().address


class DaskPreparer:
    """Prepare reports on the cluster of `client` (a `distributed.Client`)."""

    def __init__(self, client: Any, limits: Limits | None = None, in_flight: int | None = None) -> None:
        self.client = client
        self.limits = limits or Limits()
        workers = client.scheduler_info().get("workers", {})
        threads = sum(w.get("nthreads", 1) for w in workers.values()) or 1
        self.in_flight = in_flight or 4 * threads  # enough to keep every thread busy, no more

    def prepare_all(self, paths: Sequence[Path], max_bytes: int) -> Iterator[Prepared]:
        from distributed import as_completed

        queue = [str(p) for p in reversed(paths)]
        futures: dict[Any, str] = {}

        def submit() -> Any:
            path = queue.pop()
            future = self.client.submit(prepare_task, path, max_bytes, self.limits.seconds, pure=False,
                                        key=f"fundkg-prepare-{Path(path).name}-{len(queue)}")  # fmt: skip
            futures[future] = path
            return future

        running = as_completed([submit() for _ in range(min(self.in_flight, len(queue)))])
        for future in running:
            path = futures.pop(future)
            try:
                kind, value, extra = future.result()
            except Exception as exc:  # KilledWorker, or the task could not run at all
                yield Prepared(Path(path), None, error=f"{path}: the Dask task failed: {error_text(exc)}")
            else:
                if kind == "ok":
                    yield Prepared(Path(path), value, extra)
                else:
                    yield Prepared(Path(path), None, error=value)
                    if kind == "overran":  # its thread is still running: stop it with its worker
                        self.client.restart_workers([extra], raise_for_error=False)
            if queue:
                running.add(submit())


class LocalDask:
    """A `distributed.LocalCluster` of worker processes on this machine, for tests and benchmarks."""

    def __init__(self, workers: int = 2, memory_limit: str = "4GiB") -> None:
        from distributed import Client, LocalCluster

        self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                    dashboard_address="127.0.0.1:0", memory_limit=memory_limit)  # fmt: skip
        self.client = Client(self.cluster)

    def __enter__(self) -> LocalDask:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()
        self.cluster.close()


def connect(address: str) -> Any:
    """A client of the scheduler at `address` (tcp://host:8786)."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise FundKGError("--dask needs Dask: pip install 'fundkg[dask]'") from exc
    return Client(address, timeout="30s")
