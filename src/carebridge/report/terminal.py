"""Headline figures in the terminal as Rich tables: the do-nothing gap and do-something position by
organisation and for the system, the statement's net saving on the tariff and cost basis, and the system
bridge for the bridge year. £'000, savings in brackets, numbers right-aligned, totals bold."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from carebridge.engine.results import Results
from carebridge.report.formatted import (
    FormattedTable,
    do_nothing_gap,
    do_something_position,
    format_number,
    statement_net,
    system_bridge,
)


def print_headlines(results: Results, console: Console) -> None:
    """Print the headline tables of a run to ``console``."""
    for table in headline_tables(results):
        console.print(rich_table(table))


def headline_tables(results: Results) -> list[FormattedTable]:
    """The formatted tables the terminal shows (Stockport Tables 1 and 3, the net line of Tables 6 and 8,
    and the bridge)."""
    return [
        do_nothing_gap(results),
        do_something_position(results),
        statement_net(results),
        system_bridge(results),
    ]


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
