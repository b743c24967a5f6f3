"""Investment, funding, the statement, organisation positions and the bridge (model spec sections 6–7).

Outputs follow the sources' signs: a cost, deficit or investment is positive; a saving or funding negative.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from carebridge.engine.arrays import (
    DRAW,
    Coordinate,
    Floats,
    Laid,
    coord,
    labelled,
    laid,
    laid_values,
    lead_coords,
    lead_dims,
    unlabelled,
)
from carebridge.engine.inputs import FinanceInputs

if TYPE_CHECKING:
    import xarray as xr

SYSTEM = "system"
SAVINGS_LINE = "savings"
TOTAL_INVESTMENT = "total_investment"
TOTAL_FUNDING = "total_funding"
NET = "net"


def grouping(labels: Sequence[str | None], order: Sequence[str]) -> npt.NDArray[np.float64]:
    """Matrix ``G[line, row] = 1`` where row ``row`` carries label ``order[line]``."""
    return np.array([[1.0 if label == line else 0.0 for label in labels] for line in order]).reshape(
        len(order), len(labels)
    )


def investment_lines(finance: FinanceInputs) -> xr.DataArray:
    """Investment by statement line, (…, line, year): programme lines first, in order, then scheme lines.

    Programme investment and scheme investment (recurrent plus non-recurrent) with the same line label add.
    Any leading dimension of the inputs (a Monte Carlo ``draw``) leads the result's.
    """
    lead = lead_dims(_investment_arrays(finance), STATEMENT_CORE)
    values, order = _investment(finance, lead)
    return labelled(
        values,
        [*lead, "line", "year"],
        {
            **lead_coords(_investment_arrays(finance), lead),
            "line": order,
            "year": coord(unlabelled(finance, "investment"), "year"),
        },
    )


STATEMENT_CORE = ("investment", "scheme", "funding", "basis", "line", "year")
"""The dimensions the statement is computed over; any other (a ``draw``) leads."""


def _investment_arrays(finance: FinanceInputs) -> list[xr.DataArray | Laid | None]:
    """The investment inputs as held (read as numpy, not labelled)."""
    return [unlabelled(finance, name) for name in ("investment", "scheme_recurrent", "scheme_non_recurrent")]


def _investment(finance: FinanceInputs, lead: Sequence[str]) -> tuple[Floats, list[str]]:
    """Investment by statement line, (*lead, line, year), and the lines (see :func:`investment_lines`)."""
    scheme_lines = [line for line in finance.scheme_line if line is not None]
    order = list(dict.fromkeys([*finance.investment_line, *scheme_lines]))
    investment, recurrent, non_recurrent = _investment_arrays(finance)
    assert investment is not None and recurrent is not None and non_recurrent is not None
    programme = grouping(finance.investment_line, order) @ laid(investment, ("investment", "year"), lead)
    schemes = laid(recurrent, ("scheme", "year"), lead) + laid(non_recurrent, ("scheme", "year"), lead)
    values: Floats = programme + grouping(finance.scheme_line, order) @ schemes
    return values, order


def statement(
    finance: FinanceInputs, funding_names: Sequence[str], savings_by_basis: xr.DataArray
) -> xr.DataArray:
    """The investment and funding statement, (basis, line, year) (Stockport Tables 6, 8 and 20).

    Investment lines and their total; each funding source (negative), the savings line (negative, from
    ``statement.savings_from``), and their total; ``net = total investment + total funding``.
    ``savings_by_basis`` is the programme's saving per (basis, year), negative; any other dimensions it or
    the finance inputs have (a Monte Carlo ``draw``) lead the result's."""
    lead = [str(dim) for dim in savings_by_basis.dims if dim not in ("basis", "year")]
    laid_out = statement_laid(
        finance,
        funding_names,
        laid(savings_by_basis, ("basis", "year"), lead),
        [str(basis) for basis in coord(savings_by_basis, "basis")],
        coord(savings_by_basis, "year"),
        lead,
    )
    coords = {**lead_coords([savings_by_basis], lead), **laid_out.coords}
    return labelled(laid_out.values, laid_out.dims, coords)


def statement_laid(
    finance: FinanceInputs,
    funding_names: Sequence[str],
    savings: Floats,
    bases: Sequence[str],
    years: Sequence[object] | npt.NDArray[np.generic],
    savings_lead: Sequence[str] | None = None,
) -> Laid:
    """:func:`statement` from the programme's saving as values (…, basis, year), its leading dimensions
    ``savings_lead`` (by default a ``draw`` where it has one more axis)."""
    if savings_lead is None:
        savings_lead = [DRAW] * (savings.ndim - 2)
    arrays = _investment_arrays(finance)
    funding_given = unlabelled(finance, "funding")
    lead = lead_dims([*arrays, funding_given], STATEMENT_CORE)
    lead += [dim for dim in savings_lead if dim not in lead]
    found: dict[str, int] = dict(zip(savings_lead, savings.shape, strict=False))
    for array in [*arrays, funding_given]:
        if array is not None:
            found.update({str(dim): size for dim, size in zip(array.dims, array.shape, strict=True)})
    sizes = [found[dim] for dim in lead]
    investment, investment_order = _investment(finance, lead)
    ordered = laid_values(savings, [*savings_lead, "basis", "year"], ("basis", "year"), lead)
    n_years = ordered.shape[-1]
    shape = (*sizes, ordered.shape[-2])  # (…, basis)
    saving = np.broadcast_to(ordered, (*shape, n_years)) * laid(
        unlabelled(finance, "savings_window"), ("year",)
    )
    invest = np.broadcast_to(investment[..., None, :, :], (*shape, *investment.shape[-2:]))
    funded = laid(funding_given, ("funding", "year"), lead)
    funding = np.broadcast_to(-funded[..., None, :, :], (*shape, *funded.shape[-2:]))
    total_investment = invest.sum(axis=-2, keepdims=True)
    funding_lines = np.concatenate([funding, saving[..., None, :]], axis=-2)
    total_funding = funding_lines.sum(axis=-2, keepdims=True)
    net = total_investment + total_funding
    parts = [
        (invest, investment_order, "investment"),
        (total_investment, [TOTAL_INVESTMENT], "total_investment"),
        (funding_lines, [*funding_names, SAVINGS_LINE], "funding"),
        (total_funding, [TOTAL_FUNDING], "total_funding"),
        (net, [NET], "net"),
    ]
    lines = [name for _, names, _ in parts for name in names]
    sections = [section for _, names, section in parts for _ in names]
    return Laid(
        np.concatenate([values for values, _, _ in parts], axis=-2),
        [*lead, "basis", "line", "year"],
        {"basis": list(bases), "line": lines, "year": years, "section": ("line", sections)},
    )


