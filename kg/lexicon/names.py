"""Keys for programme and fund names: when two names name one programme.

- `programme_key`: inside one report, the names of one programme differ by spaces, a bracketed
  remark and their ending (城乡居民医疗救助 in prose, 城乡居民医疗救助资金 in the form).
- `match_key` / `names_match`: across reports names vary more (城乡居民医疗救助资金 / 城乡医疗救助金),
  so the variant words go wherever they stand, and one key containing the other is a match.
- `fund_core`: an allocation notice names its fund after the levels paying it (中央和省级医疗救助补助
  资金); the core is what the funds of the levels share.
"""

from __future__ import annotations

import re

from kg.lexicon.text import squash
from kg.lexicon.words import alternation

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_SUFFIX = re.compile(rf"(?:{alternation('programme_suffixes')}|(?<=助)金)$")
_VARIANTS = re.compile(rf"{alternation('programme_variants')}|[（(][^）)]*[）)]|金$")
_CORE_NOISE = re.compile(r"20\d{2}\s*年度?|[（(][^）)]*[)）]|第[一二三四五六七八九十\d]+批|提前下达|预算$|\s+")
_CORE_LEVELS = re.compile(r"^(?:(?:中央(?:财政)?|(?:省|市|县|区)(?:级|本级)(?:财政)?|(?:省|市|县|区)财政)[、和与及]?)+")


def programme_key(name: str) -> str:
    """What two names of one programme in one report share: 城乡居民医疗救助(资金)."""
    key = _BRACKETS.sub("", squash(name))
    while True:
        shorter = _SUFFIX.sub("", key)
        if shorter == key or not shorter:
            return key
        key = shorter


def match_key(name: str) -> str:
    """What names of one programme in different reports share: 城乡医疗救助 for 城乡居民医疗救助资金."""
    return _VARIANTS.sub("", squash(name))


def names_match(query: str, name: str) -> bool:
    """True when one name's match key holds the other's (a search term matches longer names)."""
    q, n = match_key(query), match_key(name)
    return bool(q) and bool(n) and (q in n or n in q)


def fund_core(name: str) -> str:
    """A fund's name without year, batch, 预算 and the levels it comes from: what the levels share.

    中央和省级医疗救助补助资金 and 2022年中央财政医疗救助补助资金（第二批） → 医疗救助补助资金.
    """
    core = _CORE_NOISE.sub("", name)
    return _CORE_LEVELS.sub("", core) or core
