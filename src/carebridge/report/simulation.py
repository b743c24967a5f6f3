"""Reports of a Monte Carlo run and of a one-way sensitivity: tidy CSV summaries, a self-contained HTML page
(plotly.js inlined, as in :mod:`carebridge.report.html`) and a JSON record of how the numbers were made.

Everything here reads a :class:`~carebridge.engine.simulate.monte_carlo.Simulation` or a
:class:`~carebridge.engine.simulate.sensitivity.Sensitivity`; nothing is computed again that they hold.

Signs are those of every table of the tool (:data:`SIGNS`): a deficit, a cost or an investment positive; a
saving, a surplus or funding negative, printed in brackets. The programme's net saving is the statement's net
line, so a net saving is negative. Inputs are shown by their labels in the scenario's words
(:func:`~carebridge.scenario.uncertain.input_labels`); the CSV files keep each input's name (its path) too.

Files of a simulation: ``simulation.html``; ``summary_<table>.csv`` for each table (its keys, then ``mean``
and one column per percentile); ``balance.csv`` (org, year, probability that do-something ≤ 0);
``net_saving.csv`` (basis, year, probability of a net saving (net < 0), mean and percentiles of the net line);
``inputs.csv`` (each uncertain input, its label, distribution, central value, percentiles of its draws);
``simulation.json``; with the risk register's pounds (:class:`~carebridge.engine.simulate.risks.RiskDraws`),
the page also shows the system position with and without the risks (a fan chart of both, a histogram of
both in the last year, a table of each risk's contribution) and ``risk_contributions.csv`` holds the
table. Of a sensitivity: ``sensitivity.html``, ``sensitivity.csv`` and ``sensitivity.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import xarray as xr

from carebridge.engine.labels import label_map
from carebridge.engine.simulate.monte_carlo import Simulation
from carebridge.engine.simulate.risks import RiskDraws
from carebridge.engine.simulate.sensitivity import Sensitivity
from carebridge.engine.simulate.summary import STAT, stat_labels
from carebridge.report.chart import PALETTE, Chart, Spec, chart_layout
from carebridge.report.html import document, figure_html, footer, header, provenance_facts, scripts
from carebridge.report.html_table import text_table
from carebridge.report.numbers import format_number
from carebridge.report.provenance import Provenance

Floats = npt.NDArray[np.float64]

SIMULATION_HTML = "simulation.html"
SENSITIVITY_HTML = "sensitivity.html"
TORNADO_BARS = 20
"""Inputs shown in the tornado chart (all are in the table)."""
SIGNS = (
    "Money in £'000, signed as every table of CareBridge: a deficit, a cost or an investment positive; a "
    "saving, a surplus or funding negative, in brackets."
)
"""The sign convention, said once on each page and before the command line's tables."""
HISTOGRAM_BINS = 60


# --- charts -----------------------------------------------------------------------------------------------


def _layout(title: str, y_title: str, **extra: Any) -> Spec:
    """The report's chart layout, with a wider left margin for the larger numbers of a simulation."""
    return chart_layout(title, y_title, **{"margin": {"l": 80, "r": 20, "t": 60, "b": 60}, **extra})


