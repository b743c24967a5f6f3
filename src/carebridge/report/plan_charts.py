"""Charts of a plan's run (plotly.js figures built as plain dicts, see :mod:`carebridge.report.chart`): the
system bridge and each organisation's as waterfalls, positions by organisation, the plan lines stacked,
activity by POD, savings by POD, and the appraisal's cumulative net benefit. Every chart reads only
:class:`~carebridge.engine.Results` or the :class:`~carebridge.engine.appraisal.Appraisal` of the run, the
results through their views (:meth:`~carebridge.engine.Results.view`: numpy, no xarray)."""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

import numpy as np

from carebridge.engine.appraisal import Appraisal
from carebridge.engine.finance import SYSTEM
from carebridge.engine.flows import SCHEME_LINES, SECTORS
from carebridge.engine.results import Results
from carebridge.engine.view import View
from carebridge.report.appraisal import cumulative_chart
from carebridge.report.chart import (
    END,
    FALL,
    PALETTE,
    RISE,
    YEAR_AXIS,
    YEAR_LEGEND,
    Chart,
    Spec,
    chart_layout,
)
from carebridge.report.numbers import ZERO, format_number
from carebridge.report.plan_tables import (
    SCHEME_LINE_TOTALS,
    organisations,
    plan_line_ids,
    plan_years,
)


def array_view(results: Results, name: str) -> View:
    """The view of the array field ``name`` of the run."""
    found = results.view(name)
    assert isinstance(found, View), name
    return found


def dataset_views(results: Results, name: str) -> dict[str, View]:
    """The views of the variables of the dataset field ``name`` of the run, by name."""
    found = results.view(name)
    assert isinstance(found, dict), name
    return found


def series(values: View, years: Sequence[str]) -> list[float]:
    """A (year) view's values in ``years`` as plain floats, ``-0.0`` as ``0.0``."""
    return [float(values.values[values.position("year", year)]) + 0.0 for year in years]


def waterfall_trace(names: list[str], values: list[float], measures: list[str]) -> Spec:
    """A plotly waterfall of a bridge: each step's name, value (£'000) and measure (absolute, relative,
    total); rises, falls and totals in the bridge colours, savings printed in brackets."""
    return {
        "type": "waterfall",
        "x": names,
        "y": values,
        "measure": measures,
        "text": [format_number(v, "money") for v in values],
        "textposition": "outside",
        "increasing": {"marker": {"color": RISE}},
        "decreasing": {"marker": {"color": FALL}},
        "totals": {"marker": {"color": END}},
        "hovertemplate": "%{x}: %{y:,.0f}<extra></extra>",
    }


def moving_steps(names: list[str], values: list[float]) -> tuple[list[str], list[float]]:
    """A bridge's two ends and the steps between that print as something (half a £'000 or more): a chart
    draws no bar of 0."""
    kept = [
        (name, value)
        for index, (name, value) in enumerate(zip(names, values, strict=True))
        if index in (0, len(values) - 1) or abs(value) >= SHOWN
    ]
    return [name for name, _ in kept], [value for _, value in kept]


SHOWN = 0.5
"""A step smaller than half a £'000 prints as 0 and is left out of a bridge chart."""


def bridge_chart(results: Results) -> Chart:
    """The system bridge for the bridge year as a waterfall: do-nothing gap, each plan line that is not zero
    that year, do-something."""
    year = results.bridge_year
    steps = results.bridge(year)
    names, values = moving_steps([step.name for step in steps], [step.value for step in steps])
    measures = ["absolute", *(["relative"] * (len(values) - 2)), "total"]
    trace = waterfall_trace(names, values, measures)
    trace.update(name=year, connector={"line": {"color": "#999999", "width": 1}})
    title = f"System financial bridge, {year} (£'000)"
    layout = chart_layout(title, "£'000", showlegend=False, xaxis={"automargin": True, "tickangle": -30})
    description = (
        f"Waterfall from the do-nothing gap to the do-something position in {year}; plan lines that are zero "
        "that year are left out."
    )
    return Chart("chart-bridge", title, description, [trace], layout)


