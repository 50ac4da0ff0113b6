"""Performance self-evaluations (绩效自评): what programmes and departments promised and achieved.

`find_evaluations(doc, metadata, programmes)` reads every layout the seed reports use and returns the
evaluations with their indicators, plus the consistency issues found while checking them:

- forms (`forms.py`): 项目/部门整体绩效自评表, 转移支付绩效自评表, 绩效目标申报表 and 重点项目自评表,
  with name, tiers, unit, comparison, target, adjusted target, actual, deviation, weight, score, core
  flag and reason as their columns give them, in every table layout the readers rebuild (tables
  without header read by the shape of their rows);
- flattened forms (`flat.py`): a Word table copied out as paragraphs without separators, read by
  tier words and the shape of values;
- scoring tables (`scoring.py`): 绩效自评指标计分表 split over many lines by a Word export;
- prose (`prose.py`): lists of targets (具体评价指标) with the actuals the text reports later,
  sentences that state a result with its target (参保率达到93.8%，目标为≥95%), the completed values
  listed under a tier (1.产出指标均已完成，培训人数60人), and sentences that state a score, a grade
  or an execution rate.

Values, units and the met rules are in `values.py`, the link to shared indicator concepts in
`concepts.py`, the checks in `checks.py`.
"""

from __future__ import annotations

from kg.document import Document
from kg.extract.component import component
from kg.extract.indicators.checks import check
from kg.extract.indicators.flat import read_flattened
from kg.extract.indicators.forms import read_forms
from kg.extract.indicators.model import Draft, Programmes
from kg.extract.indicators.prose import apply_statements, read_prose_targets, read_stated_results
from kg.extract.indicators.scoring import read_scoring_tables
from kg.lexicon.concepts import name_key
from kg.records import ConsistencyIssue, Evaluation, Programme, ReportMetadata, ReportRecords


def _merge_same_subject(drafts: list[Draft]) -> list[Draft]:
    """A scoring table and a list of targets of one programme are one evaluation (forms stay apart)."""
    merged: list[Draft] = []
    for draft in drafts:
        same = next(
            (m for m in merged if m.source != "form" and draft.source != "form" and m.subject == draft.subject
             and m.is_department == draft.is_department),
            None,
        )  # fmt: skip
        if same is None:
            merged.append(draft)
            continue
        same.indicators.extend(draft.indicators)
        same.total = same.total or draft.total
        same.execution_rate = same.execution_rate or draft.execution_rate
    return merged


def _add_stated(drafts: list[Draft], stated: list[Draft]) -> list[Draft]:
    """Results stated against their target join the prose evaluation of their body; a name the body's
    evaluations already have (a form row, a listed target) is the same indicator restated, so it is dropped."""
    out = list(drafts)
    for draft in stated:
        same = [d for d in out if d.subject == draft.subject and d.is_department == draft.is_department]
        known = {name_key(i.name) for d in same for i in d.indicators}
        draft.indicators = [i for i in draft.indicators if name_key(i.name) not in known]
        host = next((d for d in same if d.source != "form"), None)
        if host is not None:
            host.indicators.extend(draft.indicators)
        elif draft.indicators:
            out.append(draft)
    return out


def find_evaluations(
    doc: Document, metadata: ReportMetadata, programmes: list[Programme]
) -> tuple[list[Evaluation], list[ConsistencyIssue]]:
    """Every self-evaluation of the report and the checks that failed."""
    publisher = metadata.publisher.name if metadata.publisher else None
    region = metadata.publisher.region if metadata.publisher else None
    known = Programmes(programmes)
    drafts = [
        *read_forms(doc, publisher, known),
        *read_flattened(doc, publisher, known),
        *read_scoring_tables(doc, known),
        *read_prose_targets(doc, region, known),
    ]
    drafts = _add_stated(_merge_same_subject(drafts), read_stated_results(doc, publisher, region, known))
    drafts = apply_statements(doc, publisher, known, drafts)
    drafts.sort(key=lambda d: d.evidence.start)
    issues = [issue for draft in drafts for issue in check(draft)]
    return [d.record() for d in drafts], issues


@component("evaluations", needs=["metadata", "programmes"], provides=["evaluations", "issues"])
def read_evaluations(doc: Document, found: ReportRecords) -> None:
    evaluations, issues = find_evaluations(doc, found.metadata, found.programmes)
    found.evaluations.extend(evaluations)
    found.issues.extend(issues)


__all__ = ["find_evaluations"]
