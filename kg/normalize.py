"""Text normalisation shared by every reader.

Readers normalise each piece of text *before* they assemble the document text, so every offset
in a `Document` already refers to the normalised text and no offset mapping is needed later.
Normalisation keeps Chinese punctuation as written (quotes must read like the report) and only
folds what makes the same value look different: full-width digits, Latin letters and number
symbols, odd spaces, line endings, and traditional characters.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Full-width forms whose half-width twin is what numbers, codes and comparisons use.
_FOLD = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FOLD.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FOLD.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FOLD.update(
    {
        "％": "%",
        "＋": "+",
        "－": "-",
        "＜": "<",
        "＞": ">",
        "＝": "=",
        "．": ".",
        "／": "/",
        "\u3000": " ",  # ideographic space
        "\u00a0": " ",  # no-break space
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": "",  # zero-width space
        "\ufeff": "",  # byte-order mark
        "\r": "",
    }
)
_TABLE = str.maketrans(_FOLD)

_HAN = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _t2s():  # pragma: no cover - trivial loader
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Fold widths and spaces; never changes Chinese characters."""
    return text.replace("\r\n", "\n").translate(_TABLE)


def is_traditional(text: str, threshold: float = 0.02) -> bool:
    """True when enough Han characters change under traditional→simplified conversion."""
    sample = text[:20000]
    han = _HAN.findall(sample)
    if len(han) < 20:
        return False
    converted = _t2s().convert(sample)
    if len(converted) != len(sample):
        return True  # phrase conversion changed the length: plenty of traditional text
    changed = sum(1 for a, b in zip(sample, converted, strict=True) if a != b)
    return changed / len(han) >= threshold


def to_simplified(text: str) -> str:
    """Convert traditional to simplified, line by line, keeping every line's length.

    OpenCC converts phrases, which is right for words like 乾隆 but may change a line's length;
    offsets must stay exact, so such a line is converted character by character instead.
    """
    converter = _t2s()
    out = []
    for line in text.split("\n"):
        converted = converter.convert(line)
        if len(converted) != len(line):
            converted = "".join(converter.convert(ch) if len(converter.convert(ch)) == 1 else ch for ch in line)
        out.append(converted)
    return "\n".join(out)


def normalise(text: str, *, traditional: bool = False) -> str:
    """Normalise one piece of report text. `traditional` asks for conversion to simplified."""
    folded = fold(text)
    return to_simplified(folded) if traditional else folded
