"""The tables of a plan's run, laid out as the sources lay them out (years across, lines down): the
positions, plan lines and bridge (Stockport Tables 1–3), the investment and funding statement and scheme
summaries (Tables 5, 6, 8), savings and activity by POD (Tables 7, 9, 21, 24, 25), the STP's do-nothing
forecast, solutions, bridges by organisation, capacity and capital, the reconciliation with published
figures, and the appraisal's summary.

Every builder reads only :class:`~carebridge.engine.Results` (and the scenario it carries) or the
:class:`~carebridge.engine.appraisal.Appraisal` computed once for the run, each array as a view (numpy with
its labels: ``Results.view``, read once per run) and each name by the results' label methods, so the tables
of ``carebridge run`` need neither xarray nor pandas; a Total line may add the rows above it, nothing else is
computed again. Signs follow the results: savings, funding and activity removed
are negative (shown in brackets), investment and gaps positive; money in £'000. Percentages are stored as
fractions (``-0.201`` is shown ``-20.1%``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from itertools import groupby
from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.finance import NET, SYSTEM, TOTAL_FUNDING, TOTAL_INVESTMENT
from carebridge.engine.flows import FLOWS, SCHEME_LINES, SECTORS
from carebridge.engine.results import Results
from carebridge.engine.view import View
from carebridge.report.appraisal import summary_table
from carebridge.report.numbers import MONEY, ZERO, Value
from carebridge.report.plan_capacity import beds_and_staff_table, workforce_table
from carebridge.report.plan_demand import cohorts_table, growth_split_table
from carebridge.report.reconcile import ReconciliationRow, reconcile
from carebridge.report.run_views import array, dataset, labelled, once, optional_array, optional_dataset
from carebridge.report.table import (
    Cells,
    Column,
    FormattedTable,
    Row,
    RowKind,
    heading,
    section,
    series,
    total,
    year_columns,
)

if TYPE_CHECKING:
    import xarray as xr

    from carebridge.engine.appraisal import Appraisal

DEFLECTION_SOURCES = ("reduction", "direct")

# ---- years shown ------------------------------------------------------------------------------------------


def plan_years(results: Results) -> list[str]:
    """The base year to the later of the last effect year and the bridge year: the years the sources print
    (Stockport 2016/17 to 2020/21)."""
    return list(once(results, "plan_years", _plan_years))


def _plan_years(results: Results) -> tuple[str, ...]:
    last = max(results.years.index(results.last_effect_year), results.years.index(results.bridge_year))
    return tuple(results.years[: last + 1])


def first_effect_year(results: Results) -> str:
    """The first year in which any scheme removes activity or saves money (the base year if none does)."""
    return once(results, "first_effect_year", _first_effect_year)


def _first_effect_year(results: Results) -> str:
    savings = array(results, "savings")
    saving = labelled(np.abs(savings.values), savings.dims, savings.labels).sum(
        [d for d in savings.dims if d != "year"]
    )
    activity = dataset(results, "activity")
    growth, reduction = activity["avoided_growth"], activity["reduction"]
    moved = labelled(np.abs(growth.values) + np.abs(reduction.values), growth.dims, growth.labels).sum("pod")
    moved_by_year = Cells(moved)
    hits = [
        str(year)
        for year, value in zip(saving.labels["year"], saving.values.tolist(), strict=True)
        if value > ZERO or moved_by_year(year=year) > ZERO
    ]
    return hits[0] if hits else results.years[0]


def effect_years(results: Results) -> list[str]:
    """The first effect year to the end of :func:`plan_years` (Stockport 2017/18 to 2020/21)."""
    years = plan_years(results)
    first = first_effect_year(results)
    return years[years.index(first) :] if first in years else years


def statement_years(results: Results) -> list[str]:
    """The years the statement counts savings in (``statement.savings_from``) to the end of
    :func:`plan_years`; the effect years when no start is set (Stockport 2018/19 to 2020/21)."""
    start = results.scenario.statement.savings_from
    years = plan_years(results)
    return years[years.index(start) :] if start in years else effect_years(results)


# ---- helpers ----------------------------------------------------------------------------------------------


def pod_savings(
    results: Results, basis: str, sources: Sequence[str], provider: str | None = None
) -> xr.DataArray:
    """Savings by (year, pod) on one basis from the given sources, for one provider or all, £'000, as a
    labelled array (the tables read :func:`savings_by_pod`, its view)."""
    chosen = results.savings.sel(basis=basis, source=list(sources))
    if provider is not None:
        chosen = chosen.sel(provider=provider)
    return chosen.sum([d for d in chosen.dims if d not in ("year", "pod")])


def savings_by_pod(results: Results, basis: str, sources: Sequence[str], provider: str | None = None) -> View:
    """Savings by (year, pod) on one basis from the given sources, for one provider or all, £'000."""
    chosen = array(results, "savings").sel(basis=basis, source=list(sources))
    if provider is not None:
        chosen = chosen.sel(provider=provider)
    return chosen.sum([d for d in chosen.dims if d not in ("year", "pod")])


