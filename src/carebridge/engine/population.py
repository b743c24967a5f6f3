"""Population in a run (docs/demand.md): the split of growth into its demographic and non-demographic
parts, and the checks of cohorts whose shares change over the years or overlap."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.arrays import Floats, ordered, unlabelled
from carebridge.engine.inputs import EffectInputs, InputValues, as_written, kept_for
from carebridge.engine.schemes import labelled_like, labels_along
from carebridge.scenario.errors import Problem
from carebridge.scenario.schema import Scenario

if TYPE_CHECKING:
    import xarray as xr

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


def cohort_problems(
    scenario: Scenario, effects: EffectInputs, values: InputValues | None = None
) -> list[Problem]:
    """A problem for each cohort and POD whose share goes above 1 in some year, and each whose part outside
    its declared intersections goes below 0 (its intersections larger than its share). The cohorts are those
    of ``effects.cohort_share_by_year`` after ``all``, each the region of the same position in
    ``effects.region_share`` (:func:`carebridge.engine.inputs.cohort_regions`); the PODs the scenario's.
    ``values`` the numbers ``effects`` were compiled with: as written, the shares are the scenario's, and
    they are checked once for each scenario (:func:`~carebridge.engine.inputs.kept_for`)."""
    if values is not None and as_written(values):
        return kept_for(scenario, "cohort problems", lambda: _cohort_problems(scenario, effects))
    return _cohort_problems(scenario, effects)


def _cohort_problems(scenario: Scenario, effects: EffectInputs) -> list[Problem]:
    by_year = unlabelled(effects, "cohort_share_by_year")  # read as numpy, not labelled
    region_share = unlabelled(effects, "region_share")
    if by_year is None or region_share is None:
        return []
    n = len(scenario.cohorts)
    # (cohort, pod, year) of the first draw, once: no look-up per cell
    shares = _first_draw(ordered(by_year, ("cohort", "year", "pod")))[1 : n + 1].swapaxes(1, 2)
    outside = _first_draw(region_share)[1 : n + 1].swapaxes(1, 2)
    above_all = shares > 1 + TOLERANCE
    below_all = outside < -TOLERANCE
    problems: list[Problem] = []
    if not (above_all.any() or below_all.any()):
        return problems
    names = {c.id: c.name for c in scenario.cohorts}
    pods = {p.id: p.name for p in scenario.pods}
    years = labels_along(by_year, "year")
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


def _first_draw(values: Floats) -> Floats:
    """(cohort or region, year, pod) values of the first draw, where there are draws."""
    return values[0] if values.ndim > 3 else values
