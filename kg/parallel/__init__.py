"""Reports prepared (read, extracted, mapped) away from the writer: a local process pool or Dask.

`kg.build.build` writes; a preparer hands it each report's `PendingReport` with its quads as
N-Quads bytes (how they cross a process or machine boundary), or the one-line reason the report
failed, in whatever order the reports finish. Each report runs with a time budget and, where the
operating system allows, a memory limit: a report that hangs or blows up is stopped and reported,
and the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from kg.build import PendingReport, prepare
from kg.rdf.nquads import to_nquads


@dataclass(frozen=True)
class Limits:
    """What one report may take: wall-clock seconds, and MiB of memory (None: no memory limit)."""

    seconds: float = 300.0
    memory_mb: int | None = 4096


def prepare_serialised(path: str, max_bytes: int) -> tuple[PendingReport, int]:
    """`kg.build.prepare`, with the quads as N-Quads bytes. Raises ReportError naming the file."""
    pending, count = prepare(Path(path), max_bytes=max_bytes)
    return replace(pending, quads=to_nquads(pending.quads)), count  # type: ignore[arg-type]


def overran(path: str, limits: Limits) -> str:
    return f"{path}: took longer than the time budget of {limits.seconds:g} s; stopped"
