"""The report's tables of demand (docs/demand.md): the do-nothing growth of each POD split into its
demographic and non-demographic parts (§3), and the cohorts whose share of a POD changes over the years or
that overlap (§4, §5), with the activity each holds.

The growth split is the run's own (``demographic_growth`` and ``non_demographic_growth`` of
``Results.activity``); the table adds the base year's activity to them, which gives the do-nothing activity
exactly. Cohorts' shares and headcounts by year are the run's own (``Results.cohort_share`` and
``cohort_headcount``); a cohort's activity is its share times the do-nothing activity (docs/demand.md
§4, ``CA = cs · AD``). Names are people's words: POD names from the results, cohort names from the
scenario's cohorts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from carebridge.engine.inputs import DRAW
from carebridge.engine.results import Results
from carebridge.engine.view import View
from carebridge.report.run_views import dataset, optional_array
from carebridge.report.table import Cells, Column, FormattedTable, Row, heading, year_columns

SPLIT = ("demographic_growth", "non_demographic_growth")


class Split(NamedTuple):
    """A POD's do-nothing activity by year and its parts: base-year activity + demographic growth +
    non-demographic growth."""

    base: float
    demographic: tuple[float, ...]
    other: tuple[float, ...]
    do_nothing: tuple[float, ...]


def has_growth_split(results: Results) -> bool:
    """Whether the run split its do-nothing growth (some POD's growth is driven by population)."""
    activity = dataset(results, "activity")
    return all(name in activity for name in SPLIT)


def growth_split_table(
    results: Results, years: Sequence[str], only_demographic: bool = False
) -> FormattedTable | None:
    """Do-nothing activity of each POD as the base year's activity, its demographic growth and its
    non-demographic growth (they add to the do-nothing activity exactly), then each part as a percentage of
    the base year (docs/demand.md §3); with ``only_demographic`` (the terminal), only the PODs that have a
    demographic part. ``None`` when the run has no demographic part."""
    if not has_growth_split(results):
        return None
    activity = dataset(results, "activity")
    base_year = results.years[0]
    width = len(years)
    rows: list[Row] = []
    shown: list[Split] = []
    cells = {name: Cells(activity[name]) for name in ("do_nothing", *SPLIT)}
    pods = activity["do_nothing"].labels["pod"]
    units = (
        dict(zip(pods, activity["do_nothing"].coord("pod_unit"), strict=True))
        if "pod_unit" in activity["do_nothing"].extra
        else {}
    )
    for pod in pods:
        base = cells["do_nothing"].raw(year=base_year, pod=pod)
        demographic = cells["demographic_growth"].series(years, pod=pod)
        other = cells["non_demographic_growth"].series(years, pod=pod)
        if not any(abs(v) > 0 for v in (demographic if only_demographic else (*demographic, *other))):
            continue
        unit = str(units[pod]) if units else ""
        name = results.pod_label(str(pod))
        do_nothing = cells["do_nothing"].series(years, pod=pod)
        rows.append(heading(f"{name} ({unit}s)" if unit else name, width))
        shown.append(Split(base, demographic, other, do_nothing))
        rows += _split_rows(base_year, shown[-1])
    if len(shown) > 1:  # Stockport's "+12.6% activity": every POD's activity added, as the source adds it
        added = Split(
            sum(split.base for split in shown),
            _added([split.demographic for split in shown]),
            _added([split.other for split in shown]),
            _added([split.do_nothing for split in shown]),
        )
        rows += [heading("All these PODs, their units added", width), *_split_rows(base_year, added)]
    if not rows:
        return None
    return FormattedTable(
        "growth_split",
        "Do-nothing activity growth: demographic and non-demographic",
        "Demographic growth split",
        "activity in each POD's unit",
        tuple(year_columns(years)),
        tuple(rows),
        number="activity",
        label_header="Point of delivery",
        note="Base-year activity + demographic growth + non-demographic growth = do-nothing activity. "
        "Demographic growth is the growth had activity per head stayed at the base year's, from the "
        "population by age and sex; non-demographic growth is the rise in use per head (with its "
        "compounding on the demographic growth). Growth set as a trajectory or a rate alone is "
        "non-demographic."
        + (" PODs whose growth is all non-demographic are in the report." if only_demographic else ""),
    )


def _added(lines: Sequence[tuple[float, ...]]) -> tuple[float, ...]:
    """The lines added year by year."""
    return tuple(sum(values) + 0.0 for values in zip(*lines, strict=True))


def _split_rows(base_year: str, split: Split) -> list[Row]:
    """Base-year activity, demographic and non-demographic growth, their total (the do-nothing activity),
    then each as a percentage of the base year."""
    base, demographic, other, do_nothing = split
    width = len(do_nothing)
    return [
        Row(f"Base-year activity, {base_year}", (base,) * width),
        Row("Demographic growth", demographic),
        Row("Non-demographic growth", other),
        Row("Do-nothing activity", do_nothing, "total"),
        Row("Demographic growth, % of the base year", _share(demographic, base), number="percent"),
        Row("Non-demographic growth, % of the base year", _share(other, base), number="percent"),
        Row(
            "Growth, % of the base year",
            _share(tuple(d + o for d, o in zip(demographic, other, strict=True)), base),
            "total",
            number="percent",
        ),
    ]


def _share(values: Sequence[float], base: float) -> tuple[float, ...]:
    return tuple(v / base if base else float("nan") for v in values)


def has_cohorts_over_time(results: Results) -> bool:
    """Whether a cohort's share changes over the years (a share by year or a headcount) or cohorts overlap."""
    scenario = results.scenario
    changing = any(c.share_by_year or c.headcount is not None for c in scenario.cohorts)
    return changing or bool(scenario.cohort_overlaps)


def cohorts_table(results: Results, years: Sequence[str]) -> FormattedTable | None:
    """Each cohort's headcount (when given), its share of each POD and the activity that share holds, by
    year; then each declared intersection of two cohorts, its share and activity (docs/demand.md §4–5).
    ``None`` when no cohort changes over the years and none overlap."""
    if not has_cohorts_over_time(results):
        return None
    scenario = results.scenario
    shares = _first_draw(optional_array(results, "cohort_share"))
    if shares is None:
        return None
    headcounts = _first_draw(optional_array(results, "cohort_headcount"))
    do_nothing = Cells(dataset(results, "activity")["do_nothing"])
    pods = [str(pod) for pod in dataset(results, "activity")["do_nothing"].labels["pod"]]
    share_of = Cells(shares.transpose("cohort", "pod", "year"))
    people = None if headcounts is None else Cells(headcounts.transpose("cohort", "year"))
    width = len(years)
    names = {cohort.id: cohort.name for cohort in scenario.cohorts}
    rows: list[Row] = []
    for cohort in scenario.cohorts:
        in_overlap = any(cohort.id in overlap.cohorts for overlap in scenario.cohort_overlaps)
        if not (cohort.share_by_year or cohort.headcount is not None or in_overlap):
            continue
        rows.append(heading(cohort.name, width))
        if headcounts is not None and people is not None and cohort.id in headcounts.labels["cohort"]:
            rows.append(Row("Headcount (people)", people.series(years, cohort=cohort.id), number="count"))
        for pod in pods:
            share = shares.sel(cohort=cohort.id, pod=pod)
            if not bool((np.abs(share.values) > 0).any()):
                continue
            name = results.pod_label(pod)
            share_by_year = share_of.series(years, cohort=cohort.id, pod=pod)
            rows.append(Row(f"{name}: share of the POD's activity", share_by_year, number="percent"))
            held = tuple(
                share_of.raw(cohort=cohort.id, pod=pod, year=year) * do_nothing.raw(year=year, pod=pod) + 0.0
                for year in years
            )
            rows.append(Row(f"{name}: activity in the cohort, do-nothing", held))
    for overlap in scenario.cohort_overlaps:
        if len(overlap.cohorts) != 2:
            continue
        first, second = (names.get(c, c) for c in overlap.cohorts)
        rows.append(heading(f"Both '{first}' and '{second}' (declared intersection)", width))
        for pod, value in overlap.shares.items():
            if pod not in pods:
                continue
            name = results.pod_label(pod)
            rows.append(
                Row(f"{name}: share of the POD's activity", (float(value),) * width, number="percent")
            )
            held = tuple(float(value) * do_nothing.raw(year=year, pod=pod) + 0.0 for year in years)
            rows.append(Row(f"{name}: activity in both, do-nothing", held))
    if not rows:
        return None
    given = [
        f"{cohort.name}: "
        + ", ".join(f"{float(people):,.0f} in {year}" for year, people in (cohort.headcount or {}).items())
        for cohort in scenario.cohorts
        if cohort.headcount
    ]
    return FormattedTable(
        "cohorts_over_time",
        "Cohorts over time and their declared intersections",
        "Cohorts over time",
        "people, shares, activity in each POD's unit",
        tuple(Column(year) for year in years),
        tuple(rows),
        number="activity",
        label_header="Cohort",
        note="A cohort's activity is its share times the POD's do-nothing activity; a headcount is linear "
        "between the years given and held beyond them"
        + (f" (given: {'; '.join(given)})" if given else "")
        + ". An intersection is the share of a POD's activity in both cohorts; schemes on the two combine "
        "there by the overlap rule.",
    )


def _first_draw(array: View | None) -> View | None:
    if array is None:
        return None
    return array.isel(**{DRAW: 0}) if DRAW in array.dims else array
