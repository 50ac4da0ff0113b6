"""Task endpoints: policies, fund flows, departments, reports and the evidence behind any fact.

The queries are internal queries (queries/internal/*.rq); every value that reaches one is bound as
an RDF term by `kg.queries.bind`, so quotes or `>` in a path parameter stay inside one literal.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, UploadFile

from api.service import Service
from kg.queries import bind
from kg.store import Store
from kg.vocab import ID_NS

router = APIRouter(prefix="/api", tags=["resources"])


def service_of(request: Request) -> Service:
    return request.app.state.service


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
    return service_of(request).flows(programme, region=region, year=year, phase=phase)


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
    info = rows[0]
    citations = service.rows(bind(service.queries["report-citations"], {"file": file_name}))
    amounts = service.internal_rows("report-amounts", report=info["report"])
    return {
        "file": file_name,
        **info,
        "provenance": {
            "sourcePath": info.get("path"),
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
    rows = service.internal_rows("evidence", fact=fact)
    if not rows:
        raise HTTPException(404, f"no evidence recorded for {fact}")
    return {"fact": fact, "evidence": rows}


@router.get("/source", summary="The quote, span and table cell a fact was read from")
def get_source(request: Request, fact: str = Query(..., description="IRI of any fact")) -> dict[str, Any]:
    return evidence(service_of(request), fact)


# --- upload --------------------------------------------------------------------------------------


@router.post("/reports", summary="Upload a report to ingest (needs the update token)", status_code=201)
def post_report(request: Request, file: UploadFile) -> dict[str, Any]:
    from kg.build import BuildResult, build
    from kg.linking import link
    from kg.readers import is_supported

    service = service_of(request)
    service.require_token(request)
    name = Path(file.filename or "").name
    if not name or name.startswith(".") or not is_supported(Path(name)):
        raise HTTPException(415, f"{name or 'the upload'}: send a .txt, .md, .docx, .pdf or .html report")
    data = file.file.read(service.max_upload_bytes + 1)
    if len(data) > service.max_upload_bytes:
        raise HTTPException(413, f"{name}: larger than the upload limit of {service.max_upload_bytes} bytes")
    upload_dir = service.upload_dir or Path(tempfile.mkdtemp(prefix="fundkg-uploads-"))
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = upload_dir / name
    with tempfile.NamedTemporaryFile(dir=upload_dir, delete=False) as tmp:
        tmp.write(data)
    shutil.move(tmp.name, target)  # the report is identified by its file name, kept for provenance

    def ingest(store: Store) -> BuildResult:
        built = build([target], store, max_bytes=service.max_upload_bytes)
        link(store)  # as `fundkg build` does: the links graph follows the reports
        return built

    result = service.write(ingest)
    if result.failed:
        raise HTTPException(422, "; ".join(f.message for f in result.failed))
    status = "replaced" if result.replaced else "unchanged" if result.unchanged else "added"
    return {
        "file": name,
        "status": status,
        "quads": result.quads_written,
        "report": str(request.url_for("get_report", file_name=name)),
    }
