"""Indicator values: numbers, units and comparisons as written, and whether a target was met.

A value cell holds a number with an optional comparison and unit (65, ≥70%, 267000人, 34.09元/人,
85%以上, 不低于上年, 明显提高). `parse_value` reads it; `met` decides a target from the numbers.

Units are normalised to one spelling per unit: ％ → %, 人数 → 人, 个数 → 个, 次数 → 次,
元/人年 and 元/人·年 → 元/人/年, a unit glossed in words loses the gloss (%(百分比) → %); anything
else is kept as written without spaces (万人, 人次, 万元/年, 元/人, 次/年, 元/人*月). Values are never
converted: 65 万人 stays 65 with unit 万人.

Met rules, in order (documented in docs/ontology.md):
1. Numbers on both sides: the comparison decides (ge ≥, le ≤, eq =, gt >, lt <). An actual without a
   unit takes the target's; units that differ only by 万 (万人 / 人) are scaled; other differing units
   leave the question open (None).
2. No comparison written (目标 267000人, 实际 267000人): equal values meet the target whatever the
   intended direction; a 100% target cannot be exceeded, so it is read as ≥; otherwise None.
3. An actual written as a bound (≥70% against ≥70%) is the report's claim: it meets the target when
   the bound is at least as strict in the same direction, else None.
4. Qualitative targets (不低于上年, 明显提高): met when the actual restates the target (same words,
   上年度 = 上年), else None: a judgement in other words is not computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kg.lexicon.text import squash

# ≧ ≦ are the full-width forms some Word templates use for ≥ ≤.
_SIGNS = {"≥": "ge", "≧": "ge", ">=": "ge", "≤": "le", "≦": "le", "<=": "le", ">": "gt", "＞": "gt", "<": "lt",
          "＜": "lt", "=": "eq", "＝": "eq"}  # fmt: skip
_WORDS = {
    "大于或等于": "ge", "大于等于": "ge", "不低于": "ge", "不少于": "ge", "至少": "ge", "达到": "ge", "达": "ge",
    "小于或等于": "le", "小于等于": "le", "不高于": "le", "不超过": "le", "不多于": "le", "控制在": "le",
    "大于": "gt", "高于": "gt", "超过": "gt", "小于": "lt", "低于": "lt", "等于": "eq",
}  # fmt: skip
_SUFFIXES = {"及以上": "ge", "以上": "ge", "以下": "le", "以内": "le"}
COMPARISON_WORDS = "|".join(sorted(_WORDS, key=len, reverse=True))
SIGNS = "|".join(re.escape(s) for s in sorted(_SIGNS, key=len, reverse=True))
NUMBER = r"[-−]?\d+(?:,\d{3})*(?:\.\d+)?"
_HAN_UNIT = r"(?:(?!以上|以下|以内|及以上)[\u4e00-\u9fff])"
UNIT = rf"%|％|‰|{_HAN_UNIT}{{1,4}}(?:[/·*]{_HAN_UNIT}{{1,3}}){{0,2}}"
_GLOSS = r"[(（][\u4e00-\u9fff]{1,6}[)）]"  # 97%(百分比): the unit said again in words
_VALUE = re.compile(
    rf"^(?P<cmp>{SIGNS}|{COMPARISON_WORDS})?(?P<num>{NUMBER})(?P<unit>{UNIT})?(?:{_GLOSS})?"
    r"(?P<suffix>及以上|以上|以下|以内)?$"
)
_TRAILING = re.compile(rf"(?P<num>{NUMBER})(?P<unit>%|％|‰|人次|万人次|万人|人|万元|元|个|次|天|户)?[。.]?$")
_UNIT_ALIASES = {"％": "%", "人数": "人", "个数": "个", "次数": "次", "元/人年": "元/人/年", "元/人·年": "元/人/年",
                 "百分比": "%"}  # fmt: skip
_RESTATE_NOISE = re.compile(r"[\s，,。.；;：:“”\"'、]")


@dataclass(frozen=True)
class Value:
    """One value cell read: its comparison (if written), number and unit."""

    comparison: str | None
    number: Decimal | None
    unit: str | None

    @property
    def is_bound(self) -> bool:
        """≥70% as an actual: a claim about the value, not the value."""
        return self.comparison is not None and self.number is not None


def normalise_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    unit = squash(unit)
    if m := re.fullmatch(rf"(.+?){_GLOSS}", unit):  # %(百分比) → %
        unit = m.group(1)
    return _UNIT_ALIASES.get(unit, unit) or None


def is_operator(text: str) -> bool:
    """A cell that holds a comparison sign and nothing else (≥, >=, ≦, ＝)."""
    return squash(text) in _SIGNS


def to_decimal(text: str) -> Decimal | None:
    """A plain number (1,042.26, 96.49, 20分) or None."""
    text = squash(text).replace("−", "-").removesuffix("分").replace(",", "")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def comparison_of(text: str) -> str | None:
    """The notation of a comparison written alone (a 指标性质 cell) or as a word."""
    text = squash(text)
    return _SIGNS.get(text) or _WORDS.get(text)


def parse_value(text: str) -> Value | None:
    """A value cell: ≥65, 29.37%, 267000人, 85%以上, 达到100%; None when it holds no single number."""
    m = _VALUE.match(squash(text))
    if m is None:
        return None
    written = m.group("cmp")
    comparison = (_SIGNS.get(written) or _WORDS.get(written)) if written else None
    if m.group("suffix"):
        comparison = comparison or _SUFFIXES[m.group("suffix")]
    number = to_decimal(m.group("num"))
    return Value(comparison, number, normalise_unit(m.group("unit")))


def trailing_value(text: str) -> Value | None:
    """The number at the end of prose that restates the indicator (…的比重29.37%)."""
    m = _TRAILING.search(squash(text))
    if m is None or m.start() == 0:
        return None
    return Value(None, to_decimal(m.group("num")), normalise_unit(m.group("unit")))


# -- met -------------------------------------------------------------------------------------------


def _scaled(number: Decimal, unit: str | None, wanted: str | None) -> Decimal | None:
    """`number` in `unit` expressed in `wanted`, when they differ at most by 万."""
    if unit == wanted or unit is None or wanted is None:
        return number
    if unit == "万" + wanted:
        return number * 10_000
    if wanted == "万" + unit:
        return number / 10_000
    return None


def _compare(comparison: str, actual: Decimal, target: Decimal) -> bool:
    return {
        "ge": actual >= target,
        "gt": actual > target,
        "le": actual <= target,
        "lt": actual < target,
        "eq": actual == target,
    }[comparison]


def _restated(target_text: str, actual_text: str) -> bool:
    def key(text: str) -> str:
        return _RESTATE_NOISE.sub("", text).replace("上年度", "上年").replace("上一年", "上年")

    return bool(key(target_text)) and key(target_text) == key(actual_text)


def _bound_met(comparison: str | None, target: Value, actual: Value) -> bool | None:
    """An actual written as a bound: met when it is as strict as the target, in the same direction."""
    assert actual.number is not None and target.number is not None
    same = _scaled(actual.number, actual.unit, target.unit)
    if same is None or comparison is None:
        return None
    upward = {"ge", "gt"}
    if comparison in upward and actual.comparison in upward:
        return True if same >= target.number else None
    if comparison in {"le", "lt"} and actual.comparison in {"le", "lt"}:
        return True if same <= target.number else None
    if comparison == actual.comparison == "eq":
        return True if same == target.number else None
    return None


def met(comparison: str | None, target_text: str, actual_text: str, unit: str | None = None) -> bool | None:
    """Whether the actual meets the target under the comparison; None when it cannot be decided.

    `unit` is the unit column of the row, when the table has one (it applies to both values).
    """
    if not target_text.strip() or not actual_text.strip():
        return None
    target = parse_value(target_text)
    actual = parse_value(actual_text) or trailing_value(actual_text)
    if target is None or target.number is None:
        return True if _restated(target_text, actual_text) else None
    if actual is None or actual.number is None:
        return None
    target = Value(target.comparison, target.number, target.unit or unit)
    actual = Value(actual.comparison, actual.number, actual.unit or target.unit)
    comparison = comparison if comparison != "qualitative" else None
    comparison = comparison or target.comparison
    if actual.is_bound:
        return _bound_met(comparison, target, actual)
    value = _scaled(actual.number, actual.unit, target.unit)
    if value is None:
        return None
    if comparison is None:
        if value == target.number:
            return True
        if target.unit == "%" and target.number == 100:
            return value >= target.number
        return None
    return _compare(comparison, value, target.number)
