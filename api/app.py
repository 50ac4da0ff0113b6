"""The FundKG web service: SPARQL endpoint, REST API and pages, on one FastAPI app."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from api import errors
from api.assets import router as assets_router
from api.explore import router as explore_router
from api.freshness import ResultCache, StoreWatch
from api.guard import Policy
from api.pages import router as pages_router
from api.resources import router as resources_router
from api.rest import named_query_router
from api.service import Service
from api.sparql import router as sparql_router
from api.workers import WorkerPool
from api.writer import Writer
from kg.queries import named_queries
from kg.store import is_remote

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESULTS = 100_000
DEFAULT_WRITE_TIMEOUT = 300.0  # an upload's whole build and linking, or an update
DEFAULT_MAX_MEMORY_MB = 2048  # resident memory a query worker or the writer may use


def create_app(
    store_path: Path | str,
    *,
    update_token: str | None = None,
    query_timeout: float = DEFAULT_TIMEOUT,
    max_results: int = DEFAULT_MAX_RESULTS,
    workers: int = 2,
    queries_dir: Path | None = None,
    max_upload_bytes: int = 20 * 1024 * 1024,
    upload_dir: Path | None = None,
    allow_service: Sequence[str] = (),
    allow_load: Sequence[str] = (),
    write_timeout: float = DEFAULT_WRITE_TIMEOUT,
    max_memory_mb: float | None = DEFAULT_MAX_MEMORY_MB,
    cache_entries: int = 512,
) -> FastAPI:
    """Build the app. A malformed named-query header raises here, before anything is served.

    `allow_service` lists the SERVICE endpoints a query may call (none by default), `allow_load` the
    hosts (host or host:port) an update may LOAD from over http(s) (none by default).
    `store_path` is a store directory or the URL of a SPARQL service (kg.store.remote).
    `cache_entries` answers are cached per store generation (0: none).
    """
    if not is_remote(store_path):
        store_path = Path(store_path)
        if not store_path.is_dir():
            raise FileNotFoundError(f"no store at {store_path}: run `fundkg build PATH --store {store_path}` first")
        upload_dir = upload_dir or store_path.parent / f"{store_path.name}-uploads"
    else:  # a remote store has no folder of its own beside it: the working directory's
        upload_dir = upload_dir or Path("fundkg-uploads").absolute()
    queries = named_queries(queries_dir)  # raises QueryError on a bad header: fail at start-up
    max_rss = int(max_memory_mb * 2**20) if max_memory_mb else None
    pool = WorkerPool(store_path, size=workers, max_rss=max_rss, query_timeout=query_timeout)
    writer = Writer(store_path, write_timeout, max_rss)
    service = Service(
        store_path, pool, writer, queries, query_timeout, max_results, update_token=update_token,
        max_upload_bytes=max_upload_bytes, upload_dir=upload_dir,
        policy=Policy.of(list(allow_service), list(allow_load)), cache=ResultCache(cache_entries),
    )  # fmt: skip
    service.watch = StoreWatch(store_path, read_remote=lambda: int(service._run_uncached({"op": "generation"})))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from api.uploads import reconcile

        pool.start()
        writer.start()
        try:
            reconcile(service)  # uploads the store does not hold: ingested or discarded, and logged
            yield
        finally:
            writer.close()
            pool.close()

    app = FastAPI(
        title="FundKG",
        summary="Chinese public fund flows from budget disclosures: SPARQL, named queries and pages.",
        description="SPARQL 1.1 at `/sparql` (read-only unless started with an update token); every named "
        "query in `queries/` under `/api/queries/{name}`; documents, flows, departments and reports.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc are served by api.assets, with local scripts
        redoc_url=None,
    )
    app.state.service = service
    app.include_router(sparql_router)
    app.include_router(named_query_router(queries, max_results))
    app.include_router(resources_router)
    app.include_router(assets_router)
    app.include_router(explore_router)
    app.include_router(pages_router)
    errors.install(app)
    return app


def serve(
    store: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    update_token: str | None = None,
    query_timeout: float = DEFAULT_TIMEOUT,
    max_results: int = DEFAULT_MAX_RESULTS,
    workers: int = 2,
    allow_service: Sequence[str] = (),
    allow_load: Sequence[str] = (),
    write_timeout: float = DEFAULT_WRITE_TIMEOUT,
    max_memory_mb: float | None = DEFAULT_MAX_MEMORY_MB,
    max_upload_mb: float = 20.0,
    cache_entries: int = 512,
    open_browser: bool = False,
) -> None:
    """Run the service with uvicorn (one server process; queries run in `workers` killable processes,
    writes in one killable writer process); `open_browser` opens the home page once it answers."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    app = create_app(store, update_token=update_token, query_timeout=query_timeout, max_results=max_results,
                     workers=workers, allow_service=allow_service, allow_load=allow_load, write_timeout=write_timeout,
                     max_memory_mb=max_memory_mb, max_upload_bytes=int(max_upload_mb * 2**20),
                     cache_entries=cache_entries)  # fmt: skip
    if open_browser:
        import webbrowser

        open_when_ready(host, port, webbrowser.open)
    uvicorn.run(app, host=host, port=port, log_level="info")


def open_when_ready(host: str, port: int, opener: Callable[[str], object], timeout: float = 120.0) -> threading.Thread:
    """Open the home page once the port accepts connections (uvicorn starts after the workers do)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{shown}:{port}/"

    def wait_then_open() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((shown, port), timeout=1):
                    opener(url)
                    return
            except OSError:
                time.sleep(0.2)

    thread = threading.Thread(target=wait_then_open, daemon=True, name="fundkg-open-browser")
    thread.start()
    return thread
