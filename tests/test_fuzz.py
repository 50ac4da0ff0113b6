"""The fuzz suite (bench/fuzz.py) on 200 cases of a fixed seed: every malformed input is built or
refused with a named error; none crashes, hangs or runs over memory (issue 12). The 5,000-case
figures are in docs/reliability.md.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import fuzz
import fuzzcases

CASES = 200
SEED = 12


@pytest.fixture(scope="module")
def results() -> list[fuzz.Result]:
    return fuzz.fuzz(CASES, SEED, workers=2, timeout=60, memory_mb=2048)


def test_no_case_crashes_hangs_or_runs_over_memory(results: list[fuzz.Result]) -> None:
    assert len(results) == CASES
    bad = [f"{r.outcome} #{r.index} {r.kind} {r.name}: {r.detail}" for r in results if r.outcome in fuzz.BAD]
    assert not bad, "\n".join(bad)
    counts = Counter(r.outcome for r in results)
    assert counts["built"] > 0 and counts["skipped"] > 0, counts


def test_the_cases_cover_every_kind_and_format(results: list[fuzz.Result]) -> None:
    kinds = {r.kind for r in results}
    assert kinds == set(fuzzcases.KINDS), set(fuzzcases.KINDS) - kinds
    suffixes = {Path(r.name).suffix for r in results}
    assert {".txt", ".md", ".html", ".docx", ".xlsx", ".ods", ".pdf", ".xls", ".doc"} <= suffixes


def test_a_case_is_the_same_whoever_makes_it() -> None:
    bases = fuzzcases.make_bases()
    assert fuzzcases.make_case(SEED, 7, bases) == fuzzcases.make_case(SEED, 7, bases)
    assert fuzzcases.make_case(SEED, 7, bases) != fuzzcases.make_case(SEED + 1, 7, bases)


def test_the_harness_counts_a_hang_and_a_blow_up() -> None:
    """The limits of the harness itself: a case that sleeps is hung, one that allocates is over memory."""
    runner = fuzz._Runner(timeout=2, max_rss=600 * 2**20)
    try:
        assert runner.run(fuzzcases.Case("sleep.txt", b"", "test"), probe="sleep")[0] == "hung"
    finally:
        runner.close()
    # Growing to the limit takes well under a second on an idle machine, but seconds on a loaded
    # one: a time budget that cannot run out first, so that only the memory limit can stop it.
    runner = fuzz._Runner(timeout=120, max_rss=600 * 2**20)
    try:
        assert runner.run(fuzzcases.Case("grow.txt", b"", "test"), probe="grow")[0] == "over memory"
        assert runner.run(fuzzcases.Case("ok.txt", "石楼县医疗保障局部门决算".encode(), "test"))[0] == "built"
    finally:
        runner.close()
