"""Notices and seed 002 in one store: notice mapping, cross-level links, the unlinked report, the trace."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import seed_path
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from kg.flows import render_text, to_sankey, trace
from kg.linking import LINKS_GRAPH, Flow, Link, LinkReport, Unlinked, _Linker, analyse, analyse_around, link, render
from kg.rdf.iris import policy_iri
from kg.store import Store, open_store
from kg.validate import validate_store

NOTICES = Path(__file__).resolve().parent.parent / "samples" / "notices"
CITY = "lv-caishe-2022-27-lvliang-medical-assistance.txt"
LIULIN = "柳林县医疗保障局"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = open_store(tmp_path_factory.mktemp("linking") / "kg")
    result = build([NOTICES, seed_path("002")], s)
    assert not result.failed and len(result.added) == 5
    return s


@pytest.fixture(scope="module")
def report(store: Store) -> LinkReport:
    return link(store)


def select(store: Store, query: str) -> list[tuple[str | None, ...]]:
    return [tuple(r.values()) for r in store.select(query).lexical()]


# -- the notices in the graph ------------------------------------------------------------------------


def test_notice_is_a_policy_document_that_citations_resolve_to(store: Store, report: LinkReport) -> None:
    province = policy_iri("晋财社〔2022〕58号", None)
    rows = select(store, f"""
        SELECT DISTINCT ?file ?title WHERE {{
          ?notice a fkg:AllocationNotice ; eli:realizes {province} ; fkg:sourceFile/fkg:fileName ?file .
          {province} a fkg:PolicyDocument ; dcterms:title ?title ; fkg:documentNumber "晋财社〔2022〕58号" .
        }} ORDER BY ?title""")  # fmt: skip
    # Its own title, and the title the city's notice cites it with (a title variant, as for any document).
    assert rows == [
        ("jin-caishe-2022-58-shanxi-medical-assistance.html", "关于下达2022年中央和省级医疗救助补助资金的通知"),
        ("jin-caishe-2022-58-shanxi-medical-assistance.html", "山西省财政厅 山西省医疗保障局关于下达2022年中央和省级医疗救助补助资金的通知"),  # noqa: E501
    ]  # fmt: skip
    citing = select(
        store, f"SELECT DISTINCT ?file WHERE {{ ?r fkg:cites {province} ; fkg:sourceFile/fkg:fileName ?file }}"
    )
    assert citing == [(CITY,)]  # the city's notice cites it; the province's notice does not cite itself
    issuers = select(
        store, f"SELECT DISTINCT ?name WHERE {{ {province} eli:passed_by/rdfs:label ?name }} ORDER BY ?name"
    )
    assert issuers == [("山西省医疗保障局",), ("山西省财政厅",)]


def test_one_fund_flow_per_row_and_level(store: Store) -> None:
    rows = select(store, """
        SELECT DISTINCT ?amount ?level ?payer ?code ?phase ?year ?fn ?exact WHERE {
          ?notice fkg:allocates ?flow ; fkg:sourceFile/fkg:fileName "lv-caishe-2022-27-lvliang-medical-assistance.txt" .
          ?flow a fkg:FundFlow ; fkg:amount ?amount ; fkg:fundingLevel/skos:notation ?level ;
                fkg:payer/rdfs:label ?payer ; fkg:recipientRegion/fkg:divisionCode ?code ;
                fkg:budgetPhase/skos:notation ?phase ; fkg:fiscalYear ?year ;
                fkg:functionalClassification/skos:notation ?fn ;
                prov:wasDerivedFrom/oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?exact .
          FILTER(?code = "141125" && ?exact != "柳林县")
        } ORDER BY ?level""")  # fmt: skip
    assert rows == [
        ("7490000", "central", "吕梁市财政局", "141125", "allocated", "2022", "2101301", "749"),
        ("535000", "prefecture", "吕梁市财政局", "141125", "allocated", "2022", "2101301", "53.5"),
        ("9530000", "province", "吕梁市财政局", "141125", "allocated", "2022", "2101301", "953"),
    ]
    (count,) = select(store, f"""SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{
        ?r fkg:allocates ?f ; fkg:sourceFile/fkg:fileName "{CITY}" }}""")[0]  # fmt: skip
    assert count == "39"


def test_the_store_validates(store: Store, report: LinkReport) -> None:
    result = validate_store(store)
    assert result.conforms, result.text


# -- links --------------------------------------------------------------------------------------------


def test_each_receipt_of_liulin_links_to_exactly_one_city_row(store: Store, report: LinkReport) -> None:
    rows = select(store, f"""
        SELECT DISTINCT ?level ?received ?allocated ?number WHERE {{
          GRAPH <{LINKS_GRAPH}> {{ ?receipt fkg:linkedAllocation ?allocation }}
          ?receipt fkg:payee/rdfs:label "{LIULIN}"@zh ; fkg:amount ?received ; fkg:fundingLevel/skos:notation ?level .
          ?allocation fkg:amount ?allocated ; fkg:statedIn/eli:realizes/fkg:documentNumber ?number .
        }} ORDER BY ?level""")  # fmt: skip
    assert rows == [
        ("central", "7490000", "7490000", "吕财社〔2022〕27号"),
        ("prefecture", "535000", "535000", "吕财社〔2022〕27号"),
        ("province", "9530000", "9530000", "吕财社〔2022〕27号"),
    ]


def test_each_linked_receipt_names_the_notice_it_came_with(store: Store, report: LinkReport) -> None:
    rows = select(store, f"""
        SELECT ?payee ?level ?number (COUNT(DISTINCT ?receipt) AS ?receipts) WHERE {{
          GRAPH <{LINKS_GRAPH}> {{ ?receipt fkg:receivedVia ?notice }}
          ?notice a fkg:AllocationNotice ; eli:realizes/fkg:documentNumber ?number .
          ?receipt fkg:payee/rdfs:label ?payee ; fkg:fundingLevel/skos:notation ?level .
        }} GROUP BY ?payee ?level ?number ORDER BY ?payee ?level""")  # fmt: skip
    # One receipt per payee and level, each from the notice of the level just above it.
    assert rows == [
        ("吕梁市财政局", "central", "晋财社〔2022〕58号", "1"),
        ("吕梁市财政局", "province", "晋财社〔2022〕58号", "1"),
        ("山西省财政厅", "central", "财社〔2022〕61号", "1"),
        (LIULIN, "central", "吕财社〔2022〕27号", "1"),
        (LIULIN, "prefecture", "吕财社〔2022〕27号", "1"),
        (LIULIN, "province", "吕财社〔2022〕27号", "1"),
    ]


def test_notices_link_level_to_level_by_their_totals(report: LinkReport) -> None:
    receipt = next(
        link.receipt
        for link in report.links
        if link.receipt.party_name == LIULIN and link.receipt.levels == {"central"}
    )
    chain = report.chain(receipt.iri)
    assert [(k.allocation.number, k.allocation.region_name, k.allocation.amount) for k in chain] == [
        ("吕财社〔2022〕27号", "柳林县", Decimal("7490000")),
        ("晋财社〔2022〕58号", "吕梁市", Decimal("84920000")),
        ("财社〔2022〕61号", "山西省", Decimal("714540000")),
    ]
    # The county's receipt matched on amount; the notices' totals through the 文号 they cite.
    assert [k.rule for k in chain] == ["amount", "citation", "citation"]
    assert [k.receipt.party_name for k in chain[1:]] == ["吕梁市财政局", "山西省财政厅"]


def test_links_graph_names_the_receiving_department(store: Store, report: LinkReport) -> None:
    payees = select(store, f"""
        SELECT DISTINCT ?region ?level ?payee WHERE {{
          GRAPH <{LINKS_GRAPH}> {{ ?allocation fkg:payee ?p }}
          ?p rdfs:label ?payee . ?allocation fkg:recipientRegion/skos:prefLabel ?region ;
          fkg:fundingLevel/skos:notation ?level .
        }} ORDER BY ?region ?level""")  # fmt: skip
    assert payees == [
        ("吕梁市", "central", "吕梁市财政局"),
        ("吕梁市", "province", "吕梁市财政局"),
        ("山西省", "central", "山西省财政厅"),
        ("柳林县", "central", LIULIN),
        ("柳林县", "prefecture", LIULIN),
        ("柳林县", "province", LIULIN),
    ]
    # The mismatching row is not linked, yet the one department of 柳林县 that reports the fund receives it.
    mismatch = select(store, f"""
        SELECT DISTINCT ?payee ?linked WHERE {{
          ?notice eli:realizes/fkg:documentNumber "吕财社〔2022〕35号" ; fkg:allocates ?a .
          ?a fkg:recipientRegion/fkg:divisionCode "141125" .
          GRAPH <{LINKS_GRAPH}> {{ ?a fkg:payee ?p }} ?p rdfs:label ?payee .
          BIND(EXISTS {{ ?r fkg:linkedAllocation ?a }} AS ?linked)
        }}""")  # fmt: skip
    assert mismatch == [(LIULIN, "false")]


def test_relinking_replaces_the_links_graph(store: Store, report: LinkReport) -> None:
    stray = f"GRAPH <{LINKS_GRAPH}> {{ <http://example.org/stale> <http://example.org/p> <http://example.org/o> }}"
    store.update(f"INSERT DATA {{ {stray} }}")
    assert store.ask(f"ASK {{ {stray} }}")
    again = link(store)
    assert not store.ask(f"ASK {{ {stray} }}")
    assert len(again.links) == len(report.links) == 6
    linked = select(
        store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?r fkg:linkedAllocation ?a }} }}"
    )
    assert linked == [("6",)]


# -- the unlinked report -----------------------------------------------------------------------------


def test_the_mismatching_row_stays_unlinked_with_the_difference(report: LinkReport) -> None:
    mismatch = [
        u
        for u in report.unlinked_allocations
        if u.flow.number == "吕财社〔2022〕35号" and u.flow.region_name == "柳林县"
    ]
    assert len(mismatch) == 1
    assert mismatch[0].reason == "amount-differs" and mismatch[0].difference == Decimal("100000")
    assert "749万元" in mismatch[0].detail and "+10万元" in mismatch[0].detail


def test_unlinked_counts_by_reason(report: LinkReport) -> None:
    counts = report.counts()
    # No report from the region: 14 other provinces, 10 other cities × 2 levels, 12 other counties × 3
    # levels, and 石楼县 and 中阳县 of the mismatching notice.
    assert counts[("allocation", "no-receipt")] == 14 + 20 + 36 + 2
    assert counts[("allocation", "amount-differs")] == 1
    assert counts[("receipt", "amount-differs")] == 1  # the mismatching notice's 合计 against the province's row
    unlinked = {u.flow.programme for u in report.unlinked_receipts if u.reason == "no-candidate"}
    assert unlinked == {"医疗服务与保障能力提升补助资金"}  # seed 002's other transfer: no notice for it here


def test_rendered_report_lists_what_could_not_be_matched_and_why(report: LinkReport) -> None:
    text = render(report)
    assert text.splitlines()[0] == report.summary()
    assert "吕财社〔2022〕35号 吕梁市财政局 → 柳林县 中央 759万元 — " in text
    assert "amount-differs (1):" in text and "no-receipt (72):" in text
    assert "no report from 太原市 in the graph" in text


def test_several_equal_candidates_are_never_guessed(tmp_path: Path) -> None:
    copies = tmp_path / "notices"
    shutil.copytree(NOTICES, copies)
    twin = (copies / CITY).read_text(encoding="utf-8").replace("吕财社〔2022〕27号", "吕财社〔2022〕29号")
    (copies / "lv-caishe-2022-29-twin.txt").write_text(twin, encoding="utf-8")
    s = open_store(None)
    build([copies, seed_path("002")], s)
    result = analyse(s)
    liulin = {u.flow.levels: u.reason for u in result.unlinked_receipts if u.flow.programme == "城乡居民医疗救助资金"}
    assert liulin[frozenset({"central"})] == "several-candidates"
    assert liulin[frozenset({"province"})] == "several-candidates"
    assert not any(k.receipt.party_name == LIULIN for k in result.links)


# -- trace and CLI ------------------------------------------------------------------------------------


def test_trace_shows_the_chain_with_allocations_next_to_receipts(store: Store, report: LinkReport) -> None:
    result = trace(store, "城乡医疗救助", region="柳林县", year="2022")
    g = result.graph
    node = {d["label"]: n for n, d in g.nodes(data=True)}
    assert g[node["财政部"]][node["山西省财政厅"]]["amounts"]["allocated"] == Decimal("714540000")
    assert g[node["山西省财政厅"]][node["吕梁市财政局"]]["amounts"]["allocated"] == Decimal("193130000")
    assert g[node["吕梁市财政局"]][node[LIULIN]]["amounts"]["allocated"] == Decimal("17555000")
    # What the county reports is unchanged beside it (each flow counted once).
    assert g[node["中央财政"]][node["吕梁市医疗保障局"]]["amounts"]["initial"] == Decimal("7490000")
    assert "2101301 城乡医疗救助" in node
    text = render_text(result)
    assert "柳林县医疗保障局 收到 中央 749万元（全年预算，002_0f45429440d9ca6e.txt）" in text
    central = text[text.index("收到 中央 749万元") :].splitlines()
    assert central[1:5] == [
        "    = 吕财社〔2022〕27号 吕梁市财政局 下达 柳林县 749万元",
        "    ← 晋财社〔2022〕58号 山西省财政厅 下达 吕梁市 8492万元（吕梁市财政局 合计 8492万元）",
        "    ← 财社〔2022〕61号 财政部 下达 山西省 71454万元（山西省财政厅 合计 71454万元）",
        "    ⚠ 吕财社〔2022〕35号 吕梁市财政局 下达 柳林县 759万元：未关联（amount-differs，allocated − received = +10万元）",  # noqa: E501
    ]  # fmt: skip
    sankey = to_sankey(result)
    assert {len(a["chain"]) for a in sankey["allocations"]} == {1, 2, 3}


def test_the_linking_around_a_payee_says_what_the_whole_linking_says_of_it(store: Store, report: LinkReport) -> None:
    """trace reads the regions of its payees and those their chains reach, not the whole store."""
    payee = next(r.party for r in report.receipt_flows.values() if r.party_name == LIULIN)
    around = analyse_around(store, [payee])
    mine = [r for r in report.receipt_flows.values() if r.party == payee]
    assert mine
    for receipt in mine:
        assert around.receipt_flows[receipt.iri] == receipt
        assert around.chain(receipt.iri) == report.chain(receipt.iri)
    assert {len(report.chain(r.iri)) for r in mine} >= {3}  # the chain reaches 中央 through two notices

    def flags(r: LinkReport) -> set[tuple[str, str, tuple[str, ...]]]:
        return {(u.flow.iri, u.reason, u.compared) for u in r.unlinked_allocations
                if any(i in u.compared for i in (x.iri for x in mine))}  # fmt: skip

    assert flags(around) == flags(report)
    assert flags(report)  # the 759万元 row of 吕财社〔2022〕35号


def test_cli_build_links_and_link_lists_the_unlinked(tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    path = str(tmp_path / "store")
    built = runner.invoke(app, ["build", str(NOTICES), str(seed_path("002")), "--store", path])
    assert built.exit_code == 0, built.output
    assert "linking: 6 receipts linked to allocations; unlinked: 73 of 79 allocations, 2 of 8 receipts" in built.output
    listed = runner.invoke(app, ["link", "--store", path])
    assert listed.exit_code == 0, listed.output
    assert "吕财社〔2022〕35号 吕梁市财政局 → 柳林县 中央 759万元 — " in listed.output
    traced = runner.invoke(
        app, ["trace", "--programme", "城乡医疗救助", "--region", "柳林县", "--year", "2022", "--store", path]
    )
    assert traced.exit_code == 0, traced.output
    assert (
        "⚠ 吕财社〔2022〕35号" in traced.output
        and "= 吕财社〔2022〕27号 吕梁市财政局 下达 柳林县 953万元" in traced.output
    )


# -- the rule on hand-made flows ---------------------------------------------------------------------

REGION = "https://w3id.org/fundkg/id/region/"
PARENTS = {REGION + "141125": REGION + "141100", REGION + "141100": REGION + "140000", REGION + "140000": "central"}


def flow(side: str, iri: str, amount: str, *, levels=("central",), year="2022", payer_region=None, number=None,
         programme="中央财政医疗救助补助资金", report="r") -> Flow:  # fmt: skip
    region = REGION + ("141125" if side == "receipt" or payer_region != REGION + "140000" else "141100")
    return Flow(side, iri, report, f"{iri}.txt", programme, frozenset(levels), year, Decimal(amount), "adjusted",
                region, "柳林县", "payer" if side == "allocation" else "payee", None, payer_region, number)  # fmt: skip


def test_the_rule_says_which_step_failed() -> None:
    city = REGION + "141100"
    allocations = [
        flow("allocation", "a1", "7490000", payer_region=city, number="吕财社〔2022〕27号"),
        flow("allocation", "a2", "9530000", levels=("province",), payer_region=city, year="2021"),
    ]
    linker = _Linker(allocations, [], {"county": {"吕财社〔2022〕27号"}}, PARENTS)
    receipt = flow("receipt", "r1", "7490000", programme="城乡居民医疗救助资金")
    assert isinstance(linker.link(receipt), Link)
    other = linker.link(flow("receipt", "r2", "300000", programme="医疗服务与保障能力提升补助资金"))
    assert isinstance(other, Unlinked) and other.reason == "no-candidate"
    year = linker.link(flow("receipt", "r3", "9530000", levels=("province",), year="2022"))
    assert isinstance(year, Unlinked) and year.reason == "year-differs"
    levels = linker.link(flow("receipt", "r4", "7490000", levels=("central", "province")))
    assert isinstance(levels, Unlinked) and levels.reason == "levels-differ"
    amount = linker.link(flow("receipt", "r5", "7440000"))
    assert isinstance(amount, Unlinked) and amount.reason == "amount-differs" and amount.difference == 50000
    # A citation of the notice's 文号 identifies it: linked, the difference kept with the link.
    cited = linker.link(flow("receipt", "r6", "7440000", report="county"))
    assert isinstance(cited, Link) and cited.rule == "citation" and cited.difference == 50000


def test_the_nearest_level_above_is_preferred() -> None:
    from_city = flow("allocation", "city", "7490000", payer_region=REGION + "141100")
    from_province = flow("allocation", "province", "7490000", payer_region=REGION + "140000")
    from_province = Flow(**{**from_province.__dict__, "region": REGION + "141125"})  # the province lists 柳林县 too
    linker = _Linker([from_province, from_city], [], {}, PARENTS)
    outcome = linker.link(flow("receipt", "r", "7490000"))
    assert isinstance(outcome, Link) and outcome.allocation.iri == "city"


def test_allocations_query_puts_each_row_next_to_its_receipt(store: Store) -> None:
    from kg.queries import bind, get_query

    result = store.select(bind(get_query("allocations"), {"region": "柳林县", "year": "2022"}))
    found = sorted(
        (r["noticeNumber"], r["level"], Decimal(r["amountYuan"]), r["receivedYuan"], r["receiptFile"])
        for r in result.lexical()
    )
    assert found == [
        ("吕财社〔2022〕27号", "central", Decimal("7490000"), "7490000", seed_path("002").name),
        ("吕财社〔2022〕27号", "prefecture", Decimal("535000"), "535000", seed_path("002").name),
        ("吕财社〔2022〕27号", "province", Decimal("9530000"), "9530000", seed_path("002").name),
        ("吕财社〔2022〕35号", "central", Decimal("7590000"), None, None),  # 759万 ≠ the 749万 柳林县 reports
    ]


def test_departments_query_filters_on_the_level(store: Store) -> None:
    from kg.queries import bind, get_query

    def names(level: str) -> list[str]:
        return [r["name"] for r in store.select(bind(get_query("departments"), {"level": level})).lexical()]

    # The notices' finance departments are of three other levels than the county that reports.
    assert names("county") == [LIULIN]
    assert names("prefecture") == ["吕梁市财政局"]
    assert names("province") == ["山西省财政厅"]
    assert names("central") == ["财政部"]
