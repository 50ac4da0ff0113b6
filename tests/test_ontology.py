"""The ontology, code lists and SHACL shapes under ontology/: declared, labelled, aligned, valid.

Data graphs are built in memory (rdflib from Turtle, and the real mapping over hand-made records) and
validated the way the store validates: the union of ontology + code lists + shapes + data, inference off.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg.extract.records import GovLevel, ReportKind
from kg.rdf.vocab import CODE, CODE_NS, FKG, FKG_NS, PREFIXES

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
FILES = {"ontology": "fundkg.ttl", "codelists": "codelists.ttl", "shapes": "shapes.ttl"}

FKGN = Namespace(FKG_NS)
CODEN = Namespace(CODE_NS)
ORG = Namespace(PREFIXES["org"])
PROV = Namespace(PREFIXES["prov"])
QB = Namespace(PREFIXES["qb"])
DCTERMS = Namespace(PREFIXES["dcterms"])
DCAT = Namespace(PREFIXES["dcat"])
FOAF = Namespace(PREFIXES["foaf"])
ELI = Namespace(PREFIXES["eli"])
OA = Namespace(PREFIXES["oa"])
XSD = Namespace(PREFIXES["xsd"])  # a plain Namespace: rdflib's closed XSD warns when pytest inspects it
OBEU_DIM = Namespace(PREFIXES["obeu-dimension"])
OBEU_MEASURE = Namespace(PREFIXES["obeu-measure"])
OBEU_PHASE = Namespace("http://data.openbudgets.eu/resource/codelist/budget-phase/")
ONTOLOGY_IRI = URIRef("https://w3id.org/fundkg/ontology")

DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def _u(node: pyoxigraph.NamedNode) -> URIRef:
    return URIRef(node.value)


def _load(name: str) -> Graph:
    return Graph().parse(ONTOLOGY_DIR / FILES[name], format="turtle")


@pytest.fixture(scope="module")
def onto() -> Graph:
    return _load("ontology")


@pytest.fixture(scope="module")
def codes() -> Graph:
    return _load("codelists")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _load("shapes")


def vocab_terms() -> dict[str, URIRef]:
    """Every FKG term of kg/rdf/vocab.py, by attribute name."""
    return {name: _u(value) for name, value in vars(FKG).items() if isinstance(value, pyoxigraph.NamedNode)}


def fkg_subjects(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(FKG_NS)}


def langs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


# --- files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FILES))
def test_file_parses_the_same_with_rdflib_and_pyoxigraph(name: str) -> None:
    path = ONTOLOGY_DIR / FILES[name]
    rdflib_count = len(_load(name))
    oxi_count = len(set(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)))
    assert rdflib_count > 50
    assert rdflib_count == oxi_count


def test_ontology_header(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert {"zh", "en"} <= set(langs(onto, ONTOLOGY_IRI, DCTERMS.title))
    assert "en" in langs(onto, ONTOLOGY_IRI, DCTERMS.description)


# --- every term declared and documented ----------------------------------------------------------


def _assert_documented(onto: Graph, term: URIRef) -> None:
    types = set(onto.objects(term, RDF.type)) & DECLARATION_TYPES
    assert types, f"{term} is not declared as an OWL class or property"
    assert len(types) == 1, f"{term} is declared as several kinds: {types}"
    labels = langs(onto, term, RDFS.label)
    assert labels.count("zh") == 1, f"{term} needs exactly one rdfs:label@zh"
    assert labels.count("en") == 1, f"{term} needs exactly one rdfs:label@en"
    assert "en" in langs(onto, term, RDFS.comment), f"{term} needs an rdfs:comment@en"


@pytest.mark.parametrize("name", sorted(vocab_terms()))
def test_vocab_term_is_declared_with_labels_and_comment(onto: Graph, name: str) -> None:
    term = vocab_terms()[name]
    _assert_documented(onto, term)
    kind = onto.value(term, RDF.type)
    # Classes are capitalised, properties camelCase (the convention of vocab.FKG).
    assert (kind == OWL.Class) == name[0].isupper(), f"{name} has the wrong kind {kind}"


def test_every_declared_term_is_documented(onto: Graph) -> None:
    declared = fkg_subjects(onto)
    assert len(declared) >= len(vocab_terms())
    for term in declared:
        _assert_documented(onto, term)


def test_no_file_uses_an_undeclared_fkg_term(onto: Graph, codes: Graph, shapes: Graph) -> None:
    declared = {t for t in fkg_subjects(onto) if set(onto.objects(t, RDF.type)) & DECLARATION_TYPES}
    used = {
        node
        for graph in (onto, codes, shapes)
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(FKG_NS)
    }
    assert used - declared == set()


DESIGNED_TERMS = {
    "Programme": OWL.Class,
    "BudgetLine": OWL.Class,
    "FundFlow": OWL.Class,
    "PerformanceIndicator": OWL.Class,
    "PerformanceEvaluation": OWL.Class,
    "IndicatorConcept": OWL.Class,
    "ConsistencyIssue": OWL.Class,
    "AllocationNotice": OWL.Class,
    "programmeCode": OWL.DatatypeProperty,
    "programme": OWL.ObjectProperty,
    "implementingUnit": OWL.ObjectProperty,
    "supervisingDepartment": OWL.ObjectProperty,
    "fundingLevel": OWL.ObjectProperty,
    "payer": OWL.ObjectProperty,
    "payee": OWL.ObjectProperty,
    "budgetPhase": OWL.ObjectProperty,
    "functionalClassification": OWL.ObjectProperty,
    "economicClassification": OWL.ObjectProperty,
    "measure": OWL.ObjectProperty,
    "fundType": OWL.ObjectProperty,
    "tier1": OWL.DatatypeProperty,
    "tier2": OWL.DatatypeProperty,
    "tier3": OWL.DatatypeProperty,
    "comparison": OWL.ObjectProperty,
    "targetValue": OWL.DatatypeProperty,
    "adjustedTargetValue": OWL.DatatypeProperty,
    "actualValue": OWL.DatatypeProperty,
    "unit": OWL.DatatypeProperty,
    "weight": OWL.DatatypeProperty,
    "score": OWL.DatatypeProperty,
    "isCore": OWL.DatatypeProperty,
    "targetMet": OWL.DatatypeProperty,
    "deviationReason": OWL.DatatypeProperty,
    "totalScore": OWL.DatatypeProperty,
    "grade": OWL.DatatypeProperty,
    "executionRate": OWL.DatatypeProperty,
    "issueKind": OWL.ObjectProperty,
    "expectedValue": OWL.DatatypeProperty,
    "foundValue": OWL.DatatypeProperty,
    "issueLocation": OWL.ObjectProperty,
    "allocates": OWL.ObjectProperty,
    "receivedVia": OWL.ObjectProperty,
    "linkedAllocation": OWL.ObjectProperty,
    "amount": OWL.DatatypeProperty,
}


@pytest.mark.parametrize("name", sorted(DESIGNED_TERMS))
def test_designed_term_is_declared(onto: Graph, name: str) -> None:
    term = FKGN[name]
    _assert_documented(onto, term)
    assert (term, RDF.type, DESIGNED_TERMS[name]) in onto


ALIGNMENTS = [
    (FKGN.Department, RDFS.subClassOf, ORG.FormalOrganization),
    (FKGN.Unit, RDFS.subClassOf, ORG.FormalOrganization),
    (FKGN.AdministrativeRegion, RDFS.subClassOf, DCTERMS.Location),
    (FKGN.AdministrativeRegion, RDFS.subClassOf, SKOS.Concept),
    (FKGN.Report, RDFS.subClassOf, PROV.Entity),
    (FKGN.Report, RDFS.subClassOf, FOAF.Document),
    (FKGN.AllocationNotice, RDFS.subClassOf, FKGN.Report),
    (FKGN.SourceFile, RDFS.subClassOf, DCAT.Distribution),
    (FKGN.ExtractionRun, RDFS.subClassOf, PROV.Activity),
    (FKGN.PolicyDocument, RDFS.subClassOf, ELI.LegalResource),
    (FKGN.TableCellSelector, RDFS.subClassOf, OA.Selector),
    (FKGN.BudgetLine, RDFS.subClassOf, QB.Observation),
    (FKGN.FundFlow, RDFS.subClassOf, QB.Observation),
    (FKGN.Programme, RDFS.subClassOf, FOAF.Project),
    (FKGN.IndicatorConcept, RDFS.subClassOf, SKOS.Concept),
    (FKGN.cites, RDFS.subPropertyOf, DCTERMS.references),
    (FKGN.documentNumber, RDFS.subPropertyOf, ELI.id_local),
    (FKGN.region, RDFS.subPropertyOf, DCTERMS.spatial),
    (FKGN.payer, RDFS.subPropertyOf, OBEU_DIM.organization),
    (FKGN.payee, RDFS.subPropertyOf, OBEU_DIM.partner),
    (FKGN.budgetPhase, RDFS.subPropertyOf, OBEU_DIM.budgetPhase),
    (FKGN.functionalClassification, RDFS.subPropertyOf, OBEU_DIM.functionalClassification),
    (FKGN.economicClassification, RDFS.subPropertyOf, OBEU_DIM.economicClassification),
    (FKGN.amount, RDFS.subPropertyOf, OBEU_MEASURE.amount),
    (FKGN.fiscalYear, RDFS.range, XSD.gYear),
    (FKGN.amountInYuan, RDFS.range, XSD.decimal),
    (FKGN.amount, RDFS.range, XSD.decimal),
    (FKGN.weight, RDFS.range, XSD.decimal),
    (FKGN.score, RDFS.range, XSD.decimal),
    (FKGN.totalScore, RDFS.range, XSD.decimal),
    (FKGN.executionRate, RDFS.range, XSD.decimal),
    (FKGN.governmentLevel, RDFS.range, SKOS.Concept),
    (FKGN.fundingLevel, RDFS.range, SKOS.Concept),
    (FKGN.measure, RDFS.range, SKOS.Concept),
    (FKGN.reportKind, RDFS.range, SKOS.Concept),
    (FKGN.sourceFile, RDFS.range, FKGN.SourceFile),
    (FKGN.citedDocument, RDFS.range, FKGN.PolicyDocument),
]


@pytest.mark.parametrize("triple", ALIGNMENTS, ids=lambda t: f"{t[0].split('#')[-1]}-{t[2].n3()}")
def test_alignment_to_standards(onto: Graph, triple: tuple[URIRef, URIRef, URIRef]) -> None:
    assert triple in onto


def test_reused_external_terms_are_declared_but_not_redefined(onto: Graph) -> None:
    externals = {
        o
        for p in (RDFS.subClassOf, RDFS.subPropertyOf)
        for o in onto.objects(None, p)
        if isinstance(o, URIRef) and not str(o).startswith(FKG_NS)
    }
    assert ORG.FormalOrganization in externals
    for term in externals:
        assert set(onto.objects(term, RDF.type)) & DECLARATION_TYPES, f"{term} is not declared"
        # We only type external terms; their labels, domains and ranges belong to their owners.
        assert set(onto.predicates(term)) <= {RDF.type, RDFS.isDefinedBy}, f"{term} is redefined"


def test_domains_do_not_clash_with_the_store_manifest(onto: Graph) -> None:
    # The manifest puts sha256, fileName and extractorVersion on report IRIs (and sha256 on the
    # ontology graph's name): a narrower domain would make those reports source files under RDFS.
    for name in ("sha256", "fileName", "extractorVersion"):
        assert onto.value(FKGN[name], RDFS.domain) is None


# --- code lists ----------------------------------------------------------------------------------


def _assert_concept(codes: Graph, concept: URIRef, scheme: URIRef, notation: str) -> None:
    assert (concept, RDF.type, SKOS.Concept) in codes, f"{concept} missing"
    assert (concept, SKOS.inScheme, scheme) in codes
    assert [str(n) for n in codes.objects(concept, SKOS.notation)] == [notation]
    labels = langs(codes, concept, SKOS.prefLabel)
    assert sorted(labels) == ["en", "zh"], f"{concept} needs one prefLabel @zh and one @en"


@pytest.mark.parametrize("level", list(GovLevel), ids=lambda v: v.value)
def test_every_government_level_has_a_concept(codes: Graph, level: GovLevel) -> None:
    _assert_concept(codes, _u(CODE.level(level.value)), _u(CODE.GovLevelScheme), level.value)


@pytest.mark.parametrize("kind", list(ReportKind), ids=lambda v: v.value)
def test_every_report_kind_has_a_concept(codes: Graph, kind: ReportKind) -> None:
    _assert_concept(codes, _u(CODE.report_kind(kind.value)), _u(CODE.ReportKindScheme), kind.value)


def test_report_kind_chinese_labels(codes: Graph) -> None:
    expected = {
        ReportKind.FINAL_ACCOUNTS: "部门决算",
        ReportKind.BUDGET: "部门预算",
        ReportKind.PROJECT_SELF_EVALUATION: "项目支出绩效自评",
        ReportKind.DEPARTMENT_SELF_EVALUATION: "部门整体支出绩效自评",
        ReportKind.TRANSFER_SELF_EVALUATION: "转移支付绩效自评",
        ReportKind.ALLOCATION_NOTICE: "资金下达通知",
        ReportKind.OTHER: "其他",
    }
    for kind, label in expected.items():
        assert Literal(label, lang="zh") in set(codes.objects(_u(CODE.report_kind(kind.value)), SKOS.prefLabel))


@pytest.mark.parametrize("name", ["GovLevelScheme", "ReportKindScheme", "RegionScheme", "BudgetPhaseScheme"])
def test_code_schemes_exist(codes: Graph, name: str) -> None:
    scheme = _u(getattr(CODE, name))
    assert (scheme, RDF.type, SKOS.ConceptScheme) in codes
    assert sorted(langs(codes, scheme, SKOS.prefLabel)) == ["en", "zh"]


def test_government_levels_form_a_chain(codes: Graph) -> None:
    order = [GovLevel.CENTRAL, GovLevel.PROVINCE, GovLevel.PREFECTURE, GovLevel.COUNTY, GovLevel.TOWNSHIP]
    chinese = ["中央", "省", "市", "县", "乡"]
    for upper, lower in itertools.pairwise(order):
        up, low = _u(CODE.level(upper.value)), _u(CODE.level(lower.value))
        assert list(codes.objects(low, SKOS.broader)) == [up]
        assert list(codes.objects(up, SKOS.narrower)) == [low]
    assert codes.value(_u(CODE.level("central")), SKOS.broader) is None
    assert list(codes.objects(_u(CODE.GovLevelScheme), SKOS.hasTopConcept)) == [_u(CODE.level("central"))]
    for level, label in zip(order, chinese, strict=True):
        assert Literal(label, lang="zh") in set(codes.objects(_u(CODE.level(level.value)), SKOS.prefLabel))


def test_budget_phases_map_to_openbudgets(codes: Graph) -> None:
    expected = {
        "initial": OBEU_PHASE.approved,
        "adjusted": OBEU_PHASE.revised,
        "executed": OBEU_PHASE.executed,
        "carried-over": None,
        "allocated": None,
    }
    for notation, match in expected.items():
        concept = _u(CODE.budget_phase(notation))
        _assert_concept(codes, concept, _u(CODE.BudgetPhaseScheme), notation)
        assert codes.value(concept, SKOS.broadMatch) == match


@pytest.mark.parametrize(
    ("scheme", "notations"),
    [
        ("fund-type", {"general-public", "government-fund", "state-capital", "social-insurance-fund"}),
        ("comparison", {"ge", "le", "eq", "gt", "lt", "qualitative"}),
    ],
)
def test_later_schemes(codes: Graph, scheme: str, notations: set[str]) -> None:
    scheme_iri = CODEN[scheme]
    members = set(codes.subjects(SKOS.inScheme, scheme_iri))
    assert {str(codes.value(m, SKOS.notation)) for m in members} == notations
    for notation in notations:
        _assert_concept(codes, CODEN[f"{scheme}/{notation}"], scheme_iri, notation)


def test_every_concept_is_well_formed(codes: Graph) -> None:
    schemes = set(codes.subjects(RDF.type, SKOS.ConceptScheme))
    concepts = set(codes.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 27
    for concept in concepts:
        assert str(concept).startswith(CODE_NS)
        assert str(concept).isascii()
        scheme = codes.value(concept, SKOS.inScheme)
        assert scheme in schemes
        notation = str(codes.value(concept, SKOS.notation))
        assert str(concept) == f"{scheme}/{notation}", "concept IRI must be {scheme}/{notation}"
        assert sorted(langs(codes, concept, SKOS.prefLabel)) == ["en", "zh"]
        top = codes.value(concept, SKOS.topConceptOf)
        if top is not None:
            assert (top, SKOS.hasTopConcept, concept) in codes


# --- shapes --------------------------------------------------------------------------------------


def test_shapes_graph_is_valid_shacl(shapes: Graph) -> None:
    # meta_shacl validates the shapes graph against the SHACL-SHACL shapes first and raises if invalid.
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True, inference="none")
    assert conforms, text


def test_meta_shacl_rejects_a_broken_shape(shapes: Graph) -> None:
    broken = Graph()
    for triple in shapes:
        broken.add(triple)
    prop = BNode()
    broken.add((URIRef("https://w3id.org/fundkg/shapes#ReportShape"), SH.property, prop))
    broken.add((prop, SH.path, FKGN.reportKind))
    broken.add((prop, SH.minCount, Literal("one")))
    with pytest.raises(ReportableRuntimeError):
        pyshacl.validate(Graph(), shacl_graph=broken, meta_shacl=True, inference="none")


def test_every_shape_reads_well(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) >= 12
    for shape in node_shapes:
        assert "en" in langs(shapes, shape, RDFS.label), f"{shape} needs rdfs:label@en"
    property_shapes = set(shapes.objects(None, SH.property))
    assert len(property_shapes) >= 40
    for prop in property_shapes:
        assert "en" in langs(shapes, prop, SH.message), f"property shape on {shapes.value(prop, SH.path)}"
    for constraint in shapes.objects(None, SH.sparql):
        assert "en" in langs(shapes, constraint, SH.message)


def test_shapes_cover_what_the_mapping_emits(shapes: Graph) -> None:
    targets = set(shapes.objects(None, SH.targetClass))
    expected = {
        FKGN.Report, FKGN.SourceFile, FKGN.ExtractionRun, FKGN.PolicyDocument, FKGN.Citation,
        FKGN.AmountStatement, FKGN.AdministrativeRegion, FKGN.Department, FKGN.Unit,
        FKGN.TableCellSelector, OA.SpecificResource, OA.TextQuoteSelector, OA.TextPositionSelector,
    }  # fmt: skip
    assert expected <= targets


# --- validating data -----------------------------------------------------------------------------

KIND = str(CODE.report_kind(ReportKind.FINAL_ACCOUNTS.value).value)
COUNTY = str(CODE.level(GovLevel.COUNTY.value).value)
PREFECTURE = str(CODE.level(GovLevel.PREFECTURE.value).value)
PROVINCE = str(CODE.level(GovLevel.PROVINCE.value).value)
SHA256 = "0123456789abcdef" * 4
PREFIX_BLOCK = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + "\nPREFIX ex: <urn:ex:>\n"
EX = Namespace("urn:ex:")

BASE_DATA = f"""
ex:report a fkg:Report , prov:Entity , foaf:Document ;
    rdfs:label "柳林县医疗保障局2023年度部门决算"@zh ;
    dcterms:title "柳林县医疗保障局2023年度部门决算"@zh ;
    fkg:reportKind <{KIND}> ;
    fkg:fiscalYear "2023"^^xsd:gYear ;
    dcterms:issued "2024-08-30"^^xsd:date ;
    fkg:sourceFile ex:file ;
    dcterms:publisher ex:dept ;
    prov:wasGeneratedBy ex:run ;
    fkg:cites ex:policy ;
    fkg:mentions ex:dept .
