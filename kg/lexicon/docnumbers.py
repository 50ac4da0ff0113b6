"""Policy-document numbers (文号): their grammar, and parsing one into issuer, year and serial.

Number forms read (spaces allowed between every part; brackets any of
〔〕 [] ［］ （） () 【】 〈〉 ﹝﹞ 〖〗):

- issuer + (year) + serial + 号            乐府办规〔2022〕3号, 乐府办规[2022]第3号
- issuer + year + (serial) + 号            井委编委发2019〔23〕号 (year outside the brackets)
- issuer + year + 年第 + serial + 号        国家税务总局公告2019年第39号 (only when the issuer ends in
                                          公告, 通告, 公报 or 令: otherwise 2019年第3号 is no 文号)

All become `DocumentNumber(issuer, year, serial)` with the canonical form issuer〔year〕serial号 and no
zero padding. A number without a year (财政部令第85号) cannot be canonicalised and is not read.

Issuer boundary. The issuer is the run of Han characters directly before the year or bracket, so
punctuation and a closing 》 or opening （ already bound it. Inside the run, the issuer starts after
the last lead-in word: prepositions and verbs that introduce a citation (根据, 按照, 依据, 参照,
印发, 转发, 贯彻, 执行 …), title endings (通知, 意见, 办法 …) and function characters (的, 了, 和,
及, 与, 等 …). None of these occur in real issuer codes, which abbreviate organisations (湘医保发,
财社, 奉节府办发). An issuer longer than 8 characters (12 for the 公告/令 年第N号 form, whose issuers
are full names) is not trusted and the occurrence is skipped rather than recorded with a wrong
issuer. Residual risk: an organisation name written directly before the code with no lead-in word
(省医保局湘医保发〔…〕) is swallowed when the whole run stays within the limit.
"""

from __future__ import annotations

import re

from kg.records import DocumentNumber

OPEN_BRACKETS = "〔［\\[（(【〈﹝〖"
CLOSE_BRACKETS = "〕］\\]）)】〉﹞〗"
_HAN = "\u4e00-\u9fff"
_YEAR = r"(?:19|20)\d{2}"
_SERIAL = r"\d{1,5}"
INNER_SPACE = r"[ \t]*"  # spaces, as PDF exports scatter them
_O, _C, _SP = f"[{OPEN_BRACKETS}]", f"[{CLOSE_BRACKETS}]", INNER_SPACE

# The anchor is what follows the issuer; the issuer itself is cut out of the preceding run afterwards.
# y1–y3 are the written forms; y4 lost its closing bracket (〔2022317号) and y5 both (财预2017126 号),
# so their serial runs on from the year: the year is always four digits.
_ANCHOR = (
    rf"(?:{_O}{_SP}(?P<y1>{_YEAR}){_SP}{_C}{_SP}第?{_SP}(?P<n1>{_SERIAL}){_SP}号"
    rf"|(?P<y2>{_YEAR}){_SP}{_O}{_SP}第?{_SP}(?P<n2>{_SERIAL}){_SP}{_C}{_SP}号"
    rf"|(?P<y3>{_YEAR}){_SP}年{_SP}第{_SP}(?P<n3>{_SERIAL}){_SP}号"
    rf"|{_O}{_SP}(?P<y4>{_YEAR})(?P<n4>\d{{1,4}}){_SP}号"
    rf"|(?P<y5>{_YEAR})(?P<n5>\d{{1,4}}){_SP}号)"
)
# Search for the anchor right after a Han character, then walk back over the issuer run: searching
# for the run first would retry at every Han character of the report.
ANCHOR_IN_TEXT = re.compile(rf"(?<=[{_HAN}]){_SP}{_ANCHOR}(?!\d)")
_IS_HAN = re.compile(rf"[{_HAN}]")
_MAX_RUN = 30  # longer runs hold a lead-in well before any plausible issuer
# An anonymised issuer (X 财社, XX财发) keeps its placeholder letters: they are part of the number.
PLACEHOLDER = re.compile(r"(?:[XxＸ×]{1,3})[ \t]?$")
# parse_document_number sees the input without spaces, wrapped in optional brackets.
_ALONE = re.compile(rf"{_O}?(?P<run>(?:[Xx×]{{1,3}})?[{_HAN}]+){_ANCHOR.replace(_SP, '')}{_C}?")
_ALONE_NO_HAO = re.compile(rf"{_O}?(?P<run>(?:[Xx×]{{1,3}})?[{_HAN}]+){_O}(?P<y1>{_YEAR}){_C}第?(?P<n1>{_SERIAL})")
# A number without any bracket could be an address (建设路20081号): such issuers are refused.
_NOT_AN_ISSUER = re.compile(r"[路街道巷村楼栋室号区镇乡]$")

