"""The cohort in each neighbourhood, its enrolment capped by the teams' capacity, and the scheme's effect.

From a stratification's scored patients (the view ``scored_people`` of :mod:`carebridge.strat.pipeline`),
DuckDB counts each practice's registered patients, its cohort (risk at or above the cohort's threshold) and
the cohort's activity; practices roll up to their neighbourhood. Then, pure arithmetic:

- **capacity** = case managers × caseload per case manager + matrons × caseload per matron (patients);
- **enrolled** in a year = min(target share × the neighbourhood's cohort, capacity); or, for a neighbourhood
  with a monthly trajectory (a ramp or a series), the mean over the year's twelve months of
  min(trajectory at the month's end, capacity, cohort) — the year's patient-months of case management ÷ 12;
- **removed** activity of an effect in a year = Σ over neighbourhoods of enrolled × rate × deflection, where
  the rate is the neighbourhood's cohort's activity of the measure per patient in the year stratified;
- the scheme's **fraction** of the POD removed = removed ÷ everyone's activity of the measure, emitted as a
  ``reduce`` effect (basis ``base``), so a scenario of any size takes it and the engine needs no change.

Counts are exact here; every table that leaves the tool passes :class:`~carebridge.strat.disclosure.
DisclosureRule` (suppressed below 10, others rounded to 5), and fractions come from the unrounded counts.
"""

from __future__ import annotations

import io
import math

import duckdb
import pandas as pd
from ruamel.yaml import YAML

from carebridge.strat.disclosure import DisclosureRule
from carebridge.strat.neighbourhoods import NeighbourhoodsFile, trajectory_at, year_months

DECIMALS = 5


def practice_counts(
    con: duckdb.DuckDBPyConnection, threshold: float, year: str, measures: list[str]
) -> pd.DataFrame:
    """practice, population, cohort, and for each measure ``<m>`` (the cohort's) and ``<m>_total``."""
    sums = "".join(
        f", sum({m}_{year}) FILTER (WHERE risk >= $t) AS {m}, sum({m}_{year}) AS {m}_total" for m in measures
    )
    return con.execute(
        "SELECT CAST(practice AS VARCHAR) AS practice, count(*) AS population, "
        f"count(*) FILTER (WHERE risk >= $t) AS cohort{sums} FROM scored_people GROUP BY 1 ORDER BY 1",
        {"t": threshold},
    ).df()


