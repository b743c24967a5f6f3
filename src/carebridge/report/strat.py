"""The report of a stratification: each table as CSV, the charts as PNG, the model as YAML and an HTML page
that holds it all (charts inlined, tables drawn by :mod:`carebridge.report.html_table`) and opens with no
network.

Every CSV starts with a comment line stating the disclosure rule (read it with ``pandas.read_csv(...,
comment='#')``); suppressed cells are ``*``. The page states the rule once, at the top.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from carebridge.report.html import document, footer, header
from carebridge.report.html_table import Cell, HtmlRow, HtmlTable, render_html_table
from carebridge.report.strat_charts import calibration_chart, concentration_chart, distribution_chart
from carebridge.report.strat_tables import OutputTable, column_look, output_tables
from carebridge.strat.disclosure import DisclosureRule
from carebridge.strat.model import save_model
from carebridge.strat.pipeline import Stratification
from carebridge.version import __version__

STYLE = """
.rule { background: #fff6d6; border: 1px solid #e6c96b; padding: 0.5rem 0.8rem; margin: 18px 0; }
figure img { max-width: 100%; height: auto; }
table.wrap-head thead th { white-space: normal; vertical-align: bottom; min-width: 4.5em; }
table.wrap-head th, table.wrap-head td { padding: 3px 7px; }
details > summary { cursor: pointer; color: var(--accent); margin: 12px 0; }
"""
TITLE = "Risk stratification: the cohort the plan stands on"
LEAD = (
    "Every patient's predicted risk of an emergency admission, the cohort at the top of the risk, its share "
    "of the year's activity, and where it lives."
)
LONG_TABLES = ("distribution",)
"""Tables shown folded on the page (drawn as a chart already; every row is in the CSV)."""


def write_csv(table: OutputTable, folder: Path, rule: DisclosureRule) -> Path:
    path = folder / f"{table.name}.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(f"# {rule.statement()}\n")
        table.frame.to_csv(stream, index=False, na_rep=table.missing)
    return path


def _head(table: OutputTable, columns: list[str]) -> tuple[tuple[Cell, ...], ...]:
    """The header rows: a row of groups above the columns that have one, then each column's header."""
    looks = [column_look(column) for column in columns]

    def classes(index: int) -> str:
        return "label" if index == 0 else "text" if table.is_words(columns[index]) else ""

    names = tuple(
        Cell(look.short_header if look.group else look.header, header=True, classes=classes(i))
        for i, look in enumerate(looks)
    )
    if not any(look.group for look in looks):
        return (names,)
    groups: list[tuple[str, int]] = []
    for look in looks:
        if groups and groups[-1][0] == look.group:
            groups[-1] = (look.group, groups[-1][1] + 1)
        else:
            groups.append((look.group, 1))
    top = tuple(
        Cell(group, header=True, scope="colgroup" if group else "", span=span, classes="group")
        for group, span in groups
    )
    return top, names


def html_table(table: OutputTable) -> str:
    """One table of the stratification: headers in words, ids left out, numbers right and words left."""
    columns = table.shown_columns()
    body = tuple(
        HtmlRow(
            tuple(
                Cell(text, header=True)
                if i == 0
                else Cell(text, classes="text" if table.is_words(columns[i]) else "")
                for i, text in enumerate(row)
            )
        )
        for row in table.rows()
    )
    drawn = HtmlTable(
        table.title, _head(table, columns), body, id=table.name, note=table.note, classes="wrap-head"
    )
    html = render_html_table(drawn)
    if table.name in LONG_TABLES:
        summary = f"{table.title} ({len(table.frame)} rows; also in {table.name}.csv)"
        return f"<details><summary>{escape(summary)}</summary>{html}</details>"
    return html


def _image(path: Path, alt: str, anchor: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<figure id="{escape(anchor)}"><img alt="{escape(alt)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{escape(alt)}</figcaption></figure>"
    )


def _fact(line: str) -> tuple[str, str]:
    """A provenance line ``"Data: …"`` as the fact (``"Data"``, ``"…"``)."""
    key, _, value = line.partition(": ")
    return (key, value) if value else ("Made by", key)


def html_page(
    tables: list[OutputTable], charts: list[tuple[Path, str]], rule: DisclosureRule, provenance: list[str]
) -> str:
    """The page: the main report's header and widths, the disclosure rule once at the top, the charts, then
    the tables."""
    anchors = [f"chart-{path.stem.replace('_', '-')}" for path, _ in charts]
    links = [
        f'<li><a href="#{a}">{escape(alt)}</a></li>' for a, (_, alt) in zip(anchors, charts, strict=True)
    ]
    links += [f'<li><a href="#table-{t.name}">{escape(t.title)}</a></li>' for t in tables]
    body = [
        header(TITLE, LEAD, [_fact(line) for line in provenance]),
        "<main>",
        f'<p class="rule">{escape(rule.statement())} It applies to every table and chart below.</p>',
        f'<nav aria-label="Contents"><h2>Contents</h2><ol>{"".join(links)}</ol></nav>',
        '<section id="charts"><h2>Charts</h2>',
        *(_image(path, alt, a) for a, (path, alt) in zip(anchors, charts, strict=True)),
        "</section>",
        '<section id="tables"><h2>Tables</h2>',
        *(html_table(table) for table in tables),
        "</section>",
        "</main>",
        footer(__version__, "Counts under disclosure control as stated at the top; cost in pounds."),
    ]
    return document("CareBridge risk stratification", body, STYLE)


def write_report(
    result: Stratification, folder: Path, rule: DisclosureRule, provenance: list[str]
) -> list[Path]:
    """Write every output into ``folder`` (created if needed); return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = output_tables(result, rule)
    written = [write_csv(table, folder, rule) for table in tables]
    charts = [
        (
            concentration_chart(result.curve, result.cohort, folder / "concentration.png", rule),
            "Concentration of activity by predicted risk",
        ),
        (
            distribution_chart(result.distribution, result.cohort, folder / "risk_distribution.png", rule),
            "Distribution of risk scores",
        ),
    ]
    if result.evaluation is not None:
        charts.append(
            (
                calibration_chart(result.evaluation.calibration, folder / "calibration.png", rule),
                "Calibration by decile of predicted risk",
            )
        )
    written.extend(path for path, _ in charts)
    model_path = folder / "model.yaml"
    save_model(result.model, model_path)
    written.append(model_path)
    page = folder / "report.html"
    page.write_text(html_page(tables, charts, rule, provenance), encoding="utf-8")
    written.append(page)
    return written
