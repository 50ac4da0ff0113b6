"""Server-rendered pages (Jinja2), in Chinese with English labels, over the same data as the API.

Every page answers `?format=json` (its data, values typed as in the REST API) and `?format=csv`
(its main table), and links to both; errors on pages are pages too (api.errors), JSON stays JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from api import resources
from api.explore import LISTINGS, listing_rows
from api.render import Table, respond
from api.service import Service
from kg.vocab import PREFIXES

router = APIRouter(include_in_schema=False)

PHASES = [
    ("", "全部阶段 all phases"),
    ("initial", "年初预算 initial"),
    ("adjusted", "全年预算 adjusted"),
    ("executed", "执行数 executed"),
    ("carried-over", "上年结转 carried over"),
    ("allocated", "下达 allocated"),
]


def _service(request: Request) -> Service:
    return request.app.state.service


def _page(request: Request, name: str, *, data: Any = None, table: Table | None = None, **context: Any) -> Response:
    return respond(request, name, data=data if data is not None else {}, table=table or ((), ()), **context)


def _columns(rows: list[dict[str, Any]], keys: Sequence[str]) -> Table:
    return keys, [[r.get(k) for k in keys] for r in rows]


HOME_LISTS = ("programmes", "policies", "reports", "departments")
HOME_SHOWN = 10


@router.get("/", name="home", response_class=HTMLResponse)
def home(request: Request, q: str | None = None) -> Response:
    service = _service(request)
    q = (q or "").strip()
    if not q:
        # Each list is one parameter-free query, cached per store generation (api.freshness).
        lists = []
        for kind in HOME_LISTS:
            spec = LISTINGS[kind]
            rows = listing_rows(service, kind)
            lists.append({"kind": kind, "spec": spec, "count": len(rows), "rows": rows[:HOME_SHOWN],
                          "links": [spec.link(request, r) for r in rows[:HOME_SHOWN]]})  # fmt: skip
        counts = {entry["kind"]: entry["count"] for entry in lists}
        data = {"counts": counts, **{e["kind"]: e["rows"] for e in lists}}
        table = (["list", "count"], list(counts.items()))
        return _page(request, "home.html", data=data, table=table, q=None, lists=lists, queries=len(service.queries))
    from kg.lexicon.docnumbers import parse_document_number

    depts = resources.departments(service)
    number = parse_document_number(q)
    matching = [d for d in depts if q in d["name"] or q in d.get("region", "")]
    programmes = service.internal_rows("programme-search", text=q)
    document = number.canonical if number else None
    data = {"q": q, "departments": matching, "programmes": programmes, "document": document}
    found = [("department", d["name"]) for d in matching] + [("programme", p["name"]) for p in programmes]
    table = (["kind", "name"], found + ([("policy", document)] if document else []))
    return _page(request, "home.html", data=data, table=table, q=q, departments=matching, programmes=programmes,
                 document=document)  # fmt: skip


@router.get("/policies/{number:path}", name="policy_page", response_class=HTMLResponse)
def policy_page(request: Request, number: str) -> Response:
    doc = resources.policy(_service(request), number)
    keys = ("report", "department", "year", "sentence", "start", "end", "citation")
    return _page(request, "policy.html", data=doc, table=_columns(doc["citations"], keys), doc=doc)


@router.get("/departments/{dept_id}", name="department_page", response_class=HTMLResponse)
def department_page(request: Request, dept_id: str) -> Response:
    dept = resources.department(_service(request), dept_id)
    return _page(request, "department.html", data=dept, table=_columns(dept["totals"], ("year", "yuan", "lines")),
                 dept=dept)  # fmt: skip


@router.get("/departments/{dept_id}/lines/{year}", name="lines_page", response_class=HTMLResponse)
def lines_page(request: Request, dept_id: str, year: str) -> Response:
    """The lines behind a yearly total, each linking to the table cell it was read from."""
    service = _service(request)
    dept = resources.department(service, dept_id)
    lines = service.internal_rows("department-lines", department=dept["iri"], yearText=year)
    keys = ("code", "name", "yuan", "file", "line")
    return _page(request, "lines.html", data={"department": dept["name"], "year": year, "lines": lines},
                 table=_columns(lines, keys), dept=dept, year=year, lines=lines)  # fmt: skip


@router.get("/reports/{file_name}", name="report_page", response_class=HTMLResponse)
def report_page(request: Request, file_name: str) -> Response:
    rep = resources.report(_service(request), file_name)
    keys = ("label", "text", "yuan", "start", "end", "fact")
    return _page(request, "report.html", data=rep, table=_columns(rep["amounts"], keys), rep=rep)


@router.get("/source", name="source_page", response_class=HTMLResponse)
def source_page(request: Request, fact: str = Query(...)) -> Response:
    ev = resources.evidence(_service(request), fact)
    keys = ("file", "start", "end", "table", "row", "column", "exact", "sentence")
    return _page(request, "source.html", data=ev, table=_columns(ev["evidence"], keys), ev=ev)


@router.get("/flows", name="flows_page", response_class=HTMLResponse)
def flows_page(
    request: Request,
    programme: str = "城乡医疗救助",
    region: str | None = None,
    year: str | None = None,
    phase: str | None = None,
) -> Response:
    if resources.not_blank("programme", programme) is None:
        raise HTTPException(400, "parameter 'programme' is required: give a programme name")
    region = resources.not_blank("region", region)
    flow = _service(request).flows(programme, region=region, year=year or None, phase=phase or None)
    nodes = flow.get("nodes", [])
    table = (["from", "to", "phase", "yuan"],
             [[nodes[x["source"]]["label"], nodes[x["target"]]["label"], x["phase"], x["amount_yuan"]]
              for x in flow.get("links", [])])  # fmt: skip
    # Nothing to draw: a message (and 404) instead of an empty Sankey, which Plotly cannot draw.
    return _page(
        request,
        "flows.html",
        data=flow,
        table=table,
        status_code=200 if flow.get("links") else 404,
        flow=flow,
        programme=programme,
        region=region,
        year=year,
        phase=phase or "",
        phases=PHASES,
    )


@router.get("/query", name="sparql_page", response_class=HTMLResponse)
def sparql_page(request: Request, query: str | None = None, example: str | None = None) -> Response:
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
    select = result is not None and result["form"] == "select"
    data = {k: v for k, v in result.items() if k != "data"} if result is not None else {}
    table: Table = ((), ())
    if select:
        table = (result["variables"], [[t["value"] if t else None for t in row] for row in result["rows"]])
    return _page(
        request,
        "query.html",
        data=data,
        table=table,
        query=query or "",
        result=result,
        error=error,
        queries=list(service.queries.values()),
        prefixes=list(PREFIXES),
        endpoint=str(request.url_for("sparql_get")),
    )
