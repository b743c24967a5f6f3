"""Tidy tables: one row per key, one value column. Their names and columns are a contract.

- ``activity``: year, pod, do_nothing, avoided_growth, reduction, do_something, deflection_pct
- ``scheme_activity``: scheme, year, pod, avoided_growth, reduction
- ``savings``: scheme, year, pod, provider, source, basis, value
- ``statement``: basis, section, line, year, value
- ``positions``: line, org, year, value — the typed positions, then the positions from the schemes (lines
  ``schemes.…``, for each organisation, ``nhs``, ``social_care`` and ``system``; model spec section 13)
- ``flows``: year, org, counterparty, pod, flow, value — each flow's effect on the organisation's position,
  deficit positive; ``stranded_cost`` is a subtotal of a provider's income and cost rows, never added again
- ``flow_checks``: check, year, computed, expected, difference — the checks of model spec section 13

Money in £'000; activity removed, savings and funding negative. Rows whose value is exactly zero are left
out of ``savings``; every other table has every row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from carebridge.engine.finance import SYSTEM
from carebridge.engine.results import Results

ACTIVITY_COLUMNS = [
    "year",
    "pod",
    "do_nothing",
    "avoided_growth",
    "reduction",
    "do_something",
    "deflection_pct",
]
STATEMENT_SECTIONS = {"investment": "investment", "funding": "funding", "net": "net"}


GROWTH_SPLIT_COLUMNS = ["demographic_growth", "non_demographic_growth"]
"""The split of do-nothing growth (docs/demand.md §3), in the activity table when the run has it."""


def activity_table(results: Results) -> pd.DataFrame:
    frame = results.activity.to_dataframe().reset_index()
    return frame[ACTIVITY_COLUMNS + [c for c in GROWTH_SPLIT_COLUMNS if c in frame]]


def scheme_activity_table(results: Results) -> pd.DataFrame:
    frame = results.scheme_activity.to_dataframe().reset_index()
    return frame[["scheme", "year", "pod", "avoided_growth", "reduction"]]


def savings_table(results: Results) -> pd.DataFrame:
    frame = results.savings.rename("value").to_dataframe().reset_index()
    frame = frame[frame["value"] != 0]
    return frame[["scheme", "year", "pod", "provider", "source", "basis", "value"]].reset_index(drop=True)


def statement_table(results: Results) -> pd.DataFrame:
    """The statement's lines and its net; the totals are left out (they are sums of the rows)."""
    frame = results.statement.rename("value").to_dataframe().reset_index()
    frame = frame[frame["section"].isin(list(STATEMENT_SECTIONS))].copy()
    frame["line"] = [
        results.statement_label(b, line) for b, line in zip(frame["basis"], frame["line"], strict=True)
    ]
    return frame[["basis", "section", "line", "year", "value"]].reset_index(drop=True)


def positions_table(results: Results) -> pd.DataFrame:
    """Positions by line, organisation and year; a plan line appears under its organisation and ``system``
    (an allocated line under every organisation), then the positions from the schemes."""
    frame = results.positions.rename("value").to_dataframe().reset_index()
    owner = frame["line"].map(results.plan_line_orgs)
    allocated = frame["line"].isin(results.allocated_lines)
    keep = owner.isna() | (owner == frame["org"]) | (frame["org"] == SYSTEM) | allocated
    typed = frame.loc[keep, ["line", "org", "year", "value"]]
    if results.scheme_positions is None:
        return typed.reset_index(drop=True)
    schemes = (
        results.scheme_positions.rename("value")
        .to_dataframe()
        .reset_index()
        .rename(columns={"holder": "org"})
    )
    return pd.concat([typed, schemes[["line", "org", "year", "value"]]], ignore_index=True)


FLOW_COLUMNS = ["year", "org", "counterparty", "pod", "flow", "value"]


def flows_table(results: Results) -> pd.DataFrame:
    """Every flow between the partners (model spec section 13), by year; rows that are 0 in every year are
    left
    out."""
    if results.flows is None:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    flows = results.flows
    moving = (abs(flows) > 0).any("year").values
    kept = flows.isel(entry=moving)
    frame = kept.rename("value").to_dataframe().reset_index()
    frame["value"] = frame["value"] + 0.0  # no -0 in the file
    return frame[FLOW_COLUMNS].sort_values(["year", "org", "flow"], kind="stable").reset_index(drop=True)


def flow_checks_table(results: Results) -> pd.DataFrame:
    """The checks of model spec section 13 by year: computed, expected and their difference (£'000)."""
    columns = ["check", "year", "computed", "expected", "difference"]
    if results.flow_checks is None:
        return pd.DataFrame(columns=columns)
    frame = results.flow_checks.to_dataframe().reset_index()
    frame["check"] = frame["name"]
    return frame[columns]


def plan_documents(results: Results) -> dict[str, Any]:
    """The statement and the positions as lists of records: what an approved plan keeps of them."""
    return {
        "statement": statement_table(results).to_dict(orient="records"),
        "positions": positions_table(results).to_dict(orient="records"),
    }


TABLES = {
    "activity": activity_table,
    "scheme_activity": scheme_activity_table,
    "savings": savings_table,
    "statement": statement_table,
    "positions": positions_table,
    "flows": flows_table,
    "flow_checks": flow_checks_table,
}


def tidy_tables(results: Results) -> dict[str, pd.DataFrame]:
    """Every tidy table of a run, by name: what ``write_tables`` writes and the executive summary reads."""
    return {name: build(results) for name, build in TABLES.items()}


def write_tables(results: Results, folder: Path, tables: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """Write every tidy table as ``NAME.csv`` into ``folder`` (``tables`` when already built); return the
    paths."""
    folder.mkdir(parents=True, exist_ok=True)
    built = tidy_tables(results) if tables is None else tables
    written = []
    for name, frame in built.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, float_format="%.4f")
        written.append(path)
    return written
