"""The delivery pack as an Excel workbook: an About sheet, then one sheet per table, numbers kept as
numbers (``#,##0;(#,##0)`` for £'000 and activity, ``0.0%`` for ratios), RAG statuses coloured, text always
written as text (:func:`carebridge.report.excel.write_cell`), a Total line's money as ``=SUM(...)`` of the
lines above it when that is its value, and every sheet printed as a page of the board pack
(:func:`carebridge.report.excel.print_as_pack`: A4 landscape, one page wide, the header row on every page,
the plan in the page header, the source and page numbers in the footer)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from carebridge.delivery.pack import Cell, ColumnKind, PackTable
from carebridge.report.excel import (
    PrintSetup,
    new_workbook,
    print_as_pack,
    save_workbook,
    sheet_names,
    write_cell,
    write_formula,
)
from carebridge.report.spc_icons import spc_fill

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMATS: dict[ColumnKind, str] = {
    "money": "#,##0;(#,##0)",
    "activity": "#,##0;(#,##0)",
    "count": "#,##0",
    "ratio": "0.0%",
}
ADDED: tuple[ColumnKind, ...] = ("money", "activity", "count")
RAG_FILLS = {"green": "D7F0DD", "amber": "FDEBC8", "red": "FBD5D5", "none": "ECEFF3"}
HEADER_ROW = 4
TEXT_WIDTH = (14, 44)
NUMBER_WIDTH = 14
LINE_HEIGHT = 15


def write_workbook(path: Path, about: Sequence[tuple[str, str]], tables: Sequence[PackTable]) -> Path:
    """Write the workbook to ``path`` and return it."""
    from openpyxl.styles import Alignment, Font

    setup = _setup(about)
    workbook = new_workbook()
    sheet = workbook.create_sheet("About")
    write_cell(sheet, 1, 1, "CareBridge delivery pack").font = Font(bold=True, size=14)
    for line, (key, fact) in enumerate(about, start=2):
        write_cell(sheet, line, 1, key)
        write_cell(sheet, line, 2, fact).alignment = Alignment(wrap_text=len(fact) > 90, vertical="top")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90
    print_as_pack(sheet, setup)
    names = sheet_names([table.sheet or table.title for table in tables], reserved=("About",))
    for table, name in zip(tables, names, strict=True):
        _write_table(workbook.create_sheet(name), table, setup)
    return save_workbook(workbook, path)


def _setup(about: Sequence[tuple[str, str]]) -> PrintSetup:
    """The page header names the plan and the month; the footer the scenario (its SHA-256 when the facts
    give it)."""
    facts = dict(about)
    title = " — ".join(part for part in (facts.get("Plan", ""), facts.get("Month", "")) if part)
    digest = next((value for key, value in about if "SHA-256" in key), "")
    source = f"Scenario SHA-256 {digest[:12]}" if digest else facts.get("Scenario", "")
    return PrintSetup(f"Delivery pack: {title}" if title else "Delivery pack", source)


def _write_table(sheet: Worksheet, table: PackTable, setup: PrintSetup) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    widths = [_width(table, index) for index in range(len(table.columns))]
    write_cell(sheet, 1, 1, table.title).font = Font(bold=True, size=13)
    write_cell(sheet, 2, 1, table.subtitle)
    if table.note:
        write_cell(sheet, 3, 1, table.note).font = Font(italic=True)
    for line, text in ((2, table.subtitle), (3, table.note)):
        _wrap_across(sheet, line, text, widths)
    for index, column in enumerate(table.columns, start=1):
        header = write_cell(sheet, HEADER_ROW, index, column.header)
        header.font = Font(bold=True)
        header.fill = PatternFill("solid", fgColor="EEF2F6")
        header.alignment = Alignment(wrap_text=True, vertical="bottom", indent=1 if index > 1 else 0)
        sheet.column_dimensions[header.column_letter].width = widths[index - 1]
    heading = max(
        (_lines(column.header, width) for column, width in zip(table.columns, widths, strict=True)), default=1
    )
    if heading > 1:
        sheet.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * heading
    for offset, row in enumerate(table.rows, start=1):
        excel_row = HEADER_ROW + offset
        height = 1
        for index, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            empty = value is None or (isinstance(value, float) and math.isnan(value))
            cell = write_cell(sheet, excel_row, index, None if empty else value)
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
            if column.kind == "status" and isinstance(value, str):
                cell.fill = PatternFill("solid", fgColor=RAG_FILLS.get(value, RAG_FILLS["none"]))
            if column.kind in ("variation", "assurance") and value:
                cell.fill = PatternFill("solid", fgColor=spc_fill(str(value)))
            if row and row[0] == "Total":
                cell.font = Font(bold=True)
            wrap = isinstance(value, str) and len(value) > widths[index - 1]
            indent = 1 if index > 1 and not isinstance(value, int | float) else 0
            cell.alignment = Alignment(wrap_text=wrap, vertical="top", indent=indent)
            if wrap:
                height = max(height, _lines(str(value), widths[index - 1]))
        if height > 1:
            sheet.row_dimensions[excel_row].height = LINE_HEIGHT * height
    _write_totals(sheet, table)
    sheet.freeze_panes = f"B{HEADER_ROW + 1}"
    print_as_pack(sheet, setup, (HEADER_ROW, HEADER_ROW))


def _write_totals(sheet: Worksheet, table: PackTable) -> None:
    """A Total line's money, activity and counts as ``=SUM(...)`` of the lines above it, where that sum is
    the line's value (to a millionth); other cells (a ratio of totals) stay numbers."""
    from openpyxl.utils import get_column_letter

    for offset, row in enumerate(table.rows):
        if not row or row[0] != "Total" or offset == 0:
            continue
        for index, column in enumerate(table.columns):
            value = row[index]
            if column.kind not in ADDED or not _number(value):
                continue
            above = sum(_number(line[index]) or 0.0 for line in table.rows[:offset])
            if abs(above - float(value or 0.0)) <= 1e-6 * max(1.0, abs(float(value or 0.0))):
                letter = get_column_letter(index + 1)
                first, last = HEADER_ROW + 1, HEADER_ROW + offset
                write_formula(
                    sheet, HEADER_ROW + 1 + offset, index + 1, f"=SUM({letter}{first}:{letter}{last})"
                )


def _number(value: Cell) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


def _width(table: PackTable, index: int) -> int:
    """A text column as wide as its longest text (within :data:`TEXT_WIDTH`); a number column
    :data:`NUMBER_WIDTH`, or its header's width."""
    column = table.columns[index]
    if index == 0 or column.kind == "text":
        longest = max(
            [len(column.header), *(len(str(row[index])) for row in table.rows if row[index] is not None)]
        )
        return min(max(longest + 2, TEXT_WIDTH[0]), TEXT_WIDTH[1])
    return max(NUMBER_WIDTH, min(len(column.header), 24) // 2 + 2)


def _wrap_across(sheet: Worksheet, row: int, text: str, widths: Sequence[int]) -> None:
    """A line of text above the table merged across its columns and wrapped, when longer than the table."""
    from openpyxl.styles import Alignment

    lines = _lines(text, sum(widths))
    if text and lines > 1 and len(widths) > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines


def _lines(text: str, width: int) -> int:
    return max(1, -(-len(text) // max(1, int(width * 1.15))))
