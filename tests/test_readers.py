"""Readers: every fixture is generated here, in tmp_path; the seed reports are read where they lie."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import seed_path

from kg.document import BlockKind, Document
from kg.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    FileTooLargeError,
    ReportError,
    UnsupportedFormatError,
)
from kg.readers import read_document

TRADITIONAL = "醫療保障局關於開展醫療救助補助資金績效評價工作的通知，請各單位認真組織實施並按時報送。"
SIMPLIFIED_PREFIX = "医疗保障局关于开展医疗救助补助资金绩效评价工作的通知"


def assert_offsets(doc: Document) -> None:
    """Every span of the document slices back to its own text."""
    for table in doc.tables:
        for row in table.rows:
            assert doc.text[row.start : row.end] == "\t".join(row.texts)
            for cell in row.cells:
                assert doc.text[cell.start : cell.end] == cell.text
    for block in doc.blocks:
        assert doc.text[block.start : block.end].strip()


def block_texts(doc: Document, kind: BlockKind) -> list[str]:
    return [doc.text[b.start : b.end] for b in doc.blocks if b.kind is kind]


# --- .docx ------------------------------------------------------------------------------------


def make_docx(path: Path, *, traditional: bool = False) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("一、部门基本情况", level=1)
    first = document.add_paragraph("本部门负责全县医疗保障工作。")
    first.add_run().add_break()  # a soft line break: the next line is its own paragraph
    first.add_run("第二行：预算单位共３个。")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "科目"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "金额（万元）"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "城乡医疗救助"
    table.cell(1, 1).text = "预算数"
    table.cell(1, 2).text = "执行数"
    table.cell(2, 1).text = "１２３．４５"
    table.cell(2, 2).text = "120.00"
    document.add_paragraph("表后说明：执行率97.2%。")
    if traditional:
        document.add_paragraph(TRADITIONAL)
    document.save(path)
    return path


def test_docx_order_tables_and_merges(tmp_path: Path) -> None:
    doc = read_document(make_docx(tmp_path / "report.docx"))

    assert doc.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert [b.kind for b in doc.blocks] == [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
        BlockKind.TABLE,
        BlockKind.PARAGRAPH,
    ]
    assert block_texts(doc, BlockKind.HEADING) == ["一、部门基本情况"]
    assert block_texts(doc, BlockKind.PARAGRAPH) == [
        "本部门负责全县医疗保障工作。",
        "第二行：预算单位共3个。",
        "表后说明：执行率97.2%。",
    ]
    assert len(doc.tables) == 1
    assert [row.texts for row in doc.tables[0].rows] == [
        ["科目", "金额（万元）", ""],  # horizontal merge: text first, "" in the spanned column
        ["城乡医疗救助", "预算数", "执行数"],
        ["", "123.45", "120.00"],  # vertical merge continuation is ""
    ]
    assert doc.text.count("城乡医疗救助") == 1
    assert doc.converted_from_traditional is False
    assert doc.page_at(0) is None
    assert_offsets(doc)


def test_docx_traditional_is_converted(tmp_path: Path) -> None:
    doc = read_document(make_docx(tmp_path / "trad.docx", traditional=True))
    assert doc.converted_from_traditional is True
    assert SIMPLIFIED_PREFIX in doc.text
    assert "醫療" not in doc.text
    assert_offsets(doc)


def test_docx_not_a_zip_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"this is not a zip archive at all")
    with pytest.raises(CorruptFileError, match=re.escape("broken.docx")):
        read_document(path)


def test_docx_zip_without_word_parts_is_corrupt(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    with pytest.raises(CorruptFileError, match=re.escape("other.docx")):
        read_document(path)


def test_docx_in_ole_container_is_encrypted(tmp_path: Path) -> None:
    # The shape of an encrypted .docx: a CFB header and an EncryptedPackage stream name.
    path = tmp_path / "locked.docx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    with pytest.raises(EncryptedFileError, match=re.escape("locked.docx")):
        read_document(path)


# --- .pdf -------------------------------------------------------------------------------------


def make_pdf(path: Path) -> Path:
    """Two pages of Chinese text in reportlab's built-in STSong-Light CID font, with a ruled table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=12, leading=18)
    table = Table(
        [
            ["科目编码", "科目名称", "金额（元）", ""],
            ["", "", "预算数", "决算数"],
            ["2101301", "城乡医疗救助", "18640207.36", "18640207.36"],
        ]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("SPAN", (2, 0), (3, 0)),
                ("SPAN", (0, 0), (0, 1)),
                ("SPAN", (1, 0), (1, 1)),
            ]
        )
    )
    story = [
        Paragraph("一、部门基本情况", style),
        Paragraph("本部门负责全县医疗保障工作。", style),
        table,
        Paragraph("表后说明：决算数与预算数一致。", style),
        PageBreak(),
        Paragraph("第二页：医疗救助资金使用规范。", style),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def test_pdf_pages_tables_and_reading_order(tmp_path: Path) -> None:
    doc = read_document(make_pdf(tmp_path / "report.pdf"))

    assert doc.media_type == "application/pdf"
    assert [p.number for p in doc.pages] == [1, 2]
    assert [(b.kind, b.page) for b in doc.blocks] == [
        (BlockKind.HEADING, 1),
        (BlockKind.PARAGRAPH, 1),
        (BlockKind.TABLE, 1),
        (BlockKind.PARAGRAPH, 1),
        (BlockKind.PARAGRAPH, 2),
    ]
    phrase = "医疗救助资金使用规范"
    assert doc.page_at(doc.text.index(phrase)) == 2
    assert doc.page_at(doc.text.index("表后说明")) == 1

    (table,) = doc.tables
    assert table.page == 1
    assert [row.texts for row in table.rows] == [
        ["科目编码", "科目名称", "金额（元）", ""],
        ["", "", "预算数", "决算数"],
        ["2101301", "城乡医疗救助", "18640207.36", "18640207.36"],
    ]
    # Table text is in the table only, never repeated as a paragraph.
    assert doc.text.count("城乡医疗救助") == 1
    assert not any("2101301" in text for text in block_texts(doc, BlockKind.PARAGRAPH))
    assert_offsets(doc)


def test_pdf_encrypted(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(100, 700, "budget 2023")
    pdf.save()
    with pytest.raises(EncryptedFileError, match=re.escape("locked.pdf")):
        read_document(path)


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scanned.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 400, 600, fill=1)  # stands in for a scanned page image
    pdf.save()
    with pytest.raises(EmptyFileError, match=re.escape("scanned.pdf")) as caught:
        read_document(path)
    assert "OCR" in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [b"garbage bytes that are not a PDF", b"%PDF-1.4\n1 0 obj << /Type /Catalog"],
    ids=["garbage", "truncated"],
)
def test_pdf_corrupt(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(CorruptFileError, match=re.escape("broken.pdf")):
        read_document(path)


def test_pdf_cut_short_is_corrupt(tmp_path: Path) -> None:
    whole = make_pdf(tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[:600])
    with pytest.raises(CorruptFileError, match=re.escape("cut.pdf")):
        read_document(path)


def test_pdf_wrapped_cell_lines_are_joined() -> None:
    from kg.readers.pdf import _join_lines

    assert _join_lines("城乡医疗\n救助") == "城乡医疗救助"
    assert _join_lines("1,234,\n567.00") == "1,234,567.00"
    assert _join_lines("Total\nbudget") == "Total budget"


# --- .html ------------------------------------------------------------------------------------

GOV_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某县医疗保障局2023年度部门决算公开</title>
<script>var tracker = "统计脚本内容";</script>
<style>.nav { color: red; }</style>
</head><body>
<header><div class="logo">某县人民政府门户网站</div></header>
<nav><a href="/">首页</a><a href="/zwgk">政务公开</a></nav>
<div class="sidebar"><ul><li><a href="/a">通知公告</a></li><li><a href="/b">人事任免</a></li></ul></div>
<div class="main-wrap">
  <div class="article-content">
    <h2>一、收入支出决算总体情况说明</h2>
    <p>　　2023年度收入总计１２３４．５６万元。<br>支出总计1200.00万元。</p>
    <table border="1">
      <tr><td rowspan="2">项目</td><td colspan="2">金额（万元）</td></tr>
      <tr><td>预算数</td><td>决算数</td></tr>
      <tr><td>城乡医疗救助</td><td>500.00</td><td>498.50</td></tr>
    </table>
    <div>二、其他说明&nbsp;&nbsp;&nbsp;本年度无政府性基金收支。</div>
  </div>
</div>
<footer><p>版权所有：某县人民政府 备案号12345</p></footer>
<form action="/search"><input name="q"><button>搜索站内</button></form>
</body></html>
"""


def test_html_gb18030_with_noise_and_spanned_table(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(GOV_PAGE.encode("gb18030"))
    doc = read_document(path)

    assert doc.media_type == "text/html"
    assert doc.encoding == "gb18030"
    for noise in ("首页", "政务公开", "通知公告", "版权所有", "统计脚本", "color", "门户网站", "搜索站内"):
        assert noise not in doc.text
    assert [b.kind for b in doc.blocks] == [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
        BlockKind.TABLE,
        BlockKind.PARAGRAPH,
    ]
    assert block_texts(doc, BlockKind.HEADING) == ["一、收入支出决算总体情况说明"]
    assert block_texts(doc, BlockKind.PARAGRAPH) == [
        "2023年度收入总计1234.56万元。",  # full-width digits folded; <br> splits the lines
        "支出总计1200.00万元。",
        "二、其他说明 本年度无政府性基金收支。",
    ]
    assert [row.texts for row in doc.tables[0].rows] == [
        ["项目", "金额（万元）", ""],
        ["", "预算数", "决算数"],
        ["城乡医疗救助", "500.00", "498.50"],
    ]
    assert_offsets(doc)


def test_html_title_becomes_heading_and_body_fallback(tmp_path: Path) -> None:
    # No <article>, no named container, no heading: the text-heavy block is found by its text.
    page = (
        "<html><head><meta charset='utf-8'><title>某县2022年度项目支出绩效自评报告</title></head><body>"
        "<div><a href='/'>返回首页</a></div>"
        "<div><div><p>项目资金已全部拨付到位，资金使用合规。</p><p>自评得分95分，等级为优。</p></div></div>"
        "</body></html>"
    )
    path = tmp_path / "plain.htm"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path)
    assert block_texts(doc, BlockKind.HEADING) == ["某县2022年度项目支出绩效自评报告"]
    assert doc.blocks[0].kind is BlockKind.HEADING
    assert block_texts(doc, BlockKind.PARAGRAPH) == [
        "项目资金已全部拨付到位，资金使用合规。",
        "自评得分95分，等级为优。",
    ]
    assert "返回首页" not in doc.text


def test_html_article_wins_and_traditional_converted(tmp_path: Path) -> None:
    page = (
        "<html><head><meta charset='big5'></head><body><div class='content'>側欄連結</div>"
        f"<article><h1>醫療保障局公告</h1><p>{TRADITIONAL}</p></article></body></html>"
    )
    path = tmp_path / "big5.html"
    path.write_bytes(page.encode("big5"))
    doc = read_document(path)
    assert doc.encoding == "big5"
    assert doc.converted_from_traditional is True
    assert block_texts(doc, BlockKind.HEADING) == ["医疗保障局公告"]
    assert SIMPLIFIED_PREFIX in doc.text
    assert "侧栏" not in doc.text


def test_html_aspnet_form_and_layout_tables(tmp_path: Path) -> None:
    # Old CMS pages: the whole page in one <form>, laid out with nested tables, a stale GB2312
    # label on a page that was re-saved as UTF-8.
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        '<body><form id="form1" action="x.aspx"><table>'
        '<tr><td><a href="/">首页</a> <a href="/b">机构设置</a></td></tr>'
        "<tr><td><table><tr><td><h3>某县医疗保障局2023年部门预算公开</h3><!-- 正文开始 -->"
        "<p>一、部门职责：负责全县医疗保障工作，组织实施医疗救助。</p>"
        "<table border='1'><tr><th>科目</th><th>金额</th></tr><tr><td>2101301</td><td>1,000.00</td></tr></table>"
        "<p>二、其他说明</p></td></tr></table></td></tr>"
        "</table></form></body></html>"
    )
    path = tmp_path / "aspx.html"
    path.write_bytes(page.encode("utf-8"))
    doc = read_document(path)
    assert doc.encoding == "utf-8"
    assert [b.kind for b in doc.blocks] == [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.TABLE,
        BlockKind.PARAGRAPH,
    ]
    assert [row.texts for row in doc.tables[0].rows] == [["科目", "金额"], ["2101301", "1,000.00"]]
    assert "首页" not in doc.text
    assert "正文开始" not in doc.text
    assert_offsets(doc)


def test_html_empty_and_binary(tmp_path: Path) -> None:
    blank = tmp_path / "blank.html"
    blank.write_text("<html><body><script>x = 1</script></body></html>", encoding="utf-8")
    with pytest.raises(EmptyFileError, match=re.escape("blank.html")):
        read_document(blank)
    binary = tmp_path / "binary.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(CorruptFileError, match=re.escape("binary.html")):
        read_document(binary)


# --- .txt -------------------------------------------------------------------------------------


def test_txt_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "gb.txt"
    path.write_bytes("一、部门概况\n柳林县医疗保障局2022年度支出决算。\n".encode("gb18030"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert doc.media_type == "text/plain"
    assert block_texts(doc, BlockKind.HEADING) == ["一、部门概况"]
    assert "柳林县医疗保障局2022年度支出决算。" in doc.text


def test_txt_utf8_bom_and_full_width_digits(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff支出合计１２３４．５６万元，占比５０％。\n".encode())
    doc = read_document(path)
    assert doc.encoding == "utf-8-sig"
    assert doc.text.startswith("支出合计1234.56万元，占比50%。")
    assert "\ufeff" not in doc.text


def test_txt_traditional_is_converted(tmp_path: Path) -> None:
    path = tmp_path / "trad.txt"
    path.write_text(TRADITIONAL + "\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.converted_from_traditional is True
    assert doc.text.startswith(SIMPLIFIED_PREFIX)
    assert len(doc.text) == len(TRADITIONAL) + 1  # conversion kept every offset


def test_txt_tab_lines_become_table(tmp_path: Path) -> None:
    path = tmp_path / "table.txt"
    path.write_text("说明文字\n科目\t金额\n2101301\t１００\n结尾\n", encoding="utf-8")
    doc = read_document(path)
    assert [row.texts for row in doc.tables[0].rows] == [["科目", "金额"], ["2101301", "100"]]
    assert [b.kind for b in doc.blocks] == [BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.PARAGRAPH]
    assert_offsets(doc)


# --- errors shared by every format ------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf", "empty.docx", "empty.html"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError, match=re.escape(name)):
        read_document(path)


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "spaces.txt"
    path.write_text(" \n\u3000\n", encoding="utf-8")
    with pytest.raises(EmptyFileError, match=re.escape("spaces.txt")):
        read_document(path)


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("预算" * 100, encoding="utf-8")
    with pytest.raises(FileTooLargeError, match=re.escape("big.txt")):
        read_document(path, max_bytes=10)


@pytest.mark.parametrize("name", ["slides.pptx", "scan.jpg", "noext"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"some bytes")
    with pytest.raises(UnsupportedFormatError, match=re.escape(name)):
        read_document(path)


def test_errors_are_report_errors() -> None:
    assert issubclass(EncryptedFileError, ReportError)
    message = str(CorruptFileError(Path("x/y.pdf"), "bad xref"))
    assert message.startswith("x/y.pdf: file is corrupt")
    assert message.endswith("(bad xref)")


# --- seed reports -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_seed_reads_with_exact_offsets(seed_documents: dict[str, Document], key: str) -> None:
    seed_path(key)
    doc = seed_documents[key]
    assert doc.text.strip()
    assert doc.encoding == "utf-8"
    assert doc.converted_from_traditional is False
    assert "医疗保障" in doc.text
    assert_offsets(doc)


def test_seed_002_table_row(seed_documents: dict[str, Document]) -> None:
    seed_path("002")
    doc = seed_documents["002"]
    rows = [row for table in doc.tables for row in table.rows if row.texts[:1] == ["2101301"]]
    assert rows, "seed 002 has rows for functional code 2101301"
    row = next(r for r in rows if r.texts[:4] == ["2101301", "城乡医疗救助", "18640207.36", "18640207.36"])
    cell = row.cells[2]
    assert doc.text[cell.start : cell.end] == "18640207.36"


def test_seed_003_project_code(seed_documents: dict[str, Document]) -> None:
    seed_path("003")
    doc = seed_documents["003"]
    start = doc.text.index("50015221T000000052688")
    assert doc.quote(start, start + 21) == "50015221T000000052688"
    assert doc.tables


def test_seed_000_is_prose(seed_documents: dict[str, Document]) -> None:
    seed_path("000")
    doc = seed_documents["000"]
    assert doc.tables == []
    assert "井研县医疗保障局" in doc.text
    assert any(doc.text[b.start : b.end].startswith("第一部分") for b in doc.blocks if b.kind is BlockKind.HEADING)
