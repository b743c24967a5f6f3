"""The report's tables of capacity (docs/effects.md sections 2 and 4): the beds and bed days that activity
needs and the staff groups of ``capacity.workforce``, do-nothing against do-something; and the baseline
workforce by organisation and staff group — WTE, pay cost and agency spend — do-nothing against
do-something.

Every number is the run's (``Results.capacity``, read as views: numpy with labels); a line "do-something
less do-nothing" and the Total of several bed bases or staff groups add the lines the table shows, nothing
else is computed. Names are people's words: a bed base's, a staff group's and an organisation's name, never
an id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from carebridge.engine.results import Results
from carebridge.engine.view import View
from carebridge.report.numbers import MONEY, NumberKind
from carebridge.report.run_views import dataset, optional_dataset
from carebridge.report.table import Column, FormattedTable, Row, RowKind, heading, series, year_columns

CASES = (("do_nothing", "do-nothing"), ("do_something", "do-something"))
NO_ORGANISATION = "Organisation not given"


def _change(values: Sequence[float]) -> float:
    """The last year less the first."""
    return values[-1] - values[0] + 0.0 if values else 0.0


def _row(label: str, values: tuple[float, ...], number: NumberKind, kind: RowKind = "normal") -> Row:
    return Row(label, (*values, _change(values)), kind, number=number)


def _cases(
    label: str, measure: View, years: Sequence[str], number: NumberKind, kind: RowKind = "normal"
) -> list[Row]:
    """``label``'s do-nothing, do-something and do-something less do-nothing lines of a (case, year) array."""
    nothing = series(measure.sel(case="do_nothing"), years)
    something = series(measure.sel(case="do_something"), years)
    less = tuple(s - n + 0.0 for s, n in zip(something, nothing, strict=True))
    return [
        _row(f"{label}, do-nothing", nothing, number, kind),
        _row(f"{label}, do-something", something, number, kind),
        _row(f"{label}, do-something less do-nothing", less, number, kind),
    ]


def _names(data: Mapping[str, View], dim: str, given: dict[str, str]) -> dict[str, str]:
    """Each item of ``dim``'s name: the arrays' ``<dim>_name`` coordinate, else the scenario's."""
    named = f"{dim}_name"
    found = next(view for view in data.values() if dim in view.dims)
    items = found.labels[dim]
    if named in found.extra:
        return {str(i): str(n) for i, n in zip(items, found.coord(named), strict=True)}
    return {str(i): given.get(str(i), str(i)) for i in items}


def _capacity(results: Results) -> dict[str, View]:
    """The run's capacity as a view of each measure (none when the scenario has no capacity)."""
    return optional_dataset(results, "capacity") or {}


def beds_and_staff_table(results: Results, years: Sequence[str]) -> FormattedTable | None:
    """Bed days and beds of each bed base, and the WTE of each staff group that activity needs, do-nothing
    against do-something, by year, with the change from the first year shown (the STP: "27,906 more acute
    spells, 1,302 more staff and 267 more beds"); then each POD's do-nothing activity above the base year.
    ``None`` when the scenario has no bed base and no staff group."""
    data = _capacity(results)
    if "beds" not in data and "wte" not in data:
        return None
    capacity = results.scenario.capacity
    width = len(years) + 1
    rows: list[Row] = []
    if "beds" in data:
        names = _names(data, "bed_base", {bed.id: bed.name for bed in capacity.beds})
        for bed, name in names.items():
            rows.append(heading(name, width))
            rows += _cases("Bed days", data["bed_days"].sel(bed_base=bed), years, "activity")
            rows += _cases("Beds", data["beds"].sel(bed_base=bed), years, "activity")
        if len(names) > 1:
            rows.append(heading("All bed bases", width))
            rows += _cases("Beds", data["beds"].sum("bed_base"), years, "activity", "total")
    if "wte" in data:
        names = _names(data, "staff_group", {group.id: group.name for group in capacity.workforce})
        for group, name in names.items():
            rows.append(heading(name, width))
            rows += _cases("WTE", data["wte"].sel(staff_group=group), years, "activity")
        if len(names) > 1:
            rows.append(heading("All staff groups", width))
            rows += _cases("WTE", data["wte"].sum("staff_group"), years, "activity", "total")
    spells = dataset(results, "activity")["do_nothing"].sel(year=list(years)).transpose("year", "pod")
    growth = View(spells.values - spells.values[0], spells.dims, spells.labels)
    rows.append(heading("Do-nothing activity above the base year", width))
    for pod in spells.labels["pod"]:
        rows.append(_row(results.pod_label(str(pod)), series(growth.sel(pod=pod), years), "activity"))
    return FormattedTable(
        "capacity",
        "Beds and staff that activity needs: do-nothing against do-something",
        "Capacity",
        "beds, bed days, WTE, activity",
        (*year_columns(years), Column(f"Change from {years[0]}")),
        tuple(rows),
        number="activity",
        label_header="Resource",
        note="Bed days = activity × length of stay; beds = bed days / (days × occupancy); WTE = activity "
        "× WTE per unit. A length-of-stay effect takes bed days and beds out of the do-something, a shift "
        "moves them with its activity.",
    )


