"""Report metadata: title, publisher, fiscal year, kind, publication date; subordinate units.

Rules, in the order they are tried:

- Title: the short lines at the top of the report, before the table of contents (目录), a section
  heading (一、 第一部分 （一）), a labelled line (公开时间：…) or the first sentence; a leading
  "附件1：" line, or that label before a title on the same line, is skipped. Lines are joined
  without a separator (a space only between two Latin letters or digits), and bracketed export
  annotations such as "[部门]" are dropped.
- Publisher: the first organisation named in the title; else the value of a label such as
  部门名称：/单位名称：/填报单位：; else the signature at the end (a name line above a date line).
  A short form (县医保局) gives way to a full name found by the later rules; if none, it stays
  unresolved (no region). Region and level come from `regions`.
- Kind, from the title (or, when the title says nothing, the first lines): 决算 → FINAL_ACCOUNTS
  even when the report carries performance annexes; a performance evaluation (绩效…评价/自评) →
  TRANSFER_SELF_EVALUATION for 转移支付, DEPARTMENT_SELF_EVALUATION for 整体支出 or a 部门/单位
  evaluation, else PROJECT_SELF_EVALUATION; 预算 → BUDGET; a 下达/分配…通知 → ALLOCATION_NOTICE.
- Fiscal year: the year in the title (2023年度, "2024 年度" in PDF text); else the year most often
  written as 20xx年/20xx年度 in the text (年度 counts double; dates such as 2023年3月16日 do not
  count), with its first occurrence as evidence.
- Publication date: an explicit 公开时间/公开日期/发布时间/发布日期/公布日期/印发日期 label wins.
  Without one, the date under the signature at the very end of the document is used only when the
  signature names the publisher: the report's own sign-off. A closing signature by another body (a
  subordinate unit's annex, as in some 决算 packages) gives no publication date.
- Subordinate units (下属单位): the units named after 下属/下设/所属/直属/下辖 in a sentence whose
  subject (if named) is the publisher, up to any 内设 (internal divisions are not units); a unit
  whose 主管部门 is the publisher in a performance table (主管部门 … 实施单位/资金使用单位); and a
  body described as having its own internal divisions (…设N个内设机构). Names are qualified with
  the publisher's region (县医疗保险事业服务中心 → 井研县医疗保险事业服务中心). The publisher itself
  (…局本级) is not a unit, nor is a body of a rank that cannot be subordinate (局, 委员会, 政府, 厅,
  部, 办公室).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from kg.document import Document, Table
from kg.extract import orgs
from kg.extract.component import component
from kg.lexicon.text import squash
from kg.records import Evidence, GovLevel, Organisation, ReportKind, ReportMetadata, ReportRecords

_HEAD_LINES = 40  # the title is among the first lines of a report
_TITLE_MAX_LINES = 4
_TITLE_MAX_CHARS = 60
_SIGNATURE_LINES = 8  # where a closing signature may stand, counted from the end

_SKIP_LINE = re.compile(r"^(?:附件\s*\d*\s*[:：]?|\[[^\]]*\])$")
_ANNEX_PREFIX = re.compile(r"^附件\s*\d*\s*[:：]\s*(?=\S)")
_STOP_LINE = re.compile(
    r"^(?:目\s*录|[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十\d]+\s*部分|"
    r"[（(]\s*[一二三四五六七八九十]+\s*[）)]|\d+\s*[、.．])"
)
_SENTENCE_END = re.compile(r"[。；;!?！？]")
_SENTENCE_ENDS = "。；;!?！？\n"
_ANNOTATION = re.compile(r"\[[^\]]*\]")

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}
_NUM = r"(?:\d{1,4}|[〇○零一二三四五六七八九十]{1,4})"
_DATE = re.compile(
    rf"(?P<y>\d{{4}}|[〇○零一二三四五六七八九]{{4}})\s*年\s*(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*日"
    r"|(?P<y2>\d{4})[-./](?P<m2>\d{1,2})[-./](?P<d2>\d{1,2})"
)
_PUBLISHED = re.compile(r"(?:公开|发布|公布|印发)(?:时间|日期)\s*[:：]?\s*")
_CN_DIGIT = "〇○OoＯ零一二三四五六七八九"
_CN_VALUE = {ch: str(i) for i, ch in enumerate("零一二三四五六七八九")} | dict.fromkeys("〇○OoＯ", "0")
_YEAR_WORD = rf"(20\d{{2}}|二[{_CN_DIGIT}]{{3}})"  # 2023, or 二〇二三 written in numerals
_YEAR_IN_TITLE = re.compile(rf"{_YEAR_WORD}\s*(?:(?:预算|决算)\s*)?年(?:\s*度)?")
_YEAR = re.compile(rf"{_YEAR_WORD}\s*(?:(?:预算|决算)\s*)?年(?!\s*\d{{1,2}}\s*月)(\s*度)?")
_YEAR_MONTH = re.compile(r"(20\d{2})\s*年\s*\d{1,2}\s*月")
# 与2022年度决算数相比, 较2016年执行数增加: a year written to compare with is not the report's year.
_COMPARED = re.compile(r"(?:较|与|比|同比|相比|对比)\s*$")
# At the start of a line or cell, so that 实施单位名称 (another body) is not read as the publisher's.
_CELL_PUBLISHER_LABEL = re.compile(r"(?:部门|单位|预算单位)(?:\(单位\)|（单位）)?名称[:：]?$|(?:填报|编制)单位[:：]?$")
_PUBLISHER_LABEL = re.compile(
    r"(?:^|(?<=[\t ]))(?:(?:部门|单位|部门\s*[（(]\s*单位\s*[）)]|预算单位)\s*名\s*称|(?:填报|编制|公开|报告|评价)单位)"
    r"\s*[:：]\s*\t*",
    re.M,
)
_TRIGGER = re.compile(r"下属|下设|所属|直属|下辖")
_OWN_DIVISIONS = re.compile(r"设\s*\d+\s*个内设机构")
_SUPERVISOR_CELL = re.compile(r"^(?:项目|中央|地方)?主管部门\s*[:：]?$")
_UNIT_CELL = re.compile(r"^(?:项目)?(?:实施单位|资金使用单位)\s*[:：]?$")
# Bodies of a rank that cannot be another body's subordinate unit (a 分局 can).
_NOT_SUBORDINATE = re.compile(r"(?<!分)局$|委员会$|委$|政府$|厅$|部$|办公室$|办公厅$|办$")


def _spaced(word: str) -> str:
    """A regex for `word` that tolerates the spaces PDF text puts between characters."""
    return r"\s*".join(re.escape(c) for c in word)


# Kind patterns; evaluations are tried before 预算 (部门整体支出预算绩效自评报告).
_FINAL = re.compile(_spaced("决算"))
_EVALUATION = re.compile(rf"绩\s*效.{{0,8}}?(?:{_spaced('评价')}|{_spaced('自评')})|{_spaced('自评')}", re.S)
# Which evaluation: the first qualifier found decides (部门预算项目支出绩效自评表 is a project's).
_EVALUATION_KINDS = (
    (ReportKind.TRANSFER_SELF_EVALUATION, re.compile(_spaced("转移支付"))),
    (ReportKind.DEPARTMENT_SELF_EVALUATION, re.compile(_spaced("整体支出"))),
    (ReportKind.PROJECT_SELF_EVALUATION, re.compile(rf"{_spaced('项目')}|{_spaced('专项')}|{_spaced('资金')}")),
    (ReportKind.DEPARTMENT_SELF_EVALUATION, re.compile(rf"{_spaced('部门')}|{_spaced('单位')}")),
)
_BUDGET = re.compile(_spaced("预算"))
_ALLOCATION = re.compile(rf"(?:{_spaced('下达')}|{_spaced('分配')}|{_spaced('拨付')}).*?{_spaced('通知')}", re.S)


@dataclass(frozen=True)
class _Line:
    start: int
    end: int

    def text(self, doc: Document) -> str:
        return doc.text[self.start : self.end]


def _lines(text: str, start: int = 0, end: int | None = None) -> Iterator[_Line]:
    """Non-blank lines of `text[start:end]`, trimmed of surrounding spaces."""
    end = len(text) if end is None else end
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        a, b = pos, stop
        while a < b and text[a] in " \t":
            a += 1
        while b > a and text[b - 1] in " \t":
            b -= 1
        if a < b:
            yield _Line(a, b)
        pos = stop + 1


# -- title ---------------------------------------------------------------------------------------


def _is_title_line(line: str) -> bool:
    return (
        len(line) <= _TITLE_MAX_CHARS
        and "\t" not in line
        and not _STOP_LINE.match(line)
        and not re.search(r"[:：]\s*\S", line)  # a labelled value (公开时间：…)
        and not _SENTENCE_END.search(line)
        and not _DATE.fullmatch(line)
    )


def title_lines(doc: Document) -> list[_Line]:
    """The lines that make up the title (possibly none)."""
    found: list[_Line] = []
    for n, line in enumerate(_lines(doc.text)):
        if n >= _HEAD_LINES or len(found) >= _TITLE_MAX_LINES:
            break
        text = line.text(doc)
        if not found and _SKIP_LINE.match(text):
            continue
        if not found and (annex := _ANNEX_PREFIX.match(text)):
            line = _Line(line.start + annex.end(), line.end)  # 附件2：…自评报告 on one line
            text = line.text(doc)
        if not _is_title_line(text):
            break
        found.append(line)
    return found


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def _title(doc: Document, lines: list[_Line]) -> tuple[str, Evidence | None]:
    if not lines:
        first = next(_lines(doc.text), None)
        if first is None:
            return "", None
        return first.text(doc)[:_TITLE_MAX_CHARS], None
    parts = [_ANNOTATION.sub("", ln.text(doc)).strip() for ln in lines]
    return _join([p for p in parts if p]), Evidence.of(doc, lines[0].start, lines[-1].end)


# -- kind and year -------------------------------------------------------------------------------


def classify(text: str) -> tuple[ReportKind, tuple[int, int] | None]:
    """The report kind a title (or opening text) names, with the span of the words that say so."""
    if final := _FINAL.search(text):
        return ReportKind.FINAL_ACCOUNTS, final.span()
    if evaluation := _EVALUATION.search(text):
        for kind, pattern in _EVALUATION_KINDS:
            if m := pattern.search(text):
                # Evidence runs from the qualifier to the evaluation words: 部门整体支出预算绩效自评.
                return kind, (min(m.start(), evaluation.start()), max(m.end(), evaluation.end()))
        return ReportKind.PROJECT_SELF_EVALUATION, evaluation.span()
    if m := _BUDGET.search(text):
        return ReportKind.BUDGET, m.span()
    if m := _ALLOCATION.search(text):
        return ReportKind.ALLOCATION_NOTICE, m.span()
    return ReportKind.OTHER, None


def _kind(doc: Document, span: tuple[int, int]) -> tuple[ReportKind, Evidence | None]:
    start, end = span
    kind, words = classify(doc.text[start:end])
    if words is None:
        return kind, None
    return kind, Evidence.of(doc, start + words[0], start + words[1])


def _year_value(word: str) -> int:
    return int("".join(_CN_VALUE.get(ch, ch) for ch in word))


def _fiscal_year(doc: Document, span: tuple[int, int] | None) -> tuple[int | None, Evidence | None]:
    if span is not None:
        m = _YEAR_IN_TITLE.search(doc.text, span[0], span[1])
        if m:
            return _year_value(m.group(1)), Evidence.of(doc, m.start(), m.end())
    counts: Counter[int] = Counter()
    first: dict[int, re.Match[str]] = {}
    for m in _YEAR.finditer(doc.text):
        if _COMPARED.search(doc.text, max(0, m.start() - 3), m.start()):
            continue
        year = _year_value(m.group(1))
        counts[year] += 2 if m.group(2) else 1
        first.setdefault(year, m)
    if not counts:  # only dates: a notice or a period (2017年1月起至2017年12月止) still has its year
        for m in _YEAR_MONTH.finditer(doc.text):
            counts[int(m.group(1))] += 1
            first.setdefault(int(m.group(1)), m)
    if not counts:
        return None, None
    # The most frequent year; on a tie, the one written first.
    year = max(counts, key=lambda y: (counts[y], -first[y].start()))
    m = first[year]
    return year, Evidence.of(doc, m.start(), m.end())


# -- dates ---------------------------------------------------------------------------------------


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:  # 十, 十二, 二十, 二十一
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    value = 0
    for ch in text:
        value = value * 10 + _CN_DIGITS[ch]
    return value


def parse_date(m: re.Match[str]) -> date | None:
    """The date a `_DATE` match writes, or None when it is not a real date."""
    y, mo, d = (
        (m.group("y"), m.group("m"), m.group("d")) if m.group("y") else (m.group("y2"), m.group("m2"), m.group("d2"))
    )
    try:
        return date(_number(y), _number(mo), _number(d))
    except (ValueError, KeyError):
        return None


def _labelled_date(doc: Document) -> tuple[date, Evidence] | None:
    for label in _PUBLISHED.finditer(doc.text):
        m = _DATE.match(doc.text, label.end())
        if m and (value := parse_date(m)):
            return value, Evidence.of(doc, m.start(), m.end())
    return None


@dataclass(frozen=True)
class _Signature:
    name: _Line
    date_line: _Line
    date: date


def _signature(doc: Document) -> _Signature | None:
    """The closing signature: a name line directly above a date-only line at the very end."""
    tail = list(_lines(doc.text, max(0, len(doc.text) - 2000)))[-_SIGNATURE_LINES:]
    for i in range(len(tail) - 1, 0, -1):
        m = _DATE.fullmatch(tail[i].text(doc))
        if m is None:
            continue
        value = parse_date(m)
        name = tail[i - 1]
        if value is None or _SENTENCE_END.search(name.text(doc).rstrip("。")):
            return None
        return _Signature(name, tail[i], value)
    return None


# -- publisher -----------------------------------------------------------------------------------


def _first_mention(doc: Document, start: int, end: int) -> tuple[int, int] | None:
    return next(((s, e) for s, e in orgs.mention_spans(doc.text) if start <= s and e <= end), None)


def _labelled_publisher(doc: Document) -> tuple[int, int] | None:
    for label in _PUBLISHER_LABEL.finditer(doc.text):
        stop = len(doc.text)
        for sep in ("\t", "\n"):
            i = doc.text.find(sep, label.end())
            if 0 <= i < stop:
                stop = i
        if span := _first_mention(doc, label.end(), stop):
            return span
        value = doc.text[label.end() : stop].strip()
        if re.search(r"[\u4e00-\u9fff]{3,}", value):  # a named unit the patterns do not know
            start = doc.text.index(value, label.end())
            return start, start + len(value)
    return _cell_labelled_publisher(doc)


def _cell_labelled_publisher(doc: Document) -> tuple[int, int] | None:
    """A form's 部门名称 | 某某局 cells: the cell after a cell that ends with the label."""
    for table in doc.tables:
        for row in table.rows:
            for i, cell in enumerate(row.cells[:-1]):
                if len(cell.text) > 40 or not _CELL_PUBLISHER_LABEL.search(squash(cell.text)):
                    continue
                value = next((c for c in row.cells[i + 1 :] if c.text.strip()), None)
                if value is None or not re.search(r"[\u4e00-\u9fff]{3,}", value.text):
                    continue
                if span := _first_mention(doc, value.start, value.end):
                    return span
                return value.start, value.end
    return None


