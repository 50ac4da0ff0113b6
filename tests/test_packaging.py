"""The top-level packages `kg` and `api` are FundKG's own, wherever the tests run.

Both names are short and common; another distribution or a stray folder on sys.path could shadow
them, and the tests would then exercise someone else's code. These tests find where the installed
`fundkg` distribution puts its packages (the wheel's files, or the source folder of an editable
install) and check that the imported modules are those.
"""

from __future__ import annotations

import importlib
import json
from importlib import metadata
from pathlib import Path

import pytest


def _installed_location(package: str) -> Path:
    dist = metadata.distribution("fundkg")
    direct = dist.read_text("direct_url.json")
    if direct:
        info = json.loads(direct)
        if info.get("dir_info", {}).get("editable"):
            source = Path(info["url"].removeprefix("file://"))
            return (source / package / "__init__.py").resolve()
    return Path(str(dist.locate_file(f"{package}/__init__.py"))).resolve()


@pytest.mark.parametrize("package", ["kg", "api"])
def test_package_is_fundkgs_own(package: str) -> None:
    module = importlib.import_module(package)
    imported = Path(module.__file__ or "").resolve()
    expected = _installed_location(package)
    assert imported == expected, (
        f"`import {package}` gives {imported}, not the fundkg distribution's {expected}: another package "
        f"or folder named {package!r} shadows FundKG's on sys.path"
    )


def test_version_matches_the_distribution() -> None:
    import kg

    assert kg.__version__ == metadata.version("fundkg")
