"""The tidy CSV tables are written without pandas, byte for byte as pandas writes them: each table of each
example compared with the table built the way it was before (xarray's ``to_dataframe``, pandas' ``to_csv``),
and odd values (text with commas, quotes and line breaks, NaN, -0, integers) compared with pandas' writer."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carebridge.engine import Results, run
from carebridge.engine.finance import SYSTEM
from carebridge.report.tidy import (
    ACTIVITY_COLUMNS,
    FLOW_COLUMNS,
    GROWTH_SPLIT_COLUMNS,
    STATEMENT_SECTIONS,
    TABLES,
    TidyTable,
    plan_documents,
    tidy_columns,
    write_tables,
)
from carebridge.scenario.loader import load_scenario
from tests.conftest import EXAMPLES

SCENARIOS = [
    "stockport-2017/scenario.yaml",
    "stockport-2017/demand.yaml",
    "stockport-2017/demand-from-patients.yaml",
    "staffordshire-stp-2016/scenario.yaml",
    "staffordshire-stp-2016/effects.yaml",
    "stockport-pct-2007/contracts.yaml",
    "greater-manchester-2015/localities/bolton.yaml",
    "two-places/north.yaml",
]
"""Examples with and without schemes, with the split of growth, one POD and many."""


# ---- the tables as they were built with pandas (the oracle) ----------------------------------------------


def pandas_tables(results: Results) -> dict[str, pd.DataFrame]:
    """Every tidy table of a run built as ``report/tidy.py`` built them with xarray and pandas."""
    activity = results.activity.to_dataframe().reset_index()
    activity = activity[ACTIVITY_COLUMNS + [c for c in GROWTH_SPLIT_COLUMNS if c in activity]]
    schemes = results.scheme_activity.to_dataframe().reset_index()
    savings = results.savings.rename("value").to_dataframe().reset_index()
    savings = savings[savings["value"] != 0]
    statement = results.statement.rename("value").to_dataframe().reset_index()
    statement = statement[statement["section"].isin(list(STATEMENT_SECTIONS))].copy()
    statement["line"] = [
        results.statement_label(b, line)
        for b, line in zip(statement["basis"], statement["line"], strict=True)
    ]
    return {
        "activity": activity,
        "scheme_activity": schemes[["scheme", "year", "pod", "avoided_growth", "reduction"]],
        "savings": savings[["scheme", "year", "pod", "provider", "source", "basis", "value"]].reset_index(
            drop=True
        ),
        "statement": statement[["basis", "section", "line", "year", "value"]].reset_index(drop=True),
        "positions": pandas_positions(results),
        "flows": pandas_flows(results),
        "flow_checks": pandas_checks(results),
    }


def pandas_positions(results: Results) -> pd.DataFrame:
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


def pandas_flows(results: Results) -> pd.DataFrame:
    if results.flows is None:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    flows = results.flows
    kept = flows.isel(entry=(abs(flows) > 0).any("year").values)
    frame = kept.rename("value").to_dataframe().reset_index()
    frame["value"] = frame["value"] + 0.0
    return frame[FLOW_COLUMNS].sort_values(["year", "org", "flow"], kind="stable").reset_index(drop=True)


def pandas_checks(results: Results) -> pd.DataFrame:
    columns = ["check", "year", "computed", "expected", "difference"]
    if results.flow_checks is None:
        return pd.DataFrame(columns=columns)
    frame = results.flow_checks.to_dataframe().reset_index()
    frame["check"] = frame["name"]
    return frame[columns]


def pandas_csv(frame: pd.DataFrame) -> str:
    """A table as ``carebridge run`` wrote it with pandas."""
    text: str = frame.to_csv(index=False, float_format="%.4f")
    return text


# ---- the checks ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=SCENARIOS)
def results(request: pytest.FixtureRequest) -> Results:
    return run(load_scenario(EXAMPLES / request.param).scenario)


def test_each_csv_is_the_one_pandas_wrote(results: Results, tmp_path: Path) -> None:
    expected = pandas_tables(results)
    written = write_tables(results, tmp_path)
    assert [path.name for path in written] == [f"{name}.csv" for name in expected]
    for name, frame in expected.items():
        assert (tmp_path / f"{name}.csv").read_bytes() == pandas_csv(frame).encode("utf-8"), name


def test_the_frames_are_the_ones_pandas_built(results: Results) -> None:
    expected = pandas_tables(results)
    for name, table in TABLES.items():
        frame = table(results)
        if expected[name].empty:  # no rows: the columns' types say nothing
            assert frame.empty and list(frame.columns) == list(expected[name].columns), name
            continue
        pd.testing.assert_frame_equal(frame, expected[name], check_exact=True, obj=name)


def test_the_approved_plans_records_are_pandas_records(results: Results) -> None:
    expected = pandas_tables(results)
    documents = plan_documents(results)
    for name in ("statement", "positions"):
        assert documents[name] == expected[name].to_dict(orient="records"), name


def test_a_run_without_flows_writes_their_headers(tmp_path: Path) -> None:
    stockport = run(load_scenario(EXAMPLES / "stockport-2017" / "scenario.yaml").scenario)
    without = replace(stockport, plan_flows=None)
    assert without.flows is None
    tables = tidy_columns(without)
    assert len(tables["flows"]) == 0
    for name, frame in pandas_tables(without).items():
        assert tables[name].csv() == pandas_csv(frame), name
    assert tables["flows"].csv() == ",".join(FLOW_COLUMNS) + "\n"


def test_odd_values_are_written_as_pandas_writes_them() -> None:
    text = np.array(
        ["plain", "a, comma", 'a "quote"', "two\nlines", "", "carriage\rreturn", " space ", "£'000"],
        dtype=object,
    )
    numbers = np.array([1.0, -0.0, math.nan, 1e-5, -123456.78905, math.inf, 2.5e10, -0.00004])
    whole = np.arange(8, dtype=np.int64) - 3
    flags = np.array([True, False] * 4)
    table = TidyTable({"name": text, "value": numbers, "count": whole, "flag": flags})
    assert table.csv() == pandas_csv(table.frame())
    assert table.csv() == pandas_csv(
        pd.DataFrame({"name": list(text), "value": numbers, "count": whole, "flag": flags})
    )
    empty_text = TidyTable({"only": np.array(["", "x", ""], dtype=object)})
    assert empty_text.csv() == pandas_csv(pd.DataFrame({"only": ["", "x", ""]}))