ex:file a fkg:SourceFile , dcat:Distribution ;
    fkg:fileName "liulin-2023.pdf" ;
    fkg:sha256 "{SHA256}" ;
    dcat:mediaType "application/pdf" .
ex:run a fkg:ExtractionRun , prov:Activity ;
    prov:used ex:file ; prov:wasAssociatedWith ex:agent ; fkg:extractorVersion "0.1.0" .
ex:agent a prov:SoftwareAgent .
ex:dept a fkg:Department , org:FormalOrganization ;
    rdfs:label "柳林县医疗保障局"@zh ; fkg:governmentLevel <{COUNTY}> ; fkg:region ex:r141125 .
ex:unit a fkg:Unit , org:FormalOrganization ;
    rdfs:label "柳林县医疗保障事务中心"@zh ; org:subOrganizationOf ex:dept .
ex:r141125 a fkg:AdministrativeRegion , skos:Concept ; skos:inScheme fkgc:region ;
    skos:prefLabel "柳林县"@zh ; fkg:governmentLevel <{COUNTY}> ;
    skos:notation "141125" ; fkg:divisionCode "141125" ; skos:broader ex:r141100 .
ex:r141100 a fkg:AdministrativeRegion , skos:Concept ; skos:inScheme fkgc:region ;
    skos:prefLabel "吕梁市"@zh ; fkg:governmentLevel <{PREFECTURE}> ;
    skos:notation "141100" ; fkg:divisionCode "141100" ; skos:broader ex:r140000 .
