"""Fund-flow tracing: a networkx graph built from SPARQL results over the store.

For a programme (matched by name), optionally in one region and year, the graph runs from the
government levels that paid into it (中央/省/市/县财政), through the supervising departments the
money passed (国家医疗保障局, 吕梁市医疗保障局 …), to the implementing department, the programme
and the department's spending lines with a matching functional classification. Every edge keeps
its amount per budget phase. The same graph renders as a text tree or as Sankey nodes and links.

Allocation notices (kg.linking): flows stated in a notice are not traced as payments to a programme.
A traced receipt that the linking rule links to a notice's row gets the chain of linked levels above
it, as paths of 下达 edges through the paying bodies (中央财政 → 财政部 → 山西省财政厅 → 吕梁市财政局 →
柳林县医疗保障局), and `Trace.allocations` lists each level's allocation next to the receipt, with the
allocations to the same payee that stayed unlinked flagged (amount differs …).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import networkx as nx

from kg.lexicon.labels import LEVEL_LABEL, PHASE_LABEL, PHASE_ORDER, level_rank, signed_wan, wan_text
from kg.lexicon.names import names_match
from kg.queries import bind, internal_query
from kg.store import Store
from kg.store.results import Row

if TYPE_CHECKING:
    from kg.linking import Flow, Link, Unlinked


# The queries (queries/internal/trace-*.rq) read a shared resource's description from one graph:
# Oxigraph's union default graph repeats a triple once per graph that states it.


@dataclass(frozen=True)
class AllocationView:
    """A traced receipt with the linked allocations above it (nearest first) and the flagged ones."""

    receipt: Flow
    chain: tuple[Link, ...]
    flags: tuple[Unlinked, ...]


@dataclass
class Trace:
    graph: nx.DiGraph
    programmes: list[str] = field(default_factory=list)
    allocations: list[AllocationView] = field(default_factory=list)
    empty_because: str = ""  # when nothing matched: which filter emptied the result, and what there is instead

    def roots(self) -> list[str]:
        return sorted((n for n in self.graph if self.graph.in_degree(n) == 0), key=self._order)

    def _order(self, node: str) -> tuple[int, str]:
        level = self.graph.nodes[node].get("level")
        return (level_rank(level), node)


def _text(row: Row, name: str) -> str | None:
    """A value as text (IRIs, names, years alike), None when unbound."""
    value = row[name]
    return str(value) if value is not None else None


def _regions(store: Store) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in store.select(internal_query("trace-regions").text).rows:
        out[str(row["org"])][str(row["level"])] = str(row["name"])
    return out


def _flow_rows(store: Store, programme: str) -> Iterator[tuple[str, Row]]:
    """The flows of the programmes whose names match, as (programme IRI, row), with the payee joined.

    Each programme's flows are read by a query that names it: over every flow of the store the
    query took seconds at 1,000 reports. A flow whose payee is not labelled in its graph has none."""
    names = store.select(internal_query("trace-programmes").text).rows
    iris = sorted({str(row["programme"]) for row in names if names_match(programme, str(row["pname"]))})
    for iri in iris:
        payees: dict[str, list[Row]] = defaultdict(list)
        for row in store.select(bind(internal_query("trace-payees"), {"programme": iri})).rows:
            payees[str(row["flow"])].append(row)
        for row in store.select(bind(internal_query("trace-flows"), {"programme": iri})).rows:
            for payee in payees.get(str(row["flow"])) or [{"payee": None, "payeeName": None}]:
                yield iri, {**row, "payee": payee["payee"], "payeeName": payee["payeeName"]}


def trace(
    store: Store,
    programme: str,
    *,
    region: str | None = None,
    year: str | None = None,
    phase: str | None = None,
) -> Trace:
    """Build the flow graph of the programmes whose names match `programme`."""
    regions = _regions(store)
    g = nx.DiGraph()
    matched: set[str] = set()
    payees: dict[str, set[str]] = defaultdict(set)  # payee IRI -> programme node ids
    traced: dict[str, str] = {}  # flow IRI -> payee node, for the allocations above it
    # What each filter let through, in the order they are applied: the first one that let nothing
    # through is named when the result is empty, with the values that were there instead.
    seen: dict[str, set[str]] = {"programme": set(), "year": set(), "phase": set(), "region": set()}
    for programme_iri, row in _flow_rows(store, programme):
        pname = str(row["pname"])
        if not names_match(programme, pname):
            continue
        seen["programme"].add(pname)
        row_year = _text(row, "year")
        seen["year"].add(row_year or "?")
        if year and row_year != year:
            continue
        seen["phase"].add(str(row["phase"]))
        # --phase allocated: the receipts are found as ever, but only the 下达 above them is drawn.
        allocated_only = phase == "allocated"
        if phase and str(row["phase"]) != phase and not allocated_only:
            continue
        payee = _text(row, "payee")
        payee_regions = regions.get(payee or "", {})
        seen["region"].update(payee_regions.values())
        if region and region not in payee_regions.values():
            continue
        matched.add(pname)
        if allocated_only:
            if payee:
                _org_node(g, payee, str(row["payeeName"]))
                traced[str(row["flow"])] = f"org:{payee}"
            continue
        level = str(row["level"])
        amount = Decimal(row["amount"])  # type: ignore[arg-type]
        path = [_level_node(g, level, payee_regions)]
        if level == "central" and row["cs"] is not None:
            path.append(_org_node(g, str(row["cs"]), str(row["csName"])))
        if row["via"] is not None:
            path.append(_org_node(g, str(row["via"]), str(row["viaName"])))
        elif level != "county" and row["ls"] is not None and str(row["ls"]) != payee:
            path.append(_org_node(g, str(row["ls"]), str(row["lsName"])))
        if payee:
            path.append(_org_node(g, payee, str(row["payeeName"])))
        prog = f"programme:{programme_iri}"
        g.add_node(prog, label=pname, kind="programme")
        path.append(prog)
        if payee:
            payees[payee].add(prog)
            traced[str(row["flow"])] = f"org:{payee}"
        for a, b in itertools.pairwise(path):
            _add_amount(g, a, b, str(row["phase"]), amount, str(row["file"]), str(row["flow"]))
    _add_spending(store, g, payees, programme, year)
    # 下达 amounts join the trace unless another phase was asked for.
    views = _add_allocations(store, g, traced, regions) if phase in (None, "allocated") else []
    filters = {"year": year, "phase": phase, "region": region}
    if phase == "allocated":  # receipts without a linked allocation above them draw nothing
        g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
    if phase == "allocated" and g.number_of_edges() == 0 and matched:
        names = " / ".join(sorted(matched))
        g.clear()
        return Trace(g, [], [], f"no allocation (下达) of a notice is linked to the flows of {names}")
    return Trace(g, sorted(matched), views, "" if matched else _why_empty(programme, filters, seen))


def _why_empty(programme: str, filters: dict[str, str | None], seen: dict[str, set[str]]) -> str:
    """The filter that left no flow, named, with the values the flows before it had."""
    if not seen["programme"]:
        return f"no fund flows for a programme matching {programme!r}"
    names = " / ".join(sorted(seen["programme"]))
    for name in ("year", "phase", "region"):
        wanted = filters[name]
        if wanted is not None and wanted not in seen[name]:
            there = ", ".join(sorted(seen[name])) or "none"
            return f"no fund flows of {names} match --{name} {wanted} (the flows before it have {name}: {there})"
    return f"no fund flows of {names} match the filters given"


def _level_node(g: nx.DiGraph, level: str, payee_regions: dict[str, str]) -> str:
    place = "" if level == "central" else payee_regions.get(level, LEVEL_LABEL.get(level, level))
    label = f"{place or LEVEL_LABEL.get(level, level)}财政" if level != "central" else "中央财政"
    node = f"level:{level}:{place}"
    g.add_node(node, label=label, kind="level", level=level)
    return node


def _org_node(g: nx.DiGraph, iri: str, label: str) -> str:
    node = f"org:{iri}"
    g.add_node(node, label=label, kind="organisation", iri=iri)
    return node


def _add_amount(g: nx.DiGraph, a: str, b: str, phase: str, amount: Decimal, source: str, fact: str) -> None:
    """Add to an edge's amount for a phase; `fact` is the flow or line IRI, whose evidence is the source text."""
    if not g.has_edge(a, b):
        g.add_edge(a, b, amounts=defaultdict(Decimal), sources=set(), facts=defaultdict(list))
    g[a][b]["amounts"][phase] += amount
    g[a][b]["sources"].add(source)
    g[a][b]["facts"][phase].append(fact)


