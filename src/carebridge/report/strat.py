"""The report of a stratification: each table as CSV, the charts as PNG, the model as YAML and an HTML page
that holds it all (charts inlined, tables drawn by :mod:`carebridge.report.html_table`) and opens with no
network.

Every CSV starts with a comment line stating the disclosure rule (read it with ``pandas.read_csv(...,
comment='#')``); suppressed cells are ``*``.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

import pandas as pd

from carebridge.report.html import document
from carebridge.report.html_table import text_table
from carebridge.report.strat_charts import calibration_chart, concentration_chart, distribution_chart
from carebridge.report.strat_tables import OutputTable, output_tables
from carebridge.strat.disclosure import SUPPRESSED, DisclosureRule
from carebridge.strat.model import save_model
from carebridge.strat.pipeline import Stratification

STYLE = """
.rule { background: #fff6d6; border: 1px solid #e6c96b; padding: 0.5rem 0.8rem; }
img { max-width: 100%; }
"""


def write_csv(table: OutputTable, folder: Path, rule: DisclosureRule) -> Path:
    path = folder / f"{table.name}.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(f"# {rule.statement()}\n")
        table.frame.to_csv(stream, index=False, na_rep=SUPPRESSED)
    return path


def cell_text(value: object) -> str:
    """A cell as the page prints it: ``*`` for a suppressed count, numbers to four significant figures."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return SUPPRESSED
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


def _table(table: OutputTable, rule: DisclosureRule) -> str:
    frame = table.frame
    words = [i for i, column in enumerate(frame.columns) if frame[column].dtype == object]
    rows = [[cell_text(value) for value in row] for row in frame.itertuples(index=False)]
    note = " ".join(part for part in (table.note, rule.statement()) if part)
    header = [str(column) for column in frame.columns]
    return text_table(table.name, table.title, note, header, rows, text_columns=words)


def _image(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<figure><img alt="{escape(alt)}" src="data:image/png;base64,{data}"></figure>'


def html_page(
    tables: list[OutputTable], charts: list[tuple[Path, str]], rule: DisclosureRule, provenance: list[str]
) -> str:
    title = "Risk stratification: the cohort the plan stands on"
    body = [
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="rule">{escape(rule.statement())}</p>',
        "".join(f'<p class="note">{escape(line)}</p>' for line in provenance),
        "</header>",
        "<main>",
        '<section id="tables"><h2>Tables</h2>',
        *(_table(table, rule) for table in tables),
        "</section>",
        '<section id="charts"><h2>Charts</h2>',
        *(_image(path, alt) for path, alt in charts),
        "</section>",
        "</main>",
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
            "Concentration curve",
        ),
        (
            distribution_chart(result.distribution, result.cohort, folder / "risk_distribution.png", rule),
            "Risk scores",
        ),
    ]
    if result.evaluation is not None:
        charts.append(
            (
                calibration_chart(result.evaluation.calibration, folder / "calibration.png", rule),
                "Calibration",
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
