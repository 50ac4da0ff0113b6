"""Organisation (department and unit) names, found with spaCy token patterns.

The pipeline is `spacy.blank("zh")` segmented by jieba plus an `entity_ruler` whose patterns
describe a government body: a region prefix (a GB/T 2260 name from `regions`, or a level word
such as 国家/省/市/县), a body of ordinary words, and a suffix such as 局, 中心, 委员会, 办公室,
厅, 部 or 政府 (柳林县医疗保障局, 重庆市潼南区医药价格和招标采购监督指导中心, 县医保局).
Ministries of the central government, which carry no prefix (财政部), have a pattern of their own.

Speed: spaCy only sees short windows of text that a cheap regex has found to end in an
organisation suffix; identical windows are analysed once. jieba runs as a private `Tokenizer`
(so the region names added to its dictionary do not change anyone else's segmentation) and
without its HMM, which would glue a level word to the word before it (由县 …).

Names: a mention's name is the exact text of its span, so `Evidence` quotes it, except that a
name opened by the short alias of a county or city is completed (井研医疗保障局 → 井研县医疗保障局;
province aliases also name branches of central agencies, 湖南监管局, and are left alone). Bracketed
annotations never enter a span (柳林县医疗保障局[部门] gives 柳林县医疗保障局); `canonical_name`
strips them from free text such as a 部门名称 value.

Short forms (县医保局, 县医疗保险事业服务中心) name a body of "this" county, city or province:
`qualify(name, region)` prefixes the level word with the name of the region of that level in the
given region's chain (the publisher's region), and expands 医保局 to 医疗保障局, the one
abbreviation that is standard everywhere. Without a known region a short form stays as written.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from kg.document import Document
from kg.extract import regions
from kg.extract.component import component
from kg.records import Evidence, GovLevel, Organisation, Region, ReportRecords

LABEL = "ORG"
_HAN = r"\u4e00-\u9fff"

# Suffixes that end the name of a body. Strong ones rarely end anything else, so any window
# holding one is analysed; weak ones also end common words (部门 … 处理) and need a level word.
STRONG_SUFFIXES = ("局", "中心", "委员会", "办公室", "办公厅", "政府", "厅")
WEAK_SUFFIXES = ("部", "委", "办", "院", "所", "站", "司", "处", "署", "协会", "联合会", "工会", "馆", "队")
SUFFIXES = STRONG_SUFFIXES + WEAK_SUFFIXES
_SUFFIX_RE = "(?:" + "|".join(sorted(SUFFIXES, key=len, reverse=True)) + ")"
# Words that end in a suffix character but do not name a body.
NOT_BODIES = frozenset(
    "全部 内部 外部 干部 局部 本部 各部 东部 西部 南部 北部 中部 全局 大局 格局 布局 结局 开局 当局 "
    "核心 重心 信心 决心 用心 放心 安心 耐心 热心 民心 初心 社会 机会 大会 全会 场所 住所 处所 "
    "到处 好处 之处 长处 难处 益处 用处 出处 各处 此处 何处 深处 相处 一处 两处 "
    "影院 剧院 庭院 寺院 车站 网站 驿站 "
    "公司 上司 官司 军队 团队 排队 梯队 部队 球队 "
    "政委 常委 纪委 编委 党委 "
    "承办 主办 协办 督办 查办 举办 创办 开办 包办 代办 交办 接办 兴办 "
    "宾馆 旅馆 饭馆 部署 住院 出院 入院 一站 诊所 经办 大厅 餐厅 客厅 展厅 门厅 市中心".split()
)
# Words that stop a name: a body never runs through them (由县人社局划转为县医保局 is two names).
STOP_WORDS = frozenset(
    "的 由 为 在 对 向 与 及 或 等 是 了 将 把 被 从 到 给 经 按 据 以 于 并 及其 以及 "
    "根据 关于 印发 转发 下达 下设 下属 所属 设 设立 成立 更名 划转 整体 负责 组织 会同 联合 "
    "原 现 新 本 我 该 各 全 年 月 日 共 计 个 名".split()
)
LEVEL_WORDS = (
    "国家",
    "中央",
    "中共中央",
    "国务院",
    "省",
    "市",
    "县",
    "区",
    "州",
    "盟",
    "旗",
    "乡",
    "镇",
    "自治区",
    "自治州",
    "自治县",
    "省委",
    "市委",
    "县委",
    "区委",
)
TAILS = ("办公室", "办公厅")
# Two-character county names led by a conjunction or preposition (和县) read as "and the
# county …" far more often than as the county: they never open a name here.
_FUNCTION_CHARS = "和与及并或的在由为向对从至到经各全本该每"
# Vocabulary that helps jieba cut a body's name where its parts are (医保局 → one suffix token).
BODY_WORDS = ("医保局", "医保中心", "医疗保障局", "事务中心", "服务中心", "人民政府", "办公室", "办公厅")
# The one abbreviation expanded by `qualify`: the bureau type has one standard name nationwide.
ABBREVIATIONS = {"医保局": "医疗保障局"}

_STRONG = re.compile("|".join(STRONG_SUFFIXES))
_WEAK_WITH_LEVEL = re.compile(
    rf"(?:[省市县区州盟旗乡镇]|国家|中央|国务院)[{_HAN}]{{0,30}}?(?:{'|'.join(WEAK_SUFFIXES)})"
)
_CENTRAL_BODY = re.compile("|".join(re.escape(b) for b in regions.CENTRAL_BODIES))
_SUFFIX_AT = re.compile(_SUFFIX_RE)
_HAN_RUN = re.compile(rf"[{_HAN}]+")
_BRACKETED = re.compile(r"\[[^\]]*\]|【[^】]*】|〔[^〕]*〕")
_WINDOW = 40  # the longest name we look back for, in characters
_LOOKAHEAD = 4
_LEVEL_CHARS = "省市县区州盟旗"


def _region_words() -> list[str]:
    """Region names and aliases usable as the first word of a name."""
    idx = regions.index()
    return sorted(w for w in idx.names | idx.aliases if not (len(w) == 2 and w[0] in _FUNCTION_CHARS))


def _token_patterns() -> list[dict[str, Any]]:
    """entity_ruler patterns: prefix tokens, body tokens, a suffix token, an optional tail."""
    prefixes = sorted({*_region_words(), *LEVEL_WORDS})
    # Neither a body word nor the suffix may be a prefix or a ministry: each of those opens a
    # new name (民政部财政部 is two ministries).
    closed = sorted(STOP_WORDS | set(LEVEL_WORDS) | set(regions.CENTRAL_BODIES))
    central = "(?!国家|国务院|中央)"
    body = {"REGEX": rf"^{central}(?!.*{_SUFFIX_RE}$)[{_HAN}]+$", "NOT_IN": closed}
    # A suffix token never starts with a level word either (市场 may be a body word, 县政府 is
    # not a suffix): 县委县政府 is two bodies, not one.
    suffix = {
        "REGEX": rf"^{central}(?![{_LEVEL_CHARS}])[{_HAN}]*{_SUFFIX_RE}$",
        "NOT_IN": sorted(NOT_BODIES | set(closed)),
    }
    region_led = [
        {"TEXT": {"IN": ["中共", "中国共产党"]}, "OP": "?"},
        {"TEXT": {"IN": prefixes}, "OP": "{1,3}"},
        {"TEXT": "委", "OP": "?"},  # 中共井研县委机构编制委员会: the party committee's own bodies
        {"TEXT": body, "OP": "{0,8}"},
        {"TEXT": suffix},
        {"TEXT": {"IN": list(TAILS)}, "OP": "?"},
    ]
    # A level word glued to its body by the segmenter: 县政府, 县卫健局, 国务院扶贫办.
    one_token = [
        {"TEXT": {"REGEX": rf"^(?:[{_LEVEL_CHARS}]|国家|国务院)[{_HAN}]*{_SUFFIX_RE}$", "NOT_IN": sorted(NOT_BODIES)}}
    ]
    ministry = [{"TEXT": {"IN": list(regions.CENTRAL_BODIES)}}]
    ministry_unit = [*ministry, {"TEXT": body, "OP": "{0,4}"}, {"TEXT": suffix}]  # 财政部社会保障司
    return [
        {"label": LABEL, "pattern": region_led, "id": "region-led"},
        {"label": LABEL, "pattern": one_token, "id": "one-token"},
        {"label": LABEL, "pattern": ministry, "id": "ministry"},
        {"label": LABEL, "pattern": ministry_unit, "id": "ministry-unit"},
    ]


class _Segmenter:
    """jieba's `cut` without the HMM, in the shape spaCy's Chinese tokenizer calls."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer

    def cut(self, text: str, cut_all: bool = False) -> Iterable[str]:
        return self._tokenizer.cut(text, cut_all=cut_all, HMM=False)


