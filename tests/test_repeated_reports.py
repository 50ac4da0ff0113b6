"""Many reports naming the same departments, regions and documents: no query multiplies its rows.

Shared things are described in every report graph that mentions them, and Oxigraph's union default
graph returns a triple once per graph that holds it. A query that joins several attributes of a
shared thing then returns copies of its rows (k² or k³ of them with k reports), correct-looking on
one report and wrong on many. Here every seed is built three times under other names: no named
query may return duplicate rows, and what one seed states comes back once per copy.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from kg.build import build
from kg.queries import bind, named_queries
from kg.store import Store, open_store

NOTICES = Path(__file__).resolve().parent.parent / "samples" / "notices"
COPIES = ("a-", "b-", "c-")


@pytest.fixture(scope="module")
def store(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("copies")
    for seed in sorted(seeds_dir.glob("0*.txt")):
        for prefix in COPIES:
            shutil.copy(seed, folder / f"{prefix}{seed.name}")
    s = open_store(tmp_path_factory.mktemp("repeated") / "kg")
    result = build([folder, NOTICES], s)
    assert not result.failed and len(result.added) == 3 * 5 + 4
    return s


def rows_of(store: Store, name: str, params: dict[str, str] | None = None) -> tuple[list[str], list[tuple]]:
    query = named_queries()[name]
    result = store.select(bind(query, query.example_parameters() if params is None else params))
    return list(result.columns), [tuple(r.values()) for r in result.lexical()]


SELECTS = sorted(name for name, q in named_queries().items() if q.form == "SELECT")


@pytest.mark.parametrize("name", SELECTS)
def test_no_named_query_returns_duplicate_rows(store: Store, name: str) -> None:
    _, rows = rows_of(store, name)
    duplicated = [row for row, n in Counter(rows).items() if n > 1]
    assert duplicated == []


def test_citations_of_one_document_are_one_per_copy(store: Store) -> None:
    columns, rows = rows_of(store, "policy-citations", {"doc": "乐府办规〔2022〕3号"})
    file, start = columns.index("file"), columns.index("start")
    # Seed 000 cites it three times (at 9545, 11360 and 11459): three citations in each copy.
    assert sorted((row[file], row[start]) for row in rows) == [
        (f"{p}000_84a2500fe35ff2c8.txt", s) for p in COPIES for s in ("11360", "11459", "9545")
    ]


def test_a_department_is_listed_once_with_all_its_reports(store: Store) -> None:
    columns, rows = rows_of(store, "departments", {})
    name, reports = columns.index("name"), columns.index("reports")
    liulin = [row for row in rows if row[name] == "柳林县医疗保障局"]
    assert len(liulin) == 1
    assert sorted(liulin[0][reports].split(" | ")) == [f"{p}002_0f45429440d9ca6e.txt" for p in COPIES]
