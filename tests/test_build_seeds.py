"""End to end on the five seed reports: build, named queries, provenance, idempotence, isolation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg.build
from kg.build import build, compact_after_build, report_iris
from kg.linking import link_after_build
from kg.queries import bind, get_query
from kg.readers import read_document
from kg.store import Store, open_store
from kg.validate import validate_store


@pytest.fixture(scope="module")
def seed_store(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = open_store(tmp_path_factory.mktemp("store") / "kg")
    result = build([seeds_dir], store)
    assert not result.failed, result.failed
    assert len(result.added) == 5
    return store


def run(store: Store, name: str, **params: str) -> list[dict[str, str]]:
    return store.select(bind(get_query(name), params)).lexical()


def test_policy_citations_come_back_with_titles_sentences_and_spans(seed_store: Store, seeds_dir: Path) -> None:
    rows = run(seed_store, "policy-citations", doc="乐府办规[2022]3号")
    assert len(rows) == 3
    assert {r["file"] for r in rows} == {"000_84a2500fe35ff2c8.txt"}
    assert {r["titleAsCited"] for r in rows} == {"乐山市健全重特大疾病医疗保险和救助制度实施细则"}
    assert {r["publisher"] for r in rows} == {"井研县医疗保障局"}
    doc = read_document(seeds_dir / "000_84a2500fe35ff2c8.txt")
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert doc.text[start:end] == "乐府办规〔2022〕3号" == row["numberAsWritten"]
        assert row["numberAsWritten"] in row["sentence"]
        assert row["sentence"] in doc.text


def test_year_outside_brackets_is_found_under_its_canonical_number(seed_store: Store) -> None:
    rows = run(seed_store, "policy-citations", doc="井委编委发〔2019〕23号")
    assert len(rows) == 2
    assert {r["numberAsWritten"] for r in rows} == {"井委编委发2019〔23〕号"}


def test_thirteen_distinct_numbered_documents_across_the_seeds(seed_store: Store) -> None:
    rows = run(seed_store, "most-cited-documents")
    numbers = {r["number"] for r in rows if r["number"]}
    assert len(numbers) == 13
    assert {"乐府办规〔2022〕3号", "财社〔2019〕142号", "民发〔2017〕12号", "奉节府办发〔2022〕13号"} <= numbers
    cai_she = next(r for r in rows if r["number"] == "财社〔2019〕142号")
    assert set(cai_she["titles"].split(" | ")) == {"中央财政医疗救助资金管理办法", "中央财政医疗救助补助资金管理办法"}


def test_report_citations_per_seed(seed_store: Store) -> None:
    expected = {
        "000_84a2500fe35ff2c8.txt": 4,
        "001_0c8a0c7a35adeec5.txt": 8,
        "002_0f45429440d9ca6e.txt": 0,
        "003_2f6f7cf52225173d.txt": 0,
        "004_481fe573c2d24300.txt": 1,
    }
    for file, count in expected.items():
        rows = run(seed_store, "report-citations", file=file)
        assert len({r["number"] for r in rows if r["number"]}) == count, file
    titles_only = {
        r["titleAsCited"]
        for r in run(seed_store, "report-citations", file="000_84a2500fe35ff2c8.txt")
        if r["number"] is None
    }
    assert "中华人民共和国预算法" in titles_only


def test_documents_by_issuer(seed_store: Store) -> None:
    rows = run(seed_store, "documents-by-issuer", issuer="湘医保发")
    assert [(r["number"], r["year"]) for r in rows] == [("湘医保发〔2020〕22号", "2020")]


def test_departments_with_regions_levels_units_and_reports(seed_store: Store) -> None:
    rows = {r["name"]: r for r in run(seed_store, "departments")}
    assert rows["柳林县医疗保障局"]["divisionCode"] == "141125"
    assert rows["柳林县医疗保障局"]["province"] == "山西省"
    assert rows["重庆市潼南区医疗保障局"]["divisionCode"] == "500152"
    assert rows["井研县医疗保障局"]["divisionCode"] == "511124"
    assert rows["奉节县医疗保障局"]["divisionCode"] == "500236"
    assert rows["益阳市赫山区医疗保障事务中心"]["divisionCode"] == "430903"
    assert "奉节县医药价格和招标采购服务中心" in rows["奉节县医疗保障局"]["units"]
    assert rows["柳林县医疗保障局"]["reports"] == "002_0f45429440d9ca6e.txt"
    county = run(seed_store, "departments", level="county")
    assert len(county) == 5


def test_rebuilding_unchanged_reports_adds_nothing(seed_store: Store, seeds_dir: Path) -> None:
    before = seed_store.quad_count()
    again = build([seeds_dir], seed_store)
    assert len(again.unchanged) == 5 and not again.added and not again.replaced
    assert seed_store.quad_count() == before


def test_changed_report_replaces_its_graph_and_bad_file_is_skipped(seeds_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seeds_dir / "004_481fe573c2d24300.txt", folder / "004.txt")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    store = open_store(tmp_path / "kg")
    first = build([folder], store)
    assert [p.name for p in first.added] == ["004.txt"]
    assert len(first.failed) == 1 and "broken.pdf" in first.failed[0].message
    count_before = store.quad_count()
    # Change the report: one more sentence with a new document number.
    text = (folder / "004.txt").read_text(encoding="utf-8")
    (folder / "004.txt").write_text(text + "\n依据《示例管理办法》（示财〔2024〕1号）执行。\n", encoding="utf-8")
    second = build([folder], store)
    assert [p.name for p in second.replaced] == ["004.txt"]
    assert len(store.manifest()) == 1
    assert run(store, "policy-citations", doc="示财〔2024〕1号")
    assert store.quad_count() > count_before  # the new citation and its evidence, old graph gone
    assert len(store.named_graphs()) == 3  # ontology, manifest, one report graph


def test_store_conforms_to_shapes(seed_store: Store) -> None:
    report = validate_store(seed_store)
    assert report.conforms, report.text[:3000]


def test_rebuilding_unchanged_reports_writes_nothing(seeds_dir: Path, tmp_path: Path) -> None:
    """A rebuild of unchanged files leaves the store as it was: not even the links graph is written
    again, so the store's generation (what the service's caches follow) stays where it was."""
    store = open_store(tmp_path / "kg")
    first = build([seeds_dir], store)
    link_after_build(store, report_iris(first.added), len(first.replaced))
    generation = store.generation()
    again = build([seeds_dir], store)
    linked = link_after_build(store, report_iris(again.added), len(again.replaced))
    assert linked.unchanged and linked.summary() == "linking: no report added or replaced; the links stand"
    assert store.generation() == generation


def test_a_build_of_a_tenth_of_the_store_or_more_compacts_it(seeds_dir: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    store = open_store(tmp_path / "kg")
    compacted: list[int] = []
    monkeypatch.setattr(store, "optimize", lambda: compacted.append(len(store.manifest())))
    reports = sorted(seeds_dir.glob("*.txt"))
    first = build(reports[:4], store)
    assert compact_after_build(store, first) and compacted == [4]
    assert not compact_after_build(store, build(reports[:4], store))  # nothing written
    monkeypatch.setattr(kg.build, "COMPACT_AFTER", 0.5)  # one report added to five: less than half
    assert not compact_after_build(store, build(reports[4:], store))
    assert compacted == [4]