def activity_chart(results: Results) -> Chart:
    """Do-nothing against do-something activity by POD over the years, one small chart per POD."""
    years = plan_years(results)
    activity = dataset_views(results, "activity")
    pods = [str(pod) for pod in activity["do_nothing"].labels["pod"]]
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
                    "y": series(activity[measure].sel(pod=pod), years),
                    "line": {"dash": dash, "color": PALETTE[0] if measure == "do_nothing" else PALETTE[1]},
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "hovertemplate": f"{results.pod_label(pod)} %{{x}}: %{{y:,.0f}}<extra>{name}</extra>",
                }
            )
        layout[f"yaxis{axis}"] = {
            "tickformat": ",.0f",
            "rangemode": "tozero",
            "title": {"text": _pod_unit(activity["do_nothing"], pod), "standoff": 4},
        }
        layout[f"xaxis{axis}"] = {"type": "category"}
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


def _pod_unit(activity: View, pod: str) -> str:
    """A POD's unit of activity (the ``pod_unit`` coordinate of a view of the activity) as an axis title
    (plural: "spells"), or "activity" when it has none."""
    units = activity.extra.get("pod_unit")
    unit = str(units[1][activity.position("pod", pod)]) if units is not None else ""
    if not unit:
        return "activity"
    if unit.endswith("s") or " " in unit:
        return unit
    return f"{unit[:-1]}ies" if unit.endswith("y") and unit[-2:-1] not in "aeiou" else f"{unit}s"


def savings_chart(results: Results, basis: str) -> Chart:
    """Savings by POD over every modelled year on one basis, stacked (negative: a saving)."""
    saving = pod_savings(results, basis, ["avoided_growth", "reduction", "direct"])
    data = [
        {
            "type": "bar",
            "name": results.pod_label(str(pod)),
            "x": results.years,
            "y": series(saving.sel(pod=pod), results.years),
            "marker": {"color": PALETTE[index % len(PALETTE)]},
            "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
        }
        for index, pod in enumerate(saving.labels["pod"])
    ]
    title = f"Savings by POD, {basis} basis (£'000)"
    layout = chart_layout(
        title, "£'000, saving negative", barmode="relative", xaxis=YEAR_AXIS, legend=YEAR_LEGEND
    )
    description = f"Savings on the {basis} basis by point of delivery and year, stacked."
    return Chart(f"chart-savings-{basis}", title, description, data, layout)


def pod_savings(results: Results, basis: str, sources: Sequence[str]) -> View:
    """Savings by year and POD on one basis from the given sources, every provider, £'000."""
    chosen = array_view(results, "savings").sel(basis=basis, source=list(sources))
    return chosen.sum([dim for dim in chosen.dims if dim not in ("year", "pod")])


def positions_chart(results: Results) -> Chart:
    """Do-nothing gap (dotted) and do-something position (solid) of each organisation and the system."""
    years = plan_years(results)
    positions = array_view(results, "positions")
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
                    "y": series(positions.sel(line=line, org=org), years),
                    "line": {"dash": dash, "color": colour, "width": 3 if org == SYSTEM else 2},
                    "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
                }
            )
    title = "Positions by organisation: do nothing and do something (£'000)"
    height = max(520, 140 + 24 * len(data))  # the legend's lines, all in view
    layout = chart_layout(
        title, "£'000, deficit positive", height=height, xaxis=YEAR_AXIS, legend=YEAR_LEGEND
    )
    description = "Each organisation's do-nothing gap (dotted) and do-something position (solid), by year."
    return Chart("chart-positions", title, description, data, layout)


def waterfall(results: Results, org: str, year: str) -> tuple[list[str], list[float]]:
    """Steps of an organisation's (or the system's) bridge: do-nothing, its own plan lines and its share of
    each allocated system line (model spec section 13), do-something. The steps add up from the do-nothing
    gap to the do-something position of the positions table."""
    table = array_view(results, "positions").sel(org=org, year=year)
    allocated = set(results.allocated_lines)
    lines = [
        line
        for line in plan_line_ids(results)
        if org == SYSTEM or results.plan_line_orgs.get(line) == org or line in allocated
    ]
    names = ["Do-nothing gap", *(results.position_label(line) for line in lines), "Do-something position"]
    steps = ["do_nothing", *lines, "do_something"]
    values = [float(table.values[table.position("line", line)]) for line in steps]
    return names, values


def organisation_bridge_chart(results: Results, org: str) -> Chart:
    year = results.bridge_year
    names, values = moving_steps(*waterfall(results, org, year))
    trace = waterfall_trace(names, values, ["absolute", *(["relative"] * (len(values) - 2)), "total"])
    label = results.org_label(org)
    title = f"Financial bridge of {label}, {year} (£'000)"
    layout = chart_layout(title, "£'000", showlegend=False, xaxis={"automargin": True, "tickangle": -30})
    description = (
        f"Waterfall of {label}'s position in {year}; plan lines that are zero that year are left out."
    )
    return Chart(f"chart-bridge-{org}", title, description, [trace], layout)


