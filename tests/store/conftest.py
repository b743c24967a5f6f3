"""Fixtures of the store tests: a store on each backend, and the Stockport plan as a baseline."""

from __future__ import annotations

import pytest

from carebridge.delivery.baseline import PlanBaseline
from carebridge.engine import Results
from carebridge.report.tidy import plan_documents
from tests.store.backends import store, store_url

__all__ = ["store", "store_url"]


@pytest.fixture(scope="session")
def stockport_baseline(stockport: Results) -> PlanBaseline:
    return PlanBaseline.from_results(stockport, plan_documents(stockport))
