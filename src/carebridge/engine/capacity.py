"""What activity needs: bed days, beds and workforce, for do-nothing and do-something.

``bed days = spells × length of stay``; ``beds = bed days / (days open × occupancy)``;
``WTE = Σ_p activity[p] × WTE per unit[p]``.
"""

from __future__ import annotations

import xarray as xr


def bed_days(activity: xr.DataArray, length_of_stay: xr.DataArray) -> xr.DataArray:
    """Bed days by bed base: ``Σ_p activity[p] · LOS[bed, p]``."""
    return (activity * length_of_stay).sum("pod")


def beds(days_needed: xr.DataArray, days_open: xr.DataArray, occupancy: xr.DataArray) -> xr.DataArray:
    """Beds at the target occupancy: ``bed days / (days open × occupancy)``."""
    return days_needed / (days_open * occupancy)


def workforce(activity: xr.DataArray, per_unit: xr.DataArray) -> xr.DataArray:
    """WTE by staff group: ``Σ_p activity[p] · WTE per unit[group, p]``."""
    return (activity * per_unit).sum("pod")
