"""Charts of the plan: the bridge of each organisation as a waterfall, and the plan lines stacked by year."""

from __future__ import annotations

from carebridge.engine.finance import SYSTEM
from carebridge.engine.results import Results
from carebridge.report.charts import PALETTE, Chart, chart_layout
from carebridge.report.formatted import format_number, organisations, plan_line_ids, plan_years, series


def waterfall(results: Results, org: str, year: str) -> tuple[list[str], list[float]]:
    """Steps of an organisation's (or the system's) bridge: do-nothing, its plan lines, do-something."""
    table = results.positions.sel(org=org, year=year)
    lines = [
        line for line in plan_line_ids(results) if org == SYSTEM or results.plan_line_orgs.get(line) == org
    ]
    names = ["Do-nothing gap", *(results.position_label(line) for line in lines), "Do-something position"]
    values = [float(table.sel(line=line)) for line in ["do_nothing", *lines, "do_something"]]
    return names, values


def organisation_bridge_chart(results: Results, org: str) -> Chart:
    year = results.bridge_year
    names, values = waterfall(results, org, year)
    trace = {
        "type": "waterfall",
        "x": names,
        "y": values,
        "measure": ["absolute", *(["relative"] * (len(values) - 2)), "total"],
        "text": [format_number(v, "money") for v in values],
        "textposition": "outside",
        "increasing": {"marker": {"color": "#b03a48"}},
        "decreasing": {"marker": {"color": "#2e8b57"}},
        "totals": {"marker": {"color": "#1f5f99"}},
        "hovertemplate": "%{x}: %{y:,.0f}<extra></extra>",
    }
    label = results.org_label(org)
    title = f"Financial bridge of {label}, {year} (£'000)"
    layout = chart_layout(title, "£'000", showlegend=False, xaxis={"automargin": True, "tickangle": -30})
    return Chart(f"chart-bridge-{org}", title, f"Waterfall of {label}'s position in {year}.", [trace], layout)


def solutions_chart(results: Results) -> Chart:
    """Plan lines stacked by year (savings below zero), with the do-something position as a line."""
    years = plan_years(results)
    table = results.positions.sel(org=SYSTEM)
    data: list[dict[str, object]] = [
        {
            "type": "bar",
            "name": results.position_label(line),
            "x": years,
            "y": list(series(table.sel(line=line), years)),
            "marker": {"color": PALETTE[i % len(PALETTE)]},
            "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
        }
        for i, line in enumerate(plan_line_ids(results))
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Do-something position",
            "x": years,
            "y": list(series(table.sel(line="do_something"), years)),
            "line": {"color": "#000000"},
        }
    )
    title = "Plan lines by year, stacked (£'000)"
    layout = chart_layout(title, "£'000", barmode="relative", height=520)
    return Chart("chart-solutions", title, "Each plan line by year; savings below zero.", data, layout)


def plan_charts(results: Results) -> list[Chart]:
    charts = [solutions_chart(results)] if results.scenario.positions.plan_lines else []
    charts += [organisation_bridge_chart(results, org) for org in organisations(results)]
    return charts
