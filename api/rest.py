"""Every named query in `queries/` as a REST endpoint: GET /api/queries/{name}.

The endpoints are generated from the query headers when the app is created, so adding a `.rq`
file adds an endpoint, with its parameters (type, required, allowed values, example) in the
OpenAPI schema. Values are bound as RDF terms by `kg.queries.bind` (a VALUES block, never text
pasted into the query). Results page with `limit`/`offset` and a `next` link. The format comes from
`format=` or else the Accept header (JSON, CSV, TSV), as at /sparql; JSON values are typed from their
RDF datatype (api.typed).
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from api import results as R
from api import typed
from api.service import Service
from kg.errors import QueryError
from kg.queries import BlankValueError, NamedQuery, bind

RESERVED = ("limit", "offset", "format")  # paging and output options every endpoint takes
JSON = "application/json"
FORMATS = {"json": JSON, "csv": R.CSV, "tsv": R.TSV}
_TRAILING_SLICE = re.compile(r"\b(LIMIT|OFFSET)\s+\d+\s*$", re.IGNORECASE)


def check_queries(queries: dict[str, NamedQuery]) -> None:
    """Refuse at start-up what would make an ambiguous endpoint."""
    for q in queries.values():
        clash = [p.name for p in q.parameters if p.name in RESERVED]
        if clash:
            raise QueryError(f"{q.path}: parameter name(s) {clash} are reserved for paging and output ({RESERVED})")


def paged(text: str, limit: int, offset: int) -> str:
    """The query limited to one page plus one row (to know whether there is a next page)."""
    if _TRAILING_SLICE.search(text.strip()):  # the query slices itself: page over it as a subquery
        return f"SELECT * WHERE {{ {text} }} LIMIT {limit + 1} OFFSET {offset}"
    return f"{text}\nLIMIT {limit + 1} OFFSET {offset}"


def negotiate(request: Request, fmt: str | None) -> str:
    """The media type to answer in: `format=` if given, else the best the Accept header allows."""
    if fmt:
        return FORMATS[fmt]
    chosen = R.choose(request.headers.get("accept"), (JSON, R.CSV, R.TSV, R.RESULTS_JSON), JSON)
    if chosen is None:
        raise HTTPException(406, "this endpoint answers in application/json, text/csv or text/tab-separated-values")
    return JSON if chosen == R.RESULTS_JSON else chosen


def run_named(
    service: Service, query: NamedQuery, values: dict[str, Any], request: Request, limit: int, offset: int,
    fmt: str | None,
) -> Response:  # fmt: skip
    media = negotiate(request, fmt)
    try:
        text = bind(query, values)
    except BlankValueError as exc:  # white space would match everything: a request error, not a value
        raise HTTPException(400, str(exc)) from exc
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from exc
    if query.form != "SELECT":
        rdf_type = "application/ld+json" if media == JSON else "text/turtle"
        result = service.query(text, rdf_format=rdf_type)
        if result["form"] == "ask":
            return JSONResponse({"query": query.name, "boolean": result["boolean"]})
        return Response(result["data"], media_type=f"{rdf_type}; charset=utf-8")
    result = service.query(paged(text, limit, offset))
    rows = result["rows"]
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = str(request.url.include_query_params(offset=offset + limit, limit=limit)) if more else None
    headers = {"Link": f'<{next_url}>; rel="next"', "Vary": "Accept"} if next_url else {"Vary": "Accept"}
    if media in (R.CSV, R.TSV):
        body = (R.select_csv if media == R.CSV else R.select_tsv)(result["variables"], rows)
        return Response(body, media_type=f"{media}; charset=utf-8", headers=headers)
    variables = result["variables"]
    return Response(
        typed.dumps({
            "query": query.name,
            "summary": query.summary,
            "parameters": values,
            "variables": variables,
            "rows": [{v: typed.value(t) for v, t in zip(variables, row, strict=True)} for row in rows],
            "limit": limit,
            "offset": offset,
            "next": next_url,
        }),
        media_type=JSON,
        headers=headers,
    )


def _endpoint(query: NamedQuery, max_limit: int):
    """A FastAPI endpoint whose signature declares the query's parameters (for validation and docs)."""
    declared = {p.name for p in query.parameters}

    def endpoint(request: Request, **kwargs: Any) -> Response:
        unknown = set(request.query_params) - declared - set(RESERVED)
        if unknown:
            raise HTTPException(
                422, f"query {query.name!r} has no parameter(s) {sorted(unknown)}; it takes {sorted(declared)}"
            )
        limit, offset, fmt = kwargs.pop("limit"), kwargs.pop("offset"), kwargs.pop("format")
        values = {k: v for k, v in kwargs.items() if v is not None}
        return run_named(request.app.state.service, query, values, request, limit, offset, fmt)

    params = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for p in query.parameters:
        extra: dict[str, Any] = {"x-rdf-type": p.type}
        if p.allowed:
            extra["enum"] = list(p.allowed)
        examples = [str(p.example)] if p.example is not None else None
        default = ... if p.required else (str(p.default) if p.default is not None else None)
        multi = "; repeat for several values" if p.multi else ""
        description = f"{p.description or p.name} (RDF type: {p.type}{multi})"
        annotation: Any = list[str] if p.multi else str
        if not p.required:
            annotation = annotation | None
        if p.multi and default is None:
            default = None
        params.append(
            inspect.Parameter(
                p.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=annotation,
                default=Query(default, description=description, examples=examples, json_schema_extra=extra),
            )
        )
    params += [
        inspect.Parameter(
            "limit",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=int,
            default=Query(100, ge=1, le=max_limit, description="Rows per page."),
        ),
        inspect.Parameter(
            "offset",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=int,
            default=Query(0, ge=0, description="Rows to skip (follow `next` instead)."),
        ),
        inspect.Parameter(
            "format",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=str | None,
            default=Query(None, pattern="^(json|csv|tsv)$",
                          description="json, csv or tsv; without it, the Accept header chooses (JSON by default)."),
        ),
    ]
    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = "query_" + query.name.replace("-", "_")
    return endpoint


