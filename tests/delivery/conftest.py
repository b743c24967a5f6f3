"""Fixtures of the delivery tests: the Stockport plan as a baseline, and actuals built from its trajectory."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pytest

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.months import Month
from carebridge.delivery.trajectory import monthly_trajectory
from carebridge.engine import Results
from tests.store.backends import store, store_url

__all__ = ["store", "store_url"]
YEAR = "2018/19"


@pytest.fixture(scope="session")
def stockport_baseline(stockport: Results) -> PlanBaseline:
    return PlanBaseline.from_results(stockport)


def actuals_at(
    baseline: PlanBaseline, delivery: Mapping[str, float], last: int, default: float = 1.0
) -> pd.DataFrame:
    """POD totals for months 1 to ``last`` of 2018/19 at a share of the planned deflection per POD:
    ``do_nothing − share × planned deflection``."""
    trajectory = monthly_trajectory(baseline, YEAR)
    rows = []
    for row in trajectory.to_dict(orient="records"):
        if Month.parse(row["month"]).number <= last:
            share = delivery.get(str(row["pod"]), default)
            value = row["do_nothing"] - share * row["planned_deflection"]
            rows.append((row["month"], row["pod"], "all", value))
    return pd.DataFrame(rows, columns=["month", "pod", "provider", "activity"])
