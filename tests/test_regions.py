"""Region resolution against the GB/T 2260 table that jionlp ships."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract.regions import central_level, level_of, region_by_code, resolve_region
from kg.records import GovLevel


@pytest.mark.parametrize(
    ("text", "chain"),
    [
        ("柳林县医疗保障局", ["140000", "141100", "141125"]),
        ("吕梁市医疗保障局", ["140000", "141100"]),
        ("重庆市潼南区医疗保障局", ["500000", "500152"]),
        ("益阳市赫山区医疗保障事务中心", ["430000", "430900", "430903"]),
        ("井研县", ["510000", "511100", "511124"]),
        ("奉节县医药价格和招标采购服务中心", ["500000", "500236"]),
        ("湖南省医疗保障局", ["430000"]),
        ("中共井研县委办公室", ["510000", "511100", "511124"]),
        ("彭水县医疗保障局", ["500000", "500243"]),  # 彭水苗族土家族自治县 as commonly written
    ],
)
def test_resolves_to_the_hierarchy(text: str, chain: list[str]) -> None:
    region = resolve_region(text)
    assert region is not None
    assert [r.code for r in region.chain()] == chain


def test_levels_follow_the_administrative_rank() -> None:
    county = resolve_region("柳林县医疗保障局")
    assert county is not None
    assert [r.level for r in county.chain()] == [GovLevel.PROVINCE, GovLevel.PREFECTURE, GovLevel.COUNTY]
    assert county.name == "柳林县" and county.parent is not None and county.parent.name == "吕梁市"


@pytest.mark.parametrize("text", ["重庆市潼南区医疗保障局", "奉节县", "北京市朝阳区", "上海市浦东新区", "天津市和平区"])
def test_a_municipality_district_sits_directly_under_it(text: str) -> None:
    region = resolve_region(text)
    assert region is not None
    assert region.level is GovLevel.COUNTY
    assert region.parent is not None and region.parent.level is GovLevel.PROVINCE
    names = [r.name for r in region.chain()]
    assert len(names) == 2 and len(set(names)) == 2


def test_a_county_under_a_province_directly_administered_pseudo_city() -> None:
    region = resolve_region("仙桃市医疗保障局")
    assert region is not None and region.level is GovLevel.COUNTY
    assert region.parent is not None and region.parent.code == "420000"


@pytest.mark.parametrize("text", ["朝阳区医疗保障局", "江北区", "鼓楼区财政局"])
def test_ambiguous_names_are_not_guessed(text: str) -> None:
    assert resolve_region(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("北京市朝阳区医疗保障局", "110105"), ("宁波市江北区", "330205"), ("重庆市江北区", "500105")],
)
def test_a_higher_level_name_disambiguates(text: str, code: str) -> None:
    region = resolve_region(text)
    assert region is not None and region.code == code


def test_the_callers_context_disambiguates() -> None:
    ningbo, chongqing = region_by_code("330200"), region_by_code("500000")
    assert ningbo is not None and chongqing is not None
    assert resolve_region("江北区医疗保障局", ningbo).code == "330205"  # type: ignore[union-attr]
    assert resolve_region("江北区医疗保障局", chongqing).code == "500105"  # type: ignore[union-attr]


def test_short_names_only_count_where_they_cannot_be_words() -> None:
    aliased = resolve_region("井研医疗保障局")  # an alias at the start of a name
    assert aliased is not None and aliased.code == "511124"
    assert resolve_region("城区医保局") is None  # 城区 is a word before it is a district
    district = resolve_region("阳泉市城区")
    assert district is not None and district.parent is not None and district.parent.code == "140300"
    assert resolve_region("县医保局") is None


@pytest.mark.parametrize("name", ["国家医疗保障局", "财政部", "财政部社会保障司", "国务院扶贫办", "中央财政"])
def test_central_bodies_have_no_region(name: str) -> None:
    assert central_level(name)
    assert resolve_region(name) is None
    assert level_of(name) is GovLevel.CENTRAL


@pytest.mark.parametrize("name", ["柳林县医疗保障局", "县医保局", "湖南省财政厅"])
def test_local_bodies_are_not_central(name: str) -> None:
    assert not central_level(name)


def test_region_by_code() -> None:
    region = region_by_code("500152")
    assert region is not None and region.name == "潼南区" and region.parent is not None
    assert region.parent.name == "重庆市"
    twelve = region_by_code("500152000000")
    assert twelve is not None and twelve.code == "500152"
    assert region_by_code("999999") is None


def test_jionlp_banner_does_not_reach_stdout() -> None:
    code = "from kg.extract.regions import resolve_region; assert resolve_region('井研县') is not None"
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=root)
    assert result.returncode == 0, result.stderr
    assert "jionlp" not in result.stdout.lower() and result.stdout.strip() == ""
    assert result.stdout == ""
