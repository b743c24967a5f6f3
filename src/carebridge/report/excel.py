"""The report as an Excel workbook: an About sheet (provenance), one sheet per formatted table, and an Inputs
sheet listing every input of the scenario. openpyxl is imported only when a workbook is written."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carebridge.engine.results import Results
from carebridge.report import Provenance
from carebridge.report.formatted import FormattedTable, NumberKind, Row, all_tables

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

NUMBER_FORMATS: dict[NumberKind, str] = {
    "money": "#,##0;(#,##0)",
    "activity": "#,##0;(#,##0)",
    "percent": "0.0%",
}
SHEET_NAME_LENGTH = 31
FIRST_HEADER_ROW = 4
LABEL_WIDTH = (18, 60)
VALUE_WIDTH = 11
FLAG_FILL = "FDE2E1"
FLAG_FONT = "9C0006"
HEADING_FILL = "EEF2F6"

InputLeaf = tuple[str, str | float | bool, bool]


def write_excel(
    results: Results,
    path: Path,
    provenance: Provenance,
    tables: Sequence[FormattedTable] | None = None,
) -> Path:
    """Write the workbook to ``path`` and return it; ``tables`` defaults to :func:`all_tables`."""
    from openpyxl import Workbook

    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    _write_about(about, results, provenance)
    chosen = all_tables(results) if tables is None else tables
    add_table_sheets(workbook, chosen, reserved=("About", "Inputs"))
    _write_inputs(workbook.create_sheet("Inputs"), results)
    workbook.save(path)
    return path


def add_table_sheets(workbook: Any, tables: Sequence[FormattedTable], reserved: Sequence[str] = ()) -> None:
    """One sheet per formatted table, named from its short title (unique, avoiding ``reserved`` names)."""
    names = sheet_names([table.short_title for table in tables], reserved=reserved)
    for table, name in zip(tables, names, strict=True):
        _write_table(workbook.create_sheet(name), table)


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


def _write_table(sheet: Worksheet, table: FormattedTable) -> None:
    """Title and unit above, header rows (column groups, then years), then the rows; panes frozen below the
    header and right of the labels."""
    from openpyxl.styles import Alignment, Font

    sheet["A1"] = table.title
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = table.subtitle
    sheet["A2"].font = Font(italic=True, color="555555")
    header_row = FIRST_HEADER_ROW + (1 if table.grouped else 0)
    if table.grouped:
        _write_groups(sheet, table)
    sheet.cell(header_row, 1, table.label_header).font = Font(bold=True)
    for index, column in enumerate(table.columns, start=2):
        cell = sheet.cell(header_row, index, column.header)
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
        cell = sheet.cell(FIRST_HEADER_ROW, first + 2, group)
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
    label = sheet.cell(excel_row, 1, row.label)
    label.font = Font(bold=bold, italic=row.kind == "heading")
    if row.kind == "heading":
        for column in range(1, len(table.columns) + 2):
            sheet.cell(excel_row, column).fill = PatternFill("solid", fgColor=HEADING_FILL)
        return
    top = Border(top=Side(style="thin")) if row.kind == "total" else None
    for index, value in enumerate(row.values):
        cell = sheet.cell(excel_row, index + 2, value)
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


def _write_about(sheet: Worksheet, results: Results, provenance: Provenance) -> None:
    from openpyxl.styles import Font

    scenario = results.scenario
    sheet["A1"] = "CareBridge report"
    sheet["A1"].font = Font(bold=True, size=13)
    facts = [
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
    for row, (name, value) in enumerate(facts, start=3):
        sheet.cell(row, 1, name).font = Font(bold=True)
        sheet.cell(row, 2, value)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100


def _write_inputs(sheet: Worksheet, results: Results) -> None:
    """One row per leaf input: its field path, its value, and whether the file gave it or it is a default."""
    from openpyxl.styles import Font

    sheet.append(["Input", "Value", "Given"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for path, value, given in input_leaves(results):
        sheet.append([path, value, "file" if given else "default"])
    sheet.freeze_panes = "B2"
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
