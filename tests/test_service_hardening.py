"""The service under attack and under load (issue 12, findings 1–8): no SSRF, no stuck writes,
bounded uploads, bounded parameters, no server paths in answers.

Own fixtures: a store built from one bundled sample, a local HTTP listener that records every
request it receives (so a test can tell that nothing was fetched), zip bombs made by the tests.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import logging
import select
import shutil
import socket
import socketserver
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import process_alive

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from api.app import create_app
from api.devserver import running_server
from kg.build import build
from kg.resources import data_dir
from kg.store import open_store

TOKEN = "hardening-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SAMPLE = data_dir("samples") / "wulong-department-evaluation-2023.txt"
RESULTS = "application/sparql-results+json"
JSON = {"Accept": RESULTS}
# Never ends on any store that holds the ontology (~10^11 solutions): a runaway update.
RUNAWAY = "INSERT { ?a <urn:p> ?c } WHERE { GRAPH ?x { ?a ?b ?c } GRAPH ?y { ?d ?e ?f } GRAPH ?z { ?g ?h ?i } }"


class Listener:
    """A local HTTP server that records requests: SPARQL JSON for /sparql, 500 for /broken, N-Triples else."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                hits.append(self.path)
                if self.path.startswith("/sparql"):
                    body, kind, code = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}', RESULTS, 200
                elif self.path.startswith("/broken"):
                    body, kind, code = b"no", "text/plain", 500
                else:
                    body, kind, code = b"<urn:loaded> <urn:p> <urn:o> .\n", "application/n-triples", 200
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hard") / "kg"
    with open_store(path) as store:
        assert not build([SAMPLE], store).failed
    return path


def _app(store_path: Path, uploads: Path, **options: object) -> TestClient:
    options.setdefault("update_token", TOKEN)
    options.setdefault("workers", 1)
    return TestClient(create_app(store_path, upload_dir=uploads, **options))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with _app(store_path, tmp_path_factory.mktemp("uploads"), query_timeout=20) as c:
        yield c


# --- 1. SERVICE ----------------------------------------------------------------------------------


def test_service_is_refused_by_default_however_it_is_written(client: TestClient, listener: Listener) -> None:
    url = f"{listener.url}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{listener.url}/> SELECT * WHERE {{ ?a ?b ?c # a comment\n SERVICE e:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERV\\u0049CE <{url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    ]
    for query in queries:
        r = client.get("/sparql", params={"query": query}, headers=JSON)
        assert r.status_code == 400 and "SERVICE" in r.text, (query, r.status_code, r.text)
        r = client.post("/sparql", data={"query": query}, headers=JSON)
        assert r.status_code == 400 and "SERVICE" in r.text
    page = client.get("/query", params={"query": queries[0]})
    assert "SERVICE" in page.text and "not allowed" in page.text
    assert listener.hits == []  # nothing was fetched
    # A string or a name that says "service" is no SERVICE.
    harmless = 'SELECT ?service WHERE { BIND("SERVICE <x>" AS ?service) }'
    ok = client.get("/sparql", params={"query": harmless}, headers=JSON)
    assert ok.status_code == 200


def test_an_allowed_service_endpoint_is_called(store_path: Path, listener: Listener, tmp_path: Path) -> None:
    url = f"{listener.url}/sparql"
    with _app(store_path, tmp_path / "up", allow_service=[url]) as c:
        before = len(listener.hits)
        r = c.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?x ?y ?z }} }}"}, headers=JSON)
        assert r.status_code == 200, r.text
        assert len(listener.hits) == before + 1
        other = c.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.2:9/x> { ?x ?y ?z } }"})
        assert other.status_code == 400 and "not an allowed endpoint" in other.text


# --- 2. LOAD, and failed updates -------------------------------------------------------------------


def test_load_needs_the_token_and_an_allowed_http_host(client: TestClient, listener: Listener) -> None:
    before = len(listener.hits)
    update = f"LOAD <{listener.url}/data.nt>"
    assert client.post("/sparql", data={"update": update}).status_code == 401
    r = client.post("/sparql", data={"update": "LOAD <file:///etc/passwd>"}, headers=AUTH)
    assert r.status_code == 400 and "never file:" in r.text
    for text in (update, f"load silent <{listener.url}/data.nt> INTO GRAPH <urn:g>", f"# x\nLoAd <{listener.url}/a>"):
        r = client.post("/sparql", data={"update": text}, headers=AUTH)
        assert r.status_code == 400 and "LOAD" in r.text and "not allowed" in r.text, (text, r.text)
    r = client.post("/sparql", data={"update": f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{listener.url}/sparql> "
                                               "{ ?s ?p ?o } }"}, headers=AUTH)  # fmt: skip
    assert r.status_code == 400 and "SERVICE" in r.text
    assert len(listener.hits) == before


