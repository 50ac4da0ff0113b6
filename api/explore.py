"""Pages to explore the store, Datasette-style: lists with counts, facets and sorting; named queries as forms.

Lists: /programmes, /policies, /reports and /departments. Each is one parameter-free query whose
answer the service caches per store generation (api.freshness), so filtering by a facet, sorting
and paging are done here over the cached rows, without another query. Every page answers
`?format=json` and `?format=csv` too (api.render.respond).

Named queries: /queries lists them, /queries/NAME is a form of the query's parameters (prefilled
with the examples) that shows the results in the page, with links to the same rows as JSON and CSV
from the REST endpoint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from api import resources, typed
from api.render import respond, route_path
from api.service import Service
from kg.queries import bind

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100


def listing_rows(service: Service, kind: str) -> list[dict[str, Any]]:
    """A list's rows, made once per store generation from its (cached) query answer."""
    generation = service.generation()
    return service.cache.derived(generation, f"listing:{kind}", lambda: LISTINGS[kind].rows(service))


@dataclass(frozen=True)
class Listing:
    title: str  # Chinese, then English in <small>
    english: str
    columns: tuple[tuple[str, str], ...]  # (key, heading)
    facets: tuple[tuple[str, str], ...]  # (key, heading): values counted over the whole list
    rows: Callable[[Service], list[dict[str, Any]]]
    link: Callable[[Request, dict[str, Any]], str]  # the page of a row (its first column links there)


def _programmes(service: Service) -> list[dict[str, Any]]:
    """One row a programme: the reports naming it (each report has one fiscal year) and their years."""
    by_name: dict[str, dict[str, Any]] = {}
    for r in service.internal_rows("programmes"):
        entry = by_name.setdefault(r["name"], {"name": r["name"], "reports": 0, "year": []})
        entry["reports"] += int(r["reports"])
        if r.get("year"):
            entry["year"].append(_int(r["year"]))
    return sorted(by_name.values(), key=lambda e: (-e["reports"], e["name"]))


def _policies(service: Service) -> list[dict[str, Any]]:
    from kg.lexicon.docnumbers import parse_document_number

    out = []
    for r in service.rows(bind(service.queries["most-cited-documents"], {})):
        number = r.get("number", "")  # a document cited by title only has no number
        parsed = parse_document_number(number) if number else None
        out.append({
            "number": number, "document": r["document"],
            "label": number or r.get("titles", "").split(" | ")[0],  # what a link to it says
            "titles": r.get("titles", ""), "reports": int(r["reports"]),
            "citations": int(r["citations"]), "issuer": parsed.issuer_code if parsed else "",
            "year": parsed.year if parsed else "",
        })  # fmt: skip
    return out


def _reports(service: Service) -> list[dict[str, Any]]:
    rows = service.internal_rows("summary-reports")
    return [{"file": r["file"], "publisher": r.get("publisher", ""), "year": _int(r.get("year", "")),
             "kind": r.get("kind", "")} for r in rows]  # fmt: skip


def _departments(service: Service) -> list[dict[str, Any]]:
    return [{"name": d["name"], "region": d.get("region", ""), "province": d.get("province", ""),
             "level": d.get("levelName", ""), "reports": len(d.get("reports", "").split(" | ")), "id": d["id"]}
            for d in resources.departments(service)]  # fmt: skip


def _int(text: str) -> int | str:
    """A year as a number (for JSON and for sorting), text that is no number as it is."""
    return int(text) if text.isdigit() else text


def _url(request: Request, name: str, **params: str) -> str:
    return route_path(request.app, name, tuple(sorted(params.items())))


LISTINGS: dict[str, Listing] = {
    "programmes": Listing(
        "项目", "Programmes", (("name", "项目 Programme"), ("reports", "报告数 Reports"), ("year", "年度 Years")),
        (("year", "年度 Year"),), _programmes,
        lambda req, r: _url(req, "flows_page") + "?programme=" + _quote(r["name"]),
    ),
    "policies": Listing(
        "政策文件", "Policy documents",
        (("number", "文号 Number"), ("titles", "标题 Titles"), ("reports", "报告数 Reports"),
         ("citations", "引用数 Citations")),
        (("year", "年份 Year"), ("issuer", "发文机关代字 Issuer")), _policies,
        lambda req, r: _url(req, "policy_page", number=r["number"]) if r["number"] else
        _url(req, "home") + "?q=" + _quote(r["titles"].split(" | ")[0]),
    ),
    "reports": Listing(
        "报告", "Reports", (("file", "文件 File"), ("publisher", "发布部门 Publisher"), ("year", "年度 Year"),
                            ("kind", "类型 Kind")),
        (("year", "年度 Year"), ("kind", "类型 Kind")), _reports,
        lambda req, r: _url(req, "report_page", file_name=r["file"]),
    ),
    "departments": Listing(
        "部门", "Departments", (("name", "部门 Department"), ("region", "地区 Region"), ("province", "省 Province"),
                                ("level", "级次 Level"), ("reports", "报告数 Reports")),
        (("level", "级次 Level"), ("province", "省 Province")), _departments,
        lambda req, r: _url(req, "department_page", dept_id=r["id"]),
    ),
}  # fmt: skip


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def _values(row: dict[str, Any], key: str) -> list[str]:
    value = row.get(key, "")
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def facet_counts(rows: list[dict[str, Any]], key: str) -> list[tuple[str, int]]:
    counts = Counter(v for r in rows for v in _values(r, key) if v)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:30]


