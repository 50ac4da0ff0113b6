"""Cross-level linking: what a lower level reports it received ↔ what the level above allocated.

Run on the whole store after a build. An *allocation* is a fund flow an allocation notice allocates
(one table row and level). A *receipt* is a fund flow to a department as that department's report
states it (柳林县医疗保障局: 中央财政资金 749万元), or a notice's 合计 of a higher level's money (what
吕梁市 received of 中央资金 and passes on, see kg.rdf.allocations). Of a report's flows for one
programme, payee and levels, the receipt is the one in the first phase of: allocated (下达/到位),
adjusted (全年预算, 本年收入), initial (年初预算); executed amounts say what was spent, not received.
Only levels above the payee's own count (a county's 县级资金 is its own money).

The rule — link only where exactly one candidate matches, never guess. A receipt's candidates are the
allocations
1. to the payee's region (the region a row names = the region of the receiving department),
2. of the same programme (names compared by `kg.lexicon.names.names_match` after `fund_core`, so 中央和省级
   医疗救助补助资金, 中央财政医疗救助补助资金 and 城乡居民医疗救助资金 all match 医疗救助),
3. paid by a body of a region above that one (中央 is above every province),
4. from the same funding levels, for the same fiscal year,
5. of those, the ones paid from the nearest level above (吕梁市 for 柳林县, before 山西省);
6. then, when the receiving report cites the 文号 of one or more of those candidates' notices, only
   those (an explicit citation identifies the notice, so amounts may differ: the difference is
   reported with the link); otherwise only those equal to the yuan.
Exactly one left: a link. None or several: the receipt stays unlinked, with the step that failed as
reason. An allocation no receipt linked to is unlinked too: its recipient did not resolve, no report
from that region is in the graph, none of them states a matching receipt, the matching receipt
equals several allocations, or its amount differs (by how much is said).

Links are written as `receipt fkg:linkedAllocation allocation` and `receipt fkg:receivedVia notice`
(the allocation notice that allocates the linked row) into one named graph (LINKS_GRAPH), replaced
as a whole on every run so it never holds links to flows that are gone (the store keeps it: it is
no report graph). The same graph gets
`allocation fkg:payee department`: the department that reports for the row's region — the payee of
the receipts linked to the row or, for a row left unlinked, of the receipts it was compared with
(same region, programme, year and levels) — when that is exactly one department. Which body
receives a region's money is no guess when one body there reports it, whatever the amount; that the
two statements are the same flow is, unless the rule above holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from kg.lexicon.labels import LEVEL_LABEL, PHASE_LABEL, level_rank, yuan_text
from kg.lexicon.names import fund_core, names_match
from kg.queries import bind, internal_query
from kg.store import IRI, Store, Triple
from kg.store.results import Row
from kg.vocab import FKG, LINKS_GRAPH

CENTRAL = "central"  # the "region" of a central body: the parent of every province
RECEIPT_PHASES = ("allocated", "adjusted", "initial")  # preferred first


@dataclass(frozen=True)
class Flow:
    """An allocation or a receipt as the linking sees it."""

    side: str  # allocation | receipt
    iri: str
    report: str  # the report IRI
    file: str
    programme: str  # the programme's name
    levels: frozenset[str]  # government-level notations
    year: str | None
    amount: Decimal
    phase: str
    region: str | None  # allocation: the recipient region; receipt: the payee's region (IRIs)
    region_name: str | None
    party: str | None  # allocation: the payer; receipt: the payee (IRIs)
    party_name: str | None
    payer_region: str | None = None  # allocation: the payer's region IRI, or CENTRAL
    number: str | None = None  # the 文号 of the notice stating the flow, if any
    label: str | None = None

    def describe(self) -> str:
        levels = "+".join(LEVEL_LABEL.get(lv, lv) for lv in sorted(self.levels, key=level_rank))
        amount = yuan_text(self.amount)
        where = self.number or self.file
        if self.side == "allocation":
            return f"{where} {self.party_name or '?'} → {self.region_name or self.label or '?'} {levels} {amount}"
        phase = PHASE_LABEL.get(self.phase, self.phase)
        return f"{self.party_name or '?'} {self.programme} {levels} {phase} {amount} ({where})"


@dataclass(frozen=True)
class Link:
    receipt: Flow
    allocation: Flow
    rule: str  # amount | citation
    difference: Decimal  # allocation − receipt; 0 unless linked by citation

    def describe(self) -> str:
        note = "" if not self.difference else f"; allocated − received = {signed(self.difference)}"
        return f"{self.receipt.describe()} ← {self.allocation.describe()} [{self.rule}{note}]"


@dataclass(frozen=True)
class Unlinked:
    flow: Flow
    reason: str  # no-candidate | several-candidates | amount-differs | receipt-linked-elsewhere | year-differs | …
    detail: str
    difference: Decimal | None = None  # allocation − receipt, for amount-differs
    compared: tuple[str, ...] = ()  # IRIs of the flows of the other side it was compared with


@dataclass
class LinkReport:
    links: list[Link] = field(default_factory=list)
    unlinked_allocations: list[Unlinked] = field(default_factory=list)
    unlinked_receipts: list[Unlinked] = field(default_factory=list)
    allocations: int = 0
    receipts: int = 0
    receipt_flows: dict[str, Flow] = field(default_factory=dict)  # every receipt by IRI
    notice_receipts: dict[tuple[str, frozenset[str]], Flow] = field(default_factory=dict)  # a notice's 合计
    scope: str = ""  # what an incremental linking covered; empty for the whole store
    unchanged: bool = False  # no report was added or replaced: nothing was linked again

    def by_receipt(self) -> dict[str, Link]:
        return {link.receipt.iri: link for link in self.links}

    def chain(self, receipt: str) -> list[Link]:
        """The links from a receipt up through every linked level (county ← city ← province ← 中央)."""
        by_receipt = self.by_receipt()
        out: list[Link] = []
        seen: set[str] = set()
        while receipt in by_receipt and receipt not in seen:
            seen.add(receipt)
            link = by_receipt[receipt]
            out.append(link)
            above = self.notice_receipts.get((link.allocation.report, link.allocation.levels))
            if above is None:
                break
            receipt = above.iri
        return out

    def counts(self) -> dict[tuple[str, str], int]:
        """How many stayed unlinked, by side (allocation/receipt) and reason."""
        out: dict[tuple[str, str], int] = defaultdict(int)
        for side, items in (("allocation", self.unlinked_allocations), ("receipt", self.unlinked_receipts)):
            for item in items:
                out[(side, item.reason)] += 1
        return dict(out)

    def summary(self) -> str:
        if self.unchanged:
            return "linking: no report added or replaced; the links stand"
        return (
            f"linking{self.scope}: {len(self.links)} receipts linked to allocations; unlinked: "
            f"{len(self.unlinked_allocations)} of {self.allocations} allocations, "
            f"{len(self.unlinked_receipts)} of {self.receipts} receipts"
        )


def signed(difference: Decimal) -> str:
    """An allocation minus a receipt, signed: +10万元 when more was allocated than received."""
    return ("+" if difference > 0 else "−" if difference < 0 else "") + yuan_text(abs(difference))


def _value(row: Row, name: str) -> str | None:
    """A value as text (IRIs, names, years alike), None when unbound."""
    value = row[name]
    return str(value) if value is not None else None


def _levels(row: Row) -> frozenset[str]:
    return frozenset((_value(row, "levels") or "").split())


def _rows(store: Store, name: str, **params: str) -> list[Row]:
    return store.select(bind(internal_query(name), params)).rows


@lru_cache(maxsize=65536)
def _core(name: str) -> str:
    return fund_core(name)


@lru_cache(maxsize=65536)
def _cores_match(a: str, b: str) -> bool:
    """Fund names compared by their cores (memoised: a store names a few funds many times over)."""
    return names_match(a, b)


# -- reading the store -----------------------------------------------------------------------------


def _allocations(rows: list[Row]) -> list[Flow]:
    out: list[Flow] = []
    for row in rows:
        payer_region = _value(row, "payerRegion") or (CENTRAL if _value(row, "payerLevel") == CENTRAL else None)
        out.append(
            Flow(
                side="allocation",
                iri=str(row["flow"]),
                report=str(row["notice"]),
                file=str(row["file"]),
                programme=str(row["pname"]),
                levels=_levels(row),
                year=_value(row, "year"),
                amount=Decimal(row["amount"]),  # type: ignore[arg-type]
                phase="allocated",
                region=_value(row, "region"),
                region_name=_value(row, "regionName"),
                party=_value(row, "payer"),
                party_name=_value(row, "payerName"),
                payer_region=payer_region,
                number=_value(row, "number"),
                label=_value(row, "label"),
            )
        )
    return out


def _payee_regions(store: Store) -> Regions:
    """Organisation IRI → its (region, region name, region level) as the reports describe it."""
    out: dict[str, list[tuple[str | None, str | None, str | None]]] = defaultdict(list)
    for row in _rows(store, "linking-payee-regions"):
        out[str(row["org"])].append((_value(row, "region"), _value(row, "regionName"), _value(row, "regionLevel")))
    return out


Regions = dict[str, list[tuple[str | None, str | None, str | None]]]


def _receipts(rows: list[Row], regions: Regions) -> list[Flow]:
    """One receipt per report, programme, payee and levels: the flow of the preferred phase."""
    best: dict[tuple[str, str, str, frozenset[str]], list[Flow]] = {}
    for row in rows:
        # A payee described with several regions gives a receipt for each, as one region would.
        for region, region_name, region_level in regions.get(str(row["payee"])) or [(None, None, None)]:
            _receipt(row, region, region_name, region_level, best)
    return sorted((f for flows in best.values() for f in flows), key=lambda f: (f.file, f.iri))


def _receipt(row: Row, region: str | None, region_name: str | None, region_level: str | None,
             best: dict[tuple[str, str, str, frozenset[str]], list[Flow]]) -> None:  # fmt: skip
    levels = _levels(row)
    if region_level and any(level_rank(lv) >= level_rank(region_level) for lv in levels):
        return  # the payee's own level (or below): its own money, not received
    flow = Flow(
        side="receipt",
        iri=str(row["flow"]),
        report=str(row["report"]),
        file=str(row["file"]),
        programme=str(row["pname"]),
        levels=levels,
        year=_value(row, "year"),
        amount=Decimal(row["amount"]),  # type: ignore[arg-type]
        phase=str(row["phase"]),
        region=region,
        region_name=region_name,
        party=str(row["payee"]),
        party_name=str(row["payeeName"]),
        number=_value(row, "number"),
        label=_value(row, "label"),
    )
    key = (flow.report, str(row["programme"]), flow.party or "", levels)
    kept = best.get(key)
    rank = RECEIPT_PHASES.index(flow.phase)
    if kept is None or rank < RECEIPT_PHASES.index(kept[0].phase):
        best[key] = [flow]
    elif rank == RECEIPT_PHASES.index(kept[0].phase):
        kept.append(flow)  # two statements in one phase (prose and table disagree): both are tried


def _citations(rows: list[Row]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        out[str(row["report"])].add(str(row["number"]))
    return out


def _parents(store: Store) -> dict[str, str]:
    return {str(row["region"]): _value(row, "parent") or CENTRAL for row in _rows(store, "linking-regions")}


# -- the rule ----------------------------------------------------------------------------------------


class _Linker:
    def __init__(self, allocations: list[Flow], receipts: list[Flow], citations: dict[str, set[str]],
                 parents: dict[str, str]) -> None:  # fmt: skip
        self.allocations = allocations
        self.receipts = receipts
        self.citations = citations
        self.parents = parents
        # Candidates by recipient region, then by the core of the fund's name: a receipt compares its
        # programme with the few names allocated to its region, not with every allocation.
        self.by_region: dict[str, dict[str, list[Flow]]] = defaultdict(lambda: defaultdict(list))
        for a in allocations:
            if a.region is not None:
                self.by_region[a.region][_core(a.programme)].append(a)
        self.order = {a.iri: i for i, a in enumerate(allocations)}
        self.receipts_by_region: dict[str | None, list[Flow]] = defaultdict(list)
        for r in receipts:
            self.receipts_by_region[r.region].append(r)
        self.ambiguous: dict[str, set[str]] = defaultdict(set)  # allocation → receipts it was one of several for
        self.structural: dict[str, set[str]] = defaultdict(set)  # allocation → receipts it matched but for amount

    def ancestors(self, region: str) -> list[str]:
        """The regions above `region`, nearest first, ending with CENTRAL."""
        out: list[str] = []
        node = self.parents.get(region)
        while node is not None and node not in out:
            out.append(node)
            node = self.parents.get(node) if node != CENTRAL else None
        return out

    def link(self, receipt: Flow) -> Link | Unlinked:
        if receipt.region is None:
            return Unlinked(receipt, "payee-region-unknown", f"the region of {receipt.party_name} is unknown")
        where = receipt.region_name or receipt.region
        core = _core(receipt.programme)
        named = self.by_region.get(receipt.region, {})
        pool = sorted((a for other, flows in named.items() if _cores_match(other, core) for a in flows),
                      key=lambda a: self.order[a.iri])  # fmt: skip
        if not pool:
            return Unlinked(receipt, "no-candidate", f"no allocation of this programme to {where} in the graph")
        above = self.ancestors(receipt.region)
        ranked = [(above.index(a.payer_region), a) for a in pool if a.payer_region in above]
        if not ranked:
            return Unlinked(receipt, "no-candidate", f"no allocation to {where} from a level above it")
        same_levels = [(rank, a) for rank, a in ranked if a.levels == receipt.levels]
        if not same_levels:
            found = ", ".join(sorted({"+".join(sorted(a.levels)) for _, a in ranked}))
            return Unlinked(receipt, "levels-differ", f"allocations to {where} come from {found}")
        same_year = [(rank, a) for rank, a in same_levels if a.year == receipt.year]
        if not same_year:
            years = ", ".join(sorted({a.year or "?" for _, a in same_levels}))
            return Unlinked(receipt, "year-differs", f"allocations to {where} are for {years}, not {receipt.year}")
        nearest = min(rank for rank, _ in same_year)
        candidates = [a for rank, a in same_year if rank == nearest]
        for a in candidates:
            self.structural[a.iri].add(receipt.iri)
        cited = [a for a in candidates if a.number and a.number in self.citations.get(receipt.report, ())]
        if len(cited) == 1:
            return Link(receipt, cited[0], "citation", cited[0].amount - receipt.amount)
        equal = [a for a in cited or candidates if a.amount == receipt.amount]
        if len(equal) == 1:
            return Link(receipt, equal[0], "citation" if cited else "amount", Decimal(0))
        if len(equal) > 1:
            for a in equal:
                self.ambiguous[a.iri].add(receipt.iri)
            names = "; ".join(a.describe() for a in equal)
            return Unlinked(receipt, "several-candidates", f"{len(equal)} allocations match: {names}",
                            compared=tuple(a.iri for a in equal))  # fmt: skip
        closest = min(cited or candidates, key=lambda a: abs(a.amount - receipt.amount))
        difference = closest.amount - receipt.amount
        return Unlinked(
            receipt,
            "amount-differs",
            f"{closest.describe()}: allocated − received = {signed(difference)}",
            difference,
            tuple(a.iri for a in cited or candidates),
        )

    def explain(self, allocation: Flow, linked: set[str], receipts_by_iri: dict[str, Flow]) -> Unlinked:
        """Why no receipt links to this allocation."""
        if allocation.region is None:
            return Unlinked(allocation, "recipient-unresolved", f"{allocation.label or '?'} names no known region")
        where = allocation.region_name or allocation.region
        if not self.receipts_by_region.get(allocation.region):
            return Unlinked(allocation, "no-receipt", f"no report from {where} in the graph")
        if allocation.iri in self.ambiguous:
            return Unlinked(allocation, "several-candidates", "its receipt matches several allocations equally",
                            compared=tuple(sorted(self.ambiguous[allocation.iri])))  # fmt: skip
        compared = sorted(self.structural.get(allocation.iri, ()))
        if not compared:
            return Unlinked(allocation, "no-matching-receipt",
                            f"no report from {where} states a receipt of this programme, year and levels")  # fmt: skip
        closest = min((receipts_by_iri[i] for i in compared), key=lambda r: abs(allocation.amount - r.amount))
        difference = allocation.amount - closest.amount
        if difference == 0 and closest.iri in linked:  # the amounts agree: another notice won (a citation)
            return Unlinked(allocation, "receipt-linked-elsewhere",
                            f"{closest.describe()} is linked to another allocation of the same amount",
                            difference, tuple(compared))  # fmt: skip
        taken = " (linked to another allocation)" if closest.iri in linked else ""
        return Unlinked(
            allocation,
            "amount-differs",
            f"{closest.describe()}{taken}: allocated − received = {signed(difference)}",
            difference,
            tuple(compared),
        )


def analyse(store: Store) -> LinkReport:
    """Apply the rule to the store without writing anything."""
    allocations = _allocations(_rows(store, "linking-allocations"))
    receipts = _receipts(_rows(store, "linking-receipts"), _payee_regions(store))
    return _apply(allocations, receipts, _citations(_rows(store, "linking-citations")), _parents(store))


def _allocations_to(store: Store, region: str) -> list[Row]:
    """The rows of linking-allocations to one region: the allocations, each with its payers (if any)."""
    payers: dict[str, list[Row]] = defaultdict(list)
    for row in _rows(store, "linking-allocation-payers", region=region):
        payers[str(row["flow"])].append(row)
    none: list[Row] = [{"payer": None, "payerName": None, "payerRegion": None, "payerLevel": None}]
    return [
        {**row, "region": IRI(region), **{k: payer[k] for k in ("payer", "payerName", "payerRegion", "payerLevel")}}
        for row in _rows(store, "linking-allocations-to", region=region)
        for payer in payers.get(str(row["flow"])) or none
    ]


class _RegionFlows:
    """The flows of some regions, read one region at a time: the allocations to a region and the
    receipts of the departments in it.

    A receipt links only to allocations to its own region and an allocation is explained by the
    receipts of its region, so a region's links and unlinked allocations depend on no other region.
    A department described with several regions gives a receipt in each; with `whole_receipts` the
    other regions are read too, so that every receipt read is linked in each of its regions (what
    rewriting its links needs)."""

    def __init__(self, store: Store, *, whole_receipts: bool = False) -> None:
        self.store = store
        self.whole_receipts = whole_receipts
        self.org_regions = _payee_regions(store)
        paid = {str(row["payee"]) for row in _rows(store, "linking-payees")}  # a few of the organisations
        self.orgs_of: dict[str, set[str]] = defaultdict(set)
        for org, places in self.org_regions.items():
            for region, _, _ in places:
                if region and org in paid:
                    self.orgs_of[region].add(org)
        self.regions: set[str] = set()
        self.orgs: set[str] = set()
        self.allocation_rows: list[Row] = []
        self.receipt_rows: list[Row] = []

    def regions_of(self, org: str) -> set[str]:
        return {region for region, _, _ in self.org_regions.get(org, ()) if region}

    def read(self, regions: Collection[str], orgs: Collection[str] = ()) -> None:
        """Read these regions and these departments' receipts, and what they lead to, until closed."""
        todo_regions, todo_orgs = set(regions), set(orgs)
        while todo_regions - self.regions or todo_orgs - self.orgs:
            for region in todo_regions - self.regions:
                self.regions.add(region)
                self.allocation_rows += _allocations_to(self.store, region)
                todo_orgs |= self.orgs_of[region]
            todo_regions = set()
            for org in todo_orgs - self.orgs:
                self.orgs.add(org)
                self.receipt_rows += [{**row, "payee": IRI(org)}
                                      for row in _rows(self.store, "linking-receipts-of", payee=org)]  # fmt: skip
                if self.whole_receipts:
                    todo_regions |= self.regions_of(org)
            todo_orgs = set()

    def receipts(self, regionless_of: Collection[str] | None = None) -> list[Flow]:
        """The receipts read, in the regions read; of those whose payee has no known region, all or
        only those of the reports `regionless_of`."""
        return [r for r in _receipts(self.receipt_rows, self.org_regions)
                if r.region in self.regions
                or (r.region is None and (regionless_of is None or r.report in regionless_of))]  # fmt: skip