def fan_chart(
    series: xr.DataArray, percentiles: Sequence[float], chart_id: str, title: str, y_title: str
) -> Chart:
    """Bands between each pair of percentiles (lowest with highest, and inwards: P10 to P90, P25 to P75), the
    median (or the mean) as a line, by year. ``series`` is (draw, year). A band starts in the first year in
    which the draws differ: the years before any uncertain input reaches the series have none, and a series
    the same in every draw has no band at all."""
    years = [str(year) for year in series.year.values]
    values = series.transpose("draw", "year").values.astype(np.float64)
    ordered = sorted(percentiles)
    levels = np.percentile(values, ordered, axis=0) if ordered else np.empty((0, len(years)))
    first = first_varying(values)
    data: list[Spec] = []
    for band in range(len(ordered) // 2 if first is not None else 0):
        low, high = ordered[band], ordered[-1 - band]
        opacity = 0.18 + 0.14 * band
        data.append(
            {
                "type": "scatter",
                "x": years[first:],
                "y": list(levels[band][first:]),
                "mode": "lines",
                "line": {"width": 0},
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": years[first:],
                "y": list(levels[-1 - band][first:]),
                "mode": "lines",
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": f"rgba(31, 95, 153, {opacity:.2f})",
                "name": f"P{low:g} to P{high:g}",
                "hoverinfo": "skip",
            }
        )
    middle = "median" if 50.0 in ordered else "mean"
    centre = levels[ordered.index(50.0)] if middle == "median" else values.mean(axis=0)
    data.append(
        {
            "type": "scatter",
            "x": years,
            "y": list(centre),
            "mode": "lines+markers",
            "line": {"color": PALETTE[0], "width": 3},
            "name": "Median" if middle == "median" else "Mean",
            "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
        }
    )
    data.append(
        {
            "type": "scatter",
            "x": years,
            "y": list(values.mean(axis=0)) if middle == "median" else [],
            "mode": "lines",
            "line": {"color": PALETTE[1], "dash": "dot"},
            "name": "Mean",
            "showlegend": middle == "median",
            "hovertemplate": "%{x}: %{y:,.0f}<extra>Mean</extra>",
        }
    )
    pairs = [f"P{ordered[b]:g} to P{ordered[-1 - b]:g}" for b in range(len(ordered) // 2)]
    if first is None:
        spread = "every draw gives the same value, so there is no band"
    elif pairs:
        since = f" from {years[first]}" if first > 0 else ""
        before = " (before it no uncertain input reaches it: every draw is the same)" if first > 0 else ""
        spread = f"bands {' and '.join(pairs)} of the draws{since}{before}"
    else:
        spread = "no band (no pair of percentiles)"
    description = f"{title}: the {middle} by year; {spread}."
    layout = _layout(title, y_title)
    # the years in order, though a band's traces (drawn first) start later than the median's
    layout["xaxis"] = {**layout.get("xaxis", {}), "categoryorder": "array", "categoryarray": years}
    return Chart(chart_id, title, description, data, layout)


def first_varying(values: Floats) -> int | None:
    """The first column (year) of ``values`` (draw, year) in which the draws differ, or None."""
    if values.size == 0:
        return None
    spread = values.max(axis=0) - values.min(axis=0)
    scale = 1.0 + np.abs(values).max(axis=0)
    varies = np.flatnonzero(spread > 1e-9 * scale)
    return int(varies[0]) if varies.size else None


def histogram_chart(values: Sequence[float], year: str, basis: str) -> Chart:
    """The distribution of the net saving in one year over the draws, as bars (a saving negative, left of
    the line at zero)."""
    title = f"Net saving in {year}, {basis} basis: distribution over the draws (£'000)"
    drawn = np.asarray(values, dtype=np.float64)
    counts, edges = np.histogram(drawn, bins=HISTOGRAM_BINS) if drawn.size else (np.empty(0), np.empty(1))
    data = [
        {
            "type": "bar",
            "x": list((edges[:-1] + edges[1:]) / 2),
            "y": [int(count) for count in counts],
            "width": list(np.diff(edges)),
            "marker": {"color": PALETTE[0]},
            "name": "Draws",
            "hovertemplate": "%{x:,.0f}: %{y:,d} draws<extra></extra>",
        }
    ]
    layout = _layout(title, "Draws", showlegend=False, bargap=0)
    layout["xaxis"] = {"title": {"text": "£'000, a net saving negative"}, "tickformat": ",.0f"}
    layout["yaxis"]["tickformat"] = ",d"
    layout["shapes"] = [
        {"type": "line", "x0": 0, "x1": 0, "yref": "paper", "y0": 0, "y1": 1, "line": {"color": "#b03a48"}}
    ]
    share = float(np.mean(drawn < 0)) if drawn.size else 0.0
    description = (
        f"Net saving in {year} over every draw; {share:.1%} of draws are left of zero (a net saving)."
    )
    return Chart("chart-histogram", title, description, data, layout)


def tornado_chart(result: Sensitivity) -> Chart:
    """Each input's output at its low and its high percentile, as bars from the central output; the input
    with the largest swing at the top."""
    moving = [swing for swing in result.swings if swing.swing > 0]
    shown = moving[:TORNADO_BARS][::-1]
    base = result.central_output
    names = [swing.label for swing in shown]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": [getattr(swing, f"output_{end}") - base for swing in shown],
            "base": [base] * len(shown),
            "name": f"Input at P{percentile:g}",
            "marker": {"color": colour},
            "customdata": [getattr(swing, end) for swing in shown],
            "hovertemplate": "%{y} = %{customdata:,.4g}: output %{x:,.1f} from the central<extra></extra>",
        }
        for end, percentile, colour in (
            ("low", result.low_percentile, PALETTE[3]),
            ("high", result.high_percentile, PALETTE[2]),
        )
    ]
    title = f"Tornado: {result.output_label}"
    layout = _layout(title, "", barmode="overlay", height=max(360, 28 * len(shown) + 160))
    layout["yaxis"] = {"automargin": True}
    layout["xaxis"] = {"title": {"text": result.output_label}, "tickformat": ",.0f"}
    description = (
        f"Each uncertain input at its P{result.low_percentile:g} and P{result.high_percentile:g} with the "
        f"others central, the largest swing at the top; bars run from the central {result.output_label}: "
        f"{format_number(base, 'money')}."
    )
    still = len(result.swings) - len(moving)
    if still:
        description += f" {still} of the {len(result.swings)} inputs do not move it and are left out."
    return Chart("chart-tornado", title, description, data, layout)


# --- tables -----------------------------------------------------------------------------------------------


def _percent(value: float) -> str:
    return f"{value:.1%}"


def balance_table(simulation: Simulation) -> str:
    probability = simulation.balance_probability()
    years = simulation.years
    orgs = [str(org) for org in probability.org.values]
    names = label_map(probability, "org", "org_name")
    rows = [
        [names.get(org, org), *(_percent(float(probability.sel(org=org, year=y))) for y in years)]
        for org in orgs
    ]
    note = "Share of draws in which the do-something position is in balance or in surplus (zero or below)."
    return text_table("balance", "Probability of balance", note, ["Organisation", *years], rows)


def net_saving_table(simulation: Simulation) -> str:
    net = simulation.net_saving()
    summary = simulation.net_saving_summary()
    probability = simulation.net_saving_probability()
    rows = []
    for basis in [str(b) for b in net.basis.values]:
        rows.append(
            [
                f"P(net saving), {basis}",
                *(_percent(float(v)) for v in probability.sel(basis=basis).values),
            ]
        )
        for stat in summary[STAT].values:
            values = summary.sel(basis=basis, **{STAT: stat}).values
            rows.append([f"{stat}, {basis}", *(format_number(float(v), "money") for v in values)])
    cumulative = simulation.cumulative_net_saving_probability()
    note = (
        "£'000, the statement's net line: a net saving negative, in brackets. P(net saving) is the share of "
        "draws with a net saving. Over every year: "
        + ", ".join(f"{basis} {_percent(float(cumulative.sel(basis=basis)))}" for basis in net.basis.values)
    )
    return text_table("net-saving", "Net saving of the programme", note, ["", *simulation.years], rows)


def position_table(simulation: Simulation) -> str:
    summary = simulation.position_summary()
    rows = [
        [str(stat), *(format_number(float(v), "money") for v in summary.sel(**{STAT: stat}).values)]
        for stat in summary[STAT].values
    ]
    note = "£'000: a deficit positive, a surplus negative in brackets."
    return text_table("position", "System do-something position", note, ["", *simulation.years], rows)


def inputs_table(simulation: Simulation) -> str:
    rows = [
        [label, *cells]
        for label, cells in zip(simulation.input_labels(), _input_cells(simulation), strict=True)
    ]
    header = [
        "Input",
        "Distribution",
        "Central",
        "Mean of draws",
        *(f"P{p:g}" for p in simulation.percentiles),
    ]
    note = "Each uncertain input and its draws (inputs.csv also names each by its path in the scenario)."
    return text_table("inputs", "Uncertain inputs", note, header, rows)


def _input_cells(simulation: Simulation) -> list[list[str]]:
    dists = simulation.scenario.uncertainty.inputs
    summary = simulation.input_summary()
    cells = []
    for name in simulation.input_names:
        stats = [float(v) for v in summary.sel(input=name).values]
        dist = dists[name]
        text = ", ".join(
            f"{key} {value:g}" if isinstance(value, float) else f"{key} {value}"
            for key, value in dist.model_dump(exclude={"dist"}, by_alias=True, exclude_none=True).items()
        )
        cells.append([f"{dist.dist} ({text})", f"{dist.central():,.6g}", *(f"{v:,.6g}" for v in stats)])
    return cells


# --- the risk register's pounds ----------------------------------------------------------------------------

WITHOUT_COLOUR = "31, 95, 153"
WITH_COLOUR = "176, 58, 72"


def risk_fan_chart(risks: RiskDraws, percentiles: Sequence[float]) -> Chart:
    """The system's do-something position without and with the risks: for each, the band between the
    lowest and highest percentile and the median (or the mean) as a line, by year."""
    years = [str(year) for year in risks.without.year.values]
    ordered = sorted(percentiles)
    data: list[Spec] = []
    middle = "median" if 50.0 in ordered else "mean"
    for name, series, colour, dash in (
        ("without the risks", risks.without, WITHOUT_COLOUR, "solid"),
        ("with the risks", risks.with_risks, WITH_COLOUR, "dash"),
    ):
        values = series.transpose("draw", "year").values.astype(np.float64)
        if len(ordered) >= 2:
            low, high = np.percentile(values, [ordered[0], ordered[-1]], axis=0)
            band = f"P{ordered[0]:g} to P{ordered[-1]:g} {name}"
            data.append(_line(years, low, f"rgba({colour}, 0)", band, show=False))
            data.append(
                {
                    **_line(years, high, f"rgba({colour}, 0)", band, show=True),
                    "fill": "tonexty",
                    "fillcolor": f"rgba({colour}, 0.18)",
                }
            )
        centre = np.percentile(values, 50.0, axis=0) if middle == "median" else values.mean(axis=0)
        data.append(
            {
                "type": "scatter",
                "x": years,
                "y": list(centre),
                "mode": "lines+markers",
                "line": {"color": f"rgb({colour})", "width": 3, "dash": dash},
                "name": f"Median {name}" if middle == "median" else f"Mean {name}",
                "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
            }
        )
    title = "System do-something position with and without the risk register's pounds (£'000)"
    layout = _layout(title, "£'000, a deficit positive")
    layout["xaxis"] = {**layout.get("xaxis", {}), "categoryorder": "array", "categoryarray": years}
    last = years[-1] if years else ""
    means = [
        format_number(float(series.sel(year=last).mean()), "money") if last else ""
        for series in (risks.without, risks.with_risks)
    ]
    description = (
        f"{title}: the {middle} by year without the risks (solid) and with them (dashed)"
        + (
            f", each with its band P{ordered[0]:g} to P{ordered[-1]:g} of the draws"
            if len(ordered) >= 2
            else ""
        )
        + (f"; in {last} the mean moves from {means[0]} to {means[1]}." if last else ".")
    )
    return Chart("chart-fan-risks", title, description, data, layout)


def _line(years: list[str], values: Floats, colour: str, name: str, show: bool) -> Spec:
    return {
        "type": "scatter",
        "x": years,
        "y": list(values),
        "mode": "lines",
        "line": {"width": 0, "color": colour},
        "name": name,
        "showlegend": show,
        "hoverinfo": "skip",
    }


def risk_histogram_chart(risks: RiskDraws, year: str) -> Chart:
    """The system's do-something position in ``year`` over the draws, without and with the risks, as two
    overlaid histograms on the same bins."""
    without = risks.without.sel(year=year).values.astype(np.float64)
    with_them = risks.with_risks.sel(year=year).values.astype(np.float64)
    both = np.concatenate([without, with_them])
    edges = np.histogram_bin_edges(both, bins=HISTOGRAM_BINS) if both.size else np.zeros(1)
    data: list[Spec] = []
    for name, values, colour in (
        ("Without the risks", without, WITHOUT_COLOUR),
        ("With the risks", with_them, WITH_COLOUR),
    ):
        counts, _ = np.histogram(values, bins=edges) if values.size else (np.empty(0), edges)
        data.append(
            {
                "type": "bar",
                "x": list((edges[:-1] + edges[1:]) / 2),
                "y": [int(count) for count in counts],
                "width": list(np.diff(edges)),
                "marker": {"color": f"rgba({colour}, 0.55)"},
                "name": name,
                "hovertemplate": "%{x:,.0f}: %{y:,d} draws<extra>%{fullData.name}</extra>",
            }
        )
    title = f"System do-something position in {year} with and without the risks: draws (£'000)"
    layout = _layout(title, "Draws", barmode="overlay", bargap=0)
    layout["xaxis"] = {"title": {"text": "£'000, a deficit positive"}, "tickformat": ",.0f"}
    layout["yaxis"]["tickformat"] = ",d"
    layout["shapes"] = [
        {"type": "line", "x0": 0, "x1": 0, "yref": "paper", "y0": 0, "y1": 1, "line": {"color": "#333333"}}
    ]
    balance = [float(np.mean(values <= 0)) if values.size else 0.0 for values in (without, with_them)]
    description = (
        f"The system's position in {year} over every draw: in balance or surplus (zero or below) in "
        f"{balance[0]:.1%} of draws without the risks and {balance[1]:.1%} with them."
    )
    return Chart("chart-histogram-risks", title, description, data, layout)


def risk_contribution_rows(risks: RiskDraws, percentiles: Sequence[float]) -> list[dict[str, Any]]:
    """One row per risk: its organisation by name, years, best, likely and worst, the mean of its draws in a
    year and over its years, its low and high percentile in a year, and its share of the risks' mean total."""
    a_year = risks.mean_a_year()
    over = risks.mean_over_years()
    total = float(over.sum())
    ordered = sorted(percentiles)
    ends = (ordered[0], ordered[-1]) if len(ordered) >= 2 else ()
    rows = []
    for index, impact in enumerate(risks.impacts):
        drawn = risks.samples[:, index] if risks.samples.size else np.zeros(1)
        rows.append(
            {
                "risk": impact.risk,
                "title": impact.title,
                "organisation": risks.org_name(impact.org),
                "years": ", ".join(impact.years),
                "best": impact.best,
                "likely": impact.likely,
                "worst": impact.worst,
                "mean_a_year": float(a_year[index]),
                **{f"p{p:g}_a_year": float(np.percentile(drawn, p)) for p in ends},
                "mean_over_years": float(over[index]),
                "share_of_total": float(over[index]) / total if abs(total) > 1e-12 else float("nan"),
            }
        )
    return rows


def risk_contribution_table(risks: RiskDraws, percentiles: Sequence[float]) -> str:
    rows = risk_contribution_rows(risks, percentiles)
    ordered = sorted(percentiles)
    ends = (ordered[0], ordered[-1]) if len(ordered) >= 2 else ()
    header = [
        "Risk",
        "Organisation",
        "Years",
        "Best",
        "Likely",
        "Worst",
        "Mean a year",
        *(f"P{p:g} a year" for p in ends),
        "Mean over its years",
        "Share",
    ]
    cells = [
        [
            f"{row['risk']}: {row['title']}",
            row["organisation"],
            row["years"],
            *(format_number(row[key], "money") for key in ("best", "likely", "worst", "mean_a_year")),
            *(format_number(row[f"p{p:g}_a_year"], "money") for p in ends),
            format_number(row["mean_over_years"], "money"),
            "—" if row["share_of_total"] != row["share_of_total"] else _percent(row["share_of_total"]),
        ]
        for row in rows
    ]
    total = sum(row["mean_over_years"] for row in rows)
    blanks = [""] * (len(ends) + 5)
    cells.append(["All risks", "", "", *blanks, format_number(total, "money"), _percent(1.0) if rows else ""])
    source = f" from {risks.source}" if risks.source else ""
    note = (
        f"£'000, a cost positive. Each risk{source} drawn triangular (best, likely, worst) once a draw and "
        "added to its organisation's do-something position in every year it applies; the mean over its years "
        "is what it adds to the system's position over the plan, on average."
    )
    return text_table("risk-contributions", "Each risk's contribution", note, header, cells)


def risk_position_table(risks: RiskDraws, percentiles: Sequence[float]) -> str:
    """The system's do-something position by year: mean and percentiles without and with the risks, and the
    probability of balance of each."""
    years = [str(year) for year in risks.without.year.values]
    rows = []
    for name, series in (("without the risks", risks.without), ("with the risks", risks.with_risks)):
        values = series.transpose("draw", "year").values.astype(np.float64)
        rows.append([f"Mean {name}", *(format_number(float(v), "money") for v in values.mean(axis=0))])
        for p in sorted(percentiles):
            levels = np.percentile(values, p, axis=0)
            rows.append([f"P{p:g} {name}", *(format_number(float(v), "money") for v in levels)])
        rows.append([f"P(balance) {name}", *(_percent(float(v)) for v in np.mean(values <= 0, axis=0))])
    note = "£'000: a deficit positive, a surplus negative in brackets; P(balance): the share of draws ≤ 0."
    return text_table(
        "risk-position", "System do-something position with and without the risks", note, ["", *years], rows
    )


# --- pages ------------------------------------------------------------------------------------------------


def _page(
    title: str,
    lead: str,
    provenance: Provenance,
    facts: list[tuple[str, str]],
    body: list[str],
    charts: Sequence[Chart],
) -> str:
    return document(
        title,
        [
            header(title, lead, [*provenance_facts(provenance), *facts]),
            "<main>",
            '<section id="charts"><h2>Charts</h2>',
            *(figure_html(chart) for chart in charts),
            "</section>",
            f'<section id="tables"><h2>Tables</h2>{"".join(body)}</section>',
            "</main>",
            footer(provenance.carebridge_version, SIGNS),
            *scripts(charts),
        ],
    )


def simulation_charts(simulation: Simulation) -> list[Chart]:
    """The fan charts of the system position and of the net saving (both bases), and the histogram of the net
    saving in the last year."""
    net = simulation.net_saving()
    charts = [
        fan_chart(
            simulation.system_position(),
            simulation.percentiles,
            "chart-fan-position",
            "System do-something position (£'000)",
            "£'000, a deficit positive",
        )
    ]
    for basis in [str(b) for b in net.basis.values]:
        charts.append(
            fan_chart(
                net.sel(basis=basis, drop=True),
                simulation.percentiles,
                f"chart-fan-net-saving-{basis}",
                f"Net saving, {basis} basis (£'000)",
                "£'000, a net saving negative",
            )
        )
    final = simulation.years[-1]
    last = net.sel(basis="tariff", year=final).values.astype(np.float64)
    charts.append(histogram_chart(list(last), final, "tariff"))
    return charts


def render_simulation(simulation: Simulation, provenance: Provenance, risks: RiskDraws | None = None) -> str:
    scenario = simulation.scenario
    lead = (
        f"Monte Carlo run of {scenario.name}: {simulation.draws:,} draws of {len(simulation.input_names)} "
        f"uncertain inputs, seed {simulation.seed}."
    )
    if risks is not None:
        count = len(risks.impacts)
        lead += f" With {count} risk{'s' if count != 1 else ''} of the register in pounds" + (
            f" ({risks.source})." if risks.source else "."
        )
    facts = [
        ("Draws", f"{simulation.draws:,}"),
        ("Seed", str(simulation.seed)),
        ("Chunk size", f"{simulation.chunk_size:,}"),
        ("Percentiles", ", ".join(f"P{p:g}" for p in simulation.percentiles)),
    ]
    body = [
        balance_table(simulation),
        net_saving_table(simulation),
        position_table(simulation),
        inputs_table(simulation),
    ]
    charts = simulation_charts(simulation)
    if risks is not None:
        body[3:3] = [
            risk_position_table(risks, simulation.percentiles),
            risk_contribution_table(risks, simulation.percentiles),
        ]
        charts[1:1] = [
            risk_fan_chart(risks, simulation.percentiles),
            risk_histogram_chart(risks, simulation.years[-1]),
        ]
    return _page(f"{scenario.name}: uncertainty", lead, provenance, facts, body, charts)


def write_simulation_report(
    simulation: Simulation, folder: Path, provenance: Provenance, risks: RiskDraws | None = None
) -> list[Path]:
    """Write the page, the CSV summaries and ``simulation.json`` into ``folder`` (with ``risks``, the
    position with and without them on the page and ``risk_contributions.csv``); return the paths."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, summary in simulation.summaries().items():
        labels = stat_labels(simulation.percentiles)
        if summary.size == 0:  # a table the scenario has no rows of (the STP has no schemes): headers only
            dims = [str(dim) for dim in summary.dims if dim != STAT]
            frame = pd.DataFrame(columns=[*dims, *labels])
        else:
            frame = summary.to_series().unstack(STAT)[labels].reset_index()
        path = folder / f"summary_{name}.csv"
        frame.to_csv(path, index=False)
        written.append(path)
    balance = simulation.balance_probability().rename("probability_in_balance").to_dataframe().reset_index()
    written.append(_csv(balance[["org", "year", "probability_in_balance"]], folder / "balance.csv"))
    stats = simulation.net_saving_summary().to_series().unstack(STAT).reset_index()
    chance = simulation.net_saving_probability().rename("probability_net_saving").to_dataframe().reset_index()
    frame = chance[["basis", "year", "probability_net_saving"]].merge(stats, on=["basis", "year"])
    written.append(_csv(frame, folder / "net_saving.csv"))
    summary = simulation.input_summary()
    named = dict(zip(simulation.input_names, simulation.input_labels(), strict=True))
    inputs = pd.DataFrame(
        [
            {
                "input": name,
                "label": named[name],
                "distribution": simulation.scenario.uncertainty.inputs[name].dist,
                "central": simulation.scenario.uncertainty.inputs[name].central(),
                **{
                    str(stat): float(summary.sel(input=name, **{STAT: stat})) for stat in summary[STAT].values
                },
            }
            for name in simulation.input_names
        ]
    )
    written.append(_csv(inputs, folder / "inputs.csv"))
    if risks is not None:
        contributions = pd.DataFrame(risk_contribution_rows(risks, simulation.percentiles))
        written.append(_csv(contributions, folder / "risk_contributions.csv"))
    page = folder / SIMULATION_HTML
    page.write_text(render_simulation(simulation, provenance, risks), encoding="utf-8")
    written.append(page)
    record = folder / "simulation.json"
    cumulative = simulation.cumulative_net_saving_probability()
    facts = {
        **asdict(provenance),
        "draws": simulation.draws,
        "seed": simulation.seed,
        "chunk_size": simulation.chunk_size,
        "percentiles": list(simulation.percentiles),
        "uncertain_inputs": simulation.input_names,
        "signs": SIGNS,
        "probability_net_saving_over_all_years": {
            str(b): float(cumulative.sel(basis=b)) for b in cumulative.basis.values
        },
        "files": [path.name for path in [*written, record]],
    }
    if risks is not None:
        facts["risks"] = {
            "source": risks.source,
            "risks": [impact.risk for impact in risks.impacts],
            "mean_over_years": dict(
                zip(
                    [impact.risk for impact in risks.impacts],
                    map(float, risks.mean_over_years()),
                    strict=True,
                )
            ),
        }
    record.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return [*written, record]


def _csv(frame: Any, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def sensitivity_rows(result: Sensitivity) -> list[dict[str, Any]]:
    """One row per input, largest swing first."""
    return [
        {
            "rank": rank,
            "input": swing.name,
            "label": swing.label,
            "central": swing.central,
            f"p{result.low_percentile:g}": swing.low,
            f"p{result.high_percentile:g}": swing.high,
            "output_at_low": swing.output_low,
            "output_at_high": swing.output_high,
            "swing": swing.swing,
            "range_low": swing.range[0],
            "range_high": swing.range[1],
            "switching_value": swing.switching_value,
        }
        for rank, swing in enumerate(result.swings, start=1)
    ]


def render_sensitivity(result: Sensitivity, scenario_name: str, provenance: Provenance) -> str:
    rows = [
        [
            swing.label,
            f"{input_value(swing.low)} to {input_value(swing.high)}",
            format_number(swing.output_low, "money"),
            format_number(swing.output_high, "money"),
            format_number(swing.swing, "money"),
            switching_text(swing.switching_value),
            f"{input_value(swing.range[0])} to {input_value(swing.range[1])}",
        ]
        for swing in result.swings
    ]
    header = [
        "Input",
        f"P{result.low_percentile:g} to P{result.high_percentile:g}",
        "Output at low",
        "Output at high",
        "Swing",
        "Switching value",
        "Range searched",
    ]
    note = (
        f"Output: {result.output_label}; central {format_number(result.central_output, 'money')}. The "
        "switching value is where the output is zero with every other input central."
    )
    table = text_table("sensitivity", "One-way sensitivity", note, header, rows)
    lead = f"One-way sensitivity of {scenario_name}: each uncertain input moved alone, the others central."
    return _page(f"{scenario_name}: sensitivity", lead, provenance, [], [table], [tornado_chart(result)])


def write_sensitivity_report(
    result: Sensitivity, scenario_name: str, folder: Path, provenance: Provenance
) -> list[Path]:
    """Write ``sensitivity.html``, ``sensitivity.csv`` and ``sensitivity.json`` into ``folder``."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    table = _csv(pd.DataFrame(sensitivity_rows(result)), folder / "sensitivity.csv")
    page = folder / SENSITIVITY_HTML
    page.write_text(render_sensitivity(result, scenario_name, provenance), encoding="utf-8")
    record = folder / "sensitivity.json"
    facts = {
        **asdict(provenance),
        "output": result.output_label,
        "signs": SIGNS,
        "central_output": result.central_output,
        "low_percentile": result.low_percentile,
        "high_percentile": result.high_percentile,
        "files": [table.name, page.name, record.name],
    }
    record.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return [table, page, record]


def input_value(value: float) -> str:
    """An input's value as people write it: whole with separators from 1,000 (52,110), two decimals from 1
    (1.25), four significant figures below (0.01978)."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.4g}"


def switching_text(value: float | None) -> str:
    """Where the output crosses zero, or "none within range"."""
    return "none within range" if value is None else input_value(value)
