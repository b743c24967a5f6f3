"""Write a scenario's plain data as a workbook: Instructions, Scenario, then one table sheet per section.

Every text is written as text, never a formula (:func:`carebridge.workbooks.append_row`): a scheme named
``=HYPERLINK(…)`` stays its name. Each table sheet is an Excel table (``tblPODs``) with a note on every
header saying what the column holds, drop-down lists for the words a column allows and for the ids of other
sheets, and the year columns of the scenario (plus any other year the data uses). A blank template is the
same workbook with no rows.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from carebridge.scenario.distributions import is_distribution
from carebridge.scenario.excel.books import PROGRAMME_BOOK, SCENARIO_BOOK
from carebridge.scenario.excel.cells import YEAR_LABEL, column_letter, write_cell
from carebridge.scenario.excel.instructions import write_instructions
from carebridge.scenario.excel.layout import EVERY_YEAR, Book, Column, FieldsSheet, Sheet
from carebridge.scenario.excel.rows import OutRow, cell_value, get, sheet_rows
from carebridge.scenario.excel.schema_docs import describe
from carebridge.scenario.schema import FORMAT_VERSION
from carebridge.scenario.years import YearError, YearRange, parse_year
from carebridge.workbooks import append_row

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

VALIDATED_ROWS = 1000
"""Rows below the header that get the drop-down lists (more if the data has more)."""
HEADER_FILL = "1F4E78"
TABLE_STYLE = "TableStyleMedium2"
ID_WIDTH = (10, 40)
TEXT_KINDS = ("year", "label")
"""Columns formatted as text, so that Excel keeps ``2017/18`` or ``5-9`` as typed, not a date."""


def write_workbook(data: Mapping[str, Any], path: pathlib.Path, layout: Book = SCENARIO_BOOK) -> pathlib.Path:
    """Write the scenario ``data`` (plain dicts and lists, as YAML gives) as a workbook at ``path``; or,
    with another ``layout``, the data of another kind of file (a programme)."""
    from openpyxl import Workbook

    book = Workbook()
    instructions = book.active
    instructions.title = layout.instructions
    write_instructions(instructions, layout)
    years = _scenario_years(data)
    _write_fields(book.create_sheet(layout.fields.name), data, layout.fields)
    for sheet in layout.sheets:
        rows = sheet_rows(sheet, data, layout)
        _write_table(book.create_sheet(sheet.name), sheet, rows, years, layout)
    book.save(path)
    return path


def write_template(path: pathlib.Path, base_year: str, end_year: str) -> pathlib.Path:
    """Write a blank scenario workbook whose year columns run from ``base_year`` to ``end_year``."""
    return write_workbook(
        {"format_version": FORMAT_VERSION, "base_year": base_year, "end_year": end_year}, path
    )


def write_programme_template(path: pathlib.Path) -> pathlib.Path:
    """Write a blank programme workbook (objectives, programmes, workstreams, decisions, resourcing)."""
    return write_workbook({}, path, PROGRAMME_BOOK)


def _scenario_years(data: Mapping[str, Any]) -> list[str]:
    try:
        return YearRange.from_labels(data.get("base_year", ""), data.get("end_year", "")).labels
    except YearError:
        return []


def _year_columns(years: Sequence[str], rows: Sequence[OutRow]) -> list[str]:
    """The scenario's years and every other year a row's map uses, in order."""
    used = {label for row in rows if isinstance(row.years, Mapping) for label in row.years}
    labels = set(years) | {label for label in used if isinstance(label, str) and YEAR_LABEL.match(label)}
    return sorted(labels, key=parse_year)


# --- the Scenario sheet ------------------------------------------------------------------------------------


def _write_fields(worksheet: Worksheet, data: Mapping[str, Any], fields: FieldsSheet) -> None:
    from openpyxl.worksheet.table import Table

    append_row(worksheet, ["field", "value", "about"])
    for number, column in enumerate(fields.fields, start=2):
        about = column.about or describe(fields.model, column.path)
        append_row(worksheet, [column.header, cell_value(column, get(data, column.path)), about])
        if column.kind in TEXT_KINDS:
            worksheet.cell(number, 2).number_format = "@"
    _style_header(worksheet, 3)
    _widths(worksheet, {1: 30, 2: 40, 3: 100})
    worksheet.add_table(Table(displayName=f"tbl{fields.name}", ref=f"A1:C{len(fields.fields) + 1}"))
    _table_style(worksheet)
    worksheet.freeze_panes = "A2"


# --- table sheets ------------------------------------------------------------------------------------------


def _write_table(
    worksheet: Worksheet, sheet: Sheet, rows: Sequence[OutRow], years: Sequence[str], layout: Book
) -> None:
    from openpyxl.worksheet.table import Table

    columns = sheet.all_columns
    labels = _year_columns(years, rows) if sheet.years else []
    headers = [column.header for column in columns] + ([EVERY_YEAR, *labels] if sheet.years else [])
    append_row(worksheet, headers)
    for row in rows:
        cells = [row.cells.get(column.header) for column in columns] + _year_cells(row.years, labels, sheet)
        append_row(worksheet, [write_cell(value) for value in cells])
    last = max(len(rows) + 1, 2)
    worksheet.add_table(Table(displayName=f"tbl{sheet.name}", ref=f"A1:{column_letter(len(headers))}{last}"))
    _table_style(worksheet)
    _style_header(worksheet, len(headers))
    _notes(worksheet, sheet, columns, labels)
    _validations(worksheet, columns, max(VALIDATED_ROWS, len(rows)) + 1, layout)
    widths = {
        number: _width([column.header, *(row.cells.get(column.header) for row in rows)])
        for number, column in enumerate(columns, start=1)
    }
    _widths(worksheet, widths)
    worksheet.freeze_panes = "B2"


def _year_cells(value: object, labels: Sequence[str], sheet: Sheet) -> list[object]:
    if sheet.years is None:
        return []
    if isinstance(value, Mapping) and not is_distribution(value):
        return [None, *(value.get(label) for label in labels)]
    return [value, *(None for _ in labels)]


def _notes(worksheet: Worksheet, sheet: Sheet, columns: Sequence[Column], labels: Sequence[str]) -> None:
    """A note on each header saying what the column holds (from the schema unless the layout says)."""
    from openpyxl.comments import Comment

    for number, column in enumerate(columns, start=1):
        text = column.about or describe(sheet.model, column.path) or column.header
        if column.choices:
            text += f"\nOne of: {', '.join(column.choices)}."
        worksheet.cell(1, number).comment = _comment(Comment, text)
    if sheet.years is not None:
        about = sheet.years.about or "The value by year."
        every = f"{about}\nOne number here is the value in every year; or leave it blank and fill the years."
        worksheet.cell(1, len(columns) + 1).comment = _comment(Comment, every)
        for offset, label in enumerate(labels, start=2):
            text = f"{about}\nThe value in {label}. Years left blank are filled as the Instructions say."
            worksheet.cell(1, len(columns) + offset).comment = _comment(Comment, text)


def _comment(comment: Any, text: str) -> Any:
    note = comment(text, "CareBridge")
    note.width, note.height = 320, 40 + 15 * (len(text) // 45 + text.count("\n"))
    return note


def _validations(worksheet: Worksheet, columns: Sequence[Column], last_row: int, layout: Book) -> None:
    """Drop-down lists: the words a column allows (others refused), the ids of another sheet (others
    allowed with a warning: ``other``, ``system`` and ``all`` are ids too), TRUE or FALSE."""
    from openpyxl.worksheet.datavalidation import DataValidation

    for number, column in enumerate(columns, start=1):
        letter = column_letter(number)
        if column.choices:
            rule = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
            )
            rule.error = f"Choose one of: {', '.join(column.choices)}."
        elif column.kind == "flag":
            rule = DataValidation(type="list", formula1='"TRUE,FALSE"', allow_blank=True)
        elif column.ids_from:
            source = _id_range(layout.sheet(column.ids_from))
            rule = DataValidation(type="list", formula1=source, allow_blank=True, errorStyle="warning")
            rule.error = f"Not an id on the {column.ids_from} sheet (yet)."
        else:
            if column.kind in TEXT_KINDS:
                worksheet.column_dimensions[letter].number_format = "@"
            continue
        rule.showErrorMessage = True
        worksheet.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{last_row}")


def _id_range(sheet: Sheet) -> str:
    """The range holding the ids of ``sheet``, for a drop-down list."""
    headers = [column.header for column in sheet.all_columns]
    letter = column_letter(headers.index(sheet.id_header or "id") + 1)
    return f"{sheet.name}!${letter}$2:${letter}${VALIDATED_ROWS + 1}"


# --- looks -------------------------------------------------------------------------------------------------


def _style_header(worksheet: Worksheet, count: int) -> None:
    from openpyxl.styles import Font

    for number in range(1, count + 1):
        worksheet.cell(1, number).font = Font(bold=True)


def _table_style(worksheet: Worksheet) -> None:
    from openpyxl.worksheet.table import TableStyleInfo

    for table in worksheet.tables.values():
        table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)


def _width(values: Iterable[object]) -> int:
    """A column's width: its longest value, within :data:`ID_WIDTH`."""
    lengths = [len(str(value)) + 2 for value in values if value is not None]
    return min(max([ID_WIDTH[0], *lengths]), ID_WIDTH[1])


def _widths(worksheet: Worksheet, widths: Mapping[int, int]) -> None:
    for number, width in widths.items():
        worksheet.column_dimensions[column_letter(number)].width = width
