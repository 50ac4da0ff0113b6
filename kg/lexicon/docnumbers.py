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

# The anchor is what follows the issuer; the issuer itself is cut out of the preceding run afterwards.
_ANCHOR = (
    rf"(?:[{OPEN_BRACKETS}]{INNER_SPACE}(?P<y1>{_YEAR}){INNER_SPACE}[{CLOSE_BRACKETS}]{INNER_SPACE}第?{INNER_SPACE}(?P<n1>{_SERIAL}){INNER_SPACE}号"
    rf"|(?P<y2>{_YEAR}){INNER_SPACE}[{OPEN_BRACKETS}]{INNER_SPACE}第?{INNER_SPACE}(?P<n2>{_SERIAL}){INNER_SPACE}[{CLOSE_BRACKETS}]{INNER_SPACE}号"
    rf"|(?P<y3>{_YEAR}){INNER_SPACE}年{INNER_SPACE}第{INNER_SPACE}(?P<n3>{_SERIAL}){INNER_SPACE}号)"
)
# Search for the anchor right after a Han character, then walk back over the issuer run: searching
# for the run first would retry at every Han character of the report.
ANCHOR_IN_TEXT = re.compile(rf"(?<=[{_HAN}]){INNER_SPACE}{_ANCHOR}(?!\d)")
_IS_HAN = re.compile(rf"[{_HAN}]")
_MAX_RUN = 30  # longer runs hold a lead-in well before any plausible issuer
# parse_document_number sees the input without spaces, wrapped in optional brackets.
_ALONE = re.compile(rf"[{OPEN_BRACKETS}]?(?P<run>[{_HAN}]+){_ANCHOR.replace(INNER_SPACE, '')}[{CLOSE_BRACKETS}]?")
_ALONE_NO_HAO = re.compile(
    rf"[{OPEN_BRACKETS}]?(?P<run>[{_HAN}]+)[{OPEN_BRACKETS}](?P<y1>{_YEAR})[{CLOSE_BRACKETS}]第?(?P<n1>{_SERIAL})"
)

# Words after which the issuer starts (see the module docstring). Longest first, so 按照 wins over 按.
_LEAD_INS = sorted(
    {
        "根据", "按照", "依据", "依照", "遵照", "参照", "对照", "结合", "印发", "转发", "下发", "出台",
        "制定", "制发", "贯彻", "落实", "执行", "严格", "文件", "精神", "要求", "规定", "通知", "意见",
        "办法", "方案", "细则", "决定", "批复", "关于", "以及", "详见", "参见",
        "的", "了", "和", "及", "与", "等", "按", "据", "见", "由", "在", "是", "为", "将", "对", "即",
        "以", "或", "并", "号",
    },
    key=len,
    reverse=True,
)
_LEAD_IN = re.compile("|".join(_LEAD_INS))
_MAX_ISSUER = 8
_MAX_ISSUER_NAMED = 12  # 公告/令 2019年第39号: the issuer is a full organisation name
_NAMED_KINDS = ("公告", "通告", "公报", "令")

def issuer_start(run: str, named: bool) -> int | None:
    """Offset in `run` where the issuer code starts, or None when no plausible issuer is left."""
    cut = 0
    for m in _LEAD_IN.finditer(run):
        cut = m.end()
    while cut < len(run) and run[cut] == " ":
        cut += 1
    issuer = run[cut:].replace(" ", "")
    limit = _MAX_ISSUER_NAMED if named else _MAX_ISSUER
    if not issuer or len(issuer) > limit or (named and not issuer.endswith(_NAMED_KINDS)):
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
    year = groups.get("y1") or groups.get("y2") or groups.get("y3")
    serial = groups.get("n1") or groups.get("n2") or groups.get("n3")
    return DocumentNumber(run.replace(" ", ""), int(year), str(int(serial)))


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
    named = bool(m.groupdict().get("y3"))
    cut = issuer_start(run, named)
    if cut is None:
        return None
    return number_from(m, run[cut:])
