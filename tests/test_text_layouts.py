"""Tables in plain-text layouts: each layout gives the rows and cells a Word table would.

Fixtures are invented (names, numbers and wording); every cell must be a span of Document.text.
"""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from kg.document import Document
from kg.errors import EncodingError
from kg.readers.layout import clean_pdf_text
from kg.readers.text import read


def doc_of(text: str, name: str = "t.txt") -> Document:
    data = text.encode("utf-8")
    return read(Path(name), data, "0" * 64)


def rows(doc: Document, table: int = 0) -> list[list[str]]:
    return [r.texts for r in doc.tables[table].rows]


def assert_spans(doc: Document) -> None:
    """Each cell's span holds its text (wrapped lines joined, spaces folded)."""
    for t in doc.tables:
        for r in t.rows:
            for c in r.cells:
                squeezed = "".join(doc.text[c.start : c.end].split()).replace("?", "")
                assert squeezed == "".join(c.text.split()), (doc.text[c.start : c.end], c.text)


# -- pipes --------------------------------------------------------------------------------------


def test_pipe_rows_with_padding_and_a_leading_pipe() -> None:
    doc = doc_of(
        "某县项目资金表\n"
        "项目 | 预算数 | 执行数 | 执行率 |\n"
        "资金总额: | 512.30 | 498.10 | 97.2% | ||||\n"
        "| 其中:财政拨款 | 500.00 | 490.00 | 98% |\n"
        "说明完毕。\n"
    )
    assert rows(doc) == [
        ["项目", "预算数", "执行数", "执行率"],
        ["资金总额:", "512.30", "498.10", "97.2%"],
        ["其中:财政拨款", "500.00", "490.00", "98%"],
    ]
    assert_spans(doc)
    assert "说明完毕。" in [doc.text[b.start : b.end] for b in doc.paragraphs()]


def test_markdown_table_skips_its_separator_row() -> None:
    doc = doc_of("| 乡镇 | 金额(万元) |\n|---|:---:|\n| 东坪镇 | 12.5 |\n| 西岭乡 | 8 |\n")
    assert rows(doc) == [["乡镇", "金额(万元)"], ["东坪镇", "12.5"], ["西岭乡", "8"]]
    assert_spans(doc)


def test_a_pipe_row_broken_over_lines_is_joined_to_the_header_width() -> None:
    doc = doc_of(
        "收入项目 | 上年数 | 本年数 | 支出项目 | 上年数 | 本年数 |\n"
        "一、保费收入 | 10.00 | 12.00 | 一、待遇支出 | 9.00 | 11.00 |\n"
        "其中:补助收入 |\n"
        "|\n"
        "| 其中:住院支出 | 5.00 | 6.00 |\n"
        "二、利息收入 | 1.00 | 1.50 | × | × | × |\n"
    )
    assert rows(doc) == [
        ["收入项目", "上年数", "本年数", "支出项目", "上年数", "本年数"],
        ["一、保费收入", "10.00", "12.00", "一、待遇支出", "9.00", "11.00"],
        ["其中:补助收入", "", "", "其中:住院支出", "5.00", "6.00"],
        ["二、利息收入", "1.00", "1.50", "×", "×", "×"],
    ]
    assert_spans(doc)


def test_one_cell_per_line_with_row_marks() -> None:
    doc = doc_of("经费情况(万元) |\n上年决算 |\n本年预算 |\n|||\n办公经费 |\n3.5 |\n4 |\n|||\n差旅费 |\n2 |\n|\n||||\n")
    assert rows(doc) == [["经费情况(万元)", "上年决算", "本年预算"], ["办公经费", "3.5", "4"], ["差旅费", "2", ""]]
    assert_spans(doc)