def pod_rows(results: Results, values: View, years: Sequence[str]) -> list[Row]:
    """One row per POD of a (year, pod) array, leaving out PODs that are zero in every year shown."""
    rows = []
    cells = Cells(values.transpose("pod", "year"))
    for pod in values.labels["pod"]:
        row = cells.series(years, pod=pod)
        if any(abs(v) > ZERO for v in row):
            rows.append(Row(results.pod_label(str(pod)), row))
    return rows


def organisations(results: Results) -> list[str]:
    return [str(org) for org in array(results, "positions").labels["org"] if org != SYSTEM]


def plan_line_ids(results: Results) -> list[str]:
    lines = array(results, "positions").labels["line"]
    return [str(line) for line in lines if line in results.plan_line_orgs]


# ---- positions (Stockport Tables 1, 2, 3) -----------------------------------------------------------------


def do_nothing_gap(results: Results) -> FormattedTable:
    """The do-nothing gap of each organisation and their Total, by year (Stockport Table 1)."""
    years = plan_years(results)
    positions = Cells(array(results, "positions"))
    rows = [
        Row(results.org_label(org), positions.series(years, line="do_nothing", org=org))
        for org in organisations(results)
    ]
    rows.append(Row("Total", positions.series(years, line="do_nothing", org=SYSTEM), "total"))
    return FormattedTable(
        "do_nothing_gap",
        "Do-nothing financial gap by organisation",
        "Do-nothing gap",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Do-nothing gap",
        note="A deficit is positive.",
        mirrors="Stockport Table 1",
    )


def plan_lines(results: Results) -> FormattedTable:
    """The plan lines (savings programmes, programme lines, investment) and their Total
    (Stockport Table 2)."""
    years = plan_years(results)
    positions = Cells(array(results, "positions"))
    rows = [
        Row(results.position_label(line), positions.series(years, line=line, org=SYSTEM))
        for line in plan_line_ids(results)
    ]
    rows.append(total("Total", rows, len(years)))
    return FormattedTable(
        "plan_lines",
        "Planned savings programmes and other plan lines",
        "Plan lines",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        note="Savings negative, in brackets; investment positive.",
        mirrors="Stockport Table 2",
    )


def do_something_position(results: Results) -> FormattedTable:
    """Each organisation's do-something position, then the system-level plan lines, and the system's
    do-something position as Total (Stockport Table 3 = Table 1 + Table 2)."""
    years = plan_years(results)
    positions = Cells(array(results, "positions"))
    rows = [
        Row(results.org_label(org), positions.series(years, line="do_something", org=org))
        for org in organisations(results)
    ]
    allocated = set(results.allocated_lines)  # already in the organisations' positions
    system_lines = [
        line
        for line in plan_line_ids(results)
        if results.plan_line_orgs[line] == SYSTEM and line not in allocated
    ]
    rows += [
        Row(results.position_label(line), positions.series(years, line=line, org=SYSTEM))
        for line in system_lines
    ]
    rows.append(Row("Total", positions.series(years, line="do_something", org=SYSTEM), "total"))
    return FormattedTable(
        "do_something",
        "System position under the planned do-something scenario",
        "Do-something position",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        note="A deficit is positive; the system-level lines shown are not allocated to an organisation (an "
        "allocated line is in each organisation's position).",
        mirrors="Stockport Table 3",
    )


def system_bridge(results: Results) -> FormattedTable:
    """The system bridge for the bridge year: do-nothing gap, each plan line, do-something position (the
    STP's "Do Something: whole system financial bridge")."""
    year = results.bridge_year
    steps = results.bridge(year)
    ends = ("do_nothing", "do_something")
    rows = [Row(step.name, (step.value + 0.0,), "total" if step.line in ends else "normal") for step in steps]
    return FormattedTable(
        "bridge",
        f"System financial bridge, {year}",
        f"Bridge {year}",
        MONEY,
        (Column(year),),
        tuple(rows),
        label_header="Step",
        note="From the do-nothing gap to the do-something position.",
        mirrors="STP whole-system financial bridge",
    )


