"""The web service on the seeds: SPARQL protocol, limits and cancellation, REST, task endpoints, upload."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import process_alive

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from api.app import create_app
from api.workers import QueryTimeout, WorkerPool
from kg.build import build
from kg.errors import QueryError
from kg.queries import named_queries
from kg.resources import data_dir
from kg.store import open_store

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~10^13 rows: never ends
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def store_path(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "kg"
    store = open_store(path)
    assert not build([seeds_dir], store).failed
    store.close()  # the service's writer must be able to open the store later
    return path


@pytest.fixture(scope="module")
def client(store_path: Path):
    app = create_app(store_path, update_token=TOKEN, query_timeout=20, max_results=2000)
    with TestClient(app) as c:
        yield c


def sparql(client: TestClient, query: str, accept: str):
    return client.get("/sparql", params={"query": query}, headers={"Accept": accept})


# --- SPARQL protocol -----------------------------------------------------------------------------

REPORTS = "SELECT ?file WHERE { ?r a fkg:Report ; fkg:sourceFile/fkg:fileName ?file } ORDER BY ?file"


def test_select_in_every_results_format(client: TestClient) -> None:
    data = sparql(client, REPORTS, "application/sparql-results+json").json()
    files = [b["file"]["value"] for b in data["results"]["bindings"]]
    assert files[0] == "000_84a2500fe35ff2c8.txt" and len(files) == 5

    xml = sparql(client, REPORTS, "application/sparql-results+xml")
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    literals = [e.text for e in ElementTree.fromstring(xml.content).findall(".//s:literal", ns)]
    assert literals == files

    rows = list(csv.reader(io.StringIO(sparql(client, REPORTS, "text/csv").text)))
    assert rows[0] == ["file"] and rows[1] == ["000_84a2500fe35ff2c8.txt"]

    tsv = sparql(client, REPORTS, "text/tab-separated-values").text.splitlines()
    assert tsv[0] == "?file" and tsv[1] == '"000_84a2500fe35ff2c8.txt"'


def test_post_form_and_direct_body_and_ask(client: TestClient) -> None:
    ask = 'ASK { ?d fkg:documentNumber "乐府办规〔2022〕3号" }'
    r = client.post("/sparql", data={"query": ask}, headers={"Accept": "application/sparql-results+json"})
    assert r.json()["boolean"] is True
    r = client.post(
        "/sparql",
        content=ask.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"},
    )
    assert "<boolean>true</boolean>" in r.text


def test_construct_in_graph_formats(client: TestClient) -> None:
    import rdflib

    q = "CONSTRUCT { ?r a fkg:Report ; rdfs:label ?f } WHERE { ?r a fkg:Report ; fkg:sourceFile/fkg:fileName ?f }"
    for accept, fmt in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ):
        r = sparql(client, q, accept)
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        graph = rdflib.Graph().parse(data=r.content, format=fmt)
        assert len(graph) == 10, accept


def test_errors_follow_the_protocol(client: TestClient) -> None:
    r = sparql(client, "SELEC nonsense", "application/sparql-results+json")
    assert r.status_code == 400 and "malformed query" in r.text
    assert sparql(client, REPORTS, "image/png").status_code == 406
    r = client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_service_description_declares_prefixes(client: TestClient) -> None:
    import rdflib

    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    prefixes = {str(o) for o in graph.objects(None, sh.prefix)}
    assert {"fkg", "fkgr", "oa", "prov"} <= prefixes
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.supportedLanguage, sd.SPARQL11Update) in graph  # started with a token


def test_updates_need_the_token(client: TestClient, store_path: Path) -> None:
    # The default graph: a read-write open drops report graphs that the manifest does not list.
    update = 'INSERT DATA { <urn:a> <urn:b> "c" }'
    assert client.post("/sparql", data={"update": update}).status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert client.post("/sparql", data={"update": update}, headers=bad).status_code == 401
    assert client.get("/sparql", params={"update": update}).status_code == 400
    ok = client.post(
        "/sparql",
        content=update.encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"},
    )
    assert ok.status_code == 200, ok.text
    ask = sparql(client, 'ASK { <urn:a> <urn:b> "c" }', "application/sparql-results+json")
    assert ask.json()["boolean"] is True  # workers were renewed and see the write
    r = client.post(
        "/sparql", data={"update": 'DELETE DATA { <urn:a> <urn:b> "c" }'}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 200
    r = client.post("/sparql", data={"update": "DROP GRAPH <urn:none>"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400 and "does not exist" in r.text


def test_read_only_service_refuses_updates(store_path: Path) -> None:
    with TestClient(create_app(store_path, workers=1)) as c:
        r = c.post("/sparql", data={"update": "CLEAR ALL"}, headers={"Authorization": "Bearer anything"})
        assert r.status_code == 403 and "read-only" in r.text
        r = c.post("/api/reports", files={"file": ("x.txt", b"hello")})
        assert r.status_code == 403


def test_result_size_cap_is_a_clear_error(client: TestClient) -> None:
    r = sparql(client, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert r.status_code == 400 and "more than 2000 results" in r.text


# --- cancellation --------------------------------------------------------------------------------


def test_heavy_query_is_killed_while_light_queries_answer(store_path: Path) -> None:
    pool = WorkerPool(store_path, size=2).start()
    try:
        before = set(pool.pids())
        outcome: dict[str, object] = {}

        def heavy() -> None:
            try:
                pool.run({"op": "query", "sparql": HEAVY, "max_results": 10}, timeout=3)
            except QueryTimeout as exc:
                outcome["error"] = exc

        thread = threading.Thread(target=heavy)
        thread.start()
        time.sleep(0.5)  # the heavy query now occupies one worker
        light = pool.run({"op": "query", "sparql": "ASK { ?s a fkg:Report }", "max_results": 10}, timeout=10)
        assert light == {"form": "ask", "boolean": True}
        assert thread.is_alive()  # the light answer came while the heavy query was still running
        thread.join(timeout=30)
        assert "time budget of 3s" in str(outcome["error"])
        [killed] = pool.killed
        assert killed in before and not process_alive(killed)  # the process doing the work is gone
        deadline = time.monotonic() + 30
        while len(pool.pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(pool.pids()) == 2 and killed not in pool.pids()  # and was replaced
        again = pool.run({"op": "query", "sparql": "ASK { ?s a fkg:Report }", "max_results": 10}, timeout=10)
        assert again["boolean"] is True
    finally:
        pool.close()


def test_timeout_over_http_is_a_clear_503(store_path: Path) -> None:
    with TestClient(create_app(store_path, query_timeout=2, workers=2)) as c:
        results: dict[str, object] = {}
        thread = threading.Thread(target=lambda: results.setdefault("r", sparql(c, HEAVY, "text/csv")))
        thread.start()
        time.sleep(0.3)
        light = sparql(c, "ASK { ?s a fkg:Report }", "application/sparql-results+json")
        assert light.json()["boolean"] is True
        thread.join(timeout=30)
        r = results["r"]
        assert r.status_code == 503 and "time budget of 2s" in r.text


# --- named queries as REST -----------------------------------------------------------------------


def test_every_named_query_is_an_endpoint_in_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    names = {p.stem for p in data_dir("queries").glob("*.rq")}
    assert {f"/api/queries/{n}" for n in names} <= set(spec["paths"])
    params = {p["name"]: p for p in spec["paths"]["/api/queries/policy-citations"]["get"]["parameters"]}
    assert params["doc"]["required"] is True and {"limit", "offset", "format"} <= set(params)
    level = {p["name"]: p for p in spec["paths"]["/api/queries/departments"]["get"]["parameters"]}["level"]
    assert "county" in json.dumps(level)
    for name, query in named_queries().items():
        # Each query is called with the examples its own header declares (so new files are covered too).
        params = {p.name: str(p.example) for p in query.parameters if p.required and p.example is not None}
        r = client.get(f"/api/queries/{name}", params=params)
        assert r.status_code == 200, (name, r.text)
        assert "rows" in r.json()


def test_named_query_paging_csv_and_binding(client: TestClient) -> None:
    first = client.get("/api/queries/policy-citations", params={"doc": "乐府办规[2022]3号", "limit": 1}).json()
    assert len(first["rows"]) == 1 and first["next"]
    second = client.get(first["next"]).json()
    assert second["offset"] == 1 and second["rows"][0]["start"] != first["rows"][0]["start"]
    r = client.get("/api/queries/policy-citations", params={"doc": "乐府办规〔2022〕3号", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows[0]["file"] == "000_84a2500fe35ff2c8.txt"
    # A hostile value is one literal: it matches nothing and breaks nothing.
    r = client.get("/api/queries/report-citations", params={"file": 'x" } ; DROP ALL ; <a> "'})
    assert r.status_code == 200 and r.json()["rows"] == []
    r = client.get("/api/queries/policy-citations", params={"doc": "not a number>"})
    assert r.status_code == 422 and "not a valid docnumber" in r.text
    assert client.get("/api/queries/departments", params={"level": "planet"}).status_code == 422
    assert client.get("/api/queries/departments", params={"bogus": "1"}).status_code == 422
    assert client.get("/api/queries/policy-citations").status_code == 422  # required parameter


def test_new_query_file_adds_endpoint_and_bad_header_fails_startup(store_path: Path, tmp_path: Path) -> None:
    qdir = tmp_path / "queries"
    qdir.mkdir()
    (qdir / "reports-of-year.rq").write_text(
        "# ---\n# summary: Reports of a year\n# description: Files of one fiscal year.\n# parameters:\n"
        "#   year:\n#     type: year\n#     required: true\n#     multi: true\n# ---\n"
        "SELECT ?file WHERE { ?r fkg:fiscalYear ?year ; fkg:sourceFile/fkg:fileName ?file } ORDER BY ?file\n",
        encoding="utf-8",
    )
    with TestClient(create_app(store_path, queries_dir=qdir, workers=1)) as c:
        r = c.get("/api/queries/reports-of-year", params=[("year", "2022"), ("year", "2023")])
        assert r.status_code == 200 and r.json()["rows"]
        assert c.get("/api/queries/reports-of-year", params={"year": "20x2"}).status_code == 422
    (qdir / "broken.rq").write_text("# ---\n# summary: [unclosed\n# ---\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match=r"broken\.rq"):
        create_app(store_path, queries_dir=qdir)


# --- task endpoints ------------------------------------------------------------------------------


def test_policy_with_any_brackets(client: TestClient) -> None:
    for variant in ("乐府办规[2022]3号", "乐府办规（2022）3号", "乐府办规〔2022〕3号"):
        doc = client.get(f"/api/policies/{variant}").json()
        assert doc["number"] == "乐府办规〔2022〕3号"
    assert doc["issuer"] == "乐府办规" and "乐山市健全重特大疾病医疗保险和救助制度实施细则" in doc["titles"]
    cites = doc["citations"]
    assert len(cites) == 3 and all(c["report"] == "000_84a2500fe35ff2c8.txt" for c in cites)
    assert all("乐府办规〔2022〕3号" in c["sentence"] and c["end"] > c["start"] for c in cites)
    assert cites[0]["department"] == "井研县医疗保障局" and cites[0]["year"] == "2023"
    assert client.get("/api/policies/财社[1999]999号").status_code == 404
    assert client.get("/api/policies/hello").status_code == 422


def test_flows_four_levels(client: TestClient) -> None:
    flow = client.get("/api/flows", params={"programme": "城乡医疗救助", "region": "柳林县", "year": "2022"}).json()
    labels = {n["label"] for n in flow["nodes"] if n["kind"] == "level"}
    assert labels == {"中央财政", "山西省财政", "吕梁市财政", "柳林县财政"}
    names = [n["label"] for n in flow["nodes"]]
    link = next(lk for lk in flow["links"] if names[lk["source"]] == "中央财政" and lk["phase"] == "initial")
    assert link["amount_yuan"] == "7490000"
    # The amount leads to the text it was read from: 002's funding table, the 中央 initial-budget cell.
    (fact,) = link["facts"]
    evidence = client.get("/api/source", params={"fact": fact}).json()["evidence"]
    assert any(e["exact"] == "749" and e["file"] == "002_0f45429440d9ca6e.txt" for e in evidence), evidence


def test_departments_and_reports_with_provenance(client: TestClient) -> None:
    depts = client.get("/api/departments").json()
    liulin = next(d for d in depts if d["name"] == "柳林县医疗保障局")
    dept = client.get(f"/api/departments/{liulin['id']}").json()
    assert dept["reports"] and dept["totals"] and any("医疗救助" in p["name"] for p in dept["programmes"])
    assert client.get("/api/departments/ffffffffffffffff").status_code == 404
    rep = client.get("/api/reports/000_84a2500fe35ff2c8.txt").json()
    assert rep["provenance"]["sourcePath"].endswith("000_84a2500fe35ff2c8.txt")
    assert len(rep["provenance"]["sha256"]) == 64
    assert rep["amounts"] and all(int(a["end"]) > int(a["start"]) for a in rep["amounts"])
    source = client.get("/api/source", params={"fact": rep["amounts"][0]["fact"]}).json()
    assert source["evidence"][0]["exact"] == rep["amounts"][0]["text"]


def test_upload_report_with_token(client: TestClient) -> None:
    sample = data_dir("samples") / "wulong-department-evaluation-2023.txt"
    files = {"file": (sample.name, sample.read_bytes(), "text/plain")}
    assert client.post("/api/reports", files=files).status_code == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post("/api/reports", files=files, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "added"
    assert client.get(f"/api/reports/{sample.name}").json()["publisherName"] == "重庆市武隆区医疗保障局"
    bad = client.post("/api/reports", files={"file": ("empty.txt", b"", "text/plain")}, headers=auth)
    assert bad.status_code == 422 and "empty.txt" in bad.text
    odd = client.post("/api/reports", files={"file": ("x.exe", b"MZ", "application/octet-stream")}, headers=auth)
    assert odd.status_code == 415


def test_an_uploaded_notice_is_linked_to_the_receipts_below_it(client: TestClient) -> None:
    notice = data_dir("samples") / "notices" / "lv-caishe-2022-27-lvliang-medical-assistance.txt"
    files = {"file": (notice.name, notice.read_bytes(), "text/plain")}
    r = client.post("/api/reports", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201, r.text
    linked = """SELECT ?amount WHERE { GRAPH <https://w3id.org/fundkg/graph/links> {
                  ?receipt <https://w3id.org/fundkg/ontology#linkedAllocation> ?allocation } .
                ?receipt <https://w3id.org/fundkg/ontology#amount> ?amount } ORDER BY ?amount"""
    rows = client.get("/sparql", params={"query": linked}, headers={"Accept": "application/sparql-results+json"})
    amounts = [b["amount"]["value"] for b in rows.json()["results"]["bindings"]]
    assert amounts == ["535000", "7490000", "9530000"]  # 柳林县 (seed 002): 市, 中央, 省


# --- pages (server side; the browser test drives them for real) -----------------------------------


def test_pages_render(client: TestClient) -> None:
    assert "搜索" in client.get("/").text
    page = client.get("/policies/乐府办规[2022]3号").text
    assert "000_84a2500fe35ff2c8.txt" in page and "乐府办规〔2022〕3号" in page
    flows = client.get("/flows", params={"programme": "城乡医疗救助", "region": "柳林县", "year": "2022"}).text
    assert "/static/plotly.min.js" in flows and "吕梁市财政" in flows
    assert client.get("/static/plotly.min.js").status_code == 200
    q = client.get("/query", params={"query": REPORTS}).text
    assert "000_84a2500fe35ff2c8.txt" in q and "format=csv" in q


def test_flow_page_names_the_filter_that_left_nothing_and_links_its_data(client: TestClient) -> None:
    params = {"programme": "城乡医疗救助", "region": "柳林县", "year": "2022"}
    page = client.get("/flows", params=params).text
    assert "Plotly.newPlot" in page and 'class="format-json"' in page
    links = client.get("/flows", params={**params, "format": "csv"}).text.splitlines()
    assert links[0] == "from,to,phase,yuan" and "中央财政,吕梁市医疗保障局,executed,7440000" in links
    nodes = client.get("/flows", params={**params, "format": "json"}).json()["nodes"]
    assert "吕梁市财政" in {n["label"] for n in nodes}
    empty = client.get("/flows", params={**params, "region": "火星县"})
    assert empty.status_code == 404 and "region 火星县" in empty.text and "Plotly.newPlot" not in empty.text
