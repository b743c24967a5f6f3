"""Charts of the delivery pack as plotly.js specifications (plain dicts, see :mod:`carebridge.report.chart`):
each POD's monthly trajectory against its actuals with the SPC limits, and the savings realised by scheme."""

from __future__ import annotations

from typing import Any

from carebridge.delivery.benefits import summarise
from carebridge.delivery.monitor import Monitoring, seasonal_factor
from carebridge.delivery.months import Month
from carebridge.report.chart import PALETTE, Chart, Spec, chart_layout

SIGNAL_COLOUR = "#b03a48"


X_AXIS: Spec = {"type": "category", "automargin": True}
"""Months and schemes as categories: a label centred on its own slot, never read as a date and cut at the
plot's edge ("Mar 201")."""


def _layout(title: str, y_title: str, **extra: Any) -> Spec:
    """The report's chart layout, with no zero line, the x axis as categories and the legend a little
    lower."""
    axis = {"title": {"text": y_title}, "tickformat": ",.0f", "automargin": True}
    return chart_layout(
        title,
        y_title,
        **{"yaxis": axis, "xaxis": X_AXIS, "legend": {"orientation": "h", "y": -0.18}, **extra},
    )


def trajectory_chart(monitoring: Monitoring, pod: str) -> Chart:
    """Plan, do-nothing and actual activity of a POD by month, with the XmR centre line and limits and the
    months that signal a special cause."""
    baseline = monitoring.baseline
    plan = monitoring.trajectory[monitoring.trajectory["pod"] == pod]
    months = [str(m) for m in plan["month"]]
    names = [Month.parse(m).calendar_name for m in months]
    totals = monitoring.actual_totals
    mine = totals[totals["pod"] == pod]
    actual = dict(zip(mine["month"], mine["activity"].astype(float), strict=True))
    shown = [m for m in months if m in actual and Month.parse(m) <= monitoring.month]
    data: list[Spec] = [
        _line("Do nothing", names, list(plan["do_nothing"]), PALETTE[5], "dot"),
        _line("Plan (do something)", names, list(plan["do_something"]), PALETTE[0], "solid"),
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Actual",
            "x": [Month.parse(m).calendar_name for m in shown],
            "y": [actual[m] for m in shown],
            "line": {"color": PALETTE[1], "width": 3},
            "hovertemplate": "%{x}: %{y:,.0f}<extra>Actual</extra>",
        },
    ]
    chart = monitoring.spc.get(pod)
    if chart is not None:
        in_year = [p for p in chart.points if p.label in months]
        x = [Month.parse(p.label).calendar_name for p in in_year]
        factors = [seasonal_factor(monitoring, pod, p.label) for p in in_year]
        for name, attribute, dash in (
            ("SPC centre", "centre", "dash"),
            ("SPC upper limit", "upper", "dot"),
            ("SPC lower limit", "lower", "dot"),
        ):
            values = [getattr(p, attribute) * f for p, f in zip(in_year, factors, strict=True)]
            data.append(_line(name, x, values, "#999999", dash, width=1))
        flagged = [p for p in in_year if p.signals]
        if flagged:
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": "Special cause",
                    "x": [Month.parse(p.label).calendar_name for p in flagged],
                    "y": [actual[p.label] for p in flagged],
                    "text": [f"{p.variation.replace('_', ' ')}: {p.reason}" for p in flagged],
                    "marker": {
                        "color": SIGNAL_COLOUR,
                        "size": 13,
                        "symbol": "circle-open",
                        "line": {"width": 3},
                    },
                    "hovertemplate": "%{x}: %{text}<extra>Special cause</extra>",
                }
            )
    unit = baseline.pod(pod).unit
    title = f"{baseline.pod_name(pod)}: plan and actual by month, {monitoring.month.year}"
    description = (
        f"{baseline.pod_name(pod)} activity ({unit}s) by month: the plan's do-something trajectory, the "
        "do-nothing level, the actuals, and the SPC centre line and limits of the seasonally adjusted "
        "actuals, "
        "with special-cause months circled."
    )
    return Chart(f"chart-trajectory-{pod}", title, description, data, _layout(title, unit, height=420))


def _line(name: str, x: list[str], y: list[float], colour: str, dash: str, width: int = 2) -> Spec:
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": x,
        "y": y,
        "line": {"color": colour, "dash": dash, "width": width},
        "hovertemplate": f"%{{x}}: %{{y:,.0f}}<extra>{name}</extra>",
    }


def savings_chart(monitoring: Monitoring, basis: str) -> Chart:
    """Planned and realised savings to date, and the forecast against the plan, by scheme."""
    baseline = monitoring.baseline
    summary = summarise(monitoring.savings, "scheme", basis)
    names = [baseline.scheme_name(str(s)) for s in summary["scheme"]]
    series = (
        ("Planned to date", "planned_ytd", PALETTE[0]),
        ("Realised to date", "realised_ytd", PALETTE[1]),
        ("Planned full year", "planned_full_year", "#9bb7d4"),
        ("Forecast full year", "forecast_full_year", "#f0c08a"),
    )
    data = [
        {
            "type": "bar",
            "name": name,
            "x": names,
            "y": [float(v) for v in summary[column]],
            "marker": {"color": colour},
            "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
        }
        for name, column, colour in series
    ]
    title = f"Savings by scheme, {basis} basis, {monitoring.month.year} (£'000)"
    layout = _layout(title, "£'000, saving negative", barmode="group")
    description = (
        f"Savings planned and realised to {monitoring.month.calendar_name}, and planned and forecast for "
        "the year, by scheme."
    )
    return Chart(f"chart-savings-{basis}", title, description, data, layout)


def all_charts(monitoring: Monitoring) -> list[Chart]:
    charts = [savings_chart(monitoring, monitoring.fews.settings.basis)]
    charts += [trajectory_chart(monitoring, pod) for pod in monitoring.baseline.activity_pods]
    return charts
