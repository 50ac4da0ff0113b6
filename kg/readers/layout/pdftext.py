"""Text exported from PDF: page markers dropped, words broken by a hard line break joined.

Both are part of normalising the text, before any offset is fixed, and both only act where the
text shows it is safe:

- a page marker is a line that is nothing but `—9—`, `- 3 -`, `第 3 页` (`共 9 页`), `3/9`; a
  line that is only a number is a page number only between two lines of prose (in a table it is a
  cell);
- a unit split from its number (`563.48 万` / `元`) is joined wherever it occurs: no line starts
  with 元 or 万元;
- lines of prose are joined only in a hard-wrapped text, where many lines have the same length
  (the page width): a line that fills the width and does not end a sentence continues on the
  next, unless that one opens a list item or a heading. Chinese lines join without a space; a
  break between Latin words becomes a space.
"""

from __future__ import annotations

import re
from collections import Counter

_PAGE_MARK = re.compile(
    r"^\s*(?:[—–\-－]+\s*\d{1,4}\s*[—–\-－]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_BARE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_UNIT_HEAD = re.compile(r"^(?:[万亿千]?元)(?![\u4e00-\u9fff]{0,1}[:：])")
_UNIT_TAIL = re.compile(r"(?:\d|[万亿千])$")
_SENTENCE_END = re.compile(r"[。！？!?；;：:”」』）)]$")
_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十\d]+[章条节部])"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PROSE_MIN = 20  # a line this long with Chinese in it is prose
_WIDTH_SHARE = 0.4  # lines of the most common length must be this share of the prose lines
_MIN_WRAPPED = 8


def clean_pdf_text(text: str) -> str:
    """The text with page markers dropped and hard line breaks inside words and units joined."""
    lines = text.split("\n")
    lines = _drop_page_marks(lines)
    width = _page_width(lines)
    out: list[str] = []
    previous = ""  # the last physical line: whether it filled the page width decides
    for line in lines:
        joins = bool(out) and _joins(previous, line, width)
        previous = line
        if joins:
            prev = out[-1].rstrip()
            sep = " " if not _CJK.search(prev[-1:]) and not _CJK.search(line.lstrip()[:1]) else ""
            out[-1] = prev + sep + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def _prose(line: str | None) -> bool:
    return line is not None and len(line.strip()) >= _PROSE_MIN and bool(_CJK.search(line))


def _drop_page_marks(lines: list[str]) -> list[str]:
    out: list[str] = []
    for i, line in enumerate(lines):
        if _PAGE_MARK.match(line):
            continue
        if _BARE_NUMBER.match(line):
            before = next((ln for ln in reversed(out) if ln.strip()), None)
            after = next((ln for ln in lines[i + 1 : i + 4] if ln.strip()), None)
            # A page break falls inside running prose; a number between headings is a contents page.
            if (
                (before is None or (_prose(before) and not _ITEM.match(before)))
                and _prose(after)
                and not _ITEM.match(after)
            ):
                continue
        out.append(line)
    return out


def _page_width(lines: list[str]) -> int | None:
    """The length most prose lines share, when the text is hard-wrapped at a page width."""
    lengths = Counter(len(ln.strip()) for ln in lines if _prose(ln) and "\t" not in ln and "|" not in ln)
    total = sum(lengths.values())
    if total < _MIN_WRAPPED:
        return None
    width, _ = max(lengths.items(), key=lambda kv: (sum(lengths[w] for w in range(kv[0] - 1, kv[0] + 2)), kv[0]))
    near = sum(lengths[w] for w in range(width - 1, width + 2))
    return width if near >= max(_MIN_WRAPPED, _WIDTH_SHARE * total) else None


def _joins(prev: str, line: str, width: int | None) -> bool:
    a, b = prev.rstrip(), line.strip()
    if not a or not b or "\t" in prev or "\t" in line or "|" in prev or "|" in line:
        return False
    if _UNIT_HEAD.match(b) and _UNIT_TAIL.search(a):
        return True
    if width is None or len(a.lstrip()) < width - 1 or _SENTENCE_END.search(a) or _ITEM.match(b):
        return False
    return _prose(prev) and bool(_CJK.search(b[:1]) or b[:1].isdigit() or b[:1] in '（(“"')
