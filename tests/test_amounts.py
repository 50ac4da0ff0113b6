"""Money amounts: exact parsing of every written variant, prose extraction, labels, and the seeds."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from kg.document import Document, DocumentBuilder
from kg.extract.amounts import find_amounts, parse_amount
from kg.extract.citations import find_citations
from kg.normalize import normalise
from kg.readers.text import add_lines
from kg.records import Amount


def _doc(text: str) -> Document:
    builder = DocumentBuilder()
    add_lines(builder, normalise(text))
    return builder.build(Path("synthetic.txt"), "text/plain", "0" * 64)


def _by_text(amounts: list[Amount], text: str) -> list[Amount]:
    return [a for a in amounts if a.text == text]


# --- parse_amount -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "yuan", "unit"),
    [
        ("38,460,895.08", "38460895.08", "元"),
        ("38,460,895.08元", "38460895.08", "元"),
        ("38，460，895.08元", "38460895.08", "元"),  # full-width comma between digits
        ("1202.96万元", "12029600", "万元"),
        ("1042.26万", "10422600", "万元"),  # a bare 万 means 万元
        ("1,042.26万", "10422600", "万元"),
        ("6.88亿元", "688000000", "亿元"),
        ("1.5亿", "150000000", "亿元"),
        ("337.51 万元", "3375100", "万元"),
        ("62,015,542.5 0", "62015542.50", "元"),  # a PDF cell wrapped inside the fraction
        ("40,684,306.0 5", "40684306.05", "元"),
        ("38,46 0,895.08", "38460895.08", "元"),  # wrapped inside a grouped integer part
        ("-1,234.50元", "-1234.50", "元"),
        ("−20439.25元", "-20439.25", "元"),
        ("￥1,000.00", "1000.00", "元"),
        ("0", "0", "元"),
        ("  0.07万元 ", "700", "万元"),
    ],
)
def test_parse_amount(text: str, yuan: str, unit: str) -> None:
    result = parse_amount(text)
    assert result is not None
    value, got_unit = result
    assert isinstance(value, Decimal)
    assert value == Decimal(yuan)
    assert got_unit == unit


def test_parse_amount_keeps_written_decimals() -> None:
    value, _ = parse_amount("1202.96万元")
    assert str(value) == "12029600.00"  # Decimal all the way: no float rounding can creep in
    value, _ = parse_amount("0.1万元")
    assert value == Decimal("1000") and str(value) == "1000.0"


def test_parse_amount_full_width_input_via_normalise() -> None:
    assert parse_amount(normalise("１２０２．９６万元")) == (Decimal("12029600"), "万元")
    assert parse_amount(normalise("－３８，４６０，８９５．０８")) == (Decimal("-38460895.08"), "元")


@pytest.mark.parametrize(
    ("text", "default_unit", "yuan", "unit"),
    [
        ("3925.66", "万元", "39256600", "万元"),
        ("3925.66", "万", "39256600", "万元"),
        ("3925.66", "亿元", "392566000000", "亿元"),
        ("3925.66元", "万元", "3925.66", "元"),  # a written unit wins over the caption's
    ],
)
def test_parse_amount_default_unit(text: str, default_unit: str, yuan: str, unit: str) -> None:
    assert parse_amount(text, default_unit=default_unit) == (Decimal(yuan), unit)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "—",
        "-",
        "abc",
        "160元/人",
        "34.09元/人",
        "100万元/年",
        "12%",
        "99.9%",
        "2023年",
        "2023年12月31日",
        "1774 2",  # a space with no thousands separator: two numbers, not one
        "2024 3925.66",
        "62,015,542.5 05",  # a joined fraction of 3 digits is not a wrapped fen value
        "1,2345",  # bad grouping
        "12,34.5",
        "1.2.3",
        "50015221T000000052688",
    ],
)
def test_parse_amount_rejects(text: str) -> None:
    assert parse_amount(text) is None


def test_parse_amount_rejects_unknown_default_unit() -> None:
    assert parse_amount("12", default_unit="千元") is None


# --- find_amounts on synthetic prose -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "text", "yuan", "unit", "label"),
    [
        ("2023年度本年收入合计585.6万元，其中：", "585.6万元", "5856000", "万元", "本年收入合计"),
        ("卫生健康支出（类）医疗救助（款）城乡医疗救助（项）:支出决算为617.26万元，完成预算100%。",
         "617.26万元", "6172600", "万元", "支出决算"),
        ("该项目由县级财政全额拨款617.26万元。", "617.26万元", "6172600", "万元", "县级财政全额拨款"),
        ("市局下达我县2023年医疗服务提升中央直补资金616万元。", "616万元", "6160000", "万元", "中央直补资金"),
        ("项目：2021年医疗救助中央省补助资金1042.26万。", "1042.26万", "10422600", "万元", "中央省补助资金"),
        ("收入总计38,460,895.08元。", "38,460,895.08元", "38460895.08", "元", "收入总计"),
        ("收入总计38，460，895.08元。", "38，460，895.08元", "38460895.08", "元", "收入总计"),
        ("2024 年度收、支总计均为 3925.66 万元。", "3925.66 万元", "39256600", "万元", "收、支总计"),
        ("上年结余：641.79万元；", "641.79万元", "6417900", "万元", "上年结余"),
        ("基金本年收入合计数累计6.88亿元。", "6.88亿元", "688000000", "亿元", "基金本年收入合计数"),
        ("“三公”经费财政拨款支出决算为1万元。", "1万元", "10000", "万元", "“三公”经费财政拨款支出决算"),
        ("(2)卫生健康支出 3427.64 万元，占 87.31%。", "3427.64 万元", "34276400", "万元", "卫生健康支出"),
        ("结余变动-5.5万元。", "-5.5万元", "-55000", "万元", "结余变动"),
        ("公务用车运行维护费３３０６３．８６元。", "33063.86元", "33063.86", "元", "公务用车运行维护费"),
    ],
)
def test_find_amounts_in_prose(sentence: str, text: str, yuan: str, unit: str, label: str) -> None:
    doc = _doc(sentence)
    [amount] = find_amounts(doc)
    assert amount.text == text
    assert amount.yuan == Decimal(yuan)
    assert amount.unit == unit
    assert amount.label == label
    assert doc.text[amount.evidence.start : amount.evidence.end] == text == amount.evidence.exact


def test_list_of_amounts_each_gets_its_own_label() -> None:
    doc = _doc("主要包括基本工资1,972,775.00元、津贴补贴1,059,885.03元、奖金133,294.05元。")
    assert [(a.label, a.yuan) for a in find_amounts(doc)] == [
        ("基本工资", Decimal("1972775")),
        ("津贴补贴", Decimal("1059885.03")),
        ("奖金", Decimal("133294.05")),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "配套资金标准为160元/人。",
        "人均34.09元/人/年。",
        "追回医保基金金额 100 万元/年。",
        "单价50万元以上通用设备0台。",
        "2.100万以上项目：城乡医疗救助金。",
        "累计清理核查7.59万人次，参保70万人。",
        "全年救助3.5万余人次。",
        "占99.9%；下降52%。",
        "截至2023年12月31日。",
        "项目编码50015221T000000052688。",
        "2024年度。",
        "计算式 $2862*60=171720$ 元。",
        "合计 12 000元。",  # a wrapped number that cannot be joined safely is not guessed
        "合计 12，0005元。",  # no thousands group, and 0005 is no number of its own
    ],
)
def test_find_amounts_skips_non_amounts(sentence: str) -> None:
    assert find_amounts(_doc(sentence)) == []


@pytest.mark.parametrize("sentence", ["人数 80 3558元。", "共2，3558元。"])
def test_separated_numbers_keep_the_one_next_to_the_unit(sentence: str) -> None:
    doc = _doc(sentence)
    [amount] = find_amounts(doc)
    assert amount.text == "3558元"
    assert amount.yuan == Decimal("3558")


def test_find_amounts_skips_tables() -> None:
    doc = _doc("项目\t金额\n城乡医疗救助\t617.26万元\n\n支出合计1202.79万元。\n")
    amounts = find_amounts(doc)
    assert [a.text for a in amounts] == ["1202.79万元"]
    assert doc.tables and all(not (t.start <= amounts[0].evidence.start < t.end) for t in doc.tables)


def test_long_clause_has_no_label() -> None:
    doc = _doc("重点救助对象政策范围内住院自付费用年度限额内金额1177.43万元。")
    [amount] = find_amounts(doc)
    assert amount.label is None
    assert amount.yuan == Decimal("11774300")


# --- the seeds ----------------------------------------------------------------------------------


def test_seed_000(seed_documents) -> None:
    amounts = find_amounts(seed_documents["000"])
    [total] = _by_text(amounts, "1202.96万元")
    assert total.yuan == Decimal("12029600")
    assert total.unit == "万元"
    assert total.label == "收、支总计"
    [income] = _by_text(amounts, "585.6万元")
    assert income.label == "本年收入合计"
    relief = _by_text(amounts, "617.26万元")
    assert len(relief) == 5
    assert {a.yuan for a in relief} == {Decimal("6172600")}
    assert {"支出决算", "项目资金预算", "全年预算", "上年度结转结余"} <= {a.label for a in relief}
    assert not any("160" in a.text for a in amounts)  # 160元/人 is a rate
    assert not any(a.text.startswith("100万") for a in amounts)  # 100万以上项目 is a threshold


def test_seed_001(seed_documents) -> None:
    amounts = find_amounts(seed_documents["001"])
    [central] = _by_text(amounts, "1042.26万")
    assert central.unit == "万元"
    assert central.yuan == Decimal("10422600")
    assert central.label == "中央省补助资金"
    [reimbursed] = _by_text(amounts, "14,664.05万元")
    assert reimbursed.yuan == Decimal("146640500")
    assert reimbursed.label == "报销金额"


def test_seed_002(seed_documents) -> None:
    doc = seed_documents["002"]
    amounts = find_amounts(doc)
    totals = _by_text(amounts, "38,460,895.08元")
    assert totals and {a.yuan for a in totals} == {Decimal("38460895.08")}
    assert {"收入总计", "支出总计", "收入合计", "支出合计", "财政拨款收入"} <= {a.label for a in totals}
    [central] = _by_text(amounts, "749万元")
    assert central.label == "中央财政补助"
    spaced = _by_text(amounts, "337.51 万元")
    assert [a.yuan for a in spaced] == [Decimal("3375100")]
    # Prose only: nothing from the ten 公开 tables.
    for a in amounts:
        assert not any(t.start <= a.evidence.start < t.end for t in doc.tables)
    assert not any(a.text.startswith(("36元", "620 元", "62 元")) for a in amounts)  # 元/人/年 rates


def test_seed_003(seed_documents) -> None:
    amounts = find_amounts(seed_documents["003"])
    totals = _by_text(amounts, "3925.66 万元")
    assert totals and {a.yuan for a in totals} == {Decimal("39256600")}
    assert "收入合计" in {a.label for a in totals}


def test_seed_004(seed_documents) -> None:
    amounts = find_amounts(seed_documents["004"])
    [direct] = _by_text(amounts, "616万元")
    assert direct.yuan == Decimal("6160000")
    assert direct.label == "中央直补资金"
    cars = _by_text(amounts, "33063.86元")
    assert len(cars) == 2
    assert {(a.yuan, a.unit, a.label) for a in cars} == {(Decimal("33063.86"), "元", "公务用车运行维护费")}
    [fund] = _by_text(amounts, "6.88亿元")
    assert fund.yuan == Decimal("688000000")
    # 万人次 / 万人 count people, not money.
    assert not any(a.evidence.suffix.startswith(("人", "余")) for a in amounts)


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_seed_evidence_is_exact(seed_documents, key: str) -> None:
    doc = seed_documents[key]
    amounts = find_amounts(doc)
    assert amounts
    for a in amounts:
        assert doc.text[a.evidence.start : a.evidence.end] == a.text == a.evidence.exact
        assert a.unit in ("元", "万元", "亿元")
        assert isinstance(a.yuan, Decimal)
        assert parse_amount(a.text) == (a.yuan, a.unit)
        assert a.label is None or 0 < len(a.label) <= 20


def test_extractors_are_fast_on_the_seeds(seed_documents) -> None:
    largest = max(seed_documents.values(), key=lambda d: len(d.text))
    started = time.perf_counter()
    for _ in range(10):
        find_citations(largest)
        find_amounts(largest)
    per_run = (time.perf_counter() - started) / 10
    assert per_run < 0.05  # a few ms in practice; the bound only catches a pathological regex
