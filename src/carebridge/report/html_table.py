"""The one HTML table renderer of every report page and of the web app.

Every table is first laid out as an :class:`HtmlTable` (a caption, header rows and body rows of
:class:`Cell`) and drawn by :func:`render_html_table`, so escaping, captions, header scopes and the scrolling
wrapper are written once. The wrapper scrolls sideways on a narrow screen, so it is a named region the
keyboard can reach (``tabindex="0"``). :func:`render_table` lays out a
:class:`~carebridge.report.table.FormattedTable`; :func:`text_table` a grid of text already formatted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from carebridge.report.numbers import format_number
from carebridge.report.table import FormattedTable, Row

STATUSES = ("green", "amber", "red", "none")
DENSE_COLUMNS = 9
"""A table of more columns than this is drawn ``dense`` (narrower padding), so it fits the page's width."""


@dataclass(frozen=True)
class Cell:
    """One cell. A header cell (``<th>``) has a ``scope`` (``col`` in the head, ``row`` in the body unless
    given). ``strong`` is shown bold before ``text``, ``small`` on a second line in small print, and
    ``status`` (green, amber, red or none) as a coloured label after the text."""

    text: str = ""
    header: bool = False
    scope: str = ""
    span: int = 1
    classes: str = ""
    style: str = ""
    title: str = ""
    strong: str = ""
    small: str = ""
    status: str | None = None


@dataclass(frozen=True)
class HtmlRow:
    cells: tuple[Cell, ...]
    classes: str = ""


@dataclass(frozen=True)
class HtmlTable:
    """A table to draw: ``id`` becomes ``table-<id>``; ``note`` is the small line in the caption and
    ``after`` a note printed under the table."""

    caption: str
    head: tuple[tuple[Cell, ...], ...]
    body: tuple[HtmlRow, ...]
    id: str = ""
    note: str = ""
    classes: str = ""
    after: str = ""


def status_label(status: str) -> str:
    """A RAG status as a coloured label: green, amber, red, or "no status"."""
    known = status if status in STATUSES else "none"
    text = "no status" if known == "none" else status.upper()
    return f'<span class="rag rag-{known}">{escape(text)}</span>'


def _attributes(pairs: Sequence[tuple[str, str]]) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in pairs if value)


def _cell(cell: Cell, in_head: bool) -> str:
    tag = "th" if cell.header else "td"
    scope = cell.scope or ("col" if in_head else "row") if cell.header else ""
    attributes = _attributes(
        [
            ("scope", scope),
            ("colspan", str(cell.span) if cell.span > 1 else ""),
            ("class", cell.classes),
            ("style", cell.style),
            ("title", cell.title),
        ]
    )
    inner = f"<strong>{escape(cell.strong)}</strong>" if cell.strong else ""
    inner += escape(cell.text)
    if cell.status is not None:
        inner += status_label(cell.status)
    if cell.small:
        inner += f"<br><small>{escape(cell.small)}</small>"
    return f"<{tag}{attributes}>{inner}</{tag}>"


def render_html_table(table: HtmlTable) -> str:
    """The table as HTML, in its scrolling wrapper."""
    head = "".join(f"<tr>{''.join(_cell(c, True) for c in row)}</tr>" for row in table.head)
    body = "\n".join(
        f"<tr{_attributes([('class', row.classes)])}>{''.join(_cell(c, False) for c in row.cells)}</tr>"
        for row in table.body
    )
    note = f"<small>{escape(table.note)}</small>" if table.note else ""
    after = f'<p class="note">{escape(table.after)}</p>' if table.after else ""
    attributes = _attributes([("id", f"table-{table.id}" if table.id else ""), ("class", table.classes)])
    return (
        f'<div class="table-wrap" role="region" tabindex="0" aria-label="{escape(table.caption)}">'
        f"<table{attributes}><caption>{escape(table.caption)}{note}</caption>"
        f"<thead>{head}</thead><tbody>\n{body}\n</tbody></table>{after}</div>"
    )


def formatted_html_table(table: FormattedTable) -> HtmlTable:
    """A formatted table laid out for HTML: column headers with ``scope``, a row header per line; totals
    bold, section headings as row-group headers, flagged cells marked; a table of many columns dense."""
    head: list[tuple[Cell, ...]] = []
    if table.grouped:
        groups = [
            Cell(group, header=True, scope="colgroup", span=span, classes="group")
            for group, _, span in table.column_groups()
        ]
        head.append((Cell(classes="label"), *groups))
    head.append(
        (
            Cell(table.label_header, header=True, classes="label"),
            *(Cell(column.header, header=True) for column in table.columns),
        )
    )
    return HtmlTable(
        table.title,
        tuple(head),
        tuple(_formatted_row(table, row) for row in table.rows),
        id=table.id,
        note=table.subtitle,
        classes="dense" if len(table.columns) > DENSE_COLUMNS else "",
    )


def _formatted_row(table: FormattedTable, row: Row) -> HtmlRow:
    if row.kind == "heading":
        span = len(table.columns) + 1
        return HtmlRow((Cell(row.label, header=True, scope="rowgroup", span=span),), "heading")
    cells = [Cell(row.label, header=True)]
    for index, value in enumerate(row.values):
        text = format_number(value, table.number_kind(row, index))
        flagged = row.flagged(index)
        cells.append(
            Cell(text, classes="flag" if flagged else "", title="above tolerance" if flagged else "")
        )
    return HtmlRow(tuple(cells), "total" if row.kind == "total" else "")


def render_table(table: FormattedTable) -> str:
    """One formatted table as an accessible HTML table."""
    return render_html_table(formatted_html_table(table))


def text_table(
    table_id: str,
    caption: str,
    note: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    text_columns: Sequence[int] = (),
) -> str:
    """A grid of text already formatted: the first column heads each row; the columns in ``text_columns``
    are set left, as words are, the others right, as numbers are."""

    def classes(index: int, first: str) -> str:
        return first if index == 0 else "text" if index in text_columns else ""

    head = tuple(Cell(text, header=True, classes=classes(i, "label")) for i, text in enumerate(header))
    body = tuple(
        HtmlRow(
            (
                Cell(row[0], header=True),
                *(Cell(text, classes=classes(i, "")) for i, text in enumerate(row[1:], start=1)),
            )
        )
        for row in rows
    )
    return render_html_table(HtmlTable(caption, (head,), body, id=table_id, note=note))
