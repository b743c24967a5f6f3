"""Prices and savings: tariff basis, cost release, providers (model spec section 5). Money in £'000."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.arrays import Floats, labelled

if TYPE_CHECKING:
    import xarray as xr

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
    import xarray as xr

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


def source_values(
    avoided: Floats,
    reduced: Floats,
    direct_released: Floats,
    direct_immediate: Floats,
    price: Floats,
    kernel: Floats,
    reduction_money: Floats | None = None,
) -> Floats:
    """The savings before they are shared out among providers (:func:`with_providers`), (…, scheme, year,
    pod, source, basis), positive, from arrays each with an optional leading draw axis: activity ``avoided``
    and ``reduced``, the direct savings and ``reduction_money`` (…, year, pod, scheme), ``price`` (…, year,
    pod), ``kernel`` (part, pod, year, from_year, from :func:`release_kernel_values`). The array returned lies
    in memory as (…, source, basis, scheme, year, pod) (:func:`laid_by_source` gives that view): the layout
    its parts are computed in, and the one a scheme's activity lies in (scheme before year and POD), so that
    each part is written in one pass without a transpose.

    Avoided growth is released in full in the year it arises (no cost base was built for it); reductions and
    direct savings (unless immediate) through the POD's cost structure. ``reduction_money`` (£'000, tariff
    basis) is money saved by reductions that no activity at the POD's price gives: the bed days a
    length-of-stay effect saves (docs/effects.md).

    Tariff basis: avoided growth and reductions at the POD's price, direct savings as given. Cost basis: each
    part ``q`` released through its matrix, ``Σ_τ M_q[p, t, τ] · δ[τ]`` (``δ`` the part's change from the
    year before), computed as one product per POD with ``M_q`` times the matrix of differences; a part
    released at once (``M_q`` the lower triangle of ones) is its tariff saving itself.
    """
    priced = price[..., None]
    given = [avoided, reduced, direct_released, direct_immediate, priced]
    if reduction_money is not None:
        given.append(reduction_money)
    lead = np.broadcast_shapes(*(part.shape[:-3] for part in given))
    years, pods, schemes = np.broadcast_shapes(*(part.shape[-3:] for part in given))
    out = np.empty((*lead, len(SOURCES), len(BASES), schemes, years, pods))
    tariff, cost = out[..., 0, :, :, :], out[..., 1, :, :, :]  # (…, source, scheme, year, pod)
    for q, (activity, money) in enumerate(((avoided, None), (reduced, reduction_money))):
        saved = tariff[..., q, :, :, :]  # written in place, as the activity lies in memory: no transpose
        np.multiply(_by_scheme(activity), price[..., None, :, :], out=saved)
        saved /= 1000
        if money is not None:
            saved += _by_scheme(money)
    np.add(_by_scheme(direct_released), _by_scheme(direct_immediate), out=tariff[..., 2, :, :, :])
    at_once = np.tri(years)

    def released(part: Floats, q: int) -> Floats:
        if np.array_equal(kernel[q], np.broadcast_to(at_once, kernel[q].shape)):
            return part
        return _released(part, kernel[q])

    cost[..., 0, :, :, :] = released(tariff[..., 0, :, :, :], 0)
    cost[..., 1, :, :, :] = released(tariff[..., 1, :, :, :], 1)
    np.add(
        released(_by_scheme(direct_released), 2),
        released(_by_scheme(direct_immediate), 3),
        out=cost[..., 2, :, :, :],
    )
    core = out.ndim - 5
    return out.transpose(*range(core), core + 2, core + 3, core + 4, core, core + 1)


def _by_scheme(part: Floats) -> Floats:
    """``part`` (…, year, pod, scheme) as (…, scheme, year, pod): a view, the way a scheme's activity and
    direct savings lie in memory."""
    return np.moveaxis(part, -1, -3)


def laid_by_source(sources: Floats) -> Floats:
    """``sources`` (…, scheme, year, pod, source, basis) as (…, source, basis, scheme, year, pod): the way
    :func:`source_values` lays it in memory (a view, without copying)."""
    core = sources.ndim - 5
    return sources.transpose(*range(core), core + 3, core + 4, core, core + 1, core + 2)


def _released(part: Floats, matrix: Floats) -> Floats:
    """``Σ_τ M[p, t, τ] · (S[τ] − S[τ−1])`` for ``part`` ``S`` (…, scheme, year, pod) and ``matrix`` ``M``
    (pod, year, from_year): per POD, one product of ``M`` and the matrix of differences with the part's
    years as rows."""
    schemes, years, pods = part.shape[-3:]
    difference = np.eye(years) - np.eye(years, k=-1)  # δ = difference @ S
    draws = int(np.prod(part.shape[:-3]))
    flat = part.reshape(draws, schemes, years, pods)
    columns = flat.transpose(3, 2, 0, 1).reshape(pods, years, draws * schemes)  # (pod, year, lead × scheme)
    made = np.einsum("pyf,pfn->pyn", matrix @ difference, columns)  # not BLAS: the sums are short
    laid = made.reshape(pods, years, draws, schemes).transpose(2, 3, 1, 0)
    released: Floats = laid.reshape(part.shape)
    return released


def with_providers(sources: Floats, provider_split: Floats) -> Floats:
    """:func:`source_values` (…, scheme, year, pod, source, basis) shared out among providers by
    ``provider_split`` (pod, provider): (…, scheme, year, pod, source, basis, provider)."""
    return _by_year(sources)[..., None] * provider_split[:, None, None, :]


def _by_year(sources: Floats) -> Floats:
    """A copy of ``sources`` (…, scheme, year, pod, source, basis) laid in memory as (…, source, basis, year,
    pod, scheme): the layout the savings table, the flows and what sums them were written against, so that
    their sums (whose order follows the layout) are the same to the last bit."""
    core = sources.ndim - 5
    laid = np.ascontiguousarray(sources.transpose(*range(core), core + 3, core + 4, core + 1, core + 2, core))
    return laid.transpose(*range(core), core + 4, core + 2, core + 3, core, core + 1)


def source_totals(sources: Floats) -> Floats:
    """The savings summed over sources, (…, basis, scheme, year, pod), positive and before providers: one
    array, added into, laid out as :func:`source_values` lays the savings. A run computes it once
    (:func:`by_pod_values`) and a simulation's tables read it as the run computed it
    (engine/simulate/batch.py)."""
    laid = laid_by_source(sources)
    summed: Floats = np.add(laid[..., 0, :, :, :, :], laid[..., 1, :, :, :, :])
    summed += laid[..., 2, :, :, :, :]
    return summed


def by_pod_values(totals: Floats, provider_split: Floats) -> Floats:
    """The savings table summed over sources and providers, (…, basis, scheme, year, pod), positive: the
    :func:`source_totals` of each POD weighted by its share of activity at the providers (1 when they hold
    all of it: then ``totals`` itself, as a number times 1 is that number to the bit)."""
    held = provider_split.sum(axis=-1)
    if bool((held == 1).all()):
        return totals
    shared: Floats = totals * held
    return shared


def benefit_values(by_pod: Floats) -> Floats:
    """The savings of each scheme by year and basis, (…, scheme, year, basis), positive: the savings table
    summed over sources and providers, :func:`by_pod_values`, summed over PODs."""
    moved = np.moveaxis(by_pod, -4, -1)  # (…, scheme, year, pod, basis)
    summed: Floats = np.zeros((*moved.shape[:-2], moved.shape[-1]))
    for pod in range(moved.shape[-2]):  # POD by POD from 0, whatever the layout: the same sums to the bit
        summed += moved[..., pod, :]
    return summed


def provider_activity_values(sources: Floats, provider_split: Floats) -> Floats:
    """The savings from activity (avoided growth and reductions) by provider, (…, year, pod, basis,
    provider), positive: the savings table's first two sources summed over schemes."""
    sources = _by_year(sources)
    activity = (sources[..., 0, :] + sources[..., 1, :]).sum(axis=-4)  # (…, year, pod, basis)
    shared: Floats = activity[..., None] * provider_split[:, None, :]
    return shared


def direct_cost_values(sources: Floats, provider_split: Floats) -> Floats:
    """The cost-basis direct savings, (…, scheme, year, pod), positive, summed over providers."""
    direct: Floats = _by_year(sources)[..., 2, 1] * provider_split.sum(axis=-1)
    return direct
