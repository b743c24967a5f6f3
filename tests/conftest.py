"""Shared fixtures: the bundled examples, loaded and run once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from carebridge.engine import Results, run
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
STOCKPORT = EXAMPLES / "stockport-2017" / "scenario.yaml"


@pytest.fixture(scope="session")
def stockport_scenario() -> Scenario:
    return load_scenario(STOCKPORT).scenario


@pytest.fixture(scope="session")
def stockport(stockport_scenario: Scenario) -> Results:
    return run(stockport_scenario)
