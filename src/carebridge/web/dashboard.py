"""What a scenario's dashboard shows, built from a run with the report's own tables and charts.

Pure functions of :class:`~carebridge.engine.Results`; rendered pieces are cached (in the app's caches) by
the SHA-256 of the scenario text and the year, so a dashboard viewed again costs no more than reading the
store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from carebridge.engine import Results
from carebridge.engine.compare import changed, compare_positions, compare_statement_net
from carebridge.engine.compare import first_changed_year as first_year_changed
from carebridge.engine.finance import SYSTEM
from carebridge.report.chart import Chart
from carebridge.report.compare import (
    SCHEME_POSITION,
    holders_year_table,
    variant_table,
    versions_table,
)
from carebridge.report.html_table import render_table
from carebridge.report.plan_charts import bridge_chart
from carebridge.report.plan_tables import (
    activity_deflection,
    do_something_position,
    scheme_summary,
    system_bridge,
)
from carebridge.report.table import FormattedTable
from carebridge.usecases.compare import compare_runs
from carebridge.usecases.planning import with_bridge_year
from carebridge.web.memo import Memo


@dataclass(frozen=True)
class Headline:
    """The headline of a holder (the system or an organisation) in a year, £'000, deficit positive: the
    do-nothing gap, the plan (every plan line: the do-something position less the gap) and the residual
    (the do-something position)."""

    holder: str
    name: str
    gap: float
    plan: float
    residual: float

    @property
    def closed(self) -> float | None:
        """The share of a deficit the plan closes (None when there is no do-nothing deficit)."""
        return -self.plan / self.gap if self.gap > 0.5 else None


def headline(results: Results, holder: str, year: str) -> Headline:
    """The gap, the plan and the residual of ``holder`` in ``year``."""
    held = results.positions.sel(org=holder, year=year)
    gap = float(held.sel(line="do_nothing")) + 0.0
    residual = float(held.sel(line="do_something")) + 0.0
    return Headline(holder, results.org_label(holder), gap, residual - gap, residual)


def headlines(results: Results, year: str, orgs: tuple[str, ...] = ()) -> list[Headline]:
    """The system's headline, then each of ``orgs`` (the user's organisations) that the plan has."""
    known = {str(org) for org in results.positions.org.values}
    return [headline(results, holder, year) for holder in (SYSTEM, *orgs) if holder in known]


def cached_headlines(
    memo: Memo[list[Headline]], results: Results, sha256: str, year: str, orgs: tuple[str, ...] = ()
) -> list[Headline]:
    """:func:`headlines`, kept by the scenario's digest, the year and the organisations."""
    return memo.get((sha256, year, orgs), lambda: headlines(results, year, orgs))


@dataclass(frozen=True)
class Dashboard:
    year: str
    years: tuple[str, ...]
    bridge: Chart
    bridge_table: Markup
    tables: tuple[Markup, ...]
    bridge_json: str = ""
    """The bridge chart as :func:`chart_json` writes it (once, with the rest of the view)."""


def dashboard_tables(results: Results) -> list[FormattedTable]:
    """Positions by organisation, activity by POD, schemes with investment and benefit."""
    tables = [do_something_position(results), activity_deflection(results)]
    if results.schemes:
        tables.append(scheme_summary(results, "tariff"))
    return tables


def chart_json(chart: Chart) -> str:
    """The chart's data and layout as JSON safe inside a ``<script type="application/json">``."""
    text = json.dumps({"id": chart.id, "data": chart.data, "layout": chart.layout}, default=float)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


Comparison = tuple[Markup, Markup, list[dict[str, Any]]]


def dashboard(memo: Memo[Dashboard], results: Results, sha256: str, year: str | None) -> Dashboard:
    """The dashboard of a run for a bridge year (default: the scenario's), cached by text and year;
    :class:`YearError` (a :class:`ValueError`) for a year outside the plan."""
    chosen = year or results.bridge_year
    drawn = with_bridge_year(results, chosen)

    def build() -> Dashboard:
        chart = bridge_chart(drawn)
        return Dashboard(
            chosen,
            tuple(results.years[1:]),
            chart,
            Markup(render_table(system_bridge(drawn))),
            tuple(Markup(render_table(table)) for table in dashboard_tables(results)),
            chart_json(chart),
        )

    return memo.get((sha256, chosen), build)


def cached_comparison(
    memo: Memo[Comparison], approved: Results, approved_sha: str, edited: Results, edited_sha: str, year: str
) -> Comparison:
    return memo.get((approved_sha, edited_sha, year), lambda: comparison(approved, edited, year))


