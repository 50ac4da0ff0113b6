"""The extraction pipeline: the ordered list of components (kg.extract.component) run on a report.

Each component reads the document and the records found before it and adds its own; the order is
checked at import (a component never reads a field no earlier component provides). To add an
extractor, write a component and put it in `PIPELINE` after the components it needs.
"""

from __future__ import annotations

from kg import __version__
from kg.document import Document
from kg.extract import (
    allocations,
    amounts,
    citations,
    classifications,
    definitions,
    metadata,
    orgs,
    programmes,
    reconcile,
    table_amounts,
    tables,
)
from kg.extract.component import Component, check_order
from kg.extract.indicators import read_evaluations
from kg.records import ReportRecords

EXTRACTOR_VERSION = __version__

PIPELINE: tuple[Component, ...] = (
    metadata.read_metadata,
    metadata.read_subordinate_units,
    orgs.read_mentions,
    amounts.read_amounts,
    tables.read_budget_lines,
    programmes.read_programmes,
    read_evaluations,
    allocations.read_allocations,
    citations.read_citations,
    table_amounts.read_table_amounts,
    reconcile.check_report,
    definitions.read_definitions,
    classifications.read_classifications,
)
check_order(PIPELINE)


def extract_report(doc: Document) -> ReportRecords:
    """Run every component of the pipeline over one document."""
    found = ReportRecords(document=doc, extractor_version=EXTRACTOR_VERSION)
    for step in PIPELINE:
        step(doc, found)
    return found