def positions(
    do_nothing: xr.DataArray,
    plan_lines: xr.DataArray,
    plan_orgs: Sequence[str | None],
    allocation: xr.DataArray | None = None,
) -> xr.DataArray:
    """Positions (…, line, org, year): do-nothing, each plan line, do-something; ``org`` ends in ``system``.

    An organisation's do-something is its do-nothing gap plus its own plan lines and its share of allocated
    system lines (``allocation``, (…, line, org, year), model spec section 13); the system's is the sum of the
    organisations' gaps plus every line (Stockport Table 3 = Table 1 + Table 2).
    """
    arrays = [do_nothing, plan_lines, allocation]
    lead = lead_dims(arrays, ("line", "org", "year"))
    found = positions_laid(
        Laid(np.asarray(do_nothing.values), [str(dim) for dim in do_nothing.dims], {}),
        Laid(np.asarray(plan_lines.values), [str(dim) for dim in plan_lines.dims], {}),
        [str(org) for org in do_nothing.get_index("org").tolist()],
        [str(line) for line in plan_lines.get_index("line").tolist()],
        coord(do_nothing, "year"),
        plan_orgs,
        Laid(np.asarray(allocation.values), [str(dim) for dim in allocation.dims], {})
        if allocation is not None
        else None,
        lead,
    )
    return labelled(found.values, found.dims, {**lead_coords(arrays, lead), **found.coords})


def positions_laid(
    do_nothing: Laid,
    plan_lines: Laid,
    orgs: Sequence[str],
    line_ids: Sequence[str],
    years: Sequence[object] | npt.NDArray[np.generic],
    plan_orgs: Sequence[str | None],
    allocation: Laid | None = None,
    lead: Sequence[str] | None = None,
) -> Laid:
    """:func:`positions` from the do-nothing gaps over (…, org, year), the plan lines (…, line, year) and
    the allocation (…, line, org, year), each with its dimensions; ``lead`` the leading dimensions of the
    result (by default those of the three, in order)."""
    holders = [*orgs, SYSTEM]
    parts_in = [part for part in (do_nothing, plan_lines, allocation) if part is not None]
    if lead is None:
        core = ("line", "org", "year")
        lead = list(dict.fromkeys(dim for part in parts_in for dim in part.dims if dim not in core))
    owner = np.array(
        [[1.0 if (org == holder or holder == SYSTEM) else 0.0 for holder in holders] for org in plan_orgs]
    ).reshape(len(plan_orgs), len(holders), 1)
    if allocation is not None:
        shares = allocation.laid(("line", "org", "year"), lead)
        system = np.zeros((*shares.shape[:-2], 1, shares.shape[-1]))
        owner = owner + np.concatenate([shares, system], axis=-2)
    lines = plan_lines.laid(("line", "year"), lead)[..., :, None, :] * owner  # (…, line, org, year)
    gaps = do_nothing.laid(("org", "year"), lead)
    gap = np.concatenate([gaps, np.nansum(gaps, axis=-2, keepdims=True)], axis=-2)  # (…, org, year)
    something = gap + np.nansum(lines, axis=-3)  # as xarray's sum, which skips NaN
    parts = [gap[..., None, :, :], lines, something[..., None, :, :]]
    common = np.broadcast_shapes(*(part.shape[:-3] for part in parts))
    table = np.concatenate([np.broadcast_to(part, (*common, *part.shape[-3:])) for part in parts], axis=-3)
    # a leading dimension's labels (a ``draw`` has none), from the first part that has them
    leading: dict[Hashable, Coordinate] = {
        dim: next(part.coords[dim] for part in parts_in if dim in part.coords)
        for dim in lead
        if any(dim in part.coords for part in parts_in)
    }
    return Laid(
        table,
        [*lead, "line", "org", "year"],
        {
            **leading,
            "line": np.array(["do_nothing", *line_ids, "do_something"], dtype=object),
            "org": np.array(holders, dtype=object),
            "year": years,
        },
    )


def bridge(positions_table: xr.DataArray, year: str) -> list[tuple[str, float]]:
    """The system bridge for a year: do-nothing, each plan line in order, do-something."""
    column = positions_table.sel(org=SYSTEM, year=year).transpose("line", ...)
    lines = [str(line) for line in coord(positions_table, "line")]
    return [(line, float(value)) for line, value in zip(lines, column.values, strict=True)]