def _add_spending(store: Store, g: nx.DiGraph, payees: dict[str, set[str]], programme: str, year: str | None) -> None:
    for line, org, code, name, amount, line_year in _spending(store, sorted(payees)):
        if not names_match(programme, name):
            continue
        if year and line_year is not None and line_year != year:
            continue
        node = f"line:{line}"
        g.add_node(node, label=f"{code} {name}", kind="spending")
        for prog in payees[org]:
            _add_amount(g, prog, node, "executed", amount, "", line)


def _spending(store: Store, orgs: list[str]) -> list[tuple[str, str, str, str, Decimal, str | None]]:
    """The executed spending lines of the organisations: (line, org, code, name, amount, year), each once.

    From the 支出决算表 or, for an organisation without one, from prose 支出决算 lines (a prose line
    restates a table line). One query per organisation, which names it (see trace-spending)."""
    if not orgs:
        return []
    tabled = {str(row["org"]) for row in store.select(bind(internal_query("trace-tabled"), {"org": orgs})).rows}
    found: list[tuple[str, str, str, Decimal, str | None]] = []
    for org in orgs:
        for row in store.select(bind(internal_query("trace-spending"), {"org": org})).rows:
            if str(row["kind"]) == "prose" and org in tabled:
                continue
            found.append((str(row["line"]), org, str(row["c"]), Decimal(row["amount"]), _text(row, "year")))  # type: ignore[arg-type]
    if not found:
        return []
    names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    query = bind(internal_query("trace-classifications"), {"concept": sorted({c for _, _, c, _, _ in found})})
    for row in store.select(query).rows:
        names[str(row["concept"])].append((str(row["code"]), str(row["name"])))
    # DISTINCT as the one query was: a line in two data sets (or kinds) counts once.
    out = {(line, org, code, name, amount, year): None
           for line, org, c, amount, year in found for code, name in names.get(c, ())}  # fmt: skip
    return list(out)