def workforce_table(results: Results, years: Sequence[str]) -> FormattedTable | None:
    """The baseline workforce of each organisation and staff group: WTE and pay cost, do-nothing against
    do-something, and the do-nothing agency spend, by year, with the change from the first year shown; then
    every organisation's together (docs/effects.md section 4). ``None`` without a workforce."""
    data = _capacity(results)
    if "staff_wte" not in data:
        return None
    width = len(years) + 1
    groups = results.scenario.workforce
    names = _names(data, "workforce_group", {group.id: group.name for group in groups})
    employer = {group.id: group.org for group in groups}
    by_org: dict[str, list[str]] = {}
    for group in names:
        org = employer.get(group)
        by_org.setdefault(results.org_label(org) if org else NO_ORGANISATION, []).append(group)
    agency = "agency_spend" in data and bool((np.abs(data["agency_spend"].values) > 0).any())
    staff = {name: data[name] for name in ("staff_wte", "pay", *(["agency_spend"] if agency else []))}
    rows: list[Row] = []

    def lines(chosen: Mapping[str, View]) -> list[Row]:
        found = [
            *_cases("WTE", chosen["staff_wte"], years, "activity"),
            *_cases("Pay cost", chosen["pay"], years, "money"),
        ]
        spend = series(chosen["agency_spend"], years) if agency else ()
        if any(abs(v) > 0 for v in spend):
            found.append(_row("Agency spend, do-nothing", spend, "money"))
        return found

    for org, members in by_org.items():
        for group in members:
            named = names[group] if org == NO_ORGANISATION else f"{org}: {names[group]}"
            one = {name: view.sel(workforce_group=group) for name, view in staff.items()}
            rows += [heading(named, width), *lines(one)]
        if len(members) > 1 and len(by_org) > 1:
            together = {
                name: view.sel(workforce_group=members).sum("workforce_group") for name, view in staff.items()
            }
            rows += [heading(f"{org}: all staff groups", width), *lines(together)]
    if len(names) > 1:
        every = {name: view.sum("workforce_group") for name, view in staff.items()}
        rows += [heading("All organisations and staff groups", width), *lines(every)]
    return FormattedTable(
        "workforce",
        "Workforce by organisation and staff group: WTE, pay cost and agency, do-nothing against "
        "do-something",
        "Workforce",
        f"WTE; pay and agency spend {MONEY}",
        (*year_columns(years), Column(f"Change from {years[0]}")),
        tuple(rows),
        number="activity",
        label_header="Organisation and staff group",
        note="WTE = base-year WTE + WTE per unit × activity above the base year + WTE per bed × beds above "
        "the base year; pay = WTE × pay per WTE × (1 + bank share × bank premium + agency share × agency "
        "premium). A workforce effect converts agency WTE to substantive, taking the agency premium out of "
        "the do-something's pay.",
    )