def statement_net(results: Results) -> FormattedTable:
    """The statement's Total net saving on the tariff and the cost basis (the last line of Stockport
    Tables 6 and 8)."""
    years = plan_years(results)
    net = array(results, "statement").sel(line=NET)
    rows = [
        Row(f"{basis.capitalize()} basis", series(net.sel(basis=basis), years))
        for basis in ("tariff", "cost")
    ]
    return FormattedTable(
        "statement_net",
        "Total net saving of the investment and funding statement",
        "Net saving",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        note="A saving is negative.",
        mirrors="Stockport Tables 6 and 8",
    )


# ---- investment, benefit and the statement (Stockport Tables 5, 6, 8) --------------------------------------


def scheme_groups(results: Results) -> dict[str, list[str]]:
    """Scheme ids by group (a scheme without a group is its own group), in the order first met."""
    groups: dict[str, list[str]] = {}
    summary = dataset(results, "scheme_summary")["investment"]
    for scheme, name, group in zip(
        summary.labels["scheme"], summary.coord("scheme_name"), summary.coord("scheme_group"), strict=True
    ):
        groups.setdefault(str(group) or str(name), []).append(str(scheme))
    return groups


def scheme_summary(results: Results, basis: str) -> FormattedTable:
    """Investment, benefit and net benefit in the last year, by scheme group, on one basis (Stockport Table 5
    on the tariff basis; the same on the cost basis)."""
    years = statement_years(results)
    last = years[-1]
    summary = dataset(results, "scheme_summary")
    columns = [
        *year_columns(years, "Investment"),
        *year_columns(years, "Benefit"),
        Column(last, "Net benefit"),
    ]
    rows = []
    for group, schemes in scheme_groups(results).items():
        chosen = {
            name: summary[name].sel(scheme=schemes).sum("scheme") for name in ("investment", "benefit", "net")
        }
        values = (
            *series(chosen["investment"], years),
            *series(chosen["benefit"].sel(basis=basis), years),
            float(chosen["net"].sel(basis=basis, year=last)) + 0.0,
        )
        rows.append(Row(group, values))
    rows.append(total("Total", rows, len(columns)))
    return FormattedTable(
        f"scheme_summary_{basis}",
        f"Investment and benefit by business case, {basis} basis",
        f"Investment and benefit ({basis})",
        MONEY,
        tuple(columns),
        tuple(rows),
        note="Benefit and net benefit negative (a saving), in brackets.",
        mirrors="Stockport Table 5" if basis == "tariff" else "Stockport Table 5, restated on the cost basis",
    )


def investment_statement(results: Results, basis: str) -> FormattedTable:
    """The investment and funding statement on one basis: investment lines, Total investment, the sources of
    funding and the savings line, Total funding, Total net saving (Stockport Table 6 on the tariff basis,
    Tables 8 and 20 on the cost basis)."""
    years = plan_years(results)
    table = array(results, "statement").sel(basis=basis)
    cells = Cells(table.transpose("line", "year"))
    totals = (TOTAL_INVESTMENT, TOTAL_FUNDING, NET)
    rows: list[Row] = []
    for line, section_name in zip(table.labels["line"], table.coord("section"), strict=True):
        if section_name == "funding" and rows[-1].kind == "total":
            rows.append(heading("Source of investment funding", len(years)))
        kind: RowKind = "total" if line in totals else "normal"
        rows.append(Row(results.statement_label(basis, str(line)), cells.series(years, line=line), kind))
    mirrors = "Stockport Table 6" if basis == "tariff" else "Stockport Tables 8 and 20"
    return FormattedTable(
        f"statement_{basis}",
        f"Investment and funding (including savings) statement, {basis} basis",
        f"Statement ({basis})",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Investment",
        note="Funding and savings negative, in brackets.",
        mirrors=mirrors,
    )


# ---- savings by POD (Stockport Tables 7, 24, 25) ----------------------------------------------------------