def _add_allocations(
    store: Store, g: nx.DiGraph, traced: dict[str, str], regions: dict[str, dict[str, str]]
) -> list[AllocationView]:
    """下达 paths through the linked levels above each traced receipt, and the views beside them."""
    from kg.linking import analyse_around

    # The regions of the traced payees and those above them: the whole store's linking took ~2 s.
    report = analyse_around(store, {node.removeprefix("org:") for node in traced.values()})
    flags: dict[str, list[Unlinked]] = defaultdict(list)
    for item in report.unlinked_allocations:
        for receipt in item.compared:
            flags[receipt].append(item)
    views: list[AllocationView] = []
    added: set[tuple[str, str, str]] = set()  # (edge, allocation): a row counts once per edge
    for iri, payee_node in traced.items():
        receipt = report.receipt_flows.get(iri)
        chain = report.chain(iri)
        if receipt is None or not (chain or flags.get(iri)):
            continue
        # Flags by notice: the linking lists them in the order its query returned them.
        flagged = sorted(flags.get(iri, ()), key=lambda u: (u.flow.number or u.flow.file, u.flow.iri))
        views.append(AllocationView(receipt, tuple(chain), tuple(flagged)))
        if not chain:
            continue
        top = chain[-1].allocation
        level = min(top.levels, key=level_rank)
        payers = [_org_node(g, link.allocation.party or "", link.allocation.party_name or "?") for link in chain]
        path = [_level_node(g, level, regions.get(top.party or "", {})), *reversed(payers), payee_node]
        amounts = [top, *(link.allocation for link in reversed(chain))]
        for (a, b), allocation in zip(itertools.pairwise(path), amounts, strict=True):
            if (a, b, allocation.iri) not in added:
                added.add((a, b, allocation.iri))
                _add_amount(g, a, b, "allocated", allocation.amount, allocation.file, allocation.iri)
    return views


