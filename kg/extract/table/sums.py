"""Sum checks: a stated total against the parts that should add up to it.

Funding tables (sources against their total), allocation tables (rows against 合计, level columns
against a row's total) and budget tables all check sums the same way: within a tolerance of one
unit of the table's last printed digit, the failure recorded as a `ConsistencyIssue` whose evidence
is the total's cell and every part's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from kg.extract.amounts import parse_amount
from kg.records import Amount, ConsistencyIssue


def tolerance(unit: str) -> Decimal:
    """0.01 of the table's unit, in yuan: rounding to the cent of a 万元 table is 100 元."""
    parsed = parse_amount("0.01", unit)
    return parsed[0] if parsed else Decimal("0.01")


def sum_issue(
    kind: str,
    expected: Amount,
    parts: Sequence[Amount],
    allowed: Decimal,
    describe: str | Callable[[Decimal], str],
) -> ConsistencyIssue | None:
    """The issue when `parts` do not add up to `expected` within `allowed`; `describe` says how (a
    text, or a function of the sum found)."""
    found = sum((a.yuan for a in parts), Decimal(0))
    if abs(found - expected.yuan) <= allowed:
        return None
    text = describe if isinstance(describe, str) else describe(found)
    evidence = (expected.evidence, *(a.evidence for a in parts))
    return ConsistencyIssue(kind, text, expected.yuan, found, allowed, evidence)
