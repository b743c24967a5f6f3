"""The one Excel writer of every workbook the reports write (the run report, the appraisal, the
prioritisation, comparisons, the delivery pack): sheet names, cells, tables, facts and records.

Every value goes through :func:`write_cell`, which writes text as text, always: a scheme name or a risk
title that starts with ``=``, ``+``, ``-`` or ``@`` stays a string (never a live formula). openpyxl is
imported only when a workbook is written, so importing this module stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carebridge.engine.results import Results
from carebridge.report.numbers import NumberKind
from carebridge.report.provenance import Provenance
from carebridge.report.table import FormattedTable, Row
from carebridge.workbooks import keep_text

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

NUMBER_FORMATS: dict[NumberKind, str] = {
    "money": "#,##0;(#,##0)",
    "activity": "#,##0;(#,##0)",
    "percent": "0.0%",
    "count": "#,##0",
    "ratio": "0.00",
}
SHEET_NAME_LENGTH = 31
FIRST_HEADER_ROW = 4
LABEL_WIDTH = (18, 60)
VALUE_WIDTH = 11
FLAG_FILL = "FDE2E1"
FLAG_FONT = "9C0006"
HEADING_FILL = "EEF2F6"

InputLeaf = tuple[str, str | float | bool, bool]
CellValue = str | float | int | bool | None


def new_workbook() -> Workbook:
    """An empty workbook (its default sheet removed)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def write_cell(sheet: Worksheet, row: int, column: int, value: CellValue) -> Cell:
    """Put ``value`` in a cell: numbers as numbers, text as text, never a formula
    (:func:`carebridge.workbooks.keep_text`)."""
    cell = sheet.cell(row, column)
    cell.value = value
    return keep_text(cell)


def sheet_names(titles: Sequence[str], reserved: Sequence[str] = ()) -> list[str]:
    """Excel sheet names for ``titles``: characters Excel refuses (``[]:*?/\\``) become ``-``, at most 31
    characters, unique (case-insensitively, as Excel compares them) with a ``(2)`` suffix when needed."""
    taken = {name.lower() for name in reserved}
    names = []
    for title in titles:
        base = re.sub(r"[\[\]:*?/\\]", "-", title).strip("'") or "Table"
        name = base[:SHEET_NAME_LENGTH]
        count = 1
        while name.lower() in taken:
            count += 1
            suffix = f" ({count})"
            name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        taken.add(name.lower())
        names.append(name)
    return names


def write_facts(
    sheet: Worksheet, title: str, facts: Sequence[tuple[str, str]], widths: tuple[int, int] = (22, 100)
) -> None:
    """A sheet of facts (an About sheet): the title in bold, then one fact a row, its name in bold."""
    from openpyxl.styles import Font

    write_cell(sheet, 1, 1, title).font = Font(bold=True, size=13)
    for row, (name, value) in enumerate(facts, start=3):
        write_cell(sheet, row, 1, name).font = Font(bold=True)
        write_cell(sheet, row, 2, value)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = widths


def write_records(sheet: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[CellValue]]) -> None:
    """A header row in bold, then one row per record, panes frozen below the header."""
    from openpyxl.styles import Font

    for column, header in enumerate(headers, start=1):
        write_cell(sheet, 1, column, header).font = Font(bold=True)
    for row, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            write_cell(sheet, row, column, value)
    sheet.freeze_panes = "B2"


# ---- formatted tables -------------------------------------------------------------------------------------


def add_table_sheets(workbook: Any, tables: Sequence[FormattedTable], reserved: Sequence[str] = ()) -> None:
    """One sheet per formatted table, named from its short title (unique, avoiding ``reserved`` names)."""
    names = sheet_names([table.short_title for table in tables], reserved=reserved)
    for table, name in zip(tables, names, strict=True):
        write_table(workbook.create_sheet(name), table)


def write_table(sheet: Worksheet, table: FormattedTable) -> None:
    """Title and unit above, header rows (column groups, then years), then the rows; panes frozen below the
    header and right of the labels."""
    from openpyxl.styles import Alignment, Font

    write_cell(sheet, 1, 1, table.title).font = Font(bold=True, size=13)
    write_cell(sheet, 2, 1, table.subtitle).font = Font(italic=True, color="555555")
    header_row = FIRST_HEADER_ROW + (1 if table.grouped else 0)
    if table.grouped:
        _write_groups(sheet, table)
    write_cell(sheet, header_row, 1, table.label_header).font = Font(bold=True)
    for index, column in enumerate(table.columns, start=2):
        cell = write_cell(sheet, header_row, index, column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="right")
    for offset, row in enumerate(table.rows, start=1):
        _write_row(sheet, table, header_row + offset, row)
    sheet.freeze_panes = sheet.cell(header_row + 1, 2)
    _set_widths(sheet, table)


