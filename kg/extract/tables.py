"""Budget lines of a report: its standard disclosure tables, un-pivoted, and its prose statements.

`find_budget_lines(doc)` reads every table the templates of kg/extract/table_templates.yaml
recognise (by caption, or by header when no caption matches) and turns each non-empty amount cell
of a data row into one `BudgetLine` whose evidence is the cell. Table amounts are in the unit the
caption area states (金额单位：元, 单位：万元) and in 元 when it states none; every amount is exact
Decimal yuan. Prose adds the lines of 类/款/项 chain statements (table_kind "prose") and the
labelled totals the templates map to a table cell (table_kind "prose", is_total True).
See kg/extract/budget/ for the reading rules.
"""

from __future__ import annotations

from kg.document import Document
from kg.extract.budget.prose import find_prose_lines
from kg.extract.budget.tables import find_table_lines
from kg.extract.component import component
from kg.records import Amount, BudgetLine, ReportRecords


@component("budget-lines", needs=["amounts"], provides=["budget_lines"])
def read_budget_lines(doc: Document, found: ReportRecords) -> None:
    found.budget_lines.extend(find_budget_lines(doc, found.amounts))


__all__ = ["find_budget_lines", "find_prose_lines", "find_table_lines"]


def find_budget_lines(doc: Document, amounts: list[Amount] | None = None) -> list[BudgetLine]:
    """Table lines in table order, then prose lines in text order.

    Pass the document's prose `amounts` (kg.extract.amounts.find_amounts) when they are at hand,
    to save finding them again.
    """
    return find_table_lines(doc) + find_prose_lines(doc, amounts)
