"""Tables in the terminal as Rich tables: £'000, savings in brackets, numbers right-aligned, totals bold;
names wrap at their spaces rather than being cut, also in a pipe (where Rich draws 80 columns).

Rich is imported when a table is drawn, not with the module: ``carebridge run --quiet`` writes the report
without starting it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from carebridge.report.numbers import format_number
from carebridge.report.table import FormattedTable

if TYPE_CHECKING:
    from rich.table import Table

LONGEST_WORD = 24
"""The widest the label column is held open for its longest word; a longer word folds."""


def rich_table(table: FormattedTable) -> Table:
    """A formatted table as a Rich table: title and unit above, section headings and totals bold."""
    from rich.table import Table
    from rich.text import Text

    drawn = Table(
        title=f"{table.title} ({table.unit})",
        title_justify="left",
        title_style="bold",
        header_style="bold",
    )
    words = [
        word for text in (table.label_header, *(row.label for row in table.rows)) for word in text.split()
    ]
    # a name wraps at its spaces but no word is cut, whatever the width (80 columns in a pipe)
    drawn.add_column(
        table.label_header,
        justify="left",
        no_wrap=False,
        overflow="fold",
        min_width=min(max((len(word) for word in words), default=1), LONGEST_WORD),
    )
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
