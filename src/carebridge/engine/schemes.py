"""Scheme effects on activity and the overlap rule (model spec section 4).

All amounts here are activity removed, positive; a negative amount is activity added.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.arrays import Floats, Laid, coord, labelled, lead
from carebridge.engine.inputs import FRACTION_KINDS, InputValues, as_written, kept_for
from carebridge.scenario.schema import Scenario

if TYPE_CHECKING:
    import xarray as xr
    from xarray.indexes import Index


def overlap_values(fraction: Floats, member: Floats, weight: Floats | None = None) -> tuple[Floats, Floats]:
    """The overlap rule (model spec section 4; docs/demand.md §5), for cohorts and regions: ``fraction``
    (…, scheme, year, pod), the ``…`` any leading axes (a draw axis, the kinds of effect); ``member``
    (scheme, group), 1 where the scheme acts on the group (a cohort, or a region of cohorts); ``weight``
    (…, group, year, pod) or None for 1. Returns each scheme's fraction summed over its groups, each times the
    group's weight (…, scheme, year, pod), and each group's combined fraction (…, group, year, pod):
    :func:`overlap_on` over the schemes with a fraction other than 0 somewhere."""
    fraction = np.asarray(fraction, dtype=np.float64)
    active = with_fractions(fraction)
    per_active, combined = overlap_on(fraction, member, active, weight)
    per_scheme = np.zeros((*per_active.shape[:-3], *fraction.shape[-3:]))
    per_scheme[..., active, :, :] = per_active
    return per_scheme, combined


def with_fractions(fraction: Floats) -> list[int]:
    """The schemes (axis -3 of ``fraction``) with a fraction other than 0 in some cell."""
    others = tuple(axis for axis in range(fraction.ndim) if axis != fraction.ndim - 3)
    return np.flatnonzero(np.any(fraction != 0, axis=others)).tolist()


def overlap_on(
    fraction: Floats, member: Floats, active: list[int], weight: Floats | None = None
) -> tuple[Floats, Floats]:
    """The overlap rule (model spec section 4; docs/demand.md §5), written once: every combination of
    fractions of schemes in cohorts or regions in the engine is this function.

    ``fraction`` (…, scheme, year, pod), the ``…`` any leading axes; ``member`` (scheme, group), 1 where the
    scheme acts on the group; ``active`` the schemes to combine (the others have fractions of 0: they change
    neither the product nor the sums); ``weight`` (…, group, year, pod) or None for 1. In each group the
    positive fractions of the schemes that act on it combine as ``F = 1 − Π_k (1 − f_k)``, attributed to each
    scheme in proportion to its own, ``f_k / Σ_j f_j``; negative fractions (increases) add. Returns the
    fraction of each of ``active`` summed over its groups, each times the group's ``weight``,
    ``Σ_g (F[g] · f_k / Σ_j f_j + f_k⁻) · weight[g]`` (…, active scheme, year, pod), and each group's
    combined fraction ``F[g] + Σ_k f_k⁻`` (…, group, year, pod). The result does not depend on the order of
    the schemes.

    One group at a time, over the schemes of ``active`` that act on it: nothing holds scheme × group
    (:func:`overlap_parts`, then :func:`weighted`)."""
    parts, combined = overlap_parts(fraction, member, active)
    return weighted(parts, fraction, len(active), weight), combined


Part = tuple[int, list[int], Floats]
"""A group's part of the overlap rule: (group, the positions in ``active`` of the schemes that act on it,
their fractions on it (…, scheme acting, year, pod))."""


def overlap_parts(fraction: Floats, member: Floats, active: list[int]) -> tuple[list[Part], Floats]:
    """:func:`overlap_on` before the groups are weighed: each group's :data:`Part` (every group some scheme
    acts on), and each group's combined fraction (…, group, year, pod), the ``…`` those of ``fraction``."""
    *_, years, pods = fraction.shape
    groups = member.shape[1]
    combined = np.zeros((*fraction.shape[:-3], groups, years, pods))
    rows = member[active].tolist()
    parts: list[Part] = []
    for g in range(groups):
        at = [a for a, row in enumerate(rows) if row[g] != 0]
        if not at:  # no scheme acts here: nothing removed, a combined fraction of 0
            continue
        acting = [active[a] for a in at]
        on = fraction[..., _along(acting), :, :]  # (…, acting, year, pod), in place where it can
        if any(rows[a][g] != 1 for a in at):  # the members' scale, read from the rows (no array made)
            on = on * member[acting, g][:, None, None]
        positive = np.maximum(on, 0.0)
        increase = np.minimum(on, 0.0)
        if len(acting) == 1:  # F = 1 − (1 − f⁺), all of it the scheme's (f⁺ / f⁺ = 1, or F = 0)
            own = (1 - (1 - positive)) + increase
            combined[..., g, :, :] = own[..., 0, :, :]
        else:
            joint = 1 - np.multiply.reduce(1 - positive, axis=-3)  # (…, year, pod)
            total = np.add.reduce(positive, axis=-3)[..., None, :, :]
            proportion = np.divide(positive, total, out=np.zeros(positive.shape), where=total > 0)
            own = joint[..., None, :, :] * proportion + increase
            combined[..., g, :, :] = joint + np.add.reduce(increase, axis=-3)
        parts.append((g, at, own))
    return parts, combined


