"""The SPC table of the delivery pack: each POD's XmR chart in one row, with Making Data Count's variation and
assurance in words (the HTML page draws their icons beside the words, the workbook colours the cells)."""

from __future__ import annotations

from carebridge.delivery.monitor import Monitoring
from carebridge.delivery.pack import Cell, PackColumn, PackTable
from carebridge.delivery.spc import ASSURANCE_TEXT, VARIATION_TEXT, XmrChart

IMPROVEMENT_WORDS = {
    "increase": "higher is better",
    "decrease": "lower is better",
    "neutral": "neither",
}


def chart_row(name: str, chart: XmrChart) -> list[Cell]:
    """One chart's row: its name, improvement direction, points, the last period's lines, the variation and
    why, the target and the assurance."""
    last = chart.points[-1]
    options = chart.options
    return [
        name,
        IMPROVEMENT_WORDS[options.improvement],
        len(chart.points),
        chart.centre,
        chart.lower,
        chart.upper,
        VARIATION_TEXT[chart.variation],
        last.reason or "no rule broken",
        options.target,
        ASSURANCE_TEXT[chart.assurance] if chart.assurance else "",
        ", ".join(sorted(chart.signals)),
    ]


def spc_table(monitoring: Monitoring) -> PackTable:
    """Each POD's SPC chart of monthly activity, seasonally adjusted."""
    rows = [
        chart_row(monitoring.baseline.pod_name(pod), chart)
        for pod, chart in sorted(
            monitoring.spc.items(), key=lambda item: monitoring.baseline.pod_name(item[0])
        )
    ]
    return PackTable(
        "spc",
        f"Statistical process control of monthly activity to {monitoring.month.label}",
        "Making Data Count, as NHSRplotthedots implements it: XmR centre and limits (± 2.66 × mean "
        "moving range) of the seasonally adjusted actuals in a flat month; variation of the latest month "
        "(improvement or concern by the plan's direction) and assurance against the plan's activity of a "
        "flat month",
        (
            PackColumn("POD"),
            PackColumn("Improvement"),
            PackColumn("Months", "count"),
            PackColumn("Centre", "activity"),
            PackColumn("Lower limit", "activity"),
            PackColumn("Upper limit", "activity"),
            PackColumn("Variation", "variation"),
            PackColumn("Why"),
            PackColumn("Plan (flat month)", "activity"),
            PackColumn("Assurance", "assurance"),
            PackColumn("Rules broken in the chart"),
        ),
        rows,
        note="" if rows else "Too few months of actuals for SPC (at least 4).",
        sheet="SPC",
    )
