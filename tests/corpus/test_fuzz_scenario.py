"""Fuzzing the scenario schema: a valid scenario, mutated (a value replaced by another of any type, a field
removed, a key renamed, an item repeated), is either accepted — and the engine runs it to finite results — or
refused with a located :class:`InputError` (every problem names the file, and a line where there is one).
Never another exception.

Numbers are kept within ±1,000,000: magnitudes no plan can have (and what the engine makes of them) are
issue 13 item 5's bounds, tested where they are set. A few examples run in the default suite; the ``slow``
run tries many more.
"""

from __future__ import annotations

import copy
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr
import yaml  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carebridge.scenario.errors import InputError
from carebridge.usecases.planning import load, run
from tests.corpus.runner import CORPUS

BASE_TEXT = (CORPUS / "scenario" / "quoted_number.yaml").read_text(encoding="utf-8").replace("'1000'", "1000")
BASE: dict[str, Any] = yaml.safe_load(BASE_TEXT)
Key = str | int

NUMBERS = st.one_of(
    st.integers(-1_000_000, 1_000_000), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
)
VALUES = st.recursive(
    st.one_of(
        NUMBERS, st.text(max_size=12), st.booleans(), st.none(), st.sampled_from(["2017/18", "ae", "ccg"])
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(data: Any, prefix: tuple[Key, ...] = ()) -> list[tuple[Key, ...]]:
    """Every path to a value in ``data``, containers included."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


ALL_PATHS = paths(BASE)


def parent(data: Any, path: tuple[Key, ...]) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    scenario: dict[str, Any] = yaml.safe_load(BASE_TEXT)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(scenario) or [("name",)]))
        try:
            holder, key = parent(scenario, path), path[-1]
            holder[key]
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["replace", "replace", "remove", "rename", "repeat"]))
        if action == "replace":
            holder[key] = draw(VALUES)
        elif action == "remove":
            del holder[key]
        elif action == "rename" and isinstance(holder, dict):
            holder[draw(st.text(min_size=1, max_size=8))] = holder.pop(key)
        elif action == "repeat" and isinstance(holder, list) and isinstance(key, int):
            holder.append(holder[key])
    return scenario


def assert_finite(results: Any) -> None:
    """Every number of the results is finite, but those undefined by design (a POD's deflection in percent
    of a base year with no activity)."""
    from carebridge.engine.finite import UNDEFINED_BY_DESIGN

    for name, value in vars(results).items():
        arrays = (
            [(f"{name}.{key}", array) for key, array in value.data_vars.items()]
            if isinstance(value, xr.Dataset)
            else [(name, value)]
            if isinstance(value, xr.DataArray)
            else []
        )
        for where, array in arrays:
            if where not in UNDEFINED_BY_DESIGN and np.issubdtype(array.dtype, np.number):
                assert bool(np.isfinite(array.values).all()), f"{name}: a value is not finite"


def check(scenario: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.yaml"
        path.write_text(yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            loaded = load(path)
            results = run(loaded)
        except InputError as error:
            assert error.problems, "an InputError with no problem"
            for problem in error.problems:
                assert problem.file == str(path), f"a problem names no file: {problem}"
                assert problem.line is None or 1 <= problem.line <= len(path.read_text().splitlines()) + 1
            return
        assert_finite(results)
        assert math.isfinite(float(results.positions.sum()))


FAST = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
SLOW = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


def test_the_base_scenario_is_valid() -> None:
    """The fuzz starts from a scenario that loads and runs; else every example would be a refusal."""
    check(BASE)
    assert len(ALL_PATHS) > 50


def test_a_pod_with_no_base_activity_runs_with_its_deflection_undefined() -> None:
    """Found by the long fuzz: a POD with no activity in the base year runs; only its deflection in percent of
    that year is undefined (not a number), by design."""
    scenario = copy.deepcopy(BASE)
    scenario["pods"][0]["activity"]["base"] = 0
    check(scenario)


@FAST
@given(mutated())
def test_a_mutated_scenario_is_run_or_refused_with_its_place(scenario: dict[str, Any]) -> None:
    check(scenario)


@pytest.mark.slow
@SLOW
@given(mutated())
def test_many_mutated_scenarios_are_run_or_refused_with_their_place(scenario: dict[str, Any]) -> None:
    check(scenario)