# Words after which the issuer starts (see the module docstring). Longest first, so 按照 wins over 按.
_LEAD_INS = sorted(
    {
        "根据", "按照", "依据", "依照", "遵照", "参照", "对照", "结合", "印发", "转发", "下发", "出台",
        "制定", "制发", "贯彻", "落实", "执行", "严格", "文件", "精神", "要求", "规定", "通知", "意见",
        "办法", "方案", "细则", "决定", "批复", "关于", "以及", "详见", "参见",
        "的", "了", "和", "及", "与", "等", "按", "据", "见", "由", "在", "是", "为", "将", "对", "即",
        "以", "或", "并", "号", "通过",
    },
    key=len,
    reverse=True,
)
_LEAD_IN = re.compile("|".join(_LEAD_INS))
_MAX_ISSUER = 8
_MAX_ISSUER_NAMED = 12  # 公告/令 2019年第39号: the issuer is a full organisation name
_NAMED_KINDS = ("公告", "通告", "公报", "令")

def issuer_start(run: str, named: bool, bare: bool = False) -> int | None:
    """Offset in `run` where the issuer code starts, or None when no plausible issuer is left.

    `named` is the 2019年第39号 form (the issuer a full name ending in 公告/令 …); `bare` a number
    whose brackets are all gone, whose issuer must be two characters or more and no address."""
    cut = 0
    for m in _LEAD_IN.finditer(run):
        cut = m.end()
    while cut < len(run) and run[cut] == " ":
        cut += 1
    issuer = run[cut:].replace(" ", "")
    limit = _MAX_ISSUER_NAMED if named else _MAX_ISSUER
    if not issuer or len(issuer) > limit or (named and not issuer.endswith(_NAMED_KINDS)):
        return None
    if bare and (len(issuer) < 2 or _NOT_AN_ISSUER.search(issuer)):
        return None
    return cut


def run_start(text: str, end: int) -> int:
    """Start of the run of Han characters (single inner spaces allowed) that ends at `end`."""
    start = end
    limit = max(0, end - _MAX_RUN)
    i = end - 1
    while i >= limit:
        ch = text[i]
        if _IS_HAN.match(ch):
            start = i
        elif not (ch == " " and i > limit and _IS_HAN.match(text[i - 1])):
            break
        i -= 1
    return start


def number_from(m: re.Match[str], run: str) -> DocumentNumber:
    groups = m.groupdict()
    form = next(i for i in "12345" if groups.get(f"y{i}"))
    return DocumentNumber(run.replace(" ", ""), int(groups[f"y{form}"]), str(int(groups[f"n{form}"])))


def is_bare(m: re.Match[str]) -> bool:
    """A number written without any bracket (财预2017126号)."""
    return bool(m.groupdict().get("y5"))


def is_named(m: re.Match[str]) -> bool:
    """The 公告2019年第39号 form, whose issuer is a full name."""
    return bool(m.groupdict().get("y3"))


def parse_document_number(text: str) -> DocumentNumber | None:
    """Parse one 文号 written in any common variant; None when `text` is not one.

    Spaces anywhere are ignored, the whole input may be wrapped in brackets, a missing final 号 is
    tolerated for the bracketed-year form, and a lead-in such as 根据 is cut off the issuer.
    """
    compact = re.sub(r"\s+", "", text)
    m = _ALONE.fullmatch(compact) or _ALONE_NO_HAO.fullmatch(compact)
    if m is None:
        return None
    run = m.group("run")
    letters = len(run) - len(run.lstrip("Xx×"))
    cut = issuer_start(run[letters:], is_named(m), is_bare(m))
    if cut is None:
        return None
    return number_from(m, run[:letters] + run[letters + cut :])
