"""Shared fixtures: the bundled examples, loaded and run once per session; and the skips of tests that need a
service this machine lacks (PostgreSQL, Chromium), each group reported in one line that says how to run it."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import NoReturn

import pytest

from carebridge.engine import Results, run
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
STOCKPORT = EXAMPLES / "stockport-2017" / "scenario.yaml"

POSTGRES_VARIABLE = "CAREBRIDGE_TEST_POSTGRES_URL"
CHROMIUM_VARIABLE = "CAREBRIDGE_TEST_CHROMIUM"
CHROMIUM = os.environ.get(CHROMIUM_VARIABLE, "").strip() or "/usr/bin/chromium"
"""The Chromium the browser tests drive: Debian's, or the one ``CAREBRIDGE_TEST_CHROMIUM`` names."""

SERVICE_SKIPS = {
    "PostgreSQL": (
        f"PostgreSQL tests skipped: no server ({POSTGRES_VARIABLE} is not set). To run them, set it to a "
        "server's URL, or run .ci/run (it starts one)"
    ),
    "Chromium": (
        f"browser tests skipped: no Chromium at {CHROMIUM}. To run them, install Debian's chromium "
        f"(apt-get install chromium) or set {CHROMIUM_VARIABLE} to its path, or run .ci/run (it installs it)"
    ),
}
"""The one line each group of tests prints when its service is missing."""


def skip_for_missing(service: str) -> NoReturn:
    """Skip the test because ``service`` (a key of :data:`SERVICE_SKIPS`) is missing on this machine."""
    pytest.skip(SERVICE_SKIPS[service])


def chromium_missing() -> bool:
    return not Path(CHROMIUM).is_file()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, object, object]:
    """Fold the skips of each missing service into one line of the short summary: pytest groups skips by
    (file, line, reason), so every such skip is reported from this file, whichever test or fixture skipped."""
    report = yield
    if isinstance(report, pytest.TestReport) and report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        if reason in SERVICE_SKIPS.values():
            report.longrepr = (__file__, None, reason)  # type: ignore[assignment]
    return report


@pytest.fixture(scope="session")
def stockport_scenario() -> Scenario:
    return load_scenario(STOCKPORT).scenario


@pytest.fixture(scope="session")
def stockport(stockport_scenario: Scenario) -> Results:
    return run(stockport_scenario)
