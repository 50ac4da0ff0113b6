"""Text keys: how names and labels are compared once layout noise is gone."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
_LABEL_FOLD = str.maketrans({"（": "(", "）": ")", "“": None, "”": None, "‘": None, "’": None, '"': None, "'": None})


def squash(text: str) -> str:
    """Text without any whitespace: PDF exports break names, codes and numbers with spaces."""
    return _SPACES.sub("", text)


def label_key(text: str) -> str:
    """A table label as layouts are matched against it: no whitespace, ASCII brackets, no quotes."""
    return _SPACES.sub("", text).translate(_LABEL_FOLD)
