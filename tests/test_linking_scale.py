"""Linking stays near-linear in the flows (issue 12, finding 13): 1,000 notice rows and 1,000 receipts.

The store is synthetic but shaped as the RDF mapping writes reports (kg/rdf/allocations.py,
kg/rdf/budget.py): 100 allocation notices (a city's finance bureau to its ten counties, one of two
funds, one of ten years) and 500 county reports stating what they received, naming the city's bureau
as the department above them. As in real stores, shared things — regions up to the province, the
paying bureaus, the funds — are described in every graph that names them (a bureau in 120 graphs),
which is what made the linking queries multiply their rows past any bound.
"""

from __future__ import annotations

import hashlib
import time
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Quad

from kg.linking import analyse, link
from kg.resources import ontology_digest, ontology_files
from kg.store import PendingReport, Store, open_store
from kg.vocab import CODE, ELI, FKG, ID_NS, LINKS_GRAPH, RDF, RDFS, SKOS, XSD

FUNDS = ["城乡医疗救助资金", "基本公共卫生服务补助资金"]
YEARS = [str(year) for year in range(2015, 2025)]
CITIES = 5
COUNTIES = 10  # per city


def n(iri: str) -> NamedNode:
    return NamedNode(iri)


class _Graph:
    def __init__(self, key: str) -> None:
        self.key = key
        self.graph = n(f"{ID_NS}graph/report/{key}/000000000000")
        self.report = n(f"{ID_NS}report/{key}")
        self.quads: list[Quad] = []
        self.add(self.report, RDF.type, n(FKG.Report))
        source = n(f"{ID_NS}file/{key}")
        self.add(self.report, FKG.sourceFile, source)
        self.add(source, FKG.fileName, Literal(f"{key}.txt"))

    def add(self, s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, n(p), o, self.graph))

    def region(self, chain: list[tuple[str, str, str]]) -> NamedNode:
        """A region and the regions above it (code, name, level), each described in this graph."""
        (code, name, level), above = chain[0], chain[1:]
        node = n(f"{ID_NS}region/{code}")
        self.add(node, RDF.type, n(FKG.AdministrativeRegion))
        self.add(node, SKOS.prefLabel, Literal(name, language="zh"))
        self.add(node, FKG.governmentLevel, n(CODE.level(level)))
        if above:
            self.add(node, SKOS.broader, self.region(above))
        return node

    def org(self, name: str, level: str, region: NamedNode) -> NamedNode:
        node = n(f"{ID_NS}org/{hashlib.sha1(name.encode()).hexdigest()[:16]}")
        self.add(node, RDF.type, n(FKG.Department))
        self.add(node, RDFS.label, Literal(name, language="zh"))
        self.add(node, FKG.governmentLevel, n(CODE.level(level)))
        self.add(node, FKG.region, region)
        return node

    def pending(self) -> PendingReport:
        return PendingReport(self.report, self.graph, self.quads, "0" * 64, "1", f"{self.key}.txt", f"{self.key}.txt")


def _amount(city: int, county: int, fund: int, year: str) -> Decimal:
    return Decimal(10_000 * (city * 1000 + county * 10 + fund) + int(year))


def _flow(g: _Graph, node: NamedNode, programme: NamedNode, year: str, phase: str, amount: Decimal) -> None:
    g.add(node, RDF.type, n(FKG.FundFlow))
    g.add(node, FKG.programme, programme)
    g.add(node, FKG.fiscalYear, Literal(year, datatype=n(XSD.gYear)))
    g.add(node, FKG.budgetPhase, n(CODE.budget_phase(phase)))
    g.add(node, FKG.amount, Literal(str(amount), datatype=n(XSD.decimal)))
    g.add(node, FKG.fundingLevel, n(CODE.level("central")))
    g.add(node, FKG.statedIn, g.report)


