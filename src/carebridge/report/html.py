"""The pages of the reports: one self-contained HTML page each (plotly.js inlined, so a page works with no
network), with charts, tables and the provenance facts. Built with f-strings and :func:`html.escape`; the
plotly Python package is never imported. Tables are drawn by :mod:`carebridge.report.html_table`, charts laid
out by :mod:`carebridge.report.chart`.

plotly.js is the "finance" partial bundle of plotly.js 4.1.0 (bar, scatter, histogram, waterfall and a few
traces more; 1.3 MB against 4.8 MB for the whole library), vendored in ``vendor/plotly-finance.min.js`` from
the npm package ``plotly.js-finance-dist-min`` (MIT licence, ``vendor/plotly.js-LICENSE``); nothing is
downloaded when a report is written. The shared stylesheet prints a page as an A4 landscape pack: a page
break before each section, no navigation, tables whole where they fit, charts sized to the page."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from html import escape
from importlib import resources

from carebridge.engine.results import Results
from carebridge.report.chart import Chart, is_blank
from carebridge.report.html_table import render_table
from carebridge.report.provenance import Provenance
from carebridge.report.table import FormattedTable

CSS = """
:root { --ink: #1d2733; --muted: #5b6775; --rule: #d5dbe2; --band: #f3f6f9; --accent: #1f5f99;
        --flag: #fde2e1; --flag-ink: #9c0006; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; border-bottom: 3px solid var(--accent); padding-bottom: 12px; }
h1 { font-size: 1.7rem; margin: 0 0 6px; }
h2 { font-size: 1.3rem; margin: 36px 0 12px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
p.lead { color: var(--muted); max-width: 70em; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: .85rem;
                color: var(--muted); }
dl.provenance dt { font-weight: 600; }
dl.provenance dd { margin: 0; word-break: break-all; }
nav ol { columns: 3 18rem; font-size: .85rem; }
a { color: var(--accent); }
figure { margin: 24px 0; }
figcaption { font-size: .85rem; color: var(--muted); }
.chart { width: 100%; min-height: 420px; }
.table-wrap { overflow-x: auto; margin: 12px 0 28px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .9rem; min-width: 32rem; }
caption { text-align: left; font-weight: 600; font-size: 1rem; padding-bottom: 2px; }
caption small { display: block; font-weight: 400; color: var(--muted); font-size: .8rem; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); }
thead th { text-align: right; background: var(--band); vertical-align: bottom; }
table.dense th, table.dense td { padding: 3px 6px; }
thead th.label, tbody th { text-align: left; font-weight: 400; }
thead th.group { text-align: center; }
td { text-align: right; white-space: nowrap; }
tr.total th, tr.total td { font-weight: 700; border-top: 1.5px solid var(--ink); }
tr.heading th { font-weight: 700; font-style: italic; background: var(--band); }
td.flag { background: var(--flag); color: var(--flag-ink); }
footer { color: var(--muted); font-size: .8rem; padding: 24px; }
p.note { color: var(--muted); font-style: italic; }
td.text { text-align: left; white-space: normal; } thead th.text { text-align: left; }
h3 { font-size: 1.05rem; margin: 20px 0 8px; }
dl.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: 12px;
           margin: 12px 0; }
