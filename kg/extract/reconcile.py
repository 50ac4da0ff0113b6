"""Check a report's budget lines against themselves.

`reconcile(lines)` takes the lines of one report (kg.extract.tables.find_budget_lines) and returns
one `ConsistencyIssue` per failed check, with the expected and found yuan, the tolerance and the
evidence of every cell involved. Checks, per table (lines sharing a table index):

- parent-sum: a 类 (3-digit) or 款 (5-digit) row equals the sum of its child rows (款 / 项; 30101 …
  under 301) in each amount column, the parent's empty cell counting as 0;
- total-row: a total row (合计, 人员经费合计 …) equals the sum of the 3-digit rows of its column
  (same header), in tables with coded rows;
- column-sum: the template's column sums within a row (本年支出合计 = 基本支出 + 项目支出 + …;
  年末结转和结余 = 年初结转和结余 + 本年收入 − 本年支出); budget and executed halves apart;
- row-sum: the template's row sums within a column (本年收入合计 = 一、… + 二、… ; 总计 = …);
- balance: the template's balances (收入总计 = 支出总计 of the two sides of a 总表);

and across prose and tables:

- prose-vs-table: a prose 类/款/项 line equals the same code's total in the first of the templates'
  `prose.chain_tables` that has it; a labelled prose total equals the cell its rule names;
- prose-sum: when the report has no such table, a prose total (一般公共预算财政拨款支出) equals the sum
  of the leaf chain lines, and the prose totals meet the column sums of the table they restate
  (本年支出合计 = 基本支出 + 项目支出).

Tolerance. 万元 tables round every cell to 0.01万元 (their notes warn of 尾数误差), so a sum may be
off by up to 0.01万元 per addend: |found − expected| ≤ 0.01 × unit × number of addends, i.e. 100
yuan per addend for 万元 amounts, 0.01 yuan per addend for 元 amounts (1 000 000 yuan for 亿元),
taking the coarsest unit among the amounts compared. Only non-zero addends count (a 0.00 cell
carries no rounding), and at least one does: a comparison of two amounts allows one step.

Missing cells count as 0; a sum is checked only when at least one of its parts is there (row sums
also need an amount in the total row: 二、机关运行经费 may be a bare section heading), and a parent
row is checked only when it has an amount in some column (an all-empty row yields no line).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from kg.document import Document
from kg.extract.budget.templates import Catalogue, ProseTotal, Template, load_templates
from kg.extract.component import component
from kg.lexicon.text import label_key
from kg.records import Amount, BudgetLine, BudgetPhase, ConsistencyIssue, ReportRecords

_STEP = {"元": Decimal("0.01"), "万元": Decimal("100"), "亿元": Decimal("1000000")}
_SCALE = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
_BUDGET_PHASES = frozenset({BudgetPhase.INITIAL, BudgetPhase.ADJUSTED})

Part = tuple[BudgetLine, int]  # a line and its sign in a sum


# --- comparison -----------------------------------------------------------------------------------


def _tolerance(lines: Iterable[BudgetLine], addends: int) -> Decimal:
    step = max((_STEP.get(line.amount.unit, _STEP["元"]) for line in lines), default=_STEP["元"])
    return step * max(addends, 1)


def _show(yuan: Decimal, unit: str) -> str:
    value = yuan / _SCALE.get(unit, Decimal(1))
    return f"{value:,.2f}{unit}"


def _name(line: BudgetLine) -> str:
    code = line.classification.code if line.classification else None
    return f"{code} {line.row_label}" if code else line.row_label


def _where(line: BudgetLine) -> str:
    table = line.table_caption or line.table_kind
    return f"{table} [{_name(line)} | {line.measure_label}]"


def _compare(
    kind: str, total: BudgetLine | None, parts: Sequence[Part], what: str, missing: str = "the total"
) -> ConsistencyIssue | None:
    """An issue when `total` (missing counts as 0) differs from the signed sum of `parts` beyond tolerance.

    `missing` names the empty cell in the description when there is no total line.
    """
    involved = [line for line, _ in parts] + ([total] if total else [])
    expected = sum((sign * line.amount.yuan for line, sign in parts), Decimal(0))
    found = total.amount.yuan if total else Decimal(0)
    # Only non-zero cells carry rounding error: an empty 0.00 column widens nothing.
    tolerance = _tolerance(involved, sum(1 for line, _ in parts if line.amount.yuan))
    if abs(found - expected) <= tolerance:
        return None
    unit = max((line.amount.unit for line in involved), key=lambda u: _STEP.get(u, Decimal(0)))
    first = parts[0][0]
    subject = _where(total) if total else f"{first.table_caption or first.table_kind} [{missing}] (empty cell)"
    description = (
        f"{subject} = {_show(found, unit)}, but {what} = {_show(expected, unit)} "
        f"(difference {_show(found - expected, unit)}, tolerance {_show(tolerance, unit)})"
    )
    evidence = tuple(line.amount.evidence for line in ([total] if total else []) + [p for p, _ in parts])
    return ConsistencyIssue(kind, description, expected, found, tolerance, evidence)


def _formula(terms: list[tuple[str, int]]) -> str:
    """a + b − c, as the description of a signed sum."""
    text = ""
    for i, (name, sign) in enumerate(terms):
        text += ("" if i == 0 and sign > 0 else " − " if sign < 0 else " + ") + name
    return text.strip()


def _plus(lines: Iterable[BudgetLine]) -> list[Part]:
    return [(line, 1) for line in lines]


# --- checks within one table ----------------------------------------------------------------------


def _code(line: BudgetLine) -> str | None:
    return line.classification.code if line.classification else None


def _parent_sums(lines: list[BudgetLine]) -> list[ConsistencyIssue]:
    parents = {c for c in map(_code, lines) if c and len(c) in (3, 5)}
    columns: dict[tuple, dict[str, BudgetLine]] = defaultdict(dict)
    for line in lines:
        code = _code(line)
        if code:
            columns[(line.measure, line.measure_label, line.phase, line.fund_type)].setdefault(code, line)
    issues = []
    for by_code in columns.values():
        for parent in sorted(parents):
            children = [ln for c, ln in by_code.items() if len(c) == len(parent) + 2 and c.startswith(parent)]
            if not children:
                continue
            total = by_code.get(parent)
            what = f"the sum of its {len(children)} child rows"
            missing = f"{parent} | {children[0].measure_label}"
            issue = _compare("parent-sum", total, _plus(children), what, missing)
            if issue:
                issues.append(issue)
    return issues


def _total_rows(lines: list[BudgetLine]) -> list[ConsistencyIssue]:
    if not any(_code(line) for line in lines):
        return []
    classes: dict[tuple, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        code = _code(line)
        if code and len(code) == 3:
            classes[(line.measure, line.measure_label, line.phase, line.fund_type)].append(line)
    issues = []
    for line in lines:
        if not line.is_total or _code(line):
            continue
        parts = classes.get((line.measure, line.measure_label, line.phase, line.fund_type))
        if parts:
            issue = _compare("total-row", line, _plus(parts), f"the sum of its {len(parts)} 类 rows")
            if issue:
                issues.append(issue)
    return issues


def _row_key(line: BudgetLine) -> tuple:
    # Budget and executed halves of one row (三公) are summed apart; balances carried in belong
    # with the year's accounts (年末 = 年初 + 收入 − 支出).
    cell = line.amount.evidence.cell
    half = "budget" if line.phase in _BUDGET_PHASES else "accounts"
    return (cell.row if cell else None, line.row_label, half)


def _column_sums(lines: list[BudgetLine], template: Template) -> list[ConsistencyIssue]:
    if not template.column_sums:
        return []
    rows: dict[tuple, dict[str, BudgetLine]] = defaultdict(dict)
    for line in lines:
        rows[_row_key(line)].setdefault(line.measure, line)
    issues = []
    for by_measure in rows.values():
        for rule in template.column_sums:
            parts = [(by_measure[m], sign) for m, sign in rule.parts if m in by_measure]
            total = by_measure.get(rule.total)
            if not parts or (total is None and not any(p.amount.yuan for p, _ in parts)):
                continue
            names = _formula([(p.measure_label, sign) for p, sign in parts])
            missing = f"{_name(parts[0][0])} | {rule.total}"
            issue = _compare("column-sum", total, parts, names, missing)
            if issue:
                issues.append(issue)
    return issues


def _row_sums(lines: list[BudgetLine], template: Template) -> list[ConsistencyIssue]:
    issues = []
    for rule in template.row_sums:
        for measure in rule.measures:
            column = [line for line in lines if line.measure == measure]
            totals = [line for line in column if rule.total.search(label_key(line.row_label))]
            parts = [line for line in column if rule.parts.search(label_key(line.row_label)) and line not in totals]
            if not parts or not totals:
                continue  # a section heading without an amount (二、机关运行经费) states no total
            what = " + ".join(p.row_label for p in parts)
            for total in totals:
                issue = _compare("row-sum", total, _plus(parts), what)
                if issue:
                    issues.append(issue)
    return issues


def _first(lines: list[BudgetLine], pattern, measure: str) -> BudgetLine | None:
    return next((line for line in lines if line.measure == measure and pattern.search(label_key(line.row_label))), None)


def _balances(lines: list[BudgetLine], template: Template) -> list[ConsistencyIssue]:
    issues = []
    for rule in template.balances:
        left, right = _first(lines, *rule.left), _first(lines, *rule.right)
        if left is None or right is None:
            continue
        issue = _compare("balance", left, [(right, 1)], _where(right))
        if issue:
            issues.append(issue)
    return issues


def _check_table(lines: list[BudgetLine], template: Template | None) -> list[ConsistencyIssue]:
    issues = _parent_sums(lines) + _total_rows(lines)
    if template is not None:
        issues += _column_sums(lines, template) + _row_sums(lines, template) + _balances(lines, template)
    return issues


# --- prose ----------------------------------------------------------------------------------------


def _rule_for(line: BudgetLine, catalogue: Catalogue) -> ProseTotal | None:
    key = label_key(line.measure_label)
    return next((r for r in catalogue.prose_totals if r.measure == line.measure and r.label.fullmatch(key)), None)


def _first_table(tables: dict[str, list[list[BudgetLine]]], kind: str) -> list[BudgetLine]:
    found = tables.get(kind)
    return found[0] if found else []


def _chain_vs_tables(line: BudgetLine, tables: dict, catalogue: Catalogue) -> ConsistencyIssue | None:
    code = _code(line)
    for kind in catalogue.chain_tables:
        match = next(
            (
                t
                for t in _first_table(tables, kind)
                if _code(t) == code and t.measure == "total" and t.phase is line.phase
            ),
            None,
        )
        if match is not None:
            return _compare("prose-vs-table", line, [(match, 1)], _where(match))
    return None


def _total_vs_table(line: BudgetLine, rule: ProseTotal, tables: dict) -> ConsistencyIssue | None:
    match = _first(_first_table(tables, rule.table), rule.row, rule.measure)
    if match is None:
        return None
    return _compare("prose-vs-table", line, [(match, 1)], _where(match))


def _leaves(chain: list[BudgetLine]) -> list[BudgetLine]:
    """Chain lines whose code has no descendant among the others (unresolved lines count as leaves)."""
    codes = {c for c in map(_code, chain) if c}

    def has_descendant(code: str | None) -> bool:
        return bool(code) and any(c != code and c.startswith(code) for c in codes)

    return [line for line in chain if not has_descendant(_code(line))]


def _prose_sums(
    totals: list[tuple[BudgetLine, ProseTotal]], chain: list[BudgetLine], tables: dict, catalogue: Catalogue
) -> list[ConsistencyIssue]:
    issues = []
    leaves = _leaves([line for line in chain if line.phase is BudgetPhase.EXECUTED])
    for kind in catalogue.chain_tables:
        if kind in tables or not leaves:
            continue
        total = next((t for t, r in totals if r.table == kind and r.measure == "total"), None)
        if total is not None:
            issue = _compare("prose-sum", total, _plus(leaves), f"the sum of {len(leaves)} prose 类/款/项 lines")
            if issue:
                issues.append(issue)
            break
    by_table: dict[str, dict[str, BudgetLine]] = defaultdict(dict)
    for line, rule in totals:
        if rule.table not in tables:
            by_table[rule.table].setdefault(rule.measure, line)
    for kind, by_measure in by_table.items():
        template = catalogue.template(kind)
        for rule in template.column_sums if template else ():
            parts = [(by_measure[m], sign) for m, sign in rule.parts if m in by_measure]
            total = by_measure.get(rule.total)
            if total is not None and len(parts) > 1:
                issue = _compare("prose-sum", total, parts, _formula([(p.row_label, sign) for p, sign in parts]))
                if issue:
                    issues.append(issue)
    return issues


def _check_prose(prose: list[BudgetLine], tables: dict, catalogue: Catalogue) -> list[ConsistencyIssue]:
    chain = [line for line in prose if not line.is_total]
    totals = [(line, rule) for line in prose if line.is_total and (rule := _rule_for(line, catalogue))]
    issues = []
    for line in chain:
        if _code(line) and (issue := _chain_vs_tables(line, tables, catalogue)):
            issues.append(issue)
    for line, rule in totals:
        if issue := _total_vs_table(line, rule, tables):
            issues.append(issue)
    return issues + _prose_sums(totals, chain, tables, catalogue)


# --- entry point ----------------------------------------------------------------------------------


def reconcile(lines: list[BudgetLine]) -> list[ConsistencyIssue]:
    """Every failed consistency check of one report's budget lines, tables first, then prose."""
    catalogue = load_templates()
    by_index: dict[int, list[BudgetLine]] = defaultdict(list)
    prose: list[BudgetLine] = []
    for line in lines:
        cell = line.amount.evidence.cell
        if cell is None:
            prose.append(line)
        else:
            by_index[cell.table].append(line)
    issues: list[ConsistencyIssue] = []
    tables: dict[str, list[list[BudgetLine]]] = defaultdict(list)
    for index in sorted(by_index):
        table_lines = by_index[index]
        kind = table_lines[0].table_kind
        tables[kind].append(table_lines)
        issues += _check_table(table_lines, catalogue.template(kind))
    return issues + _check_prose(prose, dict(tables), catalogue)


