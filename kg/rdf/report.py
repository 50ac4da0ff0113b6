"""The report's own sections: the report and its source file, publisher and units, citations, amounts."""

from __future__ import annotations

from pyoxigraph import Literal

from kg.errors import shown
from kg.rdf import iris
from kg.rdf.literals import decimal, typed, zh
from kg.rdf.mapper import ReportMapper
from kg.rdf.terms import CODE, DCAT, DCTERMS, FKG, FOAF, ORG, PROV, RDF, RDFS, XSD
from kg.records import Amount, Citation, ExtractionIssue


def map_report_node(m: ReportMapper) -> None:
    """The report, the file it was read from and the extraction run that read it."""
    rec, doc, meta = m.records, m.records.document, m.records.metadata
    run = iris.run_iri(m.key, doc.sha256, m.version)
    m.add_all(
        m.report,
        [
            (RDF.type, FKG.Report),
            (RDF.type, PROV.Entity),
            (RDF.type, FOAF.Document),
            (RDFS.label, zh(meta.title)),
            (DCTERMS.title, zh(meta.title)),
            (FKG.reportKind, CODE.report_kind(meta.kind.value)),
            (FKG.fiscalYear, m.fiscal_year()),
            (DCTERMS.issued, typed(meta.publication_date.isoformat(), XSD.date) if meta.publication_date else None),
            (FKG.sourceFile, m.file),
            (PROV.wasGeneratedBy, run),
            (FKG.convertedFromTraditional, typed("true", XSD.boolean) if doc.converted_from_traditional else None),
        ],
    )
    m.derived(m.report, meta.title_evidence, DCTERMS.title)
    m.derived(m.report, meta.kind_evidence, FKG.reportKind)
    m.derived(m.report, meta.fiscal_year_evidence, FKG.fiscalYear)
    m.derived(m.report, meta.publication_date_evidence, DCTERMS.issued)
    m.add_all(
        m.file,
        [
            (RDF.type, FKG.SourceFile),
            (RDF.type, DCAT.Distribution),
            (FKG.fileName, Literal(shown(doc.source.name))),
            (FKG.sha256, Literal(doc.sha256)),
            (DCAT.mediaType, Literal(doc.media_type)),
        ],
    )
    m.add_all(
        run,
        [
            (RDF.type, FKG.ExtractionRun),
            (RDF.type, PROV.Activity),
            (PROV.used, m.file),
            (PROV.wasAssociatedWith, iris.SOFTWARE_AGENT),
            (FKG.extractorVersion, Literal(rec.extractor_version or m.version)),
        ],
    )
    m.add(iris.SOFTWARE_AGENT, RDF.type, PROV.SoftwareAgent)
    m.add(iris.SOFTWARE_AGENT, RDFS.label, Literal("FundKG", language="en"))


def map_organisations(m: ReportMapper) -> None:
    """The publisher (dcterms:publisher), its subordinate units and the other organisations named."""
    meta = m.records.metadata
    publisher = None
    if meta.publisher is not None:
        publisher = m.organisation(meta.publisher, FKG.Department)
        m.add(m.report, DCTERMS.publisher, publisher)
        m.derived(m.report, meta.publisher.evidence, DCTERMS.publisher)
    for org in m.records.organisations:
        if org.role == "subordinate":
            unit = m.organisation(org, FKG.Unit)
            if publisher is not None and unit != publisher:
                m.add(unit, ORG.subOrganizationOf, publisher)
        elif org.name != m.publisher_name:
            cls = FKG.Department if org.region is not None or org.level is not None else ORG.Organization
            m.add_once(m.report, FKG.mentions, m.organisation(org, cls))
    m.publisher_node = publisher


def _citation(m: ReportMapper, cit: Citation) -> None:
    doc_node = m.policy_document(cit.number, cit.title)
    m.add_once(m.report, FKG.cites, doc_node)
    node = iris.item_iri("citation", m.key, cit.evidence.start, cit.evidence.end)
    m.add_all(
        node,
        [
            (RDF.type, FKG.Citation),
            (FKG.citingReport, m.report),
            (FKG.citedDocument, doc_node),
            (FKG.citedNumber, Literal(cit.number_text) if cit.number_text else None),
            (FKG.citedTitle, zh(cit.title) if cit.title else None),
            (FKG.sentence, zh(cit.sentence.exact)),
            (FKG.sentenceStart, typed(cit.sentence.start, XSD.nonNegativeInteger)),
            (FKG.sentenceEnd, typed(cit.sentence.end, XSD.nonNegativeInteger)),
        ],
    )
    m.derived(node, cit.evidence)


def map_citations(m: ReportMapper) -> None:
    for cit in m.records.citations:
        _citation(m, cit)


def map_amount(m: ReportMapper, amount: Amount) -> None:
    """An amount the report states, as an fkg:AmountStatement with its label and evidence."""
    node = iris.item_iri("amount", m.key, amount.evidence.start, amount.evidence.end)
    m.add_all(
        node,
        [
            (RDF.type, FKG.AmountStatement),
            (FKG.statedIn, m.report),
            (FKG.amountInYuan, decimal(amount.yuan)),
            (FKG.originalText, Literal(amount.text)),
            (FKG.originalUnit, zh(amount.unit)),
            (FKG.amountLabel, zh(amount.label) if amount.label else None),
        ],
    )
    m.derived(node, amount.evidence)


def map_amounts(m: ReportMapper) -> None:
    for amount in (*m.records.amounts, *m.records.table_amounts):
        map_amount(m, amount)


def map_extraction_issues(m: ReportMapper, issues: list[ExtractionIssue]) -> None:
    """Each component that failed on the report, so that a reader of the graph knows what is missing."""
    for issue in issues:
        node = iris.item_iri("extraction-issue", m.key, issue.component, issue.error)
        m.add_all(
            node,
            [
                (RDF.type, FKG.ExtractionIssue),
                (FKG.component, Literal(issue.component)),
                (DCTERMS.description, Literal(issue.error)),
                (RDFS.comment, Literal(issue.where) if issue.where else None),
                (FKG.statedIn, m.report),
            ],
        )
        m.add(m.report, FKG.extractionIssue, node)

