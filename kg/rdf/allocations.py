"""Map an allocation notice: the notice as a policy document, and one fund flow per table amount.

Design:
- The report is also typed fkg:AllocationNotice. The notice as a policy document is the resource a
  citation of its 文号 resolves to, `iris.policy_iri(canonical number)`: fkg:PolicyDocument with
  fkg:documentNumber, eli:id_local … exactly as `ReportMapper.citation` describes a cited number, plus
  its title and joint issuers (eli:passed_by); the report eli:realizes it. So 根据晋财社〔2022〕58号 in a
  city's notice leads to the provincial notice and its flows.
- Programme: one per paying body and fund name (`kg.rdf.budget.programme_iri`, the payer as owner),
  of kind transfer: the notices of different levels name different funds (中央财政… / 中央和省级…),
  which the linking relates by their `fund_core`.
- One fkg:FundFlow per row and level column: fkg:payer the paying finance body, fkg:recipientRegion the
  region the row names, fkg:fundingLevel, fkg:programme, phase allocated, the amount, the fiscal year,
  the function code, and the evidence of the amount cell and of the recipient cell; the notice
  fkg:allocates it. It has no fkg:payee here: a row names a region, and the department that
  receives the money for that region is known only once its report is in the graph. `kg.linking`
  then writes fkg:payee into the links graph, with the link.
- The 合计 row, for each level above the payer's own, is what the payer received from above and now
  passes on: a FundFlow to fkg:payee the payer, marked fkg:isTotal, not allocated by this notice. It is
  the receipt `kg.linking` links to the upper level's row (吕梁市's 合计 中央资金 → the province's row
  吕梁市 中央资金). The 合计 of the payer's own level (or of a table whose payer is not known) is a
  mere total (checked as "allocation-total"), stated as an fkg:AmountStatement like the report's
  other amounts, so that the table's total is in the graph.
"""

from __future__ import annotations

import dataclasses

from pyoxigraph import Literal, NamedNode

from kg.rdf import iris
from kg.rdf.literals import TRUE, decimal, typed, zh
from kg.rdf.mapper import ReportMapper, programme_iri
from kg.rdf.report import map_amount
from kg.rdf.terms import CODE, ELI, FKG, QB, RDF, RDFS, XSD
from kg.records import Allocation, Classification, ClassificationScheme, GovLevel, Notice, Programme

ALLOCATES = FKG.allocates
RECIPIENT_REGION = FKG.recipientRegion
_RANK = {level: i for i, level in enumerate(GovLevel)}  # central first


def _policy_document(m: ReportMapper, notice: Notice, issuers: list[NamedNode]) -> None:
    if notice.number is None:
        return
    node = m.policy_document(notice.number, notice.title)
    for issuer in issuers:
        m.add(node, ELI.passed_by, issuer)
    m.add(m.report, ELI.realizes, node)
    m.derived(node, notice.number_evidence, FKG.documentNumber)


def _programme(m: ReportMapper, notice: Notice) -> NamedNode:
    payer = notice.payer
    programme = Programme(notice.fund, notice.fund_evidence, kind="transfer")
    node = programme_iri(programme, payer.name if payer else m.publisher_name or m.key)
    m.add_all(
        node,
        [
            (RDF.type, FKG.Programme),
            (RDFS.label, zh(notice.fund)),
            (FKG.programmeKind, Literal("transfer")),
        ],
    )
    m.add_once(m.report, FKG.mentions, node)
    m.derived(node, notice.fund_evidence)
    return node


def _dataset(m: ReportMapper) -> NamedNode:
    node = iris.item_iri("dataset", m.key, "allocations")
    m.add_all(node, [(RDF.type, QB.DataSet), (RDFS.label, zh("资金分配表")), (FKG.statedIn, m.report)])
    return node


