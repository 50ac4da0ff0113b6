"""Where the shipped data lives: inside the wheel (kg/_data/…) or, in a source checkout, at the
top of the repository (ontology/, queries/, samples/)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"FundKG data folder '{name}' is missing from the installation")


def ontology_files() -> list[Path]:
    return sorted(data_dir("ontology").glob("*.ttl"))


@lru_cache(maxsize=1)
def ontology_digest() -> str:
    h = hashlib.sha256()
    for path in ontology_files():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()
