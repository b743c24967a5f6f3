"""The programme in the terminal and on paper: the plan on a page, the programme oversight report (RAG of
progress, confidence and assurance by workstream and month, the latest returns, critical decisions,
milestones) and the resourcing. Every table is a :class:`~carebridge.delivery.pack.PackTable` built by
:mod:`carebridge.delivery.programme_pack`; the page and the workbook are drawn as the delivery pack's are, and
the delivery pack takes :func:`programme_section` as its last page."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from carebridge.delivery.pack import PackTable
from carebridge.report.delivery_excel import write_workbook
from carebridge.report.delivery_page import Page, Section, render_page
from carebridge.report.numbers import format_cell

STYLES = {"green": "bold green", "amber": "bold yellow", "red": "bold red", "none": "dim"}
SHORT = {"green": "G", "amber": "A", "red": "R", "none": "·"}
LONGEST_WORD = 24


def rich_pack_table(table: PackTable, compact: bool = False) -> Table:
    """A pack table in the terminal: money in £'000 with savings in brackets, RAG cells coloured (``G``,
    ``A``, ``R`` when ``compact``, for the grid by month), names wrapping at their spaces."""
    drawn = Table(
        title=table.title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        caption=table.note or None,
    )
    for index, column in enumerate(table.columns):
        numeric = column.kind in ("money", "activity", "ratio", "count")
        words = [w for row in table.rows for w in str(row[index] or "").split()] + column.header.split()
        drawn.add_column(
            column.header,
            justify="right" if numeric else "left",
            no_wrap=numeric or (compact and column.kind == "status"),
            overflow="fold",
            min_width=None if numeric else min(max((len(w) for w in words), default=1), LONGEST_WORD),
        )
    for row in table.rows:
        cells: list[Text | str] = []
        for value, column in zip(row, table.columns, strict=True):
            if column.kind == "status":
                word = str(value or "none")
                shown = SHORT.get(word, word) if compact else ("" if word == "none" else word.upper())
                cells.append(Text(shown, style=STYLES.get(word, "")))
            else:
                cells.append(format_cell(value, column.kind))
        style = "bold" if row and row[0] in ("Total", "Confirmed total") else ""
        drawn.add_row(*cells, style=style)
    return drawn


def print_tables(tables: Sequence[PackTable], console: Console) -> None:
    for table in tables:
        console.print(rich_pack_table(table, compact=table.id == "programme-oversight"))


def programme_section(tables: Sequence[PackTable]) -> Section:
    """The delivery pack's last page: the programme oversight report."""
    return Section(
        "programme",
        "Programme oversight",
        tables,
        intro="The monthly gateway returns of each workstream — progress against plan, delivery confidence, "
        "assurance level — its critical decisions and milestones.",
    )


def write_programme_report(
    name: str, month: str, tables: Sequence[PackTable], folder: Path, facts: Sequence[tuple[str, str]] = ()
) -> list[Path]:
    """``programme-<month>.html`` and ``.xlsx``: the programme oversight report on its own."""
    stem = f"programme-{month.replace('/', '-')}"
    about = [("Programme", name), ("Month", month), *facts]
    page = Page(
        f"Programme oversight {month}: {name}",
        "For the programme board: each workstream's gateway returns, the critical decisions and the "
        "milestones.",
        about,
        [programme_section(tables)],
    )
    folder.mkdir(parents=True, exist_ok=True)
    html = _atomic(folder / f"{stem}.html", lambda p: p.write_text(render_page(page), encoding="utf-8"))
    workbook = _atomic(folder / f"{stem}.xlsx", lambda p: write_workbook(p, about, tables))
    return [html, workbook]


def _atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Write through a temporary file in the same folder, then move it into place."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    staged = Path(temporary)
    try:
        write(staged)
        staged.replace(path)
    finally:
        staged.unlink(missing_ok=True)
    return path
