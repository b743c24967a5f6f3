"""Scheme effects on activity and the overlap rule (model spec section 4).

All amounts here are activity removed, positive; a negative amount is activity added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from carebridge.engine.arrays import Floats, labelled, lead, ordered
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
    per_scheme, combined = combine_values(
        fraction.transpose(*others, "scheme").values, np.asarray(member.values, dtype=np.float64)
    )
    indexed = fraction.xindexes
    coords = {dim: fraction.get_index(dim) for dim in others if dim in indexed}
    return (
        labelled(per_scheme, [*others, "scheme"], {**coords, "scheme": schemes}),
        labelled(combined, [*others, "cohort"], {**coords, "cohort": scheme_cohort.get_index("cohort")}),
    )


def combine_values(fraction: Floats, scheme_cohort: Floats) -> tuple[Floats, Floats]:
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
        avoided=labelled(avoided, [*lead(avoided, 3), "year", "pod", "scheme"], schemes),
        reduced=labelled(reduced, [*lead(reduced, 3), "year", "pod", "scheme"], schemes),
        cohort_removed=labelled(cohort_removed, [*lead(cohort_removed, 3), "year", "pod", "cohort"], cohorts),
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
    # (…, kind, year, pod, scheme)
    per_scheme, combined = combine_values(np.moveaxis(fractions, -3, -1), scheme_cohort)
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

    Arrays are (…, kind, scheme, year, pod) and (…, kind, region, year, pod), ``…`` an optional draw axis;
    the regions are taken one at a time (:func:`_combine_on_regions`), so nothing holds scheme × region.
    """
    assert effects.region_share is not None and effects.region_member is not None
    schemes = [str(s) for s in effects.fractions.scheme.values]
    cohorts = [str(c) for c in effects.region_member.cohort.values]
    scheme_cohort = effects.scheme_cohort.transpose("scheme", "cohort")
    to_own = [cohorts.index(str(c)) for c in scheme_cohort.cohort.values]
    by_scheme = [[str(s) for s in scheme_cohort.scheme.values].index(s) for s in schemes]
    member = effects.region_member.transpose("region", "cohort").values  # (region, cohort)
    scheme_region = scheme_cohort.values[by_scheme] @ member[:, to_own].T  # (scheme, region)
    fractions = effects.fractions.transpose(..., "kind", "scheme", "year", "pod")
    kinds = [str(k) for k in fractions.kind.values]
    shares = effects.region_share.transpose(..., "region", "year", "pod").values
    start = shares[..., :, :1, :]  # (…, region, 1, pod)
    change = shares - start
    growth_v = growth.transpose(..., "year", "pod").values
    do_nothing_v = do_nothing.transpose(..., "year", "pod").values
    base_v = base.transpose(..., "pod").values[..., None, :] + 0 * do_nothing_v
    bases = {"avoid_growth": np.clip(growth_v, 0, None), "reduce_base": base_v}
    basis = np.stack([bases.get(kind, do_nothing_v) for kind in kinds], axis=-3)  # (…, kind, year, pod)
    correction = None
    if bool((change != 0).any()):
        own = np.clip(start * growth_v[..., None, :, :] + change * do_nothing_v[..., None, :, :], 0, None)
        corrections = {
            "avoid_growth": own - start * np.clip(growth_v, 0, None)[..., None, :, :],
            "reduce_base": np.zeros_like(own),
        }
        correction = np.stack(
            np.broadcast_arrays(
                *(corrections.get(kind, change * do_nothing_v[..., None, :, :]) for kind in kinds)
            ),
            axis=-4,
        )  # (…, kind, region, year, pod)
    removed, combined = _combine_on_regions(fractions.values, scheme_region, start, basis, correction)
    in_region = combined * start[..., None, :, :, :] * basis[..., :, None, :, :]
    if correction is not None:
        in_region = in_region + combined * correction
    absolute_avoided = effects.absolute_avoided.transpose(..., "scheme", "year", "pod").values
    absolute_reduction = effects.absolute_reduction.transpose(..., "scheme", "year", "pod").values
    avoided = removed[..., kinds.index("avoid_growth"), :, :, :] + absolute_avoided
    reduced = (
        removed[..., kinds.index("reduce_base"), :, :, :]
        + removed[..., kinds.index("reduce_do_nothing"), :, :, :]
    ) + absolute_reduction
    years = list(fractions.year.values)
    pods = list(fractions.pod.values)
    by_cohort = np.einsum("...rtp,rc->...ctp", in_region.sum(axis=-4), member)

    def labelled(data: npt.NDArray[np.float64], dims: list[str], coords: dict[str, object]) -> xr.DataArray:
        return xr.DataArray(data, dims=[DRAW] * (data.ndim - len(dims)) + dims, coords=coords)

    coords: dict[str, object] = {"scheme": schemes, "year": years, "pod": pods}
    order = (..., "year", "pod", "scheme")  # as the arithmetic of :func:`combine_fractions` lays them out
    cohort_removed = labelled(
        by_cohort, ["cohort", "year", "pod"], {"cohort": cohorts, "year": years, "pod": pods}
    )
    return SchemeActivity(
        avoided=labelled(avoided, ["scheme", "year", "pod"], coords).transpose(*order),
        reduced=labelled(reduced, ["scheme", "year", "pod"], coords).transpose(*order),
        cohort_removed=cohort_removed.transpose(..., "year", "pod", "cohort"),
    )