def test_one_cell_per_line_without_marks_is_cut_by_its_period() -> None:
    doc = doc_of(
        "附表:\n|\n拨款明细表 |||\n|\n"
        "序号 |\n单位 |\n人数 |\n金额(万元) |\n|\n"
        "1 |\n北关街道 |\n30 |\n4.5 |\n|\n"
        "2 |\n南湖镇 |\n12 |\n1.8 |\n|\n"
        "3 |\n石门乡 |\n20 |\n3 |\n|\n"
    )
    assert rows(doc)[1:] == [
        ["序号", "单位", "人数", "金额(万元)", ""],
        ["1", "北关街道", "30", "4.5", ""],
        ["2", "南湖镇", "12", "1.8", ""],
        ["3", "石门乡", "20", "3", ""],
    ]
    assert_spans(doc)


def test_cells_before_a_lone_pipe_line_and_a_wrapped_cell() -> None:
    doc = doc_of(
        "指标\n|\n计量单位\n|\n2021\n|\n2022\n|\n"
        "救助人数\n|\n人\n|\n120\n|\n150\n|\n"
        "救助支出\n(含临时救助)\n|\n万元\n|\n36.2\n|\n41\n|\n"
        "资助参保\n|\n人\n|\n80\n|\n95\n|\n"
    )
    assert rows(doc) == [
        ["指标", "计量单位", "2021", "2022"],
        ["救助人数", "人", "120", "150"],
        ["救助支出(含临时救助)", "万元", "36.2", "41"],
        ["资助参保", "人", "80", "95"],
    ]
    assert_spans(doc)


def test_indicator_rows_start_at_their_tiers_and_the_header_is_cut_off() -> None:
    doc = doc_of(
        "一级指标 |\n二级指标 |\n三级指标 |\n符号 |\n指标值 |\n单位 |\n完成值 |\n"
        "产出指标 |\n数量指标 |\n培训人次 |\n≥ |\n300 |\n人次 |\n320 |\n"
        "效益指标 |\n社会效益指标 |\n知晓率 |\n= |\n90 |\n% |\n93 |\n"
        "满意度指标 |\n服务对象满意度 |\n群众满意度 |\n≥ |\n85 |\n% |\n88 |\n"
    )
    assert rows(doc) == [
        ["一级指标", "二级指标", "三级指标", "符号", "指标值", "单位", "完成值"],
        ["产出指标", "数量指标", "培训人次", "≥", "300", "人次", "320"],
        ["效益指标", "社会效益指标", "知晓率", "=", "90", "%", "93"],
        ["满意度指标", "服务对象满意度", "群众满意度", "≥", "85", "%", "88"],
    ]
    assert_spans(doc)


def test_a_table_that_starts_mid_way_still_yields_rows() -> None:
    # No header: the rows' shape (a label, an operator, a value with its unit) gives the columns.
    doc = doc_of(
        "|   质量指标\n    | \n   验收合格率\n    | \n   ≥95%\n    | \n   98%\n    | \n  |||\n"
        "|   时效指标\n    | \n   按期完成率\n    | \n   100%\n    | \n   100%\n    | \n  |||\n"
        "|   成本指标\n    | \n   单位成本\n    | \n   ≤120元\n    | \n   115元\n    | \n  |||\n"
    )
    assert rows(doc) == [
        ["质量指标", "验收合格率", "≥95%", "98%"],
        ["", "时效指标", "按期完成率", "100%", "100%"],
        ["", "成本指标", "单位成本", "≤120元", "115元"],
    ]
    assert_spans(doc)


# -- one cell per line, no pipes ------------------------------------------------------------------


def test_one_cell_per_line_without_separators() -> None:
    doc = doc_of(
        "现将补助资金分配如下，请及时拨付到位。\n补助资金分配表\n单位:万元\n"
        "乡镇\n金额\n青石镇\n2.5\n白沙乡\n1.2\n红岩镇\n0.75\n合计\n4.45\n"
        "县财政局\n"
    )
    assert rows(doc) == [["乡镇", "金额"], ["青石镇", "2.5"], ["白沙乡", "1.2"], ["红岩镇", "0.75"], ["合计", "4.45"]]
    paragraphs = [doc.text[b.start : b.end] for b in doc.paragraphs()]
    assert "单位:万元" in paragraphs and "县财政局" in paragraphs
    assert_spans(doc)


