"""Resolve region names to the GB/T 2260 administrative hierarchy.

The division names and codes come from `jionlp` (its `china_location_loader`), a maintained
package that ships the national division table; nothing here is a hand-written gazetteer. The
table is read once, lazily, into an index of `Region` objects; after that, resolving a name is a
few dictionary look-ups.

Rules:
- Levels: a province, autonomous region or 直辖市 is PROVINCE; a 地级市, 州 or 盟 is PREFECTURE;
  a 县, 区, 县级市 or 旗 is COUNTY. A 区/县 of a 直辖市 hangs directly under the 直辖市 (jionlp
  repeats the 直辖市 as its own city; that copy is dropped), and the counties jionlp files under a
  "省直辖行政区划" pseudo-prefecture (仙桃市, 济源市 …) hang directly under their province.
- A name is read as its leading chain of region names (重庆市潼南区…, 益阳市赫山区…): the last,
  most specific name is the answer, and every earlier name must be one of its ancestors.
- Never guess: a name that exists in several places (朝阳区, 江北区, 鼓楼区 …) resolves to None
  unless a higher-level name in the same text, or the `context` region the caller knows (the
  publisher's region), leaves exactly one candidate.
- Short aliases (井研, 重庆) count only at the very start of a name or under a parent already
  matched; two-character names (忠县, 随县) only at the start or under a parent; generic words that
  happen to be district names (城区, 郊区, 矿区, 东区 …) only under a parent.
- National bodies (国家…, 中央…, 国务院…, the ministries) have no region: `central_level` says so.

`jionlp.parse_location` is not used: it returns names without codes and costs milliseconds per
call, where the index below answers in microseconds with the codes.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kg.records import GovLevel, Region

# Names of bodies of the central government (国务院组成部门 and a few others, as they are cited
# in budget reports). They carry no region prefix, so they cannot be told from a name by levels.
CENTRAL_BODIES: tuple[str, ...] = (
    "国务院",
    "外交部",
    "国防部",
    "国家发展和改革委员会",
    "教育部",
    "科学技术部",
    "工业和信息化部",
    "国家民族事务委员会",
    "公安部",
    "国家安全部",
    "民政部",
    "司法部",
    "财政部",
    "人力资源和社会保障部",
    "人力资源社会保障部",
    "自然资源部",
    "生态环境部",
    "住房和城乡建设部",
    "交通运输部",
    "水利部",
    "农业农村部",
    "商务部",
    "文化和旅游部",
    "国家卫生健康委员会",
    "国家卫生健康委",
    "国家卫生计生委",
    "退役军人事务部",
    "应急管理部",
    "中国人民银行",
    "审计署",
)
_CENTRAL = re.compile(
    r"^\s*(?:国家|中央|中共中央|国务院|全国|中华人民共和国|" + "|".join(re.escape(b) for b in CENTRAL_BODIES) + ")"
)

# District names that are also everyday words; they only count after their parent (阳泉市城区).
_GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "市中区", "新区"})
# Pseudo-levels in jionlp's table that are not administrative units of their own.
_PSEUDO = ("直辖行政区划", "直辖县级行政区划")
# Leading words that a department name may carry before its region (中共井研县委办公室).
_LEADING = re.compile(r"^\s*(?:中国共产党|中共)")


@dataclass(frozen=True)
class _Entry:
    region: Region
    alias: bool  # matched through a short alias rather than the full name


class RegionIndex:
    """Regions by name and by code, built once from jionlp's division table."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.by_name: dict[str, list[_Entry]] = {}
        self.by_code: dict[str, Region] = {}
        for province_name, province_node in table.items():
            self._add_province(province_name, province_node)
        self.max_len = max(len(n) for n in self.by_name)
        self.names = frozenset(n for n, es in self.by_name.items() if any(not e.alias for e in es))
        self.aliases = frozenset(n for n, es in self.by_name.items() if all(e.alias for e in es))

    # -- building -------------------------------------------------------------------------------

    def _add(self, node: dict[str, Any], name: str, level: GovLevel, parent: Region | None) -> Region:
        region = Region(name, node.get("_admin_code"), level, parent)
        if region.code:
            self.by_code.setdefault(region.code, region)
        self._index(name, region, alias=False)
        for alias in _aliases(node, name):
            self._index(alias, region, alias=True)
        # 彭水苗族土家族自治县 is written 彭水县, 恩施土家族苗族自治州 恩施州: index those short forms too.
        for suffix in ("自治县", "自治州", "自治旗"):
            if name.endswith(suffix):
                for alias in _aliases(node, name):
                    self._index(alias + suffix[-1], region, alias=False)
        return region

    def _index(self, name: str, region: Region, *, alias: bool) -> None:
        if len(name) < 2:
            return
        entries = self.by_name.setdefault(name, [])
        if all(e.region is not region for e in entries):
            entries.append(_Entry(region, alias))

    def _add_province(self, name: str, node: dict[str, Any]) -> None:
        province = self._add(node, name, GovLevel.PROVINCE, None)
        for city_name, city_node in _children(node):
            # A 直辖市 (or SAR) is repeated as its own city, and some counties sit under a
            # "省直辖行政区划" pseudo-city: both put their counties directly under the province.
            if city_node.get("_admin_code") == province.code or any(p in city_name for p in _PSEUDO):
                parent = province
            else:
                parent = self._add(city_node, city_name, GovLevel.PREFECTURE, province)
            for county_name, county_node in _children(city_node):
                if any(p in county_name for p in _PSEUDO):
                    continue
                self._add(county_node, county_name, GovLevel.COUNTY, parent)

    # -- matching -------------------------------------------------------------------------------

    def match_at(self, text: str, i: int) -> tuple[str, list[_Entry]] | None:
        """The longest region name starting at `text[i]`."""
        for length in range(min(self.max_len, len(text) - i), 1, -1):
            entries = self.by_name.get(text[i : i + length])
            if entries:
                return text[i : i + length], entries
        return None