ex:r140000 a fkg:AdministrativeRegion , skos:Concept ; skos:inScheme fkgc:region ;
    skos:prefLabel "山西省"@zh ; fkg:governmentLevel <{PROVINCE}> ;
    skos:notation "140000" ; fkg:divisionCode "140000" .
ex:policy a fkg:PolicyDocument , eli:LegalResource ;
    rdfs:label "晋政办发〔2022〕3号"@zh ;
    fkg:documentNumber "晋政办发〔2022〕3号" ; eli:id_local "晋政办发〔2022〕3号" ;
    fkg:issuerCode "晋政办发" ; fkg:documentYear "2022"^^xsd:gYear ; fkg:serialNumber "3" ;
    dcterms:title "山西省医疗救助办法"@zh , "山西省城乡医疗救助办法"@zh .
ex:citation a fkg:Citation ;
    fkg:citingReport ex:report ; fkg:citedDocument ex:policy ;
    fkg:citedNumber "晋政办发[2022]3号" ; fkg:citedTitle "山西省医疗救助办法"@zh ;
    fkg:sentence "根据《山西省医疗救助办法》（晋政办发[2022]3号）实施救助。"@zh ;
    fkg:sentenceStart "9"^^xsd:nonNegativeInteger ; fkg:sentenceEnd "40"^^xsd:nonNegativeInteger ;
    prov:wasDerivedFrom ex:ev1 .