def test_blank_line_separated_cells_with_a_trailing_text_column() -> None:
    doc = doc_of(
        "附件1\n\n资金分配表及任务清单\n\n补助资金(万元)\n\n任务\n\n"
        "东山镇\n\n0.6\n\n帮扶2户\n\n西江镇\n\n1.4\n\n帮扶3户\n\n北岭镇\n\n2\n\n帮扶1户\n\n合计\n\n4\n\n帮扶6户\n"
    )
    assert rows(doc) == [
        ["", "补助资金(万元)", "任务"],
        ["东山镇", "0.6", "帮扶2户"],
        ["西江镇", "1.4", "帮扶3户"],
        ["北岭镇", "2", "帮扶1户"],
        ["合计", "4", "帮扶6户"],
    ]
    assert_spans(doc)


def test_ragged_stacked_rows_are_left_as_text() -> None:
    # A row short of a value cannot say which column it lacks: no table is made of it.
    doc = doc_of("地区\n中央资金\n省级资金\n甲县\n10\n20\n乙县\n30\n丙县\n40\n50\n")
    assert doc.tables == []


# -- spaces -------------------------------------------------------------------------------------


def test_space_aligned_side_by_side_tables() -> None:
    doc = doc_of(
        "收支决算总表\n单位:万元\n"
        "项目 金额 项目 金额\n"
        "一、财政拨款收入 1,250.40  一、社会保障支出 980.10\n"
        "    其中:专项 300.00      二、卫生健康支出 200.30\n"
        "二、其他收入 20.00  三、住房保障支出 90.00\n"
        "收入合计 1,270.40  支出合计 1,270.40\n"
    )
    assert rows(doc) == [
        ["项目", "金额", "项目", "金额"],
        ["一、财政拨款收入", "1,250.40", "一、社会保障支出", "980.10"],
        ["其中:专项", "300.00", "二、卫生健康支出", "200.30"],
        ["二、其他收入", "20.00", "三、住房保障支出", "90.00"],
        ["收入合计", "1,270.40", "支出合计", "1,270.40"],
    ]
    assert_spans(doc)


def test_space_aligned_rows_with_wrapped_labels_and_values_on_the_next_line() -> None:
    doc = doc_of(
        "    item 2019 2020 2021\n"
        "支出合计 total expenditure 5100 5600 6300\n"
        "1.教育支出 education 1200 1350 1500\n"
        "2.科技支出 funds for science and\n"
        "         technology\n"
        "310 355 402\n"
        "3.农业支出 agriculture \n"
        "640\n"
        "700 810\n"
    )
    assert rows(doc) == [
        ["item", "2019", "2020", "2021"],
        ["支出合计", "total expenditure", "5100", "5600", "6300"],
        ["1.教育支出", "education", "1200", "1350", "1500"],
        ["2.科技支出", "funds for science and technology", "310", "355", "402"],
        ["3.农业支出", "agriculture", "640", "700", "810"],
    ]
    assert_spans(doc)


def test_header_cells_wrapped_over_two_lines_are_joined() -> None:
    doc = doc_of(
        "项目          上年结转      本年收入      本年支出\n"
        "              和结余        合计          合计\n"
        "基本支出      10.00         200.00        190.00\n"
        "项目支出      5.00          80.00         70.00\n"
        "合计          15.00         280.00        260.00\n"
    )
    assert rows(doc)[0] == ["项目", "上年结转和结余", "本年收入合计", "本年支出合计"]
    assert rows(doc)[1:] == [
        ["基本支出", "10.00", "200.00", "190.00"],
        ["项目支出", "5.00", "80.00", "70.00"],
        ["合计", "15.00", "280.00", "260.00"],
    ]


