"""What the "money between the partners" page shows: for an organisation, a sector or the system, the bridge
from the schemes in a year (do-nothing gap, typed plan lines, each scheme's flows, the position from the
schemes, the plan lines the schemes do not explain, the typed do-something position) as a waterfall and
by year, the flows of the plan for that holder, and the reconciliation of the flows (model spec section 13).

Built with the report's primitives (:mod:`carebridge.report.table`, ``render_table``, ``waterfall_trace``)
from a run and its :class:`~carebridge.usecases.partners.SchemeSteps`; everything shown is in people's words
(organisation, scheme and POD names).
"""

from __future__ import annotations

from dataclasses import dataclass

import xarray as xr
from markupsafe import Markup

from carebridge.engine import Results
from carebridge.engine.finance import SYSTEM
from carebridge.engine.flows import FLOWS, SECTORS
from carebridge.report.chart import Chart
from carebridge.report.html_table import render_table
from carebridge.report.numbers import MONEY, ZERO
from carebridge.report.plan_charts import bridge_waterfall
from carebridge.report.plan_tables import FLOW_LABELS, SUBTOTAL_FLOW, flow_checks, plan_years
from carebridge.report.table import Column, FormattedTable, Row, heading, series, total, year_columns
from carebridge.scenario.names import sector
from carebridge.usecases.partners import NO_SCHEME, SchemeSteps

GAP, TYPED, POSITION, NOT_EXPLAINED, SOMETHING = (
    "schemes.do_nothing",
    "schemes.plan_lines",
    "schemes.position",
    "schemes.not_explained",
    "schemes.do_something",
)


OWN_FLOW = {
    "investment": "Investment it spends",
    "funding": "Funding received (−) or given (+)",
    "direct_saving": "Direct savings",
}
"""How a row of a flow with no counterparty and no POD reads."""
HEADINGS = {"stranded_cost": "Stranded cost (income lost + cost released, shown and not added again)"}
"""Headings of the flows table where the report's label does not fit a table of sections."""


@dataclass(frozen=True)
class Step:
    """A step of a bridge: its name, values by year and plotly measure (absolute, relative or total)."""

    name: str
    values: xr.DataArray
    measure: str


@dataclass(frozen=True)
class PartnersView:
    holder: str
    holder_name: str
    year: str
    years: tuple[str, ...]
    holders: tuple[tuple[str, str], ...]
    """Each holder's key and name, for the selector: the organisations, NHS, social care, the system."""
    chart: Chart
    bridge_table: Markup
    flows_table: Markup
    checks_table: Markup | None


def holders(results: Results) -> list[str]:
    """The holders of the positions from the schemes: each organisation, ``nhs``, ``social_care``,
    ``system``."""
    held = results.scheme_positions
    return [] if held is None else [str(h) for h in held.holder.values]


def members(results: Results, holder: str) -> list[str]:
    """The organisations a holder sums: itself, its sector's organisations, or every organisation."""
    orgs = [h for h in holders(results) if h not in (*SECTORS, SYSTEM)]
    if holder == SYSTEM:
        return orgs
    if holder in SECTORS:
        sectors = {o.id: sector(o) for o in results.scenario.organisations}
        return [org for org in orgs if sectors.get(org) == holder]
    return [holder]


def bridge_steps(results: Results, steps: SchemeSteps, holder: str) -> list[Step]:
    """The holder's bridge, by year: do-nothing gap, typed plan lines, the flows outside the schemes, each
    scheme, the position from the schemes, the plan lines not explained by the schemes, the typed
    do-something position."""
    assert results.scheme_positions is not None
    held = results.scheme_positions.sel(holder=holder).astype(float)
    by_scheme = steps.values.sel(holder=holder)

    def line(name: str) -> xr.DataArray:
        return held.sel(line=name, drop=True)

    found = [Step(results.position_label(GAP), line(GAP), "absolute")]
    found.append(Step(results.position_label(TYPED), line(TYPED), "relative"))
    for step in by_scheme.step.values:
        label = steps.names[str(step)]
        name = label if step == NO_SCHEME else f"Scheme: {label}"
        found.append(Step(name, by_scheme.sel(step=step, drop=True), "relative"))
    found.append(Step(results.position_label(POSITION), line(POSITION), "total"))
    found.append(Step(results.position_label(NOT_EXPLAINED), line(NOT_EXPLAINED), "relative"))
    found.append(Step(results.position_label(SOMETHING), line(SOMETHING), "total"))
    return found


