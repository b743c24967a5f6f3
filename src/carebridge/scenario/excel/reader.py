"""Read a scenario workbook into the plain data a YAML file gives, with the cell of every field path.

The loader then checks that data exactly as it checks YAML (pydantic, then the semantic checks), and the
:class:`WorkbookSourceMap` names the sheet and cell of each problem (``Schemes!D14``). Problems with the
workbook's own structure (a missing sheet, an unknown column, a year header that is not ``YYYY/YY``, a row for
a POD no sheet has) stop the load, every one reported at once, as a YAML syntax error stops a YAML load.
"""

from __future__ import annotations

import difflib
import pathlib
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from carebridge.scenario.errors import InputError, Path, Problem, ScenarioError, did_you_mean
from carebridge.scenario.excel.books import PROGRAMME_BOOK, SCENARIO_BOOK
from carebridge.scenario.excel.builder import Builder, Given
from carebridge.scenario.excel.cells import Cell, column_number, normalise_path
from carebridge.scenario.excel.grid import Grid, read_grid
from carebridge.scenario.excel.header import read_header
from carebridge.scenario.excel.layout import Book, Sheet
from carebridge.scenario.excel.table import Index, Row, TableReader, convert
from carebridge.scenario.source_map import SourceMap
from carebridge.workbooks import unsafe_workbook

if TYPE_CHECKING:
    from openpyxl import Workbook

_CELL = re.compile(r"^(?P<sheet>.+)!(?P<column>[A-Z]+)(?P<row>\d+)$")
_MISSING = re.compile(r"^missing (?:field|section) '(?P<name>[^']+)'")
"""How :mod:`~carebridge.scenario.pydantic_errors` words a missing field, reported at its parent's path."""
FIELDS_HEADERS = ("field", "value", "about")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
"""File names read as workbooks (the loader dispatches on the same suffixes)."""


@dataclass(frozen=True)
class WorkbookSourceMap(SourceMap):
    """Where each field path of a workbook scenario is: the cell of the deepest part of the path given."""

    cells: Mapping[Path, Cell] = field(default_factory=dict, repr=False, compare=False)
    sheet_names: tuple[str, ...] = field(default=SCENARIO_BOOK.sheet_names, repr=False, compare=False)

    def line_of(self, path: Sequence[Any]) -> int | None:
        return None

    def cell_of(self, path: Sequence[Any]) -> Cell | None:
        key = normalise_path(tuple(path))
        return next(
            (self.cells[key[:depth]] for depth in range(len(key), 0, -1) if key[:depth] in self.cells), None
        )

    def problem_cell(self, problem: Problem) -> Cell | None:
        """The cell of a problem's path; for a missing field, the (blank) cell of the field if it has one."""
        missing = _MISSING.match(problem.message)
        if missing is not None:
            cell = self.cells.get(normalise_path((*problem.path, missing["name"])))
            if cell is not None:
                return cell
        return self.cell_of(problem.path)

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems with this file and their cell, in workbook order (sheet, then row, then column)."""
        located = []
        for problem in problems:
            cell = problem.cell or _text(self.problem_cell(problem))
            located.append(replace(problem, file=problem.file or self.file, cell=cell))
        return sorted(located, key=lambda problem: cell_order(problem.cell, self.sheet_names))


def _text(cell: Cell | None) -> str | None:
    return str(cell) if cell else None


def cell_order(cell: str | None, names: Sequence[str] = SCENARIO_BOOK.sheet_names) -> tuple[int, int, int]:
    """Where a ``Sheet!B3`` cell comes in the workbook: sheets in layout order, then rows, then columns."""
    match = _CELL.match(cell or "")
    if match is None:
        return (-1, 0, 0)
    sheet = match["sheet"]
    order = names.index(sheet) if sheet in names else len(names)
    return (order, int(match["row"]), column_number(match["column"]))


def read_workbook(
    path: pathlib.Path,
    file: str,
    layout: Book = SCENARIO_BOOK,
    error: type[InputError] = ScenarioError,
) -> tuple[dict[str, Any], WorkbookSourceMap]:
    """The plain data of the workbook at ``path`` (a scenario, or the kind of file ``layout`` lays out) and
    its source map; ``file`` names it in messages.

    Raises ``error`` with every problem of the workbook's structure.
    """
    values, formulas = _open(path, file, layout, error)
    builder = Builder()
    grids = _grids(values, formulas, builder, layout)
    if layout.fields.name in grids:
        _read_fields(grids[layout.fields.name], builder, layout)
    index: Index = {}
    for sheet in layout.sheets:
        if sheet.name in grids:
            _read_table(sheet, grids[sheet.name], builder, index)
    if builder.problems:
        ordered = sorted(
            builder.problems, key=lambda found: (found[0] is not None, found[0] or Cell(0, "", 0, 0))
        )
        raise error([replace(problem, file=file) for _, problem in ordered])
    return builder.data, WorkbookSourceMap(file, cells=dict(builder.cells), sheet_names=layout.sheet_names)


def workbook_kind(path: pathlib.Path) -> str:
    """``programme`` for a workbook with a Programme sheet and no Scenario sheet, else ``scenario`` (whose
    loader reports a file that is no workbook at all)."""
    from openpyxl import load_workbook

    if not path.is_file() or unsafe_workbook(path) is not None:
        return SCENARIO_BOOK.kind
    try:
        book = load_workbook(path, read_only=True)
    except Exception:
        return SCENARIO_BOOK.kind
    names = {name.lower() for name in book.sheetnames}
    book.close()
    programme = PROGRAMME_BOOK.fields.name.lower()
    if programme in names and SCENARIO_BOOK.fields.name.lower() not in names:
        return PROGRAMME_BOOK.kind
    return SCENARIO_BOOK.kind


def _open(path: pathlib.Path, file: str, layout: Book, error: type[InputError]) -> tuple[Workbook, Workbook]:
    """The workbook with the values Excel computed, and as typed (with its formulas); the same workbook, read
    once, when it has no formulas."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    expected = f"expected a {layout.kind} workbook (.xlsx)"
    unsafe = unsafe_workbook(path) if path.is_file() else None
    if unsafe is not None:
        raise error([Problem((), f"{unsafe}; {expected}", file=file)])
    try:
        typed = load_workbook(path)
        return (load_workbook(path, data_only=True) if _has_formulas(typed) else typed), typed
    except FileNotFoundError:
        message = f"the file does not exist; {expected}"
    except IsADirectoryError:
        message = f"this is a folder; {expected}"
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, SyntaxError) as reading:
        reason = str(reading).splitlines()[0] if str(reading) else type(reading).__name__
        message = f"the file is not an Excel workbook that can be read ({reason}); {expected} saved by Excel"
    except OSError as reading:
        message = f"the file cannot be read ({reading.strerror or reading}); {expected}"
    raise error([Problem((), message, file=file)])