def weighted(parts: list[Part], fraction: Floats, active: int, weight: Floats | None) -> Floats:
    """The fraction of each of ``active`` schemes summed over its groups' ``parts``, each times the group's
    ``weight`` (…, group, year, pod) or 1 (None): (…, active scheme, year, pod), the ``…`` those of
    ``fraction`` (…, scheme, year, pod) and ``weight``."""
    *_, years, pods = fraction.shape
    lead_shape = fraction.shape[:-3] if weight is None else _broadcast(fraction.shape[:-3], weight.shape[:-3])
    per_active = np.zeros((*lead_shape, active, years, pods))
    for g, at, own in parts:
        if weight is not None:
            own = own * weight[..., g : g + 1, :, :]
        per_active[..., _along(at), :, :] += own
    return per_active


def _along(indices: list[int]) -> slice | list[int]:
    """``indices`` (ascending) as a slice where they run one after another — taken in place, not copied —
    else as they are."""
    first, last = indices[0], indices[-1]
    return slice(first, last + 1) if last - first == len(indices) - 1 else indices


def _broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """``np.broadcast_shapes``, without its cost where the shapes are the same (most often: no draw axis)."""
    first = shapes[0]
    return first if all(shape == first for shape in shapes[1:]) else np.broadcast_shapes(*shapes)


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


EFFECT_DIMS = ("kind", "scheme", "year", "pod")
BY_SCHEME = ("year", "pod", "scheme")


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
    overlap: Overlap | None = None,
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
    ``s[t]·AD``. ``overlap`` is the rule on ``fractions`` before the weights, made before
    (:func:`kept_overlap`), or None to make it here."""
    if overlap is None:
        overlap = overlap_of(fractions, scheme_cohort, region_member, region_share)
    groups = overlap.groups
    if region_member is None or region_share is None:
        start = share = cohort_share[..., :, None, :]  # (…, cohort, 1, pod)
    else:
        start, share = region_share[..., :, :1, :], region_share  # (…, region, 1 or year, pod)
    lead_shape = _broadcast(
        fractions.shape[:-4], share.shape[:-3], base.shape[:-1], do_nothing.shape[:-2], growth.shape[:-2]
    )
    shape = fractions.shape[-3:]
    removed = [np.zeros((*lead_shape, *shape)), np.zeros((*lead_shape, *shape))]  # avoided, reduced
    by_group = np.zeros((*lead_shape, groups.shape[1], *shape[1:]))
    for k, active, parts, combined in overlap.kinds:  # each kind (and basis) of fraction overlaps on its own
        weight = _weight(k, start, share, base, do_nothing, growth, overlap.changing)  # (…, group, year, pod)
        per_active = weighted(parts, fractions[..., k, :, :, :], len(active), weight)
        removed[min(k, 1)][..., _along(active), :, :] += per_active
        by_group += combined * weight
    if region_member is not None and region_share is not None:
        by_group = np.einsum("...rtp,rc->...ctp", by_group, region_member)
    avoided = removed[0] + absolute_avoided
    reduced = removed[1] + absolute_reduction
    return np.moveaxis(avoided, -3, -1), np.moveaxis(reduced, -3, -1), np.moveaxis(by_group, -3, -1)


@dataclass(frozen=True)
class Overlap:
    """The overlap rule on fractions before the groups are weighed by their bases (:func:`overlap_of`): the
    schemes' groups ``groups`` (scheme, group), cohorts or regions; whether the groups' shares change over the
    years (``changing``); and for each kind of fraction that some scheme has, (kind, its schemes with
    fractions, each group's :data:`Part`, each group's combined fraction (…, group, year, pod))."""

    groups: Floats
    changing: bool
    kinds: list[tuple[int, list[int], list[Part], Floats]]


def overlap_of(
    fractions: Floats,
    scheme_cohort: Floats,
    region_member: Floats | None = None,
    region_share: Floats | None = None,
) -> Overlap:
    """:class:`Overlap` of ``fractions`` (…, kind, scheme, year, pod) on the cohorts ``scheme_cohort``
    (scheme, cohort), or on the regions ``region_member`` (region, cohort) with shares ``region_share`` (…,
    region, year, pod)."""
    if region_member is None or region_share is None:
        groups, changing = scheme_cohort, False
    else:
        groups = scheme_cohort @ region_member.T  # (scheme, region)
        changing = bool((region_share != region_share[..., :, :1, :]).any())
    has = np.any(fractions != 0, axis=(*range(fractions.ndim - 4), -2, -1)).tolist()  # (kind, scheme)
    kinds = []
    for k in range(len(FRACTION_KINDS)):
        active = [i for i, some in enumerate(has[k]) if some]
        if active:
            kinds.append((k, active, *overlap_parts(fractions[..., k, :, :, :], groups, active)))
    return Overlap(groups, changing, kinds)


def kept_overlap(
    scenario: Scenario,
    values: InputValues,
    fractions: Floats,
    scheme_cohort: Floats,
    region_member: Floats | None = None,
    region_share: Floats | None = None,
) -> Overlap | None:
    """:func:`overlap_of` the scenario's fractions, cohorts and regions as compiled, once for each scenario
    as written (:func:`~carebridge.engine.inputs.kept_for`: the fractions are then the same in every run);
    None with draws (each run computes its own)."""
    if not as_written(values):
        return None
    return kept_for(
        scenario, "overlap", lambda: overlap_of(fractions, scheme_cohort, region_member, region_share)
    )


def _weight(
    kind: int, start: Floats, share: Floats, base: Floats, do_nothing: Floats, growth: Floats, changing: bool
) -> Floats:
    """The basis of a kind of fraction on each group (…, group, year or 1, pod): ``start`` (…, group, 1, pod)
    the group's share in the base year, ``share`` (…, group, year or 1, pod) by year (docs/demand.md §4)."""
    if FRACTION_KINDS[kind] == "avoid_growth":
        if changing:  # the group's growth: max(0, s[t]·AD − s[0]·A0) = max(0, s[0]·GR + (s[t] − s[0])·AD)
            return np.maximum(
                start * growth[..., None, :, :] + (share - start) * do_nothing[..., None, :, :], 0.0
            )
        return start * np.maximum(growth, 0.0)[..., None, :, :]
    if FRACTION_KINDS[kind] == "reduce_base":
        return start * base[..., None, None, :]
    return share * do_nothing[..., None, :, :]