def test_a_failed_load_leaves_the_store_writable(store_path: Path, listener: Listener, tmp_path: Path) -> None:
    with _app(store_path, tmp_path / "up", allow_load=[f"127.0.0.1:{listener.port}"]) as c:
        failing = f"LOAD <{listener.url}/broken>"
        for _ in range(2):  # the same failing LOAD, twice
            r = c.post("/sparql", data={"update": failing}, headers=AUTH)
            assert r.status_code == 400 and "update failed" in r.text, r.text
        files = {"file": (SAMPLE.name.replace(".txt", "-again.txt"), SAMPLE.read_bytes(), "text/plain")}
        up = c.post("/api/reports", files=files, headers=AUTH)
        assert up.status_code == 201, up.text
        r = c.post("/sparql", data={"update": f"LOAD <{listener.url}/data.nt> INTO GRAPH <urn:loaded>"}, headers=AUTH)
        assert r.status_code == 200, r.text
        loaded = "ASK { GRAPH <urn:loaded> { <urn:loaded> <urn:p> <urn:o> } }"
        ask = c.get("/sparql", params={"query": loaded}, headers=JSON)
        assert ask.json()["boolean"] is True
        removed = c.post("/sparql", data={"update": "DROP GRAPH <urn:loaded>"}, headers=AUTH)
        assert removed.status_code == 200


def test_a_runaway_update_is_killed_and_the_store_stays_writable(store_path: Path, tmp_path: Path) -> None:
    with _app(store_path, tmp_path / "up", write_timeout=3) as c:
        started = time.monotonic()
        r = c.post("/sparql", data={"update": RUNAWAY}, headers=AUTH)
        assert r.status_code == 503 and "time budget of 3s" in r.text and "nothing was written" in r.text
        assert time.monotonic() - started < 30
        writer = c.app.state.service.writer  # type: ignore[attr-defined]
        [killed] = writer.killed
        assert not process_alive(killed)
        ok = c.post("/sparql", data={"update": "INSERT DATA { <urn:after> <urn:p> 1 }"}, headers=AUTH)
        assert ok.status_code == 200, ok.text
        c.post("/sparql", data={"update": "DELETE DATA { <urn:after> <urn:p> 1 }"}, headers=AUTH)


# --- 3. ingestion with a time budget and a memory limit ------------------------------------------------


def _sample_upload(name: str = "upload.txt") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, SAMPLE.read_bytes(), "text/plain")}


def test_an_ingest_past_its_time_budget_is_killed(store_path: Path, tmp_path: Path) -> None:
    uploads = tmp_path / "up"
    with _app(store_path, uploads, write_timeout=0.3) as c:
        r = c.post("/api/reports", files=_sample_upload("slow.txt"), headers=AUTH)
        assert r.status_code == 503 and "time budget" in r.text, r.text
        killed = c.app.state.service.writer.killed  # type: ignore[attr-defined]
        assert killed and not any(process_alive(pid) for pid in killed)
    assert not (uploads / "slow.txt").exists() and not list((uploads / ".staging").glob("*"))
    with open_store(store_path) as store:  # the lock was released, nothing was stored
        assert "slow.txt" not in {e.file_name for e in store.manifest().values()}


def test_an_ingest_over_its_memory_limit_is_killed(store_path: Path, tmp_path: Path) -> None:
    with _app(store_path, tmp_path / "up", max_memory_mb=1) as c:
        r = c.post("/api/reports", files=_sample_upload("big.txt"), headers=AUTH)
        assert r.status_code == 503 and "MiB of memory" in r.text, r.text
        killed = c.app.state.service.writer.killed  # type: ignore[attr-defined]
        assert killed and not any(process_alive(pid) for pid in killed)


