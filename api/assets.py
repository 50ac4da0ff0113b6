"""Static assets served by the service itself, gzipped once and cached: nothing comes from a CDN.

- /static/NAME: the files in api/static (style, table script, favicon);
- /static/plotly.min.js: from the installed plotly package;
- /static/docs/NAME: Swagger UI and ReDoc from the installed `fastapi-offline` package (MIT; it
  ships swagger-ui-bundle.js, swagger-ui.css and redoc.standalone.js), for /docs and /redoc.

Each file is read and compressed once per process (plotly.min.js: 4.8 MB → ≈1.4 MB) and answered
gzipped to clients that accept it, with an ETag and a day of caching.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

HERE = Path(__file__).parent
router = APIRouter(include_in_schema=False)
DOC_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js")


def plotly_path() -> Path:
    """plotly.min.js from the installed plotly package: served from there, not vendored, not a CDN."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: reinstall the plotly package")
    return path


def docs_dir() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


@lru_cache(maxsize=32)
def _load(path: Path) -> tuple[bytes, bytes, str]:
    data = path.read_bytes()
    return data, gzip.compress(data, compresslevel=6, mtime=0), hashlib.sha256(data).hexdigest()[:16]


def asset(request: Request, path: Path, media_type: str | None = None) -> Response:
    if not path.is_file():
        raise HTTPException(404, "no such file")
    data, packed, digest = _load(path)
    etag = f'"{digest}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
    media_type = media_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        return Response(packed, media_type=media_type, headers={**headers, "Content-Encoding": "gzip"})
    return Response(data, media_type=media_type, headers=headers)


@router.get("/static/plotly.min.js", name="plotly_js")
def plotly_js(request: Request) -> Response:
    return asset(request, plotly_path(), "application/javascript")


@router.get("/static/docs/{name}", name="docs_asset")
def docs_asset(request: Request, name: str) -> Response:
    if name not in DOC_ASSETS:
        raise HTTPException(404, "no such file")
    return asset(request, docs_dir() / name)


@router.get("/static/{name}", name="static_file")
def static_file(request: Request, name: str) -> Response:
    if "/" in name or name.startswith(".") or not (HERE / "static" / name).is_file():
        raise HTTPException(404, "no such file")
    return asset(request, HERE / "static" / name)


@router.get("/favicon.ico", name="favicon")
def favicon(request: Request) -> Response:
    return asset(request, HERE / "static" / "favicon.ico", "image/x-icon")


# The docs pages may load nothing from elsewhere: ReDoc's bundle would fetch its logo from a CDN.
_DOCS_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; connect-src 'self'"
)


def _local_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = _DOCS_POLICY
    return page


@router.get("/docs", name="swagger_docs")
def swagger_docs(request: Request) -> HTMLResponse:
    from fastapi.openapi.docs import get_swagger_ui_html

    return _local_only(get_swagger_ui_html(
        openapi_url=str(request.app.openapi_url), title="FundKG API — Swagger UI",
        swagger_js_url=str(request.url_for("docs_asset", name="swagger-ui-bundle.js").path),
        swagger_css_url=str(request.url_for("docs_asset", name="swagger-ui.css").path),
        swagger_favicon_url=str(request.url_for("favicon").path),
    ))  # fmt: skip


@router.get("/redoc", name="redoc_docs")
def redoc_docs(request: Request) -> HTMLResponse:
    from fastapi.openapi.docs import get_redoc_html

    return _local_only(get_redoc_html(
        openapi_url=str(request.app.openapi_url), title="FundKG API — ReDoc",
        redoc_js_url=str(request.url_for("docs_asset", name="redoc.standalone.js").path),
        redoc_favicon_url=str(request.url_for("favicon").path), with_google_fonts=False,
    ))  # fmt: skip