ex:ev1 a oa:SpecificResource ; oa:hasSource ex:file ;
    oa:hasSelector ex:ev1-quote , ex:ev1-position , ex:ev1-page .
ex:ev1-quote a oa:TextQuoteSelector ; oa:exact "晋政办发[2022]3号" ; oa:prefix "医疗救助办法》（" .
ex:ev1-position a oa:TextPositionSelector ;
    oa:start "9"^^xsd:nonNegativeInteger ; oa:end "21"^^xsd:nonNegativeInteger .
ex:ev1-page a oa:FragmentSelector ; rdf:value "page=3" ;
    dcterms:conformsTo <http://tools.ietf.org/rfc/rfc3778> ; oa:refinedBy ex:ev1-position .
ex:amount a fkg:AmountStatement ;
    fkg:statedIn ex:report ; fkg:amountInYuan "10422600.00"^^xsd:decimal ;
    fkg:originalText "1,042.26万" ; fkg:originalUnit "万元"@zh ; fkg:amountLabel "本年收入合计"@zh ;
    prov:wasDerivedFrom ex:ev2 .
ex:ev2 a oa:SpecificResource ; oa:hasSource ex:file ; fkg:evidenceOf fkg:amountInYuan ;
    oa:hasSelector ex:ev2-quote , ex:ev2-position , ex:ev2-cell .
