"""The table model every report draws: a :class:`FormattedTable` is plain typed data (a title, a unit,
column headers, rows of numbers with a kind each), and the helpers that build rows.

A table's rows are each a label, one value per column and a kind (a normal line, a bold total, or a section
heading). Excel (:mod:`~carebridge.report.excel`), HTML (:mod:`~carebridge.report.html_table`) and the
terminal (:mod:`~carebridge.report.terminal`) draw the same tables. Percentages are stored as fractions
(``-0.201`` is shown ``-20.1%``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from carebridge.engine.view import View
from carebridge.report.numbers import NumberKind, Value

if TYPE_CHECKING:
    import xarray as xr

RowKind = Literal["normal", "total", "heading"]


@dataclass(frozen=True)
class Column:
    """A column: its header (a year label, usually), the group it sits under, and its number kind if the
    column's kind differs from the table's."""

    header: str
    group: str | None = None
    number: NumberKind | None = None


@dataclass(frozen=True)
class Row:
    """A line of a table: label, one value per column (``None`` for a blank cell) and its kind.

    ``flags`` marks cells to draw attention to (a difference above tolerance); empty means none.
    """

    label: str
    values: tuple[Value, ...]
    kind: RowKind = "normal"
    number: NumberKind | None = None
    flags: tuple[bool, ...] = ()

    def flagged(self, column: int) -> bool:
        return bool(self.flags) and self.flags[column]


@dataclass(frozen=True)
class FormattedTable:
    """A table ready to draw: ``mirrors`` names the source table whose layout it follows."""

    id: str
    title: str
    short_title: str
    unit: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    number: NumberKind = "money"
    label_header: str = ""
    note: str = ""
    mirrors: str = ""

    def number_kind(self, row: Row, column: int) -> NumberKind:
        """The kind of one cell: the column's if it has one, else the row's, else the table's."""
        return self.columns[column].number or row.number or self.number

    @property
    def subtitle(self) -> str:
        """The line under the title: unit, note and the source table whose layout it follows."""
        parts = [f"Unit: {self.unit}.", self.note, f"Layout of {self.mirrors}." if self.mirrors else ""]
        return " ".join(part for part in parts if part)

    @property
    def grouped(self) -> bool:
        """Whether the columns carry group headers (a second header row above the years)."""
        return any(column.group for column in self.columns)

    def column_groups(self) -> list[tuple[str, int, int]]:
        """Runs of adjacent columns under the same group: ``(group, first column, number of columns)``."""
        runs: list[tuple[str, int, int]] = []
        for index, column in enumerate(self.columns):
            group = column.group or ""
            if runs and runs[-1][0] == group:
                runs[-1] = (group, runs[-1][1], runs[-1][2] + 1)
            else:
                runs.append((group, index, 1))
        return runs


def series(values: View | xr.DataArray, years: Sequence[str]) -> tuple[float, ...]:
    """A (year) array's values in ``years`` as plain floats, ``-0.0`` as ``0.0`` (a view, or a labelled
    array of a reader that has one)."""
    if values.dims != ("year",):
        return tuple(float(v) + 0.0 for v in values.sel(year=list(years)).values)
    return Cells(values).series(years)


class Cells:
    """An array read once into plain Python: each cell by its labels (``cells(org="ccg", year="2018/19")``)
    as a float, ``-0.0`` as ``0.0``, with no selection per cell (a table of a run reads hundreds of cells).
    A label that is not on the array raises ``KeyError``, as a selection does. Reads a
    :class:`~carebridge.engine.view.View`, or a labelled array of a reader that has one."""

    def __init__(self, array: View | xr.DataArray) -> None:
        self.dims = tuple(str(dim) for dim in array.dims)
        labels: list[Sequence[Any]] = (
            [array.labels[dim] for dim in self.dims]
            if isinstance(array, View)
            else [array[dim].values.tolist() for dim in self.dims]
        )
        self._positions = [{label: index for index, label in enumerate(own)} for own in labels]
        self._by_dim = tuple(zip(self.dims, self._positions, strict=True))
        self._chosen_by = frozenset(self.dims)
        self._values = array.values

    def __call__(self, **labels: object) -> float:
        if labels.keys() != self._chosen_by:
            return self.raw(**labels)  # raises, naming the labels
        return float(self._values[tuple(positions[labels[dim]] for dim, positions in self._by_dim)]) + 0.0

    def raw(self, **labels: object) -> float:
        """The cell at ``labels`` as it is (``-0.0`` kept)."""
        if labels.keys() != self._chosen_by:
            raise KeyError(
                f"cells of ({', '.join(self.dims)}) are chosen by every label, not {sorted(labels)}"
            )
        return float(self._values[tuple(positions[labels[dim]] for dim, positions in self._by_dim)])

    def series(self, years: Sequence[str], **labels: object) -> tuple[float, ...]:
        """The cells of ``years`` at ``labels`` (every other dimension): the line read once."""
        if "year" in labels or labels.keys() | {"year"} != self._chosen_by:
            return tuple(self(**labels, year=year) for year in years)  # raises as a cell does
        at = tuple(
            slice(None) if dim == "year" else positions[labels[dim]] for dim, positions in self._by_dim
        )
        line = self._values[at].tolist()
        by_year = self._positions[self.dims.index("year")]
        return tuple(float(line[by_year[year]]) + 0.0 for year in years)


def year_columns(
    years: Iterable[str], group: str | None = None, number: NumberKind | None = None
) -> list[Column]:
    return [Column(year, group, number) for year in years]


def total(label: str, rows: Sequence[Row], width: int) -> Row:
    """A bold Total line: the sum of ``rows`` column by column (blank where every row is blank)."""
    sums: list[Value] = []
    for column in range(width):
        cells = [value for row in rows if (value := row.values[column]) is not None]
        sums.append(sum(cells) + 0.0 if cells else None)
    return Row(label, tuple(sums), "total")


def heading(label: str, width: int) -> Row:
    return Row(label, (None,) * width, "heading")


def section(title: str, rows: list[Row], total_label: str, width: int) -> tuple[list[Row], Row]:
    """A heading, its rows and their Total line; returns the rows to show and the Total line."""
    subtotal = total(total_label, rows, width)
    return [heading(title, width), *rows, subtotal], subtotal
