"""Prices and savings: tariff basis, cost release, providers (model spec section 5). Money in £'000."""

from __future__ import annotations

import numpy as np
import xarray as xr

SOURCES = ("avoided_growth", "reduction", "direct")
BASES = ("tariff", "cost")


def tariff_saving(activity_removed: xr.DataArray, price: xr.DataArray) -> xr.DataArray:
    """Tariff-basis saving ``ST[k,t,p] = removed[k,t,p] · P[t,p] / 1000`` (£'000 from £ per unit)."""
    return activity_removed * price / 1000


def release_matrix(release: xr.DataArray, years: xr.DataArray) -> xr.DataArray:
    """``M[p, t, τ] = w[p, t − τ]`` for ``t ≥ τ``, else 0: the share of year τ's change released by year t.

    ``w[p, d] = Σ_j share_j · 1[d ≥ lag_j]`` is the POD's release profile (variable, semi-fixed, fixed).
    """
    n = years.size
    gap = np.arange(n)[:, None] - np.arange(n)[None, :]
    profile = release.values[:, np.clip(gap, 0, n - 1)] * (gap >= 0)
    return xr.DataArray(
        profile,
        dims=["pod", "year", "from_year"],
        coords={"pod": release.pod.values, "year": years.values, "from_year": years.values},
    )


def cost_release(tariff: xr.DataArray, release: xr.DataArray) -> xr.DataArray:
    """Cost-basis saving of reductions: ``SC[t] = Σ_{τ ≤ t} δ[τ] · Σ_j share_j · 1[t − τ ≥ lag_j]``.

    ``δ[t] = S[t] − S[t−1]`` is the new tariff-basis saving of year t (it may be negative). The tariff
    saving is recurrent, so once the largest lag has passed after the last change, cost equals tariff.
    """
    delta = tariff.diff("year", label="upper")
    first = tariff.isel(year=[0])
    delta = xr.concat([first, delta], dim="year").rename(year="from_year")
    matrix = release_matrix(release, tariff.year)
    return xr.dot(matrix, delta, dim="from_year").transpose(*tariff.dims)


def by_provider(saving: xr.DataArray, provider_split: xr.DataArray) -> xr.DataArray:
    """Saving falling to each provider: ``S[.., p] · ps[p, o]``."""
    return saving * provider_split


def savings_table(
    avoided: xr.DataArray,
    reduced: xr.DataArray,
    direct_released: xr.DataArray,
    direct_immediate: xr.DataArray,
    price: xr.DataArray,
    release: xr.DataArray,
    provider_split: xr.DataArray,
) -> xr.DataArray:
    """All savings, positive, over (scheme, year, pod, source, basis, provider).

    Avoided growth is released in full in the year it arises (no cost base was built for it); reductions
    and direct savings (unless immediate) are released through the POD's cost structure.
    """
    growth_tariff = tariff_saving(avoided, price)
    reduction_tariff = tariff_saving(reduced, price)
    direct_tariff = direct_released + direct_immediate
    tariff = xr.concat([growth_tariff, reduction_tariff, direct_tariff], dim="source")
    cost = xr.concat(
        [
            growth_tariff,
            cost_release(reduction_tariff, release),
            cost_release(direct_released, release) + direct_immediate,
        ],
        dim="source",
    )
    both = xr.concat([tariff, cost], dim="basis").assign_coords(source=list(SOURCES), basis=list(BASES))
    return by_provider(both, provider_split)
