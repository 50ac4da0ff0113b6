"""Shared fixtures. Seed reports live in ../shared/seeds (seen from the project root)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT.parent / "shared" / "seeds"

SEED_FILES = {
    "000": "000_84a2500fe35ff2c8.txt",
    "001": "001_0c8a0c7a35adeec5.txt",
    "002": "002_0f45429440d9ca6e.txt",
    "003": "003_2f6f7cf52225173d.txt",
    "004": "004_481fe573c2d24300.txt",
}


def process_alive(pid: int) -> bool:
    """Whether a process of this id still exists (the service's killed workers must not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def seed_path(key: str) -> Path:
    path = SEEDS_DIR / SEED_FILES[key]
    if not path.exists():
        pytest.skip(f"seed report {path} is absent: the seed folder ../shared/seeds is needed for this test")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed folder {SEEDS_DIR} is absent: these tests need the five seed reports")
    return SEEDS_DIR


@pytest.fixture(scope="session")
def seed_documents():
    """The five seeds read once per session, keyed by their number ("000" … "004")."""
    from kg.readers import read_document

    return {key: read_document(seed_path(key)) for key in SEED_FILES}


@pytest.fixture(scope="session")
def server_urls(tmp_path_factory: pytest.TempPathFactory):
    """A function giving the query URL of a SPARQL server ("oxigraph", "virtuoso"), started on first
    use and stopped at the end of the session (see tests/servers.py)."""
    from contextlib import ExitStack

    import servers

    urls: dict[str, str] = {}
    failed: dict[str, BaseException] = {}
    with ExitStack() as stack:

        def url(kind: str) -> str:
            if kind in failed:
                raise failed[kind]
            if kind not in urls:
                started = servers.running(kind, tmp_path_factory.mktemp(kind))
                try:
                    urls[kind] = next(started)
                except BaseException as exc:  # skipped or failed: the same for every later test
                    failed[kind] = exc
                    raise
                stack.callback(lambda: next(started, None))  # stops the server at the end of the session
            return urls[kind]

        yield url
