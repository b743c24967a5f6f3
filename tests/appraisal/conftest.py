"""Markers and shared helpers of the appraisal tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

CANDIDATES = EXAMPLES / "stockport-pct-2007" / "candidates.yaml"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "unit: example-based test of one function")
    config.addinivalue_line("markers", "property: hypothesis property")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
