"""Named SPARQL queries (`queries/*.rq`) and the binding of their parameters.

Each file starts with a YAML block in comments between `# ---` lines:

    # ---
    # summary: Reports citing a policy document
    # description: Every report that cites the document, with the sentence.
    # parameters:
    #   doc:
    #     type: docnumber
    #     description: 文号 in any bracket variant
    #     required: true
    #     example: 乐府办规〔2022〕3号
    # ---

Parameters are bound as RDF terms through a VALUES block placed first inside the query's
outermost WHERE group, so the binding applies before any grouping or aggregation. Each value
is first turned into an RDF term of the declared type and then written in N-Triples syntax,
escaping included, so a value with quotes or `>` stays one harmless literal. Raw user input
never reaches the query text.
(Oxigraph's `substitutions` would be the other way, but it requires the variable to be projected.)

Internal queries — those the project itself runs (linking, tracing, the summary, the store's
manifest, the service's pages) — are `.rq` files of the same format in `queries/internal/`,
loaded with `internal_query(name)` and bound the same way, but not listed as named queries.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kg.errors import QueryError
from kg.resources import data_dir
from kg.vocab import XSD

PARAM_TYPES = ("string", "iri", "integer", "decimal", "year", "date", "boolean", "docnumber")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str = "string"
    description: str = ""
    required: bool = False
    default: Any = None
    allowed: tuple[str, ...] = ()
    multi: bool = False
    inline: bool = False  # written in place of the variable instead of in a VALUES block (see bind)
    example: Any = None
    language: str | None = None  # for string parameters matched against language-tagged labels
    vocabulary: str | None = None  # a known list of values (VOCABULARIES): anything else is refused, with the list


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str
    description: str
    text: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    example: str = ""

    def example_parameters(self) -> dict[str, str]:
        """The `--param k=v` values of the header's example command, e.g. {"doc": "乐府办规〔2022〕3号"}."""
        return dict(t.split("=", 1) for t in shlex.split(self.example) if "=" in t and not t.startswith("-"))

    @property
    def form(self) -> str:
        body = "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("#"))
        match = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body, re.IGNORECASE)
        return match.group(1).upper() if match else "SELECT"


def _header(path: Path, text: str) -> dict[str, Any]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "# ---":
        raise QueryError(f"{path}: a named query must start with a '# ---' YAML header")
    body: list[str] = []
    for line in lines[1:]:
        if line.strip() == "# ---":
            break
        if not line.startswith("#"):
            raise QueryError(f"{path}: header line is not a comment: {line!r}")
        body.append(line[2:] if line.startswith("# ") else line[1:])
    else:
        raise QueryError(f"{path}: YAML header is not closed by '# ---'")
    try:
        data = yaml.safe_load("\n".join(body)) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{path}: YAML header does not parse: {exc}") from exc
    if not isinstance(data, dict):
        raise QueryError(f"{path}: YAML header must be a mapping")
    return data


def _parameter(path: Path, name: str, spec: Any) -> Parameter:
    if not _VAR.match(name):
        raise QueryError(f"{path}: parameter name {name!r} is not a SPARQL variable name")
    if not isinstance(spec, dict):
        raise QueryError(f"{path}: parameter {name!r} must be a mapping")
    known = {"type", "description", "required", "default", "allowed", "multi", "example", "language", "inline",
             "vocabulary"}
    unknown = set(spec) - known
    if unknown:
        raise QueryError(f"{path}: parameter {name!r} has unknown keys {sorted(unknown)}")
    if spec.get("inline") and spec.get("multi"):
        raise QueryError(f"{path}: parameter {name!r} cannot be both inline and multi")
    ptype = spec.get("type", "string")
    if spec.get("vocabulary") is not None and spec["vocabulary"] not in VOCABULARIES:
        vocabulary, known_vocabularies = spec["vocabulary"], sorted(VOCABULARIES)
        raise QueryError(f"{path}: parameter {name!r} has vocabulary {vocabulary!r}; known: {known_vocabularies}")
    if ptype not in PARAM_TYPES:
        raise QueryError(f"{path}: parameter {name!r} has type {ptype!r}; expected one of {PARAM_TYPES}")
    return Parameter(
        name=name,
        type=ptype,
        description=str(spec.get("description", "")),
        required=bool(spec.get("required", False)),
        default=spec.get("default"),
        allowed=tuple(str(a) for a in spec.get("allowed", ()) or ()),
        multi=bool(spec.get("multi", False)),
        inline=bool(spec.get("inline", False)),
        example=spec.get("example"),
        language=spec.get("language"),
        vocabulary=spec.get("vocabulary"),
    )


