"""Spreadsheets (.xlsx, .xlsm, .xls, .ods) with python-calamine: every sheet a table.

Many bureaus publish their 部门决算 tables as workbooks. Each non-empty sheet becomes a heading (its
name) and one table of its used area. A merged range is laid out as the Word and HTML readers lay
one out: its value in its first (top-left) cell, the cells it spans empty, so that a caption merged
across the sheet stays a one-cell title row and a merged amount is counted once; the table readers
carry a merged header across the columns under it themselves. Numbers are written as the workbook
shows them (100.0 → 100), dates as ISO dates, and empty rows and columns around the data go.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from kg.document import Document
from kg.errors import CorruptFileError, EncryptedFileError
from kg.readers.assemble import Item, assemble
from kg.readers.limits import MAX_SHEET_AREA, check_archive, check_cells

MEDIA_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".xls": "application/vnd.ms-excel",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_ZIPPED = (".xlsx", ".xlsm", ".ods")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _merged_in_first_cell(rows: list[list[str]], merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Empty every cell a merged range spans but its first, whatever the file repeated there."""
    for (r0, c0), (r1, c1) in merged:
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                if (r, c) != (r0, c0):
                    rows[r][c] = ""


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    used = [i for i in range(max(len(r) for r in rows)) if any(i < len(r) and r[i].strip() for r in rows)]
    first, last = used[0], used[-1]
    return [r[first : last + 1] for r in rows]


def read(path: Path, data: bytes, sha256: str) -> Document:
    suffix = path.suffix.lower()
    if suffix in _ZIPPED:
        if data.startswith(_OLE_MAGIC):
            raise EncryptedFileError(path, "an OLE container, as Excel writes for a password-protected workbook")
        check_archive(path, data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        items: list[Item] = []
        cells = 0
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            cells += sheet.total_height * sheet.total_width
            check_cells(path, cells, MAX_SHEET_AREA)  # before the area is read; its filled cells are checked after
            rows = [[_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            _merged_in_first_cell(rows, sheet.merged_cell_ranges or [])
            table = _trimmed(rows)
            if table:
                items.append(("heading", name))
                items.append(("table", table))
    except PasswordError as exc:
        raise EncryptedFileError(path, "the workbook is password-protected") from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise CorruptFileError(path, f"not a readable workbook: {exc}") from exc
    except BaseException as exc:
        # calamine is Rust: a panic on a damaged file arrives as pyo3's PanicException, which is no
        # Exception and would pass every `except Exception` above us.
        if type(exc).__name__ != "PanicException":
            raise
        raise CorruptFileError(path, f"not a readable workbook (the reader gave up: {exc})") from None
    return assemble(items, path, MEDIA_TYPES.get(suffix, MEDIA_TYPES[".xlsx"]), sha256)
