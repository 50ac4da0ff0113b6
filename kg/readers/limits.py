"""Limits every reader checks before it inflates or parses anything.

Office files are zip archives: a 1 MB `.docx` can inflate to gigabytes (a zip bomb). The sizes
the archive's directory declares are checked before any entry is read: the total inflated size,
and the compression ratio of large entries (real XML compresses 5–30×; a bomb compresses 1000×).
The zip module then refuses to inflate an entry beyond its declared size, so the directory cannot
lie its way past the check.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from kg.errors import CorruptFileError, FileTooLargeError

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
_RATIO_FROM = 4 * 1024 * 1024  # small entries may compress well without harm
MAX_TABLE_CELLS = 2_000_000  # cells of all tables of one report


def check_archive(path: Path, data: bytes) -> None:
    """Refuse an Office archive that is not a zip, or that would inflate beyond the limits."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise CorruptFileError(path, f"not a readable zip archive: {exc}") from exc
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > MAX_UNPACKED_BYTES:
            raise FileTooLargeError(path, f"its parts inflate to more than {MAX_UNPACKED_BYTES // 2**20} MiB")
        if entry.file_size > _RATIO_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            ratio = entry.file_size // max(entry.compress_size, 1)
            raise FileTooLargeError(path, f"part {entry.filename} is compressed {ratio}:1, as zip bombs are")


def check_cells(path: Path, cells: int) -> None:
    if cells > MAX_TABLE_CELLS:
        raise FileTooLargeError(path, f"its tables hold more than {MAX_TABLE_CELLS:,} cells")
