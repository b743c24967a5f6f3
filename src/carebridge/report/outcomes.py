"""The outcomes page and the programme budgeting page (HTML, through the report's primitives), their tables
for the terminal and as CSV, and the outcomes section of the delivery pack (docs/outcomes.md).

Small numbers: every count shown (a numerator, a population) is controlled by the one rule of
:mod:`carebridge.strat.disclosure`: below 10 suppressed (``*``), others rounded to the nearest 5; a rate of a
suppressed count is suppressed with it. Each page and CSV states the rule.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from rich.table import Table

from carebridge.delivery import outcomes as oc
from carebridge.delivery import programme_budgets as pb
from carebridge.report.chart import FONT, PALETTE, Chart
from carebridge.report.html import document, figure_html, footer, header, scripts
from carebridge.report.html_table import text_table
from carebridge.report.numbers import format_number
from carebridge.version import __version__

SUPPRESSED = "*"
RAG_WORDS = {"green": "GREEN", "amber": "AMBER", "red": "RED"}
STYLE = ".rule { background: #fff6d6; border: 1px solid #e6c96b; padding: 0.5rem 0.8rem; margin: 18px 0; }"


@dataclass(frozen=True)
class TextTable:
    """A table of text already formatted: the first column heads each row."""

    id: str
    title: str
    note: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    text_columns: tuple[int, ...] = ()


def _value(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:,.{places}f}"


def _interval(lower: float | None, upper: float | None) -> str:
    return "" if lower is None or upper is None else f"{lower:,.1f} to {upper:,.1f}"


def _count(value: float | None) -> str:
    if value is None:
        return ""
    shown = oc.disclosed_count(value)
    return SUPPRESSED if shown is None else f"{shown:,.0f}"


def disclosure_statement() -> str:
    return oc.DISCLOSURE.statement()


# --- outcomes ------------------------------------------------------------------------------------------


def progress_table(measures: Sequence[tuple[oc.Measure, oc.Progress]]) -> TextTable:
    header = (
        "Measure",
        "Unit",
        "Baseline",
        "Latest",
        "Value (95% CI)",
        "Planned",
        "RAG",
        "Gap at baseline",
        "Gap latest",
        "Gap planned",
        "Gap RAG",
        "Schemes",
    )
    rows = []
    for measure, progress in measures:
        latest = progress.latest
        rows.append(
            (
                measure.name,
                measure.unit,
                f"{measure.baseline.value:,.1f} ({measure.baseline.period})",
                f"{latest.period} ({latest.status})" if latest else "no value yet",
                f"{_value(latest.value)} ({_interval(latest.lower, latest.upper)})"
                if latest and latest.lower is not None
                else _value(latest.value if latest else None),
                _value(progress.planned),
                RAG_WORDS.get(progress.rag or "", "–"),
                _value(progress.baseline_gap),
                _value(progress.latest_gap.gap if progress.latest_gap else None),
                _value(progress.gap_planned),
                RAG_WORDS.get(progress.gap_rag or "", "–"),
                ", ".join(measure.schemes),
            )
        )
    note = (
        "RAG: green at or better than the trajectory; amber worse, but its 95% interval reaches the planned "
        "value; red when the whole interval is worse. Gap: how much worse the most deprived quintile is than "
        "the average; gap RAG green at or inside the planned gap, amber between it and the baseline gap, red "
        "wider than at the baseline."
    )
    return TextTable(
        "outcomes-progress", "Outcomes against target", note, header, tuple(rows), (1, 3, 6, 10, 11)
    )


def values_table(measure: oc.Measure, results: Sequence[oc.Result]) -> TextTable:
    header = ("Period", "Group", "Count", "Population", f"Value ({measure.unit})", "95% CI", "Source")
    rows = []
    for result in results:
        hidden = result.suppressed
        group = (
            "Whole population"
            if result.breakdown == "all"
            else f"{result.breakdown.replace('_', ' ')} {result.group}"
        )
        if result.breakdown == "place":
            group = result.group
        elif result.breakdown == "comparator":
            group = f"{result.group} (comparator)"
        if result.breakdown == "quintile":
            group = f"Quintile {result.group}" + (" (most deprived)" if result.group == "1" else "")
        rows.append(
            (
                result.period,
                group,
                _count(result.numerator),
                _count(result.denominator),
                SUPPRESSED if hidden else _value(result.value),
                "" if hidden else _interval(result.lower, result.upper),
                result.status,
            )
        )
    method = {
        "proportion": "Wilson score interval",
        "crude_rate": "Byar's interval",
        "dsr": "Directly standardised to the European Standard Population 2013, Dobson's interval",
        "value": "The value and interval as published or supplied",
    }[measure.kind]
    return TextTable(
        f"outcome-{measure.id}", measure.name, f"{measure.definition}. {method}.", header, tuple(rows), (1, 6)
    )


def inequality_table(rows: Sequence[tuple[oc.Measure, oc.Inequality]]) -> TextTable:
    header = (
        "Measure",
        "Period",
        "Most deprived quintile",
        "Average",
        "Gap",
        "Slope index of inequality",
        "Slope index 95% CI",
    )
    body = tuple(
        (
            measure.name,
            item.period,
            _value(item.most_deprived),
            _value(item.average),
            _value(item.gap),
            _value(item.slope_index),
            _interval(item.slope_lower, item.slope_upper),
        )
        for measure, item in rows
    )
    note = (
        "Gap: positive when the most deprived quintile fares worse than the average. Slope index: the "
        "population-weighted line through the quintiles, least deprived end less most deprived end; its 95% "
        "interval from the quintiles' own intervals (blank where a quintile has none)."
    )
    return TextTable(
        "outcomes-inequality",
        "Inequality: the most deprived quintile and the slope index",
        note,
        header,
        body,
        (1,),
    )


# --- programme budgets --------------------------------------------------------------------------------


def benchmark_table(bench: pb.Benchmark, title: str, table_id: str) -> TextTable:
    """The benchmark by category; the outcome columns only when some category has an outcome."""
    table = _benchmark_table(bench, title, table_id)
    if any(row.outcome is not None for row in bench.rows):
        return table
    keep = range(8)
    return TextTable(
        table.id,
        table.title,
        table.note,
        tuple(table.header[i] for i in keep),
        tuple(tuple(row[i] for i in keep) for row in table.rows),
        (7,),
    )


def compact_benchmark_table(bench: pb.Benchmark, title: str, table_id: str) -> TextTable:
    """The benchmark by category narrow enough for a laptop's screen: the review flag beside the position,
    the peers' outcome in brackets beside the system's, and the quadrant in words left to the chart."""
    table = _benchmark_table(bench, title, table_id)
    with_outcomes = any(row.outcome is not None for row in bench.rows)
    rows = []
    for row in table.rows:
        position = f"{row[7]}, review" if row[11] else row[7]
        cells = (*row[:7], position)
        if with_outcomes:
            cells = (*cells, f"{row[8]} ({row[9]})" if row[8] else "")
        rows.append(cells)
    header = (*table.header[:7], "Position")
    if with_outcomes:
        header = (*header, "Outcome (peers)")
    return TextTable(table.id, table.title, table.note, header, tuple(rows), (7,))


def _benchmark_table(bench: pb.Benchmark, title: str, table_id: str) -> TextTable:
    header = (
        "Programme",
        "Spend £'000",
        f"£ per {bench.basis}",
        f"{bench.comparator[:1].upper()}{bench.comparator[1:]} £",
        "Variance £",
        "Variance %",
        "Opportunity £'000",
        "Position",
        "Outcome",
        "Peer outcome",
        "Spend and outcome",
        "Review",
    )
    rows = []
    for row in bench.rows:
        rows.append(
            (
                f"{row.code} {row.name}",
                format_number(row.spend, "money"),
                _value(row.per_head, 2),
                _value(row.comparator, 2),
                _value(row.variance_per_head, 2),
                "" if row.variance_percent is None else f"{row.variance_percent:.1f}%",
                "" if row.opportunity is None else format_number(row.opportunity, "money"),
                row.position or "",
                _value(row.outcome),
                _value(row.peer_outcome),
                row.quadrant or "",
                "review" if row.review else "",
            )
        )
    total_head = sum(row.per_head for row in bench.rows)
    total_comparator = sum(row.comparator or 0.0 for row in bench.rows)
    rows.append(
        (
            "Total",
            format_number(bench.total_spend, "money"),
            _value(total_head, 2),
            _value(total_comparator, 2),
            _value(total_head - total_comparator, 2),
            "",
            format_number(bench.total_opportunity, "money"),
            "",
            "",
            "",
            "",
            "",
        )
    )
    note = (
        f"{bench.system}, {bench.year}, against {bench.comparator}. Opportunity: the variance per "
        f"{bench.basis} times the system's {bench.basis}s, positive where the system spends more."
    )
    return TextTable(table_id, title, note, header, tuple(rows), (7, 10, 11))


# --- drawing ------------------------------------------------------------------------------------------------


def html_of(table: TextTable) -> str:
    return text_table(table.id, table.title, table.note, table.header, table.rows, table.text_columns)


def rich_of(table: TextTable) -> Table:
    drawn = Table(title=table.title, title_justify="left", title_style="bold", header_style="bold")
    for index, name in enumerate(table.header):
        drawn.add_column(name, justify="left" if index == 0 or index in table.text_columns else "right")
    for row in table.rows:
        drawn.add_row(*row, style="bold" if row[0] == "Total" else "")
    return drawn


def csv_of(table: TextTable, statement: str | None = None) -> str:
    stream = io.StringIO()
    if statement:
        stream.write(f"# {statement}\n")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return stream.getvalue()


def comparisons_table(rows: Sequence[tuple[oc.Measure, oc.Comparison]]) -> TextTable:
    header = (
        "Measure",
        "Period",
        "Area",
        "Value",
        "95% CI",
        "Against",
        "Its value",
        "Difference",
        "Compared",
        "Source",
    )
    body = tuple(
        (
            measure.name,
            item.period,
            "Whole population" if item.area == "all" else item.area,
            _value(item.value),
            _interval(item.lower, item.upper),
            item.comparator,
            _value(item.comparator_value),
            f"{item.difference:+,.1f}",
            f"{item.judgement} ({'95% CI' if item.tested else 'untested'})",
            item.status,
        )
        for measure, item in rows
    )
    note = (
        "Each value in the latest period against a comparator's (peers, the region, England). Similar when "
        "the value's 95% interval holds the comparator's value (as Fingertips compares with England); where "
        "the source gives no interval, better or worse is the direction of the difference alone, untested."
    )
    return TextTable(
        "outcomes-comparisons", "Against peers, the region and England", note, header, body, (1, 2, 5, 8, 9)
    )


def variation_table(rows: Sequence[tuple[oc.Measure, oc.Variation]]) -> TextTable:
    header = ("Measure", "Period", "Lowest", "Value", "Highest", "Value ", "Range", "Source")
    body = tuple(
        (
            measure.name,
            item.period,
            item.lowest,
            _value(item.lowest_value),
            item.highest,
            _value(item.highest_value),
            _value(item.range),
            item.status,
        )
        for measure, item in rows
    )
    return TextTable(
        "outcomes-variation",
        "Variation between places",
        "The lowest and the highest of the system's places in each period and the range between them.",
        header,
        body,
        (1, 2, 4, 7),
    )


def _latest(items: Sequence[oc.Comparison]) -> list[oc.Comparison]:
    """The comparisons of the latest period that has any (the values table holds the earlier ones)."""
    if not items:
        return []
    last = max(oc.parse_period(item.period) for item in items).label
    return [item for item in items if item.period == last]


SUMMARY_TABLES = ("outcomes-progress", "outcomes-inequality", "outcomes-comparisons", "outcomes-variation")
"""The tables the terminal prints; the values by measure follow on the page and in CSV."""


MeasureTables = tuple[
    oc.Measure,
    Sequence[oc.Result],
    Sequence[oc.Inequality],
    oc.Progress,
    Sequence[oc.Comparison],
    Sequence[oc.Variation],
]
"""A measure with its values, gaps, progress, comparisons and variation between places."""


def outcome_tables(measures: Sequence[MeasureTables]) -> list[TextTable]:
    """The progress table, the inequality table, the comparisons with peers, the region and England, the
    variation between places (each when some measure has one) and one table of values per measure."""
    tables = [progress_table([(m, p) for m, _, _, p, _, _ in measures])]
    gaps = [(m, item) for m, _, items, _, _, _ in measures for item in items]
    if gaps:
        tables.append(inequality_table(gaps))
    compared = [(m, item) for m, _, _, _, items, _ in measures for item in _latest(items)]
    if compared:
        tables.append(comparisons_table(compared))
    spread = [(m, item) for m, _, _, _, _, items in measures for item in items]
    if spread:
        tables.append(variation_table(spread))
    tables += [values_table(m, results) for m, results, _, _, _, _ in measures if results]
    return tables


def outcomes_page(name: str, source: str | None, tables: Sequence[TextTable]) -> str:
    lead = (
        "Before any discussion of money, services or targets: the health of the population, the gap "
        "between its most deprived fifth and the average, and progress against each target."
    )
    facts = [("Register", name), ("Source", source or "")]
    body = [
        header(f"Outcomes and inequalities: {name}", lead, facts),
        "<main>",
        f'<p class="rule">{escape(disclosure_statement())}</p>',
        *(html_of(table) for table in tables),
        "</main>",
        footer(
            __version__,
            "Values marked synthetic are made up to show the arithmetic; published ones come "
            "from the source named.",
        ),
    ]
    return document(f"Outcomes: {name}", body, STYLE)


def programme_tables(before: pb.Benchmark, after: pb.Benchmark | None) -> list[TextTable]:
    tables = [benchmark_table(before, f"Programme budget against {before.comparator}", "programme-before")]
    if after is not None:
        tables.append(benchmark_table(after, "After the plan's investments and savings", "programme-after"))
    return tables


def plan_changes_table(budget: pb.ProgrammeBudget) -> TextTable:
    names = dict(pb.categories_of(budget))
    rows = tuple(
        (
            change.scheme,
            f"{change.category} {names[change.category]}",
            format_number(change.investment, "money"),
            format_number(-change.saving, "money"),
        )
        for change in budget.plan
    )
    return TextTable(
        "programme-plan",
        "The plan's schemes by programme",
        "Savings negative, in brackets.",
        ("Scheme", "Programme", "Investment £'000", "Saving £'000"),
        rows,
        (1,),
    )


def after_plan_table(budget: pb.ProgrammeBudget, before: pb.Benchmark, after: pb.Benchmark) -> TextTable:
    """The variance to the comparator before and after the plan, category by category, with the schemes'
    investment and savings between (Stockport Together's Table 15: "expected expenditure variance to national
    average after investment and activity reductions", £'000)."""
    invested: dict[str, float] = {}
    saved: dict[str, float] = {}
    for change in budget.plan:
        invested[change.category] = invested.get(change.category, 0.0) + change.investment
        saved[change.category] = saved.get(change.category, 0.0) + change.saving
    later = pb.by_code(after)
    rows = []
    for row in before.rows:
        then = later[row.code]
        rows.append(
            (
                f"{row.code} {row.name}",
                "" if row.opportunity is None else format_number(row.opportunity, "money"),
                format_number(invested.get(row.code, 0.0), "money"),
                format_number(-saved.get(row.code, 0.0), "money"),
                "" if then.opportunity is None else format_number(then.opportunity, "money"),
                row.position or "",
                then.position or "",
            )
        )
    rows.append(
        (
            "Total",
            format_number(before.total_opportunity, "money"),
            format_number(sum(invested.values()), "money"),
            format_number(-sum(saved.values()), "money"),
            format_number(after.total_opportunity, "money"),
            "",
            "",
        )
    )
    note = (
        f"{before.system}'s variance to {before.comparator} as money (positive where it spends more), the "
        "plan's investment and savings (in brackets) by programme, and the variance after them. £'000."
    )
    return TextTable(
        "programme-after-plan",
        f"Variance to {before.comparator} before and after the plan",
        note,
        (
            "Programme",
            "Variance before £'000",
            "Investment £'000",
            "Savings £'000",
            "Variance after £'000",
            "Position before",
            "Position after",
        ),
        tuple(rows),
        (5, 6),
    )


def opportunity_chart(bench: pb.Benchmark) -> Chart | None:
    """The opportunity by programme as horizontal bars, £'000: right where the system spends more than the
    comparator (red), left where it spends less (green); ``None`` without a comparator."""
    rows = [r for r in bench.rows if r.opportunity is not None]
    if not rows:
        return None
    rows = rows[::-1]  # plotly draws the first bar at the bottom; the list reads top down
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "x": [round(r.opportunity or 0.0, 1) for r in rows],
            "y": [f"{r.code} {r.name}" for r in rows],
            "marker": {"color": [PALETTE[3] if (r.opportunity or 0) > 0 else PALETTE[2] for r in rows]},
            "hovertemplate": "%{y}<br>%{x:,.0f} £'000<extra></extra>",
        }
    ]
    layout = {
        "title": {"text": f"Opportunity by programme against {bench.comparator} (£'000)"},
        "font": FONT,
        "height": max(320, 24 * len(rows) + 110),
        "margin": {"l": 20, "r": 20, "t": 50, "b": 50},
        "xaxis": {"title": {"text": "£'000"}, "tickformat": ",.0f", "zeroline": True},
        "yaxis": {"automargin": True, "type": "category"},
        "showlegend": False,
        "plot_bgcolor": "#ffffff",
    }
    description = (
        f"{bench.system}'s spend per {bench.basis} less {bench.comparator}'s, times its {bench.basis}s: bars "
        "to the right (red) where it spends more — money that could be released — and to the left (green) "
        "where it spends less."
    )
    return Chart("programme-opportunity", "Opportunity by programme", description, data, layout)


