"""Budget lines stated in prose.

Two kinds of sentence restate budget lines:

- A classification chain with its amounts: 卫生健康支出（类）医疗救助（款）城乡医疗救助（项）:
  支出决算为617.26万元 → one line per amount (table_kind "prose", measure "total"); the phase
  follows the word before the amount (年初预算 initial, 预算 / 调整预算 adjusted, 决算 executed).
  The code comes from the classification module; when it cannot resolve the chain the line keeps
  classification None. Chains without an amount (教育（类）: 无此类支出) give nothing.
- A labelled total such as 2022年度收入合计38,460,895.08元 whose label (as kg.extract.amounts reads
  it) the templates' `prose.totals` map to a table cell → a line with is_total True, the mapped
  measure, and the label as written for row_label and measure_label.
"""

from __future__ import annotations

import re

from kg.document import Document
from kg.extract.amounts import find_amounts, parse_amount
from kg.extract.budget.templates import Catalogue, ProseTotal, load_templates
from kg.lexicon import classification
from kg.lexicon.text import label_key
from kg.records import Amount, BudgetLine, BudgetPhase, Classification, ClassificationScheme, Evidence

# A name inside a chain: Han characters and 、, plus bracketed words such as （室） that are not
# the level markers （类）（款）（项） themselves.
_NAME = r"(?:[\u4e00-\u9fff、]|[(（](?![类款项][)）])[\u4e00-\u9fff]{1,4}[)）])+?"
_CHAIN = re.compile(
    rf"(?P<lei>{_NAME})[(（]类[)）]"
    rf"(?:\s*(?P<kuan>{_NAME})[(（]款[)）](?:\s*(?P<xiang>{_NAME})[(（]项[)）])?)?"
)
_STATEMENT = re.compile(
    r"(?P<what>年初预算数?|(?:全年)?调整预算数?|全年预算数?|预算数?|(?:支出)?决算数?)\s*(?:为|是)?\s*"
    r"(?P<num>\d[\d,，.]*)\s*(?P<unit>亿元|万元|元)"
)
_CLAUSE_END = re.compile(r"[；;。\n]")
_WRAP_SPACE = re.compile(r"\s+")
_MAX_SENTENCE = 200


def _phase(what: str) -> BudgetPhase:
    if "年初" in what:
        return BudgetPhase.INITIAL
    if "预算" in what:
        return BudgetPhase.ADJUSTED
    return BudgetPhase.EXECUTED


def _classification(chain: str, name: str) -> Classification | None:
    code = classification.code_for_chain(chain)
    if not code:
        return None
    return Classification(classification.scheme_for_code(code) or ClassificationScheme.FUNCTIONAL, code, name)


def _chain_lines(doc: Document, block_start: int, block_end: int) -> list[BudgetLine]:
    text = doc.text
    chains = list(_CHAIN.finditer(text, block_start, block_end))
    lines: list[BudgetLine] = []
    for i, m in enumerate(chains):
        stop = chains[i + 1].start() if i + 1 < len(chains) else block_end
        end = _CLAUSE_END.search(text, m.end(), stop)
        segment_end = end.start() if end else stop
        name = _WRAP_SPACE.sub("", m.group("xiang") or m.group("kuan") or m.group("lei"))
        chain = m.group()
        for s in _STATEMENT.finditer(text, m.end(), segment_end):
            start, stop_at = s.start("num"), s.end("unit")
            parsed = parse_amount(text[start:stop_at])
            if parsed is None:
                continue
            yuan, unit = parsed
            amount = Amount(yuan, text[start:stop_at], unit, Evidence.of(doc, start, stop_at), label=name)
            lines.append(
                BudgetLine(
                    table_kind="prose",
                    row_label=name,
                    measure="total",
                    measure_label=s.group("what"),
                    phase=_phase(s.group("what")),
                    amount=amount,
                    classification=_classification(chain, name),
                )
            )
    return lines


def _sentence_before(text: str, start: int) -> str:
    """The sentence up to `start`: back to the previous 。；; or line break."""
    floor = max(0, start - _MAX_SENTENCE)
    stop = max(text.rfind(ch, floor, start) for ch in "。；;\n")
    return text[max(stop + 1, floor) : start]


def prose_total_rule(label: str | None, sentence: str, catalogue: Catalogue) -> ProseTotal | None:
    """The template cell a labelled prose amount restates, if any."""
    if not label:
        return None
    key = label_key(label)
    return next((r for r in catalogue.prose_totals if r.label.fullmatch(key) and r.fits(sentence)), None)


def _total_lines(doc: Document, amounts: list[Amount], catalogue: Catalogue) -> list[BudgetLine]:
    lines = []
    for amount in amounts:
        sentence = _sentence_before(doc.text, amount.evidence.start)
        rule = prose_total_rule(amount.label, sentence, catalogue)
        if rule is None:
            continue
        template = catalogue.template(rule.table)
        lines.append(
            BudgetLine(
                table_kind="prose",
                row_label=amount.label or "",
                measure=rule.measure,
                measure_label=amount.label or "",
                phase=BudgetPhase.EXECUTED,
                amount=amount,
                fund_type=template.fund_type if template else None,
                is_total=True,
            )
        )
    return lines


def find_prose_lines(doc: Document, amounts: list[Amount] | None = None) -> list[BudgetLine]:
    """Chain statements and labelled totals of the document's prose, chain lines first.

    `amounts` are the document's prose amounts when the caller has them already
    (kg.extract.amounts.find_amounts); they are found here otherwise.
    """
    catalogue = load_templates()
    lines: list[BudgetLine] = []
    for block in doc.paragraphs():
        if doc.text.find("类", block.start, block.end) >= 0:  # no chain without a （类）
            lines.extend(_chain_lines(doc, block.start, block.end))
    return lines + _total_lines(doc, find_amounts(doc) if amounts is None else amounts, catalogue)