class _NoticeMapper:
    def __init__(self, m: ReportMapper, notice: Notice) -> None:
        self.m = m
        self.notice = notice
        issuers = [m.organisation(org, FKG.Department) for org in notice.issuers]
        for org, node in zip(notice.issuers, issuers, strict=True):
            if org.name != m.publisher_name:
                m.add_once(m.report, FKG.mentions, node)
        payer = notice.payer
        self.payer = m.organisation(payer, FKG.Department) if payer else None
        self.payer_rank = _RANK[payer.level] if payer and payer.level else None
        # A table that allocates without naming its fund (no title, no caption) has no programme.
        self.programme = _programme(m, notice) if notice.fund else None
        self._programmes: dict[str, NamedNode | None] = {notice.fund: self.programme}
        self.dataset = _dataset(m)
        self.year = typed(notice.year, XSD.gYear) if notice.year else None
        self.function = None
        if notice.function_code:
            classification = Classification(ClassificationScheme.FUNCTIONAL, notice.function_code, "")
            self.function = m.concept(classification)
        m.add(m.report, RDF.type, FKG.AllocationNotice)
        _policy_document(m, notice, issuers)

    def programme_of(self, allocation: Allocation) -> NamedNode | None:
        """The programme of the fund the allocation's own table or list names (a report without a
        notice title may list several funds, 甲公益金 and 乙公益金)."""
        notice = allocation.notice or self.notice
        if notice.fund not in self._programmes:
            self._programmes[notice.fund] = _programme(self.m, notice) if notice.fund else None
        return self._programmes[notice.fund]

    def flow(self, allocation: Allocation, node: NamedNode) -> None:
        m, amount = self.m, allocation.amount
        m.add_all(
            node,
            [
                (RDF.type, FKG.FundFlow),
                (RDF.type, QB.Observation),
                (QB.dataSet, self.dataset),
                (FKG.programme, self.programme_of(allocation)),
                (FKG.fiscalYear, self.year),
                (FKG.budgetPhase, CODE.budget_phase(allocation.phase.value)),
                (FKG.amount, decimal(amount.yuan)),
                (FKG.originalText, Literal(amount.text)),
                (FKG.originalUnit, zh(amount.unit)),
                (FKG.functionalClassification, self.function),
                (FKG.statedIn, m.report),
            ],
        )
        for level in allocation.levels:
            m.add(node, FKG.fundingLevel, CODE.level(level.value))
        m.derived(node, amount.evidence)
        m.derived(node, allocation.recipient_evidence)

    def allocation(self, allocation: Allocation) -> None:
        ev = allocation.amount.evidence
        node = iris.item_iri("allocation", self.m.key, ev.start, ev.end)
        self.flow(allocation, node)
        self.m.add_all(
            node,
            [
                (FKG.payer, self.payer),
                (RDFS.label, zh(f"{allocation.recipient} {allocation.amount.label or ''}".strip())),
            ],
        )
        if allocation.recipient_region is not None:
            self.m.add(node, RECIPIENT_REGION, self.m.region(allocation.recipient_region))
        self.m.add(self.m.report, ALLOCATES, node)

    def receipt(self, total: Allocation) -> None:
        """The 合计 of a level above the payer's: what the payer received and passes on."""
        ranks = [_RANK[level] for level in total.levels]
        if self.payer is None or self.payer_rank is None or not ranks or max(ranks) >= self.payer_rank:
            self.stated_total(total)
            return
        ev = total.amount.evidence
        node = iris.item_iri("allocation-receipt", self.m.key, ev.start, ev.end)
        self.flow(total, node)
        label = f"{total.recipient} {total.amount.label or ''}".strip()
        self.m.add_all(node, [(FKG.payee, self.payer), (FKG.isTotal, TRUE), (RDFS.label, zh(label))])


    def stated_total(self, total: Allocation) -> None:
        """A 合计 that is no receipt (the payer's own level, or no payer known) is still what the table
        states: an fkg:AmountStatement, as the report's other amounts, labelled by row and column."""
        label = f"{total.recipient} {total.amount.label or ''}".strip()
        map_amount(self.m, dataclasses.replace(total.amount, label=label))


def map_allocations(m: ReportMapper) -> None:
    """Add the quads of the report's allocation notice, if it is one (see the module docstring)."""
    allocations = m.records.allocations
    notice = next((a.notice for a in allocations if a.notice is not None), None)
    if notice is None:
        return
    mapper = _NoticeMapper(m, notice)
    for allocation in allocations:
        if allocation.is_total:
            mapper.receipt(allocation)
        else:
            mapper.allocation(allocation)


__all__ = ["ALLOCATES", "RECIPIENT_REGION", "map_allocations"]