def _has_formulas(book: Workbook) -> bool:
    return any(
        cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    )


def _grids(values: Workbook, formulas: Workbook, builder: Builder, layout: Book) -> dict[str, Grid]:
    """The grid of each sheet CareBridge reads, by its name in the layout; a missing required sheet, or a
    sheet named almost like one of the layout's, is reported."""
    by_name = {name.lower(): name for name in values.sheetnames}
    grids: dict[str, Grid] = {}
    names, required = layout.sheet_names, layout.required
    for order, name in enumerate(names):
        found = by_name.pop(name.lower(), None)
        if found is not None:
            grids[name] = read_grid(values[found], formulas[found], order, builder)
        elif name in required:
            needed = f"{', '.join(required[:-1])} and {required[-1]}" if len(required) > 1 else required[0]
            message = f"the workbook has no {name} sheet; a {layout.kind} workbook needs the sheets {needed} "
            builder.problem(None, message + f"({layout.template} writes one)")
    for other in by_name.values():
        near = difflib.get_close_matches(other, [*names, layout.instructions], n=1, cutoff=0.8)
        if near and near[0] != layout.instructions:
            message = f"the sheet '{other}' is not one CareBridge reads{did_you_mean(other, near)} "
            builder.problem(Cell(len(names), other, 1, 1), message + "(other sheets are ignored)")
    return grids


def _read_fields(grid: Grid, builder: Builder, layout: Book) -> None:
    """The Scenario sheet: one field per row, named in the ``field`` column, its value in ``value``."""
    required = (("field", "names the field of each row"), ("value", "holds each field's value"))
    header = read_header(grid, FIELDS_HEADERS, required, builder, has_years=False)
    if header is None:
        return
    fields = {column.header: column for column in layout.fields.fields}
    seen: dict[str, Cell] = {}
    for number, values in grid.data_rows():
        row = Row(number, values, header, grid)
        name, value, cell = row.value("field"), row.value("value"), row.cell("value") or row.first
        if name is None:
            if value is not None:
                builder.problem(
                    row.cell("field") or row.first, "the field is blank; say which field the value is"
                )
            continue
        text = str(name).strip()
        column = fields.get(text)
        if column is None:
            hint = did_you_mean(text, fields)
            builder.problem(
                row.cell("field") or row.first,
                f"unknown field '{text}' (the {layout.fields.name} sheet has {', '.join(fields)}){hint}",
            )
            continue
        if text in seen:
            builder.problem(
                row.cell("field") or row.first,
                f"the field '{text}' is given twice (first at {seen[text]}); give it once",
            )
            continue
        seen[text] = row.cell("field") or row.first
        builder.mark(column.path, cell)
        if value is not None:
            converted, ok = convert(column, value, cell, builder)
            if ok:
                builder.set(column.path, converted, Given(cell, text))


def _read_table(sheet: Sheet, grid: Grid, builder: Builder, index: Index) -> None:
    headers = [column.header for column in sheet.all_columns]
    required = [(key.header, _why(sheet, key.header)) for key in sheet.key_columns]
    if grid.empty:
        header = read_header(grid, headers, [], builder, has_years=sheet.years is not None)
    else:
        header = read_header(grid, headers, required, builder, has_years=sheet.years is not None)
    if header is None:
        return
    if sheet.parent and sheet.parent.sheet not in index and next(grid.data_rows(), None):
        message = f"the rows of the {sheet.name} sheet belong to rows of the {sheet.parent.sheet} sheet, "
        builder.problem(grid.cell(1, 1), message + "which is missing or cannot be read")
        return
    TableReader(sheet, grid, header, builder, index).read()


def _why(sheet: Sheet, header: str) -> str:
    if sheet.parent and any(key.header == header for key in sheet.parent.keys):
        return f"names the {sheet.parent.sheet} row each row belongs to"
    return "says where each row goes"
