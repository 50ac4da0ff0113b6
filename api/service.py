"""What every route shares: the worker pool, the limits, the update token and store writes."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import HTTPException, Request

from api.workers import PoolBusy, QuerySyntaxError, QueryTimeout, ResultTooLarge, WorkerFailed, WorkerPool
from kg.errors import QueryError
from kg.queries import NamedQuery, bind, internal_query
from kg.store import Store, open_store

T = TypeVar("T")


@dataclass
class Service:
    store_path: Path | str  # a directory, or a SPARQL service's URL
    pool: WorkerPool
    queries: dict[str, NamedQuery]
    query_timeout: float
    max_results: int
    update_token: str | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    upload_dir: Path | None = None
    _write_lock: threading.Lock = field(default_factory=threading.Lock)

    # --- reading ------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        rdf_format: str = "text/turtle",
        max_results: int | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> dict[str, Any]:
        request = {
            "op": "query",
            "sparql": sparql,
            "rdf_format": rdf_format,
            "max_results": max_results or self.max_results,
            "default_graphs": default_graphs or [],
            "named_graphs": named_graphs or [],
        }
        return self._run(request)

    def rows(self, sparql: str) -> list[dict[str, str]]:
        """SELECT rows as plain {variable: value} dicts, unbound variables left out."""
        result = self.query(sparql)
        names = result["variables"]
        return [{v: t["value"] for v, t in zip(names, row, strict=True) if t is not None} for row in result["rows"]]

    def internal_rows(self, name: str, **values: Any) -> list[dict[str, str]]:
        """The rows of an internal query (queries/internal/NAME.rq), its parameters bound as terms."""
        try:
            text = bind(internal_query(name), values)
        except QueryError as exc:  # a value that is no term of the parameter's type
            raise HTTPException(422, str(exc)) from exc
        return self.rows(text)

    def flows(self, programme: str, **filters: str | None) -> dict[str, Any]:
        return self._run({"op": "flows", "programme": programme, "filters": filters})

    def _run(self, request: dict[str, Any]) -> Any:
        try:
            return self.pool.run(request, self.query_timeout)
        except QuerySyntaxError as exc:
            raise HTTPException(400, f"malformed query: {exc}") from exc
        except ResultTooLarge as exc:
            raise HTTPException(400, f"{exc}; add a LIMIT or narrow the query") from exc
        except QueryTimeout as exc:
            raise HTTPException(503, str(exc)) from exc
        except PoolBusy as exc:
            raise HTTPException(503, str(exc)) from exc
        except WorkerFailed as exc:
            raise HTTPException(500, f"query failed: {exc}") from exc

    # --- writing ------------------------------------------------------------------------------

    def require_token(self, request: Request) -> None:
        """Writes need the service's update token as `Authorization: Bearer TOKEN`."""
        if self.update_token is None:
            raise HTTPException(403, "this service is read-only: it was started without an update token")
        given = request.headers.get("authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), self.update_token.encode()):
            raise HTTPException(
                401,
                "updates need the update token as 'Authorization: Bearer TOKEN'",
                headers={"WWW-Authenticate": "Bearer"},
            )

    def write(self, action: Callable[[Store], T]) -> T:
        """Run `action(store)` with the store opened for writing, one writer at a time.

        The store is opened only for the write, so the read-only workers never compete with a
        long-lived writer; those that see an older generation than the write left are renewed,
        because a read-only open sees a snapshot.
        """
        with self._write_lock:
            store = open_store(self.store_path)
            try:
                return action(store)
            finally:
                generation = store.generation()
                store.close()  # releases the store's lock for the next writer
                self.pool.refresh(generation)