def quadrant_chart(bench: pb.Benchmark) -> Chart | None:
    """Spend against outcome, each programme with an outcome a point: the spend's variance to the comparator
    (%) across, the outcome less the peers' average up (the Stockport plan's maps); ``None`` without
    outcomes."""
    rows = [r for r in bench.rows if r.outcome is not None and r.peer_outcome is not None]
    rows = [r for r in rows if r.variance_percent is not None]
    if not rows:
        return None
    data = [
        {
            "type": "scatter",
            "mode": "markers+text",
            "x": [round(r.variance_percent or 0.0, 1) for r in rows],
            "y": [round((r.outcome or 0.0) - (r.peer_outcome or 0.0), 1) for r in rows],
            "text": [r.name for r in rows],
            "textposition": "top center",
            "cliponaxis": False,
            "marker": {"size": 11, "color": [PALETTE[3] if r.review else PALETTE[0] for r in rows]},
            "hovertemplate": "%{text}<br>spend %{x}% against the comparator<br>outcome %{y} against the "
            "peers<extra></extra>",
        }
    ]
    layout = {
        "title": {"text": "Spend and outcome by programme"},
        "font": FONT,
        "margin": {"l": 70, "r": 20, "t": 60, "b": 60},
        "xaxis": {
            "title": {"text": f"Spend per {bench.basis} against {bench.comparator} (%)"},
            "zeroline": True,
        },
        "yaxis": {"title": {"text": "Outcome less the peers' average"}, "zeroline": True},
        "showlegend": False,
        "plot_bgcolor": "#ffffff",
    }
    description = (
        f"Each programme with an outcome: right of the middle line {bench.system} spends more than "
        f"{bench.comparator}; the outcome's distance from the peers' average up the page (for an SMR, above "
        "the line is worse). Review areas in red."
    )
    return Chart("programme-quadrants", "Spend and outcome by programme", description, data, layout)


