"""Classification codes, through kg.extract.classification when it is there.

That module resolves 类/款/项 chains to codes and knows the code lists; it is imported lazily so
that table reading works (codes from the table, schemes from the digits) without it.
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from types import ModuleType

from kg.extract.records import Classification, ClassificationScheme

CODE = re.compile(r"[235]\d{2}(?:\d{2}){0,2}")


@lru_cache(maxsize=1)
def _module() -> ModuleType | None:
    try:
        return importlib.import_module("kg.extract.classification")
    except ImportError:
        return None


def _scheme_from_digits(code: str) -> ClassificationScheme | None:
    if code[0] == "2" and len(code) in (3, 5, 7):
        return ClassificationScheme.FUNCTIONAL  # 类 210 / 款 21013 / 项 2101301
    if code[0] == "3" and len(code) in (3, 5):
        return ClassificationScheme.ECONOMIC_DEPARTMENT  # 301 / 30101
    if code[0] == "5" and len(code) in (3, 5):
        return ClassificationScheme.ECONOMIC_GOVERNMENT  # 501 / 50101
    return None


def scheme_for_code(code: str) -> ClassificationScheme | None:
    module = _module()
    resolver = getattr(module, "scheme_for_code", None)
    if resolver is not None:
        scheme = resolver(code)
        if scheme is not None:
            return scheme if isinstance(scheme, ClassificationScheme) else ClassificationScheme(str(scheme))
    return _scheme_from_digits(code)


def classification(code: str, name: str) -> Classification | None:
    """The classification of a table row: the scheme from its code, the name as written."""
    scheme = scheme_for_code(code)
    return Classification(scheme, code, name) if scheme is not None else None


def code_for_chain(chain: str) -> str | None:
    """The code of a 类/款/项 chain, or None when the classification module is absent or cannot tell."""
    resolver = getattr(_module(), "code_for_chain", None)
    return resolver(chain) if resolver is not None else None
