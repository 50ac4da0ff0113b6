"""Task endpoints: policies, fund flows, departments, reports and the evidence behind any fact.

Every value that reaches a query is an RDF term written in N-Triples syntax (`str(Literal(...))`),
so quotes or `>` in a path parameter stay inside one literal.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, UploadFile
from pyoxigraph import Literal, NamedNode

from api.service import Service
from kg.queries import bind
from kg.vocab import ID_NS

router = APIRouter(prefix="/api", tags=["resources"])


def service_of(request: Request) -> Service:
    return request.app.state.service


def lit(value: str) -> str:
    return str(Literal(value))


def iri(value: str) -> str:
    if not re.fullmatch(r"[^\s<>\"{}|\\^`]+", value):
        raise HTTPException(422, f"not an IRI: {value!r}")
    return str(NamedNode(value))


def canonical_number(number: str) -> str:
    from kg.lexicon.docnumbers import parse_document_number

    parsed = parse_document_number(number.strip())
    if parsed is None:
        raise HTTPException(422, f"{number!r} is not a document number such as 乐府办规〔2022〕3号")
    return parsed.canonical


# --- policies ------------------------------------------------------------------------------------


def policy(service: Service, number: str) -> dict[str, Any]:
    canonical = canonical_number(number)
    docs = service.rows(f"""SELECT ?doc ?issuer ?year ?serial WHERE {{
        ?doc fkg:documentNumber {lit(canonical)} .
        OPTIONAL {{ ?doc fkg:issuerCode ?issuer }} OPTIONAL {{ ?doc fkg:documentYear ?year }}
        OPTIONAL {{ ?doc fkg:serialNumber ?serial }} }} LIMIT 1""")
    if not docs:
        raise HTTPException(404, f"no policy document {canonical} in the store")
    # A document is described in every report that cites it: take each document once.
    titles = service.rows(f"""SELECT ?title (COUNT(DISTINCT ?report) AS ?reports) WHERE {{
        {{ SELECT DISTINCT ?doc WHERE {{ ?doc fkg:documentNumber {lit(canonical)} }} }}
        {{ ?doc dcterms:title ?title }} UNION
        {{ ?c fkg:citedDocument ?doc ; fkg:citedTitle ?title ; fkg:citingReport ?report }}
        }} GROUP BY ?title ORDER BY DESC(?reports) ?title""")
    citations = service.rows(bind(service.queries["policy-citations"], {"doc": canonical}))
    return {
        "number": canonical,
        "requested": number,
        "iri": docs[0]["doc"],
        "issuer": docs[0].get("issuer"),
        "year": docs[0].get("year"),
        "serial": docs[0].get("serial"),
        "titles": [t["title"] for t in titles],
        "citations": [{
            "report": c["file"], "department": c.get("publisher"), "year": c.get("year"),
            "sentence": c["sentence"], "numberAsWritten": c.get("numberAsWritten"),
            "titleAsCited": c.get("titleAsCited"), "start": int(c["start"]), "end": int(c["end"]),
            "page": c.get("page"), "citation": c["citation"],
        } for c in citations],
    }


@router.get("/policies/{number:path}", summary="A policy document (文号, any brackets) with every citation")
def get_policy(number: str, request: Request) -> dict[str, Any]:
    return policy(service_of(request), number)


# --- flows ---------------------------------------------------------------------------------------


@router.get("/flows", summary="Fund flow of a programme as Sankey nodes and links (amounts in yuan)")
def get_flows(
    request: Request,
    programme: str = Query(..., description="Programme name, loosely matched", examples=["城乡医疗救助"]),
    region: str | None = Query(None, examples=["柳林县"]),
    year: str | None = Query(None, pattern=r"^\d{4}$", examples=["2022"]),
    phase: str | None = Query(None, pattern="^(initial|adjusted|executed|carried-over|allocated)$"),
) -> dict[str, Any]:
    return service_of(request).flows(programme, region=region, year=year, phase=phase)


# --- departments ---------------------------------------------------------------------------------

_ORG = ID_NS + "org/"


def _org_id(value: str) -> str:
    return value[len(_ORG):] if value.startswith(_ORG) else value


def departments(service: Service) -> list[dict[str, Any]]:
    rows = service.rows(bind(service.queries["departments"], {}))
    return [{"id": _org_id(r["department"]), **r} for r in rows]


def department(service: Service, dept_id: str) -> dict[str, Any]:
    if not re.fullmatch(r"[0-9a-f]{6,64}", dept_id):
        raise HTTPException(404, f"no department {dept_id!r}")
    node = iri(_ORG + dept_id)
    info = service.rows(f"""SELECT ?name ?region ?level WHERE {{ {node} rdfs:label ?name .
        OPTIONAL {{ {node} fkg:region/skos:prefLabel ?region }}
        OPTIONAL {{ {node} fkg:governmentLevel/skos:notation ?level }} }} LIMIT 1""")
    if not info:
        raise HTTPException(404, f"no department {dept_id!r}")
    reports = service.rows(f"""SELECT ?file ?title ?year ?kind WHERE {{
        ?r a fkg:Report ; dcterms:publisher {node} ; fkg:sourceFile/fkg:fileName ?file .
        OPTIONAL {{ ?r dcterms:title ?title }} OPTIONAL {{ ?r fkg:fiscalYear ?year }}
        OPTIONAL {{ ?r fkg:reportKind/skos:notation ?kind }} }} ORDER BY ?year ?file""")
    # Executed spending of 项-level lines of the 支出决算表, so parent rows are not counted twice.
    # The lines are found from the 支出决算表 data sets (one per report), not among all the lines
    # of the department.
    totals = service.rows(f"""SELECT ?year (SUM(?amount) AS ?yuan) (COUNT(?line) AS ?lines) (SAMPLE(?line) AS ?example)
        WHERE {{ ?ds fkg:tableKind "expenditure-final-accounts" .
          ?line qb:dataSet ?ds ; a fkg:BudgetLine ; obeu-dimension:organization {node} ; fkg:fiscalYear ?year ;
          fkg:budgetPhase/skos:notation "executed" ; fkg:measure/skos:notation "total" ; fkg:amount ?amount ;
          fkg:functionalClassification/skos:notation ?code .
          FILTER(STRLEN(?code) = 7) FILTER NOT EXISTS {{ ?line fkg:isTotal true }} }}
        GROUP BY ?year ORDER BY ?year""")
    # A programme is described (typed and named together) in every report that mentions it: each
    # programme once, its names from the graphs that type it, then its code.
    programmes = service.rows(f"""SELECT DISTINCT ?programme ?name ?code WHERE {{
        {{ SELECT DISTINCT ?programme ?name WHERE {{
          {{ SELECT DISTINCT ?programme WHERE {{
            {{ ?programme fkg:implementingUnit {node} }} UNION {{ ?programme fkg:supervisingDepartment {node} }}
            UNION {{ ?flow fkg:programme ?programme ; fkg:payee {node} }} }} }}
          GRAPH ?g {{ ?programme a fkg:Programme ; rdfs:label ?name }} }} }}
        OPTIONAL {{ ?programme fkg:programmeCode ?code }} }} ORDER BY ?name""")
    return {"id": dept_id, "iri": _ORG + dept_id, **info[0], "reports": reports, "totals": totals,
            "programmes": programmes}


@router.get("/departments", summary="Departments that publish reports")
def get_departments(request: Request) -> list[dict[str, Any]]:
    return departments(service_of(request))


@router.get("/departments/{dept_id}", summary="A department: reports, executed totals by year, programmes")
def get_department(dept_id: str, request: Request) -> dict[str, Any]:
    return department(service_of(request), dept_id)


# --- reports and evidence ------------------------------------------------------------------------


def report(service: Service, file_name: str) -> dict[str, Any]:
    rows = service.rows(f"""SELECT ?report ?title ?year ?kind ?publisher ?publisherName ?sha ?path ?graph ?version
        WHERE {{ ?report a fkg:Report ; fkg:sourceFile ?src . ?src fkg:fileName {lit(file_name)} .
          OPTIONAL {{ ?report dcterms:title ?title }} OPTIONAL {{ ?report fkg:fiscalYear ?year }}
          OPTIONAL {{ ?report fkg:reportKind/skos:notation ?kind }}
          OPTIONAL {{ GRAPH ?g {{ ?report dcterms:publisher ?publisher . ?publisher rdfs:label ?publisherName }} }}
          OPTIONAL {{ ?src fkg:sha256 ?sha }}
          OPTIONAL {{ GRAPH <https://w3id.org/fundkg/graph/manifest> {{
              ?report fkg:currentGraph ?graph ; fkg:sourcePath ?path ; fkg:extractorVersion ?version }} }}
        }} LIMIT 1""")
    if not rows:
        raise HTTPException(404, f"no report {file_name!r} in the store")
    info = rows[0]
    citations = service.rows(bind(service.queries["report-citations"], {"file": file_name}))
    amounts = service.rows(f"""SELECT ?fact ?yuan ?text ?label ?start ?end WHERE {{
        ?fact a fkg:AmountStatement ; fkg:amountInYuan ?yuan ; fkg:originalText ?text ;
              fkg:statedIn {iri(info['report'])} ; prov:wasDerivedFrom/oa:hasSelector ?p .
        ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
        OPTIONAL {{ ?fact fkg:amountLabel ?label }} }} ORDER BY ?start""")
    return {
        "file": file_name, **info,
        "provenance": {"sourcePath": info.get("path"), "sha256": info.get("sha"), "graph": info.get("graph"),
                       "extractorVersion": info.get("version")},
        "citations": citations, "amounts": amounts,
    }


@router.get("/reports/{file_name}", summary="A report with provenance back to its file and the spans of its facts")
def get_report(file_name: str, request: Request) -> dict[str, Any]:
    return report(service_of(request), file_name)


def evidence(service: Service, fact: str) -> dict[str, Any]:
    """Where a fact (citation, amount, budget line, fund flow …) was read: quote, span, table cell."""
    node = iri(fact)
    # The table cell is matched as a nested OPTIONAL (the same result as one OPTIONAL of all four
    # patterns): given the four, Oxigraph built a table of every table cell in the store first.
    rows = service.rows(f"""SELECT ?file ?exact ?prefix ?suffix ?start ?end ?table ?row ?column ?sentence WHERE {{
        {node} prov:wasDerivedFrom ?ev .
        OPTIONAL {{ ?ev oa:hasSource/fkg:fileName ?file }}
        OPTIONAL {{ ?ev oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?exact .
                   OPTIONAL {{ ?q oa:prefix ?prefix }} OPTIONAL {{ ?q oa:suffix ?suffix }} }}
        OPTIONAL {{ ?ev oa:hasSelector ?p . ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }}
        OPTIONAL {{ ?ev oa:hasSelector ?c . ?c a fkg:TableCellSelector ; fkg:tableIndex ?table ; fkg:rowIndex ?row
                   OPTIONAL {{ ?c fkg:columnIndex ?column }} FILTER(BOUND(?column)) }}
        OPTIONAL {{ {node} fkg:sentence ?sentence }} }}""")
    if not rows:
        raise HTTPException(404, f"no evidence recorded for {fact}")
    return {"fact": fact, "evidence": rows}


@router.get("/source", summary="The quote, span and table cell a fact was read from")
def get_source(request: Request, fact: str = Query(..., description="IRI of any fact")) -> dict[str, Any]:
    return evidence(service_of(request), fact)


# --- upload --------------------------------------------------------------------------------------


@router.post("/reports", summary="Upload a report to ingest (needs the update token)", status_code=201)
def post_report(request: Request, file: UploadFile) -> dict[str, Any]:
    from kg.build import BuildResult, build
    from kg.linking import link
    from kg.readers import is_supported
    from kg.store import FundStore

    service = service_of(request)
    service.require_token(request)
    name = Path(file.filename or "").name
    if not name or name.startswith(".") or not is_supported(Path(name)):
        raise HTTPException(415, f"{name or 'the upload'}: send a .txt, .md, .docx, .pdf or .html report")
    data = file.file.read(service.max_upload_bytes + 1)
    if len(data) > service.max_upload_bytes:
        raise HTTPException(413, f"{name}: larger than the upload limit of {service.max_upload_bytes} bytes")
    upload_dir = service.upload_dir or Path(tempfile.mkdtemp(prefix="fundkg-uploads-"))
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = upload_dir / name
    with tempfile.NamedTemporaryFile(dir=upload_dir, delete=False) as tmp:
        tmp.write(data)
    shutil.move(tmp.name, target)  # the report is identified by its file name, kept for provenance
    def ingest(store: FundStore) -> BuildResult:
        built = build([target], store, max_bytes=service.max_upload_bytes)
        link(store)  # as `fundkg build` does: the links graph follows the reports
        return built

    result = service.write(ingest)
    if result.failed:
        raise HTTPException(422, "; ".join(f.message for f in result.failed))
    status = "replaced" if result.replaced else "unchanged" if result.unchanged else "added"
    return {"file": name, "status": status, "quads": result.quads_written,
            "report": str(request.url_for("get_report", file_name=name))}
