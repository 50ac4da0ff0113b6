"""Server-rendered pages (Jinja2), in Chinese with English labels, over the same data as the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from api import resources
from api.service import Service
from kg.vocab import PREFIXES

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)
static_router = APIRouter(include_in_schema=False)

PHASES = [
    ("", "全部阶段 all phases"),
    ("initial", "年初预算 initial"),
    ("adjusted", "全年预算 adjusted"),
    ("executed", "执行数 executed"),
    ("carried-over", "上年结转 carried over"),
    ("allocated", "下达 allocated"),
]


def plotly_path() -> Path:
    """plotly.min.js from the installed plotly package: served from there, not vendored, not a CDN."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: reinstall the plotly package")
    return path


@static_router.get("/static/plotly.min.js", name="plotly_js")
def plotly_js() -> FileResponse:
    return FileResponse(plotly_path(), media_type="application/javascript")


@static_router.get("/static/{name}", name="static_file")
def static_file(name: str) -> FileResponse:
    path = HERE / "static" / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise HTTPException(404, "no such file")
    return FileResponse(path)


def _service(request: Request) -> Service:
    return request.app.state.service


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context)


@router.get("/", name="home", response_class=HTMLResponse)
def home(request: Request, q: str | None = None) -> HTMLResponse:
    service = _service(request)
    depts = resources.departments(service)
    q = (q or "").strip()
    if not q:
        return _page(request, "home.html", q=None, departments=depts)
    from kg.lexicon.docnumbers import parse_document_number

    number = parse_document_number(q)
    matching = [d for d in depts if q in d["name"] or q in d.get("region", "")]
    programmes = service.internal_rows("programme-search", text=q)
    return _page(
        request,
        "home.html",
        q=q,
        departments=matching,
        programmes=programmes,
        document=number.canonical if number else None,
    )


@router.get("/policies/{number:path}", name="policy_page", response_class=HTMLResponse)
def policy_page(request: Request, number: str) -> HTMLResponse:
    return _page(request, "policy.html", doc=resources.policy(_service(request), number))


@router.get("/departments/{dept_id}", name="department_page", response_class=HTMLResponse)
def department_page(request: Request, dept_id: str) -> HTMLResponse:
    return _page(request, "department.html", dept=resources.department(_service(request), dept_id))


@router.get("/departments/{dept_id}/lines/{year}", name="lines_page", response_class=HTMLResponse)
def lines_page(request: Request, dept_id: str, year: str) -> HTMLResponse:
    """The lines behind a yearly total, each linking to the table cell it was read from."""
    service = _service(request)
    dept = resources.department(service, dept_id)
    lines = service.internal_rows("department-lines", department=dept["iri"], yearText=year)
    return _page(request, "lines.html", dept=dept, year=year, lines=lines)


@router.get("/reports/{file_name}", name="report_page", response_class=HTMLResponse)
def report_page(request: Request, file_name: str) -> HTMLResponse:
    return _page(request, "report.html", rep=resources.report(_service(request), file_name))


@router.get("/source", name="source_page", response_class=HTMLResponse)
def source_page(request: Request, fact: str = Query(...)) -> HTMLResponse:
    return _page(request, "source.html", ev=resources.evidence(_service(request), fact))


@router.get("/flows", name="flows_page", response_class=HTMLResponse)
def flows_page(
    request: Request,
    programme: str = "城乡医疗救助",
    region: str | None = None,
    year: str | None = None,
    phase: str | None = None,
) -> HTMLResponse:
    if resources.not_blank("programme", programme) is None:
        raise HTTPException(400, "parameter 'programme' is required: give a programme name")
    region = resources.not_blank("region", region)
    flow = _service(request).flows(programme, region=region, year=year or None, phase=phase or None)
    return _page(
        request,
        "flows.html",
        flow=flow,
        programme=programme,
        region=region,
        year=year,
        phase=phase or "",
        phases=PHASES,
    )


@router.get("/query", name="sparql_page", response_class=HTMLResponse)
def sparql_page(request: Request, query: str | None = None, example: str | None = None) -> HTMLResponse:
    service = _service(request)
    if example in service.queries:
        named = service.queries[example]
        from kg.queries import bind

        values = {p.name: p.example for p in named.parameters if p.required and p.example is not None}
        query = bind(named, values)
    result: dict[str, Any] | None = None
    error = None
    if query and not example:
        try:
            result = service.query(query, max_results=min(service.max_results, 5000), user=True)
        except HTTPException as exc:
            error = exc.detail
        if result and result["form"] == "graph":
            result["text"] = result["data"].decode()
    return _page(
        request,
        "query.html",
        query=query or "",
        result=result,
        error=error,
        queries=list(service.queries.values()),
        prefixes=list(PREFIXES),
        endpoint=str(request.url_for("sparql_get")),
    )
