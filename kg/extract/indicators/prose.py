"""Indicators and evaluation results written in prose.

Targets. A paragraph `具体评价指标` / `具体绩效指标` opens a list; the list items that follow
(（1） …, ① …) are split into clauses at ，；。 and each clause read as
- NAME ≥ TARGET (any of ≥ ≤ > < =; 医疗救助对象人次规模≥特困供养人员… is qualitative),
- NAME 达到/达/不低于/不超过 … NUMBER UNIT [以上/以下] (覆盖率达100%, 满意度达到85%以上),
- NAME 不低于/不高于 上年 (a qualitative target), or
- NAME：TARGET (“一站式”即时结算覆盖地区：不低于上年).
Leading verbs (实现, 确保, 做到) are not part of the name. The list is the evaluation of the
programme named last before it (kg.extract.programmes).

Actuals, searched in the report's text after the list, up to the next report title:
- the target's name (比例/比重/比率 taken as one word, quotes and spaces ignored) followed by a number:
  重特大疾病医疗救助人次占直接救助人次比重40.65%;
- a sentence that compares a value with its standard: …的比重3.96%，小于15%的标准值. When no listed
  target has that name it is an indicator of its own, its comparison taken from the relation (小于 →
  ≤, 大于 → ≥), its name without the year, the region and the body (2021年赫山区医保中心…);
- a numbered result paragraph labelled with a tier (2.质量指标：…救助比率≥70%): each clause is
  matched to a target by name, else by indicator concept when exactly one target has that concept;
  the clause's value (often the target restated) becomes the actual and the label the target's tier.

Results against targets, anywhere in the prose (not in tables), the actual before or after the target:
- NAME 达到/为/完成/实际完成 ACTUAL，(年度)目标(值)为/是 TARGET (参保率达到93.8%，目标为≥95%; …为93.8%
  （目标值≥95%）; …实际完成2.73万人次，年度目标2.5万人次以上);
- NAME (年度)目标(值)为 TARGET，实际完成/实际为 ACTUAL.
Each is one indicator of the body the sentence speaks of (as for scores below), the name without the
year, the region, the body and lead words (2023年全区…, 其中…). A name the same evaluation already has
(a form row, a listed target) is not read twice.

Completed values under a tier: a (numbered) paragraph that opens with a tier word and no colon
(1.产出指标均已完成，培训人数60人，培训时长12小时) lists actuals; each clause that is NAME VALUE (a
number with an optional unit) is an indicator of that tier with its actual and no target.

Results. Sentences with a score (自评得分为99.3分, 综合评分96.50分, 评价总分100分), a grade
(评价结果为优, 综合评价结论：优秀; counts such as 2个项目自评等级为“优” are not grades) and, in the same
paragraph, an execution rate (执行率为70.6%). The evaluated body: the department when the sentence, or
the report title above it, speaks of 整体 (the body named in that title, else the publisher); else
the programme named before 综述 (一、城乡居民医疗救助综述：…); else the programme named last before.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from kg.document import Block, BlockKind, Document
from kg.extract.indicators import values
from kg.extract.indicators.model import Draft, Programmes, Text, make_indicator
from kg.lexicon import concepts
from kg.lexicon.measures import TIER1, TIER_RUN, UNIT_WORD
from kg.lexicon.names import programme_key
from kg.lexicon.text import squash
from kg.records import Evidence, Measurement, Region

_LIST_TITLE = re.compile(r"具体(?:评价|绩效)?指标[:：]?$")
_ITEM = re.compile(r"\s*(?:[（(]\d{1,2}[)）]|[①-⑳])\s*")
_CLAUSE_STOPS = re.compile(r"[，,；;。]")
_LEADING_VERBS = re.compile(r"(?:实现|确保|做到|保证|力争)+")
_SIGN_FORM = re.compile(rf"^(?P<name>[^≥≤<>=＝＞＜]{{2,60}}?)\s*(?P<target>(?:{values.SIGNS})\s*\S.*)$")
_WORD_FORM = re.compile(
    rf"^(?P<name>.{{2,60}}?)(?P<target>(?:{values.COMPARISON_WORDS})\s*{values.NUMBER}\s*(?:{values.UNIT})?"
    r"(?:及以上|以上|以下|以内)?)$"
)
_LAST_YEAR_FORM = re.compile(
    r"^(?P<name>.{2,60}?)(?P<target>(?:不低于|不少于|不高于|不超过|高于|低于)(?:上一?年度?|去年).*)$"
)
_COLON_FORM = re.compile(r"^(?P<name>[^：:]{2,40})[：:]\s*(?P<target>\S.*)$")
_STANDARD = re.compile(
    rf"(?P<name>[\u4e00-\u9fff“”]{{4,40}}?)(?:为|达到|达|是)?(?P<actual>{values.NUMBER}%)[，,]?\s*"
    rf"(?P<rel>大于|小于|高于|低于|超过|不低于|不超过|不高于)(?P<std>{values.NUMBER}%)的?(?:标准值|目标值|指标值)"
)
_RELATION = {"大于": "ge", "高于": "ge", "超过": "ge", "不低于": "ge", "小于": "le", "低于": "le", "不超过": "le",
             "不高于": "le"}  # fmt: skip
_TIER_PARAGRAPH = re.compile(r"\s*\d+\s*[.、．]\s*(?P<tier>[\u4e00-\u9fff]{2,10}指标)\s*[:：](?P<rest>.+)$")
_SYNONYMS = re.compile(r"比例|比重|比率")
# The value right after the name, on the same line: not a year (2021年…), not the standard itself.
_ACTUAL_AFTER = re.compile(
    rf"[ \t]*(?:为|达到|达|是)?[ \t]*(?P<value>{values.NUMBER}[ \t]*(?:%|万人次|人次|万人|人|万元|元)?)"
    r"(?![\d.年月日])(?!的?(?:标准|目标|指标)值)"
)
_BODY_WORDS = r"医保中心|医保局|医疗保障局|医疗保障事务中心|医疗保障服务中心|我局|我中心|本单位|全县|全区|全市"
_REPORT_TITLE = re.compile(r"报告$")

_SCORE = re.compile(
    r"(?:绩效自评得分|自评得分|自评总分|评价总分|综合评分|评价得分)\s*(?:为|是)?[:：]?\s*(?P<score>\d+(?:\.\d+)?)\s*分"
)
_GRADE = re.compile(
    r"(?:综合评价结论|评价结论|评价结果|评价等级|自评等级|自评结果|(?<=[，,；;。\s])等级)\s*(?:为|是)?[:：]?\s*[“\"]?(?P<grade>优秀|优|良好|良|中等|中|较差|差)"
    r"(?![”\"]?\s*(?:[和或、及]|的))"  # 自评结果为“中”和“差”的项目 names grades, it does not give one
)
_GRADES = {"优秀": "优", "良好": "良", "中等": "中", "较差": "差"}
_COUNTED = re.compile(r"\d+\s*个(?:项目)?\s*$")
_RATE = re.compile(rf"执行率\s*(?:为|达到|达|是)?\s*(?P<rate>{values.NUMBER})\s*%")
_OVERVIEW = re.compile(r"\s*(?:[一二三四五六七八九十]+\s*[、.．])?\s*(?P<name>[\u4e00-\u9fff]{2,30}?)(?:项目)?综述")
# Results against targets. Units are a closed list here: prose runs on after a number (2.73万人次超额完成).
_PROSE_UNIT = (
    r"(?:%|‰|(?:万|亿)?(?:人次|人|户|元|个|家|次|天|件|项|所|床)(?:/[\u4e00-\u9fff]{1,2}){0,2}|个?工作日|小时)"
)
_STATED = rf"(?P<actual>{values.NUMBER}\s*{_PROSE_UNIT}?)"
_GOAL = (
    rf"(?P<target>(?:{values.SIGNS}|{values.COMPARISON_WORDS})?\s*{values.NUMBER}\s*{_PROSE_UNIT}?"
    r"(?:及以上|以上|以下|以内)?)"
)
_GOAL_WORD = r"(?:超过|高于|低于|未达到?|达到|完成)?(?:年度|全年|计划|预期|绩效)?(?:目标值?|指标值)(?:为|是|[:：])?"
_NAME_RUN = r"(?P<name>[\u4e00-\u9fff“”\"]{2,40}?)"
_ENDS = r"(?=$|[，,。；;！!）)、\s])"  # the value ends the clause: not 93.8%的, not 2.73万人次超额
_ACTUAL_FIRST = re.compile(
    rf"{_NAME_RUN}\s*(?:实际)?(?:完成值?|达到了?|达|为|是)?\s*{_STATED}\s*[，,；;（(]?\s*{_GOAL_WORD}\s*{_GOAL}"
    rf"\s*[）)]?{_ENDS}"
)
_TARGET_FIRST = re.compile(
    rf"{_NAME_RUN}\s*的?{_GOAL_WORD}\s*{_GOAL}\s*[，,；;]\s*(?:全年|年末|年底)?"
    rf"(?:实际(?:完成值?|达到了?|达|为|是)?|完成(?:值为?)?)\s*{_STATED}{_ENDS}"
)
# What opens a sentence before the indicator's name: the rest of a date, lead words, leading verbs.
_LEAD_WORDS = r"(?:截至|截止)?年(?:度|底|末)?|其中|全年|本年度?|当年|经统计|据统计|经核实|实现|确保"
_GENERIC_NAME = re.compile(r"^(?:目标|实际|完成|任务|指标|绩效|年度)+$")
# A paragraph that lists a tier's completed values: (numbered) the tier word, then no colon (a colon
# opens the results matched to listed targets, _TIER_PARAGRAPH); each clause NAME VALUE.
_TIER_RESULTS = re.compile(r"\s*(?:[(（]?\d{1,2}[)）.、．]\s*)?" + TIER_RUN.pattern + r"(?![:：])")
_COMPLETED = re.compile(
    rf"\s*{_NAME_RUN}\s*(?:为|达到|达|是|共)?\s*(?P<actual>{values.NUMBER}\s*(?:%|‰|{UNIT_WORD}(?:[/·*]{UNIT_WORD}){{0,2}}"
    r"|/[\u4e00-\u9fff]{1,2})?)\s*$"
)
_TITLE_BODY = re.compile(r"(?P<org>[\u4e00-\u9fff]{2,30}?(?:局|中心|委员会|办公室))\s*(?:部门|单位)?\s*整体")


@dataclass
class _Target:
    """A listed target while its actual is looked for."""

    name: Text
    target: Text | None
    actual: Text | None = None
    tier2: str | None = None
    comparison: Text | None = None  # when the text states it apart from the target
    concept: str | None = field(init=False)

    def __post_init__(self) -> None:
        linked = concepts.link(squash(self.name.text))
        self.concept = linked[0] if linked else None

    def cells(self) -> dict[str, Text]:
        cells = (("target", self.target), ("actual", self.actual), ("comparison", self.comparison))
        return {k: v for k, v in cells if v is not None}


def _span(doc: Document, start: int, end: int) -> Text:
    while start < end and doc.text[start].isspace():
        start += 1
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    return Text(doc.text[start:end], Evidence.of(doc, start, end))


def _clauses(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of a paragraph, split at ，；。 (target lists put one target per clause)."""
    spans, pos = [], start
    for m in _CLAUSE_STOPS.finditer(doc.text, start, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    return [(s, e) for s, e in spans if doc.text[s:e].strip()]


def read_clause(doc: Document, start: int, end: int) -> tuple[Text, Text] | None:
    """NAME and TARGET of one clause (see the module docstring), or None."""
    text = doc.text[start:end]
    for form in (_SIGN_FORM, _WORD_FORM, _COLON_FORM, _LAST_YEAR_FORM):
        m = form.match(text)
        if m is None:
            continue
        name_start, name_end = start + m.start("name"), start + m.end("name")
        verbs = _LEADING_VERBS.match(doc.text, name_start, name_end)
        if verbs:
            name_start = verbs.end()
        while name_end > name_start and doc.text[name_end - 1] in ":： ":
            name_end -= 1
        name = _span(doc, name_start, name_end)
        if len(squash(name.text)) >= 2 and re.search(r"[\u4e00-\u9fff]", name.text):
            return name, _span(doc, start + m.start("target"), start + m.end("target"))
    return None


# -- sections ------------------------------------------------------------------------------------------


class _Titles:
    """Report titles inside the document (…自评报告), which bound prose evaluations."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.starts: list[int] = []
        self.texts: list[str] = []
        for block in doc.paragraphs():
            squashed = squash(doc.text[block.start : block.end])
            if len(squashed) <= 60 and _REPORT_TITLE.search(squashed):
                self.starts.append(block.start)
                self.texts.append(squashed)

    def around(self, offset: int) -> tuple[int, int, str]:
        """The region of the report title before `offset`: its start, the next title, its text."""
        i = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[i] if i >= 0 else 0
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.doc.text)
        return start, end, self.texts[i] if i >= 0 else ""


# -- targets -------------------------------------------------------------------------------------------


class _TargetList:
    def __init__(self, doc: Document, region_names: tuple[str, ...]) -> None:
        self.doc = doc
        self.region_names = region_names
        self.targets: list[_Target] = []

    def items(self, paragraphs: list[tuple[int, int]]) -> None:
        for p_start, p_end in paragraphs:
            marker = _ITEM.match(self.doc.text, p_start, p_end)
            for start, end in _clauses(self.doc, marker.end() if marker else p_start, p_end):
                read = read_clause(self.doc, start, end)
                if read is not None:
                    self.targets.append(_Target(*read))

    def actuals(self, start: int, end: int) -> None:
        text = self.doc.text
        for target in self.targets:
            key = concepts.name_key(target.name.text)
            if len(key) < 4:
                continue
            pattern = _name_pattern(key)
            # A number after the name; for a qualitative target, the target's own words after it.
            words = target.target.text.strip() if target.target else ""
            quoted = re.compile(rf"[ \t]*(?P<value>{re.escape(words)})") if words and not _numeric(words) else None
            for m in pattern.finditer(text, start, end):
                after = _ACTUAL_AFTER.match(text, m.end(), end) or (
                    quoted.match(text, m.end(), end) if quoted else None
                )
                if after:
                    target.actual = _span(self.doc, after.start("value"), after.end("value"))
                    break
        for m in _STANDARD.finditer(text, start, end):
            self._standard(m)

    def _standard(self, m: re.Match[str]) -> None:
        """…的比重3.96%，小于15%的标准值: an actual with its standard."""
        name_start = m.start("name") + len(m.group("name")) - len(self._bare(m.group("name")))
        name = _span(self.doc, name_start, m.end("name"))
        known = self._find(name.text)
        actual = _span(self.doc, m.start("actual"), m.end("actual"))
        if known is not None:
            known.actual = known.actual or actual
            return
        std = _span(self.doc, m.start("std"), m.end("std"))
        # 小于15%的标准值 says the actual is below a ceiling: the target is ≤ 15%.
        sign = {"ge": "≥", "le": "≤"}[_RELATION[m.group("rel")]]
        relation = Text(sign, _span(self.doc, m.start("rel"), m.end("rel")).evidence)
        self.targets.append(_Target(name, std, actual, comparison=relation))

    def _bare(self, name: str) -> str:
        """The name without the year, region and body it opens with (2021年赫山区医保中心…)."""
        regions = "|".join(re.escape(r) for r in self.region_names) or "(?!)"
        return re.sub(rf"^(?:\d{{0,4}}年度?|{regions}|{_BODY_WORDS})+", "", name)

    def _find(self, name: str) -> _Target | None:
        key = _SYNONYMS.sub("比例", concepts.name_key(name))
        return next((t for t in self.targets if _SYNONYMS.sub("比例", concepts.name_key(t.name.text)) == key), None)

    def tier_paragraph(self, start: int, end: int) -> None:
        """2.质量指标：…救助比率≥70%: results matched to targets by name, else by concept."""
        m = _TIER_PARAGRAPH.match(self.doc.text, start, end)
        if m is None:
            return
        for c_start, c_end in _clauses(self.doc, m.start("rest"), m.end("rest")):
            read = read_clause(self.doc, c_start, c_end)
            if read is None:
                continue
            name, value = read
            target = self._find(name.text) or self._by_concept(name.text)
            if target is not None and target.actual is None:
                target.actual, target.tier2 = value, target.tier2 or m.group("tier")

    def _by_concept(self, name: str) -> _Target | None:
        linked = concepts.link(squash(name))
        same = [t for t in self.targets if linked and t.concept == linked[0]]
        return same[0] if len(same) == 1 else None


def _numeric(text: str) -> bool:
    parsed = values.parse_value(text)
    return parsed is not None and parsed.number is not None


def _name_pattern(key: str) -> re.Pattern[str]:
    """The name as the text may write it: 比例/比重/比率 interchangeable, quotes and spaces anywhere."""
    units: list[str] = []
    for part in re.split(f"({_SYNONYMS.pattern})", key):
        units += [f"(?:{_SYNONYMS.pattern})"] if _SYNONYMS.fullmatch(part) else [re.escape(c) for c in part]
    return re.compile(r"[ \t“”\"]*".join(units))


def _paragraphs(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    return [(b.start, b.end) for b in doc.paragraphs() if start <= b.start < end]


def _region_names(region: Region | None) -> tuple[str, ...]:
    """The publisher's region and those above it (湖南省, 益阳市, 赫山区), longest first."""
    return tuple(sorted((node.name for node in region.chain()) if region else (), key=len, reverse=True))


def read_prose_targets(doc: Document, region: Region | None, programmes: Programmes) -> list[Draft]:
    """One evaluation per list of targets, with the actuals found after it."""
    titles = _Titles(doc)
    drafts: list[Draft] = []
    blocks = doc.paragraphs()
    for i, block in enumerate(blocks):
        heading = squash(doc.text[block.start : block.end])
        if len(heading) > 20 or not _LIST_TITLE.search(heading):
            continue
        items = []
        for item in blocks[i + 1 :]:
            if not _ITEM.match(doc.text, item.start, item.end):
                break
            items.append((item.start, item.end))
        found = _TargetList(doc, _region_names(region))
        found.items(items)
        if not found.targets:
            continue
        after = items[-1][1] if items else block.end
        _, end, _ = titles.around(block.start)
        found.actuals(after, end)
        for p_start, p_end in _paragraphs(doc, after, end):
            found.tier_paragraph(p_start, p_end)
        programme = programmes.before(block.start)
        draft = Draft(programme.name if programme else heading, _span(doc, block.start, block.end).evidence, "prose")
        draft.programme_code = programme.code if programme else None
        region_start, _, _ = titles.around(block.start)
        rate = _RATE.search(doc.text, region_start, end)
        draft.execution_rate = _measure(doc, rate, "rate", "%") if rate else None
        draft.indicators = [make_indicator(t.name, t.cells(), None, t.tier2) for t in found.targets]
        drafts.append(draft)
    return drafts


# -- results: scores, grades, execution rates --------------------------------------------------------


@dataclass(frozen=True)
class _Statement:
    subject: str
    is_department: bool
    evidence: Evidence
    total: Measurement | None
    grade: str | None
    rate: Measurement | None


class _StatementReader:
    def __init__(self, doc: Document, publisher: str | None, programmes: Programmes) -> None:
        self.doc = doc
        self.publisher = publisher
        self.programmes = programmes
        self.titles = _Titles(doc)

    def paragraph(self, start: int, end: int) -> _Statement | None:
        text = self.doc.text
        score = _SCORE.search(text, start, end)
        grade = next(
            (g for g in _GRADE.finditer(text, start, end) if not _COUNTED.search(text, start, g.start())), None
        )
        if score is None and grade is None:
            return None
        first = min(m.start() for m in (score, grade) if m is not None)
        rate = _RATE.search(text, first, end)
        subject, department = self._subject(start, first)
        span_end = max(m.end() for m in (score, grade) if m is not None)
        return _Statement(
            subject,
            department,
            Evidence.of(self.doc, first, span_end),
            _measure(self.doc, score, "score") if score else None,
            _GRADES.get(grade.group("grade"), grade.group("grade")) if grade else None,
            _measure(self.doc, rate, "rate", "%") if rate else None,
        )

    def _subject(self, start: int, at: int) -> tuple[str, bool]:
        text = self.doc.text
        sentence_start = max(text.rfind("。", start, at) + 1, start)
        if "整体" in text[sentence_start:at]:
            return self.publisher or "", True
        overview = _OVERVIEW.match(text, start, at)
        if overview:
            name = overview.group("name")
            programme = self.programmes.find(name)
            return (programme.name if programme else name), False
        _, _, title = self.titles.around(start)
        body = _TITLE_BODY.search(re.sub(r"^\d{4}年度?", "", title))
        if body:
            return body.group("org"), True
        if "整体" in title and self.publisher:  # 部门整体支出绩效自评报告, its body on the line above
            return self.publisher, True
        programme = self.programmes.before(start)
        return (programme.name if programme else self.publisher or ""), programme is None


def _stated(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Results against targets in one paragraph, either order, in text order and not overlapping."""
    kept: list[re.Match[str]] = []
    for first, last in _goal_sentences(text, start, end):
        found = sorted(
            (m for form in (_ACTUAL_FIRST, _TARGET_FIRST) for m in form.finditer(text, first, last)),
            key=lambda m: m.start(),
        )
        for m in found:
            if not kept or m.start() >= kept[-1].end():
                kept.append(m)
    return kept


_GOAL_MARK = re.compile(r"目标|指标值")


def _goal_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The sentences of a paragraph that name a target: the only ones the two forms can match.

    Neither form crosses a 。, and both need 目标 or 指标值; scanning only these sentences keeps the
    lazy name run from being tried at every character of a long report (most sentences name none).
    """
    pos = start
    while (mark := _GOAL_MARK.search(text, pos, end)) is not None:
        first = text.rfind("。", start, mark.start()) + 1 or start
        last = text.find("。", mark.end(), end)
        last = end if last < 0 else last
        yield max(first, start, pos), last
        pos = last


class _Stated:
    """Indicators stated in prose, gathered into one draft per body the sentences speak of."""

    def __init__(self, doc: Document, publisher: str | None, region: Region | None, programmes: Programmes) -> None:
        self.doc = doc
        self.programmes = programmes
        self.subjects = _StatementReader(doc, publisher, programmes)
        regions = "|".join(re.escape(r) for r in _region_names(region)) or "(?!)"
        self.lead = re.compile(rf"(?:{_LEAD_WORDS}|{_BODY_WORDS}|{regions})+")
        self.drafts: dict[tuple[str, bool], Draft] = {}

    def add(self, block: Block, m: re.Match[str], cells: dict[str, Text], tier: str | None = None) -> None:
        """One indicator: its name is group `name` of `m` without the lead words, year, region and body."""
        doc = self.doc
        start, end = m.start("name"), m.end("name")
        opening = self.lead.match(doc.text, start, end)
        name = _span(doc, opening.end() if opening else start, end)
        key = concepts.name_key(name.text)
        if len(key) < 2 or _GENERIC_NAME.match(key):
            return
        subject, department = self.subjects._subject(block.start, m.start())
        if not subject:
            return
        draft = self.drafts.get((subject, department))
        if draft is None:
            draft = Draft(subject, Evidence.of(doc, m.start(), m.end()), "sentence", is_department=department)
            programme = None if department else self.programmes.find(subject)
            draft.programme_code = programme.code if programme else None
            self.drafts[(subject, department)] = draft
        if any(concepts.name_key(i.name) == key for i in draft.indicators):
            return  # the same result restated (a summary, then the analysis)
        tier1 = tier if tier and TIER1.match(tier) else None
        tier2 = tier if tier and tier1 is None else None
        draft.indicators.append(make_indicator(name, cells, tier1, tier2))

    def tier_results(self, block: Block) -> None:
        """1.产出指标均已完成，培训人数60人，培训时长12小时: completed values listed under a tier."""
        text = self.doc.text
        opening = _TIER_RESULTS.match(text, block.start, block.end)
        if opening is None:
            return
        for start, end in _clauses(self.doc, opening.end(), block.end):
            m = _COMPLETED.match(text, start, end)
            if m is not None:
                self.add(block, m, {"actual": _span(self.doc, *m.span("actual"))}, opening.group("tier"))


def read_stated_results(
    doc: Document, publisher: str | None, region: Region | None, programmes: Programmes
) -> list[Draft]:
    """Indicators stated in prose with their target (参保率达到93.8%，目标为≥95%) or as the completed
    values of a tier (2.效益指标均已完成，…满意度95%): one draft per body."""
    stated = _Stated(doc, publisher, region, programmes)
    for block in doc.blocks:
        if block.kind is BlockKind.TABLE:
            continue
        for m in _stated(doc.text, block.start, block.end):
            stated.add(block, m, {"target": _span(doc, *m.span("target")), "actual": _span(doc, *m.span("actual"))})
        stated.tier_results(block)
    return list(stated.drafts.values())


def _measure(doc: Document, m: re.Match[str], group: str, unit: str | None = None) -> Measurement:
    return Measurement(m.group(group), Decimal(m.group(group)), unit, Evidence.of(doc, m.start(group), m.end(group)))


def _same_subject(draft: Draft, statement: _Statement) -> bool:
    if draft.is_department != statement.is_department:
        return False
    return programme_key(draft.subject) == programme_key(statement.subject)


def _merge(draft: Draft, statement: _Statement) -> bool:
    """Fill what the draft lacks from the statement; False when their totals disagree."""
    if draft.total is not None and statement.total is not None and draft.total.value != statement.total.value:
        return False
    draft.total = draft.total or statement.total
    draft.grade = draft.grade or statement.grade
    draft.execution_rate = draft.execution_rate or statement.rate
    return True


def apply_statements(doc: Document, publisher: str | None, programmes: Programmes, drafts: list[Draft]) -> list[Draft]:
    """The drafts with the prose results merged in; a result that fits no draft is a draft of its own."""
    reader = _StatementReader(doc, publisher, programmes)
    out = list(drafts)
    for block in doc.blocks:
        if block.kind is BlockKind.TABLE:
            continue
        statement = reader.paragraph(block.start, block.end)
        if statement is None or not statement.subject:
            continue
        if any(_same_subject(d, statement) and _merge(d, statement) for d in out):
            continue
        draft = Draft(statement.subject, statement.evidence, "prose", is_department=statement.is_department)
        programme = None if statement.is_department else programmes.find(statement.subject)
        draft.programme_code = programme.code if programme else None
        _merge(draft, statement)
        out.append(draft)
    return out


__all__ = ["apply_statements", "read_clause", "read_prose_targets", "read_stated_results"]
