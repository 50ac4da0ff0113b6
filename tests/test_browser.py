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
