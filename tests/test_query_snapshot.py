"""Every named query answers on the seeds and samples exactly as it did before the speed work.

`tests/snapshots/named-queries.json` holds the rows of every named query, with its example
parameters and without any, on the five seeds and the project's samples (notices included), linked:
taken from the code before issue 13 (`python tests/test_query_snapshot.py --write`, run on that
checkout). A row is its terms (type, value, datatype or language; the items of a GROUP_CONCAT as a
set, since SPARQL leaves their order open), stored as a SHA-256 digest so that no seed text enters
the repository; each query's rows are compared as a sorted list of digests. A query made faster
must give them all.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "named-queries.json"
SEEDS = ROOT.parent / "shared" / "seeds"
# GROUP_CONCAT columns: their items, not their order, are the answer.
CONCATENATED = {("consistency-issues", "quotes"), ("departments", "units"), ("departments", "reports"),
                ("documents-by-issuer", "titles"), ("most-cited-documents", "titles")}  # fmt: skip


def _term(term: Any, name: str, column: str) -> list[str] | None:
    if term is None:
        return None
    value = term.json()
    text = value["value"]
    if (name, column) in CONCATENATED:
        text = " | ".join(sorted(text.split(" | " if " | " in text else " ")))
    return [value["type"], text, value.get("datatype") or value.get("xml:lang") or ""]


def _digest(row: list[list[str] | None]) -> str:
    return hashlib.sha256(json.dumps(row, ensure_ascii=False).encode()).hexdigest()[:20]


def answers(seeds: Path, work: Path) -> dict[str, list[str]]:
    """Every named query's rows (example parameters, and none) on seeds + samples, normalised."""
    from kg.build import build
    from kg.linking import link
    from kg.queries import bind, named_queries
    from kg.store import open_store

    store = open_store(work / "kg")
    result = build([seeds, ROOT / "samples"], store)
    assert not result.failed, result.failed
    link(store)
    out: dict[str, list[str]] = {}
    for name, query in sorted(named_queries().items()):
        runs = [("example", query.example_parameters())]
        if not any(p.required for p in query.parameters):
            runs.append(("unbound", {}))
        for label, params in runs:
            results = store.select(bind(query, params))
            rows = [[_term(t, name, c) for c, t in zip(results.columns, row, strict=True)] for row in results.terms]
            out[f"{name} {label}"] = sorted(_digest(row) for row in rows)
    store.close()
    return out


@pytest.fixture(scope="module")
def current(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return answers(seeds_dir, tmp_path_factory.mktemp("snapshot"))


def _keys() -> list[str]:
    # Without the file no answer is compared, and the test below fails: every query must be in it.
    return sorted(json.loads(SNAPSHOT.read_text(encoding="utf-8"))) if SNAPSHOT.exists() else []


@pytest.mark.parametrize("key", _keys())
def test_named_query_answers_are_unchanged(current: dict[str, Any], key: str) -> None:
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))[key]
    assert len(current[key]) == len(expected)
    missing = sorted(set(expected) - set(current[key]))
    extra = sorted(set(current[key]) - set(expected))
    assert (missing, extra) == ([], [])
    assert current[key] == expected  # and as many of each


def test_every_named_query_is_in_the_snapshot(current: dict[str, Any]) -> None:
    assert sorted(current) == _keys()


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data = answers(SEEDS, Path(tmp))
    SNAPSHOT.parent.mkdir(exist_ok=True)
    SNAPSHOT.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    print(f"{SNAPSHOT}: {len(data)} answers, {sum(map(len, data.values()))} rows")
