"""The typed mapper every section of the RDF mapping writes through (kg/rdf/mapping.py runs them).

`ReportMapper` holds one report's records, its IRIs and the quads written so far, and describes
what every section shares: evidence (Web Annotation selectors), organisations, regions,
classification concepts, policy documents and programmes. Shared resources are described inside
every report graph that mentions them, so dropping a report's graph drops exactly what it said.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Quad

from kg.lexicon.classification import concept, name_key
from kg.rdf import iris
from kg.rdf.literals import typed, zh
from kg.rdf.terms import CODE, DCTERMS, ELI, FKG, OA, ORG, PROV, RDF, RDFS, SKOS, XSD
from kg.records import Classification, DocumentNumber, Evidence, Organisation, Programme, Region, ReportRecords

RFC3778 = NamedNode("http://tools.ietf.org/rfc/rfc3778")


def programme_iri(programme: Programme, owner: str) -> NamedNode:
    """Programmes with a 项目编码 are one resource across reports; others are per owner and name."""
    if programme.code:
        return NamedNode(f"{iris.ID_NS}programme/{iris.digest('code', programme.code)}")
    return NamedNode(f"{iris.ID_NS}programme/{iris.digest('name', owner, programme.name)}")


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
        self.publisher_node: NamedNode | None = None  # set by the publisher section
        self.publisher_name: str | None = records.metadata.publisher.name if records.metadata.publisher else None
        self._org_iris: dict[str, NamedNode] = {}
        self._concepts: set[str] = set()
        # What was described already: a cell or quote supporting several facts, a 文号 cited several
        # times, is described once (duplicate quads cost a write each and are dropped by the store).
        self._evidence: set[str] = set()
        self._documents: set[tuple[str, str | None]] = set()
        self._once: set[tuple[str, str, str]] = set()

    def forget_described(self) -> None:
        """After quads were taken back: describe organisations, regions and concepts again when met."""
        self._org_iris.clear()
        self._seen_regions.clear()
        self._concepts.clear()
        self._evidence.clear()
        self._documents.clear()
        self._once.clear()

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def add_once(self, s: NamedNode, p: NamedNode, o: NamedNode) -> None:
        """A link between resources that several records of a report may state (a report cites a
        document in several places): written once."""
        key = (s.value, p.value, o.value)
        if key not in self._once:
            self._once.add(key)
            self.add(s, p, o)

    def add_all(self, s: NamedNode, pairs: Iterable[tuple[NamedNode, NamedNode | Literal | None]]) -> None:
        for p, o in pairs:
            if o is not None:
                self.add(s, p, o)

    # --- provenance -------------------------------------------------------------------------

    def evidence(self, ev: Evidence, supports: NamedNode | None = None) -> NamedNode:
        """An oa:SpecificResource with quote, position, page and cell selectors."""
        cell = (ev.cell.table, ev.cell.row, ev.cell.column) if ev.cell else None
        node = iris.item_iri("evidence", self.key, ev.start, ev.end, cell)
        if node.value in self._evidence:  # its selectors are the same: only what it supports is new
            if supports is not None:
                self.add_once(node, FKG.evidenceOf, supports)
            return node
        self._evidence.add(node.value)
        self.add(node, RDF.type, OA.SpecificResource)
        self.add(node, OA.hasSource, self.file)
        if supports is not None:
            self.add_once(node, FKG.evidenceOf, supports)
        quote = NamedNode(node.value + "/quote")
        self.add(node, OA.hasSelector, quote)
        self.add_all(
            quote,
            [
                (RDF.type, OA.TextQuoteSelector),
                (OA.exact, Literal(ev.exact)),
                (FKG.asWritten, Literal(ev.written) if ev.written else None),
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

    def concept(self, c: Classification) -> NamedNode:
        """The code-list concept of a classification; codes and names the shipped lists lack are
        described from the report (a new concept, or the report's name as an alternative label)."""
        node = CODE.classification(c.scheme.value, c.code)
        if node.value in self._concepts:
            return node
        self._concepts.add(node.value)
        name = "".join(c.name.split())
        known = concept(c.scheme, c.code)
        if known is None:
            self.add(node, RDF.type, SKOS.Concept)
            self.add(node, SKOS.inScheme, NamedNode(f"{iris.CODE_NS}{c.scheme.value}"))
            self.add(node, SKOS.notation, Literal(c.code))
            if name:
                self.add(node, SKOS.prefLabel, Literal(name, language="zh"))
            if len(c.code) > 3:
                self.add(node, SKOS.broader, CODE.classification(c.scheme.value, c.code[:-2]))
        elif name and name_key(name) not in {name_key(n) for n in (known.name, *known.alt_names)}:
            self.add(node, SKOS.altLabel, Literal(name, language="zh"))
        return node

    def policy_document(self, number: DocumentNumber | None, title: str | None) -> NamedNode:
        """A policy document by its canonical 文号 (else its title), as a citation or a notice names it."""
        canonical = number.canonical if number else None
        node = iris.policy_iri(canonical, title)
        if (node.value, None) not in self._documents:
            self._documents.add((node.value, None))
            self.add(node, RDF.type, FKG.PolicyDocument)
            self.add(node, RDF.type, ELI.LegalResource)
            if number is not None:
                self.add_all(
                    node,
                    [
                        (RDFS.label, zh(number.canonical)),
                        (FKG.documentNumber, Literal(number.canonical)),
                        (ELI.id_local, Literal(number.canonical)),
                        (FKG.issuerCode, Literal(number.issuer_code)),
                        (FKG.documentYear, typed(number.year, XSD.gYear)),
                        (FKG.serialNumber, Literal(number.serial)),
                    ],
                )
        if title and (node.value, title) not in self._documents:
            self._documents.add((node.value, title))
            if number is None:
                self.add(node, RDFS.label, zh(title))
            self.add(node, DCTERMS.title, zh(title))
        return node

    def fiscal_year(self) -> Literal | None:
        year = self.records.metadata.fiscal_year
        return typed(year, XSD.gYear) if year else None
