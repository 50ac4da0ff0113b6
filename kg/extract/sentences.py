"""Sentence bounds around a span of the normalised document text.

A sentence ends at 。！？；!?; (the terminator belongs to the sentence), and always at a newline or a
tab: table cells are tab-separated, so a cell is never merged with its neighbours. A terminator
inside brackets, quotes or a 《title》 does not end the sentence, so a citation such as
《…的通知》（…号） keeps its whole sentence. Brackets are counted per line only: an unbalanced
bracket cannot swallow more than its own line.
"""

from __future__ import annotations

import re

_OPENERS = frozenset("《（(〔［[【〈“‘「『﹝〖")
_CLOSERS = frozenset("》）)〕］]】〉”’」』﹞〗")
_TERMINATORS = frozenset("。！？；!?;")
# Only the characters that matter to the scan; everything else is skipped by the regex engine.
_MARKS = re.compile("[" + re.escape("".join(sorted(_OPENERS | _CLOSERS | _TERMINATORS))) + "]")
_SPACE = " \u3000"


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The run of text around the span that holds no newline and no tab."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\t", 0, start)) + 1
    stops = [i for i in (text.find("\n", end), text.find("\t", end)) if i != -1]
    line_end = min(stops) if stops else len(text)
    return line_start, line_end


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end offsets of the sentence holding `text[start:end]`, surrounding spaces trimmed."""
    line_start, line_end = _line_bounds(text, start, end)
    s, e = line_start, line_end
    depth = 0
    for m in _MARKS.finditer(text, line_start, line_end):
        ch, pos = m.group(), m.start()
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)  # a stray closer must not push later text below zero
        elif depth == 0:
            if pos < start:
                s = pos + 1
            elif pos >= end:
                e = pos + 1
                break
    while s < e and text[s] in _SPACE:
        s += 1
    while e > s and text[e - 1] in _SPACE:
        e -= 1
    return s, e
