"""Fund flows on the seeds: funding by level and phase, tracing, Sankey output, fund-flow queries."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.build import build
from kg.flows import render_text, to_sankey, trace
from kg.lexicon.names import names_match
from kg.queries import bind, get_query
from kg.store import Store, open_store


@pytest.fixture(scope="module")
def store(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = open_store(tmp_path_factory.mktemp("flows") / "kg")
    assert not build([seeds_dir], s).failed
    return s


def rows(store: Store, name: str, **params: str) -> list[dict[str, str | None]]:
    return store.select(bind(get_query(name), params)).lexical()


def test_programme_names_match_loosely_but_not_wildly() -> None:
    assert names_match("城乡医疗救助", "城乡居民医疗救助资金")
    assert names_match("城乡医疗救助", "城乡医疗救助金")
    assert not names_match("城乡医疗救助", "医疗服务与保障能力提升补助资金")


def test_seed_002_funding_by_level_in_both_phases(store: Store) -> None:
    found = {
        (r["level"], r["phase"]): Decimal(r["amountYuan"])
        for r in rows(store, "programme-funding", programme="城乡医疗救助", year="2022")
        if r["file"] == "002_0f45429440d9ca6e.txt"
    }
    assert found[("central", "adjusted")] == Decimal("7490000")
    assert found[("central", "executed")] == Decimal("7440000")
    assert found[("province", "adjusted")] == found[("province", "executed")] == Decimal("9530000")
    assert found[("prefecture", "adjusted")] == found[("prefecture", "executed")] == Decimal("535000")
    assert found[("county", "adjusted")] == Decimal("7230000")
    assert found[("county", "executed")] == Decimal("0")


def test_trace_shows_four_levels_down_to_spending(store: Store) -> None:
    result = trace(store, "城乡医疗救助", region="柳林县", year="2022")
    g = result.graph
    levels = {data["label"] for _, data in g.nodes(data=True) if data["kind"] == "level"}
    assert levels == {"中央财政", "山西省财政", "吕梁市财政", "柳林县财政"}
    central = next(n for n, d in g.nodes(data=True) if d.get("label") == "中央财政")
    city_bureau = next(n for n, d in g.nodes(data=True) if d.get("label") == "吕梁市医疗保障局")
    assert g[central][city_bureau]["amounts"]["initial"] == Decimal("7490000")
    assert g[central][city_bureau]["amounts"]["executed"] == Decimal("7440000")
    spending = {d["label"] for _, d in g.nodes(data=True) if d["kind"] == "spending"}
    assert "2101301 城乡医疗救助" in spending
    text = render_text(result)
    assert text.splitlines()[0] == "中央财政"
    assert "└─ 柳林县医疗保障局" in text and "执行数 1750.5万元" in text


def test_trace_filters_and_sankey_json(store: Store) -> None:
    assert trace(store, "城乡医疗救助", region="柳林县", year="2021").graph.number_of_nodes() == 0
    sankey = to_sankey(trace(store, "城乡医疗救助", region="柳林县", year="2022", phase="executed"))
    assert {link["phase"] for link in sankey["links"]} == {"executed"}
    labels = [node["label"] for node in sankey["nodes"]]
    link = next(
        lk
        for lk in sankey["links"]
        if labels[lk["source"]] == "柳林县财政" and labels[lk["target"]] == "柳林县医疗保障局"
    )
    assert link["amount_yuan"] == "0"


def test_budget_vs_executed_and_under_execution(store: Store) -> None:
    table = {r["programmeName"]: r for r in rows(store, "budget-vs-executed")}
    assert table["城乡居民医疗救助资金"]["executionRate"] == "0.7063"
    assert table["医疗救助"]["code"] == "50015221T000000052688"
    assert Decimal(table["医疗救助"]["budgetYuan"]) == Decimal("8520000")
    under = {r["programmeName"] for r in rows(store, "under-executed-programmes")}
    assert under == {"城乡居民医疗救助资金", "医疗服务与保障能力提升经费提前下达"}
    assert {r["programmeName"] for r in rows(store, "under-executed-programmes", threshold="0.95")} == {
        "城乡居民医疗救助资金",
        "医疗服务与保障能力提升经费提前下达",
        "特定项目",
    }


def test_spending_rolled_up_by_class_and_section(store: Store) -> None:
    table = {
        (r["classCode"], r["sectionCode"]): Decimal(r["amountYuan"])
        for r in rows(store, "spending-by-function", department="柳林县医疗保障局")
    }
    assert table[("210", "21013")] == Decimal("18640207.36")
    assert table[("210", "21015")] == Decimal("6691314.57")
    assert table[("229", "22960")] == Decimal("930000")
    jingyan = {
        (r["classCode"], r["sectionCode"]): Decimal(r["amountYuan"])
        for r in rows(store, "spending-by-function", department="井研县医疗保障局")
    }
    assert jingyan[("210", "21013")] == Decimal("6172600")  # from the prose lines of seed 000


def test_consistency_issue_of_the_capacity_fund(store: Store) -> None:
    issues = rows(store, "consistency-issues", kind="funding-sources")
    assert len(issues) == 1
    assert issues[0]["file"] == "002_0f45429440d9ca6e.txt"
    assert (Decimal(issues[0]["expected"]), Decimal(issues[0]["found"])) == (Decimal("300000"), Decimal("202900"))
