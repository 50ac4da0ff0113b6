"""A benchmark corpus with every report kind, made at run time from the seeds and the samples.

Templates are the five seed reports (../shared/seeds, when present; their text never enters the
repository), the project's own samples and sample notices. Each is classified by the project's own
reader and extractor, and a transfer-payment form is cut out of any template that carries one under
a heading of its own. Copies are grouped by county and fiscal year, like a real collection (every
county publishes its final accounts, self-evaluations, transfer-payment forms and receives notices
each year); a copy gets its group's county (a real county, so regions resolve) and year, its own
factor on every amount and its own 文号 serials, so every copy is a distinct report.

    from corpus import make_corpus
    make_corpus(folder, 1000)   # -> {kind: count}
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLES = ROOT / "samples"

# Reports per kind in every 20 of a county's year: one set of final accounts usually carries its
# project self-evaluations as annexes, separate project self-evaluations are the most numerous,
# then notices received, the department's overall self-evaluation and transfer-payment forms.
MIX = {
    "final-accounts": 5,
    "project-self-evaluation": 6,
    "allocation-notice": 4,
    "department-self-evaluation": 3,
    "transfer-self-evaluation": 2,
}
YEARS = 5  # fiscal years per county
FIRST_YEAR = 2019

_PUBLISHER = re.compile(r"([\u4e00-\u9fff]{2,6}?[县区])医疗保障")
_YEAR = re.compile(r"(?<![\d.])(20[0-3]\d)(?=\s*年|〕|\]|）|\))")
_MONEY = re.compile(r"(?<![\d.,])(\d[\d,]*\.\d{2})(?![\d%])|(?<![\d.,])(\d+(?:\.\d+)?)(?=\s*(?:亿元|万元|元))")
_SERIAL = re.compile(r"(〔\d{4}〕\s*)(\d+)(\s*号)")
_TRANSFER_HEADING = re.compile(r"^[^\n]{0,60}转移支付[^\n]{0,20}自评(?:报告|表)[^\n]*$", re.M)


@dataclass(frozen=True)
class Template:
    name: str  # file name of the source, for messages only
    suffix: str
    text: str
    encoding: str  # kept in copies: a real collection has GB18030 files too
    kind: str
    county: str | None  # the county-level name the publisher carries, replaced in copies
    year: int | None


def _classify(path: Path) -> tuple[str, int | None]:
    from kg.extract.pipeline import extract_report
    from kg.readers import read_document

    records = extract_report(read_document(path))
    return records.metadata.kind.value, records.metadata.fiscal_year


def _county_of(text: str) -> str | None:
    found = Counter(m.group(1).rsplit("市", 1)[-1] for m in _PUBLISHER.finditer(text[:5000]))
    names = [n for n, _ in found.most_common() if len(n) >= 2]
    return names[0] if names else None


def _transfer_part(text: str) -> str | None:
    """The text from a transfer-payment self-evaluation heading to the end, if a report has one."""
    m = _TRANSFER_HEADING.search(text)
    return text[m.start():] if m and m.start() > len(text) // 4 else None


@lru_cache(maxsize=1)
def templates() -> tuple[Template, ...]:
    paths = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    paths += sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.name != "README.md")
    paths += sorted(p for p in (SAMPLES / "notices").iterdir() if p.name != "README.md")
    found: list[Template] = []
    for path in paths:
        data = path.read_bytes()
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("gb18030"), "gb18030"
        kind, year = _classify(path)
        # A notice's regions are its recipients, not its publisher: they stay as written.
        county = _county_of(text) if kind != "allocation-notice" else None
        found.append(Template(path.name, path.suffix, text, encoding, kind, county, year))
        part = _transfer_part(text) if kind != "transfer-self-evaluation" else None
        if part is not None:
            found.append(Template(path.name + "#transfer", path.suffix, part, encoding, "transfer-self-evaluation",
                                  _county_of(text), year))
    return tuple(found)


@lru_cache(maxsize=1)
def counties() -> tuple[str, ...]:
    """County names from the region index that name exactly one county, in a fixed random order."""
    from kg.extract.regions import index
    from kg.records import GovLevel

    idx = index()
    names = sorted(
        name for name, entries in idx.by_name.items()
        if name.endswith("县") and len(name) == 3 and len(entries) == 1
        and not entries[0].alias and entries[0].region.level is GovLevel.COUNTY
    )
    random.Random(13).shuffle(names)
    return tuple(names)


def vary(template: Template, county: str, year: int, rng: random.Random) -> str:
    """The template for another county and year, every amount scaled, every 文号 serial moved."""
    text = template.text
    if template.county:
        text = text.replace(template.county, county)
    if template.year:
        shift = year - template.year
        text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    factor = Decimal(str(round(rng.uniform(0.5, 1.5), 2)))

    def money(m: re.Match[str]) -> str:
        written = m.group(0)
        value = Decimal(written.replace(",", "")) * factor
        places = len(written.rsplit(".", 1)[1]) if "." in written else 2
        value = value.quantize(Decimal(1).scaleb(-places))
        return f"{value:,}" if "," in written else f"{value}"

    text = _MONEY.sub(money, text)
    offset = rng.randrange(1, 400)
    return _SERIAL.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + offset}{m.group(3)}", text)


def make_corpus(folder: Path, n: int, seed: int = 7) -> Counter[str]:
    """Write n reports into folder in the proportions of MIX; returns how many of each kind."""
    by_kind: dict[str, list[Template]] = {}
    for t in templates():
        by_kind.setdefault(t.kind, []).append(t)
    plan = [kind for kind, count in MIX.items() if by_kind.get(kind) for _ in range(count)]
    rng = random.Random(seed)
    places = counties()
    written: Counter[str] = Counter()
    for i in range(n):
        group = i // len(plan)
        county = places[(group // YEARS) % len(places)]
        year = FIRST_YEAR + group % YEARS
        kind = plan[i % len(plan)]
        choices = by_kind[kind]
        template = choices[(i // len(plan) + written[kind]) % len(choices)]
        text = vary(template, county, year, rng)
        (folder / f"bench-{i:05d}-{kind}{template.suffix}").write_text(text, encoding=template.encoding)
        written[kind] += 1
    return written


if __name__ == "__main__":
    import sys
    import tempfile

    sys.path.insert(0, str(ROOT))
    for t in templates():
        print(f"{t.name:50s} {t.kind:28s} {t.county} {t.year} {len(t.text):7,d} chars")
    with tempfile.TemporaryDirectory() as tmp:
        print(make_corpus(Path(tmp), int(sys.argv[1]) if len(sys.argv) > 1 else 40))
