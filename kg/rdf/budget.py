"""Map budget lines, programmes, funding sources and consistency issues of one report.

Budget lines follow the RDF Data Cube pattern: each is a `qb:Observation` in a `qb:DataSet` for
its table, with the OpenBudgets.eu-style dimensions (organisation, phase, classification) and the
amount in yuan as the measure. A funding source becomes a `fkg:FundFlow` from a government level
to the programme's implementing unit, so chains of flows can be walked in SPARQL.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from kg.rdf import iris
from kg.rdf.literals import TRUE, decimal
from kg.rdf.mapper import ReportMapper, programme_iri
from kg.rdf.terms import CODE, DCTERMS, FKG, OBEU_DIM, PROV, QB, RDF, RDFS, SKOS
from kg.records import BudgetLine, ClassificationScheme, ConsistencyIssue, Definition, FundingSource, Programme

_CLASSIFICATION_PROPERTY = {
    ClassificationScheme.FUNCTIONAL: FKG.functionalClassification,
    ClassificationScheme.ECONOMIC_DEPARTMENT: FKG.economicClassification,
    ClassificationScheme.ECONOMIC_GOVERNMENT: FKG.economicClassification,
}


class BudgetMapper:
    def __init__(self, mapper: ReportMapper) -> None:
        self.m = mapper
        self.records = mapper.records
        self.year = mapper.fiscal_year()
        self.publisher = mapper.publisher_node
        self.programmes: dict[str, NamedNode] = {}
        self._datasets: set[str] = set()

    def dataset(self, line: BudgetLine) -> NamedNode:
        table = line.amount.evidence.cell.table if line.amount.evidence.cell else "prose"
        node = iris.item_iri("dataset", self.m.key, line.table_kind, table)
        if node.value in self._datasets:
            return node
        self._datasets.add(node.value)
        m = self.m
        m.add(node, RDF.type, QB.DataSet)
        m.add(node, RDF.type, FKG.BudgetTable)
        m.add(node, FKG.tableKind, Literal(line.table_kind))
        m.add(node, FKG.statedIn, m.report)
        if line.amount.evidence.cell is not None:
            m.add(node, FKG.originalUnit, Literal(line.amount.unit, language="zh"))
        if line.table_caption:
            m.add(node, RDFS.label, Literal(line.table_caption, language="zh"))
        return node

    def budget_line(self, line: BudgetLine, programme: NamedNode | None = None) -> NamedNode:
        m = self.m
        ev = line.amount.evidence
        node = iris.item_iri("budget-line", m.key, ev.start, ev.end, line.measure, line.phase.value)
        m.add_all(
            node,
            [
                (RDF.type, FKG.BudgetLine),
                (RDF.type, QB.Observation),
                (QB.dataSet, self.dataset(line)),
                (OBEU_DIM.organization, self.publisher),
                (FKG.fiscalYear, self.year),
                (FKG.budgetPhase, CODE.budget_phase(line.phase.value)),
                (FKG.measure, CODE.measure(line.measure)),
                (FKG.amount, decimal(line.amount.yuan)),
                # A cell's text is its evidence's oa:exact and its unit the table's: state them once.
                (FKG.originalText, Literal(line.amount.text) if ev.cell is None else None),
                (FKG.originalUnit, Literal(line.amount.unit, language="zh") if ev.cell is None else None),
                (FKG.rowLabel, Literal(line.row_label, language="zh") if line.row_label else None),
                (FKG.fundType, CODE.fund_type(line.fund_type) if line.fund_type else None),
                (FKG.isTotal, TRUE if line.is_total else None),
                (FKG.programme, programme),
            ],
        )
        if line.classification is not None:
            m.add(node, _CLASSIFICATION_PROPERTY[line.classification.scheme], m.concept(line.classification))
        m.derived(node, ev)
        return node

    def definition(self, definition: Definition) -> None:
        m = self.m
        node = CODE.classification(definition.scheme.value, definition.code)
        text = Literal(definition.text, language="zh")
        m.add(node, SKOS.definition, text)
        statement = iris.item_iri("definition", m.key, definition.scheme.value, definition.code)
        m.add_all(
            statement,
            [
                (RDF.type, FKG.DefinitionStatement),
                (FKG.defines, node),
                (RDF.value, text),
                (RDFS.label, Literal(definition.term, language="zh")),
                (FKG.statedIn, m.report),
                (PROV.wasDerivedFrom, m.evidence(definition.evidence)),
            ],
        )

    def programme(self, programme: Programme) -> NamedNode:
        m = self.m
        owner = programme.implementing_unit.name if programme.implementing_unit else m.publisher_name or m.key
        node = programme_iri(programme, owner)
        self.programmes[programme.name] = node
        m.add(node, RDF.type, FKG.Programme)
        m.add(node, RDFS.label, Literal(programme.name, language="zh"))
        m.add_once(m.report, FKG.mentions, node)
        if programme.code:
            m.add(node, FKG.programmeCode, Literal(programme.code))
        if programme.kind:
            m.add(node, FKG.programmeKind, Literal(programme.kind))
        roles = (
            (programme.central_supervisor, FKG.centralSupervisor),
            (programme.local_supervisor, FKG.localSupervisor),
        )
        for org, prop in roles:
            if org is not None:
                dept = m.organisation(org, FKG.Department)
                m.add(node, prop, dept)
                m.add(node, FKG.supervisingDepartment, dept)
        unit = programme.implementing_unit
        # A report without a known publisher and a programme without a unit name no implementer.
        m.add_all(node, [(FKG.implementingUnit, m.organisation(unit, FKG.Department) if unit else self.publisher)])
        m.derived(node, programme.evidence)
        return node

    def funding(self, source: FundingSource) -> None:
        m = self.m
        programme = self.programmes.get(source.programme)
        if source.is_total or not source.levels:
            # A programme total is a budget line of the programme, not a flow from anywhere.
            line = BudgetLine(
                "programme-funding", source.label, "total", source.label, source.phase, source.amount, is_total=True
            )
            self.budget_line(line, programme)
            return
        ev = source.amount.evidence
        levels = "+".join(level.value for level in source.levels)
        node = iris.item_iri("flow", m.key, source.programme, levels, source.phase.value, ev.start, ev.end)
        payee = self.payee(source.programme)
        m.add_all(
            node,
            [
                (RDF.type, FKG.FundFlow),
                (RDF.type, QB.Observation),
                (QB.dataSet, self.flow_dataset()),
                (FKG.programme, programme),
                (FKG.payee, payee),
                (FKG.fiscalYear, self.year),
                (FKG.budgetPhase, CODE.budget_phase(source.phase.value)),
                (FKG.amount, decimal(source.amount.yuan)),
                (FKG.originalText, Literal(source.amount.text)),
                (FKG.originalUnit, Literal(source.amount.unit, language="zh")),
                (RDFS.label, Literal(source.label, language="zh")),
                (FKG.statedIn, m.report),
            ],
        )
        for level in source.levels:
            m.add(node, FKG.fundingLevel, CODE.level(level.value))
        if source.via is not None:
            m.add(node, FKG.passedThrough, m.organisation(source.via, FKG.Department))
        m.derived(node, ev)

    def flow_dataset(self) -> NamedNode:
        """Every observation belongs to a data set: a report's fund flows form one."""
        node = iris.item_iri("dataset", self.m.key, "fund-flows")
        if node.value not in self._datasets:
            self._datasets.add(node.value)
            self.m.add(node, RDF.type, QB.DataSet)
            self.m.add(node, RDFS.label, Literal("资金来源", language="zh"))
            self.m.add(node, FKG.statedIn, self.m.report)
        return node

    def payee(self, programme_name: str) -> NamedNode | None:
        for programme in self.records.programmes:
            if programme.name == programme_name and programme.implementing_unit is not None:
                return self.m.organisation(programme.implementing_unit, FKG.Department)
        return self.publisher

    def issue(self, issue: ConsistencyIssue) -> None:
        m = self.m
        node = iris.item_iri("issue", m.key, issue.kind, issue.description)
        m.add_all(
            node,
            [
                (RDF.type, FKG.ConsistencyIssue),
                (FKG.issueKind, Literal(issue.kind)),
                (DCTERMS.description, Literal(issue.description, language="zh")),
                (FKG.expectedValue, decimal(issue.expected) if issue.expected is not None else None),
                (FKG.foundValue, decimal(issue.found) if issue.found is not None else None),
                (FKG.tolerance, decimal(issue.tolerance) if issue.tolerance is not None else None),
                (FKG.statedIn, m.report),
            ],
        )
        m.add(m.report, FKG.hasIssue, node)
        for ev in issue.evidence:
            m.add(node, FKG.issueLocation, m.evidence(ev))

    def run(self) -> None:
        for line in self.records.budget_lines:
            self.budget_line(line)
        for programme in self.records.programmes:
            self.programme(programme)
        for source in self.records.funding_sources:
            self.funding(source)
        for issue in self.records.issues:
            self.issue(issue)
        for definition in self.records.definitions:
            self.definition(definition)
        for mention in self.records.classifications:
            node = self.m.concept(mention.classification)
            self.m.add(self.m.report, FKG.namesClassification, node)
            self.m.derived(node, mention.evidence)


def map_budget(m: ReportMapper) -> None:
    """Budget lines, programmes, their funding flows, consistency issues and definitions."""
    BudgetMapper(m).run()
