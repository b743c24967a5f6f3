"""A machine without Chromium or PostgreSQL skips the tests that need them, before starting anything, and says
so in one line per group with how to run them (issue 14: no browser launch erroring in five tests)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import CHROMIUM_VARIABLE, POSTGRES_VARIABLE, ROOT

pytestmark = pytest.mark.slow


def test_missing_services_skip_in_one_line_each() -> None:
    environment = {**os.environ, CHROMIUM_VARIABLE: "/nonexistent/chromium"}
    environment.pop(POSTGRES_VARIABLE, None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "-p",
            "no:cacheprovider",
            "tests/web/test_browser.py",
            "tests/store/test_plans.py",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 2, skipped
    browser = next(line for line in skipped if "Chromium" in line)
    assert browser.startswith(
        "SKIPPED [5] tests/conftest.py: browser tests skipped: no Chromium at /nonexistent"
    )
    assert "run .ci/run" in browser and CHROMIUM_VARIABLE in browser
    postgres = next(line for line in skipped if "PostgreSQL" in line)
    assert POSTGRES_VARIABLE in postgres and "run .ci/run" in postgres
    assert "Executable doesn't exist" not in done.stdout
    assert "error" not in done.stdout.splitlines()[-1]