def cost_release_increments(results: Results) -> FormattedTable:
    """The new cost-basis saving of each year by POD, growth and deflections (reductions and direct
    savings), their totals, and the cumulative saving, from the first effect year to the end year, with a
    Total column (Stockport Table 7)."""
    start = results.years.index(first_effect_year(results))
    years = results.years[start:]
    width = len(years) + 1

    def increments(sources: Sequence[str]) -> list[Row]:
        level = savings_by_pod(results, "cost", sources)
        axis = level.dims.index("year")
        before = np.roll(level.values, 1, axis=axis)
        before[(slice(None),) * axis + (0,)] = 0.0
        rows = pod_rows(results, labelled(level.values - before, level.dims, level.labels), years)
        return [Row(row.label, (*row.values, sum(v or 0.0 for v in row.values) + 0.0)) for row in rows]

    growth, growth_total = section("Growth", increments(["avoided_growth"]), "Total growth", width)
    deflections, deflection_total = section(
        "Deflections", increments(DEFLECTION_SOURCES), "Total deflections", width
    )
    both = total("Total growth and deflections", [growth_total, deflection_total], width)
    cumulative = savings_by_pod(results, "cost", ["avoided_growth", *DEFLECTION_SOURCES]).sum("pod")
    rows = [*growth, *deflections, both, Row("Cumulative", (*series(cumulative, years), None), "total")]
    return FormattedTable(
        "cost_release",
        "Savings by POD on the cost basis: growth and deflections, new saving each year",
        "Cost release by year",
        MONEY,
        (*year_columns(years), Column("Total")),
        tuple(rows),
        label_header="Point of delivery",
        note="Each year's new saving as costs are released (variable at once, semi-fixed and fixed later).",
        mirrors="Stockport Table 7",
    )


def savings_by_source(results: Results, provider: str | None = None) -> FormattedTable:
    """Savings by POD on the cost basis, from avoided growth and from activity reductions (with direct
    savings), for all providers (Stockport Table 24, savings) or one provider (Stockport Table 25)."""
    years = effect_years(results)
    width = len(years)
    growth, growth_total = section(
        "Savings through avoided growth",
        pod_rows(results, savings_by_pod(results, "cost", ["avoided_growth"], provider), years),
        "Total avoided growth",
        width,
    )
    reductions, reduction_total = section(
        "Deflections enabling cost reduction",
        pod_rows(results, savings_by_pod(results, "cost", DEFLECTION_SOURCES, provider), years),
        "Total activity reductions",
        width,
    )
    rows = [*growth, *reductions, total("Total", [growth_total, reduction_total], width)]
    if provider is None:
        ident, owner, short, mirrors = "savings_by_pod", "", "Savings by POD", "Stockport Table 24"
    else:
        name = results.org_label(provider)
        ident, owner, short, mirrors = (
            f"savings_by_pod_{provider}",
            f" for {name}",
            f"Savings {name}",
            "Stockport Table 25",
        )
    return FormattedTable(
        ident,
        f"Savings by POD{owner}: avoided growth and activity reductions, cost basis",
        short,
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Point of delivery",
        note="Cumulative annual saving, negative, in brackets.",
        mirrors=mirrors,
    )


# ---- activity (Stockport Tables 9, 21, 24) ----------------------------------------------------------------


def activity_deflection(results: Results) -> FormattedTable:
    """Base-year activity, do-nothing activity by year, and the deflection by year as a percentage of the
    base year, by POD with a Total (Stockport Tables 9 and 23). The Total deflection is the POD percentages
    weighted by base-year activity: all activity removed over all base-year activity."""
    years = effect_years(results)
    base_year = results.years[0]
    activity = dataset(results, "activity")
    base = activity["do_nothing"].sel(year=base_year)
    do_nothing = Cells(activity["do_nothing"])
    deflection = activity["deflection_pct"]
    columns = [
        Column(base_year, "Base year"),
        *year_columns(years, "Do-nothing activity"),
        *year_columns(years, f"Deflection against {base_year}", "percent"),
    ]
    rows = []
    percent = Cells(deflection)
    for pod in base.labels["pod"]:
        values = (
            do_nothing.raw(year=base_year, pod=pod),
            *(do_nothing(year=year, pod=pod) for year in years),
            *(percent(year=year, pod=pod) / 100 for year in years),
        )
        rows.append(Row(results.pod_label(str(pod)), values))
    by_year = deflection.transpose("year", "pod")
    removed = labelled(by_year.values * base.values, by_year.dims, by_year.labels).sum("pod")
    with np.errstate(divide="ignore", invalid="ignore"):
        weighted = labelled(removed.values / float(base.sum()) / 100, ("year",), removed.labels)
    summed = total("Total", rows, 1 + len(years))
    rows.append(Row("Total", (*summed.values, *series(weighted, years)), "total"))
    return FormattedTable(
        "activity_deflection",
        "Impact of the schemes on activity: do-nothing activity and deflection",
        "Activity and deflection",
        "activity",
        tuple(columns),
        tuple(rows),
        number="activity",
        label_header="Point of delivery",
        note="Deflection negative: activity removed, against the base year.",
        mirrors="Stockport Tables 9 and 23",
    )


