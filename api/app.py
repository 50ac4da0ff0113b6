"""The FundKG web service: SPARQL endpoint, REST API and pages, on one FastAPI app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from api.pages import router as pages_router
from api.pages import static_router
from api.resources import router as resources_router
from api.rest import named_query_router
from api.service import Service
from api.sparql import router as sparql_router
from api.workers import WorkerPool
from kg.queries import named_queries
from kg.store import is_remote

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESULTS = 100_000


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
) -> FastAPI:
    """Build the app. A malformed named-query header raises here, before anything is served.

    `store_path` is a store directory or the URL of a SPARQL service (kg.store.remote)."""
    if not is_remote(store_path):
        store_path = Path(store_path)
        if not store_path.is_dir():
            raise FileNotFoundError(f"no store at {store_path}: run `fundkg build PATH --store {store_path}` first")
        upload_dir = upload_dir or store_path.parent / f"{store_path.name}-uploads"
    queries = named_queries(queries_dir)  # raises QueryError on a bad header: fail at start-up
    pool = WorkerPool(store_path, size=workers, query_timeout=query_timeout)
    service = Service(store_path, pool, queries, query_timeout, max_results, update_token,
                      max_upload_bytes, upload_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
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
) -> None:
    """Run the service with uvicorn (one server process; queries run in `workers` killable processes)."""
    import uvicorn

    app = create_app(store, update_token=update_token, query_timeout=query_timeout,
                     max_results=max_results, workers=workers)
    uvicorn.run(app, host=host, port=port, log_level="info")
