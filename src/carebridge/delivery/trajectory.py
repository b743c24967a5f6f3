"""The plan's monthly trajectory: a year's annual activity spread over its months by a profile.

Model spec section 10: the plan's monthly trajectory is the do-something annual activity spread by a monthly
profile, flat (one twelfth a month) by default. A seasonal profile gives each month of the year a weight; the
weights are scaled to add up to 1, so the months of a year always add up to the annual plan exactly:

    plan[m, p] = AS[year, p] · w[m, p] / Σ_m w[m, p]

The do-nothing activity is spread the same way, so the planned deflection of a month is
``(AD − AS)[year, p] · w[m, p]``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.months import MONTHS_IN_YEAR, Month, months_of_year

Profile = tuple[float, ...]
FLAT: Profile = tuple([1.0 / MONTHS_IN_YEAR] * MONTHS_IN_YEAR)
TRAJECTORY_COLUMNS = ("pod", "month", "period", "weight", "do_nothing", "do_something", "planned_deflection")


class ProfileError(ValueError):
    """A seasonal profile that cannot spread a year: months missing, or weights adding up to zero."""


def normalise(weights: Sequence[float]) -> Profile:
    """Weights scaled to add up to 1."""
    total = math.fsum(weights)
    if len(weights) != MONTHS_IN_YEAR or total <= 0:
        raise ProfileError(f"a profile needs 12 weights adding up to more than 0; got {list(weights)}")
    return tuple(weight / total for weight in weights)


def profiles_from_table(table: pd.DataFrame, pods: Sequence[str]) -> dict[str, Profile]:
    """Each POD's profile from a table of (pod, period, weight); PODs not in the table are flat.

    A POD given in the table must have all twelve months and weights adding up to more than zero.
    """
    profiles = dict.fromkeys(pods, FLAT)
    problems = []
    for pod, rows in table.groupby("pod", sort=True):
        weights = dict(zip(rows["period"].astype(int), rows["weight"].astype(float), strict=True))
        missing = [f"M{n:02d}" for n in range(1, MONTHS_IN_YEAR + 1) if n not in weights]
        if missing:
            problems.append(f"the profile of POD {pod} has no weight for {', '.join(missing)}")
            continue
        ordered = [weights[n] for n in range(1, MONTHS_IN_YEAR + 1)]
        if math.fsum(ordered) <= 0:
            problems.append(f"the profile of POD {pod} has weights adding up to 0; expected more than 0")
            continue
        profiles[str(pod)] = normalise(ordered)
    if problems:
        raise ProfileError("; ".join(problems))
    return profiles


def monthly_trajectory(
    baseline: PlanBaseline, year: str, profiles: Mapping[str, Profile] | None = None
) -> pd.DataFrame:
    """One row per POD with activity and month of ``year``: the weight of the month and the planned
    do-nothing, do-something and deflection (do-nothing less do-something) activity of the month."""
    if year not in baseline.years:
        raise ValueError(
            f"{year} is not a year of the plan; it runs {baseline.years[0]} to {baseline.years[-1]}"
        )
    chosen = profiles or {}
    chosen_year = baseline.activity[baseline.activity["year"] == year]
    annual = {
        str(pod): (float(dn), float(ds))
        for pod, dn, ds in zip(
            chosen_year["pod"], chosen_year["do_nothing"], chosen_year["do_something"], strict=True
        )
    }
    rows = []
    for pod in baseline.activity_pods:
        profile = chosen.get(pod, FLAT)
        do_nothing, do_something = annual[pod]
        for month, weight in zip(months_of_year(year), profile, strict=True):
            rows.append(
                (
                    pod,
                    month.label,
                    month.number,
                    weight,
                    do_nothing * weight,
                    do_something * weight,
                    (do_nothing - do_something) * weight,
                )
            )
    return pd.DataFrame(rows, columns=list(TRAJECTORY_COLUMNS))


def elapsed_share(profile: Profile, as_at: Month) -> float:
    """The share of the year's plan due by the end of month ``as_at``: ``Σ_{m ≤ M} w[m]``."""
    return math.fsum(profile[: as_at.number])
