"""SPARQL servers for the tests: Virtuoso 7 and the Oxigraph server, started by scripts/ on free ports.

Each server runs on 127.0.0.1 with its own data directory for the whole session, unless
FUNDKG_VIRTUOSO_URL / FUNDKG_OXIGRAPH_URL name one already running (which the tests then empty
and fill: give a scratch server). A server that cannot be installed or started skips its tests
with the reason; with FUNDKG_REQUIRE_SERVERS=1 (set by .ci/run) they fail instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.devserver import free_port

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
KINDS = ("oxigraph", "virtuoso")


def unavailable(message: str) -> None:
    if os.environ.get("FUNDKG_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{message} (FUNDKG_REQUIRE_SERVERS=1: the server tests must run)", pytrace=False)
    pytest.skip(message)


def _script(kind: str) -> Path:
    return SCRIPTS / ("virtuoso.sh" if kind == "virtuoso" else "oxigraph-server.sh")


def running(kind: str, directory: Path) -> Iterator[str]:
    """Yield the query URL of a `kind` server for the session; stop it afterwards if it was started here."""
    given = os.environ.get(f"FUNDKG_{kind.upper()}_URL")
    if given:
        yield given
        return
    port = free_port()
    args = [str(_script(kind)), "start", str(directory), str(port)]
    if kind == "virtuoso":
        args.append(str(free_port()))  # its SQL port
    env = {**os.environ, "OXIGRAPH_BIN": str(Path(sys.executable).with_name("oxigraph")),
           "OXIGRAPH_TIMEOUT_S": "15"}  # fmt: skip
    if not Path(env["OXIGRAPH_BIN"]).exists():
        del env["OXIGRAPH_BIN"]  # the script looks on PATH
    try:
        started = subprocess.run(args, capture_output=True, text=True, timeout=180, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        unavailable(f"the {kind} server could not be started: {exc}")
    if started.returncode != 0:
        unavailable(f"the {kind} server could not be started ({' '.join(args)}): "
                    f"{(started.stderr or started.stdout).strip()}")  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}/sparql" if kind == "virtuoso" else f"http://127.0.0.1:{port}/query"
    finally:
        subprocess.run([str(_script(kind)), "stop", str(directory)], capture_output=True, timeout=120)


def emptied(url: str) -> str:
    """Drop every graph of the server (but Virtuoso's own): each test module starts from nothing."""
    from kg.store import open_store

    store = open_store(url)
    try:
        store._drop(store.named_graphs())  # type: ignore[attr-defined]
    finally:
        store.close()
    return url