def load_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = _header(path, text)
    name = path.stem
    if not _NAME.match(name):
        raise QueryError(f"{path}: query file names must be lower-case words joined by '-'")
    for key in ("summary", "description"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise QueryError(f"{path}: header needs a non-empty '{key}'")
    unknown = set(header) - {"summary", "description", "parameters", "example"}
    if unknown:
        raise QueryError(f"{path}: header has unknown keys {sorted(unknown)}")
    params = header.get("parameters") or {}
    if not isinstance(params, dict):
        raise QueryError(f"{path}: 'parameters' must be a mapping of name to spec")
    parameters = tuple(_parameter(path, n, s) for n, s in params.items())
    for p in parameters:
        if f"?{p.name}" not in text and f"${p.name}" not in text:
            raise QueryError(f"{path}: parameter {p.name!r} is not used as ?{p.name} in the query")
        if p.inline and _projects(text, p.name):
            raise QueryError(f"{path}: inline parameter {p.name!r} cannot be projected: its variable is replaced")
    if parameters and _where_brace(text) is None:
        raise QueryError(f"{path}: a query with parameters needs an explicit 'WHERE {{'")
    return NamedQuery(
        name,
        path,
        header["summary"].strip(),
        header["description"].strip(),
        text,
        parameters,
        str(header.get("example", "")),
    )


def named_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    directory = directory or data_dir("queries")
    return {q.name: q for q in (load_query(p) for p in sorted(directory.glob("*.rq")))}


@cache
def internal_query(name: str) -> NamedQuery:
    """A query the project runs itself, from `queries/internal/NAME.rq` (not a public named query)."""
    path = data_dir("queries") / "internal" / f"{name}.rq"
    if not path.is_file():
        raise QueryError(f"no internal query {name!r} ({path})")
    return load_query(path)


def get_query(name_or_path: str) -> NamedQuery:
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.exists():
        text = path.read_text(encoding="utf-8")
        if not text.startswith("# ---"):  # an ad-hoc query file: no header, no parameters
            return NamedQuery(path.stem, path, path.name, "", text)
        return load_query(path)
    if _NAME.match(name_or_path):  # only the one file: reading every header cost ≈ 20 ms a command
        path = data_dir("queries") / f"{name_or_path}.rq"
        if path.is_file():
            return load_query(path)
    queries = named_queries()
    if name_or_path not in queries:
        raise QueryError(f"no named query {name_or_path!r}; known: {', '.join(sorted(queries))}")
    return queries[name_or_path]


# Escapes in a string literal, as Oxigraph writes them (tests compare): ECHARs, other controls as \uXXXX.
_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_ESCAPED = re.compile(r'[\x00-\x1f\x7f"\\\ufffe\uffff]')
# An absolute IRI by the grammar of RFC 3987, which Oxigraph's parser checks: what passes here is
# never a syntax error of the query it is bound into.
_UCS = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd"
    "\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd\U00070000-\U0007fffd\U00080000-\U0008fffd"
    "\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd\U000d0000-\U000dfffd"
    "\U000e1000-\U000efffd"
)
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_PCT = "%[0-9A-Fa-f]{2}"
_PCHAR = f"(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@{_UCS}]|{_PCT})"


@cache
def _iri_pattern() -> re.Pattern[str]:
    """Compiled on first use: its Unicode classes take ≈ 20 ms, which `fundkg --help` need not pay."""
    return re.compile(
        rf"[A-Za-z][A-Za-z0-9+.\-]*:"
        rf"(?://(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:{_UCS}]|{_PCT})*@)?"  # user information
        rf"(?P<host>\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+\]"
        rf"|(?:[A-Za-z0-9\-._~!$&'()*+,;={_UCS}]|{_PCT})*)(?::[0-9]*)?(?:/{_PCHAR}*)*"
        rf"|/?(?:{_PCHAR}+(?:/{_PCHAR}*)*)?)"  # a path without authority
        rf"(?:\?(?:{_PCHAR}|[/?{_PRIVATE}])*)?(?:#(?:{_PCHAR}|[/?])*)?"
    )


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return _ECHAR.get(char) or f"\\u{ord(char):04X}"