def bridge_chart(results: Results, found: list[Step], holder: str, year: str) -> Chart:
    """The holder's bridge in ``year`` as a waterfall; a step that is zero in that year is left out."""
    kept = [s for s in found if s.measure != "relative" or abs(float(s.values.sel(year=year))) > ZERO]
    values = [float(s.values.sel(year=year)) + 0.0 for s in kept]
    label = results.org_label(holder)
    title = f"{label}: bridge from the schemes, {year} (£'000)"
    description = (
        f"Waterfall of {label}'s position in {year}: the do-nothing gap, the typed plan lines, the flows of "
        "each scheme to the position from the schemes, then the plan lines the schemes do not explain to "
        "the typed do-something position."
    )
    names, measures = [s.name for s in kept], [s.measure for s in kept]
    return bridge_waterfall(
        "chart-partner-bridge", title, description, names, values, measures, height=500, tickangle=-25
    )


def bridge_table(results: Results, found: list[Step], holder: str) -> FormattedTable:
    """The holder's bridge by year; scheme steps that are zero in every year are left out."""
    years = plan_years(results)
    rows = []
    for step in found:
        values = series(step.values, years)
        if step.measure == "relative" and all(abs(v) <= ZERO for v in values):
            continue
        rows.append(Row(step.name, values, "normal" if step.measure == "relative" else "total"))
    label = results.org_label(holder)
    return FormattedTable(
        "partner-bridge",
        f"{label}: bridge from the schemes, scheme by scheme",
        "Bridge from the schemes",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Step",
        note="A deficit is positive, a saving in brackets. Each scheme's step is the change in the flows "
        "when it is switched on after the schemes listed above it; the steps add up to the position from "
        "the schemes.",
        mirrors="model spec section 13",
    )


def flows_table(results: Results, holder: str) -> FormattedTable:
    """The flows of the plan for a holder by year: for an organisation each flow by counterparty and POD,
    for a sector or the system each flow by organisation; stranded cost a subtotal, never added again."""
    assert results.flows is not None
    flows = results.flows
    years = plan_years(results)
    width = len(years)
    orgs = members(results, holder)
    single = holder not in (*SECTORS, SYSTEM)
    rows: list[Row] = []
    added: list[Row] = []
    kinds, owners = flows.flow.values, flows.org.values
    for flow in FLOWS:
        mine = [
            i for i, (kind, org) in enumerate(zip(kinds, owners, strict=True)) if kind == flow and org in orgs
        ]
        if not mine:
            continue
        details = []
        for label, entries in _groups(results, flows, mine, single):
            values = series(flows.isel(entry=entries).sum("entry"), years)
            if any(abs(v) > ZERO for v in values):
                details.append(Row(label, values))
        if not details:
            continue
        rows.append(heading(HEADINGS.get(flow, FLOW_LABELS[flow]), width))
        rows.extend(details)
        subtotal = total(f"{FLOW_LABELS[flow].split(' (')[0]}, total", details, width)
        if len(details) > 1:
            rows.append(subtotal)
        if flow != SUBTOTAL_FLOW:
            added.append(subtotal)
    rows.append(total("Effect on the position (every flow but stranded cost)", added, width))
    label = results.org_label(holder)
    by = "counterparty and POD" if single else "organisation"
    return FormattedTable(
        "partner-flows",
        f"{label}: flows of the plan by {by}",
        "Flows",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Flow",
        note="Each flow's effect on the position, a deficit positive: paying less or releasing cost is a "
        "saving (in brackets), income lost a cost. Stranded cost is income lost plus cost released, shown "
        "and not added again.",
        mirrors="model spec section 13",
    )


