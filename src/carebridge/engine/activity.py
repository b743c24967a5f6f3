"""Do-nothing activity and growth (model spec section 3)."""

from __future__ import annotations

import xarray as xr


def do_nothing_activity(base: xr.DataArray, trajectory: xr.DataArray, growth: xr.DataArray) -> xr.DataArray:
    """Do-nothing activity ``AD[t,p]``: the explicit trajectory where given, else growth compounded on base.

    ``AD[t,p] = A0[p] · Π_{τ=1..t} (1 + g[τ,p])``, with ``g`` already the product of the demographic and
    non-demographic parts, ``(1 + g) = (1 + g_demo)(1 + g_nondemo)``.
    """
    grown = base * (1 + growth).cumprod("year")
    return trajectory.where(trajectory.notnull(), grown)


def growth_over_base(do_nothing: xr.DataArray, base: xr.DataArray) -> xr.DataArray:
    """Growth ``GR[t,p] = AD[t,p] − A0[p]``: the activity above the base year."""
    return do_nothing - base