def nt_literal(value: str, *, datatype: str | None = None, language: str | None = None) -> str:
    """A literal in N-Triples syntax, escaped: nothing in `value` can end the literal early."""
    text = '"' + _ESCAPED.sub(_escape, value) + '"'
    if language:
        if not re.fullmatch(r"[a-zA-Z]+(-[a-zA-Z0-9]+)*", language):
            raise ValueError(f"not a language tag: {language!r}")
        return f"{text}@{language}"
    if datatype and datatype != XSD.string:
        return f"{text}^^{nt_iri(datatype)}"
    return text


def nt_iri(value: str) -> str:
    """An absolute IRI in N-Triples syntax; ValueError when `value` is none."""
    match = _iri_pattern().fullmatch(value)
    if match is None or not _valid_host(match.group("host")):
        raise ValueError("not an absolute IRI")
    return f"<{value}>"


def _valid_host(host: str | None) -> bool:
    """An IPv6 literal host must be an IPv6 address (the grammar above only bounds its characters)."""
    if not host or not host.startswith("[") or host.startswith("[v"):
        return True
    import ipaddress

    try:
        ipaddress.IPv6Address(host[1:-1])
    except ValueError:
        return False
    return True


class BlankValueError(QueryError):
    """A parameter was given a value of white space only (which would match everything)."""


MAX_DIGITS = 40  # digits of an integer or decimal parameter
MAX_EXPONENT = 40  # |exponent| of a decimal parameter: 1e50000000 would be written out in full
_DECIMAL = re.compile(r"[+-]?(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?")


def _decimal(raw: str) -> str:
    """A decimal written out (xsd:decimal has no exponent), bounded before anything is expanded."""
    match = _DECIMAL.fullmatch(raw) if len(raw) <= 4 * MAX_DIGITS else None
    if match is None or not (match.group("int") or match.group("frac")):
        raise ValueError("not a decimal number")
    if len(match.group("int") or "") + len(match.group("frac") or "") > MAX_DIGITS:
        raise ValueError(f"more than {MAX_DIGITS} digits")
    exponent = (match.group("exp") or "0").lstrip("+-")
    if len(exponent) > 6 or int(exponent) > MAX_EXPONENT:
        raise ValueError(f"an exponent beyond ±{MAX_EXPONENT}")
    return format(Decimal(raw), "f")


def _indicator_concepts(labels: bool) -> tuple[set[str], list[str]]:
    """What an indicator-concept parameter accepts (notations, and the Chinese labels when `labels`)
    and the notations to list when it is something else."""
    from kg.lexicon.concepts import concepts

    notations = sorted(c.notation for c in concepts())
    accepted = set(notations) | ({label for c in concepts() for label in c.labels} if labels else set())
    return accepted, notations


# A parameter's `vocabulary:` → its accepted values and the names to list: a value outside it would
# only ever match nothing, so it is refused with the list instead of answering 0 rows in silence.
VOCABULARIES = {
    "indicator-concepts": lambda: _indicator_concepts(labels=True),  # notation or Chinese label
    "indicator-concept-notations": lambda: _indicator_concepts(labels=False),
}


def _check_vocabulary(param: Parameter, raw: str) -> None:
    import difflib

    accepted, names = VOCABULARIES[param.vocabulary or ""]()
    if raw in accepted:
        return
    near = [n for n in names if raw.lower() in n.lower()] or difflib.get_close_matches(raw, names, n=3)
    parts = [f"parameter {param.name!r}: {raw!r} is not one of the {param.vocabulary}"]
    if near:
        parts.append(f"did you mean {', '.join(near[:3])}?")
    parts.append(f"known: {', '.join(names)}")
    raise QueryError("; ".join(parts))


