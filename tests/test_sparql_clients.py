"""Standard SPARQL clients (SPARQLWrapper, rdflib's SPARQLStore) against a running server."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("SPARQLWrapper")
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper

from api.devserver import free_port
from kg.build import build
from kg.store import open_store

FKG = "https://w3id.org/fundkg/ontology#"
SELECT = f"""PREFIX fkg: <{FKG}>
SELECT ?file WHERE {{ ?r a fkg:Report ; fkg:sourceFile/fkg:fileName ?file }} ORDER BY ?file"""
CONSTRUCT = f"""PREFIX fkg: <{FKG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {{ ?r a fkg:Report ; rdfs:label ?file }} WHERE {{ ?r a fkg:Report ; fkg:sourceFile/fkg:fileName ?file }}"""
FIRST = "000_84a2500fe35ff2c8.txt"


@pytest.fixture(scope="module")
def endpoint(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`fundkg serve` itself, as a user starts it, on the seed store."""
    path = tmp_path_factory.mktemp("clients") / "kg"
    store = open_store(path)
    assert not build([seeds_dir], store).failed
    store.close()
    port = free_port()
    fundkg = Path(sys.executable).with_name("fundkg")
    server = subprocess.Popen(
        [str(fundkg), "serve", "--store", str(path), "--port", str(port), "--timeout", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/sparql", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"fundkg serve did not start:\n{server.communicate()[0]}")
                time.sleep(0.2)
        yield f"{base}/sparql"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def wrapper(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_select_in_each_format(endpoint: str) -> None:
    data = wrapper(endpoint, SELECT, JSON).query().convert()
    assert data["results"]["bindings"][0]["file"]["value"] == FIRST
    doc = wrapper(endpoint, SELECT, XML).query().convert()  # a parsed XML DOM
    assert doc.getElementsByTagName("literal")[0].firstChild.data == FIRST
    rows = list(csv.reader(io.StringIO(wrapper(endpoint, SELECT, CSV).query().convert().decode())))
    assert rows[0] == ["file"] and rows[1] == [FIRST] and len(rows) == 6
    tsv = wrapper(endpoint, SELECT, TSV).query().convert().decode().splitlines()
    assert tsv[1] == f'"{FIRST}"'


@pytest.mark.parametrize("fmt", [XML, TURTLE, N3, JSONLD])
def test_sparqlwrapper_construct_in_each_format(endpoint: str, fmt: str) -> None:
    result = wrapper(endpoint, CONSTRUCT, fmt).query().convert()
    if isinstance(result, bytes):
        result = rdflib.Graph().parse(data=result, format={TURTLE: "turtle", N3: "n3"}[fmt])
    labels = {str(o) for o in result.objects(None, rdflib.RDFS.label)}
    assert FIRST in labels and len(labels) == 5


def test_sparqlwrapper_ask_and_post(endpoint: str) -> None:
    client = wrapper(endpoint, f'PREFIX fkg: <{FKG}> ASK {{ ?d fkg:documentNumber "乐府办规〔2022〕3号" }}', JSON)
    client.setMethod("POST")
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(endpoint))
    files = [str(row.file) for row in graph.query(SELECT)]
    assert files[0] == FIRST and len(files) == 5
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) == 10
