"""The five seeds built into a store, asked through the performance named queries: missed targets,
one indicator concept across departments and years, evaluation scores, core indicators."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.build import build
from kg.queries import bind, get_query
from kg.readers import read_document
from kg.store import Store, open_store

D = Decimal
SEED_002 = "002_0f45429440d9ca6e.txt"
SEED_003 = "003_2f6f7cf52225173d.txt"
SEED_001 = "001_0c8a0c7a35adeec5.txt"


@pytest.fixture(scope="module")
def store(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = open_store(tmp_path_factory.mktemp("indicators") / "kg")
    assert not build([seeds_dir], s).failed
    found = s.select("SELECT (COUNT(*) AS ?n) WHERE { ?e a fkg:PerformanceEvaluation }").lexical()
    if int(found[0]["n"]) == 0:
        pytest.fail(
            "no evaluations in the store: kg.extract.pipeline and kg.rdf.mapping must call the indicator extractor"
        )
    return s


def rows(store: Store, query: str, /, **params: str) -> list[dict[str, str | None]]:
    return store.select(bind(get_query(query), params)).lexical()


def test_missed_targets_across_all_reports(store: Store) -> None:
    missed = rows(store, "missed-targets")
    found = {(r["file"][:3], r["indicator"], D(r["target"]), D(r["actual"]), r["unit"]) for r in missed}
    assert ("003", "城乡居民医疗保险参保人数", D(65), D(64), "万人") in found
    assert ("003", "举报奖励金", D(1), D("0.04"), "万元") in found
    assert ("002", "基金累计结余占筹集基金总额的比重", D(15), D("29.37"), "%") in found
    assert len(missed) == 8
    balance = next(r for r in missed if r["indicator"] == "基金累计结余占筹集基金总额的比重")
    assert balance["reason"] == "因部分高额医疗费用的人群未将资料交回"
    assert (balance["comparison"], balance["score"], balance["weight"]) == ("le", "0", "8")
    assert (balance["evaluated"], balance["fiscalYear"], balance["conceptNotation"]) == (
        "城乡居民医疗救助资金",
        "2022",
        "fund-balance-ratio",
    )
    assert balance["quote"] == "基金累计结余占筹集基金总额的比重"
    reward = next(r for r in missed if r["indicator"] == "举报奖励金")
    assert (
        reward["evaluated"] == "欺诈骗取医疗保障基金行为举报奖励专项资金" and reward["reason"] == "以实际举报奖励为准"
    )


def test_missed_targets_by_year_and_concept(store: Store) -> None:
    in_2024 = rows(store, "missed-targets", year="2024")
    assert len(in_2024) == 5 and {r["file"] for r in in_2024} == {SEED_003}
    insured = rows(store, "missed-targets", concept="insured-persons")
    assert sorted((r["target"], r["actual"], r["unit"]) for r in insured) == [
        ("65", "64", "万人"),
        ("650000", "640000", "人/年"),
    ]
    assert rows(store, "missed-targets", year="2021") == []


def test_seed_001_actuals_are_linked_to_their_targets(store: Store) -> None:
    share = rows(store, "indicator-comparison", concept="major-illness-assistance-share")
    assert [(r["file"], r["target"], r["actual"], r["unit"], r["met"]) for r in share] == [
        (SEED_001, "28", "40.65", "%", "true")
    ]
    ratio = rows(store, "indicator-comparison", concept="inpatient-assistance-ratio")
    linked = {(r["file"][:3], r["indicator"]): (r["target"], r["actual"], r["met"]) for r in ratio}
    assert linked[("001", "重点救助对象政策范围内住院自付费用年度限额内救助比例")] == ("70", "75.35", "true")
    assert linked[("002", "重点救助对象政策范围内住院自付")] == ("70", "≥70%", "true")
    assert ("000", "重点救助对象自付费用年度限额内住院救助比例") in linked


def test_one_concept_across_departments_and_years(store: Store) -> None:
    by_label = rows(store, "indicator-comparison", concept="救助对象满意度")
    by_notation = rows(store, "indicator-comparison", concept="service-satisfaction")
    assert by_label == by_notation
    assert {r["conceptLabel"] for r in by_label} == {"服务对象满意度"}
    assert {(r["department"], r["fiscalYear"]) for r in by_label} == {
        ("井研县医疗保障局", "2023"),
        ("益阳市赫山区医疗保障事务中心", "2021"),
        ("柳林县医疗保障局", "2022"),
        ("重庆市潼南区医疗保障局", "2024"),
    }
    worded = {r["indicator"] for r in by_label}
    assert {
        "救助对象满意度",
        "参保人员对医保服务的满意度",
        "救助对象对救助工作满意度",
        "医疗救助享受对象满意度",
    } <= worded
    rules = {r["indicator"]: r["rule"] for r in by_label}
    assert rules["救助对象满意度"] == "label: 救助对象满意度"
    assert rules["体检满意度"] == "pattern: 满意度$|满意率$"
    liulin = {r["evaluated"]: (r["target"], r["actual"]) for r in by_label if r["department"] == "柳林县医疗保障局"}
    assert liulin["城乡居民医疗救助资金"] == ("85", "≥85%")


def test_fund_balance_compared_across_counties(store: Store) -> None:
    found = rows(store, "indicator-comparison", concept="fund-balance-ratio")
    assert sorted((r["department"], r["target"], r["actual"], r["met"]) for r in found) == [
        ("柳林县医疗保障局", "15", "29.37", "false"),
        ("益阳市赫山区医疗保障事务中心", "15", "3.96", "true"),
    ]


def test_evaluation_scores_per_programme(store: Store) -> None:
    scores = rows(store, "evaluation-scores")
    assert len(scores) == 24  # 2 + 1 + 7 + 13 + 1 evaluations in seeds 000 … 004
    dept = next(r for r in scores if r["file"] == SEED_003 and r["kind"] == "department")
    assert (dept["evaluated"], D(dept["totalScore"]), D(dept["executionRate"])) == (
        "重庆市潼南区医疗保障局",
        D("96.878"),
        D("0.9649"),
    )
    assert (dept["indicators"], dept["met"], dept["missed"]) == ("11", "10", "1")
    rescue = {D(r["totalScore"]): r for r in scores if r["evaluated"] == "城乡居民医疗救助资金"}
    assert D(rescue[D(82)]["maxScore"]) == D(90) and rescue[D(82)]["indicators"] == "11"
    assert rescue[D(89)]["indicators"] == "0"  # the summary paragraph's score, kept apart
    graded = {(r["file"][:3], r["evaluated"]): r["grade"] for r in scores if r["grade"]}
    assert graded == {
        ("000", "城乡医疗救助金"): "优",
        ("002", "柳林县医疗保险服务中心"): "优",
        ("004", "奉节县医疗保障局"): "优",
    }
    hundred = [r for r in scores if r["file"] == SEED_001]
    assert [(D(r["totalScore"]), r["indicators"]) for r in hundred] == [(D("99.3"), "29")]
    named = rows(store, "evaluation-scores", name="医疗救助", year="2024")
    assert {r["evaluated"] for r in named} == {"医疗救助", "城乡医疗救助本级安排", "城乡医疗救助提前下达市级"}


def test_core_indicators_and_their_results(store: Store) -> None:
    core = rows(store, "core-indicators")
    assert len(core) == 20 and {r["file"] for r in core} == {SEED_003}
    missed = rows(store, "core-indicators", met="false")
    assert sorted((r["indicator"], r["target"], r["actual"], r["score"]) for r in missed) == [
        ("城乡居民医疗保险参保人数", "65", "64", "16.92"),
        ("门诊和住院医疗救助人次", "20", "18.5", "5"),
    ]
    met = rows(store, "core-indicators", name="医疗救助", met="true")
    assert sorted((r["evaluated"], r["indicator"]) for r in met) == [
        ("医疗救助", "救助覆盖率"),
        ("医疗救助", "救助金额"),
        ("城乡医疗救助提前下达市级", "救助金额"),
    ]


def test_indicator_values_lead_back_to_their_cells(store: Store, seeds_dir: Path) -> None:
    found = store.select(
        """SELECT ?exact ?start ?end ?row ?column WHERE {
             ?ind a fkg:PerformanceIndicator ; rdfs:label "举报奖励金"@zh ; prov:wasDerivedFrom ?ev .
             ?ev fkg:evidenceOf fkg:actualValue ; oa:hasSelector ?q , ?p , ?c .
             ?q a oa:TextQuoteSelector ; oa:exact ?exact .
             ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
             ?c a fkg:TableCellSelector ; fkg:rowIndex ?row ; fkg:columnIndex ?column }"""
    )
    ((exact, start, end, _row, column),) = [
        tuple(r[v] for v in ("exact", "start", "end", "row", "column")) for r in found.lexical()
    ]
    doc = read_document(seeds_dir / SEED_003)
    assert exact == "0.04" == doc.text[int(start) : int(end)] and column == "4"
