"""Uploaded reports: streamed to a staging folder within the size limit, ingested by the writer, reconciled on start.

The body is parsed as it arrives (python-multipart's streaming parser), never held whole in memory,
and refused with 413 as soon as it passes the limit. The report is written to
`UPLOADS/.staging/ID/NAME.part`, renamed to `NAME` once complete, ingested from there by the writer
process (kg.build: a report is identified by its file name), and only then moved to `UPLOADS/NAME`,
where it stays as the source of the report. A failed upload leaves nothing behind.

On start the service reconciles the folder with the store: a staged upload the store already holds
is moved into place; an incomplete one (`.part`) is discarded; every other complete file the store
does not hold with the same content is ingested, or discarded when it cannot be. Each is logged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from api.service import Service
from kg.readers import SUPPORTED_SUFFIXES, is_supported

log = logging.getLogger("fundkg.service")

STAGING = ".staging"
PART = ".part"
_OVERHEAD = 64 * 1024  # multipart boundaries and part headers around the file's bytes


def _too_large(service: Service) -> HTTPException:
    return HTTPException(413, f"the upload is larger than the limit of {service.max_upload_bytes} bytes")


class _Receiver:
    """python-multipart callbacks: the part named `file` goes to `folder/NAME.part`, other parts are dropped."""

    def __init__(self, folder: Path, limit: int, service: Service) -> None:
        self.folder = folder
        self.limit = limit
        self.service = service
        self.headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self.handle: Any = None
        self.written = 0
        self.name: str | None = None
        self.done = False

    def on_part_begin(self) -> None:
        self.headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self._field.strip().lower()] = self._value.strip()
        self._field, self._value = b"", b""

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self.headers.get(b"content-disposition", b""))
        if params.get(b"name") != b"file" or b"filename" not in params or self.done:
            return
        raw = params[b"filename"].decode("utf-8", "replace")
        name = Path(raw.replace("\\", "/")).name
        if not name or name.startswith(".") or not is_supported(Path(name)):
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise HTTPException(415, f"{name or 'the upload'}: send a report of a supported type ({kinds})")
        self.name = name
        self.handle = (self.folder / (name + PART)).open("wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.handle is None:
            return
        self.written += end - start
        if self.written > self.limit:
            raise _too_large(self.service)
        self.handle.write(data[start:end])

    def on_part_end(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
            assert self.name is not None
            (self.folder / (self.name + PART)).rename(self.folder / self.name)
            self.done = True

    def callbacks(self) -> dict[str, Any]:
        names = ("on_part_begin", "on_header_field", "on_header_value", "on_header_end", "on_headers_finished",
                 "on_part_data", "on_part_end")  # fmt: skip
        return {n: getattr(self, n) for n in names}


async def receive(request: Request, service: Service) -> Path:
    """Stream the request's `file` part into a new staging folder; the path of the complete file."""
    limit = service.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + _OVERHEAD:
        raise _too_large(service)  # refused before a byte of the body is read
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise HTTPException(415, "send the report as multipart/form-data, in a field named 'file'")
    folder = service.upload_dir / STAGING / uuid.uuid4().hex
    folder.mkdir(parents=True)
    receiver = _Receiver(folder, limit, service)
    try:
        parser = MultipartParser(params[b"boundary"], receiver.callbacks())  # type: ignore[arg-type]
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit + _OVERHEAD:
                raise _too_large(service)
            parser.write(chunk)
        parser.finalize()
        if not receiver.done or receiver.name is None:
            raise HTTPException(422, "the request holds no complete part named 'file' with a file name")
        return folder / receiver.name
    except HTTPException:
        discard(folder)
        raise
    except Exception as exc:  # python-multipart's parse errors
        discard(folder)
        raise HTTPException(400, f"malformed multipart body: {type(exc).__name__}") from exc
    finally:
        if receiver.handle is not None:
            receiver.handle.close()


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def keep(service: Service, staged: Path) -> Path:
    """Move an ingested upload to the uploads folder, where it stays as its report's source."""
    target = service.upload_dir / staged.name
    os.replace(staged, target)
    discard(staged.parent)
    return target


def stored(service: Service, path: Path) -> bool:
    """Whether the store holds this file's name with this file's content."""
    try:
        files = service.write({"op": "manifest"})["files"]
    except HTTPException:
        return False
    return files.get(path.name) == sha256(path)


def ingest(service: Service, staged: Path) -> dict[str, Any]:
    """Ingest a staged upload with the writer; keep it when stored, discard it otherwise (HTTP errors)."""
    try:
        reply = service.write({"op": "ingest", "paths": [str(staged)], "max_bytes": service.max_upload_bytes})
    except HTTPException as exc:
        # A kill can come after the report's manifest switch (while linking): keep what was stored.
        if exc.status_code != 400 and stored(service, staged):
            keep(service, staged)
        else:
            discard(staged.parent)
        raise HTTPException(exc.status_code, f"{staged.name}: {exc.detail}") from exc
    if reply["failed"]:
        discard(staged.parent)
        messages = "; ".join(message.replace(str(staged), staged.name) for _, message in reply["failed"])
        raise HTTPException(422, service.public(messages))
    keep(service, staged)
    return reply


# --- start-up ------------------------------------------------------------------------------------


def reconcile(service: Service) -> list[str]:
    """Bring the uploads folder in line with the store (see the module docstring); the log lines."""
    folder = service.upload_dir
    staging = folder / STAGING
    found = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []
    staged = sorted(p for p in staging.glob("*/*") if p.is_file()) if staging.is_dir() else []
    if not found and not staged:
        return []
    files = service.write({"op": "manifest"})["files"]
    said: list[str] = []

    def say(line: str) -> None:
        said.append(line)
        (log.warning if line.startswith("discarded") else log.info)("uploads folder: %s", line)

    pending: list[Path] = []
    for path in staged:
        if path.name.endswith(PART):
            say(f"discarded {path.name[: -len(PART)]}: the upload was never received completely")
            discard(path.parent)
        elif files.get(path.name) == sha256(path):
            keep(service, path)
            say(f"kept {path.name}: it was ingested before the service stopped")
        else:
            pending.append(path)
    for path in found:
        if not is_supported(path):
            continue
        if files.get(path.name) != sha256(path):
            folder_for = staging / uuid.uuid4().hex
            folder_for.mkdir(parents=True)
            pending.append(Path(shutil.move(str(path), folder_for / path.name)))
    for path in pending:
        try:
            ingest(service, path)
            say(f"ingested {path.name}: it had been uploaded but was not in the store")
        except HTTPException as exc:
            say(f"discarded {path.name}: it could not be ingested ({exc.detail})")
    if staging.is_dir():
        for leftover in staging.iterdir():
            discard(leftover)
    return said
