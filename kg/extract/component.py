"""Extraction components: the one shape every extractor has in the pipeline.

Like a spaCy pipeline component, a component is a function of the document and the records found
so far (`ReportRecords`) that adds its own records to them. It declares the record fields it reads
(`needs`) and the ones it writes (`provides`), so the pipeline can check its order once
(kg/extract/pipeline.py) and a new extractor is one decorated function added to that list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from kg.document import Document
from kg.records import ReportRecords

Extract = Callable[[Document, ReportRecords], None]
RECORD_FIELDS = frozenset(f.name for f in fields(ReportRecords)) - {"document", "extractor_version"}


@dataclass(frozen=True)
class Component:
    name: str
    run: Extract
    needs: tuple[str, ...] = ()  # record fields read (the document is always there)
    provides: tuple[str, ...] = ()  # record fields added to

    def __call__(self, doc: Document, found: ReportRecords) -> None:
        self.run(doc, found)


def component(name: str, *, needs: Iterable[str] = (), provides: Iterable[str] = ()) -> Callable[[Extract], Component]:
    """Declare an extractor: `@component("amounts", provides=["amounts"])` over `def f(doc, found)`."""

    def wrap(run: Extract) -> Component:
        declared = (*needs, *provides)
        unknown = set(declared) - RECORD_FIELDS
        if unknown:
            raise ValueError(f"component {name!r} names unknown record fields {sorted(unknown)}")
        return Component(name, run, tuple(needs), tuple(provides))

    return wrap


def check_order(components: Iterable[Component]) -> None:
    """Fail unless every field a component needs is provided by a component before it."""
    provided: set[str] = set()
    names: set[str] = set()
    for c in components:
        if c.name in names:
            raise ValueError(f"two components are named {c.name!r}")
        names.add(c.name)
        missing = set(c.needs) - provided
        if missing:
            raise ValueError(f"component {c.name!r} needs {sorted(missing)} before any component provides it")
        provided.update(c.provides)
