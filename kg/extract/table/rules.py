"""Ordered rules that name a cell by its words: the first rule whose pattern matches wins."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.lexicon.text import squash


@dataclass(frozen=True)
class FieldRules:
    """Ordered (field, pattern) rules, matched against a cell's text without whitespace."""

    rules: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> FieldRules:
        return cls(tuple((name, re.compile(pattern)) for name, pattern in pairs))

    def match(self, text: str) -> tuple[str, re.Match[str]] | None:
        """The first field whose pattern the squashed text matches, with the match (for its groups)."""
        squashed = squash(text)
        if not squashed:
            return None
        for name, pattern in self.rules:
            if m := pattern.search(squashed):
                return name, m
        return None

    def field_of(self, text: str) -> str | None:
        found = self.match(text)
        return found[0] if found else None

    def fields_of(self, texts: Sequence[str]) -> dict[str, int]:
        """Field → the index of the first cell naming it."""
        fields: dict[str, int] = {}
        for i, text in enumerate(texts):
            name = self.field_of(text)
            if name is not None and name not in fields:
                fields[name] = i
        return fields
