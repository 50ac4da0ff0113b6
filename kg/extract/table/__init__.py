"""The table toolkit every table reader uses: budget tables, funding forms, indicator forms, allocations.

- `grid`: a table as rows of cells with their offsets and cell references, and cell evidence;
- `units`: the money unit a header cell or the caption above a table states (万元, 元, 亿元);
- `headers`: header cells recognised by their words (ordered field rules), wrapped headers joined,
  header rows stacked into one label per column;
- `rows`: what a row is by its label (合计 total, 小计 subtotal, 其中 part) and how a data row's cells
  are put back under their header when an export shifted them;
- `forms`: the labelled cells of performance forms (项目名称 | value) and their titles;
- `textgrids`: pipe and one-cell-per-line tables in paragraph text (until the text reader builds them).
"""