def to_term(param: Parameter, value: Any) -> str:
    """Turn one user-supplied value into the RDF term the query expects, in N-Triples syntax."""
    raw = str(value).strip()
    if not raw:
        raise BlankValueError(f"parameter {param.name!r} is blank: give a value, or leave the parameter out")
    if param.allowed and raw not in param.allowed:
        raise QueryError(f"parameter {param.name!r} must be one of {list(param.allowed)}, not {raw!r}")
    if param.vocabulary:
        _check_vocabulary(param, raw)
    try:
        if param.type == "iri":
            return nt_iri(raw)
        if param.type == "integer":
            if not re.fullmatch(rf"[+-]?\d{{1,{MAX_DIGITS}}}", raw):
                raise ValueError(f"an integer has 1 to {MAX_DIGITS} digits")
            return nt_literal(str(int(raw)), datatype=XSD.integer)
        if param.type == "decimal":
            return nt_literal(_decimal(raw), datatype=XSD.decimal)
        if param.type == "year":
            if not re.fullmatch(r"\d{4}", raw):
                raise ValueError("a year has four digits")
            return nt_literal(raw, datatype=XSD.gYear)
        if param.type == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                raise ValueError("a date is YYYY-MM-DD")
            return nt_literal(raw, datatype=XSD.date)
        if param.type == "boolean":
            if raw.lower() not in ("true", "false"):
                raise ValueError("true or false")
            return nt_literal(raw.lower(), datatype=XSD.boolean)
        if param.type == "docnumber":
            from kg.lexicon.docnumbers import parse_document_number

            number = parse_document_number(raw)
            if number is None:
                raise ValueError("not a document number such as 乐府办规〔2022〕3号")
            return nt_literal(number.canonical)
        return nt_literal(raw, language=param.language)
    except (ValueError, InvalidOperation) as exc:
        shown = raw if len(raw) <= 60 else raw[:57] + "…"
        raise QueryError(f"parameter {param.name!r}: {shown!r} is not a valid {param.type} ({exc})") from exc


def bind(query: NamedQuery, values: dict[str, Any]) -> str:
    """Validate parameters and return the query text with a VALUES block binding them.

    A parameter declared `inline: true` is written as its term in place of the variable instead:
    Oxigraph plans a group's patterns without the values of its VALUES block, so a query that
    must start from the bound resource (a department's lines among all budget lines) names it."""
    known = {p.name: p for p in query.parameters}
    unknown = set(values) - set(known)
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter(s) {sorted(unknown)}; it takes {sorted(known)}")
    names: list[str] = []
    columns: list[list[str]] = []
    inline: dict[str, str] = {}
    for param in query.parameters:
        value = values.get(param.name, param.default)
        if value is None or value == [] or value == "":
            if param.required:
                raise QueryError(f"query {query.name!r} needs parameter {param.name!r}")
            continue
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        if len(items) > 1 and not param.multi:
            raise QueryError(f"parameter {param.name!r} of {query.name!r} takes one value, not {len(items)}")
        if param.inline:
            inline[param.name] = to_term(param, items[0])
            continue
        names.append(param.name)
        columns.append([to_term(param, v) for v in items])  # N-Triples syntax: escaped
    text = _inline(query.text, inline) if inline else query.text
    if not names:
        return text
    rows = _product(columns)
    header = " ".join(f"?{n}" for n in names)
    body = " ".join("(" + " ".join(row) + ")" for row in rows)
    at = _where_brace(text)
    if at is None:  # load_query guarantees a WHERE for queries with parameters
        raise QueryError(f"query {query.name!r} has no WHERE {{ … }} to bind parameters in")
    return f"{text[:at]}\n  VALUES ({header}) {{ {body} }}{text[at:]}"


# What a variable is never replaced in: comments, string literals (long ones first) and IRIs, as
# SPARQL's own tokenizer reads them; then the variables themselves.
_TOKENS = re.compile(
    r"""(?P<skip>#[^\n]*|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}"""
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>)"""
    r"|(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)"
)


def _projects(text: str, name: str) -> bool:
    """Whether the first SELECT clause of the query names the variable."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    match = re.search(r"\bSELECT\b(.*?)(\bWHERE\b|\{)", body, re.IGNORECASE | re.DOTALL)
    return bool(match and re.search(rf"[?$]{name}\b", match.group(1)))


def _inline(text: str, terms: dict[str, str]) -> str:
    """The query with each variable named in `terms` replaced by its term (already N-Triples-escaped)."""

    def replace(match: re.Match[str]) -> str:
        var = match.group("var")
        return terms.get(var[1:], var) if var else match.group(0)

    return _TOKENS.sub(replace, text)


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _where_brace(text: str) -> int | None:
    """Offset just after the `{` of the first WHERE outside comment lines."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            match = _WHERE.search(line)
            if match:
                return offset + match.end()
        offset += len(line)
    return None


def _product(columns: list[list[str]]) -> list[list[str]]:
    rows: list[list[str]] = [[]]
    for column in columns:
        rows = [[*row, term] for row in rows for term in column]
    return rows
