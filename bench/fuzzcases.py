"""Malformed inputs of every format FundKG reads, for bench/fuzz.py.

`Bases` holds well-formed reports of each format, made here from the bundled samples (Word and
spreadsheet files written with python-docx and by hand, a PDF with reportlab when it is installed,
.xls and .doc converted by LibreOffice when asked for). `make_case(seed, index, bases)` derives one
case from them — the same case for the same seed and index, whichever process makes it — by one of
the `KINDS`: byte flips, truncations, splices, random Unicode, huge lines, huge and deep tables,
broken and bomb zips, broken PDFs, empty files, junk with a known extension, other encodings
(GB18030, Big5, UTF-16, UTF-32, with and without byte-order marks, cut mid-character) and extreme
numbers.
"""

from __future__ import annotations

import codecs
import functools
import io
import random
import shutil
import struct
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TEXT_SUFFIXES = (".txt", ".md")
ALL_SUFFIXES = (".txt", ".md", ".html", ".docx", ".pdf", ".xlsx", ".xls", ".ods", ".doc")

EXTREME_NUMBERS = [
    "9" * 5000, "1e999999", "1E-999999", "0." + "0" * 3000 + "1", "-0", "−0.00", "1,2,3,4,5,6",
    "12,345,678,901,234,567,890.123456789", "１２３４５６７８９０", "١٢٣٤٥", "𝟏𝟐𝟑", "NaN", "Infinity", "1.2.3.4",
    "99999999999999999999999999999999999999.99", "0x1F", "1_000_000", "۱۲۳", "२३४", "〇", "一亿亿亿亿",
    "9" * 30 + "." + "9" * 30, "-" * 10 + "5", "1e+308", "4.9e-324", "1" * 400 + "," + "0" * 3, "12.3,456",
    "1.,5", "７٩3᭖१.,۸౦", "1٫5", "1 234.5 6", "0,001.00", ".5", "5.", "1,,000", "¥-−1",
]  # fmt: skip


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    kind: str


