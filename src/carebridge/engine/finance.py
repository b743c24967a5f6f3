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
    """Investment by statement line, (line, year): programme lines first, in order, then scheme lines.

    Programme investment and scheme investment (recurrent plus non-recurrent) with the same line label add.
    """
    scheme_lines = [line for line in finance.scheme_line if line is not None]
    order = list(dict.fromkeys([*finance.investment_line, *scheme_lines]))
    programme = grouping(finance.investment_line, order) @ finance.investment.values
    schemes = grouping(finance.scheme_line, order) @ (
        finance.scheme_recurrent.values + finance.scheme_non_recurrent.values
    )
    return xr.DataArray(
        programme + schemes,
        dims=["line", "year"],
        coords={"line": order, "year": finance.funding.year.values},
    )


def statement(
    finance: FinanceInputs, funding_names: Sequence[str], savings_by_basis: xr.DataArray
) -> xr.DataArray:
    """The investment and funding statement, (basis, line, year) (Stockport Tables 6, 8 and 20).

    Investment lines and their total; each funding source (negative), the savings line (negative, from
    ``statement.savings_from``), and their total; ``net = total investment + total funding``.
    ``savings_by_basis`` is the programme's saving per (basis, year), negative; any other dimensions it
    has (a Monte Carlo ``draw``) lead the result's.
    """
    investment = investment_lines(finance)
    ordered = savings_by_basis.transpose(..., "basis", "year")
    lead = ordered.shape[:-1]  # (..., basis)
    savings = ordered.values * finance.savings_window.values
    invest = np.broadcast_to(investment.values, (*lead, *investment.shape))
    total_investment = invest.sum(axis=-2, keepdims=True)
    funding = np.broadcast_to(-finance.funding.values, (*lead, *finance.funding.shape))
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
    coords = {name: ordered.coords[name] for name in ordered.dims[:-1]}
    return xr.DataArray(
        np.concatenate([values for values, _, _ in parts], axis=-2),
        dims=[*ordered.dims[:-1], "line", "year"],
        coords={**coords, "line": lines, "year": ordered.year.values, "section": ("line", sections)},
    )


def positions(
    do_nothing: xr.DataArray,
    plan_lines: xr.DataArray,
    plan_orgs: Sequence[str | None],
) -> xr.DataArray:
    """Positions by (line, org, year): do-nothing, each plan line, do-something; ``org`` ends with ``system``.

    An organisation's do-something is its do-nothing gap plus its own plan lines; the system's is the sum of
    the organisations' plus the system-level lines (Stockport Table 3 = Table 1 + Table 2).
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
    lines = plan_lines * owner
    gap = xr.concat([do_nothing, do_nothing.sum("org").expand_dims(org=[SYSTEM])], dim="org")
    something = gap + lines.sum("line")
    table = xr.concat(
        [gap.expand_dims(line=["do_nothing"]), lines, something.expand_dims(line=["do_something"])],
        dim="line",
    )
    return table.transpose("line", "org", "year")


def bridge(positions_table: xr.DataArray, year: str) -> list[tuple[str, float]]:
    """The system bridge for a year: do-nothing, each plan line in order, do-something."""
    column = positions_table.sel(org=SYSTEM, year=year)
    return [(str(line), float(column.sel(line=line))) for line in positions_table.line.values]
