"""Scheme effects on activity and the overlap rule (model spec section 4).

All amounts here are activity removed, positive; a negative amount is activity added.
"""

from __future__ import annotations

from dataclasses import dataclass

import xarray as xr

from carebridge.engine.inputs import EffectInputs


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
    """
    by_cohort = fraction * scheme_cohort  # (scheme, cohort, year, pod)
    positive = by_cohort.clip(min=0)
    combined = 1 - (1 - positive).prod("scheme")
    total = positive.sum("scheme")
    proportion = (positive / total.where(total > 0)).fillna(0.0)
    increase = by_cohort.clip(max=0)
    per_scheme = (combined * proportion + increase).sum("cohort")
    return per_scheme, combined + increase.sum("scheme")


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
    share = effects.cohort_share
    member = effects.scheme_cohort
    scheme_share = (member * share).sum("cohort")  # (scheme, pod)
    basis = xr.concat(
        [growth.clip(min=0), base.broadcast_like(do_nothing), do_nothing], dim="kind"
    ).assign_coords(kind=effects.fractions.kind)
    per_scheme, combined = combine_fractions(effects.fractions, member)
    removed = per_scheme * scheme_share * basis  # (kind, scheme, year, pod)
    avoided = removed.sel(kind="avoid_growth", drop=True) + effects.absolute_avoided
    reduced = removed.sel(kind=["reduce_base", "reduce_do_nothing"]).sum("kind") + effects.absolute_reduction
    return SchemeActivity(
        avoided=avoided, reduced=reduced, cohort_removed=(combined * share * basis).sum("kind")
    )


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
    member = effects.region_member  # (region, cohort)
    scheme_region = (effects.scheme_cohort * member).sum("cohort")  # (scheme, region)
    per_scheme, combined = combine_fractions_on(effects.fractions, scheme_region, "region")
    start = effects.region_share.isel(year=0, drop=True)  # (region, pod)
    change = effects.region_share - start  # (region, year, pod): 0 where the share is constant
    basis = xr.concat(
        [growth.clip(min=0), base.broadcast_like(do_nothing), do_nothing], dim="kind"
    ).assign_coords(kind=effects.fractions.kind)
    own_growth = (start * growth + change * do_nothing).clip(min=0) - start * growth.clip(min=0)
    correction = xr.concat(
        [own_growth, xr.zeros_like(own_growth), change * do_nothing], dim="kind"
    ).assign_coords(kind=effects.fractions.kind)
    removed = (per_scheme * start).sum("region") * basis + (per_scheme * correction).sum("region")
    avoided = removed.sel(kind="avoid_growth", drop=True) + effects.absolute_avoided
    reduced = removed.sel(kind=["reduce_base", "reduce_do_nothing"]).sum("kind") + effects.absolute_reduction
    in_region = (combined * start * basis + combined * correction).sum("kind")  # (region, year, pod)
    return SchemeActivity(avoided=avoided, reduced=reduced, cohort_removed=(in_region * member).sum("region"))


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
    return do_nothing - (activity.avoided + activity.reduced).sum("scheme")


def deflection_percent(activity: SchemeActivity, base: xr.DataArray) -> xr.DataArray:
    """Deflection against the base year, in percent, negative for activity removed (Stockport Table 9).

    ``−100 · (Σ_k avoided + reduced)[t,p] / A0[p]``.
    """
    removed = (activity.avoided + activity.reduced).sum("scheme")
    return -100 * removed / base.where(base != 0)
