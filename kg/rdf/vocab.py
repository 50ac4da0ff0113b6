"""Namespaces and the FundKG terms the mapping uses.

Every `FKG` term used here must be declared in `ontology/fundkg.ttl` with `rdfs:label`@zh,
`rdfs:label`@en and `rdfs:comment`; a test checks that.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

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
    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = NamedNode(self._base + name)
        setattr(self, name, node)  # later lookups skip __getattr__: the mapping's hot path
        return node

    def term(self, name: str) -> NamedNode:
        return NamedNode(self._base + name)


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
    Department = NamedNode(FKG_NS + "Department")
    Unit = NamedNode(FKG_NS + "Unit")
    AdministrativeRegion = NamedNode(FKG_NS + "AdministrativeRegion")
    Report = NamedNode(FKG_NS + "Report")
    SourceFile = NamedNode(FKG_NS + "SourceFile")
    PolicyDocument = NamedNode(FKG_NS + "PolicyDocument")
    Citation = NamedNode(FKG_NS + "Citation")
    AmountStatement = NamedNode(FKG_NS + "AmountStatement")
    ExtractionRun = NamedNode(FKG_NS + "ExtractionRun")
    TableCellSelector = NamedNode(FKG_NS + "TableCellSelector")
    # Defined now so later issues slot in without renaming.
    Programme = NamedNode(FKG_NS + "Programme")
    BudgetLine = NamedNode(FKG_NS + "BudgetLine")
    FundFlow = NamedNode(FKG_NS + "FundFlow")
    PerformanceIndicator = NamedNode(FKG_NS + "PerformanceIndicator")
    PerformanceEvaluation = NamedNode(FKG_NS + "PerformanceEvaluation")
    ConsistencyIssue = NamedNode(FKG_NS + "ConsistencyIssue")

    # Organisations and regions
    governmentLevel = NamedNode(FKG_NS + "governmentLevel")
    region = NamedNode(FKG_NS + "region")
    supervisingDepartment = NamedNode(FKG_NS + "supervisingDepartment")
    divisionCode = NamedNode(FKG_NS + "divisionCode")

    # Reports
    reportKind = NamedNode(FKG_NS + "reportKind")
    fiscalYear = NamedNode(FKG_NS + "fiscalYear")
    sourceFile = NamedNode(FKG_NS + "sourceFile")
    sha256 = NamedNode(FKG_NS + "sha256")
    fileName = NamedNode(FKG_NS + "fileName")
    mentions = NamedNode(FKG_NS + "mentions")
    cites = NamedNode(FKG_NS + "cites")
    convertedFromTraditional = NamedNode(FKG_NS + "convertedFromTraditional")

    # Policy documents and citations
    documentNumber = NamedNode(FKG_NS + "documentNumber")
    issuerCode = NamedNode(FKG_NS + "issuerCode")
    documentYear = NamedNode(FKG_NS + "documentYear")
    serialNumber = NamedNode(FKG_NS + "serialNumber")
    citingReport = NamedNode(FKG_NS + "citingReport")
    citedDocument = NamedNode(FKG_NS + "citedDocument")
    citedNumber = NamedNode(FKG_NS + "citedNumber")
    citedTitle = NamedNode(FKG_NS + "citedTitle")
    sentence = NamedNode(FKG_NS + "sentence")
    sentenceStart = NamedNode(FKG_NS + "sentenceStart")
    sentenceEnd = NamedNode(FKG_NS + "sentenceEnd")

    # Amounts
    amountInYuan = NamedNode(FKG_NS + "amountInYuan")
    originalText = NamedNode(FKG_NS + "originalText")
    originalUnit = NamedNode(FKG_NS + "originalUnit")
    statedIn = NamedNode(FKG_NS + "statedIn")
    amountLabel = NamedNode(FKG_NS + "amountLabel")

    # Provenance of table cells
    tableIndex = NamedNode(FKG_NS + "tableIndex")
    rowIndex = NamedNode(FKG_NS + "rowIndex")
    columnIndex = NamedNode(FKG_NS + "columnIndex")
    extractorVersion = NamedNode(FKG_NS + "extractorVersion")
    evidenceOf = NamedNode(FKG_NS + "evidenceOf")

    # Budget lines, programmes, fund flows, consistency issues
    IndicatorConcept = NamedNode(FKG_NS + "IndicatorConcept")
    AllocationNotice = NamedNode(FKG_NS + "AllocationNotice")
    BudgetTable = NamedNode(FKG_NS + "BudgetTable")
    amount = NamedNode(FKG_NS + "amount")
    budgetPhase = NamedNode(FKG_NS + "budgetPhase")
    functionalClassification = NamedNode(FKG_NS + "functionalClassification")
    economicClassification = NamedNode(FKG_NS + "economicClassification")
    measure = NamedNode(FKG_NS + "measure")
    fundType = NamedNode(FKG_NS + "fundType")
    rowLabel = NamedNode(FKG_NS + "rowLabel")
    isTotal = NamedNode(FKG_NS + "isTotal")
    tableKind = NamedNode(FKG_NS + "tableKind")
    programme = NamedNode(FKG_NS + "programme")
    programmeCode = NamedNode(FKG_NS + "programmeCode")
    programmeKind = NamedNode(FKG_NS + "programmeKind")
    centralSupervisor = NamedNode(FKG_NS + "centralSupervisor")
    localSupervisor = NamedNode(FKG_NS + "localSupervisor")
    implementingUnit = NamedNode(FKG_NS + "implementingUnit")
    fundingLevel = NamedNode(FKG_NS + "fundingLevel")
    payer = NamedNode(FKG_NS + "payer")
    payee = NamedNode(FKG_NS + "payee")
    passedThrough = NamedNode(FKG_NS + "passedThrough")
    issueKind = NamedNode(FKG_NS + "issueKind")
    expectedValue = NamedNode(FKG_NS + "expectedValue")
    foundValue = NamedNode(FKG_NS + "foundValue")
    tolerance = NamedNode(FKG_NS + "tolerance")
    issueLocation = NamedNode(FKG_NS + "issueLocation")
    hasIssue = NamedNode(FKG_NS + "hasIssue")
    DefinitionStatement = NamedNode(FKG_NS + "DefinitionStatement")
    defines = NamedNode(FKG_NS + "defines")

    # Performance evaluations
    evaluates = NamedNode(FKG_NS + "evaluates")
    indicator = NamedNode(FKG_NS + "indicator")
    indicatorConcept = NamedNode(FKG_NS + "indicatorConcept")
    conceptRule = NamedNode(FKG_NS + "conceptRule")
    matchPattern = NamedNode(FKG_NS + "matchPattern")
    tier1 = NamedNode(FKG_NS + "tier1")
    tier2 = NamedNode(FKG_NS + "tier2")
    tier3 = NamedNode(FKG_NS + "tier3")
    comparison = NamedNode(FKG_NS + "comparison")
    targetValue = NamedNode(FKG_NS + "targetValue")
    adjustedTargetValue = NamedNode(FKG_NS + "adjustedTargetValue")
    actualValue = NamedNode(FKG_NS + "actualValue")
    unit = NamedNode(FKG_NS + "unit")
    weight = NamedNode(FKG_NS + "weight")
    score = NamedNode(FKG_NS + "score")
    deviation = NamedNode(FKG_NS + "deviation")
    isCore = NamedNode(FKG_NS + "isCore")
    targetMet = NamedNode(FKG_NS + "targetMet")
    deviationReason = NamedNode(FKG_NS + "deviationReason")
    totalScore = NamedNode(FKG_NS + "totalScore")
    maxScore = NamedNode(FKG_NS + "maxScore")
    grade = NamedNode(FKG_NS + "grade")
    executionRate = NamedNode(FKG_NS + "executionRate")

    # Allocation notices and cross-level links
    allocates = NamedNode(FKG_NS + "allocates")
    recipientRegion = NamedNode(FKG_NS + "recipientRegion")
    linkedAllocation = NamedNode(FKG_NS + "linkedAllocation")
    receivedVia = NamedNode(FKG_NS + "receivedVia")

    # Store manifest (which named graph currently holds which report)
    currentGraph = NamedNode(FKG_NS + "currentGraph")
    sourcePath = NamedNode(FKG_NS + "sourcePath")


class CODE:
    """Code-list concepts and schemes (SKOS), under https://w3id.org/fundkg/code/."""

    GovLevelScheme = NamedNode(CODE_NS + "government-level")
    ReportKindScheme = NamedNode(CODE_NS + "report-kind")
    RegionScheme = NamedNode(CODE_NS + "region")
    BudgetPhaseScheme = NamedNode(CODE_NS + "budget-phase")

    @staticmethod
    def level(notation: str) -> NamedNode:
        return NamedNode(f"{CODE_NS}government-level/{notation}")

    @staticmethod
    def report_kind(notation: str) -> NamedNode:
        return NamedNode(f"{CODE_NS}report-kind/{notation}")

    @staticmethod
    def budget_phase(notation: str) -> NamedNode:
        return NamedNode(f"{CODE_NS}budget-phase/{notation}")

    @staticmethod
    def classification(scheme: str, code: str) -> NamedNode:
        """Functional or economic classification concepts, e.g. functional/2101301."""
        return NamedNode(f"{CODE_NS}{scheme}/{code}")

    @staticmethod
    def measure(notation: str) -> NamedNode:
        return NamedNode(f"{CODE_NS}measure/{notation}")

    @staticmethod
    def fund_type(notation: str) -> NamedNode:
        return NamedNode(f"{CODE_NS}fund-type/{notation}")


ONTOLOGY_GRAPH = NamedNode(GRAPH_NS + "ontology")
MANIFEST_GRAPH = NamedNode(GRAPH_NS + "manifest")
LINKS_GRAPH = NamedNode(GRAPH_NS + "links")  # cross-report links, rewritten by kg.linking after each build