def synthetic_reports(cities: int = CITIES) -> list[PendingReport]:
    province = ("140000", "山西省", "province")
    reports = []
    for c in range(cities):
        city = (f"14{c + 1:02d}00", f"第{c + 1}市", "city")
        for f, fund in enumerate(FUNDS):
            for year in YEARS:
                g = _Graph(f"notice-{c}-{f}-{year}")
                city_node = g.region([city, province])
                payer = g.org(f"第{c + 1}市财政局", "city", city_node)
                programme = n(f"{ID_NS}programme/{c}-{f}")  # the city's fund, the same in both years
                g.add(programme, RDF.type, n(FKG.Programme))
                g.add(programme, RDFS.label, Literal(fund, language="zh"))
                g.add(g.report, RDF.type, n(FKG.AllocationNotice))
                document = n(f"{ID_NS}policy/{c}-{f}-{year}")
                g.add(document, FKG.documentNumber, Literal(f"第{c + 1}财社〔{year}〕{f + 1}号"))
                g.add(g.report, ELI.realizes, document)
                for k in range(COUNTIES):
                    county_code = (f"14{c + 1:02d}{k + 1:02d}", f"第{c + 1}市第{k + 1}县", "county")
                    county = g.region([county_code, city, province])
                    row = n(f"{ID_NS}allocation/{g.key}-{k}")
                    _flow(g, row, programme, year, "allocated", _amount(c, k, f, year))
                    g.add(row, FKG.payer, payer)
                    g.add(row, FKG.recipientRegion, county)
                    g.add(row, RDFS.label, Literal(f"第{c + 1}市第{k + 1}县", language="zh"))
                    g.add(g.report, FKG.allocates, row)
                reports.append(g.pending())
        for k in range(COUNTIES):
            for year in YEARS:
                g = _Graph(f"county-{c}-{k}-{year}")
                county = g.region([(f"14{c + 1:02d}{k + 1:02d}", f"第{c + 1}市第{k + 1}县", "county"), city, province])
                payee = g.org(f"第{c + 1}市第{k + 1}县医疗保障局", "county", county)
                g.org(f"第{c + 1}市财政局", "city", g.region([city, province]))  # named as the bureau above
                for f, fund in enumerate(FUNDS):
                    programme = n(f"{ID_NS}programme/{g.key}-{f}")
                    g.add(programme, RDF.type, n(FKG.Programme))
                    g.add(programme, RDFS.label, Literal(fund, language="zh"))
                    receipt = n(f"{ID_NS}flow/{g.key}-{f}")
                    _flow(g, receipt, programme, year, "adjusted", _amount(c, k, f, year))
                    g.add(receipt, FKG.payee, payee)
                reports.append(g.pending())
    return reports


def _store(cities: int = CITIES) -> Store:
    store = open_store(None)
    store.replace_ontology(ontology_files(), ontology_digest())  # the code lists, as every build loads them
    store.write_reports(synthetic_reports(cities))
    return store


def test_a_thousand_receipts_link_to_a_thousand_rows_in_seconds() -> None:
    store = _store()
    started = time.monotonic()
    report = link(store)
    seconds = time.monotonic() - started
    assert report.allocations == CITIES * COUNTIES * len(FUNDS) * len(YEARS) >= 500
    assert report.receipts == CITIES * COUNTIES * len(YEARS) * len(FUNDS) >= 1000  # every county's receipts
    assert len(report.links) == report.receipts and not report.unlinked_receipts
    assert all(k.rule == "amount" and k.difference == 0 for k in report.links)
    assert seconds < 20, f"linking took {seconds:.1f} s"
    linked = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?r fkg:linkedAllocation ?a }} }}")
    assert linked.rows[0]["n"] == len(report.links)


def test_twice_the_flows_take_about_twice_the_time() -> None:
    """Near-linear: the rule over twice as many flows costs at most a few times more, where a
    quadratic step would cost four."""
    timings = []
    for cities in (3, 6):
        store = _store(cities)
        started = time.monotonic()
        analysed = analyse(store)
        timings.append(time.monotonic() - started)
        assert len(analysed.links) == cities * COUNTIES * len(FUNDS) * len(YEARS)
    assert timings[1] < 3.5 * timings[0] + 0.5, timings
