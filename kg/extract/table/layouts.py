"""The layout rules of kg/extract/form_layouts.yaml, loaded and compiled once."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from kg.extract.table.rules import FieldRules
from kg.lexicon.levels import LEVEL_WORD

LAYOUTS_PATH = Path(__file__).resolve().parent.parent / "form_layouts.yaml"
_PLACEHOLDERS = {"{level_word}": LEVEL_WORD}


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    with LAYOUTS_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _expand(pattern: str) -> str:
    for name, value in _PLACEHOLDERS.items():
        pattern = pattern.replace(name, value)
    return pattern


@cache
def rules(name: str) -> FieldRules:
    """The ordered rules of one list of the layouts file, e.g. rules("indicator_columns")."""
    entries = _data()[name]
    return FieldRules.of((str(field), _expand(str(pattern))) for field, pattern in entries)
