"""Map one report's records to quads in the report's own named graph.

The mapping is pure: records in, pyoxigraph quads out, the same quads for the same records. It
runs the sections below in order, each a function of the typed `ReportMapper` (kg.rdf.mapper);
later sections use what earlier ones set (the publisher's node). A new kind of record gets a
section of its own, added to `SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable

from pyoxigraph import NamedNode, Quad

from kg.errors import error_text, where_raised
from kg.rdf.allocations import map_allocations
from kg.rdf.budget import map_budget
from kg.rdf.indicators import map_evaluations
from kg.rdf.mapper import ReportMapper
from kg.rdf.report import map_amounts, map_citations, map_extraction_issues, map_organisations, map_report_node
from kg.records import ExtractionIssue, ReportRecords

Section = Callable[[ReportMapper], None]

SECTIONS: tuple[Section, ...] = (
    map_report_node,
    map_organisations,  # sets the publisher's node, which the sections below use
    map_citations,
    map_amounts,
    map_budget,
    map_evaluations,
    map_allocations,
)


def map_report(records: ReportRecords, report_key: str, version: str) -> tuple[NamedNode, NamedNode, list[Quad]]:
    """The report IRI, its named graph and the graph's quads.

    A section that fails (a record no section expected) is taken back quad for quad and recorded as
    an extraction issue of the report: the rest of the report is still mapped.
    """
    mapper = ReportMapper(records, report_key, version)
    failed: list[ExtractionIssue] = []
    for section in SECTIONS:
        mark = len(mapper.quads)
        try:
            section(mapper)
        except Exception as exc:
            del mapper.quads[mark:]
            mapper.forget_described()
            name = section.__name__.removeprefix("map_").replace("_", "-")
            failed.append(ExtractionIssue(f"mapping: {name}", error_text(exc), where_raised(exc)))
    map_extraction_issues(mapper, [*records.extraction_issues, *failed])
    return mapper.report, mapper.graph, mapper.quads
