"""The SPARQL 1.1 Protocol endpoint at /sparql: query by GET or POST, update only with the token."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from api import results as R
from api.service import Service
from kg.store import convert_rdf
from kg.vocab import PREFIXES

router = APIRouter(tags=["SPARQL"])

_FORMAT_KEYS = ("format", "output", "results")  # the parameters SPARQLWrapper and others send


def service_of(request: Request) -> Service:
    return request.app.state.service


async def _params(request: Request) -> dict[str, list[str]]:
    """Protocol parameters from the URL, a form body, or a direct query/update body."""
    params: dict[str, list[str]] = {k: request.query_params.getlist(k) for k in request.query_params}
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        service_of(request).require_token(request)  # before the body is read
    body = (await _bounded_body(request)).decode("utf-8", errors="replace")
    if content_type == "application/x-www-form-urlencoded":
        for key, values in parse_qs(body, keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    elif content_type == "application/sparql-query":
        params["query"] = [body]
    elif content_type == "application/sparql-update":
        params["update"] = [body]
    else:
        raise HTTPException(
            415,
            "POST a form (application/x-www-form-urlencoded), application/sparql-query or application/sparql-update",
        )
    return params


async def _bounded_body(request: Request) -> bytes:
    """The body, read as it arrives and refused (413) once it passes the service's upload limit."""
    limit = service_of(request).max_upload_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the request body is larger than the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the request body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _formats(params: dict[str, list[str]], accept: str | None) -> tuple[str | None, str | None]:
    """(results media type, RDF media type) from a format parameter, else from the Accept header."""
    for key in _FORMAT_KEYS:
        for value in params.get(key, []):
            value = value.strip().lower()
            res = R.RESULT_FORMAT_PARAM.get(value) or (value if value in R.RESULT_TYPES else None)
            rdf = R.RDF_FORMAT_PARAM.get(value) or (value if value in R.RDF_TYPES else None)
            if res or rdf:
                return res or R.RESULTS_JSON, rdf or "text/turtle"
    return (R.choose(accept, R.RESULT_TYPES, R.RESULTS_JSON), R.choose(accept, tuple(R.RDF_TYPES), "text/turtle"))


def _one(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key, [])
    if len(values) > 1:
        raise HTTPException(400, f"give exactly one '{key}' parameter")
    return values[0] if values else None


@router.get("/sparql", summary="SPARQL 1.1 query (GET), or the service description when no query is given")
async def sparql_get(request: Request) -> Response:
    return await _handle(request)


@router.post("/sparql", summary="SPARQL 1.1 query or update (POST: form, sparql-query or sparql-update body)")
async def sparql_post(request: Request) -> Response:
    return await _handle(request)


async def _handle(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    service = service_of(request)
    params = await _params(request)
    query, update = _one(params, "query"), _one(params, "update")
    if query is not None and update is not None:
        raise HTTPException(400, "a request carries either 'query' or 'update', not both")
    if update is not None:
        if request.method != "POST":
            raise HTTPException(400, "updates must be sent with POST")
        service.require_token(request)
        await run_in_threadpool(_apply_update, service, update, params)
        return PlainTextResponse("update applied\n")
    if query is None:
        return _description(request)
    results_type, rdf_type = _formats(params, request.headers.get("accept"))
    result = await run_in_threadpool(
        service.query,
        query,
        rdf_format=rdf_type or "text/turtle",
        default_graphs=params.get("default-graph-uri"),
        named_graphs=params.get("named-graph-uri"),
        user=True,
    )
    return _respond(result, results_type, rdf_type)


def _respond(result: dict[str, Any], results_type: str | None, rdf_type: str | None) -> Response:
    if result["form"] == "graph":
        if rdf_type is None:
            raise HTTPException(406, f"graph results are available as {', '.join(R.RDF_TYPES)}")
        return Response(result["data"], media_type=f"{rdf_type}; charset=utf-8")
    if results_type is None:
        raise HTTPException(406, f"query results are available as {', '.join(R.RESULT_TYPES)}")
    return Response(R.render(result, results_type), media_type=f"{results_type}; charset=utf-8")


def _apply_update(service: Service, update: str, params: dict[str, list[str]]) -> None:
    if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
        raise HTTPException(400, "using-graph-uri and using-named-graph-uri are not supported; use USING in the update")
    # In the writer process: checked for LOAD and SERVICE there, killed past its budget, and a
    # failure leaves the store closed and writable.
    service.write({"op": "update", "sparql": update})


_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"


def _description(request: Request) -> Response:
    """The service description (Turtle by default), with the predeclared prefixes as sh:declare."""
    accept = request.headers.get("accept", "")
    if R.parse_accept(accept)[0][0] == "text/html":
        return RedirectResponse(str(request.url_for("sparql_page")), status_code=303)
    endpoint = str(request.url_for("sparql_get"))
    service = service_of(request)
    declares = " ,\n    ".join(f'[ sh:prefix "{p}" ; sh:namespace "{ns}"^^xsd:anyURI ]' for p, ns in PREFIXES.items())
    formats = ", ".join(
        f"<{_FORMATS}{f}>"
        for f in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
            "RDF_XML",
        )
    )
    update = " , sd:SPARQL11Update" if service.update_token else ""
    turtle = f"""@prefix sd: <{_SD}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{endpoint}> a sd:Service ;
  rdfs:label "FundKG SPARQL endpoint" ;
  rdfs:comment "Union of all report graphs is the default graph. Prefixes below are predeclared." ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query{update} ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat {formats} ;
  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] ;
  sh:declare
    {declares} .
"""
    target = R.choose(accept, tuple(R.RDF_TYPES), "text/turtle") or "text/turtle"
    if target == "text/turtle":
        return Response(turtle, media_type="text/turtle; charset=utf-8")
    return Response(convert_rdf(turtle, target), media_type=f"{target}; charset=utf-8")
