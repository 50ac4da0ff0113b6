"""Build: files → Documents → records → quads → store, errors isolated, one writer.

Everything that can fail on a bad report (reading, extraction, mapping) happens before the store
is touched; a failing report is recorded with its reason and the batch goes on — whatever the
failure, and whatever the file's name (kg.errors.shown writes names that are not UTF-8 safely).
Reports are prepared by a `Preparer`: in this process, one after the other (the default), or in
parallel by a process pool or a Dask cluster (kg.parallel); this module alone writes, in batches,
whatever order they finish in. A report's source is recorded by its name relative to the folder it
was found in (or its bare name when given as a file), never as a path of the machine that built it.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from kg.errors import FundKGError, ReportError, shown, unexpected
from kg.extract.pipeline import EXTRACTOR_VERSION, extract_report
from kg.rdf import iris
from kg.rdf.mapping import map_report
from kg.readers import DEFAULT_MAX_BYTES, is_supported, read_document
from kg.resources import ontology_digest, ontology_files
from kg.store import ManifestEntry, PendingReport, Store

COMPACT_AFTER = 0.1  # compact after a build that wrote at least this share of the store's reports
BATCH_QUADS = 50_000  # bulk-load in batches of about this many quads: 200k was ~30% slower per quad


@dataclass(frozen=True)
class Failure:
    path: Path
    message: str


@dataclass
class BuildResult:
    added: list[Path] = field(default_factory=list)
    replaced: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    quads_written: int = 0


def compact_after_build(store: Store, result: BuildResult) -> bool:
    """Compact the store when the build wrote a tenth of its reports or more: compaction rewrites the
    whole store (5–12 s at 1,000 reports), worth it after a large build, not after each added report."""
    written = len(result.added) + len(result.replaced)
    if not written or written < COMPACT_AFTER * len(store.manifest()):
        return False
    store.optimize()
    return True


def report_key(path: Path) -> str:
    """A report is identified by its file name: re-building a file of the same name replaces it."""
    return shown(path.name)


def report_iris(paths: Iterable[Path]) -> list[str]:
    """The report IRIs of built files (as the manifest names them)."""
    return [iris.report_iri(report_key(path)).value for path in paths]


def iter_sources(paths: Iterable[Path | str]) -> list[tuple[Path, str]]:
    """Each report file with its source name: its path from the folder given (that folder's name
    included), or its bare name when the file was given itself."""
    found: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and is_supported(child) and not _ignored(child, path):
                    found.append((child, shown(Path(path.resolve().name, child.relative_to(path)))))
        else:
            found.append((path, shown(path.name)))  # named explicitly: unsupported or missing files are reported
    return found


def unsupported_files(paths: Iterable[Path | str]) -> list[Path]:
    """Files under the folders given that are of no supported type (README and hidden files aside):
    the build names them by type instead of dropping them without a word."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                child
                for child in sorted(path.rglob("*"))
                if child.is_file() and not is_supported(child) and not _ignored(child, path)
            )
    return found


