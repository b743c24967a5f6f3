"""Write a stratification into a folder: each table as CSV, the charts as PNG, the model as YAML and an HTML
page that holds it all (charts inlined) and opens with no network.

Every CSV starts with a comment line stating the disclosure rule (read it with ``pandas.read_csv(...,
comment='#')``); suppressed cells are ``*``.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from carebridge.strat.charts import calibration_chart, concentration_chart, distribution_chart
from carebridge.strat.disclosure import SUPPRESSED, DisclosureRule
from carebridge.strat.model import save_model
from carebridge.strat.pipeline import Stratification
from carebridge.strat.tables import OutputTable, output_tables


def write_csv(table: OutputTable, folder: Path, rule: DisclosureRule) -> Path:
    path = folder / f"{table.name}.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(f"# {rule.statement()}\n")
        table.frame.to_csv(stream, index=False, na_rep=SUPPRESSED)
    return path


def _html_table(frame: pd.DataFrame) -> str:
    return frame.to_html(
        index=False, na_rep=SUPPRESSED, border=0, classes="table", float_format=lambda v: f"{v:,.4g}"
    )


def _image(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></figure>'


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; }
table.table { border-collapse: collapse; margin: 0.5rem 0 0.3rem; font-size: 0.9rem; }
table.table th, table.table td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: right; }
table.table th { background: #f3f5f8; }
.rule { background: #fff6d6; border: 1px solid #e6c96b; padding: 0.5rem 0.8rem; }
.note { color: #555; font-size: 0.85rem; }
figure { margin: 1rem 0; } img { max-width: 100%; }
"""


def html_page(
    tables: list[OutputTable], charts: list[tuple[Path, str]], rule: DisclosureRule, provenance: list[str]
) -> str:
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>CareBridge risk stratification</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Risk stratification: the cohort the plan stands on</h1>",
        f"<p class='rule'>{html.escape(rule.statement())}</p>",
        "".join(f"<p class='note'>{html.escape(line)}</p>" for line in provenance),
    ]
    for table in tables:
        parts.append(f"<h2>{html.escape(table.title)}</h2>{_html_table(table.frame)}")
        if table.note:
            parts.append(f"<p class='note'>{html.escape(table.note)}</p>")
        parts.append(f"<p class='note'>{html.escape(rule.statement())}</p>")
    parts.append("<h2>Charts</h2>")
    parts.extend(_image(path, title) for path, title in charts)
    parts.append("</body></html>")
    return "\n".join(parts)


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
