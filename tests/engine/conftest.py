"""Markers of the engine tests: ``unit`` (example-based) and ``property`` (hypothesis)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "unit: example-based test of one engine function")
    config.addinivalue_line("markers", "property: hypothesis property of the engine over random scenarios")
