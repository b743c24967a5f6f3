"""The report's tables are the ones main built when it read the results through xarray: every title, column,
row, cell (to 12 significant figures, ``-0.0`` and ``nan`` as they were), kind, flag and note of every table
of seven runs and of the appraisal's tables and charts (``tables_reference.py`` wrote the reference).

Cells are compared to 12 significant figures, not to the last bit: a sum's last bit may move with the numpy
in use (its pairwise and SIMD summation), and the reference must hold in a fresh install as well."""

from __future__ import annotations

import difflib
import json
import re
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


NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[-+]?\d+)?")
"""A float as ``repr`` writes it in a table's text (``1.0``, ``-2.5e-05``); integers and labels are left."""


def rounded(text: str) -> str:
    """``text`` with every float in it written to 12 significant figures (``-0.0`` stays ``-0``)."""
    return NUMBER.sub(lambda match: f"{float(match.group()):.12g}", text)


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
            expected, found = rounded(text), rounded(built[run][name])
            assert found == expected, f"{run}, {name}:\n{first_difference(expected, found)}"


def test_rounding_keeps_what_a_table_says() -> None:
    assert rounded("values=(0.0, -39860.4681234561, -0.0, nan, 2.5e-05)") == rounded(
        "values=(0.0, -39860.46812345611, -0.0, nan, 2.5e-05)"
    )
    assert rounded("(0.0, -0.0)") == "(0, -0)"
    assert rounded("(1.25,)") != rounded("(1.2500001,)")
