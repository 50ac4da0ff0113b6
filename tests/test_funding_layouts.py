"""Funding by level in the layouts real forms come in (docs/layouts.md), one test per layout; the
level vocabulary; programmes that reports list. The fixtures are invented."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.extract.metadata import extract_metadata
from kg.extract.programmes import find_programmes
from kg.extract.regions import resolve_region
from kg.lexicon.levels import label_levels
from kg.readers import read_document
from kg.records import BudgetPhase, ConsistencyIssue, FundingSource, GovLevel, Programme

C, P, M, K = GovLevel.CENTRAL, GovLevel.PROVINCE, GovLevel.PREFECTURE, GovLevel.COUNTY
ADJUSTED, ALLOCATED, EXECUTED = BudgetPhase.ADJUSTED, BudgetPhase.ALLOCATED, BudgetPhase.EXECUTED


def read(tmp_path: Path, text: str) -> tuple[list[Programme], list[FundingSource], list[ConsistencyIssue]]:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    return find_programmes(doc, extract_metadata(doc).publisher)


def by_level(sources: list[FundingSource]) -> dict[tuple[str, tuple[GovLevel, ...], BudgetPhase], Decimal]:
    return {(s.programme, s.levels, s.phase): s.amount.yuan for s in sources}


PHASE_PAIRS = """平遥县民政局财政支出项目绩效评价自评报告
项目名称 低保补助资金
项目单位 平遥县民政局
一、项 目 基 本 概 况 |
|||||||||
项目负责人 |
王 明 |
联系电话 |
13900000000 |
||||||||
计划安排资金 (万元) |
100 |
实际到位资金 (万元) |
100 |
实际支出 (万元) |
90 |
结余(万元) |
10 |
|||||||||
其中:中央财政 |
其中:中央财政 |
其中:中央财政 |
其中:中央财政 |
||||||||
省财政 |
60 |
省财政 |
60 |
省财政 |
55 |
省财政 |
5 |
||||||||
市财政 |
25 |
市财政 |
25 |
市财政 |
20 |
市财政 |
|||||||||
县财政 |
15 |
县财政 |
15 |
县财政 |
15 |
县财政 |
|||||||||
其它 |
其它 |
其它 |
其它 |
"""


def test_phase_pairs_with_the_level_repeated_in_every_column(tmp_path: Path) -> None:
    programmes, sources, issues = read(tmp_path, PHASE_PAIRS)
    assert [p.name for p in programmes] == ["低保补助资金"]  # from the key/value line 项目名称 X
    found = by_level(sources)
    name = "低保补助资金"
    assert found[(name, (), ADJUSTED)] == Decimal("1000000")  # 计划安排资金: the budget
    assert found[(name, (), ALLOCATED)] == Decimal("1000000")  # 实际到位资金
    assert found[(name, (), EXECUTED)] == Decimal("900000")
    assert found[(name, (P,), EXECUTED)] == Decimal("550000")
    assert found[(name, (M,), ALLOCATED)] == Decimal("250000")
    assert found[(name, (K,), ADJUSTED)] == Decimal("150000")
    assert len(sources) == 12  # 结余 names no phase: the 5 under it is not read
    assert issues == []


# Key/value lines with a trailing space each, as a flattened web form gives them.
VERTICAL = "\n".join(
    f"{line} "
    for line in [
        "平遥县2023年度中央转移支付养老服务项目绩效自评",
        "平遥县2023年度中央转移支付养老服务项目绩效自评表",
        "指标名称 指标解释 记录 未完成原因及改进措施",
        "预算资金安排 2023年度养老服务补助资金预算落实情况。",
        "养老服务补助资金合计(万元) 年度预算资金总额): 140",
        "其中:中央补助 80",
        "市级资金 45",
        "本级资金(包括结转结余) 15",
        "其中:",
        "居家养老补贴(万元)",
        "年度预算资金总额: 40",
        "其中:中央补助 20",
        "市级资金 15",
        "本级资金(包括结转结余) 4",
        "资金下达 资金发放及时性 收到资金后及时下达。",
    ]
)


def test_vertical_blocks_whose_total_label_names_the_phase(tmp_path: Path) -> None:
    programmes, sources, issues = read(tmp_path, VERTICAL)
    assert {p.name for p in programmes} == {"养老服务补助资金", "居家养老补贴"}
    found = by_level(sources)
    assert found[("养老服务补助资金", (), ADJUSTED)] == Decimal("1400000")
    assert found[("养老服务补助资金", (C,), ADJUSTED)] == Decimal("800000")
    assert found[("养老服务补助资金", (M,), ADJUSTED)] == Decimal("450000")
    # 本级 in a county's report (the title names the county: no publisher is known) is the county.
    assert found[("养老服务补助资金", (K,), ADJUSTED)] == Decimal("150000")
    assert found[("居家养老补贴", (K,), ADJUSTED)] == Decimal("40000")
    assert [(i.kind, i.expected, i.found) for i in issues] == [
        ("funding-sources", Decimal("400000"), Decimal("390000"))  # 20 + 15 + 4 ≠ 40
    ]


COMBINED = """乡村道路养护项目绩效自评表
项目名称\t乡村道路养护
资金来源\t预算数\t执行数
年度资金总额\t50\t48
其中:中央和省级补助资金\t30\t30
县级资金\t20\t18
"""


def test_combined_level_labels_name_every_level(tmp_path: Path) -> None:
    _, sources, issues = read(tmp_path, COMBINED)
    found = {(s.levels, s.phase): s.amount.yuan for s in sources}
    assert found[((C, P), EXECUTED)] == Decimal("30")
    assert found[((K,), EXECUTED)] == Decimal("18")
    assert issues == []


@pytest.mark.parametrize(
    ("label", "levels"),
    [
        ("中央和省级", (C, P)),
        ("省、地", (P, M)),
        ("州(市)", (M,)),
        ("县(市、区)", (K,)),
        ("自治区本级", (P,)),
        ("盟市", (M,)),
        ("旗县", (K,)),
        ("市本级", (M,)),
        ("地方", ()),
    ],
)
def test_level_labels(label: str, levels: tuple[GovLevel, ...]) -> None:
    assert label_levels(label, None) == levels


def test_own_level_is_the_regions() -> None:
    county = resolve_region("平遥县")
    assert label_levels("本级", county) == (K,)
    assert label_levels("本级", None) == ()  # unknown: no level is guessed


LISTED = """平遥县民政局2022年部门决算
本部门自主组织对居家养老补贴、低保补助资金、孤儿生活保障等开展了绩效评价，评价报告附后。
本部门对2022年部门整体支出绩效情况进行了自评。
经费控制情况(万元)\t2021年决算数\t2022年预算数
项目支出:\t30\t32
1、居家养老补贴\t10\t12
2.孤儿生活保障\t20\t20
公用经费\t5\t5
"""


def test_programmes_a_report_lists(tmp_path: Path) -> None:
    programmes, _, _ = read(tmp_path, LISTED)
    assert [p.name for p in programmes] == ["居家养老补贴", "低保补助资金", "孤儿生活保障"]
