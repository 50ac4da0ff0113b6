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

from pyoxigraph import NamedNode, RdfFormat, parse

from kg.rdf.vocab import CODE_NS, FKG_NS, PREFIXES
from kg.resources import data_dir

FILE = "indicator-concepts.ttl"
SCHEME_IRI = CODE_NS + "indicator"
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
    triples = list(parse(path=str(data_dir("ontology") / FILE), format=RdfFormat.TURTLE))
    found: dict[NamedNode, dict[str, list]] = {}
    for t in triples:
        if not isinstance(t.subject, NamedNode):
            continue
        entry = found.setdefault(t.subject, {"notation": [], "pref": [], "alt": [], "pattern": []})
        key = {
            _SKOS + "notation": "notation",
            _SKOS + "prefLabel": "pref",
            _SKOS + "altLabel": "alt",
            FKG_NS + "matchPattern": "pattern",
        }.get(t.predicate.value)
        if key and (key not in ("pref", "alt") or t.object.language == "zh"):
            entry[key].append(t.object.value)
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


def concept_iri(notation: str) -> str:
    return f"{SCHEME_IRI}/{notation}"
