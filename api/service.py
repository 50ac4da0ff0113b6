"""What every route shares: the worker pool, the limits, the update token and store writes."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request

from api.freshness import ResultCache, StoreWatch
from api.guard import Policy
from api.workers import (
    PoolBusy,
    QueryOverMemory,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    WorkerFailed,
    WorkerPool,
)
from api.writer import WriteFailed, WriteInvalid, WriteOverrun, Writer, WriteRefused
from kg.errors import QueryError
from kg.queries import BlankValueError, NamedQuery, bind, internal_query


@dataclass
class Service:
    store_path: Path | str  # a directory, or a SPARQL service's URL
    pool: WorkerPool
    writer: Writer
    queries: dict[str, NamedQuery]
    query_timeout: float
    max_results: int
    update_token: str | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    upload_dir: Path = field(default_factory=Path)
    policy: Policy = field(default_factory=Policy)
    cache: ResultCache = field(default_factory=ResultCache)
    watch: StoreWatch | None = None  # None: no other process writes the store (tests of the pool alone)

    # --- reading ------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        rdf_format: str = "text/turtle",
        max_results: int | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        user: bool = False,
    ) -> dict[str, Any]:
        """Run a query in a worker; a `user` query (not the service's own) is checked for SERVICE there."""
        request = {
            "op": "query",
            "sparql": sparql,
            "rdf_format": rdf_format,
            "max_results": max_results or self.max_results,
            "default_graphs": default_graphs or [],
            "named_graphs": named_graphs or [],
            "policy": self._policy() if user else None,
        }
        return self._run(request)

    def _policy(self) -> dict[str, list[str]]:
        return {"services": sorted(self.policy.services), "load_hosts": sorted(self.policy.load_hosts)}

    def rows(self, sparql: str) -> list[dict[str, str]]:
        """SELECT rows as plain {variable: value} dicts, unbound variables left out."""
        result = self.query(sparql)
        names = result["variables"]
        return [{v: t["value"] for v, t in zip(names, row, strict=True) if t is not None} for row in result["rows"]]

    def internal_rows(self, name: str, **values: Any) -> list[dict[str, str]]:
        """The rows of an internal query (queries/internal/NAME.rq), its parameters bound as terms."""
        try:
            text = bind(internal_query(name), values)
        except BlankValueError as exc:
            raise HTTPException(400, str(exc)) from exc
        except QueryError as exc:  # a value that is no term of the parameter's type
            raise HTTPException(422, str(exc)) from exc
        return self.rows(text)

    def flows(self, programme: str, **filters: str | None) -> dict[str, Any]:
        return self._run({"op": "flows", "programme": programme, "filters": filters})

    def generation(self) -> int:
        """The store's generation now; workers of an older one are renewed before they answer again."""
        if self.watch is None:
            return 0
        generation = self.watch.generation()
        self.pool.refresh(generation)
        return generation

    def _run(self, request: dict[str, Any]) -> Any:
        generation = self.generation()
        key = self.cache.key(request)
        cached = self.cache.get(generation, key)
        if cached is not None:
            return dict(cached) if isinstance(cached, dict) else cached  # callers may add keys, not share them
        answer = self._run_uncached(request)
        self.cache.put(generation, key, answer)
        return dict(answer) if isinstance(answer, dict) else answer

    def _run_uncached(self, request: dict[str, Any]) -> Any:
        try:
            return self.pool.run(request, self.query_timeout)
        except QuerySyntaxError as exc:
            raise HTTPException(400, f"malformed query: {exc}") from exc
        except QueryRefused as exc:
            raise HTTPException(400, str(exc)) from exc
        except ResultTooLarge as exc:
            raise HTTPException(400, f"{exc}; add a LIMIT or narrow the query") from exc
        except (QueryTimeout, QueryOverMemory) as exc:
            raise HTTPException(503, str(exc)) from exc
        except PoolBusy as exc:
            raise HTTPException(503, str(exc)) from exc
        except WorkerFailed as exc:
            raise HTTPException(500, self.public(f"query failed: {exc}")) from exc

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

    def write(self, request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Run a write (update, ingest) in the writer process; workers older than what it left are renewed."""
        if request.get("op") == "update":
            request = {**request, "policy": self._policy()}
        try:
            reply = self.writer.run(request, timeout)
        except (WriteRefused, WriteInvalid) as exc:
            raise HTTPException(400, self.public(str(exc))) from exc
        except WriteOverrun as exc:
            raise HTTPException(503, str(exc)) from exc
        except WriteFailed as exc:
            raise HTTPException(500, self.public(f"the write failed: {exc}")) from exc
        generation = int(reply.get("generation", 0))
        self.pool.refresh(generation)
        if self.watch is not None:
            self.watch.saw(generation)
        return reply

    def public(self, text: str) -> str:
        """A message without the server's own paths: the store and upload folders are named, not located."""
        for folder, name in ((self.upload_dir, "<uploads>"), (self.store_path, "<store>")):
            if not isinstance(folder, Path):
                continue  # a remote store's URL is public already
            for form in sorted({str(folder.resolve()), str(folder.absolute())}, key=len, reverse=True):
                text = text.replace(form, name)
        return text
