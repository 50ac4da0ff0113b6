"""文号 parsing, citation finding on synthetic sentences and on the seeds, and sentence bounds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kg.document import Document, DocumentBuilder
from kg.extract.citations import find_citations, is_policy_title
from kg.extract.sentences import sentence_bounds
from kg.lexicon.docnumbers import parse_document_number
from kg.normalize import normalise
from kg.readers.text import add_lines
from kg.records import DocumentNumber


def _doc(text: str) -> Document:
    builder = DocumentBuilder()
    add_lines(builder, normalise(text))
    return builder.build(Path("synthetic.txt"), "text/plain", "0" * 64)


def _canonicals(doc: Document) -> Counter[str]:
    return Counter(c.number.canonical for c in find_citations(doc) if c.number is not None)


# --- parse_document_number ----------------------------------------------------------------------

LEFU = DocumentNumber("乐府办规", 2022, "3")


@pytest.mark.parametrize(
    "written",
    [
        "乐府办规〔2022〕3号",
        "乐府办规[2022]3号",
        "乐府办规［2022］3号",
        "乐府办规（2022）3号",
        "乐府办规(2022)3号",
        "乐府办规【2022】3号",
        "乐府办规〈2022〉3号",
        "乐府办规﹝2022﹞3号",
        "乐府办规〔2022〕03号",  # zero padding dropped
        "乐府办规〔2022〕第3号",
        "乐府办规 〔 2022 〕 3 号",
        "乐 府办规〔2022〕3号",  # spaces anywhere
        " 乐府办规[2022]3号\n",
        "（乐府办规〔2022〕3号）",  # as quoted in a sentence
        "乐府办规〔2022〕3",  # 号 forgotten in user input
        "根据乐府办规〔2022〕3号",
        "按照乐府办规[2022]3号",
    ],
)
def test_parse_variants(written: str) -> None:
    assert parse_document_number(written) == LEFU
    assert parse_document_number(written).canonical == "乐府办规〔2022〕3号"


def test_parse_full_width_digits_after_normalisation() -> None:
    assert parse_document_number(normalise("乐府办规［２０２２］３号")) == LEFU


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("井委编委发2019〔23〕号", "井委编委发〔2019〕23号"),
        ("井委编委发 2019 （23） 号", "井委编委发〔2019〕23号"),
        ("井委编委发2019[23]号", "井委编委发〔2019〕23号"),
        ("国家税务总局公告2019年第39号", "国家税务总局公告〔2019〕39号"),
        ("国家税务总局公告 2019 年 第 39 号", "国家税务总局公告〔2019〕39号"),
        ("某部令2020年第5号", "某部令〔2020〕5号"),
        ("财社〔2019〕142号", "财社〔2019〕142号"),
        ("湘发(2021)3号", "湘发〔2021〕3号"),
        ("印发了湘医保发【2020】22号", "湘医保发〔2020〕22号"),
    ],
)
def test_parse_other_forms(written: str, canonical: str) -> None:
    number = parse_document_number(written)
    assert number is not None
    assert number.canonical == canonical


def test_parse_fields_of_year_outside_form() -> None:
    assert parse_document_number("井委编委发2019〔23〕号") == DocumentNumber("井委编委发", 2019, "23")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "〔2022〕3号",  # no issuer
        "根据〔2022〕3号",  # only a lead-in word before the year
        "财政部令第85号",  # no year: cannot be canonicalised
        "2023年12月31日",
        "0833-3362110",
        "1202.96万元",
        "50015221T000000052688",
        "2024年度",
        "乐府办规〔22〕3号",  # a two-digit year is no year
        "乐府办规〔2022〕3号文件",  # one number, nothing else
        "省人民政府办公厅医疗保障文件〔2022〕3号",  # issuer run too long to trust
        "截至2023年第3号",  # 年第N号 needs an issuer that is a 公告/令
    ],
)
def test_parse_rejects(text: str) -> None:
    assert parse_document_number(text) is None


# --- find_citations on synthetic text -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "number_text", "canonical"),
    [
        ("根据乐府办规〔2022〕3号文件精神执行。", "乐府办规〔2022〕3号", "乐府办规〔2022〕3号"),
        ("按照湘医保发[2020]22号要求。", "湘医保发[2020]22号", "湘医保发〔2020〕22号"),
        ("依据湘医保发（2020）22号办理。", "湘医保发（2020）22号", "湘医保发〔2020〕22号"),
        ("印发了湘医保发【2020】22号。", "湘医保发【2020】22号", "湘医保发〔2020〕22号"),
        ("严格执行奉节府办发〔2022〕13号规定。", "奉节府办发〔2022〕13号", "奉节府办发〔2022〕13号"),
        ("转发井委编委发2019〔23〕号文件。", "井委编委发2019〔23〕号", "井委编委发〔2019〕23号"),
        ("参照湘医保发 〔 2020 〕 22 号执行。", "湘医保发 〔 2020 〕 22 号", "湘医保发〔2020〕22号"),
        ("见国家税务总局公告2019年第39号。", "国家税务总局公告2019年第39号", "国家税务总局公告〔2019〕39号"),
        ("根据乐府办规［２０２２］３号。", "乐府办规［2022］3号", "乐府办规〔2022〕3号"),  # digits folded
    ],
)
def test_issuer_never_swallows_lead_in(sentence: str, number_text: str, canonical: str) -> None:
    doc = _doc(sentence)
    [citation] = find_citations(doc)
    assert citation.number is not None
    assert citation.number.canonical == canonical
    assert citation.number_text == number_text
    assert doc.text[citation.evidence.start : citation.evidence.end] == number_text
    assert citation.evidence.exact == number_text
    assert citation.sentence.exact == doc.text.strip()
    assert citation.title is None


def test_title_before_number_with_nested_title() -> None:
    doc = _doc("根据《某县办公室关于印发<某局职能配置规定>的通知》（某委办〔2019〕20号）文件精神，成立某局。")
    [citation] = find_citations(doc)
    assert citation.title == "某县办公室关于印发<某局职能配置规定>的通知"
    assert citation.number == DocumentNumber("某委办", 2019, "20")
    assert citation.sentence.exact.startswith("根据《")
    assert citation.sentence.exact.endswith("成立某局。")


def test_title_with_ascii_brackets_and_chained_citations() -> None:
    doc = _doc("依据《甲办法》(甲发〔2015〕31号)《乙〈丙〉的通知》（乙发〔2017〕12号）和《丁规定》等文件。")
    citations = find_citations(doc)
    assert [(c.number.canonical if c.number else None, c.title) for c in citations] == [
        ("甲发〔2015〕31号", "甲办法"),
        ("乙发〔2017〕12号", "乙〈丙〉的通知"),
        (None, "丁规定"),
    ]
    # A title-only citation's evidence is the title inside the brackets.
    last = citations[-1]
    assert last.number_text is None
    assert doc.text[last.evidence.start : last.evidence.end] == "丁规定"


def test_number_not_adjacent_to_title_has_no_title() -> None:
    doc = _doc("《甲办法》已废止，现执行乙发〔2020〕2号。")
    numbered = [c for c in find_citations(doc) if c.number]
    assert [c.title for c in numbered] == [None]


@pytest.mark.parametrize(
    ("title", "policy"),
    [
        ("中华人民共和国预算法", True),
        ("中华人民共和国会计法", True),
        ("社会救助暂行办法", True),
        ("关于深化医疗保障制度改革的意见", True),
        ("干部日常出勤监督检查工作方案（试行）", True),
        ("某局财务管理制度", True),
        ("“三重一大”制度实施细则", True),
        ("某条例(2023年修订)", True),
        ("致全县血液透析患者的一封信", False),
        ("城乡居民医疗救助绩效自评报告", False),
        ("医保转移支付资金绩效评价工作手册", False),
        ("部门决算公开表", False),
    ],
)
def test_policy_title_rule(title: str, policy: bool) -> None:
    assert is_policy_title(title) is policy


def test_title_only_rule_in_text() -> None:
    doc = _doc("遵守《中华人民共和国预算法》，印发了800份《致患者的一封信》宣传单，编写《某绩效自评报告》。")
    assert [c.title for c in find_citations(doc)] == ["中华人民共和国预算法"]


@pytest.mark.parametrize(
    "text",
    [
        "联系电话：0833-3362110。",
        "截至2023年12月31日，结余617.26万元。",
        "项目编码：50015221T000000052688，2024年度项目。",
        "收入（2023）585.6万元。",
        "〔2022〕3号文件。",  # no issuer
        "第一部分 部门概况",
        "截至2023年第3号台风过境。",
    ],
)
def test_no_false_citations(text: str) -> None:
    assert find_citations(_doc(text)) == []


def test_table_cell_sentence_is_the_cell() -> None:
    doc = _doc("依据\t按照乐府办规〔2022〕3号执行。\t备注\n")
    [citation] = find_citations(doc)
    assert citation.sentence.exact == "按照乐府办规〔2022〕3号执行。"


# --- sentence_bounds ----------------------------------------------------------------------------


def test_sentence_bounds_basic_and_trimmed() -> None:
    text = "第一句。  第二句有目标，还有逗号！第三句"
    start = text.index("目标")
    s, e = sentence_bounds(text, start, start + 2)
    assert text[s:e] == "第二句有目标，还有逗号！"


def test_sentence_bounds_never_cut_inside_brackets() -> None:
    text = "前句。根据《关于A。B的通知》（甲〔2020〕1号；附件）执行；后句。"
    start = text.index("甲")
    s, e = sentence_bounds(text, start, start + 1)
    assert text[s:e] == "根据《关于A。B的通知》（甲〔2020〕1号；附件）执行；"


def test_sentence_bounds_stop_at_newline_and_tab() -> None:
    text = "上一行没有句号\n单元格一\t目标单元格\t单元格三"
    start = text.index("目标")
    assert sentence_bounds(text, start, start + 2) == (text.index("目标"), text.index("\t单元格三"))
    start = text.index("行没")
    assert text[slice(*sentence_bounds(text, start, start + 1))] == "上一行没有句号"


def test_sentence_bounds_unbalanced_bracket_stays_in_its_line() -> None:
    text = "甲（未闭合。乙。\n下一行。"
    s, e = sentence_bounds(text, 0, 1)
    assert text[s:e] == "甲（未闭合。乙。"


# --- the seeds ----------------------------------------------------------------------------------

SEED_NUMBERS = {
    "000": {
        "井委办〔2019〕20号": 2,
        "井委编委发〔2019〕23号": 2,
        "乐府办规〔2022〕3号": 3,
        "乐医保发〔2023〕55号": 3,
    },
    "001": {
        "湘医保办发〔2021〕6号": 1,
        "湘医保发〔2020〕22号": 1,
        "湘卫基层发〔2020〕2号": 1,
        "财社〔2019〕142号": 2,
        "湘发〔2021〕3号": 1,
        "湘政发〔2015〕31号": 1,
        "民发〔2017〕12号": 1,
        "湘人社发〔2018〕46号": 1,
    },
    "002": {},
    "003": {},
    "004": {"奉节府办发〔2022〕13号": 1},
}

# Every title each numbered citation carries in the seeds.
SEED_TITLES = {
    "井委办〔2019〕20号": {
        "中共井研县委办公室  井研县人民政府办公室"
        "关于印发<井研县医疗保障局职能配置、内设机构和人员编制规定>的通知"
    },
    "井委编委发〔2019〕23号": {"中共井研县委机构编制委员会关于县医疗保障局机构编制相关事项的通知"},
    "乐府办规〔2022〕3号": {"乐山市健全重特大疾病医疗保险和救助制度实施细则"},
    "乐医保发〔2023〕55号": {"乐山市医疗救助市级统筹实施方案"},
    "湘医保办发〔2021〕6号": {
        "湖南省医疗保障局关于转发<国家医疗保障局办公室关于开展2020年医保转移支付资金绩效评价工作的通知>的通知"
    },
    "湘医保发〔2020〕22号": {"关于高质量打赢医疗保障脱贫攻坚战的实施意见"},
    "湘卫基层发〔2020〕2号": {"关于印发2020年湖南省健康扶贫工作要点的通知"},
    "财社〔2019〕142号": {"中央财政医疗救助资金管理办法", "中央财政医疗救助补助资金管理办法"},
    "湘发〔2021〕3号": {"关于深化医疗保障制度改革的实施意见"},
    "湘政发〔2015〕31号": {"湖南省人民政府关于贯彻落实<社会救助暂行办法>的实施意见"},
    "民发〔2017〕12号": {
        "民政部财政部 人力资源社会保障部国家卫生计生委保监会国务院扶贫办"
        "关于进一步加强医疗救助与城乡居民大病保险有效衔接的通知"
    },
    "湘人社发〔2018〕46号": {
        "省人社厅省财政厅省民政厅省卫计委保监会湖南监管局省扶贫办关于做好全省健康扶贫“一站式”结算工作的通知"
    },
    "奉节府办发〔2022〕13号": {"奉节县财政资金管理暂行办法"},
}


@pytest.mark.parametrize("key", sorted(SEED_NUMBERS))
def test_seed_numbers_and_occurrences(seed_documents, key: str) -> None:
    assert dict(_canonicals(seed_documents[key])) == SEED_NUMBERS[key]


def test_seed_total_distinct_numbers(seed_documents) -> None:
    distinct = set()
    for doc in seed_documents.values():
        distinct |= set(_canonicals(doc))
    assert len(distinct) == 13


def test_seed_titles_of_numbered_citations(seed_documents) -> None:
    titles: dict[str, set[str | None]] = {}
    for doc in seed_documents.values():
        for c in find_citations(doc):
            if c.number is not None:
                titles.setdefault(c.number.canonical, set()).add(c.title)
    assert titles == SEED_TITLES


def test_seed_year_outside_number_as_written(seed_documents) -> None:
    written = {
        c.number_text
        for c in find_citations(seed_documents["000"])
        if c.number and c.number.issuer_code == "井委编委发"
    }
    assert written == {"井委编委发2019〔23〕号"}


@pytest.mark.parametrize("key", sorted(SEED_NUMBERS))
def test_seed_evidence_is_exact(seed_documents, key: str) -> None:
    doc = seed_documents[key]
    for c in find_citations(doc):
        assert doc.text[c.evidence.start : c.evidence.end] == c.evidence.exact
        if c.number is not None:
            assert c.evidence.exact == c.number_text
        else:
            assert c.evidence.exact == c.title
        assert c.sentence.start <= c.evidence.start and c.evidence.end <= c.sentence.end
        assert "\n" not in c.sentence.exact


def test_seed_sentence_of_a_number_in_brackets(seed_documents) -> None:
    doc = seed_documents["000"]
    first = next(c for c in find_citations(doc) if c.number and c.number.issuer_code == "乐府办规")
    assert first.sentence.exact.startswith("根据《乐山市")
    assert "乐医保发〔2023〕55号" in first.sentence.exact
    assert first.sentence.exact.endswith("。")


def _title_only(doc: Document) -> Counter[str]:
    return Counter(c.title for c in find_citations(doc) if c.number is None)


def test_seed_title_only_citations(seed_documents) -> None:
    assert _title_only(seed_documents["000"]) == Counter(
        ["中华人民共和国会计法", "中华人民共和国预算法", "井研县医疗保障局预算绩效管理制度"]
    )
    only_001 = _title_only(seed_documents["001"])
    assert only_001["湖南省医疗救助补助资金管理办法"] == 2
    assert only_001["中共中央 国务院关于全面实施预算绩效管理的意见"] == 2
    assert "医保转移支付资金绩效评价工作手册" not in only_001
    assert _title_only(seed_documents["002"]) == Counter()  # the 自评报告 title is no policy document
    assert _title_only(seed_documents["003"]) == Counter()
    only_004 = _title_only(seed_documents["004"])
    assert "奉节县医疗保障局财务管理制度" in only_004
    assert "2023年医疗服务与保障能力提升资金分配方案" in only_004
    assert not any("一封信" in title for title in only_004)
    # A numbered title is not repeated as a title-only citation.
    assert "奉节县财政资金管理暂行办法" not in only_004


# --- damaged numbers and titles (real exports lose brackets, break lines, anonymise issuers) -------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("湘财预〔2019208号", "湘财预〔2019〕208号"),  # the closing bracket lost
        ("湘财预2019208 号", "湘财预〔2019〕208号"),  # every bracket lost: the year is four digits
        ("XX 财社〔2021〕14号", "XX财社〔2021〕14号"),  # an anonymised issuer keeps its letters
    ],
)
def test_parse_damaged_forms(written: str, canonical: str) -> None:
    parsed = parse_document_number(written)
    assert parsed is not None and parsed.canonical == canonical


@pytest.mark.parametrize("text", ["建设路20081号", "光明村201912号"])
def test_bare_numbers_that_are_addresses_are_refused(text: str) -> None:
    assert parse_document_number(text) is None
    assert find_citations(_doc(f"地址：{text}。")) == []


def test_damaged_numbers_in_text() -> None:
    doc = _doc(
        "依据《某某市财政局关于下达市级救助资金的通知》（某财社〔2021208号）精神，市财政局通过某财社〔2022〕9号"
        "文件分配至各县。另见（某发2020117 号）和X 某办〔2020〕5 号。"
    )
    found = {c.number.canonical: c for c in find_citations(doc) if c.number}
    assert set(found) == {"某财社〔2021〕208号", "某财社〔2022〕9号", "某发〔2020〕117号", "X某办〔2020〕5号"}
    assert found["某财社〔2021〕208号"].title == "某某市财政局关于下达市级救助资金的通知"
    assert found["某财社〔2021〕208号"].number_text == "某财社〔2021208号"
    assert found["某发〔2020〕117号"].number_text == "某发2020117 号"


def test_title_cut_by_a_hard_line_break_is_joined() -> None:
    doc = _doc("根据《关于调整城乡居民医疗救助\n标准的通知》（某医保发〔2023〕4号）执行。")
    (citation,) = find_citations(doc)
    assert citation.title == "关于调整城乡居民医疗救助标准的通知"


def test_a_title_spans_at_most_three_lines() -> None:
    doc = _doc("《关于\n某\n事项\n的通知》（某医保发〔2023〕4号）")
    (citation,) = find_citations(doc)
    assert citation.title is None


def test_guillemets_and_prose_titles() -> None:
    doc = _doc(
        "参照«关于完善医疗救助制度的意见»（某办发〔2021〕42号）、国务院办公厅关于健全重特大疾病医疗保险"
        "和救助制度的意见（某办发〔2021〕43号）和本地要求（某办发〔2021〕44号）。"
    )
    titles = {c.number.canonical: c.title for c in find_citations(doc) if c.number}
    assert titles == {
        "某办发〔2021〕42号": "关于完善医疗救助制度的意见",
        "某办发〔2021〕43号": "国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见",
        "某办发〔2021〕44号": None,  # 本地要求 names no document
    }
