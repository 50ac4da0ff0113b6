"""The classification code lists (ontology/classification-*.ttl) and their look-up module."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.lexicon import classification as cls
from kg.lexicon.classification import code_for_chain, code_for_name, concept, scheme_for_code
from kg.records import ClassificationScheme
from kg.vocab import CODE_NS

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
FILES = ["classification-functional.ttl", "classification-economic.ttl"]

FUNCTIONAL = ClassificationScheme.FUNCTIONAL
DEPARTMENT = ClassificationScheme.ECONOMIC_DEPARTMENT
GOVERNMENT = ClassificationScheme.ECONOMIC_GOVERNMENT
LEVEL_NOTES = {3: "类 (class)", 5: "款 (section)", 7: "项 (item)"}
CODE = re.compile(r"\d{3}|\d{5}|\d{7}")

# Seed 000, section 五（三）: the 13 items in the order the report names them.
SEED_000_CHAIN_CODES = [
    "2080505",  # 机关事业单位基本养老保险缴费支出
    "2080506",  # 机关事业单位职业年金缴费支出
    "2080704",  # 社会保险补贴
    "2080705",  # 公益性岗位补贴
    "2101101",  # 行政单位医疗
    "2101102",  # 事业单位医疗
    "2101103",  # 公务员医疗补助
    "2101199",  # 其他行政事业单位医疗支出
    "2101301",  # 城乡医疗救助
    "2101501",  # 行政运行, under 医疗保障管理事务
    "2101505",  # 医疗保障政策管理
    "2101599",  # 其他医疗保障管理事务支出
    "2210201",  # 住房公积金
]

# Names seed 002 prints that differ from the official ones for the same code (the 2024 seed 003
# prints the official names): they are report variants, not names of earlier editions.
SEED_NAME_VARIANTS = {
    ("30901", "房屋构筑物构建"),
    ("31001", "房屋构筑物构建"),
    ("30999", "其他资本性支出"),
    ("31302", "对社会保障基金补助"),
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    for name in FILES:
        g.parse(ONTOLOGY_DIR / name, format="turtle")
    return g


def scheme_iri(scheme: ClassificationScheme) -> URIRef:
    return URIRef(CODE_NS + scheme.value)


def concept_nodes(graph: Graph) -> list[URIRef]:
    return [c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)]


def langs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


# --- the Turtle files ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_file_parses_the_same_with_rdflib_and_pyoxigraph(name: str) -> None:
    path = ONTOLOGY_DIR / name
    rdflib_count = len(Graph().parse(path, format="turtle"))
    oxi_count = len(set(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)))
    assert rdflib_count > 500
    assert rdflib_count == oxi_count


@pytest.mark.parametrize("scheme", list(ClassificationScheme), ids=lambda s: s.value)
def test_scheme_is_labelled_and_explained(graph: Graph, scheme: ClassificationScheme) -> None:
    iri = scheme_iri(scheme)
    assert (iri, RDF.type, SKOS.ConceptScheme) in graph
    assert sorted(langs(graph, iri, SKOS.prefLabel)) == ["en", "zh"]
    assert "en" in langs(graph, iri, RDFS.comment)


def test_every_concept_is_well_formed(graph: Graph) -> None:
    nodes = concept_nodes(graph)
    assert len(nodes) > 300
    for node in nodes:
        schemes = list(graph.objects(node, SKOS.inScheme))
        assert len(schemes) == 1, f"{node} must be in exactly one scheme"
        notations = [o for o in graph.objects(node, SKOS.notation)]
        assert len(notations) == 1 and notations[0].datatype is None and notations[0].language is None
        notation = str(notations[0])
        assert str(node) == f"{schemes[0]}/{notation}" and str(node).isascii()
        assert sorted(langs(graph, node, SKOS.prefLabel)) == ["en", "zh"], f"{node} needs prefLabel @zh and @en"
        assert set(langs(graph, node, SKOS.altLabel)) <= {"zh"}
        assert [str(n) for n in graph.objects(node, SKOS.scopeNote)] == [LEVEL_NOTES[len(notation)]]


def test_broader_links_follow_the_code_prefix(graph: Graph) -> None:
    for node in concept_nodes(graph):
        scheme = graph.value(node, SKOS.inScheme)
        code = str(graph.value(node, SKOS.notation))
        broader = list(graph.objects(node, SKOS.broader))
        tops = list(graph.objects(node, SKOS.topConceptOf))
        if len(code) == 3:
            assert broader == [], f"{code} is a 类 and has no parent"
            assert tops == [scheme] and (scheme, SKOS.hasTopConcept, node) in graph
            continue
        parent = URIRef(f"{scheme}/{code[:-2]}")
        assert broader == [parent], f"{code} must have the broader {code[:-2]}"
        assert (parent, RDF.type, SKOS.Concept) in graph, f"the parent of {code} is missing"
        assert tops == []


def test_schemes_keep_to_their_code_ranges(graph: Graph) -> None:
    by_scheme: dict[str, set[str]] = {}
    for node in concept_nodes(graph):
        by_scheme.setdefault(str(graph.value(node, SKOS.inScheme)), set()).add(str(graph.value(node, SKOS.notation)))
    functional = by_scheme[str(scheme_iri(FUNCTIONAL))]
    department = by_scheme[str(scheme_iri(DEPARTMENT))]
    government = by_scheme[str(scheme_iri(GOVERNMENT))]
    assert all(c[0] == "2" and len(c) in (3, 5, 7) for c in functional)
    assert all(c[0] == "3" and len(c) in (3, 5) for c in department)
    assert all(c[0] == "5" and len(c) in (3, 5) for c in government)
    # Every 类 of the functional classification, 201 一般公共服务支出 to 234.
    assert {c for c in functional if len(c) == 3} >= {"201", "208", "210", "213", "221", "229", "230", "234"}


def test_the_module_reads_every_concept_of_the_files(graph: Graph) -> None:
    for scheme in ClassificationScheme:
        in_file = {str(graph.value(n, SKOS.notation)) for n in graph.subjects(SKOS.inScheme, scheme_iri(scheme))}
        loaded = cls.concepts(scheme)
        assert {c.code for c in loaded} == in_file
        assert all(c.scheme == scheme and c.name and c.name_en for c in loaded)
    assert len(cls.concepts()) == len(concept_nodes(graph))


# --- look-ups --------------------------------------------------------------------------------------


def test_concept_gives_name_parent_level_and_alt_names() -> None:
    item = concept(FUNCTIONAL, "2101301")
    assert item is not None
    assert (item.name, item.broader, item.level) == ("城乡医疗救助", "21013", "项")
    assert concept(FUNCTIONAL, "21013").level == "款"  # type: ignore[union-attr]
    assert concept(FUNCTIONAL, "210").broader is None  # type: ignore[union-attr]
    assert "行政事业单位离退休" in concept(FUNCTIONAL, "20805").alt_names  # type: ignore[union-attr]
    assert concept(DEPARTMENT, "30101").name == "基本工资"  # type: ignore[union-attr]
    assert concept(GOVERNMENT, "50101").name == "工资奖金津补贴"  # type: ignore[union-attr]
    assert concept(FUNCTIONAL, " 2101301 ") == item


def test_the_two_economic_classifications_stay_apart() -> None:
    assert concept(DEPARTMENT, "501") is None
    assert concept(GOVERNMENT, "301") is None
    assert concept(DEPARTMENT, "301").name == "工资福利支出"  # type: ignore[union-attr]
    assert concept(GOVERNMENT, "501").name == "机关工资福利支出"  # type: ignore[union-attr]


def test_unknown_codes() -> None:
    assert concept(FUNCTIONAL, "2109998") is None
    assert concept(FUNCTIONAL, "30101") is None
    assert concept(FUNCTIONAL, "") is None


@pytest.mark.parametrize(
    ("code", "scheme"),
    [
        ("210", FUNCTIONAL), ("21013", FUNCTIONAL), ("2101301", FUNCTIONAL), (" 2296013", FUNCTIONAL),
        ("301", DEPARTMENT), ("30101", DEPARTMENT), ("501", GOVERNMENT), ("50905", GOVERNMENT),
        ("3010101", None), ("5010101", None), ("2101", None), ("401", None), ("21O13", None), ("", None),
    ],
)  # fmt: skip
def test_scheme_for_code(code: str, scheme: ClassificationScheme | None) -> None:
    assert scheme_for_code(code) == scheme


@pytest.mark.parametrize(
    ("chain", "code"),
    [
        ("卫生健康支出（类）医疗救助（款）城乡医疗救助（项）", "2101301"),
        ("卫生健康支出（类）医疗救助（款）疾病应急救助（项）", "2101302"),
        ("社会保障和就业（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）", "2080505"),
        ("卫生健康支出(类)医疗保障管理事务(款)行政运行(项)", "2101501"),
        ("卫生健康支出 ( 类 ) 医疗保障管理事务 ( 款 ) 事业运行 ( 项 )", "2101550"),
        ("住房保障支出（类）住房改革支出（款）住房公积金（项）", "2210201"),
        ("卫生健康支出（类）医疗救助（款）", "21013"),
        ("卫生健康支出（类）", "210"),
        ("5.卫生健康支出（类）医疗救助（款）城乡医疗救助（项）: 支出决算为617.26万元", "2101301"),
        ("（三）其他支出（类）彩票公益金安排的支出（款）用于城乡医疗救助的彩票公益金支出（项）", "2296013"),
        # alternative labels: names of earlier editions
        ("社会保障和就业支出（类）行政事业单位离退休（款）机关事业单位职业年金缴费支出（项）", "2080506"),
        ("农林水支出（类）扶贫（款）其他扶贫支出（项）", "2130599"),
    ],
)
def test_chain_resolves(chain: str, code: str) -> None:
    assert code_for_chain(chain) == code


@pytest.mark.parametrize(
    "chain",
    [
        "卫生健康支出（类）医疗救助（款）不存在的救助（项）",  # unknown 项
        "卫生健康支出（类）医疗保障（款）城乡医疗救助（项）",  # unknown 款
        "卫生健康支出（类）行政运行（项）",  # skips the 款: 行政运行 is under many
        "医疗救助（款）城乡医疗救助（项）",  # no 类 to start from
        "行政运行（项）",
        "卫生健康支出（类）医疗救助（款）城乡医疗救助（项）住房保障支出（类）",  # two chains
        "城乡医疗救助",  # no markers
        "",
    ],
)
def test_unknown_or_ambiguous_chain_gives_none(chain: str) -> None:
    assert code_for_chain(chain) is None


def test_code_for_name() -> None:
    assert code_for_name("城乡医疗救助") == "2101301"
    assert code_for_name("疾病应急救助", "21013") == "2101302"
    assert code_for_name("行政运行") is None  # ambiguous across 款
    assert code_for_name("行政运行", "21015") == "2101501"
    assert code_for_name("行政运行", "21001") == "2100101"
    assert code_for_name("其他支出") is None  # 229 and 22999
    assert code_for_name("医疗保障经办事 务", "21015") == "2101506"  # a name wrapped in a table cell
    assert code_for_name("城乡医疗救助", "21015") is None  # not under that parent
    assert code_for_name("城乡医疗救助", "29999") is None  # unknown parent
    assert code_for_name("资本金注入", scheme=DEPARTMENT) is None  # 31101 and 31201
    assert code_for_name("资本金注入", "312", DEPARTMENT) == "31201"
    assert code_for_name("退职(役)费", "303", DEPARTMENT) == "30303"  # ASCII brackets
    assert code_for_name("对事业单位经常性补助", scheme=GOVERNMENT) == "505"
    assert code_for_name("基本工资", scheme=GOVERNMENT) is None


def test_exact_name_wins_over_the_loose_one_and_ties_give_none() -> None:
    names = cls._Names()
    for code, name in [("1", "社会福利"), ("2", "社会福利支出"), ("3", "老年福利"), ("4", "老年福利")]:
        names.add(cls.ClassificationConcept(FUNCTIONAL, code, name, None, "类"))
    assert names.find("社会福利") == "1"
    assert names.find("社会福利支出") == "2"
    assert names.find("老年福利") is None
    assert names.find("老年福利支出") is None


def seed_codes(doc) -> list[tuple[ClassificationScheme | None, str, str]]:
    """(scheme, code, name) of a seed's classification tables: every row led by a code, and in the
    wide economic tables every 3xx code cell, each with the name in the cell beside it."""
    found = []
    for table in doc.tables:
        for row in table.rows:
            texts = [t.strip() for t in row.texts]
            for i, text in enumerate(texts[:-1]):
                name = texts[i + 1]
                if CODE.fullmatch(text) and (i == 0 or text.startswith("3")) and re.search(r"[\u4e00-\u9fff]", name):
                    found.append((scheme_for_code(text), text, name.replace(" ", "")))
    return found


@pytest.mark.parametrize("key", ["002", "003"])
def test_every_code_of_the_seed_tables_is_known(seed_documents, key: str) -> None:
    found = seed_codes(seed_documents[key])
    assert len({code for _, code, _ in found}) > 80
    assert {"2101301", "21013", "210", "30101", "302", "39999"} <= {code for _, code, _ in found}
    for scheme, code, _ in found:
        assert scheme is not None, f"{code} has no scheme"
        assert concept(scheme, code) is not None, f"seed {key}: {code} is missing from the code lists"


@pytest.mark.parametrize("key", ["002", "003"])
def test_seed_table_names_resolve_to_their_codes(seed_documents, key: str) -> None:
    checked = 0
    for scheme, code, name in seed_codes(seed_documents[key]):
        assert scheme is not None
        if (code, name) in SEED_NAME_VARIANTS:
            continue
        # A 类 is looked up among the 类 only (其他支出 is also the 款 22999).
        top = len(code) == 3
        got = code_for_chain(f"{name}（类）", scheme) if top else code_for_name(name, code[:-2], scheme)
        assert got == code, f"seed {key}: {name} should resolve to {code}, got {got}"
        checked += 1
    assert checked > 80


def chains_of_section_5_3(text: str) -> list[str]:
    """The chains of the lines '…（类）…（款）…（项）: 支出决算为…', one per item."""
    chains = []
    for line in text.splitlines():
        if "支出决算为" not in line:
            continue
        for piece in re.split(r"[；。]", line):
            if "（项）" in piece:
                chains.append(piece[: piece.index("（项）") + len("（项）")])
    return chains


def test_seed_000_prose_chains_resolve(seed_documents) -> None:
    chains = chains_of_section_5_3(seed_documents["000"].text)
    assert len(chains) == 13
    assert [code_for_chain(chain) for chain in chains] == SEED_000_CHAIN_CODES


def test_seed_000_glossary_chains_resolve(seed_documents) -> None:
    # The 名词解释 writes the 类 as 社会保障和就业（类）, without 支出.
    lines = [ln for ln in seed_documents["000"].text.splitlines() if "（项）：反映" in ln]
    codes = [code_for_chain(ln.split("：", 1)[0]) for ln in lines]
    assert any(ln.startswith("社会保障和就业（类）") for ln in lines)
    assert codes == SEED_000_CHAIN_CODES
