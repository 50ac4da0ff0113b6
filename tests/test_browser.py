"""The pages in a real headless browser (Debian's chromium driven by Playwright; `.ci/run` installs it)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def _chromium() -> str | None:
    for name in (os.environ.get("FUNDKG_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    return None


CHROMIUM = _chromium()
# .ci/run installs chromium and sets this, so that in CI a missing browser fails instead of skipping.
REQUIRED = os.environ.get("FUNDKG_REQUIRE_BROWSER") == "1"
if CHROMIUM is None:
    message = "no chromium found: install Debian's chromium (`apt-get install chromium`); .ci/run does"
    if REQUIRED:
        raise RuntimeError(message + " (FUNDKG_REQUIRE_BROWSER=1)")
    pytestmark = pytest.mark.skip(reason=message)


@pytest.fixture(scope="module")
def base_url(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from api.app import create_app
    from api.devserver import running_server
    from kg.build import build
    from kg.store import open_store

    path = tmp_path_factory.mktemp("browser") / "kg"
    store = open_store(path)
    assert not build([seeds_dir], store).failed
    store.close()
    with running_server(create_app(path, query_timeout=30)) as base:
        yield base


@pytest.fixture(scope="module")
def page(base_url: str):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def test_home_search_and_follow_a_department(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#q", "柳林县")
    page.click("#search button")
    page.wait_for_selector("#results")
    page.click("a.department-link >> text=柳林县医疗保障局")
    assert page.locator("h1").inner_text().startswith("柳林县医疗保障局")
    assert page.locator("#totals tbody tr").count() >= 1
    page.locator("#totals tbody a").first.click()  # a total leads to its lines …
    page.locator("a.amount-source").first.click()  # … and a line to the cell it was read from
    assert page.locator("#sentence mark").inner_text().strip() != ""


def test_policy_page_links_to_the_report(page, base_url: str) -> None:
    page.goto(base_url + "/policies/乐府办规[2022]3号")
    assert "乐府办规〔2022〕3号" in page.locator("h1").inner_text()
    assert "乐山市健全重特大疾病医疗保险和救助制度实施细则" in page.locator("#citations").inner_text()
    page.locator("a.report-link").first.click()
    assert "000_84a2500fe35ff2c8.txt" in page.content()


def test_flow_page_renders_the_sankey(page, base_url: str) -> None:
    page.goto(base_url + "/flows?programme=城乡医疗救助&region=柳林县&year=2022")
    page.wait_for_selector("#sankey[data-rendered=true]")
    assert page.locator("#sankey svg .sankey-node").count() >= 5
    text = page.locator("#sankey").inner_text()
    for level in ("中央财政", "山西省财政", "吕梁市财政", "柳林县财政"):
        assert level in text


def test_sparql_page_runs_a_query(page, base_url: str) -> None:
    page.goto(base_url + "/query")
    page.click("a.example >> text=policy-citations")
    page.click("#run")
    page.wait_for_selector("#results")
    assert "000_84a2500fe35ff2c8.txt" in page.locator("#results").inner_text()
    href = page.locator("#csv").get_attribute("href")
    response = page.request.get(href if href.startswith("http") else base_url + href)
    assert response.ok and response.text().startswith("file,")


# --- exploration (issue 15) ---------------------------------------------------------------------------


def _errors(page) -> list[str]:
    """Collects the page's uncaught script errors from now on."""
    seen: list[str] = []
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    return seen


def test_home_counts_lead_to_the_lists(page, base_url: str) -> None:
    errors = _errors(page)
    page.goto(base_url + "/")
    assert page.locator("#list-reports .count").inner_text() == "5"  # the five seeds
    assert page.locator("#list-departments a.departments-item").count() >= 5
    page.click("#list-programmes a.count-link")
    assert page.locator("h1").inner_text().startswith("项目")
    assert "城乡居民医疗救助资金" in page.locator("#rows").inner_text()
    page.click("#rows a.row-link >> text=城乡居民医疗救助资金")  # a programme leads to its flow
    page.wait_for_selector("#sankey[data-rendered=true]")
    assert errors == []