def _publisher(doc: Document, title: list[_Line], signature: _Signature | None) -> Organisation | None:
    """The publisher named by the title, else a label, else the signature.

    A short form (县医保局) in the title gives way to a full name from a label or the signature.
    """
    spans = (
        _first_mention(doc, title[0].start, title[-1].end) if title else None,
        _labelled_publisher(doc),
        _first_mention(doc, signature.name.start, signature.name.end) if signature else None,
    )
    found = [span for span in spans if span is not None]
    if not found:
        return None
    full = [span for span in found if not orgs.is_short_form(orgs.canonical_name(doc.text[span[0] : span[1]]))]
    start, end = (full or found)[0]
    return orgs.organisation(doc, start, end, role="publisher")


def _expanded(name: str) -> str:
    for short, full in orgs.ABBREVIATIONS.items():
        name = name.replace(short, full)
    return name


def _same_body(name: str, publisher: Organisation) -> bool:
    """Whether a name, as written in the report (县医保局, 井研医疗保障局 …), denotes the publisher."""
    qualified = orgs.qualify(orgs.complete_alias(orgs.canonical_name(name)), publisher.region)
    return _expanded(qualified) == _expanded(publisher.name)


def _publication_date(
    doc: Document, publisher: Organisation | None, signature: _Signature | None
) -> tuple[date | None, Evidence | None]:
    labelled = _labelled_date(doc)
    if labelled:
        return labelled
    if signature and publisher and _same_body(signature.name.text(doc).rstrip("。."), publisher):
        return signature.date, Evidence.of(doc, signature.date_line.start, signature.date_line.end)
    return None, None


