"""Readers: one file in, one normalised `Document` out. Readers know nothing about RDF.

`read_document` checks what every format shares (exists, not empty, not too large, a known type)
and hands the bytes to the reader for the file's type.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from pathlib import Path

from kg.document import Document
from kg.errors import (
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
    ReportError,
    UnsupportedFormatError,
    unexpected,
)
from kg.readers.limits import check_document

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

Reader = Callable[[Path, bytes, str], Document]


_MODULE_BY_SUFFIX = {
    ".txt": "text",
    ".md": "text",
    ".text": "text",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "spreadsheet",
    ".xlsm": "spreadsheet",
    ".xls": "spreadsheet",
    ".ods": "spreadsheet",
    ".doc": "doc",
}
SUPPORTED_SUFFIXES = frozenset(_MODULE_BY_SUFFIX)


def _reader_for(suffix: str) -> Reader:
    # Imported lazily: a plain-text build should not pay for importing pdfminer or lxml.
    module = importlib.import_module(f"kg.readers.{_MODULE_BY_SUFFIX[suffix]}")
    return module.read


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def read_document(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a report file into a Document, or raise a `ReportError` naming the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(path, f"'{suffix or 'no suffix'}'; expected one of {sorted(SUPPORTED_SUFFIXES)}")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(path, "0 bytes")
    if size > max_bytes:
        raise FileTooLargeError(path, f"{size} bytes > limit of {max_bytes}")
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        document = _reader_for(suffix)(path, data, sha256)
    except ReportError:
        raise
    except MemoryError as exc:
        raise FileTooLargeError(path, "reading it needs more memory than there is") from exc
    except RecursionError as exc:
        raise CorruptFileError(path, "its structure is nested too deeply to read") from exc
    except Exception as exc:  # every reader names its library's errors: anything else is a bug
        raise unexpected(path, exc) from exc
    if not document.text.strip():
        raise EmptyFileError(path, "no text could be extracted")
    filled = sum(1 for table in document.tables for row in table.rows for cell in row.cells if cell.text)
    check_document(path, document.text, filled)
    return document
