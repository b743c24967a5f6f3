"""Population in a run (docs/demand.md): the split of growth into its demographic and non-demographic
parts, and the checks of cohorts whose shares change over the years or overlap."""

from __future__ import annotations

import numpy as np
import xarray as xr

from carebridge.engine.inputs import DRAW, EffectInputs
from carebridge.scenario.errors import Problem
from carebridge.scenario.schema import Scenario

TOLERANCE = 1e-9


def growth_split(
    base: xr.DataArray, do_nothing: xr.DataArray, demographic: xr.DataArray
) -> tuple[xr.DataArray, xr.DataArray]:
    """(demographic, non-demographic) growth in activity, ``GRd + GRn = AD − A0`` (docs/demand.md §3):

    ``GRd[t,p] = A0[p] · (D[t,p] − 1)`` with ``D = Π_{τ≤t} (1 + g_demo[τ,p])``, and ``GRn = GR − GRd``.
    """
    index = (1 + demographic).cumprod("year")
    demographic_growth = base * (index - 1)
    return demographic_growth, (do_nothing - base) - demographic_growth


def cohort_problems(scenario: Scenario, effects: EffectInputs) -> list[Problem]:
    """A problem for each cohort and POD whose share goes above 1 in some year, and each whose part outside
    its declared intersections goes below 0 (its intersections larger than its share)."""
    if effects.cohort_share_by_year is None or effects.region_share is None:
        return []
    share = _first_draw(effects.cohort_share_by_year).transpose("cohort", "pod", "year")
    regions = _first_draw(effects.region_share).transpose("region", "pod", "year")
    names = {c.id: c.name for c in scenario.cohorts}
    pods = {p.id: p.name for p in scenario.pods}
    years = [str(y) for y in share.year.values]
    ids = [c.id for c in scenario.cohorts]
    shares = share.sel(cohort=ids, pod=list(pods)).values  # (cohort, pod, year), once: no `sel` per cell
    outside = regions.sel(region=ids, pod=list(pods)).values
    above_all = shares > 1 + TOLERANCE
    below_all = outside < -TOLERANCE
    problems: list[Problem] = []
    if not (above_all.any() or below_all.any()):
        return problems
    for c, cohort in enumerate(scenario.cohorts):
        for j, pod in enumerate(pods):
            above = np.flatnonzero(above_all[c, j])
            if above.size:
                first = above[0]
                problems.append(
                    Problem(
                        ("cohorts", c, "headcount" if cohort.headcount is not None else "share_by_year"),
                        f"cohort '{names[cohort.id]}' would have "
                        f"{float(shares[c, j, first]):.1%} of POD "
                        f"'{pods[pod]}' in {years[first]}: more than all of it; lower the headcount or "
                        "the rate",
                    )
                )
            below = np.flatnonzero(below_all[c, j])
            if below.size:
                first = below[0]
                problems.append(
                    Problem(
                        ("cohort_overlaps",),
                        f"the intersections of cohort '{names[cohort.id]}' on POD '{pods[pod]}' are "
                        "larger than "
                        f"its share in {years[first]} ({float(shares[c, j, first]):.1%}); lower the "
                        "intersection shares",
                    )
                )
    return problems


def _first_draw(array: xr.DataArray) -> xr.DataArray:
    return array.isel({DRAW: 0}) if DRAW in array.dims else array