def _write_groups(sheet: Worksheet, table: FormattedTable) -> None:
    """One merged, centred cell per run of columns under the same group."""
    from openpyxl.styles import Alignment, Font

    for group, first, span in table.column_groups():
        cell = write_cell(sheet, FIRST_HEADER_ROW, first + 2, group)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        if span > 1:
            sheet.merge_cells(
                start_row=FIRST_HEADER_ROW,
                start_column=first + 2,
                end_row=FIRST_HEADER_ROW,
                end_column=first + span + 1,
            )


def _write_row(sheet: Worksheet, table: FormattedTable, excel_row: int, row: Row) -> None:
    """A line: bold for totals (with a rule above) and headings (shaded); flagged cells red."""
    from openpyxl.styles import Border, Font, PatternFill, Side

    bold = row.kind in ("total", "heading")
    label = write_cell(sheet, excel_row, 1, row.label)
    label.font = Font(bold=bold, italic=row.kind == "heading")
    if row.kind == "heading":
        for column in range(1, len(table.columns) + 2):
            sheet.cell(excel_row, column).fill = PatternFill("solid", fgColor=HEADING_FILL)
        return
    top = Border(top=Side(style="thin")) if row.kind == "total" else None
    for index, value in enumerate(row.values):
        cell = write_cell(sheet, excel_row, index + 2, value)
        cell.number_format = NUMBER_FORMATS[table.number_kind(row, index)]
        flagged = row.flagged(index)
        cell.font = Font(bold=bold, color=FLAG_FONT if flagged else None)
        if flagged:
            cell.fill = PatternFill("solid", fgColor=FLAG_FILL)
        if top is not None:
            cell.border = top
    if top is not None:
        label.border = top


def _set_widths(sheet: Worksheet, table: FormattedTable) -> None:
    from openpyxl.utils import get_column_letter

    longest = max([len(table.label_header), *(len(row.label) for row in table.rows)])
    sheet.column_dimensions["A"].width = min(max(longest + 2, LABEL_WIDTH[0]), LABEL_WIDTH[1])
    for index, column in enumerate(table.columns, start=2):
        sheet.column_dimensions[get_column_letter(index)].width = max(VALUE_WIDTH, len(column.header) + 2)


# ---- the workbook of a run --------------------------------------------------------------------------------


def write_excel(
    results: Results, path: Path, provenance: Provenance, tables: Sequence[FormattedTable]
) -> Path:
    """The workbook of a run (the report, an appraisal): an About sheet (provenance), one sheet per table,
    and an Inputs sheet listing every input of the scenario. Returns ``path``."""
    workbook = new_workbook()
    write_facts(workbook.create_sheet("About"), "CareBridge report", _about(results, provenance))
    add_table_sheets(workbook, tables, reserved=("About", "Inputs"))
    _write_inputs(workbook.create_sheet("Inputs"), results)
    workbook.save(path)
    return path


def _about(results: Results, provenance: Provenance) -> list[tuple[str, str]]:
    scenario = results.scenario
    return [
        ("Scenario", provenance.scenario_name),
        ("Description", (scenario.description or "").strip()),
        ("Source", scenario.source or ""),
        ("Scenario file", provenance.scenario_file),
        ("SHA-256 of the file", provenance.sha256),
        ("CareBridge version", provenance.carebridge_version),
        ("Generated at", provenance.generated_at),
        ("Years", f"{results.years[0]} to {results.years[-1]}"),
        ("Signs", "Savings, funding and activity removed are negative, in brackets; money in £'000."),
    ]


def _write_inputs(sheet: Worksheet, results: Results) -> None:
    """One row per leaf input: its field path, its value, and whether the file gave it or it is a default."""
    rows = [(path, value, "file" if given else "default") for path, value, given in input_leaves(results)]
    write_records(sheet, ["Input", "Value", "Given"], rows)
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 10


def input_leaves(results: Results) -> list[InputLeaf]:
    """Every leaf of the scenario as ``(field path, value, given in the file)``, e.g.
    ``("pods[0].price.2017/18", 91.9, True)``; an empty list or map is one leaf with an empty value."""
    scenario = results.scenario
    given = {path for path, _ in _leaves(scenario.model_dump(mode="json", exclude_unset=True), "")}
    return [
        (path, value, path in given)
        for path, value in _leaves(scenario.model_dump(mode="json", exclude_none=True), "")
    ]


def _leaves(value: Any, path: str) -> Iterator[tuple[str, str | float | bool]]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    elif isinstance(value, bool | int | float | str):
        yield path, value
    else:
        yield path, ""
