"""Tidy tables: one row per key, one value column. Their names and columns are a contract.

- ``activity``: year, pod, do_nothing, avoided_growth, reduction, do_something, deflection_pct
- ``scheme_activity``: scheme, year, pod, avoided_growth, reduction
- ``savings``: scheme, year, pod, provider, source, basis, value
- ``statement``: basis, section, line, year, value
- ``positions``: line, org, year, value

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


def activity_table(results: Results) -> pd.DataFrame:
    frame = results.activity.to_dataframe().reset_index()
    return frame[ACTIVITY_COLUMNS]


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
    """Positions by line, organisation and year; a plan line appears under its organisation and ``system``."""
    frame = results.positions.rename("value").to_dataframe().reset_index()
    owner = frame["line"].map(results.plan_line_orgs)
    keep = owner.isna() | (owner == frame["org"]) | (frame["org"] == SYSTEM)
    return frame.loc[keep, ["line", "org", "year", "value"]].reset_index(drop=True)


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
}


def write_tables(results: Results, folder: Path) -> list[Path]:
    """Write every tidy table as ``NAME.csv`` into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in TABLES.items():
        path = folder / f"{name}.csv"
        build(results).to_csv(path, index=False, float_format="%.4f")
        written.append(path)
    return written
