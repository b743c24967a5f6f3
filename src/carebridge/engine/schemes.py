"""Scheme effects on activity and the overlap rule (model spec section 4).

All amounts here are activity removed, positive; a negative amount is activity added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from carebridge.engine.arrays import Floats, labelled_array, lead, ordered
from carebridge.engine.inputs import DRAW, EffectInputs


@dataclass(frozen=True)
class SchemeActivity:
    """Activity each scheme removes, (scheme, year, pod), and per cohort for the overlap check."""

    avoided: xr.DataArray
    reduced: xr.DataArray
    cohort_removed: xr.DataArray  # (cohort, year, pod): removal of the fraction effects, by cohort


def combine_fractions(
    fraction: xr.DataArray, scheme_cohort: xr.DataArray
) -> tuple[xr.DataArray, xr.DataArray]:
    """Apply the overlap rule to fractions of one kind; return (fraction per scheme, combined per cohort).

    Positive fractions of schemes on the same cohort, POD and year combine as ``1 − Π_k (1 − f_k)``, and the
    combined fraction is attributed to each scheme in proportion to its own, ``f_k / Σ_j f_j``. Negative
    fractions (increases) add. The result does not depend on the order of the schemes.

    ``fraction`` has a ``scheme`` dimension among any others; the fraction per scheme has the others in
    their order, then ``scheme``; the combined fraction the others, then ``cohort``.
    """
    others = [str(dim) for dim in fraction.dims if dim != "scheme"]
    schemes = fraction.get_index("scheme")
    member = scheme_cohort.transpose("scheme", "cohort")
    if not member.get_index("scheme").equals(schemes):
        member = member.sel(scheme=schemes)
    per_scheme, combined = _combine(
        fraction.transpose(*others, "scheme").values, np.asarray(member.values, dtype=np.float64)
    )
    indexed = fraction.xindexes
    coords = {dim: fraction.get_index(dim) for dim in others if dim in indexed}
    return (
        labelled_array(per_scheme, [*others, "scheme"], {**coords, "scheme": schemes}),
        labelled_array(
            combined, [*others, "cohort"], {**coords, "cohort": scheme_cohort.get_index("cohort")}
        ),
    )


def _combine(fraction: Floats, scheme_cohort: Floats) -> tuple[Floats, Floats]:
    """:func:`combine_fractions` on arrays: ``fraction`` (…, scheme) and ``scheme_cohort`` (scheme, cohort);
    returns the fraction of each scheme (…, scheme) and the combined fraction of each cohort (…, cohort)."""
    by_cohort = fraction[..., :, None] * scheme_cohort  # (…, scheme, cohort)
    positive = np.clip(by_cohort, 0, None)
    combined = 1 - np.prod(1 - positive, axis=-2)
    total = positive.sum(axis=-2)[..., None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        proportion = np.where(total > 0, positive / total, 0.0)
    increase = np.clip(by_cohort, None, 0)
    per_scheme = (combined[..., None, :] * proportion + increase).sum(axis=-1)
    return per_scheme, combined + increase.sum(axis=-2)


def scheme_activity(
    effects: EffectInputs,
    base: xr.DataArray,
    do_nothing: xr.DataArray,
    growth: xr.DataArray,
) -> SchemeActivity:
    """Avoided growth and reductions of every scheme.

    - ``avoid_growth``: ``x = φ · cs[c,p] · GR[t,p]`` where ``GR > 0``;
    - ``reduce``: ``x = ρ · cs[c,p] · A0[p]`` (basis ``base``) or ``ρ · cs[c,p] · AD[t,p]`` (``do_nothing``);
    - ``absolute``: the activity given.
    Fractions of one kind (and basis) overlap by :func:`combine_fractions`; with cohort shares by year or
    declared intersections of cohorts, by :func:`region_activity` (docs/demand.md §4–5).
    """
    if effects.region_share is not None and effects.region_member is not None:
        return region_activity(effects, base, do_nothing, growth)
    avoided, reduced, cohort_removed = scheme_activity_values(
        ordered(effects.fractions, EFFECT_DIMS),
        ordered(effects.absolute_avoided, SCHEME_DIMS),
        ordered(effects.absolute_reduction, SCHEME_DIMS),
        ordered(effects.scheme_cohort, ("scheme", "cohort")),
        ordered(effects.cohort_share, ("cohort", "pod")),
        ordered(base, ("pod",)),
        ordered(do_nothing, ("year", "pod")),
        ordered(growth, ("year", "pod")),
    )
    coords = {"year": do_nothing.get_index("year"), "pod": do_nothing.get_index("pod")}
    schemes = {**coords, "scheme": effects.scheme_cohort.get_index("scheme")}
    cohorts = {**coords, "cohort": effects.scheme_cohort.get_index("cohort")}
    return SchemeActivity(
        avoided=labelled_array(avoided, [*lead(avoided, 3), "year", "pod", "scheme"], schemes),
        reduced=labelled_array(reduced, [*lead(reduced, 3), "year", "pod", "scheme"], schemes),
        cohort_removed=labelled_array(
            cohort_removed, [*lead(cohort_removed, 3), "year", "pod", "cohort"], cohorts
        ),
    )


EFFECT_DIMS = ("kind", "scheme", "year", "pod")
SCHEME_DIMS = ("scheme", "year", "pod")


def scheme_activity_values(
    fractions: Floats,
    absolute_avoided: Floats,
    absolute_reduction: Floats,
    scheme_cohort: Floats,
    cohort_share: Floats,
    base: Floats,
    do_nothing: Floats,
    growth: Floats,
) -> tuple[Floats, Floats, Floats]:
    """:func:`scheme_activity` on arrays, each with an optional leading draw axis: ``fractions`` (…, kind,
    scheme, year, pod), the absolute amounts (…, scheme, year, pod), ``scheme_cohort`` (scheme, cohort),
    ``cohort_share`` (…, cohort, pod), ``base`` (…, pod), ``do_nothing`` and ``growth`` (…, year, pod).
    Returns avoided and reduced activity (…, year, pod, scheme) and the removal by cohort (…, year, pod,
    cohort)."""
    scheme_share = np.einsum("sc,...cp->...ps", scheme_cohort, cohort_share)  # (…, pod, scheme)
    basis = np.stack(np.broadcast_arrays(np.clip(growth, 0, None), base[..., None, :], do_nothing), axis=-3)[
        ..., None
    ]  # (…, kind, year, pod, 1)
    per_scheme, combined = _combine(np.moveaxis(fractions, -3, -1), scheme_cohort)  # (…, kind, year, pod, ·)
    removed = per_scheme * scheme_share[..., None, None, :, :] * basis
    avoided = removed[..., 0, :, :, :] + np.moveaxis(absolute_avoided, -3, -1)
    reduced = removed[..., 1, :, :, :] + removed[..., 2, :, :, :] + np.moveaxis(absolute_reduction, -3, -1)
    share = np.swapaxes(cohort_share, -1, -2)[..., None, None, :, :]  # (…, 1, 1, pod, cohort)
    return avoided, reduced, (combined * share * basis).sum(axis=-4)


def region_activity(
    effects: EffectInputs,
    base: xr.DataArray,
    do_nothing: xr.DataArray,
    growth: xr.DataArray,
) -> SchemeActivity:
    """Scheme activity by the overlap rule on regions (docs/demand.md §5).

    A region is a cohort outside its declared intersections, or one intersection; every scheme whose cohort
    is in a region acts on it, and positive fractions of one kind combine there as ``1 − Π_k (1 − f_k)``,
    attributed in proportion to each scheme's own. The basis of a region is that of §4 on the region's share
    ``s[r,t,p]``: its growth ``max(0, s[t]·AD − s[0]·A0)``, ``s[0]·A0``, or ``s[t]·AD``. Written as the
    constant-share amount plus a correction that is exactly 0 when the shares do not change, so that
    cohorts without intersections or trends give :func:`scheme_activity`'s figures to the last bit.
    """
    assert effects.region_share is not None and effects.region_member is not None
    member = effects.region_member.transpose("region", "cohort")
    scheme_region = (effects.scheme_cohort * member).sum("cohort").transpose("scheme", "region").values
    fractions = effects.fractions.transpose(..., "kind", "scheme", "year", "pod")
    shares = effects.region_share.transpose(..., "region", "year", "pod").values
    start = shares[..., :, :1, :]  # (…, region, 1, pod)
    change = shares - start
    growth_v = growth.transpose(..., "year", "pod").values
    do_nothing_v = do_nothing.transpose(..., "year", "pod").values
    base_v = base.transpose(..., "pod").values[..., None, :] + 0 * do_nothing_v
    basis = np.stack([np.clip(growth_v, 0, None), base_v, do_nothing_v], axis=-3)  # (…, kind, year, pod)
    per_scheme, combined = _combine_on_regions(fractions.values, scheme_region)
    # per_scheme (…, kind, scheme, region, year, pod); combined (…, kind, region, year, pod)
    at_start = start[..., None, None, :, :, :]
    removed = (per_scheme * at_start).sum(axis=-3) * basis[..., :, None, :, :]
    in_region = combined * start[..., None, :, :, :] * basis[..., :, None, :, :]
    if bool((change != 0).any()):
        own = np.clip(start * growth_v[..., None, :, :] + change * do_nothing_v[..., None, :, :], 0, None)
        own_growth = own - start * np.clip(growth_v, 0, None)[..., None, :, :]
        correction = np.stack(
            np.broadcast_arrays(
                own_growth, np.zeros_like(own_growth), change * do_nothing_v[..., None, :, :]
            ),
            axis=-4,
        )  # (…, kind, region, year, pod)
        removed = removed + (per_scheme * correction[..., :, None, :, :, :]).sum(axis=-3)
        in_region = in_region + combined * correction
    coords = {"scheme": fractions.scheme.values, "year": fractions.year.values, "pod": fractions.pod.values}
    kinds = list(fractions.kind.values)
    dims = [DRAW] * (removed.ndim - 4) + ["kind", "scheme", "year", "pod"]
    removed_xr = xr.DataArray(removed, dims=dims, coords={"kind": kinds, **coords})
    avoided = removed_xr.sel(kind="avoid_growth", drop=True) + effects.absolute_avoided
    reduced = (
        removed_xr.sel(kind=["reduce_base", "reduce_do_nothing"]).sum("kind") + effects.absolute_reduction
    )
    by_cohort = np.einsum("...rtp,rc->...ctp", in_region.sum(axis=-4), member.values)
    cohort_dims = [DRAW] * (by_cohort.ndim - 3) + ["cohort", "year", "pod"]
    cohort_removed = xr.DataArray(
        by_cohort,
        dims=cohort_dims,
        coords={"cohort": member.cohort.values, "year": coords["year"], "pod": coords["pod"]},
    )
    order = (..., "year", "pod", "scheme")  # as the arithmetic of :func:`combine_fractions` lays them out
    return SchemeActivity(
        avoided=avoided.transpose(*order),
        reduced=reduced.transpose(*order),
        cohort_removed=cohort_removed.transpose(..., "year", "pod", "cohort"),
    )


def _combine_on_regions(
    fraction: npt.NDArray[np.float64], scheme_region: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The overlap rule on regions, in arrays: ``fraction`` (…, kind, scheme, year, pod) and ``scheme_region``
    (scheme, region) 1 where the scheme acts on the region; returns each scheme's fraction on each region
    (…, kind, scheme, region, year, pod) and each region's combined fraction (…, kind, region, year, pod),
    as :func:`combine_fractions` computes them for cohorts."""
    by_part = fraction[..., :, :, None, :, :] * scheme_region[:, :, None, None]
    positive = np.clip(by_part, 0, None)
    combined = 1 - np.prod(1 - positive, axis=-4)
    total = positive.sum(axis=-4)
    with np.errstate(invalid="ignore", divide="ignore"):
        proportion = np.where(total[..., None, :, :, :] > 0, positive / total[..., None, :, :, :], 0.0)
    increase = np.clip(by_part, None, 0)
    return combined[..., None, :, :, :] * proportion + increase, combined + increase.sum(axis=-4)