def neighbourhood_cohorts(
    plan: NeighbourhoodsFile, practices: pd.DataFrame, measures: list[str]
) -> pd.DataFrame:
    """One row per neighbourhood, in the file's order: population, cohort, capacity and the cohort's
    activity of each measure (practices outside every neighbourhood are left out)."""
    rows = []
    for neighbourhood in plan.neighbourhoods:
        mine = practices[practices["practice"].isin(neighbourhood.practices)]
        row: dict[str, object] = {
            "neighbourhood": neighbourhood.name,
            "practices": len(neighbourhood.practices),
            "population": float(mine["population"].sum()),
            "cohort": float(mine["cohort"].sum()),
            "case_managers": neighbourhood.case_managers,
            "matrons": neighbourhood.matrons,
            "capacity": plan.capacity(neighbourhood),
        }
        for measure in measures:
            row[measure] = float(mine[measure].fillna(0).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def monthly_enrolment(plan: NeighbourhoodsFile, cohorts: pd.DataFrame) -> pd.DataFrame:
    """neighbourhood, year, month, trajectory, capacity, enrolled, capped — one row per month of each year of
    the file, for each neighbourhood with a trajectory: enrolled at the month's end = min(the trajectory,
    capacity, the neighbourhood's cohort)."""
    sizes = dict(zip(cohorts["neighbourhood"], cohorts["cohort"], strict=True))
    rows = []
    for neighbourhood in plan.neighbourhoods:
        if neighbourhood.trajectory is None:
            continue
        capacity, cohort = plan.capacity(neighbourhood), float(sizes[neighbourhood.name])
        for year in plan.years():
            for month in year_months(year):
                wanted = trajectory_at(neighbourhood.trajectory, month)
                number = month % 12
                rows.append(
                    {
                        "neighbourhood": neighbourhood.name,
                        "year": year,
                        "month": f"{year}-M{number + 1:02d}",
                        "trajectory": wanted,
                        "capacity": capacity,
                        "enrolled": min(wanted, capacity, cohort),
                        "capped": wanted > min(capacity, cohort),
                    }
                )
    columns = ["neighbourhood", "year", "month", "trajectory", "capacity", "enrolled", "capped"]
    return pd.DataFrame(rows, columns=columns)


def enrolment(plan: NeighbourhoodsFile, cohorts: pd.DataFrame) -> pd.DataFrame:
    """neighbourhood, year, cohort, target, capacity, enrolled, capped, care_plans (patients).

    A neighbourhood with yearly targets: enrolled = min(target share × cohort, capacity). One with a
    trajectory: the year's months annualised — enrolled = the mean over its twelve months of those enrolled
    at each month's end (:func:`monthly_enrolment`), target the mean of the trajectory, capped when any
    month is."""
    sizes = dict(zip(cohorts["neighbourhood"], cohorts["cohort"], strict=True))
    months = monthly_enrolment(plan, cohorts)
    rows = []
    for neighbourhood in plan.neighbourhoods:
        capacity = plan.capacity(neighbourhood)
        for year in plan.years():
            if neighbourhood.trajectory is not None:
                mine = months[(months["neighbourhood"] == neighbourhood.name) & (months["year"] == year)]
                target = float(mine["trajectory"].mean())
                enrolled = float(mine["enrolled"].mean())
                capped = bool(mine["capped"].any())
            else:
                target = neighbourhood.enrolment.get(year, 0.0) * sizes[neighbourhood.name]
                enrolled = min(target, capacity)
                capped = target > capacity
            rows.append(
                {
                    "neighbourhood": neighbourhood.name,
                    "year": year,
                    "cohort": sizes[neighbourhood.name],
                    "target": target,
                    "capacity": capacity,
                    "enrolled": enrolled,
                    "capped": capped,
                    "care_plans": enrolled * neighbourhood.care_plans,
                }
            )
    return pd.DataFrame(rows)


def scheme_effect(
    plan: NeighbourhoodsFile, cohorts: pd.DataFrame, enrolled: pd.DataFrame, totals: dict[str, float]
) -> pd.DataFrame:
    """pod, measure, year, enrolled, removed (activity a year), total (everyone's), fraction."""
    rates = {str(row["neighbourhood"]): row for row in cohorts.to_dict("records")}
    rows = []
    for effect in plan.scheme.effects:
        for year in plan.years():
            mine = enrolled[enrolled["year"] == year]
            removed = 0.0
            for name, count in zip(mine["neighbourhood"], mine["enrolled"], strict=True):
                row = rates[str(name)]
                size = float(row["cohort"])
                rate = float(row[effect.measure]) / size if size else 0.0
                removed += float(count) * rate * effect.deflection
            total = totals.get(effect.measure, 0.0)
            rows.append(
                {
                    "pod": effect.pod,
                    "measure": effect.measure,
                    "year": year,
                    "enrolled": float(mine["enrolled"].sum()),
                    "removed": removed,
                    "total": total,
                    "fraction": removed / total if total else math.nan,
                }
            )
    return pd.DataFrame(rows)


def shown(rule: DisclosureRule, count: float) -> str:
    """A count as it may leave the tool: 'fewer than 10', or rounded to 5."""
    if rule.suppressed(count):
        return f"fewer than {rule.suppress_below}"
    return f"{rule.round_count(count):,.0f}"


def effect_fragment(
    plan: NeighbourhoodsFile, effect: pd.DataFrame, rule: DisclosureRule, provenance: list[str]
) -> str:
    """The YAML of the scheme's ``effects:`` list (``reduce`` fractions of base-year activity by year), with a
    comment of how each was computed, to paste into the scheme ``plan.scheme.id`` of a scenario."""
    effects = []
    header = [f"# {line}" for line in provenance]
    header.append(
        f"# The {plan.scheme.name} scheme ('{plan.scheme.id}'): effects from the case-managed cohort of "
        f"{len(plan.neighbourhoods)} neighbourhoods; paste them into the scheme's effects."
    )
    for deflection in plan.scheme.effects:
        mine = effect[effect["pod"] == deflection.pod]
        fractions = {
            str(year): round(float(fraction), DECIMALS)
            for year, fraction in zip(mine["year"], mine["fraction"], strict=True)
            if math.isfinite(float(fraction))
        }
        for row in mine.to_dict("records"):
            header.append(
                f"# {deflection.pod} {row['year']}: {shown(rule, float(row['enrolled']))} enrolled × their "
                f"{deflection.measure} rate × {deflection.deflection:g} deflection = "
                f"{shown(rule, float(row['removed']))} of {shown(rule, float(row['total']))} a year "
                f"({100 * float(row['fraction']):.2f}%)"
            )
        effects.append(
            {
                "kind": "reduce",
                "pod": deflection.pod,
                "basis": "base",
                "fraction": fractions,
                "note": f"{plan.name}: enrolled × {deflection.measure} rate × {deflection.deflection:g} "
                "deflection, as a share of everyone's activity (carebridge neighbourhoods effect)",
            }
        )
    header.append(f"# {rule.statement()}")
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    stream = io.StringIO()
    yaml.dump({"effects": effects}, stream)
    return "\n".join(header) + "\n" + stream.getvalue()
