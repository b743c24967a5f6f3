"""The pages of the reports: one self-contained HTML page each (plotly.js inlined from the installed plotly
package, so a page works with no network), with a header of provenance facts, charts and tables. Built with
f-strings and :func:`html.escape`; the plotly Python package is never imported. Tables are drawn by
:mod:`carebridge.report.html_table`, charts laid out by :mod:`carebridge.report.chart`."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path

from carebridge.engine.results import Results
from carebridge.report.chart import Chart
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
nav ol { columns: 2; font-size: .9rem; }
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
"""

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
    """The page's heading, its lead paragraph and the provenance facts (those with a value)."""
    listed = "".join(f"<dt>{escape(key)}</dt><dd>{escape(value)}</dd>" for key, value in facts if value)
    return (
        f'<header><h1>{escape(title)}</h1><p class="lead">{escape(lead)}</p>'
        f'<dl class="provenance">{listed}</dl></header>'
    )


def provenance_facts(provenance: Provenance) -> list[tuple[str, str]]:
    return [
        ("Scenario file", provenance.scenario_file),
        ("SHA-256", provenance.sha256),
        ("CareBridge", provenance.carebridge_version),
        ("Generated", provenance.generated_at),
    ]


def scripts(charts: Sequence[Chart]) -> list[str]:
    """plotly.js and the calls that draw ``charts``; nothing when there is no chart."""
    if not charts:
        return []
    return [f"<script>{plotly_js()}</script>", f"<script>{plot_calls(charts)}</script>"]


def footer(version: str, text: str) -> str:
    return f"<footer>CareBridge {escape(version)}. {escape(text, quote=False)}</footer>"


def run_page(
    results: Results, provenance: Provenance, tables: Sequence[FormattedTable], charts: Sequence[Chart]
) -> str:
    """The page of a run (the report, an appraisal, a comparison): the scenario's header, contents,
    charts and tables."""
    scenario = results.scenario
    facts = [
        ("Source", scenario.source or ""),
        *provenance_facts(provenance),
        ("Years", f"{results.years[0]} to {results.years[-1]}"),
    ]
    body = [
        header(scenario.name, (scenario.description or "").strip(), facts),
        "<main>",
        contents(tables, charts),
        '<section id="charts"><h2>Charts</h2>',
        *(figure_html(chart) for chart in charts),
        "</section>",
        '<section id="tables"><h2>Tables</h2>',
        *(render_table(table) for table in tables),
        "</section>",
        "</main>",
        footer(provenance.carebridge_version, RUN_FOOTER),
        f"<script>{plotly_js()}</script>",
        f"<script>{plot_calls(charts)}</script>",
    ]
    return document(scenario.name, body)


def contents(tables: Sequence[FormattedTable], charts: Sequence[Chart]) -> str:
    links = [f'<li><a href="#{chart.id}">{escape(chart.title)}</a></li>' for chart in charts]
    links += [f'<li><a href="#table-{table.id}">{escape(table.title)}</a></li>' for table in tables]
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
    return "\n".join(calls)


def _json(value: object) -> str:
    """JSON safe inside a ``<script>`` element."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def plotly_js() -> str:
    """plotly.js from the installed plotly package (``package_data/plotly.min.js``), found without importing
    the package, made safe to inline in a ``<script>`` element."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed; it provides plotly.js for the HTML report")
    for location in spec.submodule_search_locations:
        script = Path(location) / "package_data" / "plotly.min.js"
        if script.is_file():
            return re.sub(r"</(script)", r"<\\/\1", script.read_text(encoding="utf-8"), flags=re.IGNORECASE)
    raise RuntimeError("plotly.min.js is missing from the installed plotly package (package_data/)")
