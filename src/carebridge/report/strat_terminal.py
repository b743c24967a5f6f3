"""The headline tables of a stratification in the terminal (Rich), disclosure control applied: the same
headers and numbers as the page (:mod:`carebridge.report.strat_tables`), names that wrap at their spaces
rather than being cut, and numbers never broken, whatever the width of the terminal or the pipe (Rich
draws 80 columns into a pipe). The concentration table is printed turned (a column for each top x%), so it
fits 80 columns too."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from carebridge.report.strat_tables import OutputTable, column_look
from carebridge.strat.disclosure import DisclosureRule

HEADLINES = ("summary", "cohort", "concentration", "neighbourhoods")
TURNED = ("concentration",)
"""Tables printed with their rows as columns: few rows, many columns."""


def _table(title: str) -> Table:
    """A table with a rule under its header and one space between columns, so more columns fit."""
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 0), show_edge=False)


def _longest_word(texts: list[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=1)


def _add_column(shown: Table, header: str, cells: list[str], words: bool) -> None:
    """A column of words wraps at its spaces (never inside a word); a column of numbers never wraps."""
    if words:
        shown.add_column(header, justify="left", min_width=_longest_word([header, *cells]))
    else:
        widest = max((len(cell) for cell in cells), default=1)
        shown.add_column(header, justify="right", width=max(widest, _longest_word([header])))


def rich_table(table: OutputTable) -> Table:
    """``table`` as Rich draws it."""
    if table.name in TURNED:
        return turned_table(table)
    columns = table.shown_columns()
    rows = table.rows()
    shown = _table(table.title)
    for index, column in enumerate(columns):
        cells = [row[index] for row in rows]
        _add_column(shown, column_look(column).short_header, cells, table.is_words(column))
    for row in rows:
        shown.add_row(*row)
    return shown


def turned_table(table: OutputTable) -> Table:
    """``table`` with its first column as the header row: a line for each other column, named in full."""
    columns = table.shown_columns()
    rows = table.rows()
    first = column_look(columns[0]).short_header
    shown = _table(table.title)
    lines = [
        [_line_name(column), *(row[index] for row in rows)] for index, column in enumerate(columns) if index
    ]
    _add_column(shown, "", [line[0] for line in lines], words=True)
    for index, row in enumerate(rows, start=1):
        header = first.replace("%", f"{row[0]}%") if "%" in first else f"{first} {row[0]}"
        _add_column(shown, header, [line[index] for line in lines], words=False)
    for line in lines:
        shown.add_row(*line)
    return shown


def _line_name(column: str) -> str:
    """A column's name as a line of a turned table: a share says it is one."""
    look = column_look(column)
    return f"{look.header}, share %" if look.group else look.header


def print_headlines(tables: list[OutputTable], rule: DisclosureRule, console: Console) -> None:
    for table in tables:
        if table.name in HEADLINES:
            console.print(rich_table(table))
            console.print()
    console.print(rule.statement())