def in_order(array: xr.DataArray | xr.Dataset, dim: str, labels: Sequence[str]) -> bool:
    """Whether ``array`` has exactly ``labels`` along ``dim``, in that order."""
    return labels_along(array, dim) == list(labels)


def labels_along(array: xr.DataArray | xr.Dataset | Laid, dim: str) -> list[str]:
    """The labels of ``array`` along ``dim``, as plain strings: read once for each index (the arrays the
    compile and the run label from one list of labels share one index, :mod:`carebridge.engine.arrays`),
    since reading them from the index costs more than the engine's arithmetic on a small array."""
    if isinstance(array, Laid):
        return [str(label) for label in coord(array, dim).tolist()]
    index = array.xindexes[dim]
    known = _LABELS.get(id(index))
    if known is not None and known[0] is index:
        return known[1]
    labels = [str(label) for label in array.indexes[dim].tolist()]
    if len(_LABELS) >= 1024:
        _LABELS.clear()
    _LABELS[id(index)] = (index, labels)  # the index is held, so its id is not reused while it is here
    return labels


_LABELS: dict[int, tuple[Index, list[str]]] = {}


def labelled_like(
    data: Floats, dims: Sequence[str], like: Mapping[str, xr.DataArray | xr.Dataset]
) -> xr.DataArray:
    """``data`` by (draw?, *dims), each of ``dims`` labelled with the coordinate and index it has in
    ``like[dim]``: the labels are not made again (no index built, no labels converted)."""
    import xarray as xr

    full = [*lead(data, len(dims)), *dims]
    variables = {dim: like[dim].coords.variables[dim].copy(deep=False) for dim in dims}
    indexes: dict[Hashable, Index] = {dim: like[dim].xindexes[dim] for dim in dims}
    variable = xr.Variable(full, data, fastpath=True)
    return xr.DataArray(variable, coords=variables, indexes=indexes, fastpath=True)


def deflection_values(removed: Floats, base: Floats) -> Floats:
    """:func:`deflection_percent` on arrays: ``removed`` (…, year, pod), ``base`` (…, pod); NaN where the
    base is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return -100 * removed / np.where(base != 0, base, np.nan)[..., None, :]
