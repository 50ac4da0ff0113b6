"""The FundKG web service: SPARQL endpoint, REST API and pages, on one FastAPI app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from api.guard import Policy
from api.pages import router as pages_router
from api.pages import static_router
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
) -> FastAPI:
    """Build the app. A malformed named-query header raises here, before anything is served.

    `allow_service` lists the SERVICE endpoints a query may call (none by default), `allow_load` the
    hosts (host or host:port) an update may LOAD from over http(s) (none by default).
    `store_path` is a store directory or the URL of a SPARQL service (kg.store.remote).
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
        policy=Policy.of(list(allow_service), list(allow_load)),
    )  # fmt: skip

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
    )
    app.state.service = service
    app.include_router(sparql_router)
    app.include_router(named_query_router(queries, max_results))
    app.include_router(resources_router)
    app.include_router(static_router)
    app.include_router(pages_router)
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
) -> None:
    """Run the service with uvicorn (one server process; queries run in `workers` killable processes,
    writes in one killable writer process)."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    app = create_app(store, update_token=update_token, query_timeout=query_timeout, max_results=max_results,
                     workers=workers, allow_service=allow_service, allow_load=allow_load, write_timeout=write_timeout,
                     max_memory_mb=max_memory_mb, max_upload_bytes=int(max_upload_mb * 2**20))  # fmt: skip
    uvicorn.run(app, host=host, port=port, log_level="info")