def activity_by_source(results: Results) -> FormattedTable:
    """Activity removed by POD: avoided growth and activity reductions, their totals and the grand total
    (Stockport Table 24, activity)."""
    years = effect_years(results)
    width = len(years)
    activity = dataset(results, "activity")
    growth, growth_total = section(
        "Growth", pod_rows(results, activity["avoided_growth"], years), "Total: avoided growth", width
    )
    reductions, reduction_total = section(
        "Deflections", pod_rows(results, activity["reduction"], years), "Total: activity reductions", width
    )
    rows = [*growth, *reductions, total("Grand total", [growth_total, reduction_total], width)]
    return FormattedTable(
        "activity_by_source",
        "Activity deflections by POD: avoided growth and activity reductions",
        "Activity avoided and reduced",
        "activity",
        tuple(year_columns(years)),
        tuple(rows),
        number="activity",
        label_header="Point of delivery",
        note="Activity removed is negative.",
        mirrors="Stockport Table 24",
    )


def provider_split(results: Results) -> FormattedTable:
    """The share of each POD's activity by provider (Stockport Table 21), as given in the scenario."""
    providers = [str(p) for p in array(results, "savings").labels["provider"]]
    split = optional_array(results, "provider_split")
    cells = None if split is None else Cells(split)
    rows = (
        []
        if split is None or cells is None
        else [
            Row(results.pod_label(str(pod)), tuple(cells.raw(pod=pod, provider=p) for p in providers))
            for pod in split.labels["pod"]
        ]
    )
    return FormattedTable(
        "provider_split",
        "Share of activity by provider",
        "Provider split",
        "%",
        tuple(Column(results.org_label(p)) for p in providers),
        tuple(rows),
        number="percent",
        label_header="Point of delivery",
        mirrors="Stockport Table 21",
    )


# ---- reconciliation ---------------------------------------------------------------------------------------


def reconciliation(results: Results) -> FormattedTable:
    """Each published figure against the computed one: computed, published and difference by year, with
    differences above the entry's tolerance flagged (the scenario's ``published`` list)."""
    lines = reconcile(results)
    years = [year for year in results.years if any(line.year == year for line in lines)]
    rows: list[Row] = []
    for _, group in groupby(lines, key=lambda line: line.entry):
        entry = {line.year: line for line in group}
        first = next(iter(entry.values()))
        flags = tuple(year in entry and entry[year].flagged for year in years)
        rows += [
            heading(f"{first.source} — {first.measure}", len(years)),
            Row("Computed", _cells(entry, years, lambda line: line.computed)),
            Row("Published", _cells(entry, years, lambda line: line.published)),
            Row("Difference", _cells(entry, years, lambda line: line.difference), "total", flags=flags),
        ]
    return FormattedTable(
        "reconciliation",
        "Reconciliation with published figures",
        "Reconciliation",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        note="Difference = computed − published; differences above the entry's tolerance are flagged.",
    )


def _cells(
    entry: dict[str, ReconciliationRow], years: Sequence[str], pick: Callable[[ReconciliationRow], float]
) -> tuple[Value, ...]:
    return tuple(pick(entry[year]) + 0.0 if year in entry else None for year in years)


# ---- money between the partners (model spec section 13) ----------------------------------------------------

FLOW_LABELS = {
    "payment": "Payment for activity",
    "income": "Income lost",
    "cost": "Cost released",
    "stranded_cost": "Stranded cost (subtotal of the two lines above, not added again)",
    "compensating_payment": "Compensating payments",
    "direct_saving": "Direct savings",
    "investment": "Investment",
    "funding": "Funding",
}
"""Printed names of the kinds of flow, in the order of :data:`~carebridge.engine.flows.FLOWS`."""
SUBTOTAL_FLOW = "stranded_cost"
CHECK_TOLERANCE = 0.5
"""A check's difference above this (£'000, half the unit printed) is flagged."""


def flow_holders(results: Results) -> list[str]:
    """The organisations whose flows the report shows: every organisation of the plan (the holders of the
    positions from the schemes), then any other organisation with a flow (an outside provider)."""
    held, flows = optional_array(results, "scheme_positions"), optional_array(results, "flows")
    if held is None or flows is None:
        return []
    inside = [str(h) for h in held.labels["holder"] if h not in (*SECTORS, SYSTEM)]
    others = sorted({str(org) for org in flows.coord("org")} - set(inside))
    return [*inside, *others]


def flow_totals(results: Results) -> View:
    """The flows summed over counterparty and POD: (flow, org, year), £'000, deficit positive, zero where an
    organisation has no flow of a kind."""
    flows = array(results, "flows").transpose("entry", "year")
    holders = flow_holders(results)
    kinds, orgs = (np.asarray(flows.extra[name][1]) for name in ("flow", "org"))
    values = flows.values
    summed = [
        [values[(kinds == flow) & (orgs == org)].sum(axis=0).tolist() for org in holders] for flow in FLOWS
    ]
    labels = {"flow": FLOWS, "org": holders, "year": flows.labels["year"]}
    return labelled(np.array(summed, dtype=float), ("flow", "org", "year"), labels)