@dataclass
class Bases:
    """Well-formed reports to start from, by suffix; texts for the text-made cases."""

    files: dict[str, list[bytes]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # a budget table, for the table cases

    def of(self, suffix: str) -> list[bytes]:
        return self.files.get(suffix, [])


# --- well-formed bases ---------------------------------------------------------------------------


def _budget_rows(text: str) -> list[list[str]]:
    rows = [line.split("\t") for line in text.splitlines() if line.count("\t") >= 2]
    return rows or [["科目编码", "科目名称", "本年支出合计"], ["2101301", "城乡医疗救助", "8,124,000.00"]]


def docx_bytes(paragraphs: list[str], rows: list[list[str]]) -> bytes:
    """A minimal Word file written by hand: a heading, paragraphs and one table (python-docx's
    `table.cell` is quadratic, too slow for the huge tables)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def para(text: str, style: str = "") -> str:
        props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f"<w:p>{props}<w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r></w:p>"

    body = [para(paragraphs[0][:40] if paragraphs else "报告", "Heading1"), *(para(p) for p in paragraphs[1:])]
    if rows:
        width = max(len(r) for r in rows)
        grid = "".join("<w:gridCol/>" for _ in range(width))
        body.append(f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>" + "".join(
            "<w:tr>" + "".join(f"<w:tc>{para(v)}</w:tc>" for v in row + [""] * (width - len(row))) + "</w:tr>"
            for row in rows) + "</w:tbl>")  # fmt: skip
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{"".join(body)}'
            "</w:body></w:document>"
        ),
    }
    return _zip(parts)


def _column(n: int) -> str:
    name = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    """A minimal workbook written by hand (inline strings), so no spreadsheet library is needed."""
    cells = "".join(
        f'<row r="{r + 1}">'
        + "".join(f'<c r="{_column(c)}{r + 1}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                  for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="支出决算表" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>'
        ),
    }
    return _zip(parts)


def ods_bytes(rows: list[list[str]]) -> bytes:
    """A minimal OpenDocument spreadsheet written by hand."""
    body = "".join(
        "<table:table-row>"
        + "".join(f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'
                  for v in row)
        + "</table:table-row>"
        for row in rows
    )
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip
    parts = {
        "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
        "META-INF/manifest.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>'
        ),
        "content.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
            f'<office:body><office:spreadsheet><table:table table:name="支出决算表">{body}</table:table>'
            "</office:spreadsheet></office:body></office:document-content>"
        ),
    }
    return _zip(parts)


def _zip(parts: dict[str, str | bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return buffer.getvalue()


def pdf_bytes(paragraphs: list[str], rows: list[list[str]]) -> bytes | None:
    """A two-page PDF with Chinese text and a ruled table (reportlab's CID font); None without reportlab."""
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle
    except ImportError:
        return None
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10, leading=14)
    buffer = io.BytesIO()
    story: list[object] = [Paragraph(escape(p), style) for p in paragraphs[:12]]
    story.append(PageBreak())
    table = Table([[Paragraph(escape(c), style) for c in row] for row in rows[:15]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    story.append(table)
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def _convert(data: bytes, source: str, target: str) -> bytes | None:
    """LibreOffice's conversion of a file, or None when soffice is absent or fails."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"base{source}"
        src.write_bytes(data)
        try:
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to",
                            target.lstrip("."), "--outdir", tmp, str(src)],
                           capture_output=True, timeout=180, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            return None
        out = Path(tmp) / f"base{target}"
        return out.read_bytes() if out.exists() else None


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")  # one of the sample notices is in GB18030


def make_bases(*, office: bool = False) -> Bases:
    """Bases from the bundled samples; `office` also converts .xls and .doc with LibreOffice (slow)."""
    bases = Bases()
    raw = [p.read_bytes() for p in sorted(SAMPLES.rglob("*")) if p.suffix in TEXT_SUFFIXES and p.stem != "README"]
    texts = [_text(data) for data in raw]
    bases.texts = texts
    bases.rows = _budget_rows(max(texts, key=lambda t: t.count("\t")))
    bases.files[".txt"] = raw
    bases.files[".md"] = raw[:1]
    bases.files[".html"] = [p.read_bytes() for p in sorted(SAMPLES.rglob("*.html"))]
    lines = [line for line in max(texts, key=len).splitlines() if line.strip() and "\t" not in line]
    bases.files[".docx"] = [docx_bytes(lines, bases.rows)]
    bases.files[".xlsx"] = [xlsx_bytes(bases.rows)]
    bases.files[".ods"] = [ods_bytes(bases.rows)]
    pdf = pdf_bytes(lines, bases.rows)
    if pdf:
        bases.files[".pdf"] = [pdf]
    if office:
        for source, target in ((".xlsx", ".xls"), (".docx", ".doc")):
            converted = _convert(bases.files[source][0], source, target)
            if converted:
                bases.files[target] = [converted]
    return bases


# --- mutations -----------------------------------------------------------------------------------


def _flip(rnd: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 32)):
        if out:
            out[rnd.randrange(len(out))] ^= 1 << rnd.randrange(8)
    return bytes(out)


def _unicode(rnd: random.Random, length: int) -> str:
    ranges = [(0x20, 0x7E), (0x4E00, 0x9FFF), (0x3000, 0x303F), (0xFF00, 0xFFEF), (0x0, 0x1F), (0x80, 0x2FF),
              (0x590, 0x6FF), (0x300, 0x36F), (0xE000, 0xF8FF), (0x1F300, 0x1FAFF), (0xFFF0, 0xFFFF),
              (0x2000, 0x206F)]  # fmt: skip
    out = []
    for _ in range(length):
        lo, hi = rnd.choice(ranges)
        out.append(chr(rnd.randint(lo, hi)))
    return "".join(out)


def _mangle_zip(rnd: random.Random, data: bytes) -> bytes:
    """A damaged archive: a part gone, a bad CRC, an unknown method or version, the encrypted flag, or a
    directory that lies about sizes."""
    choice = rnd.randrange(6)
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {i.filename: source.read(i) for i in source.infolist()}
    if choice == 0 and parts:
        parts.pop(rnd.choice(sorted(parts)))
        return _zip(parts)
    out = bytearray(data)
    headers = [i for i in range(len(out) - 4) if out[i : i + 4] in (b"PK\x03\x04", b"PK\x01\x02")]
    if not headers:
        return bytes(out)
    at = rnd.choice(headers)
    local = out[at : at + 4] == b"PK\x03\x04"
    if choice == 1:  # compression method
        offset = 8 if local else 10
        out[at + offset : at + offset + 2] = struct.pack("<H", rnd.choice([1, 6, 9, 12, 14, 95, 99, 0xFFFF]))
    elif choice == 2:  # general purpose flags: encrypted
        offset = 6 if local else 8
        out[at + offset] |= 0x01
    elif choice == 3:  # CRC
        offset = 14 if local else 16
        out[at + offset : at + offset + 4] = rnd.randbytes(4)
    elif choice == 4:  # sizes
        offset = 18 if local else 20
        out[at + offset : at + offset + 8] = struct.pack("<II", rnd.randrange(2**32), rnd.randrange(2**32))
    else:  # version needed
        offset = 4 if local else 6
        out[at + offset : at + offset + 2] = struct.pack("<H", rnd.randrange(2**16))
    return bytes(out)


def _bomb(rnd: random.Random, suffix: str) -> bytes:
    """A zip bomb in an Office container: one part of zeros compressed 1000:1, too much in all, or too many parts."""
    kind = rnd.randrange(3)
    size = rnd.choice([8, 64, 150]) * 2**20 if kind == 0 else 210 * 2**20
    return _bomb_of(suffix, kind, size if kind < 2 else rnd.randint(10_001, 12_000))


@functools.cache
def _bomb_of(suffix: str, kind: int, size: int) -> bytes:  # cached: deflating 200 MB takes a while
    inner = {".docx": "word/document.xml", ".xlsx": "xl/worksheets/sheet1.xml", ".ods": "content.xml"}[suffix]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if kind == 2:
            for i in range(size):
                z.writestr(f"x/{i}", b"")
        else:
            with z.open(inner, "w") as part:
                block = b"\0" * 2**20
                for _ in range(size // len(block)):
                    part.write(block)
    return buffer.getvalue()


def _broken_pdf(rnd: random.Random, bases: Bases) -> bytes:
    base = rnd.choice(bases.of(".pdf") or [b"%PDF-1.4\n"])
    choice = rnd.randrange(6)
    if choice == 0:
        return base[: rnd.randrange(len(base))]
    if choice == 1:  # the cross-reference table garbled
        at = base.rfind(b"xref")
        return base[:at] + rnd.randbytes(200) + base[at + 200 :] if at > 0 else _flip(rnd, base)
    if choice == 2:  # a page tree that names itself as its kid, a huge page count
        return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                b"2 0 obj<</Type/Pages/Kids[2 0 R]/Count 999999999>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF")  # fmt: skip
    if choice == 3:  # a stream whose /Length lies
        return base.replace(b"/Length ", b"/Length 9", 3)
    if choice == 4:  # an /Encrypt dictionary without a key
        return base.replace(b"trailer", b"trailer\n<</Encrypt<</Filter/Standard/V 9>>>>\n", 1)
    return b"%PDF-1.7\n" + rnd.randbytes(rnd.randint(10, 5000))


def _table_text(rnd: random.Random, rows: int, cols: int, sep: str) -> str:
    header = sep.join(f"列{c}" for c in range(cols))
    body = "\n".join(
        sep.join(str(rnd.randint(0, 10**9)) if c else f"项目{r}" for c in range(cols)) for r in range(rows)
    )
    if sep == "|":
        return f"|{header}|\n" + "\n".join(f"|{line}|" for line in body.split("\n"))
    return f"{header}\n{body}"


def _huge_table(rnd: random.Random, suffix: str) -> bytes:
    rows, cols = rnd.choice([(2000, 5), (20_000, 3), (5000, 20), (200, 200), (60_000, 2)])
    if suffix in TEXT_SUFFIXES:
        sep = rnd.choice(["\t", "|", "  "])
        return ("支出决算表\n单位：万元\n" + _table_text(rnd, rows, cols, sep)).encode("utf-8")
    grid = [[f"项目{r}" if c == 0 else str(rnd.randint(0, 10**9)) for c in range(cols)] for r in range(rows)]
    if suffix == ".html":
        body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in grid)
        return f"<html><body><h1>支出决算表</h1><table>{body}</table></body></html>".encode()
    if suffix == ".docx":
        return docx_bytes(["支出决算表"], grid)
    if suffix == ".ods":
        return ods_bytes(grid)
    return xlsx_bytes(grid)


def _deep(rnd: random.Random, suffix: str) -> bytes:
    depth = rnd.choice([50, 200, 1000, 5000])
    if suffix == ".html":
        tag = rnd.choice(["div", "table><tr><td", "span", "ul><li"])
        close = "".join(f"</{t.split('>')[0]}>" for t in reversed(tag.split("><")))
        return (f"<html><body>{f'<{tag}>' * depth}收入合计100万元{close * depth}</body></html>").encode()
    return ("（" * depth + "收入合计100万元" + "）" * depth).encode("utf-8")


def _encoded(rnd: random.Random, text: str) -> bytes:
    name = rnd.choice(["gb18030", "big5", "utf-16-le", "utf-16-be", "utf-32-le", "gbk", "utf-16", "utf-8-sig"])
    data = text.encode(name, errors="replace")
    if rnd.random() < 0.5:
        bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE}
        data = bom.get(name, b"") + data
    if rnd.random() < 0.5:
        data = data[: len(data) - rnd.randint(1, 3)]  # cut inside a character
    if rnd.random() < 0.2:
        cut = rnd.randrange(len(data))
        data = data[:cut] + "混合编码".encode(rnd.choice(["utf-8", "gb18030"])) + data[cut:]
    return data


def _numbers_text(rnd: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rnd.randint(1, 20)):
        number = rnd.choice(EXTREME_NUMBERS)
        unit = rnd.choice(["万元", "元", "亿元", "万", "%", "", "人次"])
        i = rnd.randrange(len(lines))
        if "\t" in lines[i] and rnd.random() < 0.7:
            cells = lines[i].split("\t")
            cells[rnd.randrange(len(cells))] = number
            lines[i] = "\t".join(cells)
        else:
            lines[i] += f"，其中本年支出合计{number}{unit}，增长{rnd.choice(EXTREME_NUMBERS)}%。"
    return "\n".join(lines)


# --- the cases -----------------------------------------------------------------------------------


def _name(rnd: random.Random, suffix: str) -> str:
    return f"case-{rnd.randrange(10**9):09d}{suffix}"


def _structured(rnd: random.Random, bases: Bases, suffixes: tuple[str, ...]) -> tuple[str, bytes]:
    options = [s for s in suffixes if bases.of(s)]
    suffix = rnd.choice(options)
    return suffix, rnd.choice(bases.of(suffix))


def _kind_flip(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix, data = _structured(rnd, bases, ALL_SUFFIXES)
    return suffix, _flip(rnd, data)


def _kind_truncate(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix, data = _structured(rnd, bases, ALL_SUFFIXES)
    return suffix, data[: rnd.randrange(1, max(2, len(data)))]


def _kind_splice(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix, a = _structured(rnd, bases, ALL_SUFFIXES)
    _, b = _structured(rnd, bases, ALL_SUFFIXES)
    return suffix, a[: rnd.randrange(len(a))] + b[rnd.randrange(len(b)) :]


def _kind_unicode(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix = rnd.choice(ALL_SUFFIXES)
    text = _unicode(rnd, rnd.choice([1, 50, 5000, 100_000]))
    if suffix == ".html":
        text = f"<html><body><p>{text}</p><table><tr><td>{text[:50]}</td></tr></table></body></html>"
    if suffix == ".docx":
        return suffix, docx_bytes([text[:200], text], [[text[:20], "1"]])
    return suffix, text.encode("utf-8", errors="surrogatepass")


def _kind_huge_line(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix = rnd.choice((".txt", ".md", ".html"))
    unit = rnd.choice(["收入合计1,234.56万元，", "a", "\u3000", "一二三四五六七八九十", "|", "（", "¥"])
    line = unit * (rnd.choice([200_000, 1_000_000, 4_000_000]) // len(unit))
    if suffix == ".html":
        return suffix, f"<html><body><p>{line}</p></body></html>".encode()
    return suffix, (rnd.choice(bases.texts) + "\n" + line + "\n").encode("utf-8")


def _kind_huge_table(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix = rnd.choice((".txt", ".md", ".html", ".docx", ".xlsx", ".ods"))
    return suffix, _huge_table(rnd, suffix)


def _kind_deep(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix = rnd.choice((".html", ".txt"))
    return suffix, _deep(rnd, suffix)


def _kind_broken_zip(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix, data = _structured(rnd, bases, (".docx", ".xlsx", ".ods"))
    return suffix, _mangle_zip(rnd, data)


def _kind_bomb(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix = rnd.choice((".docx", ".xlsx", ".ods"))
    return suffix, _bomb(rnd, suffix)


def _kind_broken_pdf(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    return ".pdf", _broken_pdf(rnd, bases)


def _kind_empty(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix = rnd.choice(ALL_SUFFIXES)
    return suffix, rnd.choice([b"", b" ", b"\n\n\t ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\x00", b"<html></html>"])


def _kind_junk(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix = rnd.choice(ALL_SUFFIXES)
    magic = [b"", b"PK\x03\x04", b"%PDF-1.4\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>", b"\xff\xfe"]
    prefix = rnd.choice(magic)
    return suffix, prefix + rnd.randbytes(rnd.choice([1, 100, 10_000, 500_000]))


def _kind_encoding(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix = rnd.choice((".txt", ".md", ".html"))
    text = rnd.choice(bases.texts)
    if suffix == ".html":
        charset = rnd.choice(["gb2312", "big5", "utf-8", "utf-16", "iso-8859-1", "x-unknown"])
        text = f'<html><head><meta charset="{charset}"></head><body><p>{text}</p></body></html>'
    return suffix, _encoded(rnd, text)


def _kind_numbers(rnd: random.Random, bases: Bases) -> tuple[str, bytes]:
    suffix = rnd.choice((".txt", ".md", ".html", ".docx", ".xlsx"))
    text = _numbers_text(rnd, rnd.choice(bases.texts))
    if suffix in TEXT_SUFFIXES:
        return suffix, text.encode("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if "\t" in line] or [[rnd.choice(EXTREME_NUMBERS)]]
    if suffix == ".html":
        body = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if "\t" not in line)
        table = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        return suffix, f"<html><body>{body}<table>{table}</table></body></html>".encode()
    if suffix == ".docx":
        return suffix, docx_bytes([line for line in text.splitlines() if "\t" not in line], rows)
    return suffix, xlsx_bytes(rows)


KINDS: dict[str, tuple[int, Callable[[random.Random, Bases], tuple[str, bytes]]]] = {
    "byte-flip": (20, _kind_flip),
    "truncation": (12, _kind_truncate),
    "splice": (6, _kind_splice),
    "random-unicode": (8, _kind_unicode),
    "huge-line": (3, _kind_huge_line),
    "huge-table": (4, _kind_huge_table),
    "deep-nesting": (3, _kind_deep),
    "broken-zip": (10, _kind_broken_zip),
    "zip-bomb": (2, _kind_bomb),
    "broken-pdf": (6, _kind_broken_pdf),
    "empty": (4, _kind_empty),
    "junk": (8, _kind_junk),
    "encoding": (8, _kind_encoding),
    "extreme-numbers": (10, _kind_numbers),
}


def make_case(seed: int, index: int, bases: Bases) -> Case:
    """Case `index` of the run with `seed`: the same bytes whichever process makes it."""
    rnd = random.Random(seed * 1_000_003 + index)
    names = list(KINDS)
    kind = rnd.choices(names, weights=[KINDS[k][0] for k in names])[0]
    suffix, data = KINDS[kind][1](rnd, bases)
    return Case(_name(rnd, suffix), data, kind)
