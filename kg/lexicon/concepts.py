"""Link indicator names to the shared indicator concepts of ontology/indicator-concepts.ttl.

Two rules, tried in order; a name is linked only when exactly one concept qualifies, so two
different indicators are never merged silently:
1. label   — the name, without spaces, quotes and colons, equals a skos:prefLabel or skos:altLabel;
2. pattern — the name matches an fkg:matchPattern of the concept.
Only the concepts with an fkg:matchPattern (the indicators) are link targets: the tier concepts above
them (产出指标, 数量指标 …) group indicators, they do not identify one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import rdflib

from kg.resources import data_dir
from kg.vocab import FKG_NS, PREFIXES

FILE = "indicator-concepts.ttl"
_SKOS = PREFIXES["skos"]
_NOISE = re.compile(r"[\s“”\"'‘’「」:：]")


@dataclass(frozen=True)
class Concept:
    notation: str
    labels: tuple[str, ...]  # prefLabel@zh first, then the altLabels
    patterns: tuple[re.Pattern[str], ...]


def name_key(name: str) -> str:
    """What two spellings of one indicator name share: no spaces, quotes or colons."""
    return _NOISE.sub("", name)


@lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    """The indicator concepts of the scheme (those with patterns), read once from the Turtle file."""
    graph = rdflib.Graph().parse(data_dir("ontology") / FILE, format="turtle")
    found: dict[str, dict[str, list]] = {}
    keys = {
        _SKOS + "notation": "notation",
        _SKOS + "prefLabel": "pref",
        _SKOS + "altLabel": "alt",
        FKG_NS + "matchPattern": "pattern",
    }
    for subject, predicate, obj in graph:
        if not isinstance(subject, rdflib.URIRef):
            continue
        entry = found.setdefault(str(subject), {"notation": [], "pref": [], "alt": [], "pattern": []})
        key = keys.get(str(predicate))
        if key and (key not in ("pref", "alt") or getattr(obj, "language", None) == "zh"):
            entry[key].append(str(obj))
    return tuple(
        Concept(e["notation"][0], (*e["pref"], *sorted(e["alt"])), tuple(re.compile(p) for p in sorted(e["pattern"])))
        for e in found.values()
        if e["notation"] and e["pref"] and e["pattern"]
    )


@lru_cache(maxsize=1)
def _by_label() -> dict[str, list[tuple[str, str]]]:
    index: dict[str, list[tuple[str, str]]] = {}
    for concept in concepts():
        for label in concept.labels:
            index.setdefault(name_key(label), []).append((concept.notation, label))
    return index


@lru_cache(maxsize=4096)  # names repeat across forms and reports
def link(name: str) -> tuple[str, str] | None:
    """The notation of the one concept the name matches, and the rule that matched; else None."""
    key = name_key(name)
    by_label = {notation: label for notation, label in _by_label().get(key, ())}
    if len(by_label) == 1:
        notation, label = next(iter(by_label.items()))
        return notation, f"label: {label}"
    if by_label:
        return None
    matches = {c.notation: p.pattern for c in concepts() for p in c.patterns if p.search(key)}
    if len(matches) == 1:
        notation, pattern = next(iter(matches.items()))
        return notation, f"pattern: {pattern}"
    return None