def _groups(
    results: Results, flows: xr.DataArray, entries: list[int], single: bool
) -> list[tuple[str, list[int]]]:
    """The entries grouped by what a row shows: counterparty and POD (one organisation), or organisation."""
    grouped: dict[str, list[int]] = {}
    for i in entries:
        if single:
            parts = [
                results.org_label(str(flows.counterparty.values[i])) if flows.counterparty.values[i] else "",
                results.pod_label(str(flows.pod.values[i])) if flows.pod.values[i] else "",
            ]
            label = " · ".join(part for part in parts if part) or OWN_FLOW.get(str(flows.flow.values[i]), "")
        else:
            label = results.org_label(str(flows.org.values[i]))
        grouped.setdefault(label, []).append(i)
    return list(grouped.items())


def partners_view(results: Results, steps: SchemeSteps, holder: str, year: str) -> PartnersView:
    """The page for ``holder`` and ``year`` (both checked by the caller)."""
    found = bridge_steps(results, steps, holder)
    checks = flow_checks(results)
    return PartnersView(
        holder,
        results.org_label(holder),
        year,
        tuple(plan_years(results)),
        tuple((h, results.org_label(h)) for h in holders(results)),
        bridge_chart(results, found, holder, year),
        Markup(render_table(bridge_table(results, found, holder))),
        Markup(render_table(flows_table(results, holder))),
        Markup(render_table(checks)) if checks is not None else None,
    )


def scheme_changes(
    before: SchemeSteps, after: SchemeSteps, names: dict[str, str], year: str, tolerance: float = 0.5
) -> FormattedTable | None:
    """What the draft does to each partner scheme by scheme in ``year``: the change (draft − approved) in each
    scheme's step of each organisation's and the system's flows (the partners page's steps, before and
    after); schemes and organisations that did not move are left out, None when nothing moved. ``names``:
    each holder's printed name."""
    shown = [h for h in after.values.holder.values if h not in SECTORS and h in before.values.holder.values]
    steps = list(after.values.step.values) + [
        s for s in before.values.step.values if s not in after.values.step.values
    ]

    def step_of(found: SchemeSteps, step: str, holder: str) -> float:
        if step not in found.values.step.values or year not in found.values.year.values:
            return 0.0
        return float(found.values.sel(step=step, holder=holder, year=year))

    change = {
        (str(step), str(holder)): step_of(after, step, holder) - step_of(before, step, holder)
        for step in steps
        for holder in shown
    }
    moved = [s for s in map(str, steps) if any(abs(change[(s, str(h))]) > tolerance for h in shown)]
    if not moved:
        return None
    columns = [
        str(h) for h in shown if str(h) == SYSTEM or any(abs(change[(s, str(h))]) > tolerance for s in moved)
    ]
    rows = []
    for step in moved:
        label = after.names.get(step) or before.names.get(step, step)
        name = label if step == NO_SCHEME else f"Scheme: {label}"
        rows.append(Row(name, tuple(change[(step, h)] + 0.0 for h in columns)))
    rows.append(total("Change in the position from the schemes", rows, len(columns)))
    return FormattedTable(
        f"scheme-changes-{year.replace('/', '_')}",
        f"What the draft changes for each partner, scheme by scheme, {year}",
        "Changes by scheme",
        MONEY,
        tuple(Column(names.get(h, h)) for h in columns),
        tuple(rows),
        label_header="Scheme",
        note="Draft less approved: each scheme's step of the organisation's flows (money between the "
        "partners). A deficit is positive, a saving in brackets.",
        mirrors="model spec section 13",
    )
