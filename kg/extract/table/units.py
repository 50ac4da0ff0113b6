"""The money unit of a table: stated in a header cell, (万元), or in the caption, 单位：万元."""

from __future__ import annotations

import re

_IN_HEADER = re.compile(r"[(（]\s*(万元|元|亿元)\s*[)）]|单位\s*[:：]\s*(万元|元|亿元)")
_IN_CAPTION = re.compile(r"(?:金额)?单位\s*[:：]\s*(亿元|万元|元)")


def header_unit(text: str) -> str | None:
    """万元 for 金额（万元） or 单位：万元 in a header cell."""
    m = _IN_HEADER.search(text)
    return (m.group(1) or m.group(2)) if m else None


def without_unit(text: str) -> str:
    """A header cell's words without the unit it states: 金额（万元） → 金额."""
    return _IN_HEADER.sub("", text)


def caption_unit(text: str) -> str | None:
    """The unit a caption line states (金额单位：元), if any."""
    m = _IN_CAPTION.search(text)
    return m.group(1) if m else None


def last_caption_unit(text: str, start: int, end: int) -> str | None:
    """The last unit stated between two offsets: the caption nearest above a table."""
    found = _IN_CAPTION.findall(text, start, end)
    return found[-1] if found else None
