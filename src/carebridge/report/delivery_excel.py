"""The delivery pack as an Excel workbook: an About sheet, then one sheet per table, numbers kept as
numbers (``#,##0;(#,##0)`` for £'000 and activity, ``0.0%`` for ratios), RAG statuses coloured, and text
always written as text (:func:`carebridge.report.excel.write_cell`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from carebridge.delivery.pack import ColumnKind, PackTable
from carebridge.report.excel import new_workbook, sheet_names, write_cell
from carebridge.report.spc_icons import spc_fill

FORMATS: dict[ColumnKind, str] = {
    "money": "#,##0;(#,##0)",
    "activity": "#,##0;(#,##0)",
    "count": "#,##0",
    "ratio": "0.0%",
}
RAG_FILLS = {"green": "D7F0DD", "amber": "FDEBC8", "red": "FBD5D5", "none": "ECEFF3"}
HEADER_ROW = 4


def write_workbook(path: Path, about: Sequence[tuple[str, str]], tables: Sequence[PackTable]) -> Path:
    """Write the workbook to ``path`` and return it."""
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = new_workbook()
    sheet = workbook.create_sheet("About")
    write_cell(sheet, 1, 1, "CareBridge delivery pack").font = Font(bold=True, size=14)
    for line, (key, fact) in enumerate(about, start=2):
        write_cell(sheet, line, 1, key)
        write_cell(sheet, line, 2, fact)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90
    names = sheet_names([table.sheet or table.title for table in tables], reserved=("About",))
    for table, name in zip(tables, names, strict=True):
        sheet = workbook.create_sheet(name)
        write_cell(sheet, 1, 1, table.title).font = Font(bold=True, size=13)
        write_cell(sheet, 2, 1, table.subtitle).alignment = Alignment(wrap_text=False)
        if table.note:
            write_cell(sheet, 3, 1, table.note).font = Font(italic=True)
        for index, column in enumerate(table.columns, start=1):
            header = write_cell(sheet, HEADER_ROW, index, column.header)
            header.font = Font(bold=True)
            header.fill = PatternFill("solid", fgColor="EEF2F6")
            width = 44 if index == 1 or column.kind == "text" else 14
            sheet.column_dimensions[header.column_letter].width = width
        for offset, row in enumerate(table.rows, start=1):
            for index, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
                empty = value is None or (isinstance(value, float) and math.isnan(value))
                cell = write_cell(sheet, HEADER_ROW + offset, index, None if empty else value)
                if column.kind in FORMATS:
                    cell.number_format = FORMATS[column.kind]
                if column.kind == "status" and isinstance(value, str):
                    cell.fill = PatternFill("solid", fgColor=RAG_FILLS.get(value, RAG_FILLS["none"]))
                if column.kind in ("variation", "assurance") and value:
                    cell.fill = PatternFill("solid", fgColor=spc_fill(str(value)))
                if row and row[0] == "Total":
                    cell.font = Font(bold=True)
        sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    workbook.save(path)
    return path