# --- Prose identity: 收入总计 = 本年收入合计 + 年初结转和结余 ------------------------------------

_GRAND_TOTAL = {"收、支总计", "收支总计", "收入总计"}
_INCOME = {"本年收入合计", "收入合计"}
_CARRY_IN = {"年初结转和结余", "年初结转结余", "上年度结转结余", "上年结转结余", "上年结转和结余"}


def _first_labelled(amounts: Sequence[Amount], labels: set[str]) -> Amount | None:
    # A label with a qualifier (财政拨款收、支总计, 政府性基金…收入总计) is another account: exact labels only.
    return next((a for a in amounts if a.label in labels), None)


def prose_identities(amounts: Sequence[Amount]) -> list[ConsistencyIssue]:
    """Check the department's stated grand total against this year's income plus the balance
    carried in, when the report states all three in prose (tables are checked by `reconcile`)."""
    total, income, carry_in = (_first_labelled(amounts, labels) for labels in (_GRAND_TOTAL, _INCOME, _CARRY_IN))
    if total is None or income is None or carry_in is None:
        return []
    expected = income.yuan + carry_in.yuan
    tolerance = sum((_STEP.get(a.unit, Decimal("0.01")) for a in (income, carry_in)), Decimal(0))
    if abs(total.yuan - expected) <= tolerance:
        return []
    description = (
        f"{total.label} {total.text} ≠ {income.label} {income.text} + {carry_in.label} {carry_in.text}"
        f"（相差 {format(total.yuan - expected, 'f')} 元）"
    )
    return [
        ConsistencyIssue(
            "prose-total",
            description,
            expected,
            total.yuan,
            tolerance,
            (total.evidence, income.evidence, carry_in.evidence),
        )
    ]


@component("reconciliation", needs=["budget_lines", "amounts"], provides=["issues"])
def check_report(doc: Document, found: ReportRecords) -> None:
    found.issues.extend(reconcile(found.budget_lines))
    found.issues.extend(prose_identities(found.amounts))