def scheme_waterfall(results: Results, holder: str, year: str) -> tuple[list[str], list[float], list[str]]:
    """Steps of the bridge from the schemes of a holder (an organisation, ``nhs``, ``social_care`` or the
    system) in a year: names, values and plotly measures; the positions are totals, each line a step, and a
    line that is zero is left out."""
    held = array_view(results, "scheme_positions").sel(holder=holder, year=year)
    names, values, measures = [], [], []
    for line in SCHEME_LINES:
        value = float(held.values[held.position("line", line)]) + 0.0
        if line in SCHEME_LINE_TOTALS:
            measure = "absolute" if line == "schemes.do_nothing" else "total"
        elif abs(value) > ZERO:
            measure = "relative"
        else:
            continue
        names.append(results.position_label(line))
        values.append(value)
        measures.append(measure)
    return names, values, measures


def scheme_bridge_chart(results: Results, holder: str) -> Chart:
    """The bridge from the schemes of a sector or the system for the bridge year, as a waterfall."""
    year = results.bridge_year
    names, values, measures = scheme_waterfall(results, holder, year)
    label = results.org_label(holder)
    description = (
        f"Waterfall of {label}: the do-nothing gap, the typed plan lines and each flow of the schemes to the "
        "position from the schemes, then the plan lines the schemes do not explain to the typed "
        f"do-something position, {year}."
    )
    title = f"Bridge from the schemes: {label}, {year} (£'000)"
    return bridge_waterfall(f"chart-scheme-bridge-{holder}", title, description, names, values, measures)


def bridge_waterfall(
    chart_id: str,
    title: str,
    description: str,
    names: list[str],
    values: list[float],
    measures: list[str],
    height: int = 520,
    tickangle: int = -30,
) -> Chart:
    """A bridge from the schemes as a waterfall in £'000, connectors drawn, names slanted to fit."""
    trace = waterfall_trace(names, values, measures)
    trace["connector"] = {"line": {"color": "#999999", "width": 1}}
    layout = chart_layout(
        title, "£'000", showlegend=False, height=height, xaxis={"automargin": True, "tickangle": tickangle}
    )
    return Chart(chart_id, title, description, [trace], layout)


def solutions_chart(results: Results) -> Chart:
    """Plan lines stacked by year (savings below zero), with the do-something position as a line."""
    years = plan_years(results)
    table = array_view(results, "positions").sel(org=SYSTEM)
    data: list[dict[str, object]] = [
        {
            "type": "bar",
            "name": results.position_label(line),
            "x": years,
            "y": series(table.sel(line=line), years),
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
            "y": series(table.sel(line="do_something"), years),
            "line": {"color": "#000000"},
            "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
        }
    )
    title = "Plan lines by year, stacked (£'000)"
    layout = chart_layout(
        title, "£'000, saving negative", barmode="relative", height=520, xaxis=YEAR_AXIS, legend=YEAR_LEGEND
    )
    return Chart("chart-solutions", title, "Each plan line by year; savings below zero.", data, layout)


def all_charts(results: Results, appraisal: Appraisal | None) -> list[Chart]:
    """Every chart of the report's page, in order; the bridges from the schemes of the system and each
    sector that holds something in the bridge year; activity only when some POD has activity, savings and
    the appraisal's cumulative net benefit only when there are schemes."""
    charts = [bridge_chart(results), positions_chart(results)]
    if results.plan_line_orgs:
        charts.append(solutions_chart(results))
    charts += [organisation_bridge_chart(results, org) for org in organisations(results)]
    if results.plan_flows is not None:
        bridge_year = array_view(results, "scheme_positions").sel(year=results.bridge_year)
        held = [
            holder
            for holder in (SYSTEM, *SECTORS)
            if np.abs(bridge_year.sel(holder=holder).values).max() > ZERO
        ]
        charts += [scheme_bridge_chart(results, holder) for holder in held]
    if any(view.sizes.get("pod", 0) for view in dataset_views(results, "activity").values()):
        charts.append(activity_chart(results))
    if results.schemes:
        charts += [savings_chart(results, "tariff"), savings_chart(results, "cost")]
        if appraisal is not None:
            charts.append(cumulative_chart(appraisal, "cost"))
    return charts
