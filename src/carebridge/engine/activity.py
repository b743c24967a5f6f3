"""Do-nothing activity and growth (model spec section 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.arrays import Floats, labelled, lead, ordered

if TYPE_CHECKING:
    import xarray as xr


def do_nothing_activity(base: xr.DataArray, trajectory: xr.DataArray, growth: xr.DataArray) -> xr.DataArray:
    """Do-nothing activity ``AD[t,p]``: the explicit trajectory where given, else growth compounded on base.

    ``AD[t,p] = A0[p] · Π_{τ=1..t} (1 + g[τ,p])``, with ``g`` already the product of the demographic and
    non-demographic parts, ``(1 + g) = (1 + g_demo)(1 + g_nondemo)``.
    """
    dims = ("year", "pod")
    activity = do_nothing_values(ordered(base, ("pod",)), ordered(trajectory, dims), ordered(growth, dims))
    return labelled(activity, [*lead(activity, 2), *dims], {d: growth.get_index(d) for d in dims})


def do_nothing_values(base: Floats, trajectory: Floats, growth: Floats) -> Floats:
    """:func:`do_nothing_activity` on arrays: ``base`` (…, pod), ``trajectory`` and ``growth`` (…, year,
    pod); returns (…, year, pod)."""
    grown = base[..., None, :] * np.cumprod(1 + growth, axis=-2)
    return np.where(np.isnan(trajectory), grown, trajectory)


def growth_over_base(do_nothing: xr.DataArray, base: xr.DataArray) -> xr.DataArray:
    """Growth ``GR[t,p] = AD[t,p] − A0[p]``: the activity above the base year."""
    dims = ("year", "pod")
    growth = ordered(do_nothing, dims) - ordered(base, ("pod",))[..., None, :]
    return labelled(growth, [*lead(growth, 2), *dims], {d: do_nothing.get_index(d) for d in dims})