def test_flattened_spreadsheet_rows_with_row_numbers() -> None:
    doc = doc_of(
        "项目 行次 金额 项目 行次 金额\n"
        "一、财政拨款收入 1 860.00 一、一般公共服务支出 6 120.00\n"
        "二、事业收入 2 40.00 二、教育支出 7 700.00\n"
        "三、其他收入 3 0.00 三、其他支出 8 80.00\n"
    )
    assert rows(doc) == [
        ["项目", "行次", "金额", "项目", "行次", "金额"],
        ["一、财政拨款收入", "1", "860.00", "一、一般公共服务支出", "6", "120.00"],
        ["二、事业收入", "2", "40.00", "二、教育支出", "7", "700.00"],
        ["三、其他收入", "3", "0.00", "三、其他支出", "8", "80.00"],
    ]


def test_operator_written_apart_from_its_value_is_one_cell() -> None:
    doc = doc_of(
        "一级指标 二级指标 三级指标 指标值 完成值\n"
        "产出指标 数量指标 覆盖人数 >= 500 人 520\n"
        "产出指标 质量指标 合格率 >= 95 % 97%\n"
        "效益指标 社会效益指标 满意度 >= 90 % 92%\n"
    )
    assert rows(doc)[1] == ["产出指标", "数量指标", "覆盖人数", ">=500", "人", "520"]


def test_a_contents_list_is_no_table() -> None:
    doc = doc_of("目录\n第一部分 概况 1\n一、职责 1\n二、机构 2\n第二部分 决算说明 4\n")
    assert doc.tables == []


def test_tab_tables_are_read_as_before() -> None:
    doc = doc_of("项目\t金额\n基本支出\t10\n\n项目支出\t5\n")
    assert rows(doc) == [["项目", "金额"], ["基本支出", "10"], ["项目支出", "5"]]
    assert doc.text == "项目\t金额\n基本支出\t10\n项目支出\t5\n"


# -- PDF text -----------------------------------------------------------------------------------


WRAPPED = (
    "单位本年度收入合计为三百二十万元，其中财政拨款收入为\n"
    "三百万元，其他收入为二十万元，与上年相比增加了十五万\n"
    "元，主要原因是人员调整后工资福利支出有所增加，详见下\n"
    "表。\n"
    "—3—\n"
    "本年度支出合计为三百一十万元，其中基本支出二百九十万\n"
    "元，项目支出二十万元，较上年度减少了约百分之五左右的\n"
    "幅度，原因是公用经费支出压减，差旅与会议费用均下降。\n"
    "第 4 页\n"
    "二、结转结余情况\n"
    "年末结转和结余为十万元，全部为基本支出结转，较上年多\n"
    "5\n"
    "出四万元，原因是年末部分采购项目尚未完成支付与结算。\n"
    "资金合计 563.48 万\n"
    "元，均为财政拨款。\n"
)


def test_pdf_page_markers_are_dropped_and_hard_wraps_joined() -> None:
    text = clean_pdf_text(WRAPPED)
    assert "—3—" not in text and "第 4 页" not in text and "\n5\n" not in text
    assert "其中财政拨款收入为三百万元" in text
    assert "增加了十五万元，" in text
    assert "563.48 万元，均为财政拨款。" in text
    assert "\n二、结转结余情况\n" in text  # a heading stays on its line
    assert "详见下表。\n" in text  # a sentence end stays a line end


def test_lines_of_unequal_length_are_not_joined() -> None:
    text = "一、基本情况\n本单位共有职工十二人\n负责全县的救助工作\n二、收支情况\n"
    assert clean_pdf_text(text) == text


