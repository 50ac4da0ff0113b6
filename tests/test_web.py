"""The service for a newcomer (issue 15) and under load (issue 13), on the project's own samples.

Offline API docs, REST content negotiation with typed JSON, store changes seen without a restart,
answers cached per store generation, HTML error pages, favicon, gzip, and the exploration pages
(lists with counts, facets and sorting; named queries as forms; .json/.csv on every page).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from api import typed
from api.app import create_app
from kg.build import build
from kg.store import open_store

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FIRST = [SAMPLES / "shilou-final-accounts-2023.txt", SAMPLES / "wulong-department-evaluation-2023.txt",
         SAMPLES / "notices"]  # fmt: skip
LATER = SAMPLES / "anyue-project-evaluation-2022.html"  # built into the store while the service runs


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "kg"
    with open_store(path) as store:
        assert not build(FIRST, store).failed
    return path


@pytest.fixture(scope="module")
def client(store_path: Path):
    with TestClient(create_app(store_path, query_timeout=30)) as c:
        yield c


# --- (7) REST: Accept and typed JSON ---------------------------------------------------------------

SPENDING = "/api/queries/spending-by-function?department=石楼县医疗保障局"


def test_rest_json_values_are_typed_from_their_datatype(client: TestClient) -> None:
    r = client.get(SPENDING)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    rows = r.json()["rows"]
    row = next(x for x in rows if x["year"] == 2023 and x["sectionCode"] == "21013")
    assert row["amountYuan"] == 8124000 and row["sectionName"] == "医疗救助"  # xsd:decimal → number, gYear → int
    assert re.search(r'"amountYuan":8124000[,}]', r.text)  # written from the decimal text, not a float
    assert row["classCode"] == "210"  # a code is text, not a number
    scores = client.get("/api/queries/evaluation-scores").json()["rows"]
    wulong = next(x for x in scores if x["file"] == "wulong-department-evaluation-2023.txt")
    assert (wulong["totalScore"], wulong["maxScore"], wulong["indicators"], wulong["met"]) == (96.5, 100, 8, 6)
    assert wulong["executionRate"] is None  # unbound: null
    missed = client.get("/api/queries/missed-targets").text
    assert '"target":2.5,"actual":2.41' in missed


def test_typed_values_keep_exact_decimals_and_read_booleans() -> None:
    xsd = typed.XSD
    assert typed.dumps([typed.value({"type": "literal", "value": "1234567.10", "datatype": xsd + "decimal"})]) == (
        "[1234567.10]"
    )
    assert typed.dumps(typed.value({"type": "literal", "value": ".5", "datatype": xsd + "decimal"})) == "0.5"
    assert typed.value({"type": "literal", "value": "true", "datatype": xsd + "boolean"}) is True
    assert typed.value({"type": "literal", "value": "0", "datatype": xsd + "boolean"}) is False
    assert typed.value({"type": "literal", "value": "2022", "datatype": xsd + "gYear"}) == 2022
    assert typed.value({"type": "literal", "value": "INF", "datatype": xsd + "double"}) == "INF"
    assert typed.value({"type": "uri", "value": "https://w3id.org/fundkg/id/org/x"}) == "https://w3id.org/fundkg/id/org/x"


def test_rest_honours_accept_like_sparql(client: TestClient) -> None:
    as_csv = client.get(SPENDING, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {"year": "2023", "sectionCode": "21013", "amountYuan": "8124000"}.items() <= next(
        r for r in table if r["year"] == "2023" and r["sectionCode"] == "21013"
    ).items()
    as_tsv = client.get(SPENDING, headers={"Accept": "text/tab-separated-values"})
    assert as_tsv.headers["content-type"].startswith("text/tab-separated-values")
    assert as_tsv.text.startswith("?departmentName\t?year") and '"8124000"^^<' in as_tsv.text
    assert client.get(SPENDING, headers={"Accept": "application/json"}).json()["query"] == "spending-by-function"
    assert client.get(SPENDING, headers={"Accept": "text/csv;q=0.5, application/json"}).headers[
        "content-type"
    ].startswith("application/json")
    assert client.get(SPENDING, headers={"Accept": "image/png"}).status_code == 406
    assert client.get(SPENDING + "&format=csv", headers={"Accept": "application/json"}).text.startswith(
        "departmentName,year"
    )  # an explicit format wins


def test_openapi_says_how_values_are_typed(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/api/queries/spending-by-function"]["get"]["responses"]["200"]["content"]
    assert set(ok) == {"application/json", "text/csv", "text/tab-separated-values"}
    value = ok["application/json"]["schema"]["properties"]["rows"]["items"]["additionalProperties"]
    assert {"type": "number"} in value["anyOf"] and "xsd:decimal" in value["description"]


# --- (6) offline API docs --------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_use_only_local_assets(client: TestClient, page: str) -> None:
    html = client.get(page).text
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html) + re.findall(r"url:\s*'([^']+)'", html)
    assert refs and all(ref.startswith("/") and not ref.startswith("//") for ref in refs), refs
    assert "cdn" not in html.lower() and "fonts.googleapis" not in html
    for ref in refs:
        assert client.get(ref).status_code == 200, ref
    script = "swagger-ui-bundle.js" if page == "/docs" else "redoc.standalone.js"
    assert any(ref.endswith(script) for ref in refs)


# --- (10) favicon, gzip, error pages ---------------------------------------------------------------


def test_favicon_and_gzipped_static_assets(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\0\0\1\0"  # an ICO header
    from api.assets import plotly_path

    plain = plotly_path().read_bytes()
    packed = client.get("/static/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and packed.content == plain  # decoded by the client
    assert int(packed.headers["content-length"]) < len(plain) // 2
    raw = client.get("/static/plotly.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers and raw.content == plain
    again = client.get("/static/plotly.min.js", headers={"If-None-Match": packed.headers["etag"]})
    assert again.status_code == 304
    assert gzip.decompress(gzip.compress(plain)) == plain


def test_pages_answer_errors_as_pages_and_the_api_as_json(client: TestClient) -> None:
    missing = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "未找到 Not found" in missing.text and 'href="/"' in missing.text
    dept = client.get("/departments/ffffffffffffffff", headers={"Accept": "text/html"})
    assert dept.status_code == 404 and "no department" in dept.text and "<html" in dept.text
    bad = client.get("/reports", params={"_offset": "x"}, headers={"Accept": "text/html"})
    assert bad.status_code == 422 and "<html" in bad.text
    api = client.get("/api/departments/ffffffffffffffff", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json() == {"detail": "no department 'ffffffffffffffff'"}
    assert client.get("/api/no-such-thing").json() == {"detail": "Not Found"}


def test_flows_of_an_unknown_programme_is_a_message_not_a_script_error(client: TestClient) -> None:
    r = client.get("/flows", params={"programme": "不存在"})
    assert r.status_code == 404 and 'id="no-flows"' in r.text and "不存在" in r.text
    assert "Plotly.newPlot" not in r.text and "plotly.min.js" not in r.text
    # A known programme that a filter empties: tests/test_api.py (the samples have no traced flows).


# --- (8) a store written by another process ---------------------------------------------------------


def test_a_build_by_another_process_is_served_without_restart(tmp_path: Path) -> None:
    path = tmp_path / "kg"
    with open_store(path) as store:
        assert not build(FIRST, store).failed
    with TestClient(create_app(path, query_timeout=30)) as c:
        before = {r["name"] for r in c.get("/api/queries/departments").json()["rows"]}
        assert "石楼县医疗保障局" in before and "安岳县医疗保障局" not in before
        home = c.get("/?format=json").json()["counts"]["reports"]
        service = c.app.state.service
        generation = service.watch.generation()
        with open_store(path) as store:  # the CLI's build, in this process: the service's workers are others
            assert [p.name for p in build([LATER], store).added] == [LATER.name]
        after = {r["name"] for r in c.get("/api/queries/departments").json()["rows"]}
        assert after == before | {"安岳县医疗保障局"}
        assert c.get("/?format=json").json()["counts"]["reports"] == home + 1
        assert service.watch.generation() > generation
        assert c.get("/reports/" + LATER.name, headers={"Accept": "text/html"}).status_code == 200


def test_answers_are_cached_per_generation(client: TestClient) -> None:
    cache = client.app.state.service.cache
    first = client.get("/api/queries/departments").json()
    hits = cache.hits
    again = client.get("/api/queries/departments").json()
    assert again == first and cache.hits == hits + 1


# --- (12) exploration pages ------------------------------------------------------------------------


def test_home_lists_programmes_policies_reports_and_departments_with_counts(client: TestClient) -> None:
    data = client.get("/?format=json").json()
    reports = client.get("/reports?format=json").json()
    assert data["counts"]["reports"] == reports["total"] == 6  # two reports and four notices
    assert data["counts"]["departments"] == len(client.get("/api/departments").json())
    policies = client.get("/policies?format=json").json()["rows"]
    assert "财社〔2022〕61号" in {p["number"] for p in policies}
    assert all(p["label"] for p in policies)  # a document cited by title only is listed by its title
    assert 'class="row-link" href="/policies/' in client.get("/policies").text
    assert not re.search(r'class="row-link" href="[^"]*"></a>', client.get("/policies").text)
    assert "中央财政医疗救助补助资金" in {p["name"] for p in client.get("/programmes?format=json").json()["rows"]}
    html = client.get("/").text
    for kind in ("programmes", "policies", "reports", "departments"):
        assert f'id="list-{kind}"' in html and f'href="/{kind}"' in html


def test_lists_have_facets_sorting_and_paging(client: TestClient) -> None:
    everything = client.get("/reports?format=json").json()
    assert everything["facets"]["year"] == {"2022": 4, "2023": 2}
    only = client.get("/reports", params={"year": "2023", "format": "json"}).json()
    files = {r["file"] for r in only["rows"]}
    assert files == {"shilou-final-accounts-2023.txt", "wulong-department-evaluation-2023.txt"}
    kinds = client.get("/reports", params={"kind": "资金下达通知", "format": "json"}).json()
    assert kinds["count"] == 4
    by_year = client.get("/reports", params={"_sort": "year", "_desc": "1", "format": "json"}).json()["rows"]
    assert [r["year"] for r in by_year][:2] == [2023, 2023]
    levels = client.get("/departments?format=json").json()["facets"]["level"]
    assert levels["县"] >= 2 and levels["省"] == 1
    page = client.get("/reports", params={"year": "2023"}).text
    assert 'class="facet-value chosen"' in page and "_sort=year" in page


def test_every_page_links_to_its_json_and_csv(client: TestClient) -> None:
    dept = next(d for d in client.get("/api/departments").json() if d["name"] == "石楼县医疗保障局")
    pages = ["/", "/programmes", "/policies", "/reports", "/departments", "/queries", "/queries/departments",
             f"/departments/{dept['id']}", "/reports/shilou-final-accounts-2023.txt", "/policies/财社〔2022〕61号",
             "/query?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20a%20fkg%3AReport%20%7D"]  # fmt: skip
    for page in pages:
        html = client.get(page).text
        links = dict(re.findall(r'class="format-(json|csv)" href="([^"]+)"', html))
        assert set(links) == {"json", "csv"}, page
        as_json = client.get(links["json"].replace("&amp;", "&"))
        assert as_json.status_code == 200 and as_json.headers["content-type"].startswith("application/json"), page
        json.loads(as_json.text)
        as_csv = client.get(links["csv"].replace("&amp;", "&"))
        assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv"), page
    rows = client.get(f"/departments/{dept['id']}?format=csv").text
    assert rows.startswith("year,yuan,lines")


def test_named_queries_are_forms_with_results_in_the_page(client: TestClient) -> None:
    listing = client.get("/queries").text
    assert listing.count('class="query-link"') == len(client.get("/api/queries").json())
    form = client.get("/queries/spending-by-function").text
    assert 'name="department"' in form and "柳林县医疗保障局" in form  # the example, shown
    run = client.get("/queries/spending-by-function", params={"department": "石楼县医疗保障局", "run": "1"}).text
    assert 'id="results"' in run and "8124000" in run and 'class="sortable"' in run
    links = dict(re.findall(r'class="format-(json|csv)" href="([^"]+)"', run))
    assert links["json"].startswith("/api/queries/spending-by-function?")
    assert client.get(links["csv"].replace("&amp;", "&")).text.startswith("departmentName,year")
    levels = client.get("/queries/departments").text
    assert '<select name="level"' in levels and 'value="county" selected' in levels
    unknown = client.get("/queries/no-such-query", headers={"Accept": "text/html"})
    assert unknown.status_code == 404 and "/queries lists them" in unknown.text


def test_open_browser_waits_for_the_server() -> None:
    import socket

    from api.app import open_when_ready

    opened: list[str] = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        thread = open_when_ready("127.0.0.1", port, opened.append)
        thread.join(timeout=10)
    assert opened == [f"http://127.0.0.1:{port}/"]


def test_the_cache_is_bounded_and_emptied_by_a_new_generation() -> None:
    from api.freshness import ResultCache

    cache = ResultCache(entries=3, max_rows=10, total_rows=12)
    rows = {"form": "select", "variables": ["x"], "rows": [[None]] * 5}
    for key in "abc":
        assert cache.get(1, key) is None  # a miss, then the answer is kept
        cache.put(1, key, rows)
    assert cache.get(1, "a") is None and cache.get(1, "c") == rows  # 3 × 6 rows > 12: the oldest went
    cache.put(1, "big", {"rows": [[None]] * 11})
    assert cache.get(1, "big") is None  # over max_rows: never kept
    assert cache.get(2, "c") is None  # another generation: nothing of the old one is served


def test_serve_has_open(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`fundkg serve --open` passes the wish on to the server, which opens the browser once it answers."""
    from typer.testing import CliRunner

    import api.app
    from kg.cli import app

    seen: dict[str, object] = {}
    monkeypatch.setattr(api.app, "serve", lambda store, **options: seen.update(options))
    path = tmp_path / "kg"
    with open_store(path) as store:
        assert not build([SAMPLES / "shilou-final-accounts-2023.txt"], store).failed
    run = CliRunner().invoke(app, ["serve", "--store", str(path), "--open", "--port", "8123"])
    assert run.exit_code == 0, run.output
    assert seen["open_browser"] is True and seen["port"] == 8123
