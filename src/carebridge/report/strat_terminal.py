"""The headline tables of a stratification in the terminal (Rich), disclosure control applied."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from carebridge.report.strat_tables import OutputTable
from carebridge.strat.disclosure import SUPPRESSED, DisclosureRule

HEADLINES = ("summary", "cohort", "concentration", "neighbourhoods")


def _cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return SUPPRESSED
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) >= 100 else f"{value:,.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def rich_table(table: OutputTable) -> Table:
    shown = Table(title=table.title, title_justify="left")
    for column in table.frame.columns:
        shown.add_column(str(column), justify="left" if table.frame[column].dtype == object else "right")
    for row in table.frame.itertuples(index=False):
        shown.add_row(*(_cell(value) for value in row))
    return shown


def print_headlines(tables: list[OutputTable], rule: DisclosureRule, console: Console) -> None:
    for table in tables:
        if table.name in HEADLINES:
            console.print(rich_table(table))
    console.print(rule.statement())
