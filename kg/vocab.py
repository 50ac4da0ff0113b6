"""Namespaces and the FundKG terms, as plain IRI strings: the vocabulary every layer may use.

This module imports nothing: readers, extractors, the store, queries and the service can all name
a term without loading an RDF library. The RDF mapping wraps these strings in its RDF library's terms
once (kg.rdf.terms). Every `FKG` term used here must be declared in `ontology/fundkg.ttl` with
`rdfs:label`@zh, `rdfs:label`@en and `rdfs:comment`; a test checks that.
"""

from __future__ import annotations

from collections.abc import Callable

BASE = "https://w3id.org/fundkg/"
FKG_NS = BASE + "ontology#"
ID_NS = BASE + "id/"
CODE_NS = BASE + "code/"
GRAPH_NS = BASE + "graph/"

PREFIXES: dict[str, str] = {
    "fkg": FKG_NS,
    "fkgr": ID_NS,
    "fkgc": CODE_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "oa": "http://www.w3.org/ns/oa#",
    "obeu-dimension": "http://data.openbudgets.eu/ontology/dsd/dimension/",
    "obeu-measure": "http://data.openbudgets.eu/ontology/dsd/measure/",
    "sh": "http://www.w3.org/ns/shacl#",
}


class _Namespace:
    """Attribute access gives the IRI of a term: RDF.type is the rdf:type IRI."""

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        iri = self._base + name
        setattr(self, name, iri)
        return iri


RDF = _Namespace(PREFIXES["rdf"])
RDFS = _Namespace(PREFIXES["rdfs"])
XSD = _Namespace(PREFIXES["xsd"])
SKOS = _Namespace(PREFIXES["skos"])
ORG = _Namespace(PREFIXES["org"])
PROV = _Namespace(PREFIXES["prov"])
QB = _Namespace(PREFIXES["qb"])
DCTERMS = _Namespace(PREFIXES["dcterms"])
DCAT = _Namespace(PREFIXES["dcat"])
FOAF = _Namespace(PREFIXES["foaf"])
ELI = _Namespace(PREFIXES["eli"])
OA = _Namespace(PREFIXES["oa"])
OBEU_DIM = _Namespace(PREFIXES["obeu-dimension"])
OBEU_MEASURE = _Namespace(PREFIXES["obeu-measure"])