def extract_metadata(doc: Document) -> ReportMetadata:
    """Title, kind, publisher, fiscal year and publication date of a report, each with evidence."""
    lines = title_lines(doc)
    title, title_evidence = _title(doc, lines)
    span = (lines[0].start, lines[-1].end) if lines else None
    kind, kind_evidence = _kind(doc, span) if span else (ReportKind.OTHER, None)
    if kind is ReportKind.OTHER:
        kind, kind_evidence = _kind(doc, (0, min(len(doc.text), 1000)))
    signature = _signature(doc)
    publisher = _publisher(doc, lines, signature)
    year, year_evidence = _fiscal_year(doc, span)
    published, published_evidence = _publication_date(doc, publisher, signature)
    return ReportMetadata(
        title=title,
        kind=kind,
        publisher=publisher,
        fiscal_year=year,
        fiscal_year_evidence=year_evidence,
        publication_date=published,
        publication_date_evidence=published_evidence,
        kind_evidence=kind_evidence,
        title_evidence=title_evidence,
    )


# -- subordinate units ---------------------------------------------------------------------------


def _spans_between(spans: tuple[tuple[int, int], ...], start: int, end: int) -> list[tuple[int, int]]:
    return [(s, e) for s, e in spans if start <= s and e <= end]


def _sentence_around(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, pos) for c in _SENTENCE_ENDS) + 1
    ends = [i for i in (text.find(c, pos) for c in _SENTENCE_ENDS) if i >= 0]
    return start, min(ends, default=len(text))


