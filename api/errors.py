"""Errors as pages for people and as JSON for programs.

A page route (anything outside /api, /sparql and the OpenAPI schema) answers an error with an HTML
page that says what went wrong and where to go; the API keeps FastAPI's `{"detail": …}`, and a
client asking for JSON only gets JSON everywhere.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

_MACHINE_PREFIXES = ("/api", "/sparql", "/openapi.json", "/static/")
TITLES = {400: "请求有误 Bad request", 404: "未找到 Not found", 405: "不支持的方法 Method not allowed",
          406: "无法提供该格式 Not acceptable", 413: "请求过大 Too large", 422: "参数有误 Invalid parameter",
          503: "服务繁忙 Service busy"}  # fmt: skip


def wants_html(request: Request) -> bool:
    if request.url.path.startswith(_MACHINE_PREFIXES) or request.query_params.get("format") in ("json", "csv"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "*/*" in accept or not accept


def _page(request: Request, status: int, detail: object, headers: dict[str, str] | None = None) -> Response:
    from api.render import templates

    if isinstance(detail, list):  # validation errors: one line each, naming the parameter
        detail = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', [])[1:])}: {e.get('msg')}" for e in detail)
    title = TITLES.get(status, "出错了 Error")
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "title": title, "detail": str(detail)}, status_code=status,
        headers=headers,
    )  # fmt: skip


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_html(request):
            return _page(request, exc.status_code, exc.detail, getattr(exc, "headers", None))
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if wants_html(request):
            return _page(request, 422, exc.errors())
        return await request_validation_exception_handler(request, exc)