def render_text(trace_: Trace, *, up: bool = False) -> str:
    g = trace_.graph if not up else trace_.graph.reverse(copy=True)
    roots = trace_.roots() if not up else sorted(n for n in g if g.in_degree(n) == 0)
    lines: list[str] = []

    def amounts(a: str, b: str) -> str:
        data = trace_.graph[b][a] if up else trace_.graph[a][b]
        return "  ".join(
            f"{PHASE_LABEL.get(p, p)} {wan_text(data['amounts'][p])}" for p in PHASE_ORDER if p in data["amounts"]
        )

    shown: set[str] = set()  # a node whose subtree was printed once is not expanded again

    def walk(node: str, depth: int) -> None:
        for child in sorted(g.successors(node), key=lambda n: g.nodes[n].get("label", n)):
            expanded = child in shown and g.out_degree(child) > 0
            more = "  (continues as above)" if expanded else ""
            lines.append(f"{'    ' * depth}└─ {g.nodes[child]['label']}  [{amounts(node, child)}]{more}")
            if not expanded:
                shown.add(child)
                walk(child, depth + 1)

    for root in roots:
        lines.append(g.nodes[root]["label"])
        walk(root, 1)
    lines += render_allocations(trace_.allocations)
    return "\n".join(lines)


def render_allocations(views: list[AllocationView]) -> list[str]:
    """Each level's allocation next to what the payee reports it received; unlinked ones flagged.
    Amounts in 万元 throughout, like the tree above them (one unit, never 元 beside 万元)."""
    if not views:
        return []
    lines = ["", "下达与收到（allocations next to what the payee reports received）:"]
    for view in sorted(views, key=lambda v: (v.receipt.party_name or "", sorted(map(level_rank, v.receipt.levels)))):
        r = view.receipt
        levels = "+".join(LEVEL_LABEL.get(lv, lv) for lv in sorted(r.levels, key=level_rank))
        lines.append(
            f"{r.party_name} 收到 {levels} {wan_text(r.amount)}（{PHASE_LABEL.get(r.phase, r.phase)}，{r.file}）"
        )
        for i, link in enumerate(view.chain):
            a = link.allocation
            # Above the first level the receipt is the lower notice's 合计 (what it passes on).
            mark = ("←" if i else "=") if not link.difference else "≠"
            passed = f"（{link.receipt.party_name} 合计 {wan_text(link.receipt.amount)}）" if i else ""
            note = f"  allocated − received = {signed_wan(link.difference)}" if link.difference else ""
            lines.append(f"    {mark} {a.number or a.file} {a.party_name} 下达 {a.region_name} "
                         f"{wan_text(a.amount)}{passed}{note}")  # fmt: skip
        for flag in view.flags:
            a = flag.flow
            diff = f"，allocated − received = {signed_wan(flag.difference)}" if flag.difference is not None else ""
            lines.append(f"    ⚠ {a.number or a.file} {a.party_name} 下达 {a.region_name} {wan_text(a.amount)}"
                         f"：未关联（{flag.reason}{diff}）")  # fmt: skip
    return lines


def to_sankey(trace_: Trace) -> dict:
    """Nodes and links, one link per edge and phase, amounts in yuan (strings, exact).

    Each link lists its `facts`: the fund flows or budget lines it sums, whose evidence is the text."""
    index = {node: i for i, node in enumerate(trace_.graph.nodes)}
    nodes = [
        {"id": node, "index": i, "label": data.get("label", node), "kind": data.get("kind"), "level": data.get("level")}
        for node, i in index.items()
        for data in [trace_.graph.nodes[node]]
    ]
    links = [
        {
            "source": index[a],
            "target": index[b],
            "phase": p,
            "amount_yuan": format(v, "f"),
            "sources": sorted(data["sources"] - {""}),
            "facts": sorted(set(data["facts"][p])),
        }
        for a, b, data in trace_.graph.edges(data=True)
        for p, v in data["amounts"].items()
    ]
    allocations = [
        {
            "receipt": view.receipt.iri,
            "payee": view.receipt.party_name,
            "levels": sorted(view.receipt.levels, key=level_rank),
            "received_yuan": format(view.receipt.amount, "f"),
            "chain": [
                {"allocation": k.allocation.iri, "notice": k.allocation.number, "payer": k.allocation.party_name,
                 "recipient": k.allocation.region_name, "amount_yuan": format(k.allocation.amount, "f"),
                 "rule": k.rule}
                for k in view.chain
            ],
            "flags": [
                {"allocation": f.flow.iri, "notice": f.flow.number, "amount_yuan": format(f.flow.amount, "f"),
                 "reason": f.reason, "detail": f.detail}
                for f in view.flags
            ],
        }
        for view in trace_.allocations
    ]  # fmt: skip
    return {"programmes": trace_.programmes, "nodes": nodes, "links": links, "allocations": allocations}
