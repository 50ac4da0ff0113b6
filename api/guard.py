"""What a user's SPARQL may reach outside the store: SERVICE and LOAD, checked on the parsed request.

Oxigraph sends an HTTP request for every `SERVICE <url>` of a query and every `LOAD <url>` of an
update, and offers no switch to turn that off. So the service parses each query or update it did
not write itself with rdflib's SPARQL parser and walks the tree: a SERVICE is refused unless its
endpoint is on the allow-list (`fundkg serve --allow-service URL`), a LOAD unless it fetches http(s)
from a host on the allow-list (`--allow-load HOST`). A keyword scan of the text backs the parse up:
should the two parsers ever read a text differently (rdflib expands `\\u` escapes, say, where
Oxigraph does not), a SERVICE or LOAD the scan sees but the tree does not is refused too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kg.vocab import PREFIXES


class Refused(Exception):
    """The request uses a feature the service does not allow; the message names it."""


@dataclass(frozen=True)
class Policy:
    services: frozenset[str] = frozenset()  # SERVICE endpoints allowed, as exact IRIs
    load_hosts: frozenset[str] = frozenset()  # hosts (host or host:port) LOAD may fetch from

    @classmethod
    def of(cls, services: list[str] | tuple[str, ...] = (), load_hosts: list[str] | tuple[str, ...] = ()) -> Policy:
        return cls(frozenset(services), frozenset(h.lower() for h in load_hosts))


def check_query(text: str, policy: Policy) -> None:
    """Raise Refused when the query calls a SERVICE that is not allowed."""
    _check(text, policy, update=False)


def check_update(text: str, policy: Policy) -> None:
    """Raise Refused when the update LOADs from where it may not, or calls a SERVICE that is not allowed."""
    _check(text, policy, update=True)


def _check(text: str, policy: Policy, *, update: bool) -> None:
    tree = _parse(text, update)
    scanned = _keywords(text)
    if tree is None:
        # Not SPARQL to rdflib: Oxigraph will most likely refuse it too. Only a text without the
        # keywords is passed on, so that nothing unchecked can reach the network.
        if scanned:
            raise Refused(f"{scanned[0]} cannot be checked in a request that does not parse; it is refused")
        return
    prefixes = dict(PREFIXES)
    found: dict[str, int] = {"SERVICE": 0, "LOAD": 0}
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name == "PrefixDecl":
            prefixes[str(node.get("prefix") or "")] = str(node.get("iri"))
        elif name == "ServiceGraphPattern":
            found["SERVICE"] += 1
            _check_service(_resolve(node.get("term"), prefixes), policy)
        elif name == "Load":
            found["LOAD"] += 1
            _check_load(_resolve(node.get("iri"), prefixes), policy)
    for keyword in ("SERVICE", "LOAD"):
        if scanned.count(keyword) > found[keyword]:
            raise Refused(f"{keyword} written in a way the service cannot check; it is refused")


def _check_service(iri: str | None, policy: Policy) -> None:
    if iri is not None and iri in policy.services:
        return
    if not policy.services:
        raise Refused("SERVICE (federated query) is not allowed by this service; "
                      "start it with --allow-service URL to allow an endpoint")  # fmt: skip
    shown = f"<{iri}>" if iri else "with a variable or relative endpoint"
    raise Refused(f"SERVICE {shown} is not an allowed endpoint (allowed: {', '.join(sorted(policy.services))})")


def _check_load(iri: str | None, policy: Policy) -> None:
    if iri is None:
        raise Refused("LOAD of a relative IRI is not allowed")
    parts = urlsplit(iri)
    if parts.scheme.lower() not in ("http", "https"):
        raise Refused(f"LOAD <{iri}> is not allowed: only http(s) URLs are loaded, never {parts.scheme or 'local'}:")
    try:
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError as exc:
        raise Refused(f"LOAD <{iri}>: not a URL ({exc})") from exc
    if parts.username is not None or parts.password is not None:
        raise Refused(f"LOAD <{iri}> is not allowed: no user names in the URL")
    if host not in policy.load_hosts and f"{host}:{port}" not in policy.load_hosts:
        allowed = ", ".join(sorted(policy.load_hosts)) or "none: start the service with --allow-load HOST"
        raise Refused(f"LOAD from {host or '?'} is not allowed (allowed hosts: {allowed})")


# --- the parse tree ----------------------------------------------------------------------------------


def _parse(text: str, update: bool) -> Any:
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseUpdate(text) if update else parseQuery(text)
    except Exception:  # pyparsing's ParseException, and RecursionError on absurd nesting
        return None


def _walk(node: Any) -> Iterator[Any]:
    """Every node of rdflib's parse tree (CompValues are dicts, ParseResults lists), depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        if hasattr(current, "name") and isinstance(current, dict):
            yield current
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, (list, tuple)) or type(current).__name__ == "ParseResults":
            stack.extend(reversed(list(current)))


def _resolve(term: Any, prefixes: dict[str, str]) -> str | None:
    """An IRI of the tree as an absolute IRI; None for variables, relative IRIs and unknown prefixes."""
    if getattr(term, "name", None) == "pname":
        namespace = prefixes.get(str(term.get("prefix") or ""))
        if namespace is None:
            return None
        iri = namespace + str(term.get("localname") or "")
    elif type(term).__name__ == "URIRef":
        iri = str(term)
    else:
        return None
    return iri if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) else None


# --- the keyword scan --------------------------------------------------------------------------------

# Comments, strings (long ones first) and IRIs are skipped as SPARQL's tokenizer skips them; a keyword
# is a word not glued to a name (ex:service, ?load, my-service:x).
_TOKENS = re.compile(
    r"""(?P<skip>#[^\n]*|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}"""
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>)"""
    r"|(?<![\w.:?$\-])(?P<kw>service|load)(?![\w:\-])",
    re.IGNORECASE,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _keywords(text: str) -> list[str]:
    """SERVICE and LOAD keywords of the text, read with `\\u` escapes expanded (as rdflib reads it)."""

    def expand(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group(0)

    expanded = _ESCAPE.sub(expand, text)
    return [m.group("kw").upper() for m in _TOKENS.finditer(expanded) if m.group("kw")]