def _zip_bomb(inflated: int = 300 * 2**20) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as part:
            block = b"\0" * 2**20
            for _ in range(inflated // len(block)):
                part.write(block)
    return buffer.getvalue()


def test_an_uploaded_zip_bomb_is_refused_quickly(client: TestClient) -> None:
    bomb = _zip_bomb(150 * 2**20)  # under the total limit: its ratio gives it away
    assert len(bomb) < 2 * 2**20
    started = time.monotonic()
    r = client.post("/api/reports", files={"file": ("bomb.docx", bomb, "application/octet-stream")}, headers=AUTH)
    assert r.status_code == 422 and "zip bomb" in r.text, r.text
    assert time.monotonic() - started < 30


# --- 4. the token before the body, the size limit while streaming ------------------------------------


def _raw_request(port: int, head: str, first: bytes, more: bytes = b"", total: int = 0) -> tuple[str, int]:
    """Send a request's head and first bytes, then `more` repeatedly (up to `total` bytes) while the
    server reads; return the status line of the answer and how many body bytes were sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        sock.sendall(head.encode() + first)
        sent = len(first)
        sock.setblocking(False)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            readable, writable, _ = select.select([sock], [sock] if more and sent < total else [], [], 0.5)
            if readable:
                sock.setblocking(True)
                return sock.recv(65536).decode("latin-1").split("\r\n", 1)[0], sent
            if writable:
                with contextlib.suppress(BlockingIOError, ConnectionError):
                    sent += sock.send(more)
        raise AssertionError("no answer")
    finally:
        sock.close()


def _multipart_head(boundary: str, name: str) -> bytes:
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode()  # fmt: skip


def test_the_token_is_checked_before_the_body_is_read(store_path: Path, tmp_path: Path) -> None:
    app = create_app(store_path, update_token=TOKEN, workers=1, upload_dir=tmp_path / "up")
    with running_server(app) as base:
        port = int(base.rsplit(":", 1)[1])
        head = (f"POST /api/reports HTTP/1.1\r\nHost: x\r\nContent-Length: {200 * 2**20}\r\n"
                "Content-Type: multipart/form-data; boundary=b\r\n\r\n")  # fmt: skip
        started = time.monotonic()
        status, sent = _raw_request(port, head, _multipart_head("b", "a.txt") + b"x" * 65536)
        assert " 401 " in status and time.monotonic() - started < 10 and sent < 2**20
        update = ("POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n"
                  "Content-Type: application/sparql-update\r\n\r\n")  # fmt: skip
        status, _ = _raw_request(port, update, b"INSERT DATA {")
        assert " 401 " in status


def test_the_size_limit_holds_while_streaming(store_path: Path, tmp_path: Path) -> None:
    uploads = tmp_path / "up"
    limit = 256 * 1024
    app = create_app(store_path, update_token=TOKEN, workers=1, upload_dir=uploads, max_upload_bytes=limit)
    with running_server(app) as base:
        port = int(base.rsplit(":", 1)[1])
        auth = f"Authorization: Bearer {TOKEN}\r\n"
        declared = (f"POST /api/reports HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: {10 * limit}\r\n"
                    "Content-Type: multipart/form-data; boundary=b\r\n\r\n")  # fmt: skip
        status, _ = _raw_request(port, declared, b"")
        assert " 413 " in status  # a declared length over the limit: refused before reading
        chunked = (f"POST /api/reports HTTP/1.1\r\nHost: x\r\n{auth}Transfer-Encoding: chunked\r\n"
                   "Content-Type: multipart/form-data; boundary=b\r\n\r\n")  # fmt: skip
        part = _multipart_head("b", "long.txt")
        chunk = b"x" * 65536
        body_chunk = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        total = 256 * 2**20
        status, sent = _raw_request(port, chunked, f"{len(part):x}\r\n".encode() + part + b"\r\n", body_chunk, total)
        assert " 413 " in status and sent < total  # answered while the client was still sending
    assert not list(uploads.glob("*.txt")) and not list((uploads / ".staging").glob("*/*"))


# --- 5.–7. parameters --------------------------------------------------------------------------------


def test_decimals_are_bounded_before_they_are_expanded(client: TestClient) -> None:
    for value in ("1e50000000", "1e-50000000", "9" * 60_000, "1e" + "9" * 5000):
        started = time.monotonic()
        r = client.get("/api/queries/under-executed-programmes", params={"threshold": value})
        assert r.status_code == 422 and "not a valid decimal" in r.text
        assert time.monotonic() - started < 2 and len(r.text) < 1000
    assert client.get("/api/queries/under-executed-programmes", params={"threshold": "0.5"}).status_code == 200


def test_whitespace_only_values_are_refused(client: TestClient) -> None:
    from kg.queries import named_queries

    strings = [(q.name, p.name) for q in named_queries().values() for p in q.parameters if p.type == "string"]
    assert len(strings) >= 5
    for blank in (" ", "\t", "\r\n", " \u3000 "):
        for name, param in strings:
            r = client.get(f"/api/queries/{name}", params={param: blank})
            assert r.status_code == 400 and "blank" in r.text, (name, param, repr(blank), r.text)
        r = client.get("/api/flows", params={"programme": blank})
        assert r.status_code == 400 and "programme" in r.text
        r = client.get("/api/flows", params={"programme": "医疗救助", "region": blank})
        assert r.status_code == 400 and "region" in r.text


NOT_FACTS = [
    "", " ", "not an iri", "a:b c", "http://x/y z", "<http://x>", "http://[::1", "http://x:port/", "a:b#c#d",
    "http://x/%zz", "http://x/[a]", "http://x/?q=[", "http://x@y@z/", "http://[zz::]/", "x:\ue000", "http://x/\ufffe",
    "a:b]", "\x00", "http://x/\x7f", "javascript:alert(1)>", '"', "a:b\\c", "a:{b}", "a:|", "a:^", "a:`",
    "http://x/\u200b<", "a:" + "b" * 60_000 + "<", "a:" + "b" * 3000, "%", "?x", "_:b", "<>", "urn:x\ny", "http://x/#a#",
]


def test_facts_that_are_no_iris_are_a_400_never_a_500(client: TestClient) -> None:
    for fact in NOT_FACTS:
        r = client.get("/api/source", params={"fact": fact})
        assert r.status_code == 400, (fact[:40], r.status_code, r.text[:200])
    for fact in ("https://w3id.org/fundkg/id/amount/0000", "urn:x", "http://[::1]/a", "a:b?c#d"):
        assert client.get("/api/source", params={"fact": fact}).status_code == 404


def test_no_answer_reveals_a_server_path(client: TestClient, store_path: Path) -> None:
    service = client.app.state.service  # type: ignore[attr-defined]
    secrets = {str(store_path.resolve().parent), str(service.upload_dir.resolve()), str(Path.home())}
    answers = []
    r = client.post("/api/reports", files={"file": ("empty.txt", b"", "text/plain")}, headers=AUTH)
    assert r.status_code == 422 and "empty.txt" in r.text
    answers.append(r.text)
    r = client.post("/api/reports", files={"file": ("junk.docx", b"PK\x03\x04junk", "text/plain")}, headers=AUTH)
    assert r.status_code == 422 and "junk.docx" in r.text
    answers.append(r.text)
    report = client.get(f"/api/reports/{SAMPLE.name}").json()
    assert report["provenance"]["sourcePath"] == SAMPLE.name and report["path"] == SAMPLE.name
    answers.append(str(report))
    query = "SELECT ?p WHERE { GRAPH ?g { ?r fkg:sourcePath ?p } }"
    paths = client.get("/sparql", params={"query": query}, headers=JSON)
    answers.append(paths.text)
    answers.append(client.get(f"/reports/{SAMPLE.name}").text)
    for text in answers:
        assert not any(secret in text for secret in secrets), text[:500]


# --- 8. the uploads folder on start -------------------------------------------------------------------


def test_the_uploads_folder_is_reconciled_on_start(
    store_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    uploads = tmp_path / "up"
    (uploads / ".staging" / "a").mkdir(parents=True)
    (uploads / ".staging" / "b").mkdir(parents=True)
    shutil.copy(SAMPLE, uploads / ".staging" / "a" / "staged.txt")  # received, never ingested (killed)
    (uploads / ".staging" / "b" / "partial.txt.part").write_bytes(b"half of a rep")  # never received whole
    (uploads / "failed.txt").write_bytes(b"")  # failed before (422), left behind by an older version
    shutil.copy(data_dir("samples") / "shilou-final-accounts-2023.txt", uploads / "left.txt")
    caplog.set_level(logging.INFO, logger="fundkg.service")
    with _app(store_path, uploads) as c:
        said = "\n".join(r.getMessage() for r in caplog.records if r.name == "fundkg.service")
        assert "ingested staged.txt" in said and "ingested left.txt" in said
        assert "discarded partial.txt" in said and "discarded failed.txt" in said
        for name in ("staged.txt", "left.txt"):
            assert c.get(f"/api/reports/{name}").status_code == 200
    assert sorted(p.name for p in uploads.iterdir() if not p.name.startswith(".")) == ["left.txt", "staged.txt"]
    assert not list((uploads / ".staging").iterdir())
    caplog.clear()
    with _app(store_path, uploads):  # in line now: nothing to say
        assert not [r for r in caplog.records if r.name == "fundkg.service"]
