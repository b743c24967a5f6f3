"""A worksheet as a grid of values, with what is wrong in any single cell already reported.

Formulas are welcome: the values Excel computed are read. A formula with no computed value (a workbook written
by a program and never opened in Excel), a date where text was typed, and an error such as ``#REF!`` are
reported with their cell, and the cell is then treated as :data:`BAD`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from carebridge.scenario.excel.builder import Builder
from carebridge.scenario.excel.cells import Cell, cell_problem, is_blank

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


class _Bad:
    def __repr__(self) -> str:
        return "BAD"


BAD: Final = _Bad()
"""A cell whose problem is already reported: neither a value nor blank."""


@dataclass(frozen=True)
class Grid:
    """The values of one sheet, row by row (``rows[0]`` is row 1), and where the sheet is in the layout."""

    sheet: str
    order: int
    rows: list[list[object]]

    def cell(self, row: int, column: int) -> Cell:
        """The cell at 1-based ``row`` and ``column``."""
        return Cell(self.order, self.sheet, row, column)

    def value(self, row: int, column: int) -> object:
        cells = self.rows[row - 1] if 0 < row <= len(self.rows) else []
        return cells[column - 1] if 0 < column <= len(cells) else None

    @property
    def empty(self) -> bool:
        return all(is_blank(value) for row in self.rows for value in row)

    def data_rows(self) -> Iterator[tuple[int, list[object]]]:
        """Each row below the header with something in it, with its 1-based number."""
        for number, values in enumerate(self.rows[1:], start=2):
            if not all(is_blank(value) for value in values):
                yield number, values


def read_grid(values: Worksheet, formulas: Worksheet, order: int, builder: Builder) -> Grid:
    """The grid of a sheet read twice: ``values`` (as Excel computed them) and ``formulas`` (as typed)."""
    name = str(values.title)
    rows: list[list[object]] = [list(row) for row in values.iter_rows(values_only=True)]
    for formula_row in formulas.iter_rows():
        for formula in formula_row:
            if formula.data_type == "f" and _at(rows, formula.row, formula.column) is None:
                message = (
                    f"the formula {formula.value} has no value Excel computed; open the workbook in Excel "
                    "(or LibreOffice) and save it, so that its values are stored"
                )
                builder.problem(Cell(order, name, formula.row, formula.column), message)
                rows[formula.row - 1][formula.column - 1] = BAD
    for row_number, row in enumerate(rows, start=1):
        for column_number, value in enumerate(row, start=1):
            problem = cell_problem(value)
            if problem is not None:
                builder.problem(Cell(order, name, row_number, column_number), problem)
                row[column_number - 1] = BAD
    return Grid(name, order, rows)


def _at(rows: list[list[object]], row: int, column: int) -> object:
    if row > len(rows):
        rows.extend([] for _ in range(row - len(rows)))
    cells = rows[row - 1]
    if column > len(cells):
        cells.extend(None for _ in range(column - len(cells)))
    return cells[column - 1]
