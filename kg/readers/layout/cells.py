"""What a cell of a text table holds, judged from its text alone.

Layout rules never look at words of a particular report: they look at the shape of a cell (a
number, a number with a unit, an operator, a code, a label, a sentence) and at the shape of runs
of cells. The kinds:

- EMPTY: nothing, or a placeholder (/, -, ×, —);
- VALUE: an amount, a percentage, a number with a short unit, an operator (≥ = …) with or without
  its value, a unit on its own (%, 万元, 人): what fills a table's value columns;
- CODE: a classification or project code (5+ digits, nothing else; shorter numbers are as often
  amounts, and are VALUEs);
- LABEL: short text without digits, the stuff of first columns and headers;
- MIXED: short text with digits (2023年预算数, 补助3户);
- PROSE: a sentence (long, or with sentence punctuation).
"""

from __future__ import annotations

import re
from enum import Enum


class Kind(str, Enum):
    EMPTY = "E"
    VALUE = "V"
    CODE = "C"
    LABEL = "L"
    MIXED = "M"
    PROSE = "P"


_OPERATOR = r"(?:[≥≤≧≦><=＞＜]=?|大于等于|小于等于|不低于|不高于|不超过|不少于|大于|小于|等于)"
_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# A short unit after a number, brackets of a unit gloss included: 97 %(百分比), 590元/人*月, 100万元.
_UNIT = r"[%‰]?[\u4e00-\u9fff]{0,4}(?:[/*·][\u4e00-\u9fff]{1,3}){0,2}(?:[(（][^()（）]{1,8}[)）])?"
_VALUE = re.compile(rf"^{_OPERATOR}?\s*(?:{_NUMBER}\s*{_UNIT}|{_NUMBER}\s*%|[(（]{_NUMBER}[)）])$")
_BARE_OPERATOR = re.compile(rf"^{_OPERATOR}$")
_BARE_UNIT = re.compile(r"^(?:%|‰|[万亿千]?元|人次?|户|个|次|天|日|月|年|件|项|家|所|台|辆|吨|亩|公里|平方米|m²)$")
_CODE = re.compile(r"^\d{5,}$")
_PLACEHOLDER = re.compile(r"^[/\-—–×xX*\\]+$")
_SENTENCE = re.compile(r"[。；;！？!?]|[,，].*[,，]")
_DIGIT = re.compile(r"\d")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LABEL_MAX = 30  # longer text reads as a sentence even without its punctuation


def kind_of(text: str) -> Kind:
    t = text.strip(" ?")  # a run of ? is what some exports left of lost spaces
    if not t or _PLACEHOLDER.match(t):
        return Kind.EMPTY
    if _CODE.match(t):
        return Kind.CODE
    if _VALUE.match(t) or _BARE_OPERATOR.match(t) or _BARE_UNIT.match(t):
        return Kind.VALUE
    # Latin words take more characters to say as much: an English label is longer.
    if len(t) > (_LABEL_MAX if _HAN.search(t) else 3 * _LABEL_MAX) or _SENTENCE.search(t):
        return Kind.PROSE
    return Kind.MIXED if _DIGIT.search(t) else Kind.LABEL


def is_value(text: str) -> bool:
    return kind_of(text) is Kind.VALUE


def is_texty(kind: Kind) -> bool:
    """Kinds that open a row: a row of a text table starts with what it is about."""
    return kind in (Kind.LABEL, Kind.MIXED, Kind.PROSE)


_CJK_END = re.compile(r"[\u4e00-\u9fff\uff08-\uff09()（）、:：]$")
_CJK_START = re.compile(r"^[\u4e00-\u9fff\uff08-\uff09()（）]")


def clean(text: str) -> str:
    """A cell's content as one line: wrapped lines joined (without a space between Chinese
    characters, with one elsewhere), runs of spaces folded."""
    parts = [" ".join(line.split()) for line in text.split("\n")]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (_CJK_END.search(out) and _CJK_START.match(part)):
            out += " "
        out += part
    return out
