"""Limits every reader checks before it inflates or parses anything, and every Document meets.

Office files are zip archives: a 1 MB `.docx` can inflate to gigabytes (a zip bomb). The sizes
the archive's directory declares are checked before any entry is read: the total inflated size,
and the compression ratio of large entries (real XML compresses 5–30×; a bomb compresses 1000×).
The zip module then refuses to inflate an entry beyond its declared size, so the directory cannot
lie its way past the check.

Reading, extraction and mapping are linear in a report's size, but a report's cost is in its
numbers: each amount becomes twenty (a table cell) to seventy (prose) quads with its provenance,
and a quad costs about a kilobyte while the report is built. So the text, its numbers and its
filled table cells are bounded: far above any real report seen (the largest: 26,000 characters,
1,800 numbers, 2,800 filled cells), and low enough that a report at every limit is built in
seconds within 2 GiB (docs/reliability.md has the figures). Readers check what they can before the
costly step (`check_text` on decoded text, `check_cells` on a table grid before it is laid out);
`read_document` checks the Document.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

from kg.errors import CorruptFileError, FileTooLargeError

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
_RATIO_FROM = 4 * 1024 * 1024  # small entries may compress well without harm
MAX_ENTRIES = 10_000  # parts of one archive: a Word file has dozens
MAX_TABLE_CELLS = 20_000  # filled table cells of one report
MAX_GRID_CELLS = 4 * MAX_TABLE_CELLS  # table positions (empty ones too) a reader lays out
MAX_SHEET_AREA = 2_000_000  # a worksheet's used area, read before it is trimmed to its data
MAX_NUMBERS = 20_000  # numbers written in one report (prose and tables)
MAX_TEXT_CHARS = 2_000_000  # characters of one report's text
MAX_PAGES = 2_000  # pages of one PDF
_NUMBER = re.compile(r"\d[\d,.]*")

# What the zip module and the inflater raise on damaged archives: bad headers and CRCs, versions and
# compression methods it does not know (a flipped bit says "version 14.8"), parts marked encrypted,
# truncated streams, names that are not UTF-8.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError,
              OSError, ValueError, KeyError, IndexError, struct.error, UnicodeDecodeError)  # fmt: skip


def check_archive(path: Path, data: bytes) -> None:
    """Refuse an Office archive that is not a zip, or that would inflate beyond the limits."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except ZIP_ERRORS as exc:
        raise CorruptFileError(path, f"not a readable zip archive: {type(exc).__name__}: {exc}") from exc
    if len(entries) > MAX_ENTRIES:
        raise FileTooLargeError(path, f"the archive holds more than {MAX_ENTRIES:,} parts")
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > MAX_UNPACKED_BYTES:
            raise FileTooLargeError(path, f"its parts inflate to more than {MAX_UNPACKED_BYTES // 2**20} MiB")
        if entry.file_size > _RATIO_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            ratio = entry.file_size // max(entry.compress_size, 1)
            raise FileTooLargeError(path, f"part {entry.filename} is compressed {ratio}:1, as zip bombs are")


def check_cells(path: Path, cells: int, limit: int = MAX_GRID_CELLS) -> None:
    """Refuse tables of more than `limit` cells (grid positions before layout, by default)."""
    if cells > limit:
        raise FileTooLargeError(path, f"its tables hold more than {limit:,} cells; split the report")


def check_text(path: Path, text: str) -> None:
    """Refuse a text longer, or with more numbers, than any report."""
    if len(text) > MAX_TEXT_CHARS:
        raise FileTooLargeError(path, f"its text runs to more than {MAX_TEXT_CHARS:,} characters; split the report")
    for count, _ in enumerate(_NUMBER.finditer(text), 1):
        if count > MAX_NUMBERS:
            raise FileTooLargeError(path, f"it writes more than {MAX_NUMBERS:,} numbers; split the report")


def check_document(path: Path, text: str, filled_cells: int) -> None:
    check_text(path, text)
    check_cells(path, filled_cells, MAX_TABLE_CELLS)
