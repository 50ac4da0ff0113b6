"""Budget lines from the disclosure tables and prose of a report, and their consistency checks.

`kg.extract.tables.find_budget_lines` is the entry point; `kg.extract.reconcile.reconcile`
checks the lines against themselves. The table layouts are data: kg/extract/table_templates.yaml.
"""