def flows_between_partners(results: Results) -> FormattedTable | None:
    """For each year, every organisation's flows of the plan: payment, income lost, cost released, stranded
    cost (a subtotal, never added again), compensating payments, direct savings, investment and funding,
    with their effect on the position; organisations across, then the system (the organisations of the
    plan)."""
    held = optional_array(results, "scheme_positions")
    if optional_array(results, "flows") is None or held is None:
        return None
    years = plan_years(results)
    holders = flow_holders(results)
    inside = [str(h) for h in held.labels["holder"] if h not in (*SECTORS, SYSTEM)]
    totals = flow_totals(results)  # (flow, org, year): FLOWS by the holders
    by_flow = totals.values.tolist()
    system = totals.sel(org=inside).sum("org").values.tolist()
    at_year = {year: index for index, year in enumerate(totals.labels["year"])}
    width = len(holders) + 1
    rows: list[Row] = []
    for year in years:
        rows.append(heading(year, width))
        added: list[Row] = []
        column = at_year[year]
        for kind, flow in enumerate(FLOWS):
            values = tuple(float(by_org[column]) + 0.0 for by_org in by_flow[kind])
            row = Row(FLOW_LABELS[flow], (*values, float(system[kind][column]) + 0.0))
            rows.append(row)
            if flow != SUBTOTAL_FLOW:
                added.append(row)
        rows.append(total(f"Effect on the position, {year}", added, width))
    return FormattedTable(
        "flows",
        "Flows between the partners",
        "Flows",
        MONEY,
        (*(Column(results.org_label(org)) for org in holders), Column("System")),
        tuple(rows),
        label_header="Flow",
        note="Each flow's effect on the organisation's position, a deficit positive: a saving in brackets. "
        "Stranded cost is income lost plus cost released, shown as a subtotal and not added again. System is "
        "the sum of the organisations of the plan.",
        mirrors="model spec section 13",
    )


def flow_checks(results: Results) -> FormattedTable | None:
    """The checks of spec section 13 by year: computed, expected and difference, differences above half a
    £'000 flagged."""
    checks = optional_dataset(results, "flow_checks")
    return None if checks is None else checks_table(checks, plan_years(results))


def checks_table(checks: Mapping[str, View], years: Sequence[str]) -> FormattedTable:
    """:func:`flow_checks` of the views of a (check, year) dataset of computed, expected and difference."""
    width = len(years)
    rows: list[Row] = []
    computed, expected, differences = (
        Cells(checks[name].transpose("check", "year")) for name in ("computed", "expected", "difference")
    )
    first = checks["computed"]
    for check, name in zip(first.labels["check"], first.coord("name"), strict=True):
        difference = differences.series(years, check=check)
        flags = tuple(abs(v) > CHECK_TOLERANCE for v in difference)
        rows += [
            heading(str(name), width),
            Row("Computed", computed.series(years, check=check)),
            Row("Expected", expected.series(years, check=check)),
            Row("Difference", difference, "total", flags=flags),
        ]
    return FormattedTable(
        "flow_checks",
        "Reconciliation of the flows between the partners",
        "Flow checks",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Check",
        note="Difference = computed − expected; differences above half a £'000 are flagged. The last check "
        "holds when every contract is tariff at rate 1 with no compensating payment.",
        mirrors="model spec section 13, Checks",
    )


SCHEME_LINE_TOTALS = ("schemes.do_nothing", "schemes.position", "schemes.do_something")
"""The lines of a bridge from the schemes that are positions (drawn as totals), not steps."""


def scheme_bridge_holders(results: Results) -> list[str]:
    """Each organisation of the plan, then the NHS, social care and the system."""
    held = optional_array(results, "scheme_positions")
    return [] if held is None else [str(holder) for holder in held.labels["holder"]]