def analyse_around(store: Store, payees: Collection[str]) -> LinkReport:
    """The rule applied to the regions of these payees and to those their links lead up to, without
    writing anything: what `analyse` says of those regions' receipts and allocations, read from them
    only (see _RegionFlows). A linked allocation's notice passes on the money it received (its 合计,
    a receipt of the notice's payee): that payee's region is read next, and so on up to the top."""
    flows = _RegionFlows(store)
    manifest = store.manifest()
    citations, parents = _citations(_rows(store, "linking-citations")), _parents(store)
    notices: set[str] = set()
    flows.read({region for payee in payees for region in flows.regions_of(payee)})
    while True:
        receipts = flows.receipts()
        report = _apply(_allocations(flows.allocation_rows), receipts, citations, parents)
        # The notices of the links found: their payees (a regionless one too, as `analyse` has it).
        todo_regions: set[str] = set()
        todo_orgs: set[str] = set()
        for link in report.links:
            notice = link.allocation.report
            if notice in notices or notice not in manifest:
                continue
            notices.add(notice)
            for row in _rows(store, "linking-receipts", graph=manifest[notice].graph):
                payee = str(row["payee"])
                todo_orgs.add(payee)
                todo_regions |= flows.regions_of(payee)
        if not (todo_regions - flows.regions or todo_orgs - flows.orgs):
            return report
        flows.read(todo_regions, todo_orgs)


