"""Build: files → Documents → records → quads → store, one report at a time, errors isolated.

Everything that can fail on a bad report (reading, extraction, mapping) happens before the store
is touched; a failing report is recorded with its reason and the batch goes on — whatever the
failure, and whatever the file's name (kg.errors.shown writes names that are not UTF-8 safely).
A report's source is recorded by its name relative to the folder it was found in (or its bare name
when given as a file), never as a path of the machine that built it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import FundKGError, ReportError, shown, unexpected
from kg.extract.pipeline import EXTRACTOR_VERSION, extract_report
from kg.rdf import iris
from kg.rdf.mapping import map_report
from kg.readers import DEFAULT_MAX_BYTES, is_supported, read_document
from kg.resources import ontology_digest, ontology_files
from kg.store import ManifestEntry, PendingReport, Store

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


def report_key(path: Path) -> str:
    """A report is identified by its file name: re-building a file of the same name replaces it."""
    return shown(path.name)


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


def build(
    paths: Sequence[Path | str],
    store: Store,
    *,
    progress: Callable[[Path], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> BuildResult:
    result = BuildResult()
    store.replace_ontology(ontology_files(), ontology_digest())
    manifest = store.manifest()
    batch: list[PendingReport] = []
    batch_paths: list[tuple[Path, bool]] = []
    batch_size = 0
    seen_keys: dict[str, Path] = {}

    def flush() -> None:
        nonlocal batch, batch_paths, batch_size
        store.write_reports(batch)
        for p, replaced in batch_paths:
            (result.replaced if replaced else result.added).append(p)
        result.quads_written += batch_size
        batch, batch_paths, batch_size = [], [], 0

    for path, source in iter_sources(paths):
        if progress:
            progress(path)
        key = report_key(path)
        if key in seen_keys:
            message = f"{shown(path)}: same file name as {shown(seen_keys[key])} in this batch; skipped"
            result.failed.append(Failure(path, message))
            continue
        seen_keys[key] = path
        try:
            if path.exists() and _unchanged(store, manifest, path):
                result.unchanged.append(path)
                continue
            pending, size = prepare(path, max_bytes=max_bytes, source=source)
        except ReportError as exc:
            result.failed.append(Failure(path, str(exc)))
            continue
        except OSError as exc:
            result.failed.append(Failure(path, f"{shown(path)}: {exc.strerror or exc}"))
            continue
        except Exception as exc:  # whatever one file does, the batch goes on
            result.failed.append(Failure(path, str(unexpected(path, exc))))
            continue
        batch.append(pending)
        batch_paths.append((path, pending.report in manifest))
        batch_size += size
        if batch_size >= BATCH_QUADS:
            flush()
    flush()
    return result


def _unchanged(store: Store, manifest: dict[str, ManifestEntry], path: Path) -> bool:
    import hashlib

    entry = manifest.get(iris.report_iri(report_key(path)).value)
    if entry is None or entry.version != EXTRACTOR_VERSION:
        return False
    return entry.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