def sort_rows(rows: list[dict[str, Any]], key: str, descending: bool) -> list[dict[str, Any]]:
    def order(row: dict[str, Any]) -> tuple[int, Any]:
        value = row.get(key, "")
        if isinstance(value, (int, float)):
            return (0, value)
        return (1, " ".join(value) if isinstance(value, list) else str(value))

    return sorted(rows, key=order, reverse=descending)


def listing_page(request: Request, kind: str) -> Response:
    spec = LISTINGS[kind]
    service: Service = request.app.state.service
    everything = listing_rows(service, kind)
    chosen = {key: request.query_params[key] for key, _ in spec.facets if request.query_params.get(key)}
    rows = [r for r in everything if all(value in _values(r, key) for key, value in chosen.items())]
    facets = [(key, heading, facet_counts(rows, key)) for key, heading in spec.facets]
    sort = request.query_params.get("_sort")
    descending = request.query_params.get("_desc") == "1"
    if sort in {k for k, _ in spec.columns}:
        rows = sort_rows(rows, sort, descending)
    try:
        offset = max(0, int(request.query_params.get("_offset", "0")))
    except ValueError:
        raise HTTPException(422, "_offset must be a whole number") from None
    shown = rows[offset : offset + PAGE_SIZE]
    keys = [k for k, _ in spec.columns]
    wants_csv = request.query_params.get("format") == "csv"  # the table of every matching row: only for CSV
    table = (keys, [[" ".join(_values(r, k)) for k in keys] for r in rows] if wants_csv else [])
    data = {"kind": kind, "count": len(rows), "total": len(everything), "filters": chosen,
            "facets": {k: dict(c) for k, _, c in facets}, "rows": rows}  # fmt: skip
    links = [spec.link(request, r) for r in shown]
    more = offset + PAGE_SIZE < len(rows)
    return respond(
        request, "listing.html", data=data, table=table, spec=spec, kind=kind, rows=shown, links=links,
        count=len(rows), total=len(everything), facets=facets, chosen=chosen, sort=sort, descending=descending,
        offset=offset, page_size=PAGE_SIZE, more=more,
    )  # fmt: skip


def _listing_route(kind: str) -> Callable[[Request], Response]:
    def page(request: Request) -> Response:
        return listing_page(request, kind)

    page.__name__ = f"{kind}_list"
    return page


for _kind in LISTINGS:
    router.add_api_route(f"/{_kind}", _listing_route(_kind), methods=["GET"], name=f"{_kind}_list")


# --- named queries as forms ----------------------------------------------------------------------


@router.get("/queries", name="queries_page")
def queries_page(request: Request) -> Response:
    service: Service = request.app.state.service
    queries = list(service.queries.values())
    data = [{"name": q.name, "summary": q.summary, "parameters": [p.name for p in q.parameters]} for q in queries]
    table = (["name", "summary", "parameters"], [[d["name"], d["summary"], " ".join(d["parameters"])] for d in data])
    return respond(request, "queries.html", data=data, table=table, queries=queries)


@router.get("/queries/{name}", name="named_query_page")
def named_query_page(request: Request, name: str) -> Response:
    service: Service = request.app.state.service
    query = service.queries.get(name)
    if query is None:
        raise HTTPException(404, f"no named query {name!r}; /queries lists them")
    given = {k: v for k, v in request.query_params.multi_items() if k not in ("format", "limit", "offset")}
    submitted = "run" in request.query_params or bool(given)
    given.pop("run", None)
    # The form shows the example of every parameter until the user submits their own values.
    values: dict[str, Any] = {p.name: request.query_params.getlist(p.name) if p.multi else given.get(p.name, "")
                              for p in query.parameters}  # fmt: skip
    if not submitted:
        values = {p.name: ([str(p.example)] if p.multi else str(p.example)) if p.example is not None else
                  ([] if p.multi else "") for p in query.parameters}  # fmt: skip
    bound = {k: v for k, v in values.items() if v not in ("", [], None)}
    api_params = [(k, x) for k, v in bound.items() for x in (v if isinstance(v, list) else [v])]
    api = _url(request, f"query_{name.replace('-', '_')}")
    from urllib.parse import urlencode

    json_url = f"{api}?{urlencode([*api_params, ('format', 'json')])}"
    csv_url = f"{api}?{urlencode([*api_params, ('format', 'csv')])}"
    result = error = None
    if submitted or all(not p.required or p.example is not None for p in query.parameters):
        try:
            text = bind(query, bound)
            result = service.query(text if query.form != "SELECT" else f"{text}\nLIMIT {PAGE_SIZE + 1}")
        except HTTPException as exc:
            error = exc.detail
        except Exception as exc:  # a value that is no term of its type (QueryError, BlankValueError)
            error = str(exc)
    rows: list[list[Any]] = []
    more = False
    if result and result.get("form") == "select":
        more = len(result["rows"]) > PAGE_SIZE
        rows = [[typed.value(t) for t in row] for row in result["rows"][:PAGE_SIZE]]
    data = {"query": name, "parameters": bound, "variables": result.get("variables", []) if result else [],
            "rows": [dict(zip(result["variables"], r, strict=True)) for r in rows] if result else []}  # fmt: skip
    table = (data["variables"], rows)
    return respond(
        request, "named_query.html", data=data, table=table, query=query, values=values, result=result,
        rows=rows, more=more, error=error, json_url=json_url, csv_url=csv_url, page_size=PAGE_SIZE,
        format_links={"json": json_url, "csv": csv_url},
    )  # fmt: skip
