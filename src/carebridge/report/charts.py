"""Chart specifications for plotly.js, built as plain dicts (the plotly Python package is not imported).

Each :class:`Chart` is the ``data`` and ``layout`` that ``Plotly.newPlot`` takes; the HTML report serialises
them with :func:`json.dumps`. Every chart reads only :class:`~carebridge.engine.Results`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil
from typing import Any

from carebridge.engine.finance import SYSTEM
from carebridge.engine.results import Results
from carebridge.report.formatted import format_number, organisations, plan_years, pod_savings, series

PALETTE = ("#1f5f99", "#d9822b", "#2e8b57", "#b03a48", "#6c4f9c", "#7f7f7f", "#17a2b8", "#a0522d")
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}
Spec = dict[str, Any]


@dataclass(frozen=True)
class Chart:
    """A plotly.js figure: the id of its element, a title, a sentence saying what it shows, data, layout."""

    id: str
    title: str
    description: str
    data: list[Spec]
    layout: Spec = field(default_factory=dict)


def chart_layout(title: str, y_title: str, **extra: Any) -> Spec:
    return {
        "title": {"text": title},
        "font": FONT,
        "margin": {"l": 70, "r": 20, "t": 60, "b": 60},
        "yaxis": {"title": {"text": y_title}, "tickformat": ",.0f", "zeroline": True},
        "legend": {"orientation": "h", "y": -0.15},
        "plot_bgcolor": "#ffffff",
        **extra,
    }


def bridge_chart(results: Results) -> Chart:
    """The system bridge for the bridge year as a waterfall: do-nothing gap, each plan line, do-something."""
    year = results.bridge_year
    steps = results.bridge(year)
    measures = ["absolute", *(["relative"] * (len(steps) - 2)), "total"]
    trace = {
        "type": "waterfall",
        "name": year,
        "x": [step.name for step in steps],
        "y": [step.value for step in steps],
        "measure": measures,
        "text": [format_number(step.value, "money") for step in steps],
        "textposition": "outside",
        "connector": {"line": {"color": "#999999", "width": 1}},
        "increasing": {"marker": {"color": "#b03a48"}},
        "decreasing": {"marker": {"color": "#2e8b57"}},
        "totals": {"marker": {"color": "#1f5f99"}},
        "hovertemplate": "%{x}: %{y:,.0f}<extra></extra>",
    }
    title = f"System financial bridge, {year} (£'000)"
    layout = chart_layout(title, "£'000", showlegend=False, xaxis={"automargin": True, "tickangle": -30})
    description = f"Waterfall from the do-nothing gap to the do-something position in {year}."
    return Chart("chart-bridge", title, description, [trace], layout)


def activity_chart(results: Results) -> Chart:
    """Do-nothing against do-something activity by POD over the years, one small chart per POD."""
    years = plan_years(results)
    pods = [str(pod) for pod in results.activity.pod.values]
    columns = 2 if len(pods) > 1 else 1
    rows = max(1, ceil(len(pods) / columns))
    data: list[Spec] = []
    layout = chart_layout("Activity: do-nothing and do-something by POD", "")
    layout.pop("yaxis")
    layout["grid"] = {"rows": rows, "columns": columns, "pattern": "independent", "ygap": 0.35}
    layout["height"] = 260 * rows + 120
    annotations = []
    for index, pod in enumerate(pods):
        axis = "" if index == 0 else str(index + 1)
        for measure, dash, name in (
            ("do_nothing", "dot", "Do nothing"),
            ("do_something", "solid", "Do something"),
        ):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "legendgroup": measure,
                    "showlegend": index == 0,
                    "x": years,
                    "y": list(series(results.activity[measure].sel(pod=pod), years)),
                    "line": {"dash": dash, "color": PALETTE[0] if measure == "do_nothing" else PALETTE[1]},
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "hovertemplate": f"{results.pod_label(pod)} %{{x}}: %{{y:,.0f}}<extra>{name}</extra>",
                }
            )
        layout[f"yaxis{axis}"] = {"tickformat": ",.0f", "rangemode": "tozero"}
        annotations.append(
            {
                "text": f"<b>{results.pod_label(pod)}</b>",
                "xref": f"x{axis} domain",
                "yref": f"y{axis} domain",
                "x": 0.5,
                "y": 1.12,
                "showarrow": False,
            }
        )
    layout["annotations"] = annotations
    description = "Activity by point of delivery and year without the schemes (dotted) and with them (solid)."
    return Chart("chart-activity", "Activity by POD", description, data, layout)


def savings_chart(results: Results, basis: str) -> Chart:
    """Savings by POD over every modelled year on one basis, stacked (negative: a saving)."""
    saving = pod_savings(results, basis, ["avoided_growth", "reduction", "direct"])
    data = [
        {
            "type": "bar",
            "name": results.pod_label(str(pod)),
            "x": results.years,
            "y": list(series(saving.sel(pod=pod), results.years)),
            "marker": {"color": PALETTE[index % len(PALETTE)]},
            "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
        }
        for index, pod in enumerate(saving.pod.values)
    ]
    title = f"Savings by POD, {basis} basis (£'000)"
    layout = chart_layout(title, "£'000, saving negative", barmode="relative")
    description = f"Savings on the {basis} basis by point of delivery and year, stacked."
    return Chart(f"chart-savings-{basis}", title, description, data, layout)


def positions_chart(results: Results) -> Chart:
    """Do-nothing gap (dotted) and do-something position (solid) of each organisation and the system."""
    years = plan_years(results)
    data = []
    for index, org in enumerate([*organisations(results), SYSTEM]):
        colour = PALETTE[index % len(PALETTE)]
        for line, dash, what in (
            ("do_nothing", "dot", "do nothing"),
            ("do_something", "solid", "do something"),
        ):
            name = f"{results.org_label(org)}, {what}"
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "legendgroup": org,
                    "x": years,
                    "y": list(series(results.positions.sel(line=line, org=org), years)),
                    "line": {"dash": dash, "color": colour, "width": 3 if org == SYSTEM else 2},
                    "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
                }
            )
    title = "Positions by organisation: do nothing and do something (£'000)"
    layout = chart_layout(title, "£'000, deficit positive", height=520)
    description = "Each organisation's do-nothing gap (dotted) and do-something position (solid), by year."
    return Chart("chart-positions", title, description, data, layout)


def all_charts(results: Results) -> list[Chart]:
    """Every chart of the HTML report, in order; activity only when some POD has activity, savings only
    when there are schemes."""
    from carebridge.report.plan_charts import plan_charts

    charts = [bridge_chart(results), positions_chart(results), *plan_charts(results)]
    if results.activity.sizes.get("pod", 0):
        charts.append(activity_chart(results))
    if results.scenario.schemes:
        charts += [savings_chart(results, "tariff"), savings_chart(results, "cost")]
        from carebridge.engine.appraisal import AppraisalParameters, appraise
        from carebridge.report.appraisal import cumulative_chart

        charts.append(cumulative_chart(appraise(results, AppraisalParameters()), "cost"))
    return charts
