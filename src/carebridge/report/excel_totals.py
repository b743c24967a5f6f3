"""Which cells each total of a table adds up, so that a workbook writes its totals as formulas a finance
analyst can audit (``=SUM(B6:B9)``, ``=B6-B7``) rather than as typed numbers.

A :class:`~carebridge.report.table.FormattedTable` holds each Total line's value, not how it was made, so a
formula is chosen from the few layouts the tables use and **kept only when it gives the tool's own number**
in every column of the line (to a millionth of a £'000); a total that none of them gives (a cumulative line,
a weighted percentage) stays a number. The layouts, tried in this order:

1. a Difference line under two lines: the first less the second (Difference = Computed − Published);
2. the total just above its lines and those lines (a bridge: the do-nothing gap + the steps);
3. the lines of its block: the normal lines since the heading or total above (a section's Total);
4. the totals above it (Total growth + Total deflections = Total growth and deflections);
5. every normal line above it.

The order settles the lines that every layout gives (all zero): a bridge's end is its start and its steps
even where both are nil.

A column headed Total adds up the columns to its left in the same group, line by line, when that gives the
line's value. Only money, activity and counts are added up, never percentages or ratios. Pure functions: no
openpyxl here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from carebridge.report.table import FormattedTable, Row

ADDED_KINDS = ("money", "activity", "count")
TOLERANCE = 1e-6
"""How far (in the table's unit) a formula's value may be from the tool's number and still stand for it."""


@dataclass(frozen=True)
class Sum:
    """A formula over one column (or one line): + the cells at ``plus``, − the cells at ``minus`` (indexes of
    the table's rows, or of its columns for a Total column)."""

    plus: tuple[int, ...]
    minus: tuple[int, ...] = ()

    def value(self, cell: Callable[[int], float | None]) -> float:
        return sum(cell(i) or 0.0 for i in self.plus) - sum(cell(i) or 0.0 for i in self.minus)


def total_formulas(table: FormattedTable) -> dict[tuple[int, int], Sum]:
    """``(row, column) → Sum of rows`` for every total cell that is the sum of lines above it (indexes into
    ``table.rows`` and ``table.columns``)."""
    formulas: dict[tuple[int, int], Sum] = {}
    for index, row in enumerate(table.rows):
        if row.kind != "total":
            continue
        columns = _added_columns(table, row)
        if not columns:
            continue
        for candidate in _candidates(table.rows, index):
            if all(_close(candidate.value(_column(table.rows, c)), row.values[c]) for c in columns):
                formulas.update({(index, column): candidate for column in columns})
                break
    return formulas


def line_formulas(table: FormattedTable) -> dict[tuple[int, int], Sum]:
    """``(row, column) → Sum of columns`` for the cells of each column headed Total that add up the columns
    to their left in the same group (the cells :func:`total_formulas` fills are left to it)."""
    vertical = total_formulas(table)
    formulas: dict[tuple[int, int], Sum] = {}
    for position, column in enumerate(table.columns):
        if not column.header.strip().lower().startswith("total"):
            continue
        left = _left_columns(table, position)
        if not left:
            continue
        for index, row in enumerate(table.rows):
            value = row.values[position]
            if row.kind == "heading" or value is None or (index, position) in vertical:
                continue
            if table.number_kind(row, position) not in ADDED_KINDS:
                continue
            candidate = Sum(left)
            if _close(candidate.value(row.values.__getitem__), value):
                formulas[(index, position)] = candidate
    return formulas


def _column(rows: Sequence[Row], column: int) -> Callable[[int], float | None]:
    """The cells of one column, by row index."""

    def cell(index: int) -> float | None:
        return rows[index].values[column]

    return cell


def _added_columns(table: FormattedTable, row: Row) -> list[int]:
    return [
        column
        for column, value in enumerate(row.values)
        if value is not None and table.number_kind(row, column) in ADDED_KINDS
    ]


def _left_columns(table: FormattedTable, position: int) -> tuple[int, ...]:
    """The columns left of ``position`` in its group, back to the previous Total column."""
    group = table.columns[position].group
    left: list[int] = []
    for column in range(position - 1, -1, -1):
        other = table.columns[column]
        if other.group != group or other.header.strip().lower().startswith("total"):
            break
        left.append(column)
    return tuple(sorted(left))


def _candidates(rows: Sequence[Row], index: int) -> list[Sum]:
    """The formulas a total at ``index`` may be, in order of preference."""
    block: list[int] = []
    above = index - 1
    while above >= 0 and rows[above].kind == "normal":
        block.insert(0, above)
        above -= 1
    boundary = above  # the heading or total that opens the block, or -1
    candidates: list[Sum] = []
    if len(block) == 2 and rows[index].label.startswith("Difference"):
        candidates.append(Sum((block[0],), (block[1],)))
    if boundary >= 0 and rows[boundary].kind == "total" and block:
        candidates.append(Sum((boundary, *block)))
    if block:
        candidates.append(Sum(tuple(block)))
    totals = tuple(i for i in range(index) if rows[i].kind == "total")
    if len(totals) > 1:
        candidates.append(Sum(totals))
    every = tuple(i for i in range(index) if rows[i].kind == "normal")
    if every and every != tuple(block):
        candidates.append(Sum(every))
    return candidates


def _close(computed: float, expected: float | None) -> bool:
    return expected is not None and abs(computed - expected) <= TOLERANCE * max(1.0, abs(expected))
