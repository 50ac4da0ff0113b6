"""Task endpoints: policies, fund flows, departments, reports and the evidence behind any fact.

The queries are internal queries (queries/internal/*.rq); every value that reaches one is bound as
an RDF term by `kg.queries.bind`, so quotes or `>` in a path parameter stay inside one literal.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request

from api.service import Service
from kg.queries import bind, nt_iri
from kg.vocab import ID_NS

router = APIRouter(prefix="/api", tags=["resources"])


def service_of(request: Request) -> Service:
    return request.app.state.service


def not_blank(name: str, value: str | None) -> str | None:
    """A text parameter as given; 400 when it is white space only (it would match everything)."""
    if value is not None and value != "" and not value.strip():
        raise HTTPException(400, f"parameter {name!r} is blank: give a value, or leave the parameter out")
    return value or None


def source_name(path: str | None) -> str | None:
    """A report's source as a name relative to where it was read from, never a server path."""
    if not path:
        return None
    return path.rsplit("/", 1)[-1] if path.startswith("/") or path[1:3] == ":\\" else path


def canonical_number(number: str) -> str:
    from kg.lexicon.docnumbers import parse_document_number

    parsed = parse_document_number(number.strip())
    if parsed is None:
        raise HTTPException(422, f"{number!r} is not a document number such as 乐府办规〔2022〕3号")
    return parsed.canonical


# --- policies ------------------------------------------------------------------------------------


def policy(service: Service, number: str) -> dict[str, Any]:
    canonical = canonical_number(number)
    docs = service.internal_rows("policy-document", number=canonical)
    if not docs:
        raise HTTPException(404, f"no policy document {canonical} in the store")
    titles = service.internal_rows("policy-titles", number=canonical)
    citations = service.rows(bind(service.queries["policy-citations"], {"doc": canonical}))
    return {
        "number": canonical,
        "requested": number,
        "iri": docs[0]["doc"],
        "issuer": docs[0].get("issuer"),
        "year": docs[0].get("year"),
        "serial": docs[0].get("serial"),
        "titles": [t["title"] for t in titles],
        "citations": [
            {
                "report": c["file"],
                "department": c.get("publisher"),
                "year": c.get("year"),
                "sentence": c["sentence"],
                "numberAsWritten": c.get("numberAsWritten"),
                "titleAsCited": c.get("titleAsCited"),
                "start": int(c["start"]),
                "end": int(c["end"]),
                "page": c.get("page"),
                "citation": c["citation"],
            }
            for c in citations
        ],
    }


@router.get("/policies/{number:path}", summary="A policy document (文号, any brackets) with every citation")
def get_policy(number: str, request: Request) -> dict[str, Any]:
    return policy(service_of(request), number)


# --- flows ---------------------------------------------------------------------------------------


@router.get("/flows", summary="Fund flow of a programme as Sankey nodes and links (amounts in yuan)")
def get_flows(
    request: Request,
    programme: str = Query(..., description="Programme name, loosely matched", examples=["城乡医疗救助"]),
    region: str | None = Query(None, examples=["柳林县"]),
    year: str | None = Query(None, pattern=r"^\d{4}$", examples=["2022"]),
    phase: str | None = Query(None, pattern="^(initial|adjusted|executed|carried-over|allocated)$"),
) -> dict[str, Any]:
    if not_blank("programme", programme) is None:
        raise HTTPException(400, "parameter 'programme' is required: give a programme name")
    return service_of(request).flows(programme, region=not_blank("region", region), year=year, phase=phase)


# --- departments ---------------------------------------------------------------------------------

_ORG = ID_NS + "org/"


def _org_id(value: str) -> str:
    return value[len(_ORG) :] if value.startswith(_ORG) else value


def departments(service: Service) -> list[dict[str, Any]]:
    rows = service.rows(bind(service.queries["departments"], {}))
    return [{"id": _org_id(r["department"]), **r} for r in rows]


def department(service: Service, dept_id: str) -> dict[str, Any]:
    if not re.fullmatch(r"[0-9a-f]{6,64}", dept_id):
        raise HTTPException(404, f"no department {dept_id!r}")
    node = _ORG + dept_id
    info = service.internal_rows("department", department=node)
    if not info:
        raise HTTPException(404, f"no department {dept_id!r}")
    reports = service.internal_rows("department-reports", department=node)
    totals = service.internal_rows("department-totals", department=node)
    programmes = service.internal_rows("department-programmes", department=node)
    return {
        "id": dept_id,
        "iri": _ORG + dept_id,
        **info[0],
        "reports": reports,
        "totals": totals,
        "programmes": programmes,
    }


@router.get("/departments", summary="Departments that publish reports")
def get_departments(request: Request) -> list[dict[str, Any]]:
    return departments(service_of(request))


@router.get("/departments/{dept_id}", summary="A department: reports, executed totals by year, programmes")
def get_department(dept_id: str, request: Request) -> dict[str, Any]:
    return department(service_of(request), dept_id)


# --- reports and evidence ------------------------------------------------------------------------


def report(service: Service, file_name: str) -> dict[str, Any]:
    rows = service.internal_rows("report", file=file_name)
    if not rows:
        raise HTTPException(404, f"no report {file_name!r} in the store")
    info = {**rows[0], "path": source_name(rows[0].get("path"))}
    citations = service.rows(bind(service.queries["report-citations"], {"file": file_name}))
    amounts = service.internal_rows("report-amounts", report=info["report"])
    return {
        "file": file_name,
        **info,
        "provenance": {
            "sourcePath": info["path"],
            "sha256": info.get("sha"),
            "graph": info.get("graph"),
            "extractorVersion": info.get("version"),
        },
        "citations": citations,
        "amounts": amounts,
    }


@router.get("/reports/{file_name}", summary="A report with provenance back to its file and the spans of its facts")
def get_report(file_name: str, request: Request) -> dict[str, Any]:
    return report(service_of(request), file_name)


def evidence(service: Service, fact: str) -> dict[str, Any]:
    """Where a fact (citation, amount, budget line, fund flow …) was read: quote, span, table cell."""
    try:
        if len(fact) > 2048:
            raise ValueError("too long")
        nt_iri(fact.strip())
    except ValueError as exc:
        raise HTTPException(400, "'fact' must be the IRI of a fact, such as a citation or an amount") from exc
    rows = service.internal_rows("evidence", fact=fact.strip())
    if not rows:
        raise HTTPException(404, f"no evidence recorded for {fact}")
    return {"fact": fact, "evidence": rows}


@router.get("/source", summary="The quote, span and table cell a fact was read from")
def get_source(request: Request, fact: str = Query(..., description="IRI of any fact")) -> dict[str, Any]:
    return evidence(service_of(request), fact)


# --- upload --------------------------------------------------------------------------------------

_UPLOAD_FORM = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary", "description": "The report file."}},
        }}},
    }
}  # fmt: skip


@router.post("/reports", summary="Upload a report to ingest (needs the update token)", status_code=201,
             openapi_extra=_UPLOAD_FORM)  # fmt: skip
async def post_report(request: Request) -> dict[str, Any]:
    from starlette.concurrency import run_in_threadpool

    from api import uploads

    service = service_of(request)
    service.require_token(request)  # before a byte of the body is read
    staged = await uploads.receive(request, service)
    reply = await run_in_threadpool(uploads.ingest, service, staged)
    name = staged.name
    status = "replaced" if reply["replaced"] else "unchanged" if reply["unchanged"] else "added"
    return {
        "file": name,
        "status": status,
        "quads": reply["quads"],
        "report": str(request.url_for("get_report", file_name=name)),
    }
