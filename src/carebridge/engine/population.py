"""Population in a run (docs/demand.md): the split of growth into its demographic and non-demographic
parts, and the checks of cohorts whose shares change over the years or overlap."""

from __future__ import annotations

import numpy as np
import xarray as xr

from carebridge.engine.arrays import Floats, ordered
from carebridge.engine.inputs import EffectInputs
from carebridge.engine.schemes import labelled_like, labels_along
from carebridge.scenario.errors import Problem
from carebridge.scenario.schema import Scenario

TOLERANCE = 1e-9


def growth_split(
    base: xr.DataArray, do_nothing: xr.DataArray, demographic: xr.DataArray
) -> tuple[xr.DataArray, xr.DataArray]:
    """(demographic, non-demographic) growth in activity, ``GRd + GRn = AD − A0`` (docs/demand.md §3):

    ``GRd[t,p] = A0[p] · (D[t,p] − 1)`` with ``D = Π_{τ≤t} (1 + g_demo[τ,p])``, and ``GRn = GR − GRd``.
    The demographic part is laid out (…, pod, year), the other (…, year, pod).
    """
    dims = ("year", "pod")
    demographic_growth, other = growth_split_values(
        ordered(base, ("pod",)), ordered(do_nothing, dims), ordered(demographic, dims)
    )
    like = dict.fromkeys(dims, do_nothing)
    by_pod = np.swapaxes(demographic_growth, -1, -2)
    return labelled_like(by_pod, ("pod", "year"), like), labelled_like(other, dims, like)


def growth_split_values(base: Floats, do_nothing: Floats, demographic: Floats) -> tuple[Floats, Floats]:
    """:func:`growth_split` on arrays: ``base`` (…, pod), ``do_nothing`` and ``demographic`` (…, year,
    pod); returns both parts (…, year, pod)."""
    index = np.cumprod(1 + demographic, axis=-2)
    demographic_growth = base[..., None, :] * (index - 1)
    return demographic_growth, (do_nothing - base[..., None, :]) - demographic_growth


def cohort_problems(scenario: Scenario, effects: EffectInputs) -> list[Problem]:
    """A problem for each cohort and POD whose share goes above 1 in some year, and each whose part outside
    its declared intersections goes below 0 (its intersections larger than its share)."""
    if effects.cohort_share_by_year is None or effects.region_share is None:
        return []
    by_year = effects.cohort_share_by_year
    if not _any_problem(len(scenario.cohorts), by_year, effects.region_share):
        return []
    names = {c.id: c.name for c in scenario.cohorts}
    pods = {p.id: p.name for p in scenario.pods}
    years = labels_along(by_year, "year")
    ids = [c.id for c in scenario.cohorts]
    columns = _positions(by_year, "pod", list(pods))
    # (cohort, pod, year), once: no `sel` per cell
    shares = _first_draw(ordered(by_year, ("cohort", "year", "pod")))[_positions(by_year, "cohort", ids)][
        :, :, columns
    ].swapaxes(1, 2)
    outside = _first_draw(ordered(effects.region_share, ("region", "year", "pod")))[
        _positions(effects.region_share, "region", ids)
    ][:, :, columns].swapaxes(1, 2)
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


def _any_problem(cohorts: int, by_year: xr.DataArray, region_share: xr.DataArray) -> bool:
    """Whether :func:`cohort_problems` finds any, read from the values alone: the cohorts of the scenario
    follow ``all`` on the cohort axis of ``by_year`` (…, cohort, year, pod) and on the region axis of
    ``region_share`` (…, region, year, pod), as :func:`carebridge.engine.inputs.cohort_regions` lays them
    out (the labels are read only to name a problem)."""
    shares = _first_draw(ordered(by_year, ("cohort", "year", "pod")))
    outside = _first_draw(ordered(region_share, ("region", "year", "pod")))
    if shares.shape[0] != cohorts + 1 or outside.shape[0] < cohorts + 1:
        return True  # not laid out as the compile lays it out: read the labels
    return bool((shares[1:] > 1 + TOLERANCE).any() or (outside[1 : cohorts + 1] < -TOLERANCE).any())


def _first_draw(values: Floats) -> Floats:
    """(cohort or region, year, pod) values of the first draw, where there are draws."""
    return values[0] if values.ndim > 3 else values


def _positions(array: xr.DataArray, dim: str, labels: list[str]) -> list[int]:
    """The position along ``dim`` of ``array`` of each of ``labels``."""
    at = {label: i for i, label in enumerate(labels_along(array, dim))}
    return [at[label] for label in labels]
