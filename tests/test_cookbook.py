"""Every SPARQL recipe in docs/queries.md runs on the seed store and finds something."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.build import build
from kg.linking import link
from kg.store import Store, open_store

COOKBOOK = Path(__file__).resolve().parent.parent / "docs" / "queries.md"
NOTICES = Path(__file__).resolve().parent.parent / "samples" / "notices"
RECIPES = [
    b
    for b in re.findall(r"```sparql\n(.*?)```", COOKBOOK.read_text(encoding="utf-8"), re.S)
    if not b.lstrip().startswith("#")
]  # the named-query example with a header is not a recipe


@pytest.fixture(scope="module")
def store(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = open_store(tmp_path_factory.mktemp("cookbook") / "kg")
    assert not build([seeds_dir, NOTICES], s).failed  # the notices are the top half of the allocation recipes
    link(s)
    return s


def test_the_cookbook_has_recipes() -> None:
    assert len(RECIPES) >= 13


@pytest.mark.parametrize("recipe", RECIPES, ids=[r.strip().splitlines()[0][:40] for r in RECIPES])
def test_recipe_returns_rows(store: Store, recipe: str) -> None:
    assert store.select(recipe).rows, "the recipe found nothing on the five seeds"
