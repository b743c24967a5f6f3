"""Prices and savings: tariff basis, cost release, providers (model spec section 5). Money in £'000."""

from __future__ import annotations

import numpy as np
import xarray as xr

from carebridge.engine.arrays import Floats, labelled, lead, ordered

SOURCES = ("avoided_growth", "reduction", "direct")
BASES = ("tariff", "cost")


def tariff_saving(activity_removed: xr.DataArray, price: xr.DataArray) -> xr.DataArray:
    """Tariff-basis saving ``ST[k,t,p] = removed[k,t,p] · P[t,p] / 1000`` (£'000 from £ per unit)."""
    return activity_removed * price / 1000


PARTS = ("avoided_growth", "reduction", "direct_released", "direct_immediate")
"""What a saving comes from, for cost release: avoided growth and immediate direct savings are released at
once; reductions and other direct savings through the POD's cost structure."""
PART_SOURCE = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [0, 0, 1.0]])


def release_matrix_values(release: Floats, n: int) -> Floats:
    """``M[p, t, τ] = w[p, t − τ]`` for ``t ≥ τ``, else 0: the share of year τ's change released by year t.

    ``release`` (pod, lag), a lag for each of the ``n`` years: ``w[p, d] = Σ_j share_j · 1[d ≥ lag_j]``, the
    POD's release profile (variable, semi-fixed, fixed). Returns (pod, year, from_year).
    """
    gap = np.arange(n)[:, None] - np.arange(n)[None, :]
    return release[:, np.clip(gap, 0, n - 1)] * (gap >= 0)


def release_kernel_values(release: Floats) -> Floats:
    """Release matrices by part, (part, pod, year, from_year), from the release profile (pod, lag).

    Parts released at once get 1 from the year of the change on; the others the POD's release matrix.
    """
    n = release.shape[-1]
    matrix = release_matrix_values(release, n)
    at_once = np.broadcast_to(np.tri(n), matrix.shape)  # released in full from its year
    return np.stack([at_once, matrix, matrix, at_once])


def release_matrix(release: xr.DataArray, years: xr.DataArray) -> xr.DataArray:
    """:func:`release_matrix_values` labelled, (pod, year, from_year)."""
    n = years.size
    profile = release_matrix_values(release.transpose("pod", "lag").values, n)
    return labelled(
        profile,
        ["pod", "year", "from_year"],
        {"pod": release.pod.values, "year": years.values, "from_year": years.values},
    )


def apply_release(tariff: xr.DataArray, kernel: xr.DataArray) -> xr.DataArray:
    """``SC[t] = Σ_{τ ≤ t} δ[τ] · M[t, τ]`` with ``δ[t] = S[t] − S[t−1]`` (``S[−1] = 0``)."""
    axis = tariff.get_axis_num("year")
    delta = tariff.copy(data=np.diff(tariff.values, axis=axis, prepend=0.0)).rename(year="from_year")
    released: xr.DataArray = xr.dot(kernel, delta, dim="from_year")
    return released.transpose(*tariff.dims)


def cost_release(tariff: xr.DataArray, release: xr.DataArray) -> xr.DataArray:
    """Cost-basis saving of reductions: ``SC[t] = Σ_{τ ≤ t} δ[τ] · Σ_j share_j · 1[t − τ ≥ lag_j]``.

    ``δ[t] = S[t] − S[t−1]`` is the new tariff-basis saving of year t (it may be negative). The tariff
    saving is recurrent, so once the largest lag has passed after the last change, cost equals tariff.
    """
    return apply_release(tariff, release_matrix(release, tariff.year))


def by_provider(saving: xr.DataArray, provider_split: xr.DataArray) -> xr.DataArray:
    """Saving falling to each provider: ``S[.., p] · ps[p, o]``."""
    return saving * provider_split


def savings_table(
    avoided: xr.DataArray,
    reduced: xr.DataArray,
    direct_released: xr.DataArray,
    direct_immediate: xr.DataArray,
    price: xr.DataArray,
    kernel: xr.DataArray,
    provider_split: xr.DataArray,
    reduction_money: xr.DataArray | None = None,
) -> xr.DataArray:
    """All savings, positive, over (basis, year, pod, scheme, source, provider), a draw axis first where
    there is one.

    Tariff basis: activity removed × price / 1000, and direct savings as given. Cost basis: avoided growth
    is released in full in the year it arises (no cost base was built for it); reductions and direct
    savings (unless immediate) are released through the POD's cost structure (``kernel``, from
    :func:`release_kernel_values`). ``reduction_money`` (£'000, tariff basis) is money saved by reductions
    that no activity at the POD's price gives: the bed days a length-of-stay effect saves (docs/effects.md).
    """
    by_scheme = ("year", "pod", "scheme")
    effect = ("scheme", "year", "pod")
    saved = savings_values(
        ordered(avoided, by_scheme),
        ordered(reduced, by_scheme),
        np.moveaxis(ordered(direct_released, effect), -3, -1),
        np.moveaxis(ordered(direct_immediate, effect), -3, -1),
        ordered(price, ("year", "pod")),
        ordered(kernel, ("part", "pod", "year", "from_year")),
        ordered(provider_split, ("pod", "provider")),
        None if reduction_money is None else ordered(reduction_money, by_scheme),
    )  # (…, scheme, year, pod, source, basis, provider)
    laid = np.moveaxis(saved, [-2, -5, -4, -6, -3, -1], [-6, -5, -4, -3, -2, -1])
    return labelled(
        laid,
        [*lead(laid, 6), "basis", "year", "pod", "scheme", "source", "provider"],
        {
            "basis": list(BASES),
            "year": avoided.get_index("year"),
            "pod": avoided.get_index("pod"),
            "scheme": avoided.get_index("scheme"),
            "source": list(SOURCES),
            "provider": provider_split.get_index("provider"),
        },
    )


def savings_values(
    avoided: Floats,
    reduced: Floats,
    direct_released: Floats,
    direct_immediate: Floats,
    price: Floats,
    kernel: Floats,
    provider_split: Floats,
    reduction_money: Floats | None = None,
) -> Floats:
    """:func:`savings_table` on arrays, each with an optional leading draw axis: activity ``avoided`` and
    ``reduced``, the direct savings and ``reduction_money`` (…, year, pod, scheme), ``price`` (…, year,
    pod), ``kernel`` (part, pod, year, from_year), ``provider_split`` (pod, provider). Returns (…, scheme,
    year, pod, source, basis, provider)."""
    reduction = reduced * price[..., None] / 1000
    if reduction_money is not None:
        reduction = reduction + reduction_money
    parts = np.stack(
        np.broadcast_arrays(avoided * price[..., None] / 1000, reduction, direct_released, direct_immediate),
        axis=-4,
    )  # (…, part, year, pod, scheme)
    delta = np.diff(parts, axis=-3, prepend=0.0)
    released = np.einsum("qpyf,...qfps->...qyps", kernel, delta)
    both = np.stack([_by_source(parts), _by_source(released)], axis=-4)  # (…, source, basis, year, pod, s)
    split = both[..., None] * provider_split[:, None, :]  # (…, source, basis, year, pod, scheme, provider)
    return np.moveaxis(split, [-2, -4, -3, -6, -5], [-6, -5, -4, -3, -2])


def _by_source(parts: Floats) -> Floats:
    """Savings by part (…, part, …) as savings by source (…, source, …): direct savings released through
    the cost structure and at once are both direct savings."""
    return np.stack(
        [parts[..., 0, :, :, :], parts[..., 1, :, :, :], parts[..., 2, :, :, :] + parts[..., 3, :, :, :]],
        axis=-4,
    )
