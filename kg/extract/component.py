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
from kg.errors import error_text, where_raised
from kg.records import ExtractionIssue, ReportRecords

Extract = Callable[[Document, ReportRecords], None]
_NOT_PROVIDED = {"document", "extractor_version", "extraction_issues"}
RECORD_FIELDS = frozenset(f.name for f in fields(ReportRecords)) - _NOT_PROVIDED


@dataclass(frozen=True)
class Component:
    name: str
    run: Extract
    needs: tuple[str, ...] = ()  # record fields read (the document is always there)
    provides: tuple[str, ...] = ()  # record fields added to

    def __call__(self, doc: Document, found: ReportRecords) -> None:
        """Run the component; if it fails, take back what it added and record the failure instead.

        One odd report must not cost the rest of what was read from it, nor leave half of what the
        failing component found (a programme without its funding) in the graph.
        """
        saved = {name: _saved(getattr(found, name)) for name in self.provides}
        try:
            self.run(doc, found)
        except Exception as exc:
            for name, value in saved.items():
                setattr(found, name, _restored(getattr(found, name), value))
            found.extraction_issues.append(ExtractionIssue(self.name, error_text(exc), where_raised(exc)))


def _saved(value: object) -> object:
    return len(value) if isinstance(value, list) else value


def _restored(current: object, saved: object) -> object:
    return current[:saved] if isinstance(current, list) and isinstance(saved, int) else saved


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
