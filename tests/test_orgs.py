"""Organisation mentions: spaCy patterns, canonical names, qualification of short forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.document import Document
from kg.extract.orgs import candidate_windows, canonical_name, find_organisations, qualify
from kg.extract.regions import region_by_code
from kg.readers.text import read
from kg.records import GovLevel


def doc_of(text: str) -> Document:
    return read(Path("synthetic.txt"), text.encode("utf-8"), "0" * 64)


def names(text: str) -> list[str]:
    return [o.name for o in find_organisations(doc_of(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("柳林县医疗保障局", ["柳林县医疗保障局"]),
        ("重庆市潼南区医药价格和招标采购监督指导中心", ["重庆市潼南区医药价格和招标采购监督指导中心"]),
        ("奉节县医药价格和招标采购服务中心负责", ["奉节县医药价格和招标采购服务中心"]),
        ("县医疗保险事业服务中心负责经办", ["县医疗保险事业服务中心"]),
        ("国家医疗保障局办公室", ["国家医疗保障局办公室"]),
        ("中共井研县委机构编制委员会", ["中共井研县委机构编制委员会"]),
        # Two bodies in one clause stay two, whatever stands between them.
        ("县人社局将该中心移交县医保局", ["县人社局", "县医保局"]),
        ("民政部财政部联合印发", ["民政部", "财政部"]),
        ("省财政厅和省医保局", ["省财政厅", "省医保局"]),
        ("县委县政府高度重视", ["县政府"]),
        ("县人民医院和县中医院", ["县人民医院", "县中医院"]),
        ("奉节县市场监督管理局", ["奉节县市场监督管理局"]),  # a body word may start like a level word
        ("国家卫生计生委保监会国务院扶贫办", ["国家卫生计生委", "国务院扶贫办"]),
        # Alias completion: a county written without 县.
        ("成立井研医疗保障局", ["井研县医疗保障局"]),
        # Words that end like a body but are not one.
        ("各部门要加强管理，全部纳入部门预算，处理好有关事项。", []),
        ("住院费用在县外就医住院的一站式结算", []),
        ("贯彻落实党中央决策部署", []),
    ],
)
def test_patterns(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_bracketed_annotations_stay_out_of_names() -> None:
    doc = doc_of("部门名称：柳林县医疗保障局[部门]\n")
    (org,) = find_organisations(doc)
    assert org.name == "柳林县医疗保障局"
    assert canonical_name("柳林县医疗保障局[部门]") == "柳林县医疗保障局"
    assert canonical_name(" 奉节县 医疗保障局 ") == "奉节县医疗保障局"


def test_regions_and_levels_of_mentions() -> None:
    text = "根据国家医疗保障局和吕梁市医疗保障局的要求，重庆市潼南区医疗保障局与财政部联系。"
    found = {o.name: o for o in find_organisations(doc_of(text))}
    assert found["国家医疗保障局"].level is GovLevel.CENTRAL and found["国家医疗保障局"].region is None
    assert found["财政部"].level is GovLevel.CENTRAL
    city = found["吕梁市医疗保障局"]
    assert city.level is GovLevel.PREFECTURE and city.region is not None and city.region.code == "141100"
    district = found["重庆市潼南区医疗保障局"]
    assert district.region is not None and district.region.code == "500152"
    assert district.level is GovLevel.COUNTY


def test_short_forms_are_qualified_only_with_a_known_region() -> None:
    jingyan = region_by_code("511124")
    liulin = region_by_code("141125")
    tongnan = region_by_code("500152")
    assert qualify("县医疗保险事业服务中心", jingyan) == "井研县医疗保险事业服务中心"
    assert qualify("县医保局", jingyan) == "井研县医疗保障局"
    assert qualify("市医保局", liulin) == "吕梁市医疗保障局"
    assert qualify("区医疗保障事务中心", tongnan) == "潼南区医疗保障事务中心"
    assert qualify("县医保局", tongnan) == "县医保局"  # no 县 in the chain of a district
    assert qualify("县医保局", None) == "县医保局"
    assert qualify("柳林县医疗保障局", jingyan) == "柳林县医疗保障局"  # not a short form


def test_context_qualifies_mentions() -> None:
    doc = doc_of("县医保局下属县医疗保险事业服务中心。")
    plain = [o.name for o in find_organisations(doc)]
    qualified = find_organisations(doc, context=region_by_code("511124"))
    assert plain == ["县医保局", "县医疗保险事业服务中心"]
    assert [o.name for o in qualified] == ["井研县医疗保障局", "井研县医疗保险事业服务中心"]
    assert all(o.region is not None and o.region.code == "511124" for o in qualified)
    assert [o.evidence.exact for o in qualified] == plain  # evidence quotes the text as written


def test_windows_skip_text_without_bodies() -> None:
    text = "本年度收入合计585.6万元，其中一般公共预算财政拨款收入占99.9%。\n"
    assert candidate_windows(text) == []
    assert candidate_windows("由柳林县医疗保障局负责") != []


def test_evidence_is_exact_on_every_seed(seed_documents: dict[str, Document]) -> None:
    for key, doc in seed_documents.items():
        mentions = find_organisations(doc)
        assert mentions, key
        for org in mentions:
            ev = org.evidence
            assert doc.text[ev.start : ev.end] == ev.exact
            assert org.name == ev.exact or org.name.endswith(ev.exact[2:]), (key, org.name, ev.exact)


def test_supervising_bodies_in_seed_002(seed_documents: dict[str, Document]) -> None:
    found = {o.name: o for o in find_organisations(seed_documents["002"])}
    national = found["国家医疗保障局"]
    assert national.level is GovLevel.CENTRAL and national.region is None
    city = found["吕梁市医疗保障局"]
    assert city.level is GovLevel.PREFECTURE and city.region is not None and city.region.code == "141100"
    assert city.region.parent is not None and city.region.parent.code == "140000"


def test_all_mentions_are_returned_in_text_order(seed_documents: dict[str, Document]) -> None:
    mentions = find_organisations(seed_documents["002"])
    starts = [o.evidence.start for o in mentions]
    assert starts == sorted(starts)
    assert sum(o.name == "柳林县医疗保障局" for o in mentions) > 1  # the caller dedupes