ex:ev2-quote a oa:TextQuoteSelector ; oa:exact "10422600.00" .
ex:ev2-position a oa:TextPositionSelector ;
    oa:start "100"^^xsd:nonNegativeInteger ; oa:end "111"^^xsd:nonNegativeInteger .
ex:ev2-cell a fkg:TableCellSelector ; fkg:tableIndex "0"^^xsd:nonNegativeInteger ;
    fkg:rowIndex "3"^^xsd:nonNegativeInteger ; fkg:columnIndex "1"^^xsd:nonNegativeInteger .
"""


def _turtle_prefixes() -> str:
    return "\n".join(f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()) + "\n@prefix ex: <urn:ex:> .\n"


def base_graph() -> Graph:
    return Graph().parse(data=_turtle_prefixes() + BASE_DATA, format="turtle")


def validate(data: Graph, onto: Graph, codes: Graph, shapes: Graph) -> tuple[bool, Graph, str]:
    union = Graph()
    for graph in (onto, codes, shapes, data):
        for triple in graph:
            union.add(triple)
    conforms, report, text = pyshacl.validate(union, shacl_graph=shapes, inference="none")
    return bool(conforms), report, text


def results(report: Graph) -> list[dict[str, object]]:
    return [
        {
            "focus": report.value(r, SH.focusNode),
            "path": report.value(r, SH.resultPath),
            "component": report.value(r, SH.sourceConstraintComponent),
            "message": [str(m) for m in report.objects(r, SH.resultMessage)],
        }
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]


def test_conforming_data_passes(onto: Graph, codes: Graph, shapes: Graph) -> None:
    data = base_graph()
    assert len(data) > 100
    conforms, _, text = validate(data, onto, codes, shapes)
    assert conforms, text


# (case id, SPARQL update applied to the conforming data, focus node, result path, constraint component)
VIOLATIONS = [
    ("citation-without-sentence", "DELETE WHERE { ex:citation fkg:sentence ?s }",
     EX.citation, FKGN.sentence, SH.MinCountConstraintComponent),
    ("citation-two-sentences", 'INSERT DATA { ex:citation fkg:sentence "另一句。"@zh }',
     EX.citation, FKGN.sentence, SH.MaxCountConstraintComponent),
    ("citation-document-not-policy", "DELETE WHERE { ex:citation fkg:citedDocument ?d } ;"
     " INSERT DATA { ex:citation fkg:citedDocument ex:report }",
     EX.citation, FKGN.citedDocument, SH.ClassConstraintComponent),
    ("citation-without-evidence", "DELETE WHERE { ex:citation prov:wasDerivedFrom ?e }",
     EX.citation, PROV.wasDerivedFrom, SH.MinCountConstraintComponent),
    ("citation-report-does-not-cite", "DELETE WHERE { ex:report fkg:cites ?d }",
     EX.citation, None, SH.SPARQLConstraintComponent),
    ("citation-sentence-start-after-end",
     'DELETE WHERE { ex:citation fkg:sentenceStart ?s } ;'
     ' INSERT DATA { ex:citation fkg:sentenceStart "41"^^xsd:nonNegativeInteger }',
     EX.citation, FKGN.sentenceStart, SH.LessThanOrEqualsConstraintComponent),
    ("report-two-kinds", f"INSERT DATA {{ ex:report fkg:reportKind <{CODE_NS}report-kind/budget> }}",
     EX.report, FKGN.reportKind, SH.MaxCountConstraintComponent),
    ("report-kind-outside-scheme", "DELETE WHERE { ex:report fkg:reportKind ?k } ;"
     f" INSERT DATA {{ ex:report fkg:reportKind <{COUNTY}> }}",
     EX.report, FKGN.reportKind, SH.NodeConstraintComponent),
    ("report-without-kind", "DELETE WHERE { ex:report fkg:reportKind ?k }",
     EX.report, FKGN.reportKind, SH.MinCountConstraintComponent),
    ("report-year-not-gyear", "DELETE WHERE { ex:report fkg:fiscalYear ?y } ;"
     ' INSERT DATA { ex:report fkg:fiscalYear "2023" }',
     EX.report, FKGN.fiscalYear, SH.DatatypeConstraintComponent),
    ("report-two-years", 'INSERT DATA { ex:report fkg:fiscalYear "2022"^^xsd:gYear }',
     EX.report, FKGN.fiscalYear, SH.MaxCountConstraintComponent),
    ("report-without-file", "DELETE WHERE { ex:report fkg:sourceFile ?f }",
     EX.report, FKGN.sourceFile, SH.MinCountConstraintComponent),
    ("report-two-publishers", "INSERT DATA { ex:report dcterms:publisher ex:unit }",
     EX.report, DCTERMS.publisher, SH.MaxCountConstraintComponent),
    ("report-publisher-not-org", "DELETE WHERE { ex:report dcterms:publisher ?p } ;"
     " INSERT DATA { ex:report dcterms:publisher ex:r141125 }",
     EX.report, DCTERMS.publisher, SH.ClassConstraintComponent),
    ("report-without-label", "DELETE WHERE { ex:report rdfs:label ?l }",
     EX.report, RDFS.label, SH.MinCountConstraintComponent),
    ("allocation-notice-is-a-report", "INSERT DATA { ex:notice a fkg:AllocationNotice ;"
     f' rdfs:label "关于下达资金的通知"@zh ; fkg:reportKind <{CODE_NS}report-kind/allocation-notice> }}',
     EX.notice, FKGN.sourceFile, SH.MinCountConstraintComponent),
    ("file-bad-sha256", 'DELETE WHERE { ex:file fkg:sha256 ?h } ; INSERT DATA { ex:file fkg:sha256 "ABC123" }',
     EX.file, FKGN.sha256, SH.PatternConstraintComponent),
    ("file-without-name", "DELETE WHERE { ex:file fkg:fileName ?n }",
     EX.file, FKGN.fileName, SH.MinCountConstraintComponent),
    ("policy-number-not-canonical",
     "DELETE WHERE { ex:policy fkg:documentNumber ?n } ; DELETE WHERE { ex:policy eli:id_local ?i } ;"
     ' INSERT DATA { ex:policy fkg:documentNumber "根据晋政办发[2022]3号" ; eli:id_local "根据晋政办发[2022]3号" }',
     EX.policy, FKGN.documentNumber, SH.PatternConstraintComponent),
    ("policy-number-differs-from-eli", 'DELETE WHERE { ex:policy eli:id_local ?i }',
     EX.policy, FKGN.documentNumber, SH.EqualsConstraintComponent),
    ("policy-without-number-or-title",
     'INSERT DATA { ex:policy2 a fkg:PolicyDocument ; rdfs:label "未知文件"@zh . ex:report fkg:cites ex:policy2 }',
     EX.policy2, None, SH.OrConstraintComponent),
    ("evidence-start-after-end",
     "DELETE WHERE { ex:ev1-position oa:start ?s } ;"
     ' INSERT DATA { ex:ev1-position oa:start "22"^^xsd:nonNegativeInteger }',
     EX["ev1-position"], OA.start, SH.LessThanOrEqualsConstraintComponent),
    ("evidence-start-negative", "DELETE WHERE { ex:ev1-position oa:start ?s } ;"
     ' INSERT DATA { ex:ev1-position oa:start "-1"^^xsd:integer }',
     EX["ev1-position"], OA.start, SH.MinInclusiveConstraintComponent),
    ("evidence-start-not-an-integer", "DELETE WHERE { ex:ev1-position oa:start ?s } ;"
     ' INSERT DATA { ex:ev1-position oa:start "9" }',
     EX["ev1-position"], OA.start, SH.OrConstraintComponent),
    ("cell-index-negative", "DELETE WHERE { ex:ev2-cell fkg:columnIndex ?c } ;"
     ' INSERT DATA { ex:ev2-cell fkg:columnIndex "-2"^^xsd:integer }',
     EX["ev2-cell"], FKGN.columnIndex, SH.MinInclusiveConstraintComponent),
    ("evidence-without-quote", "DELETE DATA { ex:ev1 oa:hasSelector ex:ev1-quote }",
     EX.ev1, OA.hasSelector, SH.QualifiedMinCountConstraintComponent),
    ("evidence-quote-without-exact", "DELETE WHERE { ex:ev1-quote oa:exact ?e }",
     EX.ev1, OA.hasSelector, SH.QualifiedMinCountConstraintComponent),
    ("evidence-without-position", "DELETE DATA { ex:ev2 oa:hasSelector ex:ev2-position }",
     EX.ev2, OA.hasSelector, SH.QualifiedMinCountConstraintComponent),
    ("evidence-without-source", "DELETE WHERE { ex:ev2 oa:hasSource ?s }",
     EX.ev2, OA.hasSource, SH.MinCountConstraintComponent),
    ("cell-without-row", "DELETE WHERE { ex:ev2-cell fkg:rowIndex ?r }",
     EX["ev2-cell"], FKGN.rowIndex, SH.MinCountConstraintComponent),
    ("amount-as-double", "DELETE WHERE { ex:amount fkg:amountInYuan ?a } ;"
     ' INSERT DATA { ex:amount fkg:amountInYuan "1.04226E7"^^xsd:double }',
     EX.amount, FKGN.amountInYuan, SH.DatatypeConstraintComponent),
    ("amount-two-values", 'INSERT DATA { ex:amount fkg:amountInYuan "1"^^xsd:decimal }',
     EX.amount, FKGN.amountInYuan, SH.MaxCountConstraintComponent),
    ("amount-without-report", "DELETE WHERE { ex:amount fkg:statedIn ?r }",
     EX.amount, FKGN.statedIn, SH.MinCountConstraintComponent),
    ("amount-without-text", "DELETE WHERE { ex:amount fkg:originalText ?t }",
     EX.amount, FKGN.originalText, SH.MinCountConstraintComponent),
    ("region-code-five-digits",
     "DELETE WHERE { ex:r141125 fkg:divisionCode ?c } ; DELETE WHERE { ex:r141125 skos:notation ?n } ;"
     ' INSERT DATA { ex:r141125 fkg:divisionCode "14112" ; skos:notation "14112" }',
     EX.r141125, FKGN.divisionCode, SH.PatternConstraintComponent),
    ("region-level-outside-scheme", "DELETE WHERE { ex:r141100 fkg:governmentLevel ?l } ;"
     f" INSERT DATA {{ ex:r141100 fkg:governmentLevel <{KIND}> }}",
     EX.r141100, FKGN.governmentLevel, SH.NodeConstraintComponent),
    ("region-without-label", "DELETE WHERE { ex:r140000 skos:prefLabel ?l }",
     EX.r140000, SKOS.prefLabel, SH.MinCountConstraintComponent),
    ("region-two-chinese-labels", 'INSERT DATA { ex:r140000 skos:prefLabel "山西"@zh }',
     EX.r140000, SKOS.prefLabel, SH.UniqueLangConstraintComponent),
    ("region-outside-scheme", "DELETE WHERE { ex:r140000 skos:inScheme ?s }",
     EX.r140000, SKOS.inScheme, SH.HasValueConstraintComponent),
    ("unit-without-department", "DELETE WHERE { ex:unit org:subOrganizationOf ?d }",
     EX.unit, ORG.subOrganizationOf, SH.MinCountConstraintComponent),
    ("department-without-label", "DELETE WHERE { ex:dept rdfs:label ?l }",
     EX.dept, RDFS.label, SH.MinCountConstraintComponent),
    ("department-two-levels", f"INSERT DATA {{ ex:dept fkg:governmentLevel <{PROVINCE}> }}",
     EX.dept, FKGN.governmentLevel, SH.MaxCountConstraintComponent),
]  # fmt: skip


@pytest.mark.parametrize(("case", "update", "focus", "path", "component"), VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_violation_is_reported(
    onto: Graph, codes: Graph, shapes: Graph, case: str, update: str, focus: URIRef, path, component: URIRef
) -> None:
    data = base_graph()
    before = set(data)
    data.update(PREFIX_BLOCK + update)
    assert set(data) != before, f"{case}: the update changed nothing"
    conforms, report, text = validate(data, onto, codes, shapes)
    assert not conforms, f"{case}: expected a violation"
    found = results(report)
    matching = [r for r in found if r["focus"] == focus and r["path"] == path and r["component"] == component]
    assert matching, f"{case}: no result for {focus} {path} {component}:\n{text}"
    assert all(r["message"] for r in matching), f"{case}: result without a message"


def test_violation_message_reads_well(onto: Graph, codes: Graph, shapes: Graph) -> None:
    data = base_graph()
    data.update(PREFIX_BLOCK + "DELETE WHERE { ex:citation fkg:sentence ?s }")
    conforms, report, _ = validate(data, onto, codes, shapes)
    assert not conforms
    messages = {m for r in results(report) for m in r["message"]}  # type: ignore[union-attr]
    assert "A citation must have exactly one fkg:sentence." in messages


# --- the real mapping ----------------------------------------------------------------------------


def mapped_report_graph(via_store: bool = False) -> Graph:
    """Map hand-made records of a small report with the project's own mapping.

    With `via_store`, the quads make the round trip through an Oxigraph store first, as they do in
    `fundkg build` + `fundkg validate` (Oxigraph stores xsd:nonNegativeInteger as xsd:integer).
    """
    from kg.document import Document, Page
    from kg.extract.records import (
        Amount,
        CellRef,
        Citation,
        DocumentNumber,
        Evidence,
        Organisation,
        Region,
        ReportMetadata,
        ReportRecords,
    )
    from kg.rdf.mapping import map_report

    text = (
        "柳林县医疗保障局2023年度部门决算\n"
        "根据《山西省医疗救助办法》（晋政办发〔2022〕3号）规定，本年收入合计1,042.26万元。\n"
        "项目\t金额\n合计\t10422600.00\n"
    )
    doc = Document(
        source=Path("/reports/liulin-2023.txt"),
        media_type="text/plain",
        text=text,
        sha256="ab" * 32,
        pages=[Page(0, 40, 1), Page(40, len(text), 2)],
    )

    def ev(sub: str, cell: CellRef | None = None) -> Evidence:
        i = text.index(sub)
        return Evidence.of(doc, i, i + len(sub), cell)

    shanxi = Region("山西省", "140000", GovLevel.PROVINCE)
    lvliang = Region("吕梁市", "141100", GovLevel.PREFECTURE, shanxi)
    liulin = Region("柳林县", "141125", GovLevel.COUNTY, lvliang)
    publisher = Organisation("柳林县医疗保障局", ev("柳林县医疗保障局"), liulin, None, "publisher")
    unit = Organisation("柳林县医疗保障事务中心", ev("柳林县医疗保障局"), liulin, None, "subordinate")
    title = "柳林县医疗保障局2023年度部门决算"
    meta = ReportMetadata(
        title, ReportKind.FINAL_ACCOUNTS, publisher, 2023, ev("2023"),
        kind_evidence=ev("部门决算"), title_evidence=ev(title),
    )  # fmt: skip
    sentence = ev("根据《山西省医疗救助办法》（晋政办发〔2022〕3号）规定，本年收入合计1,042.26万元。")
    number = DocumentNumber("晋政办发", 2022, "3")
    citation = Citation(number, "晋政办发〔2022〕3号", "山西省医疗救助办法", ev("晋政办发〔2022〕3号"), sentence)
    amounts = [
        Amount(Decimal("10422600.00"), "1,042.26万", "万元", ev("1,042.26万元"), "本年收入合计"),
        Amount(Decimal("10422600.00"), "10422600.00", "元", ev("10422600.00", CellRef(0, 1, 1)), "合计"),
    ]
    records = ReportRecords(doc, meta, [unit], [citation], amounts, "0.1.0")
    _, _, quads = map_report(records, "liulin-2023", "0.1.0")
    triples = [q.triple for q in quads]
    if via_store:
        store = pyoxigraph.Store()
        store.extend(quads)
        triples = [q.triple for q in store]
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert data is not None
    return Graph().parse(data=data.decode("utf-8"), format="nt")


@pytest.mark.parametrize("via_store", [False, True], ids=["as-mapped", "via-oxigraph-store"])
def test_mapping_output_conforms(onto: Graph, codes: Graph, shapes: Graph, via_store: bool) -> None:
    data = mapped_report_graph(via_store)
    for cls in (FKGN.Report, FKGN.Citation, FKGN.AmountStatement, FKGN.TableCellSelector, FKGN.Unit):
        assert any(data.subjects(RDF.type, cls)), f"the mapping emitted no {cls}"
    assert len(set(data.subjects(RDF.type, FKGN.AdministrativeRegion))) == 3
    conforms, _, text = validate(data, onto, codes, shapes)
    assert conforms, text


def test_mapping_uses_only_declared_terms(onto: Graph) -> None:
    data = mapped_report_graph()
    used = {
        node
        for triple in data
        for node in (triple[1], triple[2])
        if isinstance(node, URIRef) and str(node).startswith(FKG_NS)
    }
    assert FKGN.reportKind in used
    for term in used:
        assert set(onto.objects(term, RDF.type)) & DECLARATION_TYPES, f"{term} is not declared"
    rdf_lang_string = URIRef(PREFIXES["rdf"] + "langString")
    for _s, p, o in data:
        if not str(p).startswith(FKG_NS):
            continue
        if (p, RDF.type, OWL.ObjectProperty) in onto:
            assert isinstance(o, URIRef), f"{p} is an object property but has the value {o!r}"
            continue
        assert (p, RDF.type, OWL.DatatypeProperty) in onto, f"{p} is neither object nor datatype property"
        assert isinstance(o, Literal), f"{p} is a datatype property but has the value {o!r}"
        declared = onto.value(p, RDFS.range)
        if isinstance(declared, URIRef):
            actual = rdf_lang_string if o.language else (o.datatype or XSD.string)
            assert actual == declared, f"{p} has range {declared} but the mapping emits {actual}"
    codes_used = {o for o in data.objects() if isinstance(o, URIRef) and str(o).startswith(CODE_NS)}
    codes_graph = _load("codelists")
    for concept in codes_used:
        assert (concept, None, None) in codes_graph, f"{concept} is not in the code lists"


# --- the documentation ---------------------------------------------------------------------------


def docs_examples() -> list[Graph]:
    """Each ```turtle block of docs/ontology.md, parsed with the standard prefixes."""
    doc = (ONTOLOGY_DIR.parent / "docs" / "ontology.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```turtle\n(.*?)```", doc, flags=re.DOTALL)
    return [Graph().parse(data=_turtle_prefixes() + block, format="turtle") for block in blocks]


def test_turtle_examples_in_the_docs_parse_and_use_declared_terms(onto: Graph) -> None:
    graphs = docs_examples()
    assert len(graphs) >= 5
    declared = {t for t in fkg_subjects(onto) if set(onto.objects(t, RDF.type)) & DECLARATION_TYPES}
    for graph in graphs:
        assert len(graph) > 0
        used = {n for triple in graph for n in triple if isinstance(n, URIRef) and str(n).startswith(FKG_NS)}
        assert used <= declared, f"undeclared terms in a docs example: {used - declared}"


def test_docs_examples_together_conform(onto: Graph, codes: Graph, shapes: Graph) -> None:
    examples = Graph()
    for graph in docs_examples():
        examples += graph
    assert any(examples.subjects(RDF.type, FKGN.Citation))
    conforms, _, text = validate(examples, onto, codes, shapes)
    assert conforms, text
