"""Scheme effects on activity and the overlap rule (model spec section 4).

All amounts here are activity removed, positive; a negative amount is activity added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from carebridge.engine.arrays import Floats, labelled, lead, ordered
from carebridge.engine.inputs import EffectInputs


@dataclass(frozen=True)
class SchemeActivity:
    """Activity each scheme removes, (scheme, year, pod), and per cohort for the overlap check."""

    avoided: xr.DataArray
    reduced: xr.DataArray
    cohort_removed: xr.DataArray  # (cohort, year, pod): removal of the fraction effects, by cohort


def overlap_values(fraction: Floats, member: Floats, weight: Floats | None = None) -> tuple[Floats, Floats]:
    """The overlap rule (model spec section 4; docs/demand.md §5), written once for cohorts and regions.

    ``fraction`` (…, scheme, year, pod), the ``…`` any leading axes (a draw axis, the kinds of effect);
    ``member`` (scheme, group), 1 where the scheme acts on the group (a cohort, or a region of cohorts);
    ``weight`` (…, group, year, pod) or None for 1. In each group the positive fractions of the schemes that
    act on it combine as ``F = 1 − Π_k (1 − f_k)``, attributed to each scheme in proportion to its own,
    ``f_k / Σ_j f_j``; negative fractions (increases) add. Returns each scheme's fraction summed over its
    groups, each times the group's ``weight``, ``Σ_g (F[g] · f_k / Σ_j f_j + f_k⁻) · weight[g]``
    (…, scheme, year, pod), and each group's combined fraction ``F[g] + Σ_k f_k⁻`` (…, group, year, pod).
    The result does not depend on the order of the schemes.

    One group at a time, over the schemes that act on it with a fraction other than 0 somewhere (a scheme of
    zeros changes neither the product nor the sums), so nothing holds scheme × group and a scenario's many
    schemes without fractions cost nothing."""
    fraction = np.asarray(fraction, dtype=np.float64)
    *_, schemes, years, pods = fraction.shape
    groups = member.shape[1]
    lead_shape = (
        fraction.shape[:-3] if weight is None else np.broadcast_shapes(fraction.shape[:-3], weight.shape[:-3])
    )
    per_scheme = np.zeros((*lead_shape, schemes, years, pods))
    combined = np.zeros((*lead_shape, groups, years, pods))
    if fraction.size == 0:
        return per_scheme, combined
    others = tuple(axis for axis in range(fraction.ndim) if axis != fraction.ndim - 3)
    has = np.any(fraction != 0, axis=others)  # (scheme,)
    for g in range(groups):
        acting = np.flatnonzero((member[:, g] != 0) & has)
        if acting.size == 0:  # no scheme acts here: nothing removed, a combined fraction of 0
            continue
        on = fraction[..., acting, :, :] * member[acting, g][:, None, None]  # (…, acting, year, pod)
        positive = np.clip(on, 0, None)
        increase = np.clip(on, None, 0)
        joint = 1 - np.prod(1 - positive, axis=-3)  # (…, year, pod)
        total = positive.sum(axis=-3)[..., None, :, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            proportion = np.where(total > 0, positive / total, 0.0)
        own = joint[..., None, :, :] * proportion + increase
        if weight is not None:
            own = own * weight[..., g : g + 1, :, :]
        per_scheme[..., acting, :, :] += own
        combined[..., g, :, :] = joint + increase.sum(axis=-3)
    return per_scheme, combined


def combine_fractions(
    fraction: xr.DataArray, scheme_cohort: xr.DataArray
) -> tuple[xr.DataArray, xr.DataArray]:
    """Apply the overlap rule (:func:`overlap_values`) to labelled fractions of one kind; return (fraction per
    scheme, combined per cohort).

    ``fraction`` has a ``scheme`` dimension among any others; the fraction per scheme has the others in
    their order, then ``scheme``; the combined fraction the others, then ``cohort``.
    """
    others = [str(dim) for dim in fraction.dims if dim != "scheme"]
    schemes = fraction.get_index("scheme")
    member = scheme_cohort.transpose("scheme", "cohort")
    if not member.get_index("scheme").equals(schemes):
        member = member.sel(scheme=schemes)
    values = fraction.transpose(*others, "scheme").values[..., :, None, None]
    per_scheme, combined = overlap_values(values, np.asarray(member.values, dtype=np.float64))
    indexed = fraction.xindexes
    coords = {dim: fraction.get_index(dim) for dim in others if dim in indexed}
    return (
        labelled(per_scheme[..., 0, 0], [*others, "scheme"], {**coords, "scheme": schemes}),
        labelled(
            combined[..., 0, 0], [*others, "cohort"], {**coords, "cohort": scheme_cohort.get_index("cohort")}
        ),
    )


def scheme_activity(
    effects: EffectInputs,
    base: xr.DataArray,
    do_nothing: xr.DataArray,
    growth: xr.DataArray,
) -> SchemeActivity:
    """Avoided growth and reductions of every scheme, labelled: :func:`scheme_activity_values` on the values
    of ``effects`` (with its regions, where cohorts change share over the years or overlap)."""
    member, share = effects.region_member, effects.region_share
    avoided, reduced, cohort_removed = scheme_activity_values(
        ordered(effects.fractions, EFFECT_DIMS),
        ordered(effects.absolute_avoided, SCHEME_DIMS),
        ordered(effects.absolute_reduction, SCHEME_DIMS),
        ordered(effects.scheme_cohort, ("scheme", "cohort")),
        ordered(effects.cohort_share, ("cohort", "pod")),
        ordered(base, ("pod",)),
        ordered(do_nothing, ("year", "pod")),
        ordered(growth, ("year", "pod")),
        region_member=None if member is None or share is None else ordered(member, ("region", "cohort")),
        region_share=None if member is None or share is None else ordered(share, ("region", "year", "pod")),
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
    *,
    region_member: Floats | None = None,
    region_share: Floats | None = None,
) -> tuple[Floats, Floats, Floats]:
    """Avoided growth and reductions of every scheme, on arrays, each with an optional leading draw axis:
    ``fractions`` (…, kind, scheme, year, pod) with the kinds of ``FRACTION_KINDS``, the absolute amounts
    (…, scheme, year, pod), ``scheme_cohort`` (scheme, cohort), ``cohort_share`` (…, cohort, pod), ``base``
    (…, pod), ``do_nothing`` and ``growth`` (…, year, pod); with cohorts whose shares change or overlap
    (docs/demand.md §4–5), ``region_member`` (region, cohort) and ``region_share`` (…, region, year, pod).
    Returns avoided and reduced activity (…, year, pod, scheme) and the removal by cohort (…, year, pod,
    cohort).

    - ``avoid_growth``: ``x = φ · cs[c,p] · GR[t,p]`` where ``GR > 0``;
    - ``reduce``: ``x = ρ · cs[c,p] · A0[p]`` (basis ``base``) or ``ρ · cs[c,p] · AD[t,p]`` (``do_nothing``);
    - ``absolute``: the activity given.

    Fractions of one kind (and basis) overlap by :func:`overlap_values` on the cohorts, or on the regions: a
    region is a cohort outside its declared intersections, or one intersection, with share ``s[r,t,p]``,
    and its basis that of §4 on its share: its growth ``max(0, s[t]·AD − s[0]·A0)``, ``s[0]·A0``, or
    ``s[t]·AD``."""
    if region_member is None or region_share is None:
        groups = scheme_cohort
        share = cohort_share[..., :, None, :]  # (…, cohort, 1, pod)
        weight = _weights(share, share, base, do_nothing, growth, changing=False)
        to_cohort = None
    else:
        groups = scheme_cohort @ region_member.T  # (scheme, region)
        start = region_share[..., :, :1, :]  # (…, region, 1, pod)
        weight = _weights(
            start, region_share, base, do_nothing, growth, changing=bool((region_share != start).any())
        )
        to_cohort = region_member
    removed, combined = overlap_values(fractions, groups, weight)  # (…, kind, scheme|group, year, pod)
    by_group = (combined * weight).sum(axis=-4)  # (…, group, year, pod)
    if to_cohort is not None:
        by_group = np.einsum("...rtp,rc->...ctp", by_group, to_cohort)
    avoided = removed[..., 0, :, :, :] + absolute_avoided
    reduced = removed[..., 1, :, :, :] + removed[..., 2, :, :, :] + absolute_reduction
    return np.moveaxis(avoided, -3, -1), np.moveaxis(reduced, -3, -1), np.moveaxis(by_group, -3, -1)


def _weights(
    start: Floats, share: Floats, base: Floats, do_nothing: Floats, growth: Floats, changing: bool
) -> Floats:
    """Each group's basis by kind of fraction (…, kind, group, year, pod): ``start`` (…, group, 1, pod) its
    share in the base year, ``share`` (…, group, year or 1, pod) by year (docs/demand.md §4)."""
    do_nothing = do_nothing[..., None, :, :]
    growth = growth[..., None, :, :]
    if changing:  # the group's growth: max(0, s[t]·AD − s[0]·A0) = max(0, s[0]·GR + (s[t] − s[0])·AD)
        avoid = np.clip(start * growth + (share - start) * do_nothing, 0, None)
    else:
        avoid = start * np.clip(growth, 0, None)
    on_base = start * base[..., None, None, :]
    on_do_nothing = share * do_nothing
    return np.stack(np.broadcast_arrays(avoid, on_base, on_do_nothing), axis=-4)


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
