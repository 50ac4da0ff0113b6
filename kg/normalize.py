"""Text normalisation shared by every reader.

Readers normalise each piece of text *before* they assemble the document text, so every offset
in a `Document` already refers to the normalised text and no offset mapping is needed later.
Normalisation keeps Chinese punctuation as written (quotes must read like the report) and only
folds what makes the same value look different: full-width digits, Latin letters and number
symbols, odd spaces, line endings, and traditional characters.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
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


# A pinyin gloss right after the character it glosses: 醫(yī), 學（xué）. Tone marks make it a gloss
# (a bare "(a)" after a name is a list mark); web copies of traditional reports often carry them.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_HAS_TONE = re.compile(f"[{_TONED}]")
_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])[(（][a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*[)）]")
# Characters a lossy conversion wrote as "?" (indents ????, a trailing 24,683.00?): next to a Han
# character or a digit they stand for lost spaces; an ASCII question mark elsewhere is kept.
_LOST = re.compile(r"(?<=[\u4e00-\u9fff\d])\?+|\?+(?=[\u4e00-\u9fff\d])")


@dataclass(frozen=True)
class Normalised:
    """Text as the extractors read it, and as the report wrote it.

    `written` is the text with widths folded only; `text` has traditional characters simplified
    (character for character), lost-character marks turned into spaces and pinyin glosses removed.
    Removing glosses shortens the text: `cuts` lists, for each removal, the offset in `text` where
    it happened and how many characters were removed there, so a span of `text` maps back to the
    span of `written` it was read from (`written_span`).
    """

    text: str
    written: str
    cuts: tuple[tuple[int, int], ...] = ()

    def written_offset(self, offset: int) -> int:
        """Where `text[offset]` stands in `written`, glosses at `offset` counted before it."""
        removed = sum(n for _, n in self.cuts[: bisect.bisect_right(self.cuts, offset, key=lambda c: c[0])])
        return offset + removed

    def written_span(self, start: int, end: int) -> str:
        """The written text of `text[start:end]`, with any gloss of its last character."""
        return self.written[self.written_offset(start) - self._cut_at(start) : self.written_offset(end)]

    def _cut_at(self, offset: int) -> int:
        # A gloss removed exactly at `start` glosses the character before the span: not ours.
        return sum(n for at, n in self.cuts if at == offset)


def normalise_text(text: str, *, traditional: bool = False) -> Normalised:
    """Normalise a whole report, keeping the way back to what it wrote (see `Normalised`)."""
    written = fold(text)
    converted = _LOST.sub(lambda m: " " * len(m.group()), written)
    cuts: list[tuple[int, int]] = []
    if _HAS_TONE.search(converted):  # most reports have no tone-marked letter, hence no gloss
        parts: list[str] = []
        last = removed = 0
        for m in _GLOSS.finditer(converted):
            parts.append(converted[last : m.start()])
            cuts.append((m.start() - removed, len(m.group())))
            removed += len(m.group())
            last = m.end()
        parts.append(converted[last:])
        converted = "".join(parts)
    if traditional:
        converted = to_simplified(converted)
    return Normalised(converted, written, tuple(cuts))


def normalise(text: str, *, traditional: bool = False) -> str:
    """Normalise one piece of report text. `traditional` asks for conversion to simplified."""
    return normalise_text(text, traditional=traditional).text