@contextlib.contextmanager
def _quiet_jieba() -> Iterator[None]:
    log = logging.getLogger("jieba")
    level = log.level
    log.setLevel(logging.WARNING)  # jieba logs "Building prefix dict …" on every new Tokenizer
    try:
        yield
    finally:
        log.setLevel(level)


def _segmenter() -> _Segmenter:
    import jieba

    with _quiet_jieba():
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
    for word in (*_region_words(), *regions.CENTRAL_BODIES, *BODY_WORDS, *LEVEL_WORDS):
        tokenizer.add_word(word, freq=1000)
    for word in regions.index().names:
        if len(word) == 2 and word[0] in _FUNCTION_CHARS:
            tokenizer.del_word(word)  # 和县 is in jieba's own dictionary
    return _Segmenter(tokenizer)


@lru_cache(maxsize=1)
def nlp() -> Any:
    """The spaCy pipeline, built once per process (about a second: jieba and the region index)."""
    import spacy

    # The same as spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}}) with
    # our private jieba: asking spaCy for jieba would also load jieba's global dictionary (≈1 s).
    pipeline = spacy.blank("zh")
    pipeline.tokenizer.segmenter = "jieba"
    pipeline.tokenizer.jieba_seg = _segmenter()
    ruler = pipeline.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(_token_patterns())
    return pipeline