def _combine_on_regions(
    fraction: npt.NDArray[np.float64],
    scheme_region: npt.NDArray[np.float64],
    start: npt.NDArray[np.float64],
    basis: npt.NDArray[np.float64],
    correction: npt.NDArray[np.float64] | None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The overlap rule on regions, in arrays, as :func:`combine_fractions` computes it for cohorts.

    ``fraction`` (…, kind, scheme, year, pod); ``scheme_region`` (scheme, region), 1 where the scheme acts on
    the region; ``start`` (…, region, 1, pod) each region's share in the base year; ``basis`` (…, kind,
    year, pod); ``correction`` (…, kind, region, year, pod) or None. Each scheme's fraction on region ``r``
    is ``F[r] · f_k⁺ / Σ_j f_j⁺ + f_k⁻`` (``F[r] = 1 − Π_j (1 − f_j⁺)`` over the schemes acting on ``r``);
    returns the activity each scheme removes, ``Σ_r fraction_r · (start[r] · basis + correction[r])``
    (…, kind, scheme, year, pod), and each region's combined fraction (…, kind, region, year, pod).

    One region at a time, over the schemes that act on it: the scheme × region array is never built. The
    sums and products run over the schemes (and regions) in order, as numpy's reductions along an axis
    would, so the figures are those of the arithmetic over every scheme and region to the last bit."""
    positive = np.clip(fraction, 0, None)
    increase = np.clip(fraction, None, 0)
    regions = scheme_region.shape[1]
    lead = np.broadcast_shapes(fraction.shape[:-4], start.shape[:-3], basis.shape[:-3])
    kinds, schemes, years, pods = fraction.shape[-4:]
    at_start = np.zeros((*lead, kinds, schemes, years, pods))
    corrected = np.zeros_like(at_start) if correction is not None else None
    combined = np.zeros((*lead, kinds, regions, years, pods))
    for r in range(regions):
        acting = np.flatnonzero(scheme_region[:, r])
        if acting.size == 0:  # no scheme acts here: nothing removed, a combined fraction of 0
            continue
        weight = scheme_region[acting, r][:, None, None]  # (acting, 1, 1)
        on = positive[..., acting, :, :] * weight  # (…, kind, acting, year, pod)
        joint = 1 - np.prod(1 - on, axis=-3)  # (…, kind, year, pod)
        total = on.sum(axis=-3)
        with np.errstate(invalid="ignore", divide="ignore"):
            proportion = np.where(total[..., None, :, :] > 0, on / total[..., None, :, :], 0.0)
        added = increase[..., acting, :, :] * weight
        fraction_r = joint[..., None, :, :] * proportion + added
        at_start[..., acting, :, :] += fraction_r * start[..., None, r : r + 1, :, :]
        if corrected is not None and correction is not None:
            corrected[..., acting, :, :] += fraction_r * correction[..., :, r : r + 1, :, :]
        combined[..., r, :, :] = joint + added.sum(axis=-3)
    removed = at_start * basis[..., :, None, :, :]
    if corrected is not None:
        removed = removed + corrected
    return removed, combined


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
    return labelled(done, [*lead(done, 2), "year", "pod"], _year_pod(do_nothing))


def deflection_percent(activity: SchemeActivity, base: xr.DataArray) -> xr.DataArray:
    """Deflection against the base year, in percent, negative for activity removed (Stockport Table 9).

    ``−100 · (Σ_k avoided + reduced)[t,p] / A0[p]``.
    """
    percent = deflection_values(removed_values(activity), ordered(base, ("pod",)))
    return labelled(percent, [*lead(percent, 2), "year", "pod"], _year_pod(activity.avoided))


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
