"""Look up the government expenditure classifications (政府收支分类科目) shipped in ontology/.

The SKOS code lists `classification-functional.ttl` (支出功能分类: 类 3 / 款 5 / 项 7 digits) and
`classification-economic.ttl` (部门预算 3xx and 政府预算 5xx economic classifications: 类 3 / 款 5
digits) are parsed once, with rdflib's Turtle parser, into dictionaries; every look-up after that is a
dictionary access.

Names are matched after Unicode NFKC normalisation (full-width brackets and digits become ASCII) and
with all whitespace removed, because table cells wrap names over lines (卫生健康管理事 务). When a
name does not match exactly, a trailing 支出 is dropped on both sides: reports write the 类 either
way (社会保障和就业（类） and 社会保障和就业支出（类）). Alternative labels (names a code carried in
earlier editions) count as names.

Never guess: a name that matches several codes under the same parent, or none, gives None.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import rdflib

from kg.records import Classification, ClassificationScheme
from kg.resources import data_dir
from kg.vocab import CODE_NS, RDF, SKOS

FILES = ("classification-functional.ttl", "classification-economic.ttl")

FUNCTIONAL = ClassificationScheme.FUNCTIONAL
LEVELS = {3: "类", 5: "款", 7: "项"}
_PARENT_LENGTH = {5: 3, 7: 5}

# 功能分类 codes start with 2 (201 … 234); 部门预算 economic codes with 3, 政府预算 ones with 5.
_CODE_SCHEMES = (
    (re.compile(r"2\d{2}(?:\d{2}){0,2}"), ClassificationScheme.FUNCTIONAL),
    (re.compile(r"3\d{2}(?:\d{2})?"), ClassificationScheme.ECONOMIC_DEPARTMENT),
    (re.compile(r"5\d{2}(?:\d{2})?"), ClassificationScheme.ECONOMIC_GOVERNMENT),
    (re.compile(r"1\d{2}(?:\d{2}){0,2}"), ClassificationScheme.REVENUE),
)

# The level markers of a prose chain: （类） （款） （项）, also with ASCII brackets or inner spaces.
_MARKER = re.compile(r"[（(]\s*([类款项])\s*[）)]")
_CHAIN_ORDER = ("类", "款", "项")
# Text before the 类 name that belongs to the sentence, not to the name: the part up to the last
# punctuation mark, then a list number such as "5." "（三）" "2、".
_LEAD_PUNCT = re.compile(r".*[：:，,；;。！!？?]", re.DOTALL)
_NUM = "[0-9一二三四五六七八九十]+"
_LEAD_NUMBER = re.compile(rf"^\s*(?:[(（]\s*{_NUM}\s*[)）]|{_NUM}\s*[.．、)）])\s*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ClassificationConcept:
    """One code of a classification scheme, as the code lists state it."""

    scheme: ClassificationScheme
    code: str
    name: str  # skos:prefLabel@zh
    broader: str | None  # the parent code (the code's prefix); None for a 类
    level: str  # 类 / 款 / 项
    alt_names: tuple[str, ...] = ()  # skos:altLabel@zh: names from earlier editions
    name_en: str = ""


def name_key(name: str) -> str:
    """A name as the code lists compare it: NFKC-normalised, without whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


def _loose(key: str) -> str:
    # Only a trailing 支出 is optional; a name that is nothing but 支出 keeps it.
    stripped = key.removesuffix("支出")
    return stripped or key


@dataclass
class _Names:
    """Names of a set of concepts (siblings, or a whole scheme) to their codes."""

    exact: dict[str, set[str]] = field(default_factory=dict)
    loose: dict[str, set[str]] = field(default_factory=dict)

    def add(self, concept: ClassificationConcept) -> None:
        for name in (concept.name, *concept.alt_names):
            key = name_key(name)
            self.exact.setdefault(key, set()).add(concept.code)
            self.loose.setdefault(_loose(key), set()).add(concept.code)

    def find(self, name: str) -> str | None:
        key = name_key(name)
        if not key:
            return None
        codes = self.exact.get(key) or self.loose.get(_loose(key)) or set()
        return next(iter(codes)) if len(codes) == 1 else None


@dataclass
class _Index:
    by_code: dict[tuple[ClassificationScheme, str], ClassificationConcept] = field(default_factory=dict)
    # Children of a parent code; the parent None holds the 类 of a scheme.
    children: dict[tuple[ClassificationScheme, str | None], _Names] = field(default_factory=dict)
    by_scheme: dict[ClassificationScheme, _Names] = field(default_factory=dict)

    def add(self, concept: ClassificationConcept) -> None:
        self.by_code[(concept.scheme, concept.code)] = concept
        self.children.setdefault((concept.scheme, concept.broader), _Names()).add(concept)
        self.by_scheme.setdefault(concept.scheme, _Names()).add(concept)


def _scheme_of(iri: str) -> ClassificationScheme | None:
    if not iri.startswith(CODE_NS):
        return None
    try:
        return ClassificationScheme(iri[len(CODE_NS) :])
    except ValueError:
        return None  # a scheme of codelists.ttl, not a classification