# -- windows: the only text spaCy sees -----------------------------------------------------------


def candidate_windows(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that may end in an organisation name: Han runs with a suffix, cut short."""
    windows: list[tuple[int, int]] = []
    for run in _HAN_RUN.finditer(text):
        chunk = run.group()
        if not (_STRONG.search(chunk) or _WEAK_WITH_LEVEL.search(chunk) or _CENTRAL_BODY.search(chunk)):
            continue
        first = len(windows)
        for m in _SUFFIX_AT.finditer(chunk):
            # Look back far enough for a long name; look ahead a little so that the segmenter
            # sees whole words (部门, 办法) rather than a suffix cut out of them.
            begin = max(run.start(), run.start() + m.end() - _WINDOW)
            end = min(run.end(), run.start() + m.end() + _LOOKAHEAD)
            if len(windows) > first and begin <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((begin, end))
    return windows


# Entity spans per window. Windows repeat within and across reports (部门名称：… on every table),
# so each distinct window is analysed once; the cache is simply dropped when it grows too large.
_WINDOW_CACHE: dict[str, tuple[tuple[int, int], ...]] = {}
_WINDOW_CACHE_MAX = 50_000


def _analyse(windows: set[str]) -> None:
    fresh = [w for w in windows if w not in _WINDOW_CACHE]
    if len(_WINDOW_CACHE) + len(fresh) > _WINDOW_CACHE_MAX:
        _WINDOW_CACHE.clear()
        fresh = list(windows)
    for window, doc in zip(fresh, nlp().pipe(fresh, batch_size=256), strict=True):
        _WINDOW_CACHE[window] = tuple((e.start_char, e.end_char) for e in doc.ents)


@lru_cache(maxsize=16)
def _mention_spans(text: str) -> tuple[tuple[int, int], ...]:
    """All organisation spans in a document text, in order (cached per text)."""
    windows = candidate_windows(text)
    _analyse({text[s:e] for s, e in windows})
    spans: list[tuple[int, int]] = []
    for s, e in windows:
        for a, b in _WINDOW_CACHE.get(text[s:e], ()):
            if _plausible(text[s + a : s + b]):
                spans.append((s + a, s + b))
    return tuple(spans)


def _plausible(name: str) -> bool:
    # A level word with a one-character body (县委, 市办) is a role, not a named body.
    return len(name) >= 3 and name not in NOT_BODIES


# -- names ---------------------------------------------------------------------------------------


def canonical_name(text: str) -> str:
    """A name without bracketed annotations and spaces: 柳林县医疗保障局[部门] → 柳林县医疗保障局."""
    return re.sub(r"\s+", "", _BRACKETED.sub("", text))


def complete_alias(name: str) -> str:
    """Write a county or city alias at the start of a name in full: 井研医疗保障局 → 井研县医疗保障局."""
    found = regions.index().match_at(name, 0)
    if found is None:
        return name
    word, entries = found
    # Province aliases also name branches of central agencies (湖南监管局): left as written.
    if len(entries) != 1 or not entries[0].alias or entries[0].region.level is GovLevel.PROVINCE:
        return name
    full = entries[0].region.name
    rest = name[len(word) :]
    if full.startswith(word) and rest.startswith(full[len(word) :]):
        return name  # already full (the alias is a prefix of what follows)
    return full + rest


def is_short_form(name: str) -> bool:
    """True for names that start with a bare level word (县医保局, 市财政局, 省医保局)."""
    if not name or name[0] not in _LEVEL_CHARS or regions.central_level(name):
        return False
    return regions.index().match_at(name, 0) is None


def qualify(name: str, region: Region | None) -> str:
    """Complete a short form with the region it implicitly names, or return it unchanged.

    县医疗保险事业服务中心 with 井研县 → 井研县医疗保险事业服务中心; 县医保局 → 井研县医疗保障局;
    市医保局 with 柳林县 → 吕梁市医疗保障局. The level word must match the end of a region name in
    `region`'s chain (nearest first), so 区… under 潼南区 becomes 潼南区…; with no such region,
    or no region at all, the name is returned as written.
    """
    if region is None or not is_short_form(name):
        return name
    level_char = name[0]
    for node in reversed(region.chain()):
        if node.name.endswith(level_char):
            body = name[1:]
            for short, full in ABBREVIATIONS.items():
                if body.endswith(short):
                    body = body[: -len(short)] + full
            return node.name + body
    return name


def _short_form_level(name: str) -> GovLevel | None:
    return {"省": GovLevel.PROVINCE, "县": GovLevel.COUNTY, "旗": GovLevel.COUNTY}.get(name[:1])


def describe(name: str, context: Region | None = None) -> tuple[str, Region | None, GovLevel | None]:
    """Canonical name, region and level of a mention; `context` qualifies short forms."""
    name = complete_alias(canonical_name(name))
    if regions.central_level(name):
        return name, None, GovLevel.CENTRAL
    if is_short_form(name):
        qualified = qualify(name, context)
        if qualified == name:
            return name, None, _short_form_level(name)
        name = qualified
    region = regions.resolve_region(name, context)
    return name, region, region.level if region else None


def organisation(
    doc: Document, start: int, end: int, *, context: Region | None = None, role: str = "mentioned"
) -> Organisation:
    """The Organisation named by `doc.text[start:end]`, with its evidence."""
    name, region, level = describe(doc.text[start:end], context)
    return Organisation(name, Evidence.of(doc, start, end), region, level, role)


def find_organisations(doc: Document, context: Region | None = None) -> list[Organisation]:
    """Every organisation mention in the document, in text order (callers dedupe by name).

    With `context` (the publisher's region) short forms such as 县医保局 are qualified.
    """
    return [organisation(doc, s, e, context=context) for s, e in _mention_spans(doc.text)]


def mention_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The organisation spans of a text (cached), for extractors that work on offsets."""
    return _mention_spans(text)


@component("organisations", needs=["metadata", "organisations"], provides=["organisations"])
def read_mentions(doc: Document, found: ReportRecords) -> None:
    """Organisations the report names, each at its first mention, less its units and its publisher."""
    publisher = found.metadata.publisher
    known = {o.name for o in found.organisations}
    if publisher is not None:
        known.add(publisher.name)
    first: dict[str, Organisation] = {}
    for org in find_organisations(doc, publisher.region if publisher else None):
        first.setdefault(org.name, org)
    found.organisations.extend(o for o in first.values() if o.name not in known)