def _children(node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, value in node.items():
        if not key.startswith("_") and isinstance(value, dict):
            yield key, value


def _aliases(node: dict[str, Any], name: str) -> list[str]:
    raw = node.get("_alias") or []
    values = [raw] if isinstance(raw, str) else list(raw)
    return [a for a in values if a and a != name]


@lru_cache(maxsize=1)
def index() -> RegionIndex:
    """The region index, built on first use (jionlp is imported lazily: it is slow to import)."""
    # jionlp prints a banner on import; keep stdout clean for CLI users and piped output.
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp

        table = jionlp.china_location_loader(detail=True)
    return RegionIndex(table)


# -- public API ---------------------------------------------------------------------------------


def central_level(name: str) -> bool:
    """True for bodies of the central government (国家医疗保障局, 财政部, 国务院扶贫办 …)."""
    return bool(_CENTRAL.match(name))


def region_by_code(code: str) -> Region | None:
    """The region with this GB/T 2260 code (6 digits; a 12-digit statistical code is cut)."""
    code = code.strip()
    if len(code) == 12 and code.endswith("000000"):
        code = code[:6]
    return index().by_code.get(code)


def is_ancestor_or_self(ancestor: Region, region: Region) -> bool:
    node: Region | None = region
    while node is not None:
        if node.code == ancestor.code:
            return True
        node = node.parent
    return False


def _province(region: Region) -> Region:
    return region.chain()[0]


def region_chain_at(text: str, start: int = 0) -> tuple[int, int, list[list[Region]]] | None:
    """The first chain of region names in `text` at or after `start`.

    Returns (chain start, chain end, candidates per name in the chain). Only full names of three
    or more characters may open a chain away from the start of the text; see the module rules.
    """
    idx = index()
    m = _LEADING.match(text, start)
    head = m.end() if m else start
    for i in range(head, len(text)):
        found = idx.match_at(text, i)
        if found is None:
            continue
        name, entries = found
        # Generic words never open a chain; two-character names and aliases only at its head.
        if name in _GENERIC_NAMES or (i != head and len(name) < 3):
            continue
        full = [e.region for e in entries if not e.alias or i == head]
        if not full:
            continue
        chain = [full]
        end = _extend_chain(text, i + len(name), chain)
        return i, end, chain
    return None


def _extend_chain(text: str, pos: int, chain: list[list[Region]]) -> int:
    """Append the region names that follow, each a child of one of the previous candidates."""
    idx = index()
    end = pos
    while True:
        j = end
        while j < len(text) and text[j] in " \t":
            j += 1
        found = idx.match_at(text, j)
        if found is None:
            return end
        name, entries = found
        parents = chain[-1]
        children = [e.region for e in entries if any(is_ancestor_or_self(p, e.region) for p in parents)]
        children = [c for c in children if all(c.code != p.code for p in parents)]
        if not children:
            return end
        chain.append(children)
        end = j + len(name)


def _pick(chain: list[list[Region]], context: Region | None) -> Region | None:
    """The one region the chain names, or None when it stays ambiguous."""
    candidates = chain[-1]
    for earlier in chain[:-1]:
        candidates = [c for c in candidates if any(is_ancestor_or_self(e, c) for e in earlier)]
    candidates = list({c.code: c for c in candidates}.values())
    if len(candidates) > 1 and context is not None:
        # The document's own region may settle it: same province first, then same prefecture.
        for narrow in (_province(context), context.parent or context, context):
            inside = [c for c in candidates if is_ancestor_or_self(narrow, c)]
            if len(inside) == 1:
                return inside[0]
    return candidates[0] if len(candidates) == 1 else None


@lru_cache(maxsize=8192)
def resolve_region(text: str, context: Region | None = None) -> Region | None:
    """The region a name or department name belongs to, or None when unknown or ambiguous.

    柳林县医疗保障局 → 柳林县 (141125) under 吕梁市 under 山西省; 重庆市潼南区医疗保障局 → 潼南区
    (500152) directly under 重庆市. Central bodies (国家医疗保障局, 财政部) give None: see
    `central_level`. `context` (e.g. the publisher's region) may settle an ambiguous name.
    """
    if not text or central_level(text):
        return None
    found = region_chain_at(text)
    if found is None:
        return None
    return _pick(found[2], context)


def level_of(name: str) -> GovLevel | None:
    """The government level a department name implies: CENTRAL, its region's level, or None."""
    if central_level(name):
        return GovLevel.CENTRAL
    region = resolve_region(name)
    return region.level if region else None