def _apply(allocations: list[Flow], receipts: list[Flow], citations: dict[str, set[str]],
           parents: dict[str, str]) -> LinkReport:  # fmt: skip
    linker = _Linker(allocations, receipts, citations, parents)
    report = LinkReport(allocations=len(allocations), receipts=len(receipts))
    for receipt in receipts:
        outcome = linker.link(receipt)
        (report.links if isinstance(outcome, Link) else report.unlinked_receipts).append(outcome)
        if receipt.number is not None:
            report.notice_receipts.setdefault((receipt.report, receipt.levels), receipt)
    linked = {link.allocation.iri for link in report.links}
    linked_receipts = {link.receipt.iri for link in report.links}
    by_iri = report.receipt_flows = {r.iri: r for r in receipts}
    report.unlinked_allocations = [
        linker.explain(a, linked_receipts, by_iri) for a in allocations if a.iri not in linked
    ]
    return report


def relink(store: Store, added: Collection[str]) -> LinkReport:
    """Link after reports were added (report IRIs), touching only the regions of their flows, and
    write the links graph with the links of every other region kept: the same graph as `link`
    gives, as long as the links graph was up to date before the reports were added. The report
    returned covers those regions only."""
    manifest = store.manifest()
    new_reports = {r for r in added if r in manifest}
    flows = _RegionFlows(store, whole_receipts=True)
    new_allocations: list[Row] = []
    regions: set[str] = set()
    orgs: set[str] = set()
    for report in new_reports:
        graph = manifest[report].graph
        rows = _rows(store, "linking-allocations", graph=graph)
        new_allocations += [row for row in rows if row["region"] is None]  # the others are read by region
        regions |= {str(row["region"]) for row in rows if row["region"] is not None}
        orgs |= {str(row["payee"]) for row in _rows(store, "linking-receipts", graph=graph)}
    flows.read(regions | {region for org in orgs for region in flows.regions_of(org)}, orgs)
    allocations = _allocations(flows.allocation_rows + new_allocations)
    receipts = flows.receipts(regionless_of=new_reports)
    report = _apply(allocations, receipts, _citations(_rows(store, "linking-citations")), _parents(store))
    report.scope = f" (the {len(flows.regions)} regions of the {len(new_reports)} reports added)"
    touched = {a.iri for a in allocations} | {r.iri for r in receipts}
    kept = [(IRI(str(row["s"])), IRI(str(row["p"])), IRI(str(row["o"])))
            for row in _rows(store, "links") if str(row["s"]) not in touched]  # fmt: skip
    store.replace_graph(LINKS_GRAPH, kept + _link_triples(report))
    return report


