"""Map one report's records to quads in the report's own named graph.

The mapping is pure: records in, pyoxigraph quads out, the same quads for the same records.
Shared resources (departments, regions, policy documents) are described inside every report
graph that mentions them, so dropping a report's graph drops exactly what that report said.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Quad

from kg.rdf import iris
from kg.rdf.terms import CODE, DCAT, DCTERMS, ELI, FKG, FOAF, OA, ORG, PROV, RDF, RDFS, SKOS, XSD
from kg.records import Amount, Citation, Evidence, Organisation, Region, ReportRecords

RFC3778 = NamedNode("http://tools.ietf.org/rfc/rfc3778")


def zh(text: str) -> Literal:
    return Literal(text, language="zh")


def typed(value: object, datatype: NamedNode) -> Literal:
    return Literal(str(value), datatype=datatype)


def decimal_literal(value: Decimal) -> Literal:
    # xsd:decimal lexical form: plain digits, never exponent notation.
    text = format(value, "f")
    return Literal(text, datatype=XSD.decimal)


class ReportMapper:
    """Collects the quads of one report graph."""

    def __init__(self, records: ReportRecords, report_key: str, version: str) -> None:
        doc = records.document
        self.records = records
        self.key = report_key
        self.graph = iris.report_graph(report_key, doc.sha256)
        self.report = iris.report_iri(report_key)
        self.file = iris.source_file_iri(report_key, doc.sha256)
        self.version = version
        self.quads: list[Quad] = []
        self._seen_regions: set[str] = set()
        self.publisher_node: NamedNode | None = None
        self.publisher_name: str | None = None
        self._org_iris: dict[str, NamedNode] = {}

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def add_all(self, s: NamedNode, pairs: Iterable[tuple[NamedNode, NamedNode | Literal | None]]) -> None:
        for p, o in pairs:
            if o is not None:
                self.add(s, p, o)

    # --- provenance -------------------------------------------------------------------------

    def evidence(self, ev: Evidence, supports: NamedNode | None = None) -> NamedNode:
        """An oa:SpecificResource with quote, position, page and cell selectors."""
        cell = (ev.cell.table, ev.cell.row, ev.cell.column) if ev.cell else None
        node = iris.item_iri("evidence", self.key, ev.start, ev.end, cell)
        self.add(node, RDF.type, OA.SpecificResource)
        self.add(node, OA.hasSource, self.file)
        if supports is not None:
            self.add(node, FKG.evidenceOf, supports)
        quote = NamedNode(node.value + "/quote")
        self.add(node, OA.hasSelector, quote)
        self.add_all(
            quote,
            [
                (RDF.type, OA.TextQuoteSelector),
                (OA.exact, Literal(ev.exact)),
                # A table cell is located by its cell selector; its neighbours' text adds nothing.
                (OA.prefix, Literal(ev.prefix) if ev.prefix and ev.cell is None else None),
                (OA.suffix, Literal(ev.suffix) if ev.suffix and ev.cell is None else None),
            ],
        )
        position = NamedNode(node.value + "/position")
        self.add(node, OA.hasSelector, position)
        self.add(position, RDF.type, OA.TextPositionSelector)
        self.add(position, OA.start, typed(ev.start, XSD.nonNegativeInteger))
        self.add(position, OA.end, typed(ev.end, XSD.nonNegativeInteger))
        if ev.page is not None:
            page = NamedNode(node.value + "/page")
            self.add(node, OA.hasSelector, page)
            self.add(page, RDF.type, OA.FragmentSelector)
            self.add(page, DCTERMS.conformsTo, RFC3778)
            self.add(page, RDF.value, Literal(f"page={ev.page}"))
            self.add(page, OA.refinedBy, position)
        if ev.cell is not None:
            selector = NamedNode(node.value + "/cell")
            self.add(node, OA.hasSelector, selector)
            self.add(selector, RDF.type, FKG.TableCellSelector)
            self.add(selector, FKG.tableIndex, typed(ev.cell.table, XSD.nonNegativeInteger))
            self.add(selector, FKG.rowIndex, typed(ev.cell.row, XSD.nonNegativeInteger))
            self.add(selector, FKG.columnIndex, typed(ev.cell.column, XSD.nonNegativeInteger))
        return node

    def derived(self, subject: NamedNode, ev: Evidence | None, supports: NamedNode | None = None) -> None:
        if ev is not None:
            self.add(subject, PROV.wasDerivedFrom, self.evidence(ev, supports))

    # --- entities ---------------------------------------------------------------------------

    def region(self, region: Region) -> NamedNode:
        node = iris.region_iri(region.code, region.name)
        if node.value in self._seen_regions:
            return node
        self._seen_regions.add(node.value)
        self.add(node, RDF.type, FKG.AdministrativeRegion)
        self.add(node, RDF.type, SKOS.Concept)
        self.add(node, SKOS.inScheme, CODE.RegionScheme)
        self.add(node, SKOS.prefLabel, zh(region.name))
        self.add(node, FKG.governmentLevel, CODE.level(region.level.value))
        if region.code:
            self.add(node, SKOS.notation, Literal(region.code))
            self.add(node, FKG.divisionCode, Literal(region.code))
        if region.parent is not None:
            self.add(node, SKOS.broader, self.region(region.parent))
        return node

    def organisation(self, org: Organisation, cls: NamedNode) -> NamedNode:
        node = iris.organisation_iri(org.name)
        if org.name in self._org_iris:
            return node
        self._org_iris[org.name] = node
        self.add(node, RDF.type, cls)
        self.add(node, RDF.type, ORG.FormalOrganization)
        self.add(node, RDFS.label, zh(org.name))
        level = org.level or (org.region.level if org.region else None)
        if level is not None:
            self.add(node, FKG.governmentLevel, CODE.level(level.value))
        if org.region is not None:
            self.add(node, FKG.region, self.region(org.region))
        self.derived(node, org.evidence)
        return node

    def report_node(self) -> None:
        rec, doc, meta = self.records, self.records.document, self.records.metadata
        run = iris.run_iri(self.key, doc.sha256, self.version)
        self.add_all(
            self.report,
            [
                (RDF.type, FKG.Report),
                (RDF.type, PROV.Entity),
                (RDF.type, FOAF.Document),
                (RDFS.label, zh(meta.title)),
                (DCTERMS.title, zh(meta.title)),
                (FKG.reportKind, CODE.report_kind(meta.kind.value)),
                (FKG.fiscalYear, typed(meta.fiscal_year, XSD.gYear) if meta.fiscal_year else None),
                (DCTERMS.issued, typed(meta.publication_date.isoformat(), XSD.date) if meta.publication_date else None),
                (FKG.sourceFile, self.file),
                (PROV.wasGeneratedBy, run),
                (FKG.convertedFromTraditional, typed("true", XSD.boolean) if doc.converted_from_traditional else None),
            ],
        )
        self.derived(self.report, meta.title_evidence, DCTERMS.title)
        self.derived(self.report, meta.kind_evidence, FKG.reportKind)
        self.derived(self.report, meta.fiscal_year_evidence, FKG.fiscalYear)
        self.derived(self.report, meta.publication_date_evidence, DCTERMS.issued)
        self.add_all(
            self.file,
            [
                (RDF.type, FKG.SourceFile),
                (RDF.type, DCAT.Distribution),
                (FKG.fileName, Literal(doc.source.name)),
                (FKG.sha256, Literal(doc.sha256)),
                (DCAT.mediaType, Literal(doc.media_type)),
            ],
        )
        self.add_all(
            run,
            [
                (RDF.type, FKG.ExtractionRun),
                (RDF.type, PROV.Activity),
                (PROV.used, self.file),
                (PROV.wasAssociatedWith, iris.SOFTWARE_AGENT),
                (FKG.extractorVersion, Literal(rec.extractor_version or self.version)),
            ],
        )
        self.add(iris.SOFTWARE_AGENT, RDF.type, PROV.SoftwareAgent)
        self.add(iris.SOFTWARE_AGENT, RDFS.label, Literal("FundKG", language="en"))

    def publisher_and_units(self) -> NamedNode | None:
        meta = self.records.metadata
        publisher = None
        self.publisher_name = meta.publisher.name if meta.publisher else None
        if meta.publisher is not None:
            publisher = self.organisation(meta.publisher, FKG.Department)
            self.add(self.report, DCTERMS.publisher, publisher)
            self.derived(self.report, meta.publisher.evidence, DCTERMS.publisher)
        for org in self.records.organisations:
            if org.role == "subordinate":
                unit = self.organisation(org, FKG.Unit)
                if publisher is not None and unit != publisher:
                    self.add(unit, ORG.subOrganizationOf, publisher)
            elif org.name != (meta.publisher.name if meta.publisher else None):
                cls = FKG.Department if org.region is not None or org.level is not None else ORG.Organization
                node = self.organisation(org, cls)
                self.add(self.report, FKG.mentions, node)
        return publisher

    def citation(self, cit: Citation) -> None:
        canonical = cit.number.canonical if cit.number else None
        doc_node = iris.policy_iri(canonical, cit.title)
        self.add(doc_node, RDF.type, FKG.PolicyDocument)
        self.add(doc_node, RDF.type, ELI.LegalResource)
        if cit.number is not None:
            self.add_all(
                doc_node,
                [
                    (RDFS.label, zh(canonical)),  # type: ignore[arg-type]
                    (FKG.documentNumber, Literal(canonical)),
                    (ELI.id_local, Literal(canonical)),
                    (FKG.issuerCode, Literal(cit.number.issuer_code)),
                    (FKG.documentYear, typed(cit.number.year, XSD.gYear)),
                    (FKG.serialNumber, Literal(cit.number.serial)),
                ],
            )
        elif cit.title:
            self.add(doc_node, RDFS.label, zh(cit.title))
        if cit.title:
            self.add(doc_node, DCTERMS.title, zh(cit.title))
        self.add(self.report, FKG.cites, doc_node)
        node = iris.item_iri("citation", self.key, cit.evidence.start, cit.evidence.end)
        self.add_all(
            node,
            [
                (RDF.type, FKG.Citation),
                (FKG.citingReport, self.report),
                (FKG.citedDocument, doc_node),
                (FKG.citedNumber, Literal(cit.number_text) if cit.number_text else None),
                (FKG.citedTitle, zh(cit.title) if cit.title else None),
                (FKG.sentence, zh(cit.sentence.exact)),
                (FKG.sentenceStart, typed(cit.sentence.start, XSD.nonNegativeInteger)),
                (FKG.sentenceEnd, typed(cit.sentence.end, XSD.nonNegativeInteger)),
            ],
        )
        self.derived(node, cit.evidence)

    def amount(self, amount: Amount) -> None:
        node = iris.item_iri("amount", self.key, amount.evidence.start, amount.evidence.end)
        self.add_all(
            node,
            [
                (RDF.type, FKG.AmountStatement),
                (FKG.statedIn, self.report),
                (FKG.amountInYuan, decimal_literal(amount.yuan)),
                (FKG.originalText, Literal(amount.text)),
                (FKG.originalUnit, zh(amount.unit)),
                (FKG.amountLabel, zh(amount.label) if amount.label else None),
            ],
        )
        self.derived(node, amount.evidence)

    def run(self) -> list[Quad]:
        from kg.rdf.allocations import map_allocations
        from kg.rdf.budget import BudgetMapper
        from kg.rdf.indicators import map_evaluations

        self.report_node()
        self.publisher_node = self.publisher_and_units()
        for cit in self.records.citations:
            self.citation(cit)
        for amount in self.records.amounts:
            self.amount(amount)
        BudgetMapper(self).run()
        map_evaluations(self)
        map_allocations(self)
        return self.quads


def map_report(records: ReportRecords, report_key: str, version: str) -> tuple[NamedNode, NamedNode, list[Quad]]:
    """The report IRI, its named graph and the graph's quads."""
    mapper = ReportMapper(records, report_key, version)
    quads = mapper.run()
    return mapper.report, mapper.graph, quads
