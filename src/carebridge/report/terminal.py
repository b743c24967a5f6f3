"""Tables in the terminal as Rich tables: £'000, savings in brackets, numbers right-aligned, totals bold."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from carebridge.report.numbers import format_number
from carebridge.report.table import FormattedTable


def rich_table(table: FormattedTable) -> Table:
    """A formatted table as a Rich table: title and unit above, section headings and totals bold."""
    drawn = Table(
        title=f"{table.title} ({table.unit})",
        title_justify="left",
        title_style="bold",
        header_style="bold",
    )
    drawn.add_column(table.label_header, justify="left", no_wrap=False)
    for column in table.columns:
        header = f"{column.group}\n{column.header}" if table.grouped else column.header
        drawn.add_column(header, justify="right", no_wrap=True)
    for row in table.rows:
        style = "bold" if row.kind in ("total", "heading") else ""
        if row.kind == "total":
            drawn.add_section()
        cells = [
            format_number(value, table.number_kind(row, index)) for index, value in enumerate(row.values)
        ]
        drawn.add_row(Text(row.label), *(Text(cell) for cell in cells), style=style)
    return drawn
