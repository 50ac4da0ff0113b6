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
