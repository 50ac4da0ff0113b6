"""A short account of what a store holds, for `fundkg build` and `fundkg summary`."""

from __future__ import annotations

from dataclasses import dataclass

from kg.store import FundStore

_COUNTS = {
    "reports": "?x a fkg:Report",
    "departments": "?x a fkg:Department",
    "subordinate units": "?x a fkg:Unit",
    "regions": "?x a fkg:AdministrativeRegion",
    "policy documents": "?x a fkg:PolicyDocument",
    "citations": "?x a fkg:Citation",
    "amount statements": "?x a fkg:AmountStatement",
    "budget lines": "?x a fkg:BudgetLine",
    "programmes": "?x a fkg:Programme",
    "fund flows": "?x a fkg:FundFlow",
    "allocation notices": "?x a fkg:AllocationNotice",
    "performance evaluations": "?x a fkg:PerformanceEvaluation",
    "performance indicators": "?x a fkg:PerformanceIndicator",
    "indicators that missed their target": "?x a fkg:PerformanceIndicator ; fkg:targetMet false",
    "consistency issues": "?x a fkg:ConsistencyIssue",
}


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    quads: int
    reports: list[tuple[str, str, str, str]]  # file, publisher, year, kind label


def summarise(store: FundStore) -> Summary:
    counts: dict[str, int] = {}
    for label, pattern in _COUNTS.items():
        rows = list(store.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"))
        counts[label] = int(rows[0]["n"].value) if rows else 0
    # The publisher's name is read in the report's own graph, which describes it: the publisher is
    # described again in every report it publishes, and the union graph repeats those triples.
    reports = [
        (
            row["file"].value,
            row["publisher"].value if row["publisher"] else "",
            row["year"].value if row["year"] else "",
            row["kind"].value if row["kind"] else "",
        )
        for row in store.query(
            """SELECT ?file (SAMPLE(?p) AS ?publisher) (SAMPLE(?y) AS ?year) (SAMPLE(?k) AS ?kind) WHERE {
                 ?r a fkg:Report ; fkg:sourceFile/fkg:fileName ?file .
                 OPTIONAL { GRAPH ?g { ?r dcterms:publisher ?org . ?org rdfs:label ?p } }
                 OPTIONAL { ?r fkg:fiscalYear ?y }
                 OPTIONAL { ?r fkg:reportKind/skos:prefLabel ?k FILTER(lang(?k) = "zh") }
               } GROUP BY ?file ORDER BY ?file"""
        )
    ]
    return Summary(counts, store.quad_count(), reports)