dl.tiles .tile { background: var(--band); border-left: 4px solid var(--accent); padding: 8px 12px; }
dl.tiles dt { font-size: .85rem; color: var(--muted); }
dl.tiles dd { margin: 2px 0 0; font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
ul.messages li, ul.risks li { margin: 4px 0; max-width: 70em; }
section.warnings { border-left: 4px solid #b45309; background: #fff7ed; padding: 4px 16px 8px;
                   margin: 20px 0; }
section.warnings h2 { border: 0; margin: 8px 0 4px; color: #7c2d12; }
section.warnings li { margin: 4px 0; max-width: 70em; overflow-wrap: anywhere; }
.summary-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 0 32px;
                align-items: start; }
.summary table { min-width: 0; width: 100%; }
.summary > .table-wrap table { width: auto; min-width: 40rem; }
@page { size: A4 landscape; margin: 12mm 10mm; }
@media print {
  body { font-size: 10pt; }
  header, main, footer { max-width: none; padding-left: 0; padding-right: 0; }
  header { padding-top: 0; }
  nav, .modebar-container { display: none !important; }
  main > section { break-before: page; }
  main > section#summary, main > section#warnings { break-before: auto; }
  h2, h3, caption { break-after: avoid; }
  .table-wrap { overflow: visible; break-inside: avoid; margin-bottom: 16px; }
  table { font-size: 9pt; min-width: 0; }
  th, td { padding: 1px 6px; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; }
  figure { break-inside: avoid; margin: 8px 0; }
  .chart { min-height: 0; }
  a { color: inherit; text-decoration: none; }
  dl.tiles dd { font-size: 1.3rem; }
}
"""

PRINT_WIDTH = 1000
"""The width (px) the charts are drawn at for printing: the A4 landscape page less its margins."""

RUN_FOOTER = "Money in £'000; savings, funding and activity removed are negative and shown in brackets."


def document(title: str, body: Sequence[str], extra_css: str = "") -> str:
    """A whole page: the head (title, styles) and ``body``, the parts joined by new lines."""
    joined = "\n".join(body)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n<body>\n{joined}\n"
        "</body>\n</html>\n"
    )


def header(title: str, lead: str, facts: Sequence[tuple[str, str]]) -> str:
    """The page's heading, its lead paragraph and the provenance facts (those with a value; none, no list)."""
    listed = "".join(f"<dt>{escape(key)}</dt><dd>{escape(value)}</dd>" for key, value in facts if value)
    facts_html = f'<dl class="provenance">{listed}</dl>' if listed else ""
    return f'<header><h1>{escape(title)}</h1><p class="lead">{escape(lead)}</p>{facts_html}</header>'


def provenance_facts(provenance: Provenance) -> list[tuple[str, str]]:
    return [
        ("Scenario file", provenance.scenario_file),
        ("SHA-256", provenance.sha256),
        ("CareBridge", provenance.carebridge_version),
        ("Generated", provenance.generated_at),
    ]


def provenance_section(facts: Sequence[tuple[str, str]]) -> str:
    """The provenance facts (those with a value) as the last section of a page."""
    listed = "".join(f"<dt>{escape(key)}</dt><dd>{escape(value)}</dd>" for key, value in facts if value)
    return (
        f'<section id="provenance"><h2>About this report</h2><dl class="provenance">{listed}</dl></section>'
    )


def scripts(charts: Sequence[Chart]) -> list[str]:
    """plotly.js and the calls that draw ``charts``; nothing when there is no chart."""
    if not charts:
        return []
    return [f"<script>{plotly_js()}</script>", f"<script>{plot_calls(charts)}</script>"]


def footer(version: str, text: str) -> str:
    return f"<footer>CareBridge {escape(version)}. {escape(text, quote=False)}</footer>"


def run_page(
    results: Results,
    provenance: Provenance,
    tables: Sequence[FormattedTable],
    charts: Sequence[Chart],
    summary: str = "",
    warnings: Sequence[str] = (),
) -> str:
    """The page of a run (the report, an appraisal, a comparison): the scenario's title and description,
    the scenario's ``warnings`` (located, as the command line prints them) when there are any, contents, the
    ``summary`` section when given (HTML), charts (one that is all zero left out, with a note), tables, and
    the provenance last."""
    scenario = results.scenario
    facts = [
        ("Source", scenario.source or ""),
        *provenance_facts(provenance),
        ("Years", f"{results.years[0]} to {results.years[-1]}"),
    ]
    drawn = [chart for chart in charts if not is_blank(chart)]
    body = [
        header(scenario.name, (scenario.description or "").strip(), []),
        "<main>",
        warnings_section(warnings),
        summary,
        contents(tables, drawn, bool(summary), bool(warnings)),
        '<section id="charts"><h2>Charts</h2>',
        *(figure_html(chart) if chart in drawn else blank_note(chart) for chart in charts),
        "</section>",
        '<section id="tables"><h2>Tables</h2>',
        *(render_table(table) for table in tables),
        "</section>",
        provenance_section(facts),
        "</main>",
        footer(provenance.carebridge_version, RUN_FOOTER),
        *scripts(drawn),
    ]
    return document(scenario.name, [part for part in body if part])


def blank_note(chart: Chart) -> str:
    """The line that stands for a chart left out because every value is zero."""
    return f'<p class="note blank-chart">{escape(chart.title)}: every value is zero, so it is not drawn.</p>'


def warnings_section(warnings: Sequence[str]) -> str:
    """What may be a mistake in the scenario but is not an error (undeclared cohort overlaps, docs/demand.md
    §5), each located as the command line prints it; nothing when there is none."""
    if not warnings:
        return ""
    count = len(warnings)
    items = "".join(f"<li>{escape(warning)}</li>" for warning in warnings)
    return (
        '<section id="warnings" class="warnings" role="note">'
        f"<h2>{count} warning{'s' if count != 1 else ''} about the scenario</h2>"
        "<p>Not errors: the plan ran as written. Check each before relying on the figures.</p>"
        f"<ul>{items}</ul></section>"
    )


def contents(
    tables: Sequence[FormattedTable], charts: Sequence[Chart], summary: bool = False, warnings: bool = False
) -> str:
    links = ['<li><a href="#warnings">Warnings about the scenario</a></li>'] if warnings else []
    links += ['<li><a href="#summary">Executive summary</a></li>'] if summary else []
    links += [f'<li><a href="#{chart.id}">{escape(chart.title)}</a></li>' for chart in charts]
    links += [f'<li><a href="#table-{table.id}">{escape(table.title)}</a></li>' for table in tables]
    links.append('<li><a href="#provenance">About this report</a></li>')
    return f'<nav aria-label="Contents"><h2>Contents</h2><ol>{"".join(links)}</ol></nav>'


def figure_html(chart: Chart) -> str:
    return (
        f'<figure><div id="{chart.id}" class="chart" role="img" aria-label="{escape(chart.description)}">'
        f"</div><figcaption>{escape(chart.description)}</figcaption></figure>"
    )


def plot_calls(charts: Sequence[Chart]) -> str:
    config = _json({"displaylogo": False, "responsive": True})
    calls = [
        f"Plotly.newPlot({_json(chart.id)}, {_json(chart.data)}, {_json(chart.layout)}, {config});"
        for chart in charts
    ]
    return "\n".join([*calls, PRINT_SCRIPT])


PRINT_SCRIPT = (
    "(() => { const charts = () => document.querySelectorAll('.js-plotly-plot');"
    " addEventListener('beforeprint', () => charts().forEach("
    f"c => Plotly.relayout(c, {{width: {PRINT_WIDTH}}})));"
    " addEventListener('afterprint', () => charts().forEach("
    "c => Plotly.relayout(c, {width: null, autosize: true})));"
    " })();"
)
"""Charts redrawn at the page's width before printing, and back to the window's after."""


def _json(value: object) -> str:
    """JSON safe inside a ``<script>`` element."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


PLOTLY_BUNDLE = "plotly-finance.min.js"
"""The vendored plotly.js bundle (``report/vendor/``): the traces every report and the web app draw."""


@cache
def plotly_js() -> str:
    """plotly.js, the vendored partial bundle (:data:`PLOTLY_BUNDLE`), made safe to inline in a
    ``<script>`` element."""
    bundle = resources.files("carebridge.report").joinpath("vendor", PLOTLY_BUNDLE)
    if not bundle.is_file():
        raise RuntimeError(f"{PLOTLY_BUNDLE} is missing from carebridge/report/vendor (package data)")
    return re.sub(r"</(script)", r"<\\/\1", bundle.read_text(encoding="utf-8"), flags=re.IGNORECASE)