def scheme_bridges(results: Results) -> FormattedTable | None:
    """The bridge from the schemes of each organisation, each sector (NHS, social care) and the system, by
    year: do-nothing gap, typed plan lines, each kind of flow, the position from the schemes, the plan lines
    the schemes do not explain, and the typed do-something position."""
    held = optional_array(results, "scheme_positions")
    if held is None:
        return None
    years = plan_years(results)
    width = len(years)
    cells = Cells(held)
    rows: list[Row] = []
    for holder in scheme_bridge_holders(results):
        rows.append(heading(results.org_label(holder), width))
        for line in SCHEME_LINES:
            kind: RowKind = "total" if line in SCHEME_LINE_TOTALS else "normal"
            rows.append(
                Row(results.position_label(line), cells.series(years, line=line, holder=holder), kind)
            )
    return FormattedTable(
        "scheme_bridges",
        "Bridges from the schemes: each organisation, sector and the system",
        "Bridges from the schemes",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Bridge",
        note="A deficit is positive, a saving in brackets. Do-nothing gap + typed plan lines + the flows = "
        "the position from the schemes; + the plan lines not explained by the schemes = the typed "
        "do-something position. A sector and the system are the sums of their organisations.",
        mirrors="model spec section 13",
    )


# ---- the STP's plan-level tables ------------------------------------------------------------


def finance_forecast(results: Results) -> FormattedTable | None:
    """Income, expenditure by category, items and the gap of each organisation with finance, by year
    (the STP's "do-nothing": forecast expenditure less forecast income)."""
    finance, expenditure = optional_dataset(results, "finance"), optional_array(results, "expenditure")
    if finance is None or expenditure is None:
        return None
    years = plan_years(results)
    width = len(years)
    rows: list[Row] = []
    lines = {name: Cells(view.transpose("org", "year")) for name, view in finance.items()}
    spent = Cells(expenditure.transpose("org", "category", "year"))
    for org in finance["income"].labels["org"]:
        rows.append(heading(results.org_label(str(org)), width))
        rows.append(Row("Income", lines["income"].series(years, org=org)))
        for category in expenditure.labels["category"]:
            values = spent.series(years, org=org, category=category)
            if any(abs(v or 0.0) > 0 for v in values):
                rows.append(Row(f"Expenditure: {category}", values))
        rows.append(Row("Recurrent items", lines["recurrent_items"].series(years, org=org)))
        rows.append(Row("Recurrent (normalised) gap", lines["recurrent_gap"].series(years, org=org), "total"))
        rows.append(Row("Non-recurrent items", lines["non_recurrent_items"].series(years, org=org)))
        rows.append(Row("Do-nothing gap", lines["gap"].series(years, org=org), "total"))
    return FormattedTable(
        "finance_forecast",
        "Do-nothing forecast from income and expenditure",
        "Do-nothing forecast",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Organisation",
        note="Gap = expenditure − income + items; a deficit positive.",
        mirrors="the STP's 'Understanding the Gap – Finance'",
    )


def solutions(results: Results) -> FormattedTable | None:
    """Each plan line net by year, with its gross value and the double count removed in the last year
    (the STP's solutions table: "impact after removal of double count")."""
    plan_gross = optional_array(results, "plan_gross")
    if plan_gross is None or not results.plan_line_orgs:
        return None
    years = plan_years(results)
    last = years[-1]
    net = Cells(array(results, "positions").sel(org=SYSTEM).transpose("line", "year"))
    gross_cells = Cells(plan_gross.transpose("line", "year"))
    rows = []
    for line in plan_line_ids(results):
        gross = gross_cells.raw(line=line, year=last)
        value = net.raw(line=line, year=last)
        rows.append(Row(results.position_label(line), (*net.series(years, line=line), gross, gross - value)))
    rows.append(total("Total", rows, len(years) + 2))
    columns = (
        *year_columns(years, group="Net impact by year"),
        Column(f"Gross {last}", group="Before double count removed"),
        Column(f"Removed {last}", group="Before double count removed"),
    )
    return FormattedTable(
        "solutions",
        "Solutions: net impact by year, gross impact and double count removed",
        "Solutions",
        MONEY,
        columns,
        tuple(rows),
        label_header="Plan line",
        note="A saving negative. Net = gross less double counting with other lines.",
        mirrors="the STP's 'Quantified Solutions: Financial Impact'",
    )


def organisation_bridges(results: Results) -> FormattedTable:
    """The bridge of each organisation and of the system for the bridge year: do-nothing gap, each plan
    line (an organisation's own, and its share of each allocated system line), do-something position
    (organisations across)."""
    year = results.bridge_year
    holders = [*organisations(results), SYSTEM]
    table = array(results, "positions").sel(year=year)
    cells = Cells(table.transpose("line", "org"))
    rows = [Row("Do-nothing gap", series_across(table.sel(line="do_nothing"), holders))]
    allocated = set(results.allocated_lines)
    for line in plan_line_ids(results):
        owner = results.plan_line_orgs.get(line, SYSTEM)
        values = tuple(
            cells.raw(line=line, org=holder) if holder in (owner, SYSTEM) or line in allocated else None
            for holder in holders
        )
        rows.append(Row(results.position_label(line), values))
    rows.append(Row("Do-something position", series_across(table.sel(line="do_something"), holders), "total"))
    return FormattedTable(
        "organisation_bridges",
        f"Financial bridge by organisation, {year}",
        "Bridge by organisation",
        MONEY,
        tuple(Column(results.org_label(holder)) for holder in holders),
        tuple(rows),
        label_header=year,
        note="An allocated system line shows each organisation's share; other system-level lines appear only "
        "under System.",
    )