def payees(report: LinkReport) -> dict[str, str]:
    """Allocation IRI → the one department that reports receiving it (see the module docstring)."""
    parties: dict[str, set[str | None]] = defaultdict(set)
    for link in report.links:
        parties[link.allocation.iri].add(link.receipt.party)
    for item in report.unlinked_allocations:
        for receipt in item.compared:
            parties[item.flow.iri].add(report.receipt_flows[receipt].party)
    out: dict[str, str] = {}
    for allocation, found in parties.items():
        if len(found) == 1 and (party := next(iter(found))) is not None:
            out[allocation] = party
    return out


def _link_triples(report: LinkReport) -> list[Triple]:
    linked, via, payee = IRI(FKG.linkedAllocation), IRI(FKG.receivedVia), IRI(FKG.payee)
    triples: list[Triple] = [(IRI(k.receipt.iri), linked, IRI(k.allocation.iri)) for k in report.links]
    triples += [(IRI(k.receipt.iri), via, IRI(k.allocation.report)) for k in report.links]
    triples += [(IRI(allocation), payee, IRI(party)) for allocation, party in payees(report).items()]
    return triples


def link(store: Store) -> LinkReport:
    """Apply the rule and replace the links graph with its links (all or nothing)."""
    report = analyse(store)
    store.replace_graph(LINKS_GRAPH, _link_triples(report))
    return report