def _read_concepts(paths: Iterable[Path]) -> list[ClassificationConcept]:
    """The SKOS concepts of the classification schemes in `paths`."""
    props: dict[str, dict[str, list]] = {}  # subject IRI → predicate IRI → objects
    wanted = {SKOS.inScheme, SKOS.notation, SKOS.prefLabel, SKOS.altLabel, SKOS.broader, RDF.type}
    for path in paths:
        graph = rdflib.Graph().parse(path, format="turtle")
        for subject, predicate, obj in graph:
            if str(predicate) in wanted and isinstance(subject, rdflib.URIRef):
                values = props.setdefault(str(subject), {})
                values.setdefault(str(predicate), []).append(obj)
    concepts = []
    for iri, values in props.items():
        if SKOS.Concept not in {str(o) for o in values.get(RDF.type, [])}:
            continue
        schemes = [s for s in (_scheme_of(str(o)) for o in values.get(SKOS.inScheme, [])) if s]
        if schemes:
            concepts.append(_concept(iri, schemes[0], values))
    return concepts


def _literals(values: list, lang: str | None) -> list[str]:
    return [str(v) for v in values if isinstance(v, rdflib.Literal) and v.language == lang]


def _concept(iri: str, scheme: ClassificationScheme, values: dict[str, list]) -> ClassificationConcept:
    notations = [str(v) for v in values.get(SKOS.notation, [])]
    names = _literals(values.get(SKOS.prefLabel, []), "zh")
    if len(notations) != 1 or len(names) != 1:
        raise ValueError(f"code-list concept {iri} needs one skos:notation and one skos:prefLabel@zh")
    code = notations[0]
    broader = [str(v).rsplit("/", 1)[-1] for v in values.get(SKOS.broader, [])]
    english = _literals(values.get(SKOS.prefLabel, []), "en")
    return ClassificationConcept(
        scheme=scheme,
        code=code,
        name=names[0],
        broader=broader[0] if broader else None,
        level=LEVELS.get(len(code), ""),
        alt_names=tuple(sorted(_literals(values.get(SKOS.altLabel, []), "zh"))),
        name_en=english[0] if english else "",
    )


@lru_cache(maxsize=1)
def _index() -> _Index:
    folder = data_dir("ontology")
    index = _Index()
    for concept in _read_concepts(folder / name for name in FILES):
        index.add(concept)
    return index


# --- public look-ups ------------------------------------------------------------------------------


def concept(scheme: ClassificationScheme, code: str) -> ClassificationConcept | None:
    """The concept of `code` in `scheme`, or None when the code lists do not have it."""
    return _index().by_code.get((scheme, code.strip()))


def concepts(scheme: ClassificationScheme | None = None) -> list[ClassificationConcept]:
    """Every concept of `scheme` (of all schemes when None), ordered by scheme and code."""
    found = [c for (s, _), c in _index().by_code.items() if scheme is None or s == scheme]
    return sorted(found, key=lambda c: (c.scheme.value, c.code))


# A classification code as tables write it in a code column: 类, 款 or 项 of any scheme.
CODE = re.compile(r"[235]\d{2}(?:\d{2}){0,2}")


def classification_of(code: str, name: str) -> Classification | None:
    """The classification of a table row: the scheme from its code's shape, the name as written."""
    scheme = scheme_for_code(code)
    return Classification(scheme, code, name) if scheme is not None else None


def scheme_for_code(code: str) -> ClassificationScheme | None:
    """The scheme a code's shape belongs to: 2xx/2xxxx/2xxxxxx functional, 3xx(xx) 部门预算, 5xx(xx) 政府预算."""
    code = code.strip()
    for pattern, scheme in _CODE_SCHEMES:
        if pattern.fullmatch(code):
            return scheme
    return None


def code_for_name(name: str, parent_code: str | None = None, scheme: ClassificationScheme = FUNCTIONAL) -> str | None:
    """The code named `name`, among the children of `parent_code` or, without one, in the whole scheme.

    None when no concept or more than one has the name (行政运行 exists under many 款).
    """
    index = _index()
    if parent_code is None:
        names = index.by_scheme.get(scheme)
    elif (scheme, parent_code.strip()) in index.by_code:
        names = index.children.get((scheme, parent_code.strip()))
    else:
        return None  # an unknown parent cannot vouch for its children
    return names.find(name) if names else None


def _chain_parts(chain: str) -> list[tuple[str, str]] | None:
    """(level, name) pairs of a chain 名（类）名（款）名（项）, or None when it is not one."""
    parts: list[tuple[str, str]] = []
    start = 0
    for match in _MARKER.finditer(chain):
        parts.append((match.group(1), chain[start : match.start()]))
        start = match.end()
    levels = tuple(level for level, _ in parts)
    if not parts or levels != _CHAIN_ORDER[: len(levels)]:
        return None  # must start with the 类 and go down one level at a time
    head = _LEAD_NUMBER.sub("", _LEAD_PUNCT.sub("", parts[0][1], count=1), count=1)
    parts[0] = (parts[0][0], head)
    return parts


def code_for_chain(chain: str, scheme: ClassificationScheme = FUNCTIONAL) -> str | None:
    """Resolve a prose chain such as 卫生健康支出（类）医疗救助（款）城乡医疗救助（项） to its code.

    The names are looked up 类 → 款 → 项, each among the children of the one before, so the many
    行政运行 items are told apart by their 款. A chain of 类 and 款 gives the 5-digit code. Text after
    the last marker is ignored; text before the 类 name up to a punctuation mark or a list number
    (5.社会保障和就业支出（类）…) is dropped. None when any name is unknown or ambiguous.
    """
    parts = _chain_parts(chain)
    if parts is None:
        return None
    code: str | None = None
    for _, name in parts:
        names = _index().children.get((scheme, code))
        code = names.find(name) if names else None
        if code is None:
            return None
    return code
