"""Linking after reports were added gives the links graph a full relink gives.

The store holds the sample notices (中央 → 山西省 → 吕梁市) and seed 002 (柳林县, which reports what
it received), plus the other samples; each case builds all but one of the chain's files, links,
adds the one left out and relinks incrementally (`relink`): the links graph must equal the one
`link` writes over the whole store, and hold the chain's links.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import seed_path

from kg import linking
from kg.build import build, report_key
from kg.linking import link, relink
from kg.rdf import iris
from kg.store import IRI, Store, open_store
from kg.vocab import FKG, LINKS_GRAPH

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NOTICES = SAMPLES / "notices"
CHAIN = [*sorted(p.name for p in NOTICES.iterdir() if p.name != "README.md"), "002"]


def links_graph(store: Store) -> list[tuple[str, str, str]]:
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?s ?p ?o }} }}").rows
    return sorted((str(r["s"]), str(r["p"]), str(r["o"])) for r in rows)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    for path in NOTICES.iterdir():
        if path.name != "README.md":
            shutil.copy(path, out / path.name)
    shutil.copy(seed_path("002"), out / seed_path("002").name)
    for path in SAMPLES.iterdir():
        if path.is_file() and path.name != "README.md":
            shutil.copy(path, out / path.name)
    return out


@pytest.mark.parametrize("last", CHAIN)
def test_adding_a_report_relinks_as_a_full_link_does(folder: Path, tmp_path: Path, last: str) -> None:
    late = next(p for p in folder.iterdir() if p.name == last or p.name.startswith(last + "_"))
    store = open_store(tmp_path / "kg")
    assert not build([p for p in sorted(folder.iterdir()) if p != late], store).failed
    link(store)
    before = links_graph(store)
    assert not build([late], store).failed
    report = relink(store, [iris.report_iri(report_key(late)).value])
    incremental = links_graph(store)
    full = link(store)
    assert incremental == links_graph(store)
    linked = [t for t in incremental if t[1] == FKG.linkedAllocation]
    # 柳林县 ← 吕梁市 (27号) for 中央, 省级 and 市级; 吕梁市 ← 山西省 ← 中央: the chain is linked.
    assert len(linked) == len(full.links) >= 4
    assert incremental != before  # the added report took part in the links
    assert {k.receipt.iri for k in report.links} <= {k.receipt.iri for k in full.links}


def test_relinking_reads_every_region_a_department_it_reads_is_described_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """A department described with two regions has a receipt in each, under one flow IRI: relinking
    one region must relink the other too, or that receipt's links there would be dropped unread."""
    county, other = "https://example.org/region/a", "https://example.org/region/b"
    department = "https://example.org/org/x"
    described = [{"org": IRI(department), "region": IRI(place), "regionName": None, "regionLevel": None}
                 for place in (county, other)]  # fmt: skip
    tables = {"linking-payee-regions": described, "linking-payees": [{"payee": IRI(department)}]}
    read: list[tuple[str, dict[str, str]]] = []

    def rows(store: object, name: str, **params: str) -> list[dict[str, object]]:
        read.append((name, params))
        return tables.get(name, [])

    monkeypatch.setattr(linking, "_rows", rows)
    whole = linking._RegionFlows(None, whole_receipts=True)  # type: ignore[arg-type]
    whole.read({county})
    assert whole.regions == {county, other}
    assert ("linking-receipts-of", {"payee": department}) in read
    assert read.count(("linking-receipts-of", {"payee": department})) == 1  # each department read once
    around = linking._RegionFlows(None)  # type: ignore[arg-type]
    around.read({county})
    assert around.regions == {county}  # what `analyse_around` reads: the regions asked for