def combine_fractions_on(
    fraction: xr.DataArray, scheme_region: xr.DataArray, dim: str
) -> tuple[xr.DataArray, xr.DataArray]:
    """:func:`combine_fractions` on the parts ``dim`` of a POD (regions) that schemes act on together:
    return the fraction of each scheme on each part, and the combined fraction of each part."""
    by_part = fraction * scheme_region  # (kind, scheme, part, year, pod)
    positive = by_part.clip(min=0)
    combined = 1 - (1 - positive).prod("scheme")
    total = positive.sum("scheme")
    proportion = (positive / total.where(total > 0)).fillna(0.0)
    increase = by_part.clip(max=0)
    return combined * proportion + increase, combined + increase.sum("scheme")


def do_something_activity(do_nothing: xr.DataArray, activity: SchemeActivity) -> xr.DataArray:
    """Do-something activity ``AS[t,p] = AD[t,p] − Σ_k (avoided + reduced)[k,t,p]``."""
    removed = removed_values(activity)
    done = ordered(do_nothing, ("year", "pod")) - removed
    return labelled_array(done, [*lead(done, 2), "year", "pod"], _year_pod(do_nothing))


def deflection_percent(activity: SchemeActivity, base: xr.DataArray) -> xr.DataArray:
    """Deflection against the base year, in percent, negative for activity removed (Stockport Table 9).

    ``−100 · (Σ_k avoided + reduced)[t,p] / A0[p]``.
    """
    percent = deflection_values(removed_values(activity), ordered(base, ("pod",)))
    return labelled_array(percent, [*lead(percent, 2), "year", "pod"], _year_pod(activity.avoided))


def removed_values(activity: SchemeActivity) -> Floats:
    """``Σ_k (avoided + reduced)[k,t,p]``, (…, year, pod)."""
    dims = ("year", "pod", "scheme")
    removed: Floats = (ordered(activity.avoided, dims) + ordered(activity.reduced, dims)).sum(axis=-1)
    return removed


def deflection_values(removed: Floats, base: Floats) -> Floats:
    """:func:`deflection_percent` on arrays: ``removed`` (…, year, pod), ``base`` (…, pod); NaN where the
    base is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return -100 * removed / np.where(base != 0, base, np.nan)[..., None, :]


def _year_pod(array: xr.DataArray) -> dict[str, pd.Index]:
    return {"year": array.get_index("year"), "pod": array.get_index("pod")}