def _after_triggers(
    doc: Document, publisher: Organisation, spans: tuple[tuple[int, int], ...]
) -> Iterator[tuple[int, int]]:
    """Units named after 下属/下设… in a sentence about the publisher."""
    text = doc.text
    for m in _TRIGGER.finditer(text):
        start, end = _sentence_around(text, m.start())
        subject = [sp for sp in spans if start <= sp[0] and m.start() - 2 <= sp[1] <= m.start()]
        if subject and not _same_body(text[subject[-1][0] : subject[-1][1]], publisher):
            continue  # another body's subordinates
        internal = text.find("内设", m.end(), end)
        yield from _spans_between(spans, m.end(), internal if internal >= 0 else end)


def _cell_value(table: Table, row: int, col: int) -> tuple[int, int] | None:
    cells = table.rows[row].cells
    for cell in cells[col + 1 :]:
        if cell.text.strip():
            return cell.start, cell.end
    return None


def _table_roles(doc: Document, table: Table) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The value spans of the supervising-department and implementing-unit cells of a table."""
    supervisors: list[tuple[int, int]] = []
    units: list[tuple[int, int]] = []
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            label = cell.text.strip()
            target = supervisors if _SUPERVISOR_CELL.match(label) else units if _UNIT_CELL.match(label) else None
            if target is not None and (value := _cell_value(table, r, c)):
                target.append(value)
    return supervisors, units


def _supervised_units(
    doc: Document, publisher: Organisation, spans: tuple[tuple[int, int], ...]
) -> Iterator[tuple[int, int]]:
    """Implementing units of tables whose 主管部门 is the publisher."""
    for table in doc.tables:
        supervisors, units = _table_roles(doc, table)
        if any(_same_body(doc.text[s:e], publisher) for s, e in supervisors):
            for s, e in units:
                yield from _spans_between(spans, s, e)


def _with_own_divisions(doc: Document, spans: tuple[tuple[int, int], ...]) -> Iterator[tuple[int, int]]:
    """Bodies described as having internal divisions of their own (…中心设11个内设机构)."""
    ends = {e: (s, e) for s, e in spans}
    for m in _OWN_DIVISIONS.finditer(doc.text):
        if m.start() in ends:
            yield ends[m.start()]


def find_subordinate_units(doc: Document, publisher: Organisation | None) -> list[Organisation]:
    """The publisher's subordinate units, one per name, at their first mention as such."""
    if publisher is None:
        return []
    spans = orgs.mention_spans(doc.text)
    found = sorted(
        {
            *_after_triggers(doc, publisher, spans),
            *_supervised_units(doc, publisher, spans),
            *_with_own_divisions(doc, spans),
        }
    )
    units: dict[str, Organisation] = {}
    for s, e in found:
        if doc.text.startswith("本级", e) or _same_body(doc.text[s:e], publisher):
            continue
        unit = orgs.organisation(doc, s, e, context=publisher.region, role="subordinate")
        if _NOT_SUBORDINATE.search(unit.name) or unit.level is GovLevel.CENTRAL:
            continue
        units.setdefault(unit.name, unit)
    return list(units.values())


@component("metadata", provides=["metadata"])
def read_metadata(doc: Document, found: ReportRecords) -> None:
    found.metadata = extract_metadata(doc)


@component("subordinate-units", needs=["metadata"], provides=["organisations"])
def read_subordinate_units(doc: Document, found: ReportRecords) -> None:
    found.organisations.extend(find_subordinate_units(doc, found.metadata.publisher))
