"""Words of performance indicators: the tiers forms group them by and the units their values carry.

- `TIER1` / `TIER2`: 一级指标 (产出指标, 效益指标 …) and 二级指标 (数量指标, 社会效益指标 …) as whole
  cells; `TIER_RUN` finds either inside flattened text (spaces already removed), with the points
  a form prints after it (数量指标15分, 产出指标(50分)).
- `UNIT_WORD`: one unit of measure (人次, 元, 工作日 …) with an optional 万/亿/千 in front; units
  compose with / · * (元/人·月). `is_unit` tells a cell that holds only a unit.
"""

from __future__ import annotations

import re

from kg.lexicon.words import alternation

_TIER1_WORDS = alternation("indicator_tier1")
_TIER2_WORDS = alternation("indicator_tier2")
TIER1 = re.compile(rf"^(?:{_TIER1_WORDS})指标$")
TIER2 = re.compile(rf"^(?:{_TIER2_WORDS})指标$|^服务对象满意度$")
_POINTS = r"(?:[(（]?\d+(?:\.\d+)?分[)）]?)?"
TIER_RUN = re.compile(rf"(?P<tier>(?:{_TIER2_WORDS}|{_TIER1_WORDS})指标){_POINTS}")

UNIT_WORD = rf"(?:[万亿千]?(?:{alternation('measure_units')}))"
_GLOSS = r"(?:[(（][\u4e00-\u9fff]{1,6}[)）])?"  # %(百分比): the unit said in words
_BARE_UNIT = re.compile(rf"^(?:%|％|‰|{UNIT_WORD}(?:[/·*]{UNIT_WORD}){{0,2}}){_GLOSS}$")


def is_unit(text: str) -> bool:
    """A cell that holds a unit of measure and nothing else: %, 人次, 元/人·年, %(百分比)."""
    return bool(_BARE_UNIT.match("".join(text.split())))
