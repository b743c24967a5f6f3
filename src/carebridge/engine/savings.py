"""Prices and savings: tariff basis, cost release, providers (model spec section 5). Money in £'000."""

from __future__ import annotations

import numpy as np
import xarray as xr

from carebridge.engine.arrays import Floats, labelled_array

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
    return labelled_array(
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
    """All savings, positive, over (scheme, year, pod, source, basis, provider).

    Tariff basis: activity removed × price / 1000, and direct savings as given. Cost basis: avoided growth
    is released in full in the year it arises (no cost base was built for it); reductions and direct
    savings (unless immediate) are released through the POD's cost structure (``kernel``, from
    :func:`release_kernel_values`). ``reduction_money`` (£'000, tariff basis) is money saved by reductions
    that no activity at the POD's price gives: the bed days a length-of-stay effect saves (docs/effects.md).
    """
    reduction = tariff_saving(reduced, price)
    if reduction_money is not None:
        reduction = reduction + reduction_money
    by_part = xr.concat(
        [tariff_saving(avoided, price), reduction, direct_released, direct_immediate],
        dim="part",
    ).assign_coords(part=list(PARTS))
    to_source = xr.DataArray(
        PART_SOURCE, dims=["part", "source"], coords={"part": list(PARTS), "source": list(SOURCES)}
    )
    tariff: xr.DataArray = xr.dot(by_part, to_source, dim="part")
    cost: xr.DataArray = xr.dot(apply_release(by_part, kernel), to_source, dim="part")
    both = xr.concat([tariff, cost], dim="basis").assign_coords(basis=list(BASES))
    return by_provider(both, provider_split)
