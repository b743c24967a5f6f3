"""The delivery pack (and the FEWS report) as one self-contained HTML page: plotly.js inlined from the
installed package as the run report does, tables as accessible HTML, RAG statuses as coloured labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from carebridge.delivery.pack import PackTable, format_cell
from carebridge.report.charts import Chart
from carebridge.report.html import CSS, plot_calls, plotly_js

RAG_CSS = """
.rag { display: inline-block; min-width: 5.5em; text-align: center; padding: 1px 8px; border-radius: 10px;
       font-weight: 600; font-size: .85rem; }
.rag-green { background: #d7f0dd; color: #1e6b34; } .rag-amber { background: #fdebc8; color: #8a5300; }
.rag-red { background: #fbd5d5; color: #9c0006; } .rag-none { background: #eceff3; color: #5b6775; }
.banner { font-size: 1.2rem; padding: 12px 16px; border-radius: 6px; margin: 18px 0; }
.banner.red { background: #fbd5d5; } .banner.amber { background: #fdebc8; }
.banner.green { background: #d7f0dd; }
.banner.none { background: #eceff3; }
p.note { color: var(--muted); font-style: italic; }
td.text { text-align: left; white-space: normal; } thead th.text { text-align: left; }
table.heat td { text-align: center; min-width: 3.2em; }
"""
HEAT_COLOURS = ((15, "#f4a6a6"), (8, "#fbd59b"), (4, "#fff1b8"), (0, "#cdebd4"))


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


def rag_label(status: str) -> str:
    known = status if status in ("green", "amber", "red", "none") else "none"
    text = "no status" if known == "none" else status.upper()
    return f'<span class="rag rag-{known}">{escape(text)}</span>'


def _header_class(index: int, kind: str) -> str:
    if index == 0:
        return ' class="label"'
    return ' class="text"' if kind in ("text", "status") else ""


def render_table(table: PackTable) -> str:
    head = "".join(
        f'<th scope="col"{_header_class(i, c.kind)}>{escape(c.header)}</th>'
        for i, c in enumerate(table.columns)
    )
    body = []
    for row in table.rows:
        cells = []
        for index, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            if index == 0:
                cells.append(f'<th scope="row">{escape(format_cell(value, column.kind))}</th>')
            elif column.kind == "status":
                cells.append(f"<td>{rag_label(str(value))}</td>")
            elif column.kind == "text":
                cells.append(f'<td class="text">{escape(format_cell(value, "text"))}</td>')
            else:
                cells.append(f"<td>{escape(format_cell(value, column.kind))}</td>")
        total = ' class="total"' if row and row[0] == "Total" else ""
        body.append(f"<tr{total}>{''.join(cells)}</tr>")
    note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
    if not table.rows:
        return f'<h3 id="table-{table.id}">{escape(table.title)}</h3>{note}'
    return (
        f'<div class="table-wrap"><table id="table-{table.id}"><caption>{escape(table.title)}'
        f"<small>{escape(table.subtitle)}</small></caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{note}</div>"
    )


def heat_map(ratings: Sequence[tuple[str, int, int]]) -> str:
    """A 5 × 5 grid of risks by likelihood (across) and impact (down) after mitigation: (code, L, I)."""
    rows = []
    for impact in range(5, 0, -1):
        cells = []
        for likelihood in range(1, 6):
            codes = [
                code for code, l_value, i_value in ratings if l_value == likelihood and i_value == impact
            ]
            colour = next(c for floor, c in HEAT_COLOURS if likelihood * impact > floor or floor == 0)
            cells.append(f'<td style="background:{colour}">{escape(", ".join(codes))}</td>')
        rows.append(f'<tr><th scope="row">Impact {impact}</th>{"".join(cells)}</tr>')
    head = "".join(f'<th scope="col">Likelihood {n}</th>' for n in range(1, 6))
    return (
        '<div class="table-wrap"><table class="heat"><caption>Risk heat map after mitigation'
        "<small>Each risk by its likelihood and impact after mitigation; colour by rating L × I</small>"
        "</caption>"
        f"<thead><tr><td></td>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def render_page(page: Page) -> str:
    charts = [chart for section in page.sections for chart in section.charts]
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in page.facts if v)
    links = "".join(f'<li><a href="#{s.id}">{escape(s.title)}</a></li>' for s in page.sections)
    parts = [
        f'<header><h1>{escape(page.title)}</h1><p class="lead">{escape(page.lead)}</p>'
        f'<dl class="provenance">{facts}</dl></header>',
        "<main>",
    ]
    if page.banner is not None:
        status, text = page.banner
        parts.append(f'<div class="banner {escape(status)}">{rag_label(status)} {escape(text)}</div>')
    parts.append(f'<nav aria-label="Contents"><h2>Contents</h2><ol>{links}</ol></nav>')
    for section in page.sections:
        parts.append(f'<section id="{section.id}"><h2>{escape(section.title)}</h2>')
        if section.intro:
            parts.append(f'<p class="lead">{escape(section.intro)}</p>')
        parts.append(section.html)
        parts += [
            f'<figure><div id="{c.id}" class="chart" role="img" aria-label="{escape(c.description)}"></div>'
            f"<figcaption>{escape(c.description)}</figcaption></figure>"
            for c in section.charts
        ]
        parts += [render_table(table) for table in section.tables]
        parts.append("</section>")
    parts.append("</main>")
    parts.append(
        "<footer>CareBridge delivery pack. Money in £'000; in tables of savings a saving is negative and "
        "shown in brackets.</footer>"
    )
    if charts:
        parts.append(f"<script>{plotly_js()}</script>")
        parts.append(f"<script>{plot_calls(charts)}</script>")
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(page.title)}</title>\n<style>{CSS}{RAG_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