def link_after_build(store: Store, added: Collection[str], replaced: int) -> LinkReport:
    """The linking a build runs: none when it wrote no report (the links stand, and the store is not
    written), incremental when it only added a few reports (a tenth of the store or fewer), else over
    the whole store (a replaced report's old flows may have been linked)."""
    if not added and not replaced:
        return LinkReport(unchanged=True)
    if replaced or len(added) * 10 > max(len(store.manifest()), 1):
        return link(store)
    return relink(store, added)


def render(report: LinkReport) -> str:
    """The link report as text: the links, then what stayed unlinked, grouped by reason."""
    lines = [report.summary(), ""]
    if report.links:
        lines.append(f"Linked ({len(report.links)}):")
        lines += [f"  {link.describe()}" for link in sorted(report.links, key=lambda k: k.receipt.describe())]
    for side, items in (("allocations", report.unlinked_allocations), ("receipts", report.unlinked_receipts)):
        if not items:
            continue
        lines.append(f"Unlinked {side} ({len(items)}), by reason:")
        groups: dict[str, list[Unlinked]] = defaultdict(list)
        for item in items:
            groups[item.reason].append(item)
        for reason in sorted(groups):
            lines.append(f"  {reason} ({len(groups[reason])}):")
            lines += sorted(f"    {u.flow.describe()} — {u.detail}" for u in groups[reason])
    return "\n".join(lines)


__all__ = [
    "LINKS_GRAPH",
    "Flow",
    "Link",
    "LinkReport",
    "Unlinked",
    "analyse",
    "analyse_around",
    "link",
    "link_after_build",
    "relink",
    "render",
]