def comparison(approved: Results, edited: Results, year: str) -> Comparison:
    """The draft against the approved plan: Table 4's layout, each organisation's change (typed and from the
    schemes: in ``year``, then by year), and the bridge steps of ``year`` side by side (approved, draft,
    change), closed by the system's position from the schemes."""
    item = compare_runs("draft", approved, edited)
    steps = []
    before = {step.line: step for step in approved.bridge(year)}
    for step in edited.bridge(year):
        old = before[step.line].value if step.line in before else 0.0
        steps.append(
            {
                "line": step.line,
                "name": step.name,
                "approved": old,
                "draft": step.value,
                "change": step.value - old,
            }
        )
    held = item.positions.sel(holder=SYSTEM, year=year)
    if SCHEME_POSITION in held.line.values:
        old, new = (float(held[part].sel(line=SCHEME_POSITION)) for part in ("base", "other"))
        name = edited.position_label(SCHEME_POSITION)
        steps.append(
            {"line": SCHEME_POSITION, "name": name, "approved": old, "draft": new, "change": new - old}
        )
    by_org = render_table(holders_year_table(item, year, "Approved", "Draft")) + render_table(
        variant_table(item)
    )
    return (
        Markup(render_table(versions_table(item, "Approved", "Draft"))),
        Markup(by_org),
        steps,
    )


BASIS_WORDS = {"tariff": "tariff basis", "cost": "cost basis"}


def statement_changes(approved: Results, edited: Results, year: str) -> list[dict[str, Any]]:
    """The net of the investment and funding statement in ``year`` by basis: approved, draft, change."""
    table = compare_statement_net(approved, edited)
    rows = []
    for basis in table.basis.values:
        cell = table.sel(basis=basis, year=year) if year in table.year.values else None
        if cell is None:
            continue
        old, new = float(cell.base) + 0.0, float(cell.other) + 0.0
        name = f"Net of investment and funding, {BASIS_WORDS.get(str(basis), str(basis))}"
        rows.append({"name": name, "approved": old, "draft": new, "change": new - old})
    return rows


def typed_notes(approved: Results, edited: Results, tolerance: float = 0.5) -> list[str]:
    """For each organisation whose position from the schemes moved while its typed do-something position
    did not: that its plan lines are typed figures the edit cannot move, said plainly."""
    table = compare_positions(approved, edited)
    if SCHEME_POSITION not in table.line.values:
        return []
    moved = changed(table, tolerance)
    lines_of: dict[str, list[str]] = {}
    computed: set[str] = set()
    for line in edited.scenario.positions.plan_lines:
        if line.org is None:
            continue
        lines_of.setdefault(line.org, []).append(line.name)
        if line.from_schemes is not None or line.formula is not None:
            computed.add(line.org)
    notes = []
    for holder in table.holder.values:
        org = str(holder)
        if org not in lines_of or org in computed:
            continue
        held = moved.sel(holder=org)
        if bool(held.sel(line=SCHEME_POSITION).any()) and not bool(held.sel(line="do_something").any()):
            step = table.difference.sel(holder=org, line=SCHEME_POSITION)
            year = next(str(y) for y in step.year.values if abs(float(step.sel(year=y))) > tolerance)
            names = ", ".join(lines_of[org])
            notes.append(
                f"{edited.org_label(org)}'s typed do-something position does not move, and no edit of a "
                f"scheme or contract can move it: its plan lines ({names}) are typed as figures, not "
                "computed from the schemes. The change shows in its position from the schemes (first in "
                f"{year}) and in the plan lines the schemes do not explain."
            )
    return notes


POSITION_LINES = ("do_something", SCHEME_POSITION)
"""The lines of a holder's position: typed, and from the schemes."""


def first_changed_year(approved: Results, edited: Results, tolerance: float = 0.5) -> str | None:
    """The first year in which any organisation's, sector's or the system's do-something position (typed or
    from the schemes) or the statement's net saving differs between two runs; else the first year any line
    of the positions differs (a contract's payments can move while the positions stay, as when a
    compensating payment makes the provider whole), if any."""
    table = compare_positions(approved, edited)
    held = table.sel(line=[line for line in POSITION_LINES if line in table.line.values])
    moved = changed(held, tolerance).any(["line", "holder"])
    net = changed(compare_statement_net(approved, edited), tolerance).any("basis")
    for year in edited.years:
        if any(year in flags.year.values and bool(flags.sel(year=year)) for flags in (moved, net)):
            return year
    return first_year_changed(approved, edited, tolerance)
