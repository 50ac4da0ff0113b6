"""Money amounts: exact yuan from the written number and unit.

Values are `Decimal` from the written digits to the result; no float is ever involved. The yuan
value is the written number times the unit (元 1, 万元 10 000, 亿元 100 000 000), so it keeps the
written decimal places: 1202.96万元 → Decimal('12029600.00'), equal (==) to Decimal('12029600').
A bare 万 or 亿 after a number (1042.26万) means 万元 / 亿元 and is reported with that unit.

Number formats read: thousands separators `,` and the full-width `，` (only where the groups are
valid: 1-3 digits, then groups of exactly 3), a leading minus, a leading ¥/￥, and spaces that PDF
text exports leave inside a wrapped number. A space between digits is joined only where that is
safe: inside the fractional part when the joined fraction has at most 2 digits (fen are the
smallest unit: 62,015,542.5 0 → 62015542.50), or inside a number that has thousands separators
when the joined number's groups are valid (38,46 0,895.08). Any other space (1774 2, 2024 3925.66)
separates two numbers: `parse_amount` refuses such text, and `find_amounts` keeps only the last
number, the one written against the unit, unless that one starts with 0 (12 000元 is a wrapped
number that cannot be read safely, so nothing is read).

`find_amounts` reads prose only (table blocks are left to the table extractors) and skips per-unit
rates (160元/人, 万元/年), thresholds (单价50万元以上, 100万以上项目) and a bare 万 followed by a Han
character (3.5万人次, 7.59万余人次), which counts people rather than money. Percentages never carry
a unit, so they are never read.

Labels. The label is the noun phrase the amount is of, read back from the number to the start of
its clause (。；，：、 a tab or a newline, an unmatched opening bracket, or the previous amount;
balanced brackets and quotes stay inside, and so does the 、 of a pair such as 收、支). Trailing
fillers are dropped (为, 均为, 达, 约, 累计 …), then everything up to the last year (2023年度),
pronoun (我局, 我县 …), 原因是 or transfer verb (下达, 拨付, 追加 …), then everything before a
government-level word (中央, 省级, 县财政 …) so the label names the funding source; leading list
markers, 其中 and 为 go too. A clause that is empty but ends in a colon
(上年结余：641.79万元) gives the text before the colon. Labels longer than 20 characters are not
a short noun phrase: the label is then None.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kg.document import Document
from kg.extract.component import component
from kg.records import Amount, Evidence, ReportRecords

_MULTIPLIER = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
_UNIT_NAMES = {"元": "元", "万元": "万元", "亿元": "亿元", "万": "万元", "亿": "亿元"}

# A digit run with single separators (, ， . or one space) between digits; no backtracking blow-up
# because every repetition consumes a digit.
_DIGITS = r"\d(?:[,，. ]?\d)*"
_AMOUNT_ALONE = re.compile(rf"\s*[¥￥]?\s*(?P<sign>[-−]?)\s*(?P<num>{_DIGITS})\s*(?P<unit>亿元|万元|元|万|亿)?\s*")
_AMOUNT_IN_TEXT = re.compile(
    rf"(?:(?<![A-Za-z\d.\-−])(?P<sign>[-−]))?(?<![A-Za-z\d.])(?P<num>{_DIGITS}) ?(?P<unit>亿元|万元|元|万|亿)"
)
# What may not follow an amount: a rate (/人, /年), a threshold (以上, 以下).
_NOT_AFTER = re.compile(r"\s*(?:/|以上|以下)")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")

_CLAUSE_STOPS = frozenset("。；;，,：:、！？!?\n\t")
# 收、支总计: a 、 between two one-character words of a pair does not end the clause.
_PAIRED = frozenset("收支增减进出借贷")
_OPENERS = "（(【[“‘《〔"
_CLOSERS = "）)】]”’》〕"
_MAX_BACK = 60
_MAX_LABEL = 20
# Fillers between a label and its number; lookbehinds keep words that end in the same character
# (合计, 节约, 下达, 行为).
_TRAILING_FILLER = re.compile(
    r"(?:均为|共计|累计|达到|约为|(?<![作行认成])为|(?<![下到])达|(?<![节制大合])约|是|(?<![合总统审会])计)+$"
)
_CUT_AFTER = re.compile(
    r"\d{4}\s*(?:年度|年(?![初末中底])|(?=年[初末中底]))|本年度|原因是|我局|我县|我单位|本单位|本部门|我部门|本局|我中心|"
    r"下达|下拨|拨付|安排|追加|追回|用于|投入|涉及|争取|收到|获得|包括"
)
_LEVEL = re.compile(r"中央|省级|市级|县级|区级|乡级|镇级|本级|上级|[省市县区]财政")
_LEADING = re.compile(r"^(?:[\s\-–—·•、，,：:]|[(（]?\d{1,2}[)）.、]|[①-⑳]|[一二三四五六七八九十]{1,3}[、.]|其中|为)+")


def _valid_grouping(integer: str) -> bool:
    return "," not in integer or _GROUPED.fullmatch(integer) is not None


def _clean_number(raw: str) -> str | None:
    """The number as plain ASCII digits with at most one point, or None when spaces make it unsafe."""
    text = raw.replace("，", ",")
    if " " in text:
        joined = text.replace(" ", "")
        integer, _, fraction = joined.partition(".")
        first_space = text.index(" ")
        in_fraction = "." in text and first_space > text.index(".")
        if in_fraction and len(fraction) > 2:
            return None
        if not in_fraction and ("," not in integer or not _valid_grouping(integer)):
            return None
        text = joined
    if text.count(".") > 1:
        return None
    integer, _, fraction = text.partition(".")
    if not _valid_grouping(integer) or "," in fraction:  # 12.3,456: no number (Decimal refused it)
        return None
    return integer.replace(",", "") + ("." + fraction if fraction else "")


def _yuan(sign: str, digits: str, unit: str) -> Decimal:
    value = Decimal(digits) * _MULTIPLIER[unit]
    return -value if sign else value


def parse_amount(text: str, default_unit: str = "元") -> tuple[Decimal, str] | None:
    """Exact yuan and unit (元/万元/亿元) of one amount such as 1,042.26万 or a table cell 62,015,542.5 0.

    `default_unit` applies when no unit is written (table cells under 单位：万元). Returns None for
    anything that is not a single amount: empty cells, rates (160元/人), percentages, dates.
    """
    m = _AMOUNT_ALONE.fullmatch(text)
    if m is None:
        return None
    unit = _UNIT_NAMES.get(m.group("unit") or default_unit)
    digits = _clean_number(m.group("num"))
    if unit is None or digits is None:
        return None
    try:
        return _yuan(m.group("sign"), digits, unit), unit
    except InvalidOperation:
        return None


def _clause_start(text: str, pos: int, floor: int) -> tuple[int, bool]:
    """Where the clause ending at `pos` starts, and whether it was cut at a colon."""
    depth = 0
    i = pos - 1
    limit = max(floor, pos - _MAX_BACK)
    while i >= limit:
        ch = text[i]
        if ch in _CLOSERS:
            depth += 1
        elif ch in _OPENERS:
            if depth == 0:
                return i + 1, False
            depth -= 1
        elif depth == 0 and ch in _CLAUSE_STOPS:
            if ch == "、" and text[i - 1 : i] in _PAIRED and text[i + 1 : i + 2] in _PAIRED:
                i -= 1
                continue
            return i + 1, ch in "：:"
        i -= 1
    return limit, False


def _tidy_label(label: str) -> str:
    label = _TRAILING_FILLER.sub("", label.strip()).strip()
    cut = max((m.end() for m in _CUT_AFTER.finditer(label)), default=0)
    if cut < len(label):  # a cut that would leave nothing (实际完成) is not made
        label = label[cut:]
    level = max((m.start() for m in _LEVEL.finditer(label)), default=0)
    label = label[level:]
    return _LEADING.sub("", label).strip()


def _label(text: str, num_start: int, floor: int) -> str | None:
    start, at_colon = _clause_start(text, num_start, floor)
    label = _tidy_label(text[start:num_start])
    if not label and at_colon:
        # 上年结余：641.79万元 — the label stands before the colon.
        colon = start - 1
        before, _ = _clause_start(text, colon, floor)
        label = _tidy_label(text[before:colon])
    if not label or len(label) > _MAX_LABEL:
        return None
    return label


def _number_in_prose(raw: str, start: int) -> tuple[str, int] | None:
    """Clean digits and the start offset of the number written against the unit."""
    digits = _clean_number(raw)
    if digits is not None:
        return digits, start
    # An unsafe space or a comma that is no thousands separator (人次，300万元) separates two
    # numbers: keep the one written against the unit, unless a leading zero shows it is the tail
    # of a wrapped number (12 000元), which is then not read at all.
    cut = max(raw.rfind(" "), raw.rfind("，"), raw.rfind(",")) + 1
    tail = raw[cut:]
    if len(tail) > 1 and tail[0] == "0" and tail[1].isdigit():
        return None
    digits = _clean_number(tail)
    return (digits, start + cut) if digits is not None else None


def _unit_is_money(text: str, unit: str, end: int) -> bool:
    if _NOT_AFTER.match(text, end):
        return False
    if unit in ("万", "亿"):
        # 3.5万人次 counts people; a bare 万 means 万元 only before punctuation, space or the end.
        following = text[end : end + 1]
        return not following or _HAN.match(following) is None
    return True


def find_amounts(doc: Document) -> list[Amount]:
    """Money amounts written in the document's prose (not its tables), in text order."""
    text = doc.text
    found: list[Amount] = []
    for block in doc.paragraphs():
        previous_end = block.start
        for m in _AMOUNT_IN_TEXT.finditer(text, block.start, block.end):
            unit_text = m.group("unit")
            if not _unit_is_money(text, unit_text, m.end()):
                continue
            number = _number_in_prose(m.group("num"), m.start("num"))
            if number is None:
                continue
            digits, num_start = number
            sign = m.group("sign") if num_start == m.start("num") else None
            start = m.start("sign") if sign else num_start
            unit = _UNIT_NAMES[unit_text]
            found.append(
                Amount(
                    yuan=_yuan(sign or "", digits, unit),
                    text=text[start : m.end()],
                    unit=unit,
                    evidence=Evidence.of(doc, start, m.end()),
                    label=_label(text, start, previous_end),
                )
            )
            previous_end = m.end()
    return found


@component("amounts", provides=["amounts"])
def read_amounts(doc: Document, found: ReportRecords) -> None:
    found.amounts.extend(find_amounts(doc))
