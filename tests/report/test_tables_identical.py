"""The report's tables are the ones main built when it read the results through xarray: every title, column,
row, cell (to the last digit, ``-0.0`` and ``nan`` as they were), kind, flag and note of every table of
seven runs and of the appraisal's tables and charts (``tables_reference.py`` wrote the reference)."""

from __future__ import annotations

import difflib
import json
from typing import Any

import pytest

from tests.report.tables_reference import REFERENCE, reference


@pytest.fixture(scope="module")
def pinned() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return found


@pytest.fixture(scope="module")
def built() -> dict[str, dict[str, str]]:
    return reference()


def first_difference(expected: str, found: str) -> str:
    """The first lines where two texts part, for the message of a failure."""

    def split(text: str) -> list[str]:
        return text.replace(", Row(", ",\nRow(").splitlines()

    return "\n".join(list(difflib.unified_diff(split(expected), split(found), lineterm="", n=0))[:12])


def test_every_table_is_the_one_pinned(pinned: dict[str, dict[str, str]], built: dict[str, Any]) -> None:
    assert list(built) == list(pinned)
    for run, tables in pinned.items():
        assert list(built[run]) == list(tables), f"{run}: other tables"
        for name, text in tables.items():
            assert built[run][name] == text, f"{run}, {name}:\n{first_difference(text, built[run][name])}"