def programme_page(
    budget: pb.ProgrammeBudget,
    tables: Sequence[TextTable],
    lines: Sequence[str],
    charts: Sequence[Chart] = (),
) -> str:
    lead = (
        "Spend by programme per head against the peers, the variance as money, and outcomes beside spend: "
        "where to review, where to invest."
    )
    facts = [("Benchmark", budget.name), ("Year", budget.year), ("Source", budget.source or "")]
    statuses = {area.status for area in budget.areas}
    body = [
        header(f"Programme budget: {budget.name}", lead, facts),
        "<main>",
        *(f"<p>{escape(line)}</p>" for line in lines),
        *(figure_html(chart) for chart in charts),
        *(html_of(table) for table in tables),
        "</main>",
        footer(
            __version__,
            "Money in £'000; spend per head in £. "
            + (
                "Areas marked synthetic in the file are made up to show the arithmetic."
                if "synthetic" in statuses
                else ""
            ),
        ),
        *scripts(charts),
    ]
    return document(f"Programme budget: {budget.name}", body, STYLE)


def parameter_fragment(name: str, value: float, note: str) -> str:
    """A scenario ``parameters:`` fragment naming ``value`` (£'000), for a driver formula to use."""
    quoted = note.replace("\\", "\\\\").replace('"', '\\"')
    return (
        "# Put under the scenario's parameters (docs/outcomes.md); a plan line's formula then names it.\n"
        f'parameters:\n  {name}: {{value: {value:.1f}, unit: "£\'000", note: "{quoted}"}}\n'
    )


def conclusions(bench: pb.Benchmark) -> list[str]:
    """The benchmark in words: where the system is materially above or below the comparator, and the review
    areas (a material variance with a worse outcome than the peers')."""
    above = [row.name for row in bench.rows if row.position == "above"]
    below = [row.name for row in bench.rows if row.position == "below"]
    review = [row.name for row in bench.rows if row.review]
    per_head = sum(row.per_head for row in bench.rows)
    lines = [
        f"{bench.system} spends £{per_head:,.2f} a {bench.basis} ({per_head * 100:,.0f} £'000 per 100,000), "
        f"{format_number(bench.total_spend, 'money')} £'000 in all; "
        f"against {bench.comparator} the variance is "
        f"{format_number(bench.total_opportunity, 'money')} £'000."
    ]
    if above:
        lines.append(f"Spend materially above {bench.comparator}: {', '.join(above)}.")
    if below:
        lines.append(f"Spend materially below {bench.comparator}: {', '.join(below)}.")
    if review:
        lines.append(
            f"Review areas (a material variance with a worse outcome than the peers): {', '.join(review)}."
        )
    return lines