_RESPONSES: dict[str, Any] = {
    "description": "One page of rows: JSON (values typed from their RDF datatype), CSV or TSV (SPARQL 1.1 TSV), "
    "by `format=` or the Accept header. A `Link: <…>; rel=next` header and `next` give the next page.",
    "content": {
        JSON: {"schema": {
            "type": "object",
            "properties": {
                "query": {"type": "string"}, "summary": {"type": "string"},
                "parameters": {"type": "object"},
                "variables": {"type": "array", "items": {"type": "string"}},
                "rows": {"type": "array", "items": {"type": "object", "additionalProperties": typed.VALUE_SCHEMA}},
                "limit": {"type": "integer"}, "offset": {"type": "integer"},
                "next": {"anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}]},
            },
        }},
        R.CSV: {"schema": {"type": "string"}},
        R.TSV: {"schema": {"type": "string"}},
    },
}  # fmt: skip


def named_query_router(queries: dict[str, NamedQuery], max_limit: int) -> APIRouter:
    check_queries(queries)
    router = APIRouter(prefix="/api/queries", tags=["named queries"])

    @router.get("", summary="List the named queries and their parameters")
    def list_queries(request: Request) -> list[dict[str, Any]]:
        return [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "form": q.form,
                "url": str(request.url_for(f"query_{q.name.replace('-', '_')}")),
                "parameters": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "required": p.required,
                        "multi": p.multi,
                        "allowed": list(p.allowed),
                        "default": p.default,
                        "example": p.example,
                        "description": p.description,
                    }
                    for p in q.parameters
                ],
                "example": q.example,
                "text": q.text,
            }
            for q in queries.values()
        ]

    for query in queries.values():
        router.add_api_route(
            f"/{query.name}",
            _endpoint(query, max_limit),
            methods=["GET"],
            summary=query.summary,
            description=query.description + (f"\n\nExample: `{query.example}`" if query.example else ""),
            name=f"query_{query.name.replace('-', '_')}",
            operation_id=f"query_{query.name.replace('-', '_')}",
            responses={200: _RESPONSES},
        )
    return router
