"""The word lists of words.yaml, loaded once."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

WORDS_PATH = Path(__file__).resolve().parent / "words.yaml"


@lru_cache(maxsize=1)
def words() -> dict[str, Any]:
    with WORDS_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def alternation(name: str) -> str:
    """A list of words.yaml as a regex alternation, in the list's order."""
    return "|".join(re.escape(w) for w in words()[name])