def describe_types(files: Sequence[Path]) -> str:
    """'.jpg ×3, .xlsx.bak ×1': the suffixes of files, most frequent first."""
    from collections import Counter

    counts = Counter(f.suffix.lower() or "(no suffix)" for f in files)
    return ", ".join(f"{suffix} ×{n}" for suffix, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def iter_report_files(paths: Iterable[Path | str]) -> list[Path]:
    """Files given directly, and supported files found under folders (README files are skipped)."""
    return [path for path, _ in iter_sources(paths)]


def _ignored(child: Path, root: Path) -> bool:
    parts = child.relative_to(root).parts
    return any(p.startswith(".") for p in parts) or child.stem.upper() == "README"


def prepare(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> tuple[PendingReport, int]:
    """Read, extract and map one report. Raises ReportError naming the file on any failure."""
    if not path.exists():
        raise ReportError(path, "no such file")
    document = read_document(path, max_bytes=max_bytes)
    try:
        records = extract_report(document)
        report, graph, quads = map_report(records, report_key(path), EXTRACTOR_VERSION)
    except FundKGError:
        raise
    except Exception as exc:  # a bug on one odd report must not stop a batch of a thousand
        raise unexpected(path, exc, "extraction failed") from exc
    pending = PendingReport(
        report=report,
        graph=graph,
        quads=quads,
        sha256=document.sha256,
        version=EXTRACTOR_VERSION,
        file_name=report_key(path),
        source_path=source or report_key(path),
    )
    return pending, len(quads)


@dataclass(frozen=True)
class Prepared:
    """A report a preparer finished: ready to write, or failed with a one-line reason naming the file."""

    path: Path
    pending: PendingReport | None
    quads: int = 0
    error: str | None = None


class Preparer(Protocol):
    def prepare_all(self, paths: Sequence[Path], max_bytes: int) -> Iterator[Prepared]:
        """Prepare every path; yield each as it finishes, in any order."""
        ...


class InProcess:
    """Reports prepared in this process, one after the other (no time budget: nothing to stop)."""

    def prepare_all(self, paths: Sequence[Path], max_bytes: int) -> Iterator[Prepared]:
        for path in paths:
            try:
                pending, size = prepare(path, max_bytes=max_bytes)
            except ReportError as exc:
                yield Prepared(path, None, error=str(exc))
            except OSError as exc:
                yield Prepared(path, None, error=f"{shown(path)}: {exc.strerror or exc}")
            except Exception as exc:  # whatever one file does, the batch goes on
                yield Prepared(path, None, error=str(unexpected(path, exc)))
            else:
                yield Prepared(path, pending, size)


def build(
    paths: Sequence[Path | str],
    store: Store,
    *,
    progress: Callable[[Path], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    preparer: Preparer | None = None,
) -> BuildResult:
    result = BuildResult()
    store.replace_ontology(ontology_files(), ontology_digest())
    manifest = store.manifest()
    batch: list[PendingReport] = []
    batch_paths: list[tuple[Path, bool]] = []
    batch_size = 0
    seen_keys: dict[str, Path] = {}
    todo: list[Path] = []

    writer = _Writer(store)

    def flush() -> None:
        nonlocal batch, batch_paths, batch_size
        writer.write(batch)
        for p, replaced in batch_paths:
            (result.replaced if replaced else result.added).append(p)
        result.quads_written += batch_size
        batch, batch_paths, batch_size = [], [], 0

    found = iter_sources(paths)
    sources = dict(found)
    files = [path for path, _ in found]
    for path in files:
        key = report_key(path)
        if key in seen_keys:
            message = f"{shown(path)}: same file name as {shown(seen_keys[key])} in this batch; skipped"
            result.failed.append(Failure(path, message))
        else:
            seen_keys[key] = path
            try:
                if path.exists() and _unchanged(manifest, path):
                    result.unchanged.append(path)
                else:
                    todo.append(path)
                    continue
            except OSError as exc:
                result.failed.append(Failure(path, f"{shown(path)}: {exc.strerror or exc}"))
        if progress:
            progress(path)
    try:
        for done in (preparer or InProcess()).prepare_all(todo, max_bytes):
            if progress:
                progress(done.path)
            if done.pending is None:
                result.failed.append(Failure(done.path, done.error or f"{shown(done.path)}: failed"))
                continue
            # Named here, not by the preparer: only the build knows which folder a file was found in.
            batch.append(replace(done.pending, source_path=sources[done.path]))
            batch_paths.append((done.path, done.pending.report in manifest))
            batch_size += done.quads
            if batch_size >= BATCH_QUADS:
                flush()
        flush()
    finally:
        writer.close()  # waits for the last batch; raises what the writer raised
    order = {path: i for i, path in enumerate(files)}  # reports finish in any order; list them as given
    for paths_of in (result.added, result.replaced, result.unchanged):
        paths_of.sort(key=lambda p: order.get(p, 0))
    result.failed.sort(key=lambda f: order.get(f.path, 0))
    return result


class _Writer:
    """Writes batches in a thread of its own, so that preparing the next reports goes on meanwhile
    (the store releases the GIL while it loads). One batch waits at most: memory stays bounded."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._queue: queue.Queue[list[PendingReport] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="fundkg-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None:  # after a failure, batches are taken but no longer written
                try:
                    self._store.write_reports(batch)
                except BaseException as exc:
                    self._error = exc

    def write(self, batch: list[PendingReport]) -> None:
        self._raise()
        if batch:
            self._queue.put(batch)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


def _unchanged(manifest: dict[str, ManifestEntry], path: Path) -> bool:
    entry = manifest.get(iris.report_iri(report_key(path)).value)
    if entry is None or entry.version != EXTRACTOR_VERSION:
        return False
    return entry.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
