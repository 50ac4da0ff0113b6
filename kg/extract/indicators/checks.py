"""Checks of a self-evaluation against itself. The report's own scores are never changed: a
disagreement becomes a ConsistencyIssue.

- indicator-score: a target met (by the numbers or as the report restates it) that did not get its
  full points, a target missed that did, or points above the indicator's weight;
- evaluation-total: the indicator scores do not give the total. Forms add the execution-rate points
  to the indicator points, or scale indicators weighted to 100 to what the execution rate leaves (部门整体:
  Σ得分 × 90/100 + 执行率得分), so the total must equal one of Σ得分, Σ得分 + 执行率得分 or
  Σ得分 × (100 − 执行率权重) / 100 + 执行率得分 (when Σ权重 = 100), to 0.01. Where a form leaves out the 执行率得分
  column, the rate's points are its weight times the rate (10 × 96.49% = 9.65, as the forms that show
  the column score it).
"""

from __future__ import annotations

from decimal import Decimal

from kg.extract.indicators.model import Draft
from kg.records import ConsistencyIssue, Indicator

TOLERANCE = Decimal("0.01")


def _indicator_issue(subject: str, ind: Indicator) -> ConsistencyIssue | None:
    if ind.weight is None or ind.score is None or ind.weight.value is None or ind.score.value is None:
        return None
    weight, score = ind.weight.value, ind.score.value
    target = ind.adjusted_target or ind.target
    actual = ind.actual.text if ind.actual else "—"
    said = f"{subject}：{ind.name}（指标值 {target.text if target else '—'}，实际 {actual}）"
    if score > weight:
        problem = f"得分 {score} 超过分值 {weight}"
    elif ind.met is True and score < weight:
        problem = f"已达到指标值，但得分 {score}，分值 {weight}"
    elif ind.met is False and weight > 0 and score >= weight:
        problem = f"未达到指标值，但得满分 {score}"
    else:
        return None
    evidence = tuple(m.evidence for m in (ind.target, ind.actual, ind.score) if m is not None and m.evidence)
    return ConsistencyIssue("indicator-score", f"{said}{problem}", weight, score, Decimal(0), (ind.evidence, *evidence))


def _total_issue(draft: Draft) -> ConsistencyIssue | None:
    total = draft.total.value if draft.total else None
    scores = [i.score.value for i in draft.indicators if i.score and i.score.value is not None]
    if total is None or not scores:
        return None
    points = sum(scores, Decimal(0))
    weights = sum((i.weight.value for i in draft.indicators if i.weight and i.weight.value is not None), Decimal(0))
    extra = draft.execution_score
    if extra is None and draft.execution_weight is not None and draft.execution_rate is not None:
        # The rate's points left out of the table: its weight times the rate, as the forms score it.
        rate = draft.execution_rate.value or Decimal(0)
        extra = (draft.execution_weight * rate / 100).quantize(TOLERANCE)
    extra = extra or Decimal(0)
    candidates = [points, points + extra]
    if draft.execution_weight is not None and weights == 100:
        candidates.append(points * (100 - draft.execution_weight) / 100 + extra)
    if any(abs(total - c) <= TOLERANCE for c in candidates):
        return None
    found = points + extra
    with_rate = f" + 执行率得分 {extra}" if extra else ""
    assert draft.total is not None
    return ConsistencyIssue(
        "evaluation-total",
        f"{draft.subject}：{len(scores)} 项指标得分之和 {points}{with_rate} 与自评总分 {draft.total.text} 不符",
        total,
        found,
        TOLERANCE,
        tuple(e for e in (draft.total.evidence,) if e is not None),
    )


def check(draft: Draft) -> list[ConsistencyIssue]:
    issues = [issue for ind in draft.indicators if (issue := _indicator_issue(draft.subject, ind))]
    total = _total_issue(draft)
    return [*issues, total] if total else issues
