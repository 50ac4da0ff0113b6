"""Map performance self-evaluations and their indicators of one report.

An evaluation is a `fkg:PerformanceEvaluation` stated in the report, for its fiscal year, that
`fkg:evaluates` a programme (the same IRI the budget mapping gives the report's programme of that
code or name, also linked with `fkg:programme`) or, for 部门整体 evaluations, the department. Each
indicator row is a `fkg:PerformanceIndicator` (`fkg:indicator` of its evaluation) with its values as
typed literals: numbers as xsd:decimal, qualitative values as text, the comparison as a concept of the
comparison code list, `fkg:targetMet` when decided, and the shared indicator concept with the rule
that linked it. Every value points to the cell or words it was read from (`prov:wasDerivedFrom`,
with `fkg:evidenceOf` naming the property).
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from kg.lexicon.names import programme_key
from kg.rdf import iris
from kg.rdf.literals import boolean, decimal, zh
from kg.rdf.mapper import ReportMapper, programme_iri
from kg.rdf.terms import CODE, FKG, RDF, RDFS
from kg.records import Evaluation, Indicator, Measurement, Organisation, Programme


def _value(m: Measurement | None) -> Literal | None:
    """A number as xsd:decimal, anything else as the text written."""
    if m is None:
        return None
    return decimal(m.value) if m.value is not None else zh(m.text)


def _number(m: Measurement | None) -> Literal | None:
    return decimal(m.value) if m is not None and m.value is not None else None


class EvaluationMapper:
    def __init__(self, mapper: ReportMapper) -> None:
        self.m = mapper
        self.records = mapper.records
        self.year = mapper.fiscal_year()

    # what is evaluated ------------------------------------------------------------------------

    def _programme(self, ev: Evaluation) -> Programme | None:
        programmes = self.records.programmes
        if ev.programme_code:
            found = next((p for p in programmes if p.code == ev.programme_code), None)
            if found is not None:
                return found
        key = programme_key(ev.subject)
        return next((p for p in programmes if p.name == ev.subject), None) or next(
            (p for p in programmes if programme_key(p.name) == key), None
        )

    def programme_node(self, ev: Evaluation) -> NamedNode:
        """The report's programme of that code or name, or a programme named only by the evaluation."""
        m = self.m
        known = self._programme(ev)
        programme = known or Programme(ev.subject, ev.evidence, ev.programme_code)
        # The budget mapping's owner: the implementing unit, else the publisher, else the report key.
        owner = programme.implementing_unit.name if programme.implementing_unit else m.publisher_name or m.key
        node = programme_iri(programme, owner)
        if known is None:
            m.add(node, RDF.type, FKG.Programme)
            m.add(node, RDFS.label, zh(programme.name))
            m.add_once(m.report, FKG.mentions, node)
            m.derived(node, ev.evidence)
        return node

    def department_node(self, ev: Evaluation) -> NamedNode:
        m = self.m
        if m.publisher_node is not None and ev.subject == m.publisher_name:
            return m.publisher_node
        org = next((o for o in self.records.organisations if o.name == ev.subject), None)
        if org is None:
            org = Organisation(ev.subject, ev.evidence)
        return m.organisation(org, FKG.Unit if org.role == "subordinate" else FKG.Department)

    # evaluations and indicators ---------------------------------------------------------------

    def evaluation(self, ev: Evaluation) -> None:
        m = self.m
        node = iris.item_iri("evaluation", m.key, ev.evidence.start, ev.evidence.end)
        if ev.is_department:
            # A 部门整体 form has a code of its own: link the programme the budget mapping made of it.
            coded = ev.programme_code and any(p.code == ev.programme_code for p in self.records.programmes)
            programme = self.programme_node(ev) if coded else None
            subject = self.department_node(ev)
        else:
            programme = subject = self.programme_node(ev)
        rate = ev.execution_rate
        fraction = None
        if rate is not None and rate.value is not None:
            fraction = rate.value / 100 if rate.unit == "%" else rate.value
        m.add_all(
            node,
            [
                (RDF.type, FKG.PerformanceEvaluation),
                (RDFS.label, zh(f"{ev.subject} 绩效自评")),
                (FKG.statedIn, m.report),
                (FKG.fiscalYear, self.year),
                (FKG.evaluates, subject),
                (FKG.programme, programme),
                (FKG.totalScore, _number(ev.total_score)),
                (FKG.maxScore, _number(ev.max_score)),
                (FKG.grade, zh(ev.grade) if ev.grade else None),
                (FKG.executionRate, decimal(fraction) if fraction is not None else None),
            ],
        )
        m.derived(node, ev.evidence)
        for prop, measure in (
            (FKG.totalScore, ev.total_score),
            (FKG.maxScore, ev.max_score),
            (FKG.executionRate, rate),
        ):
            if measure is not None:
                m.derived(node, measure.evidence, prop)
        for indicator in ev.indicators:
            m.add(node, FKG.indicator, self.indicator(indicator))

    def indicator(self, ind: Indicator) -> NamedNode:
        m = self.m
        node = iris.item_iri("indicator", m.key, ind.evidence.start, ind.evidence.end, ind.name)
        unit = next((x.unit for x in (ind.target, ind.adjusted_target, ind.actual) if x and x.unit), None)
        m.add_all(
            node,
            [
                (RDF.type, FKG.PerformanceIndicator),
                (RDFS.label, zh(ind.name)),
                (FKG.tier1, zh(ind.tier1) if ind.tier1 else None),
                (FKG.tier2, zh(ind.tier2) if ind.tier2 else None),
                (FKG.tier3, zh(ind.name)),
                (FKG.comparison, CODE.comparison(ind.comparison) if ind.comparison else None),
                (FKG.targetValue, _value(ind.target)),
                (FKG.adjustedTargetValue, _value(ind.adjusted_target)),
                (FKG.actualValue, _value(ind.actual)),
                (FKG.unit, zh(unit) if unit else None),
                (FKG.weight, _number(ind.weight)),
                (FKG.score, _number(ind.score)),
                (FKG.deviation, _number(ind.deviation)),
                (FKG.isCore, boolean(ind.is_core)),
                (FKG.targetMet, boolean(ind.met)),
                (FKG.deviationReason, zh(ind.reason) if ind.reason else None),
                (FKG.indicatorConcept, CODE.indicator(ind.concept) if ind.concept else None),
                (FKG.conceptRule, Literal(ind.concept_rule) if ind.concept and ind.concept_rule else None),
            ],
        )
        m.derived(node, ind.evidence)
        values = (
            (FKG.targetValue, ind.target),
            (FKG.adjustedTargetValue, ind.adjusted_target),
            (FKG.actualValue, ind.actual),
            (FKG.weight, ind.weight),
            (FKG.score, ind.score),
            (FKG.deviation, ind.deviation),
        )
        for prop, measure in values:
            if measure is not None and measure.evidence is not None and measure.evidence != ind.evidence:
                m.derived(node, measure.evidence, prop)
        return node

    def run(self) -> None:
        for ev in self.records.evaluations:
            self.evaluation(ev)


def map_evaluations(m: ReportMapper) -> None:
    """The report's evaluations and their indicators."""
    EvaluationMapper(m).run()
