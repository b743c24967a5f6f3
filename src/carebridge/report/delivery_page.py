"""The delivery pack (and the FEWS report) as one self-contained HTML page: plotly.js inlined from the
installed package as the run report does, tables drawn by the one renderer
(:mod:`carebridge.report.html_table`), RAG statuses as coloured labels, and the risk heat maps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from carebridge.delivery import risks as rk
from carebridge.delivery.pack import PackTable
from carebridge.delivery.register_status import RegisterView
from carebridge.report.chart import Chart
from carebridge.report.html import document, figure_html, header, scripts
from carebridge.report.html_table import Cell, HtmlRow, HtmlTable, render_html_table, status_label
from carebridge.report.numbers import format_cell

RAG_CSS = """
.rag { display: inline-block; min-width: 5.5em; text-align: center; padding: 1px 8px; border-radius: 10px;
       font-weight: 600; font-size: .85rem; }
.rag-green { background: #d7f0dd; color: #1e6b34; } .rag-amber { background: #fdebc8; color: #8a5300; }
.rag-red { background: #fbd5d5; color: #9c0006; } .rag-none { background: #eceff3; color: #5b6775; }
.banner { font-size: 1.2rem; padding: 12px 16px; border-radius: 6px; margin: 18px 0; }
.banner.red { background: #fbd5d5; } .banner.amber { background: #fdebc8; }
.banner.green { background: #d7f0dd; }
.banner.none { background: #eceff3; }
table.heat td { text-align: center; min-width: 3.2em; }
main table thead th { white-space: normal; vertical-align: bottom; min-width: 4.5em; }
main table th, main table td { padding: 3px 7px; }
#table-targets tbody th, #table-target-alerts tbody th { min-width: 11em; }
table.risk-heat-map td { text-align: center; white-space: normal; }
"""
HEAT_COLOURS = ((15, "#f4a6a6"), (8, "#fbd59b"), (4, "#fff1b8"), (0, "#cdebd4"))
FOOTER = (
    "<footer>CareBridge delivery pack. Money in £'000; in tables of savings a saving is negative and "
    "shown in brackets.</footer>"
)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    tables: Sequence[PackTable] = ()
    charts: Sequence[Chart] = ()
    html: str = ""
    intro: str = ""


@dataclass(frozen=True)
class Page:
    title: str
    lead: str
    facts: Sequence[tuple[str, str]]
    sections: Sequence[Section] = field(default_factory=list)
    banner: tuple[str, str] | None = None
    """(status, text) shown at the top."""


def _header_class(index: int, kind: str) -> str:
    if index == 0:
        return "label"
    return "text" if kind in ("text", "status", "variation", "assurance") else ""


def _cell(index: int, value: object, kind: str) -> Cell:
    cell = value if value is None or isinstance(value, str | float | int) else str(value)
    kind = "text" if kind in ("variation", "assurance") else kind  # SPC words (their icons: spc_icons.py)
    if index == 0:
        return Cell(format_cell(cell, kind), header=True)
    if kind == "status":
        return Cell(status=str(value))
    return Cell(format_cell(cell, kind), classes="text" if kind == "text" else "")


def render_table(table: PackTable) -> str:
    """A table of the pack; a table with no rows is its title and its note."""
    if not table.rows:
        note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
        return f'<h3 id="table-{table.id}">{escape(table.title)}</h3>{note}'
    head = tuple(
        Cell(c.header, header=True, classes=_header_class(i, c.kind)) for i, c in enumerate(table.columns)
    )
    body = tuple(
        HtmlRow(
            tuple(
                _cell(i, value, column.kind)
                for i, (value, column) in enumerate(zip(row, table.columns, strict=True))
            ),
            "total" if row and row[0] == "Total" else "",
        )
        for row in table.rows
    )
    return render_html_table(
        HtmlTable(table.title, (head,), body, id=table.id, note=table.subtitle, after=table.note)
    )


def heat_map(ratings: Sequence[tuple[str, int, int]]) -> str:
    """A 5 × 5 grid of risks by likelihood (across) and impact (down) after mitigation: (code, L, I)."""
    rows = []
    for impact in range(5, 0, -1):
        cells = [Cell(f"Impact {impact}", header=True)]
        for likelihood in range(1, 6):
            codes = [
                code for code, l_value, i_value in ratings if l_value == likelihood and i_value == impact
            ]
            colour = next(c for floor, c in HEAT_COLOURS if likelihood * impact > floor or floor == 0)
            cells.append(Cell(", ".join(codes), style=f"background:{colour}"))
        rows.append(HtmlRow(tuple(cells)))
    head = (Cell(), *(Cell(f"Likelihood {n}", header=True) for n in range(1, 6)))
    note = "Each risk by its likelihood and impact after mitigation; colour by rating L × I"
    caption = "Risk heat map after mitigation"
    return render_html_table(HtmlTable(caption, (head,), tuple(rows), note=note, classes="heat"))


def risk_heat_map(
    map_: rk.HeatMap, bands: Sequence[rk.RatingBand] = rk.DEFAULT_BANDS, title: str = "Risks"
) -> str:
    """A register's heat map as an HTML table with a caption and row and column headers; each cell states
    its count, rating and band in words (colour repeats the band, it never carries it alone)."""
    words = "before mitigation" if map_.stage == "before" else "after mitigation"
    caption = f"{title} {words}: number of risks by likelihood and impact"
    head = (Cell(), *(Cell(f"Impact {impact}", header=True) for impact in rk.SCORES))
    rows = tuple(
        HtmlRow(
            (
                Cell(f"Likelihood {likelihood}", header=True),
                *(
                    _risk_cell(map_.count(likelihood, impact), likelihood, impact, bands)
                    for impact in rk.SCORES
                ),
            )
        )
        for likelihood in reversed(rk.SCORES)
    )
    return render_html_table(HtmlTable(caption, (head,), rows, classes="risk-heat-map"))


def _risk_cell(count: int, likelihood: int, impact: int, bands: Sequence[rk.RatingBand]) -> Cell:
    rating = likelihood * impact
    band = rk.band_of(rating, bands)
    risks = "risk" if count == 1 else "risks"
    style = f"background-color: {band.colour}; color: #000"
    small = f"rating {rating}, {band.name}"
    if count:
        return Cell(f" {risks}", strong=str(count), style=style, small=small)
    return Cell(f"{count} {risks}", style=style, small=small)


def register_heat_maps(view: RegisterView) -> str:
    """The register's heat maps before and after mitigation, side by side."""
    return "".join(
        risk_heat_map(rk.heat_map(view.risks, stage), view.bands, title="Risk heat map")
        for stage in ("before", "after")
    )


def render_page(page: Page) -> str:
    charts = [chart for section in page.sections for chart in section.charts]
    links = "".join(f'<li><a href="#{s.id}">{escape(s.title)}</a></li>' for s in page.sections)
    parts = [header(page.title, page.lead, page.facts), "<main>"]
    if page.banner is not None:
        status, text = page.banner
        parts.append(f'<div class="banner {escape(status)}">{status_label(status)} {escape(text)}</div>')
    parts.append(f'<nav aria-label="Contents"><h2>Contents</h2><ol>{links}</ol></nav>')
    for section in page.sections:
        parts.append(f'<section id="{section.id}"><h2>{escape(section.title)}</h2>')
        if section.intro:
            parts.append(f'<p class="lead">{escape(section.intro)}</p>')
        parts.append(section.html)
        parts += [figure_html(chart) for chart in section.charts]
        parts += [render_table(table) for table in section.tables]
        parts.append("</section>")
    parts += ["</main>", FOOTER, *scripts(charts)]
    return document(page.title, parts, RAG_CSS)
