"""Readers on long, damaged and extreme inputs (issue 12, findings 9, 11, 12): bounded and linear,
refusing with a named error what no report is, never raising a library's exception.

The inputs are made here: a 200,000-row HTML table, a 400,000-line text file, truncated and
bit-flipped files of every format (from well-formed ones written by bench/fuzzcases.py), numbers
no report writes.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pytest

from kg.build import build
from kg.errors import FileTooLargeError, ReportError, UnexpectedError
from kg.readers import read_document
from kg.readers.limits import MAX_NUMBERS, MAX_TABLE_CELLS
from kg.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import fuzzcases

LIMIT_SECONDS = 30


def _timed_build(path: Path) -> tuple[float, list[str], int]:
    started = time.monotonic()
    result = build([path], open_store(None), max_bytes=200 * 2**20)
    return time.monotonic() - started, [f.message for f in result.failed], len(result.added)


def test_a_200k_row_html_table_is_refused_in_seconds(tmp_path: Path) -> None:
    rnd = random.Random(11)
    rows = "".join(f"<tr><td>项目{i}</td><td>{rnd.randint(0, 10**6)}</td></tr>" for i in range(200_000))
    path = tmp_path / "rows.html"
    path.write_text(f"<html><body><h1>支出决算表</h1><table>{rows}</table></body></html>", encoding="utf-8")
    seconds, failed, added = _timed_build(path)
    assert seconds < LIMIT_SECONDS and not added
    assert len(failed) == 1 and "rows.html" in failed[0] and "more than" in failed[0] and "cells" in failed[0]


def test_a_400k_line_text_is_refused_in_seconds(tmp_path: Path) -> None:
    rnd = random.Random(12)
    line = "\t".join(["项目"] + [str(rnd.randint(0, 10**6)) for _ in range(9)])  # 100 bytes a line: 40 MB
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(line for _ in range(400_000)), encoding="utf-8")
    seconds, failed, added = _timed_build(path)
    assert seconds < LIMIT_SECONDS and not added
    assert len(failed) == 1 and "lines.txt" in failed[0] and "more than" in failed[0]


@pytest.mark.parametrize("layout", ["tabs", "pipes", "html"])
def test_a_table_under_the_limits_is_built_in_linear_time(tmp_path: Path, layout: str) -> None:
    """Twice the rows take about twice as long (not four times): no quadratic step in reading,
    extraction or mapping."""
    rnd = random.Random(13)

    def table(rows: int) -> tuple[str, str]:
        cells = [[f"项目{i}", str(rnd.randint(0, 10**6)), str(rnd.randint(0, 10**6))] for i in range(rows)]
        if layout == "html":
            body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells)
            return "t.html", f"<html><body><h1>支出决算表</h1><p>单位：万元</p><table>{body}</table></body></html>"
        sep = "\t" if layout == "tabs" else "|"
        lines = [sep.join(row) if layout == "tabs" else f"|{sep.join(row)}|" for row in cells]
        return "t.txt", "支出决算表\n单位：万元\n" + "\n".join(lines)

    timings = []
    store = open_store(None)
    build([fuzzcases.SAMPLES / "shilou-final-accounts-2023.txt"], store)  # the ontology is loaded once
    for rows in (1500, 3000, 6000):
        name, text = table(rows)
        path = tmp_path / f"{rows}-{name}"
        path.write_text(text, encoding="utf-8")
        started = time.monotonic()
        result = build([path], store)
        timings.append(time.monotonic() - started)
        assert result.added and not result.failed
    assert timings[2] < 6 * timings[0] + 1, timings  # linear: 4× the rows, about 4× the time
    assert timings[2] < LIMIT_SECONDS


def test_limits_name_the_file_and_the_reason(tmp_path: Path) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("收入合计" + "，".join(str(i) for i in range(MAX_NUMBERS + 10)) + "元。", encoding="utf-8")
    with pytest.raises(FileTooLargeError, match=r"numbers\.txt: .*more than 20,000 numbers"):
        read_document(numbers)
    cells = tmp_path / "cells.html"
    rows = "".join(f"<tr><td>a{i}</td><td>b</td></tr>" for i in range(MAX_TABLE_CELLS // 2 + 10))
    cells.write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")
    with pytest.raises(FileTooLargeError, match=r"cells\.html: .*20,000 cells"):
        read_document(cells)
    spans = tmp_path / "spans.html"
    spans.write_text("<html><body><table>" + '<tr><td colspan="1000" rowspan="0">x</td></tr>' * 200
                     + "</table></body></html>", encoding="utf-8")  # fmt: skip
    with pytest.raises(FileTooLargeError, match="span more than"):
        read_document(spans)


@pytest.fixture(scope="module")
def bases() -> fuzzcases.Bases:
    return fuzzcases.make_bases()


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".docx", ".xlsx", ".ods", ".pdf"])
def test_damaged_files_of_every_reader_raise_named_errors(tmp_path: Path, bases: fuzzcases.Bases, suffix: str) -> None:
    if not bases.of(suffix):
        pytest.skip(f"no well-formed {suffix} to damage (reportlab makes the PDF)")
    rnd = random.Random(suffix)
    outcomes: dict[str, int] = {}
    for i, base in enumerate(bases.of(suffix) * 40):
        damaged = base[: rnd.randrange(1, len(base))] if i % 2 else fuzzcases._flip(rnd, base)
        path = tmp_path / f"{i}{suffix}"
        path.write_bytes(damaged)
        try:
            read_document(path)
            outcomes["read"] = outcomes.get("read", 0) + 1
        except UnexpectedError as exc:
            raise AssertionError(f"{suffix} case {i}: {exc}") from exc
        except ReportError as exc:
            outcomes[type(exc).__name__] = outcomes.get(type(exc).__name__, 0) + 1
    assert sum(outcomes.values()) >= 40, outcomes


def test_extreme_numbers_cost_no_component(tmp_path: Path) -> None:
    """Numbers no report writes (5,000 nines, 12.3,456, mixed scripts) in prose and tables: read,
    and no extraction component fails on them (a failure would be an fkg:ExtractionIssue)."""
    from kg.extract.amounts import parse_amount
    from kg.extract.pipeline import extract_report
    from kg.extract.table.rows import is_column_numbers

    assert is_column_numbers(["9" * 5000, "2"]) is False  # int(float()) overflowed here
    assert parse_amount("12.3,456万元") is None
    lines = ["石楼县医疗保障局2023年度部门决算", "支出决算表", "单位：万元", "科目编码\t科目名称\t本年支出合计"]
    for i, number in enumerate(fuzzcases.EXTREME_NUMBERS):
        lines.append(f"本年收入合计{number}万元，其中财政拨款{number}元，增长{number}%。")
        lines.append(f"21013{i:02d}\t城乡医疗救助\t{number}")
    path = tmp_path / "numbers.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    records = extract_report(read_document(path))
    assert records.extraction_issues == []
    result = build([path], open_store(None))
    assert result.added and not result.failed