class FKG:
    """FundKG ontology terms (classes capitalised, properties camelCase)."""

    # Classes
    Department = FKG_NS + "Department"
    Unit = FKG_NS + "Unit"
    AdministrativeRegion = FKG_NS + "AdministrativeRegion"
    Report = FKG_NS + "Report"
    SourceFile = FKG_NS + "SourceFile"
    PolicyDocument = FKG_NS + "PolicyDocument"
    Citation = FKG_NS + "Citation"
    AmountStatement = FKG_NS + "AmountStatement"
    ExtractionRun = FKG_NS + "ExtractionRun"
    TableCellSelector = FKG_NS + "TableCellSelector"
    # Defined now so later issues slot in without renaming.
    Programme = FKG_NS + "Programme"
    BudgetLine = FKG_NS + "BudgetLine"
    FundFlow = FKG_NS + "FundFlow"
    PerformanceIndicator = FKG_NS + "PerformanceIndicator"
    PerformanceEvaluation = FKG_NS + "PerformanceEvaluation"
    ConsistencyIssue = FKG_NS + "ConsistencyIssue"

    # Organisations and regions
    governmentLevel = FKG_NS + "governmentLevel"
    region = FKG_NS + "region"
    supervisingDepartment = FKG_NS + "supervisingDepartment"
    divisionCode = FKG_NS + "divisionCode"

    # Reports
    reportKind = FKG_NS + "reportKind"
    fiscalYear = FKG_NS + "fiscalYear"
    sourceFile = FKG_NS + "sourceFile"
    sha256 = FKG_NS + "sha256"
    fileName = FKG_NS + "fileName"
    mentions = FKG_NS + "mentions"
    cites = FKG_NS + "cites"
    convertedFromTraditional = FKG_NS + "convertedFromTraditional"

    # Policy documents and citations
    documentNumber = FKG_NS + "documentNumber"
    issuerCode = FKG_NS + "issuerCode"
    documentYear = FKG_NS + "documentYear"
    serialNumber = FKG_NS + "serialNumber"
    citingReport = FKG_NS + "citingReport"
    citedDocument = FKG_NS + "citedDocument"
    citedNumber = FKG_NS + "citedNumber"
    citedTitle = FKG_NS + "citedTitle"
    sentence = FKG_NS + "sentence"
    sentenceStart = FKG_NS + "sentenceStart"
    sentenceEnd = FKG_NS + "sentenceEnd"

    # Amounts
    amountInYuan = FKG_NS + "amountInYuan"
    originalText = FKG_NS + "originalText"
    originalUnit = FKG_NS + "originalUnit"
    statedIn = FKG_NS + "statedIn"
    amountLabel = FKG_NS + "amountLabel"

    # Provenance of table cells
    tableIndex = FKG_NS + "tableIndex"
    rowIndex = FKG_NS + "rowIndex"
    columnIndex = FKG_NS + "columnIndex"
    extractorVersion = FKG_NS + "extractorVersion"
    evidenceOf = FKG_NS + "evidenceOf"

    # Budget lines, programmes, fund flows, consistency issues
    IndicatorConcept = FKG_NS + "IndicatorConcept"
    AllocationNotice = FKG_NS + "AllocationNotice"
    BudgetTable = FKG_NS + "BudgetTable"
    amount = FKG_NS + "amount"
    budgetPhase = FKG_NS + "budgetPhase"
    functionalClassification = FKG_NS + "functionalClassification"
    economicClassification = FKG_NS + "economicClassification"
    measure = FKG_NS + "measure"
    fundType = FKG_NS + "fundType"
    rowLabel = FKG_NS + "rowLabel"
    isTotal = FKG_NS + "isTotal"
    tableKind = FKG_NS + "tableKind"
    programme = FKG_NS + "programme"
    programmeCode = FKG_NS + "programmeCode"
    programmeKind = FKG_NS + "programmeKind"
    centralSupervisor = FKG_NS + "centralSupervisor"
    localSupervisor = FKG_NS + "localSupervisor"
    implementingUnit = FKG_NS + "implementingUnit"
    fundingLevel = FKG_NS + "fundingLevel"
    payer = FKG_NS + "payer"
    payee = FKG_NS + "payee"
    passedThrough = FKG_NS + "passedThrough"
    issueKind = FKG_NS + "issueKind"
    expectedValue = FKG_NS + "expectedValue"
    foundValue = FKG_NS + "foundValue"
    tolerance = FKG_NS + "tolerance"
    issueLocation = FKG_NS + "issueLocation"
    hasIssue = FKG_NS + "hasIssue"
    DefinitionStatement = FKG_NS + "DefinitionStatement"
    ExtractionIssue = FKG_NS + "ExtractionIssue"
    asWritten = FKG_NS + "asWritten"
    namesClassification = FKG_NS + "namesClassification"
    extractionIssue = FKG_NS + "extractionIssue"
    component = FKG_NS + "component"
    defines = FKG_NS + "defines"

    # Performance evaluations
    evaluates = FKG_NS + "evaluates"
    indicator = FKG_NS + "indicator"
    indicatorConcept = FKG_NS + "indicatorConcept"
    conceptRule = FKG_NS + "conceptRule"
    matchPattern = FKG_NS + "matchPattern"
    tier1 = FKG_NS + "tier1"
    tier2 = FKG_NS + "tier2"
    tier3 = FKG_NS + "tier3"
    comparison = FKG_NS + "comparison"
    targetValue = FKG_NS + "targetValue"
    adjustedTargetValue = FKG_NS + "adjustedTargetValue"
    actualValue = FKG_NS + "actualValue"
    unit = FKG_NS + "unit"
    weight = FKG_NS + "weight"
    score = FKG_NS + "score"
    deviation = FKG_NS + "deviation"
    isCore = FKG_NS + "isCore"
    targetMet = FKG_NS + "targetMet"
    deviationReason = FKG_NS + "deviationReason"
    totalScore = FKG_NS + "totalScore"
    maxScore = FKG_NS + "maxScore"
    grade = FKG_NS + "grade"
    executionRate = FKG_NS + "executionRate"

    # Allocation notices and cross-level links
    allocates = FKG_NS + "allocates"
    recipientRegion = FKG_NS + "recipientRegion"
    linkedAllocation = FKG_NS + "linkedAllocation"
    receivedVia = FKG_NS + "receivedVia"

    # Store manifest (which named graph currently holds which report)
    currentGraph = FKG_NS + "currentGraph"
    sourcePath = FKG_NS + "sourcePath"
    storeGeneration = FKG_NS + "storeGeneration"


def _concept_in(scheme: str) -> Callable[[str], str]:
    """The IRI maker of one code list: CODE.level("county") is …/code/government-level/county."""

    def concept(notation: str) -> str:
        return f"{CODE_NS}{scheme}/{notation}"

    return concept


class CODE:
    """Code-list concepts and schemes (SKOS), under https://w3id.org/fundkg/code/."""

    GovLevelScheme = CODE_NS + "government-level"
    ReportKindScheme = CODE_NS + "report-kind"
    RegionScheme = CODE_NS + "region"
    BudgetPhaseScheme = CODE_NS + "budget-phase"

    level = staticmethod(_concept_in("government-level"))
    report_kind = staticmethod(_concept_in("report-kind"))
    budget_phase = staticmethod(_concept_in("budget-phase"))
    measure = staticmethod(_concept_in("measure"))
    fund_type = staticmethod(_concept_in("fund-type"))
    comparison = staticmethod(_concept_in("comparison"))
    indicator = staticmethod(_concept_in("indicator"))  # shared concepts of ontology/indicator-concepts.ttl

    @staticmethod
    def classification(scheme: str, code: str) -> str:
        """Functional, economic or revenue classification concepts, e.g. functional/2101301."""
        return f"{CODE_NS}{scheme}/{code}"


ONTOLOGY_GRAPH = GRAPH_NS + "ontology"
MANIFEST_GRAPH = GRAPH_NS + "manifest"
LINKS_GRAPH = GRAPH_NS + "links"  # cross-report links, rewritten by kg.linking after each build
