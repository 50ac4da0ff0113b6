"""Run every extractor over one Document and collect the typed records."""

from __future__ import annotations

from kg import __version__
from kg.document import Document
from kg.extract.allocations import find_allocations, without_own_number
from kg.extract.amounts import find_amounts
from kg.extract.citations import find_citations
from kg.extract.definitions import find_definitions
from kg.extract.indicators import find_evaluations
from kg.extract.metadata import extract_metadata, find_subordinate_units
from kg.extract.orgs import find_organisations
from kg.extract.programmes import find_programmes
from kg.extract.reconcile import prose_identities, reconcile
from kg.extract.tables import find_budget_lines
from kg.records import Organisation, ReportRecords

EXTRACTOR_VERSION = __version__


def _first_mentions(orgs: list[Organisation]) -> list[Organisation]:
    seen: dict[str, Organisation] = {}
    for org in orgs:
        seen.setdefault(org.name, org)
    return list(seen.values())


def extract_report(doc: Document) -> ReportRecords:
    metadata = extract_metadata(doc)
    subordinates = find_subordinate_units(doc, metadata.publisher)
    subordinate_names = {u.name for u in subordinates}
    publisher_name = metadata.publisher.name if metadata.publisher else None
    mentioned = [
        o
        for o in _first_mentions(find_organisations(doc, metadata.publisher.region if metadata.publisher else None))
        if o.name not in subordinate_names and o.name != publisher_name
    ]
    amounts = find_amounts(doc)
    budget_lines = find_budget_lines(doc, amounts)
    programmes, funding_sources, funding_issues = find_programmes(doc, metadata.publisher, amounts)
    evaluations, evaluation_issues = find_evaluations(doc, metadata, programmes)
    allocations, allocation_issues = find_allocations(doc, metadata)
    return ReportRecords(
        document=doc,
        metadata=metadata,
        organisations=[*subordinates, *mentioned],
        citations=without_own_number(find_citations(doc), allocations),
        amounts=amounts,
        budget_lines=budget_lines,
        programmes=programmes,
        funding_sources=funding_sources,
        issues=[
            *reconcile(budget_lines),
            *prose_identities(amounts),
            *funding_issues,
            *evaluation_issues,
            *allocation_issues,
        ],
        evaluations=evaluations,
        allocations=allocations,
        definitions=find_definitions(doc),
        extractor_version=EXTRACTOR_VERSION,
    )
