"""The do-nothing forecast from income and expenditure (model spec section 7).

``E[t] = Σ_c E0[c] · Π_{τ=1..t} (1 + inflation[c, τ]) (1 + demand[c, τ])``, ``I[t] = I0 · Π (1 + g[τ])``;
the recurrent (normalised) gap is ``E − I`` plus recurrent items from their start year; non-recurrent items
are kept apart; the do-nothing gap is their sum. Positive is a deficit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import xarray as xr


def compound(base: xr.DataArray, rate: xr.DataArray) -> xr.DataArray:
    """``base · Π_{τ=1..t} (1 + rate[τ])``: the rate of the base year is not applied."""
    growth = (1 + rate).where(rate.year != rate.year[0], 1.0)
    return base * growth.cumprod("year")


def activity_demand_growth(do_nothing: xr.DataArray, price: xr.DataArray, pods: list[str]) -> xr.DataArray:
    """Year-on-year growth of do-nothing activity of ``pods``, weighted by base-year value at base prices."""
    weight = price.isel(year=0).sel(pod=pods)
    value = (do_nothing.sel(pod=pods) * weight).sum("pod")
    previous = value.shift(year=1)
    return (value / previous.where(previous != 0) - 1).fillna(0.0)


def expenditure(base: xr.DataArray, inflation: xr.DataArray, demand: xr.DataArray) -> xr.DataArray:
    """Expenditure by category and year: ``E0 · Π (1 + inflation)(1 + demand)``."""
    return compound(base, (1 + inflation) * (1 + demand) - 1)


def gap(
    income: xr.DataArray, spend: xr.DataArray, recurrent: xr.DataArray, non_recurrent: xr.DataArray
) -> xr.DataArray:
    """Do-nothing gap = expenditure − income + recurrent items + non-recurrent items."""
    return spend - income + recurrent + non_recurrent


def zeros(years: list[str]) -> xr.DataArray:
    import xarray as xr

    return xr.DataArray(np.zeros(len(years)), dims=["year"], coords={"year": years})
