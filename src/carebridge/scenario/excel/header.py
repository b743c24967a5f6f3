"""A sheet's header row: which column holds which field, the ``every year`` column and the year columns.

Every problem of the header is reported with its cell: an unknown column (with the nearest known one), a
column given twice, a year header that is not ``YYYY/YY`` (``2017-18``, the number 2017, a date), year
columns on a sheet that has no values by year, and a missing column that says where rows belong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from carebridge.scenario.errors import did_you_mean
from carebridge.scenario.excel.builder import Builder
from carebridge.scenario.excel.cells import is_blank
from carebridge.scenario.excel.grid import BAD, Grid
from carebridge.scenario.excel.layout import EVERY_YEAR
from carebridge.scenario.years import YearError, format_year, parse_year

_LOOKS_LIKE_A_YEAR = re.compile(r"^\s*\d")


@dataclass
class Header:
    """Where each known column is (1-based), and the value-by-year columns."""

    columns: dict[str, int] = field(default_factory=dict)
    every_year: int | None = None
    years: list[tuple[int, str]] = field(default_factory=list)
    unheaded: list[int] = field(default_factory=list)
    """Columns with no header (values in them are reported)."""
    skipped: list[int] = field(default_factory=list)
    """Columns whose header is wrong (already reported; values in them are not read)."""


def read_header(
    grid: Grid,
    headers: Sequence[str],
    required: Sequence[tuple[str, str]],
    builder: Builder,
    has_years: bool,
) -> Header | None:
    """The header of ``grid`` whose known columns are ``headers``; ``None`` if a ``required`` column (header,
    why it is needed) is missing, so the rows cannot be placed."""
    header = Header()
    known = {name.lower(): name for name in headers}
    seen: dict[str, int] = {}
    row = grid.rows[0] if grid.rows else []
    for column, value in enumerate(row, start=1):
        if value is BAD:
            header.skipped.append(column)
        elif is_blank(value):
            header.unheaded.append(column)
        elif not _known(value, column, known, seen, header, grid, builder, has_years):
            header.skipped.append(column)
    missing = [(name, why) for name, why in required if name not in header.columns]
    for name, why in missing:
        builder.problem(grid.cell(1, len(row) + 1), f"the sheet has no '{name}' column; it {why}")
    return None if missing else header


def _known(
    value: object,
    column: int,
    known: dict[str, str],
    seen: dict[str, int],
    header: Header,
    grid: Grid,
    builder: Builder,
    has_years: bool,
) -> bool:
    """Place one header cell; report it and return ``False`` when it is not a column of the sheet."""
    text = value.strip() if isinstance(value, str) else str(value)
    name = known.get(text.lower())
    if name is None and has_years and text.lower() == EVERY_YEAR:
        name = EVERY_YEAR
    if name is None and (isinstance(value, int | float) or _LOOKS_LIKE_A_YEAR.match(text)):
        name = _year(value, column, grid, builder, has_years)
        if name is None:
            return False
    if name is None:
        expected = ", ".join(known.values()) + (f", {EVERY_YEAR} and years like 2017/18" if has_years else "")
        hint = did_you_mean(text, known.values())
        builder.problem(
            grid.cell(1, column), f"unknown column '{text}' (the {grid.sheet} sheet has {expected}){hint}"
        )
        return False
    if name in seen:
        first = grid.cell(1, seen[name])
        builder.problem(
            grid.cell(1, column), f"the column '{name}' is given twice (first at {first}); give it once"
        )
        return False
    seen[name] = column
    if name == EVERY_YEAR:
        header.every_year = column
    elif name in known.values():
        header.columns[name] = column
    else:
        header.years.append((column, name))
    return True


def _year(value: object, column: int, grid: Grid, builder: Builder, has_years: bool) -> str | None:
    """The year label of a year header, or ``None`` after reporting why it is not one."""
    if not has_years:
        message = f"the {grid.sheet} sheet has no values by year; remove the column '{value}'"
        builder.problem(grid.cell(1, column), message)
        return None
    try:
        return format_year(parse_year(value.strip() if isinstance(value, str) else value))
    except YearError as error:
        builder.problem(grid.cell(1, column), f"the column header {error}")
        return None
