"""Spreadsheets (.xlsx, .xls, .ods) and Word 97-2003 (.doc) reports, from files the tests make.

.xlsx files are written with openpyxl; .xls, .ods and .doc are converted from them by LibreOffice
(`soffice --headless --convert-to`), and .doc is read through antiword. Both programs come from
Debian and .ci/run installs them; where they are absent the tests that need them skip locally
and fail under CI (FUNDKG_REQUIRE_OFFICE=1) with a message that names the missing program.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from kg.build import build
from kg.errors import CorruptFileError, FileTooLargeError, MissingToolError
from kg.extract.tables import find_budget_lines
from kg.readers import read_document
from kg.store import open_store

openpyxl = pytest.importorskip("openpyxl")

# A 支出决算表 of our own, in 万元, with a merged caption and a merged 项目 header.
ROWS = [
    ["某县卫生健康局支出决算表", None, None, None, None],
    ["金额单位：万元", None, None, None, None],
    ["项目", None, "本年支出合计", "基本支出", "项目支出"],
    ["功能分类科目编码", "科目名称", None, None, None],
    ["合计", None, 512.75, 212.5, 300.25],
    ["210", "卫生健康支出", 512.75, 212.5, 300.25],
    ["2101301", "城乡医疗救助", 300.25, None, 300.25],
]


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed (Debian: see .ci/run); it is needed to make or read this file type"
        if os.environ.get("FUNDKG_REQUIRE_OFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "支出决算表"
    for row in ROWS:
        sheet.append(row)
    sheet.merge_cells("A1:E1")
    sheet.merge_cells("A3:B3")
    notes = wb.create_sheet("说明")
    notes["A1"] = "本表由测试生成。"
    wb.save(path)
    return path


def _convert(source: Path, suffix: str) -> Path:
    soffice = _require("soffice")
    out = source.parent / "converted"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{source.parent}/lo-profile",
         "--convert-to", suffix, "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    target = out / f"{source.stem}.{suffix}"
    assert target.exists(), f"LibreOffice did not write {target}"
    return target


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _workbook(tmp_path_factory.mktemp("xlsx") / "expenditure.xlsx")


def _check_expenditure_table(path: Path) -> None:
    doc = read_document(path)
    table = doc.tables[0]
    # A merged range keeps its value in its first cell, as Word tables do; whole numbers lose ".0".
    assert table.rows[0].texts == ["某县卫生健康局支出决算表", "", "", "", ""]
    assert table.rows[2].texts[:2] == ["项目", ""]
    assert table.rows[5].texts == ["210", "卫生健康支出", "512.75", "212.5", "300.25"]
    lines = [line for line in find_budget_lines(doc) if line.table_kind == "expenditure-final-accounts"]
    code = {x: x.classification.code if x.classification else None for x in lines}
    relief = next(x for x in lines if code[x] == "2101301" and x.measure == "project")
    assert relief.amount.yuan == Decimal("3002500") and relief.amount.unit == "万元"
    assert relief.amount.evidence.cell is not None and relief.amount.evidence.cell.row == 6


def test_xlsx(xlsx: Path) -> None:
    doc = read_document(xlsx)
    assert doc.media_type.endswith("spreadsheetml.sheet")
    assert [t.rows[0].texts[0] for t in doc.tables] == ["某县卫生健康局支出决算表", "本表由测试生成。"]
    _check_expenditure_table(xlsx)


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_xls_and_ods_converted_by_libreoffice(xlsx: Path, suffix: str) -> None:
    _check_expenditure_table(_convert(xlsx, suffix))


def test_doc_through_antiword(tmp_path: Path) -> None:
    import docx

    _require("antiword")
    word = docx.Document()
    word.add_paragraph("某县医疗保障局关于城乡医疗救助资金的说明")
    word.add_paragraph("根据《某市医疗救助资金管理办法》（某医保发〔2023〕12号），本年支出城乡医疗救助资金300.25万元。")
    # antiword refuses a document whose text is very short: a real report is pages long.
    for n in range(1, 9):
        word.add_paragraph(f"第{n}项：按季度核对救助对象名单，及时拨付资金，确保应救尽救，救助台账完整准确。")
    doc = read_document(_convert(_save(word, tmp_path / "note.docx"), "doc"))
    assert doc.media_type == "application/msword"
    assert "某医保发〔2023〕12号" in doc.text and "300.25万元" in doc.text
    store = open_store(None)
    result = build([_convert(_save(word, tmp_path / "built.docx"), "doc")], store)
    assert not result.failed and len(result.added) == 1


def _save(word: object, path: Path) -> Path:
    word.save(path)  # type: ignore[attr-defined]
    return path


def test_doc_without_antiword_names_the_program(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(MissingToolError, match="antiword"):
        read_document(path)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    payload = io.BytesIO()
    with zipfile.ZipFile(payload, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<" + b"a" * (64 * 1024 * 1024))  # 64 MiB of one byte
    for suffix in (".docx", ".xlsx"):
        path = tmp_path / f"bomb{suffix}"
        path.write_bytes(payload.getvalue())
        assert path.stat().st_size < 200_000
        with pytest.raises(FileTooLargeError, match="compressed"):
            read_document(path)


def test_a_damaged_archive_is_a_corrupt_file(xlsx: Path, tmp_path: Path) -> None:
    data = bytearray(xlsx.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    for suffix in (".xlsx", ".docx"):
        broken = tmp_path / f"broken{suffix}"
        broken.write_bytes(bytes(data))
        with pytest.raises(CorruptFileError):
            read_document(broken)