def test_a_bare_number_in_a_table_is_no_page_number() -> None:
    doc = doc_of("乡镇\n金额\n东山镇\n5\n西江镇\n7\n北岭镇\n9\n")
    assert rows(doc)[1:] == [["东山镇", "5"], ["西江镇", "7"], ["北岭镇", "9"]]


# -- bytes --------------------------------------------------------------------------------------


def test_undecodable_bytes_are_replaced_and_recorded(tmp_path: Path) -> None:
    data = "项目名称：道路养护\n金额：12万元\n".encode() + b"\xff\xfe\x80" + "\n合计：12万元\n".encode()
    doc = read(Path("bad.txt"), data, "0" * 64)
    assert "道路养护" in doc.text and "合计：12万元" in doc.text
    assert len(doc.damaged) == 1
    span = doc.damaged[0]
    assert set(doc.text[span.start : span.end]) == {"\ufffd"}


def test_a_truncated_utf16_file_is_read() -> None:
    data = codecs.BOM_UTF16_LE + "金额合计：35万元\n".encode("utf-16-le")[:-1]
    doc = read(Path("cut.txt"), data, "0" * 64)
    assert doc.text.startswith("金额合计：35万元")
    assert len(doc.damaged) == 1


def test_a_file_that_is_mostly_damage_is_rejected() -> None:
    with pytest.raises(EncodingError):
        read(Path("noise.txt"), codecs.BOM_UTF16_LE + b"\x00\xd8" * 50, "0" * 64)


# -- scale --------------------------------------------------------------------------------------


def test_a_long_text_of_every_layout_reads_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # The layouts' own linearity, on a text beyond the limits every report is held to (4.6 million
    # characters; kg/readers/limits.py refuses more than 2 million before the layouts run).
    monkeypatch.setattr("kg.readers.text.check_raw", lambda path, raw: None)
    block = (
        "项目 | 金额 |\n基本支出 | 10 |\n项目支出 | 5 |\n"
        "乡镇\n金额\n东山镇\n2\n西江镇\n3\n北岭镇\n4\n"
        "项目 金额 项目 金额\n收入 10.00  支出 9.00\n其他收入 1.00  结余 2.00\n合计 11.00  合计 11.00\n"
        "本年度收入合计为三百二十万元，其中财政拨款收入为三百万元。\n"
    )
    text = block * (400_000 // block.count("\n"))
    started = time.perf_counter()
    doc = doc_of(text)
    elapsed = time.perf_counter() - started
    assert len(doc.tables) >= 3 * (400_000 // block.count("\n")) - 3
    assert elapsed < 60, elapsed


# --- text that arrives damaged: traditional characters, pinyin glosses, lost characters -----------


def test_glosses_and_lost_characters_are_read_away_and_kept_as_written(tmp_path: Path) -> None:
    from kg.readers import read_document
    from kg.records import Evidence

    path = tmp_path / "glossed.txt"
    path.write_text(
        "某縣衛(wèi)生健康局2024年部門決算說明\n"
        "本年度醫(yī)療救助支出合計(jì)1,250.50萬元?，較上年增加。\n"
        "項????目\t金額\n救助資金\t300.00\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert doc.converted_from_traditional
    assert "卫生健康局" in doc.text and "医疗救助支出合计1,250.50万元" in doc.text
    start = doc.text.index("医疗救助")
    evidence = Evidence.of(doc, start, start + 4)
    assert evidence.exact == "医疗救助" and evidence.written == "醫(yī)療救助"
    cell = doc.tables[0].rows[0].cells[0]
    assert cell.text == "项    目"
    assert Evidence.of(doc, cell.start, cell.end).written == "項????目"
    unchanged = doc.text.index("2024")
    assert Evidence.of(doc, unchanged, unchanged + 4).written is None


def test_a_question_mark_in_latin_text_is_kept() -> None:
    from kg.normalize import normalise

    assert normalise("Why? Because.") == "Why? Because."
    assert normalise("收入24,683.00?") == "收入24,683.00 "
