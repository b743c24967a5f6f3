"""Tables of the plan-level results: the do-nothing forecast from income and expenditure, the solutions
(gross, double count removed, net), the bridge by organisation, capacity and capital (STP layouts)."""

from __future__ import annotations

from carebridge.engine.finance import SYSTEM
from carebridge.engine.results import Results
from carebridge.report.formatted import (
    MONEY,
    Column,
    FormattedTable,
    Row,
    heading,
    organisations,
    plan_line_ids,
    plan_years,
    series,
    total,
    year_columns,
)


def finance_forecast(results: Results) -> FormattedTable | None:
    """Income, expenditure by category, items and the gap of each organisation with finance, by year
    (the STP's "do-nothing": forecast expenditure less forecast income)."""
    if results.finance is None or results.expenditure is None:
        return None
    years = plan_years(results)
    width = len(years)
    rows: list[Row] = []
    for org in results.finance.org.values:
        table = results.finance.sel(org=org)
        rows.append(heading(results.org_label(str(org)), width))
        rows.append(Row("Income", series(table.income, years)))
        spend = results.expenditure.sel(org=org)
        for category in spend.category.values:
            values = series(spend.sel(category=category), years)
            if any(abs(v or 0.0) > 0 for v in values):
                rows.append(Row(f"Expenditure: {category}", values))
        rows.append(Row("Recurrent items", series(table.recurrent_items, years)))
        rows.append(Row("Recurrent (normalised) gap", series(table.recurrent_gap, years), "total"))
        rows.append(Row("Non-recurrent items", series(table.non_recurrent_items, years)))
        rows.append(Row("Do-nothing gap", series(table.gap, years), "total"))
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
    if results.plan_gross is None or not results.scenario.positions.plan_lines:
        return None
    years = plan_years(results)
    last = years[-1]
    net = results.positions.sel(org=SYSTEM)
    rows = []
    for line in plan_line_ids(results):
        gross = float(results.plan_gross.sel(line=line, year=last))
        value = float(net.sel(line=line, year=last))
        rows.append(
            Row(results.position_label(line), (*series(net.sel(line=line), years), gross, gross - value))
        )
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
    line, do-something position (organisations across)."""
    year = results.bridge_year
    holders = [*organisations(results), SYSTEM]
    table = results.positions.sel(year=year)
    rows = [Row("Do-nothing gap", series_across(table.sel(line="do_nothing"), holders))]
    for line in plan_line_ids(results):
        owner = results.plan_line_orgs.get(line, SYSTEM)
        values = tuple(
            float(table.sel(line=line, org=holder)) if holder in (owner, SYSTEM) else None
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
        note="System-level lines appear only under System.",
    )


def series_across(values: object, holders: list[str]) -> tuple[float, ...]:
    from xarray import DataArray

    assert isinstance(values, DataArray)
    return tuple(float(values.sel(org=holder)) for holder in holders)


def capacity(results: Results) -> FormattedTable | None:
    """Bed days, beds and WTE that activity needs, do-nothing and do-something, by year, with the change
    from the base year (the STP: "27,906 more acute spells, 1,302 more staff and 267 more beds")."""
    data = results.capacity
    if not data.data_vars:
        return None
    years = plan_years(results)
    rows: list[Row] = []
    measures = [
        ("bed_days", "bed_base", "bed days"),
        ("beds", "bed_base", "beds"),
        ("wte", "staff_group", "WTE"),
    ]
    for measure, dim, unit in measures:
        if measure not in data:
            continue
        for item in data[measure][dim].values:
            for case in ("do_nothing", "do_something"):
                values = data[measure].sel({dim: item, "case": case})
                row = series(values, years)
                change = (row[-1] or 0.0) - (row[0] or 0.0)
                label = f"{item}: {unit}, {case.replace('_', '-')}"
                rows.append(Row(label, (*row, change), number="activity"))
    spells = results.activity.do_nothing.sel(year=years)
    growth = spells - spells.isel(year=0)
    for pod in spells.pod.values:
        row = series(growth.sel(pod=pod), years)
        rows.append(
            Row(
                f"{results.pod_label(str(pod))}: do-nothing activity above the base year",
                (*row, row[-1]),
                number="activity",
            )
        )
    return FormattedTable(
        "capacity",
        "Capacity that activity needs: beds and workforce",
        "Capacity",
        "beds, bed days, WTE, activity",
        (*year_columns(years), Column("Change")),
        tuple(rows),
        number="activity",
        label_header="Resource",
        note="Bed days = activity × length of stay; beds = bed days / (days × occupancy); "
        "WTE = activity × WTE per unit.",
    )


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


def plan_tables(results: Results) -> list[FormattedTable]:
    """The plan-level tables that apply to this scenario."""
    found = [
        finance_forecast(results),
        solutions(results),
        organisation_bridges(results),
        capacity(results),
        capital(results),
    ]
    return [table for table in found if table is not None]
