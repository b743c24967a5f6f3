"""Investment, funding, the statement, organisation positions and the bridge (model spec sections 6–7).

Outputs follow the sources' signs: a cost, deficit or investment is positive; a saving or funding negative.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xarray as xr

from carebridge.engine.inputs import FinanceInputs

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
    scheme_lines = [line for line in finance.scheme_line if line is not None]
    order = list(dict.fromkeys([*finance.investment_line, *scheme_lines]))
    programme = _by_line(finance.investment, "investment", finance.investment_line, order)
    schemes = _by_line(
        finance.scheme_recurrent + finance.scheme_non_recurrent, "scheme", finance.scheme_line, order
    )
    return (programme + schemes).transpose(..., "line", "year")


def _by_line(
    amounts: xr.DataArray, dim: str, labels: Sequence[str | None], order: Sequence[str]
) -> xr.DataArray:
    """``Σ_row G[line, row] · amounts[…, row, year]`` with :func:`grouping`: rows added by their label."""
    moved = amounts.transpose(..., dim, "year")
    lead = list(moved.dims[:-2])
    return xr.DataArray(
        grouping(labels, order) @ moved.values,
        dims=[*lead, "line", "year"],
        coords={
            **{d: moved.coords[d] for d in lead if d in moved.coords},
            "line": list(order),
            "year": moved.year.values,
        },
    )


def statement(
    finance: FinanceInputs, funding_names: Sequence[str], savings_by_basis: xr.DataArray
) -> xr.DataArray:
    """The investment and funding statement, (basis, line, year) (Stockport Tables 6, 8 and 20).

    Investment lines and their total; each funding source (negative), the savings line (negative, from
    ``statement.savings_from``), and their total; ``net = total investment + total funding``.
    ``savings_by_basis`` is the programme's saving per (basis, year), negative; any other dimensions it or
    the finance inputs have (a Monte Carlo ``draw``) lead the result's.
    """
    investment = investment_lines(finance)
    arrays = (investment, finance.funding, savings_by_basis)
    lead = list(
        dict.fromkeys(str(d) for a in arrays for d in a.dims if d not in ("line", "funding", "basis", "year"))
    )
    sizes = {str(d): size for a in arrays for d, size in a.sizes.items()}
    ordered = _leading(savings_by_basis, lead, sizes, "basis")
    shape = ordered.shape[:-1]  # (…, basis)
    savings = ordered.values * finance.savings_window.values
    invest = np.broadcast_to(
        _leading(investment, lead, sizes, "line").values[..., None, :, :], (*shape, *investment.shape[-2:])
    )
    funding = np.broadcast_to(
        -_leading(finance.funding, lead, sizes, "funding").values[..., None, :, :],
        (*shape, *finance.funding.shape[-2:]),
    )
    total_investment = invest.sum(axis=-2, keepdims=True)
    funding_lines = np.concatenate([funding, savings[..., None, :]], axis=-2)
    total_funding = funding_lines.sum(axis=-2, keepdims=True)
    net = total_investment + total_funding
    parts = [
        (invest, list(investment.line.values), "investment"),
        (total_investment, [TOTAL_INVESTMENT], "total_investment"),
        (funding_lines, [*funding_names, SAVINGS_LINE], "funding"),
        (total_funding, [TOTAL_FUNDING], "total_funding"),
        (net, [NET], "net"),
    ]
    lines = [name for _, names, _ in parts for name in names]
    sections = [section for _, names, section in parts for _ in names]
    coords = {name: ordered.coords[name] for name in ordered.dims[:-1] if name in ordered.coords}
    return xr.DataArray(
        np.concatenate([values for values, _, _ in parts], axis=-2),
        dims=[*ordered.dims[:-1], "line", "year"],
        coords={**coords, "line": lines, "year": ordered.year.values, "section": ("line", sections)},
    )


def _leading(array: xr.DataArray, lead: Sequence[str], sizes: dict[str, int], dim: str) -> xr.DataArray:
    """``array`` as (*lead, dim, year), broadcast along the leading dimensions it lacks."""
    missing = {d: sizes[d] for d in lead if d not in array.dims}
    return array.expand_dims(missing).transpose(*lead, dim, "year")


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
    orgs = list(do_nothing.org.values)
    holders = [*orgs, SYSTEM]
    owner = xr.DataArray(
        np.array(
            [[1.0 if (org == holder or holder == SYSTEM) else 0.0 for holder in holders] for org in plan_orgs]
        ).reshape(len(plan_orgs), len(holders)),
        dims=["line", "org"],
        coords={"line": list(plan_lines.line.values), "org": holders},
    )
    if allocation is not None:
        system = xr.zeros_like(allocation.isel(org=0, drop=True)).expand_dims(org=[SYSTEM])
        owner = owner + xr.concat([allocation, system], dim="org")
    lines = plan_lines * owner
    gap = xr.concat([do_nothing, do_nothing.sum("org").expand_dims(org=[SYSTEM])], dim="org")
    something = gap + lines.sum("line")
    table = xr.concat(
        [gap.expand_dims(line=["do_nothing"]), lines, something.expand_dims(line=["do_something"])],
        dim="line",
    )
    return table.transpose(..., "line", "org", "year")


def bridge(positions_table: xr.DataArray, year: str) -> list[tuple[str, float]]:
    """The system bridge for a year: do-nothing, each plan line in order, do-something."""
    column = positions_table.sel(org=SYSTEM, year=year)
    return [(str(line), float(column.sel(line=line))) for line in positions_table.line.values]