def capacity(results: Results) -> FormattedTable | None:
    """Bed days, beds and the WTE of each staff group that activity needs, do-nothing against do-something,
    by year (:func:`carebridge.report.plan_capacity.beds_and_staff_table`)."""
    return beds_and_staff_table(results, plan_years(results))


def workforce(results: Results) -> FormattedTable | None:
    """The baseline workforce by organisation and staff group: WTE, pay cost and agency, do-nothing against
    do-something (:func:`carebridge.report.plan_capacity.workforce_table`)."""
    return workforce_table(results, plan_years(results))


def growth_split(results: Results) -> FormattedTable | None:
    """Do-nothing growth split into demographic and non-demographic (docs/demand.md §3)."""
    return growth_split_table(results, plan_years(results))


def cohorts_over_time(results: Results) -> FormattedTable | None:
    """Cohorts' headcounts, shares and activity by year, and their declared intersections (docs/demand.md)."""
    return cohorts_table(results, plan_years(results))


def capital(results: Results) -> FormattedTable | None:
    """Capital schemes by year, and what each enables."""
    schemes = results.scenario.capital
    if not schemes:
        return None
    years = plan_years(results)
    rows = []
    for scheme in schemes:
        values = tuple(float(scheme.amount.get(year, 0.0)) for year in years)
        enables = f" (enables {', '.join(scheme.enables)})" if scheme.enables else ""
        rows.append(Row(scheme.name + enables, values))
    rows.append(total("Total capital", rows, len(years)))
    return FormattedTable(
        "capital",
        "Capital schemes",
        "Capital",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Scheme",
        note="Capital, kept apart from the revenue statement.",
    )


def series_across(values: View, holders: list[str]) -> tuple[float, ...]:
    """An (org) array's cells of ``holders``, as they are."""
    cells = Cells(values)
    return tuple(cells.raw(org=holder) for holder in holders)


DOCUMENTS = {"Stockport": ("Stockport Together",), "STP": ("STP", "Sustainability and Transformation")}
"""The published documents a table may follow the layout of (the start or a word of its ``mirrors``), and
the words of a scenario's ``source`` that say the plan is that document's."""


def layout_shown(results: Results, mirrors: str) -> str:
    """``mirrors`` when the scenario is the document it names (a Stockport table's layout on the Stockport
    Together plan), else nothing: a caption never cites another plan's document."""
    source = results.scenario.source or ""
    for document, words in DOCUMENTS.items():
        if mirrors.startswith(document) or f"{document}'s" in mirrors or f" {document} " in f" {mirrors} ":
            return mirrors if any(word in source for word in words) else ""
    return mirrors


def all_tables(results: Results, appraisal: Appraisal | None) -> list[FormattedTable]:
    """Every table of a run, in report order; the tables of schemes only when there are schemes, the
    appraisal's summary when an appraisal of the run is given, the reconciliation only when there are
    published figures."""
    schemes = bool(results.schemes)
    tables = [
        do_nothing_gap(results),
        plan_lines(results),
        do_something_position(results),
        system_bridge(results),
    ]
    found = [
        finance_forecast(results),
        solutions(results),
        organisation_bridges(results),
        scheme_bridges(results),
        flows_between_partners(results),
        flow_checks(results),
        capacity(results),
        workforce(results),
        capital(results),
    ]
    tables += [table for table in found if table is not None]
    if schemes:
        tables += [scheme_summary(results, "tariff"), scheme_summary(results, "cost")]
    tables += [investment_statement(results, "tariff"), investment_statement(results, "cost")]
    if schemes:
        tables.append(cost_release_increments(results))
    tables += [
        table
        for table in (growth_split(results), activity_deflection(results), cohorts_over_time(results))
        if table is not None
    ]
    tables.append(provider_split(results))
    if schemes:
        tables += [activity_by_source(results), savings_by_source(results)]
        tables += [
            savings_by_source(results, provider) for provider in results.scenario.report.provider_tables
        ]
    if schemes and appraisal is not None:
        tables.append(summary_table(appraisal))
    if results.scenario.published:
        tables.append(reconciliation(results))
    return [replace(table, mirrors=layout_shown(results, table.mirrors)) for table in tables]
