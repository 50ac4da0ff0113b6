"""A table as a grid of cells that know where they are in the text and in the table."""

from __future__ import annotations

from dataclasses import dataclass

from kg.document import Cell, Document, Table
from kg.records import CellRef, Evidence


@dataclass(frozen=True)
class GridCell:
    text: str
    start: int
    end: int
    ref: CellRef


@dataclass
class Grid:
    rows: list[list[GridCell]]
    start: int  # offset of the table in the text, for captions above it


def grid_of(table: Table) -> Grid:
    rows = [
        [GridCell(c.text, c.start, c.end, CellRef(table.index, r, i)) for i, c in enumerate(row.cells)]
        for r, row in enumerate(table.rows)
    ]
    return Grid(rows, table.start)


def document_grids(doc: Document) -> list[Grid]:
    return [grid_of(t) for t in doc.tables]


def cell_evidence(doc: Document, table: int, row: int, col: int, cell: Cell | GridCell) -> Evidence:
    """The evidence of one table cell: its span and its place in the table."""
    return Evidence.of(doc, cell.start, cell.end, cell=CellRef(table, row, col))