def test_list_facets_and_sorting(page, base_url: str) -> None:
    page.goto(base_url + "/reports")
    page.click("#facets ul[data-facet=year] a.facet-value >> text=2022")
    years = page.locator("#rows tbody td:nth-child(3)").all_inner_texts()
    assert years and set(years) == {"2022"}
    assert page.locator("#count").inner_text().startswith(f"{len(years)} / 5")
    page.click("a.clear-facet")
    page.click("#rows th[data-key=year] a.sort")
    years = [int(y) for y in page.locator("#rows tbody td:nth-child(3)").all_inner_texts()]
    assert years == sorted(years) and len(years) == 5
    page.goto(base_url + "/departments")
    page.click("#facets ul[data-facet=level] a.facet-value >> text=县")
    assert "柳林县医疗保障局" in page.locator("#rows").inner_text()


def test_named_query_form_shows_sortable_results(page, base_url: str) -> None:
    errors = _errors(page)
    page.goto(base_url + "/queries")
    page.click("a.query-link >> text=spending-by-function")
    assert page.locator("#param-department").input_value() == "柳林县医疗保障局"  # the example
    page.click("#run")
    page.wait_for_selector("#results tbody tr")
    column = page.locator("#results th").all_inner_texts().index("amountYuan") + 1

    def amounts() -> list[float]:
        return [float(t) for t in page.locator(f"#results tbody td:nth-child({column})").all_inner_texts()]

    page.click(f"#results th:nth-child({column})")
    assert amounts() == sorted(amounts())
    page.click(f"#results th:nth-child({column})")
    assert amounts() == sorted(amounts(), reverse=True) and len(amounts()) >= 2
    for kind, start in (("json", '{"query":"spending-by-function"'), ("csv", "departmentName,year")):
        href = page.locator(f"a.format-{kind}").get_attribute("href")
        response = page.request.get(base_url + href)
        assert response.ok and response.text().startswith(start)
    assert errors == []


def test_every_page_links_its_data(page, base_url: str) -> None:
    for path in ("/", "/programmes", "/policies", "/reports", "/departments", "/queries",
                 "/policies/乐府办规[2022]3号", "/reports/000_84a2500fe35ff2c8.txt"):  # fmt: skip
        page.goto(base_url + path)
        for kind, media in (("json", "application/json"), ("csv", "text/csv")):
            href = page.locator(f"#formats a.format-{kind}").get_attribute("href")
            response = page.request.get(href if href.startswith("http") else base_url + href)
            assert response.ok and response.headers["content-type"].startswith(media), (path, kind)


def test_unknown_programme_and_missing_page_are_messages(page, base_url: str) -> None:
    errors = _errors(page)
    page.goto(base_url + "/flows?programme=不存在")
    assert "不存在" in page.locator("#no-flows").inner_text() and page.locator("#sankey").count() == 0
    response = page.goto(base_url + "/no-such-page")
    assert response.status == 404 and page.locator("#error-title").inner_text().startswith("404")
    assert page.request.get(base_url + "/favicon.ico").headers["content-type"] == "image/x-icon"
    assert errors == []


def test_api_docs_render_without_internet(page, base_url: str) -> None:
    """Every request that leaves the service is refused: the docs must render from local assets."""
    outside: list[str] = []
    errors = _errors(page)

    def only_local(route) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    try:
        page.goto(base_url + "/docs")
        page.wait_for_selector('.swagger-ui .opblock-summary-path[data-path="/api/queries/departments"]')
        page.goto(base_url + "/redoc")
        page.wait_for_selector("h1 >> text=FundKG")
        page.wait_for_selector("text=spending-by-function")
    finally:
        page.unroute("**/*")
    assert outside == [] and errors == []
