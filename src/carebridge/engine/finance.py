"""Investment, funding, the statement, organisation positions and the bridge (model spec sections 6–7).

Outputs follow the sources' signs: a cost, deficit or investment is positive; a saving or funding negative.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from carebridge.engine.inputs import FinanceInputs

SYSTEM = "system"
SAVINGS_LINE = "savings"
TOTAL_INVESTMENT = "total_investment"
TOTAL_FUNDING = "total_funding"
NET = "net"


def group_rows(values: xr.DataArray, dim: str, labels: Sequence[str], order: Sequence[str]) -> xr.DataArray:
    """Sum rows of ``values`` along ``dim`` that share a label, one row per label in ``order``."""
    label_array = np.asarray(labels)
    rows = [values.isel({dim: np.flatnonzero(label_array == label)}).sum(dim) for label in order]
    if not rows:
        return xr.zeros_like(values.isel({dim: 0}, drop=True)).expand_dims(line=[])
    return xr.concat(rows, dim="line").assign_coords(line=list(order))


def investment_lines(finance: FinanceInputs) -> xr.DataArray:
    """Investment by statement line, (line, year): programme lines first, in order, then scheme lines.

    Programme investment and scheme investment (recurrent plus non-recurrent) with the same line label add.
    """
    order = list(dict.fromkeys([*finance.investment_line, *finance.scheme_line]))
    programme = group_rows(finance.investment, "investment", finance.investment_line, order)
    scheme_total = finance.scheme_recurrent + finance.scheme_non_recurrent
    schemes = group_rows(scheme_total, "scheme", finance.scheme_line, order)
    return programme + schemes


def statement(
    finance: FinanceInputs, funding_names: Sequence[str], savings_by_basis: xr.DataArray
) -> xr.DataArray:
    """The investment and funding statement, (basis, line, year) (Stockport Tables 6, 8 and 20).

    Investment lines and their total; each funding source (negative), the savings line (negative, from
    ``statement.savings_from``), and their total; ``net = total investment + total funding``.
    ``savings_by_basis`` is the programme's saving per (basis, year), negative.
    """
    investment = investment_lines(finance)
    funding = -finance.funding.rename(funding="line").assign_coords(line=list(funding_names))
    savings = (savings_by_basis * finance.savings_window).expand_dims(line=[SAVINGS_LINE])
    total_investment = investment.sum("line").expand_dims(line=[TOTAL_INVESTMENT])
    funding_lines = xr.concat([funding.broadcast_like(savings.isel(line=0)), savings], dim="line")
    total_funding = funding_lines.sum("line").expand_dims(line=[TOTAL_FUNDING])
    net = (total_investment.isel(line=0) + total_funding.isel(line=0)).expand_dims(line=[NET])
    parts = [
        (investment.broadcast_like(savings.isel(line=0)), "investment"),
        (total_investment.broadcast_like(savings.isel(line=0)), "total_investment"),
        (funding_lines, "funding"),
        (total_funding, "total_funding"),
        (net, "net"),
    ]
    table = xr.concat([part for part, _ in parts], dim="line", coords="minimal")
    sections = [section for part, section in parts for _ in range(part.sizes["line"])]
    return table.assign_coords(section=("line", sections)).transpose("basis", "line", "year")


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
