"""Which government level a level word names (中央, 省, 市, 县/区, 乡镇), seen from a region."""

from __future__ import annotations

import re

from kg.lexicon.words import alternation
from kg.records import GovLevel, Region

# One level word, optionally with 级 or a bracketed 区/县/市: 县级, 县(区).
LEVEL_WORD = rf"(?:{alternation('level_words')})(?:级|[(（][区县市][)）])?"
# Several level words, optionally joined: 中央、省, 中央和省级, 省市县.
LEVEL_SEQ = rf"{LEVEL_WORD}(?:[、和与及]?{LEVEL_WORD})*"
_ATOM = re.compile(alternation("level_words"))
_QUALIFIER = re.compile(r"级|[(（].*")


def level_of(word: str, region: Region | None) -> GovLevel:
    """The level a level word names, seen from the publisher's region."""
    word = _QUALIFIER.sub("", word)
    if word == "中央":
        return GovLevel.CENTRAL
    if word == "省":
        return GovLevel.PROVINCE
    if word in ("乡", "镇", "乡镇"):
        return GovLevel.TOWNSHIP
    if word == "市":
        # The 市 above a county: a 直辖市 is provincial; a 县级市 publisher does not count.
        for node in reversed(region.chain() if region else []):
            if node.level is not GovLevel.COUNTY and node.name.endswith("市"):
                return node.level
        return GovLevel.PREFECTURE
    return GovLevel.COUNTY


def levels_of(sequence: str, region: Region | None) -> tuple[GovLevel, ...]:
    """The levels a run of level words names, in order, each once."""
    levels: list[GovLevel] = []
    for m in _ATOM.finditer(sequence):
        level = level_of(m.group(), region)
        if level not in levels:
            levels.append(level)
    return tuple(levels)


def local_levels(region: Region | None) -> tuple[GovLevel, ...]:
    """地方: the levels from the province down to the region (province, city, county without one)."""
    if region is None:
        return GovLevel.PROVINCE, GovLevel.PREFECTURE, GovLevel.COUNTY
    return tuple(node.level for node in region.chain())


# A level as funding tables and allocation tables label it, with the regional vocabulary of
# autonomous areas (自治区, 盟, 州, 旗) and a bracketed qualifier that lists the kinds of a level's
# units (县(市、区) is the county level, 州(市) the prefecture level): 中央和省级, 州(市), 省、地, 本级.
_LABEL_ATOM = r"(?:中央|自治区|省|自治州|州|盟|地区|地(?!方)|市|旗|县|区|乡镇|乡|镇|本级)"
LEVEL_LABEL = rf"{_LABEL_ATOM}(?:级)?(?:[(（][^()（）]{{1,8}}[)）])?"
LEVEL_LABEL_SEQ = rf"{LEVEL_LABEL}(?:[、和与及]?{LEVEL_LABEL})*"
_LABEL_TOKEN = re.compile(rf"({_LABEL_ATOM})(?:级)?(?:[(（][^()（）]{{1,8}}[)）])?")
_LABEL_LEVEL = {
    "中央": GovLevel.CENTRAL,
    "自治区": GovLevel.PROVINCE,
    "省": GovLevel.PROVINCE,
    "自治州": GovLevel.PREFECTURE,
    "州": GovLevel.PREFECTURE,
    "盟": GovLevel.PREFECTURE,
    "地区": GovLevel.PREFECTURE,
    "地": GovLevel.PREFECTURE,
    "旗": GovLevel.COUNTY,
    "乡镇": GovLevel.TOWNSHIP,
    "乡": GovLevel.TOWNSHIP,
    "镇": GovLevel.TOWNSHIP,
}


def label_levels(label: str, region: Region | None) -> tuple[GovLevel, ...]:
    """The levels a funding label names, each once, in order: 中央和省级 → central, province.

    Unlike `levels_of`, a bracket qualifies the word before it (县(市、区) is one level, the
    county's), 自治区/盟/州/旗 are read as province/prefecture/county, and 本级 is the region's own
    level (市本级 is the city's: the word before it already says so). None for 本级 alone when the
    region is unknown.
    """
    levels: list[GovLevel] = []
    previous_end = -1
    for m in _LABEL_TOKEN.finditer(label):
        word = m.group(1)
        if word == "本级":
            level = None if m.start() == previous_end else (region.level if region else None)
        elif word in ("市", "县", "区"):
            level = level_of(word, region)
        else:
            level = _LABEL_LEVEL[word]
        previous_end = m.end()
        if level is not None and level not in levels:
            levels.append(level)
    return tuple(levels)
