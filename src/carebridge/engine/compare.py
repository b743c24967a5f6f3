"""Comparing two runs: a variant against its base, or two versions of a plan (Stockport Table 4).

Positions are compared line by line for every organisation, for the NHS and social care apart (by each
organisation's sector), and for the system: the typed positions and, beside them, the positions from the
schemes (lines ``schemes.…``, model spec section 13), so that an edit of a contract's rate or of a scheme's
effect moves something even where the typed positions do not. Lines or organisations only one run has count
as 0 in the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.finance import SYSTEM
from carebridge.engine.labels import label_map, plain
from carebridge.engine.results import Results

if TYPE_CHECKING:
    import xarray as xr

SECTORS = ("nhs", "social_care")


def positions_by_holder(results: Results) -> xr.DataArray:
    """Positions (line, holder, year): each organisation, then ``nhs`` and ``social_care`` (the sum of their
    organisations' own lines), then ``system``. System-level lines count in the system only. The typed lines
    come first, then the positions from the schemes (``schemes.…``) where the run has them."""
    import xarray as xr

    typed = typed_positions_by_holder(results)
    held = results.scheme_positions
    if held is None:
        return typed
    holders = [str(h) for h in typed.holder.values]
    holders += [str(h) for h in held.holder.values if str(h) not in holders]
    parts = [
        typed.reindex(holder=holders, fill_value=0.0),
        held.astype(float).reindex(holder=holders, year=typed.year.values, fill_value=0.0),
    ]
    return xr.concat(parts, dim="line")


def typed_positions_by_holder(results: Results) -> xr.DataArray:
    """The typed positions (line, holder, year) of :func:`positions_by_holder`."""
    import xarray as xr

    sectors = label_map(results.positions, "org", "sector")
    table = plain(results.positions)
    orgs = [str(org) for org in table.org.values if org != SYSTEM]
    own = table.sel(org=orgs)
    parts = [own]
    for name in SECTORS:
        members = [org for org in orgs if sectors.get(org) == name]
        parts.append(own.sel(org=members).sum("org").expand_dims(org=[name]))
    parts.append(table.sel(org=[SYSTEM]))
    return xr.concat(parts, dim="org").rename(org="holder")


def difference(base: xr.DataArray, other: xr.DataArray) -> xr.Dataset:
    """``base``, ``other`` and ``other − base`` on the union of their coordinates (missing counts as 0)."""
    import xarray as xr

    left, right = xr.align(base, other, join="outer", fill_value=0.0)
    return xr.Dataset({"base": left, "other": right, "difference": right - left})


def compare_positions(base: Results, other: Results) -> xr.Dataset:
    """Position differences (line, holder, year) between two runs."""
    return difference(positions_by_holder(base), positions_by_holder(other))


def compare_statement_net(base: Results, other: Results) -> xr.Dataset:
    """Net of the investment and funding statement by (basis, year)."""
    return difference(base.statement.sel(line="net", drop=True), other.statement.sel(line="net", drop=True))


def compare_scheme_totals(base: Results, other: Results) -> xr.Dataset:
    """Programme investment and benefit (tariff and cost basis) by year."""
    import xarray as xr

    def totals(results: Results) -> xr.DataArray:
        summary = results.scheme_summary
        parts: Mapping[str, xr.DataArray] = {
            "investment": summary.investment.sum("scheme"),
            "benefit_tariff": summary.benefit.sel(basis="tariff", drop=True).sum("scheme"),
            "benefit_cost": summary.benefit.sel(basis="cost", drop=True).sum("scheme"),
        }
        return xr.concat(list(parts.values()), dim="measure").assign_coords(measure=list(parts))

    return difference(totals(base), totals(other))


def first_changed_year(base: Results, other: Results, tolerance: float = 0.5) -> str | None:
    """The first year of ``other`` in which any line of any holder's positions (typed or from the schemes) or
    the statement's net saving differs from ``base`` by more than ``tolerance``."""
    moved = changed(compare_positions(base, other), tolerance).any(["line", "holder"])
    net = changed(compare_statement_net(base, other), tolerance).any("basis")
    for year in other.years:
        if year not in base.years:
            continue
        if any(bool(flags.sel(year=year)) for flags in (moved, net) if year in flags.year.values):
            return year
    return None


def changed(table: xr.Dataset, tolerance: float = 0.5) -> xr.DataArray:
    """Whether each cell of a difference table moved by more than ``tolerance``."""
    moved: xr.DataArray = np.abs(table.difference) > tolerance
    return moved
