"""The calibrated inputs of the Stockport example are what ``calibrate.py`` finds from the seed."""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

import pytest

from carebridge.scenario.schema import Absolute, Scenario
from tests.conftest import EXAMPLES


def calibrate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("calibrate", EXAMPLES / "stockport-2017" / "calibrate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def calibration() -> dict[str, Any]:
    result: dict[str, Any] = calibrate_module().calibration()
    return result


def test_prices_and_cost_shares(calibration: dict[str, Any], stockport_scenario: Scenario) -> None:
    pods = {pod.id: pod for pod in stockport_scenario.pods}
    for pod, prices in calibration["prices"].items():
        assert pods[pod].price == pytest.approx(prices, abs=0.006)
    for pod, shares in calibration["cost_shares"].items():
        release = pods[pod].cost_release
        got = {"variable": release.variable, "semi_fixed": release.semi_fixed, "fixed": release.fixed}
        assert got == pytest.approx(shares, abs=1e-4)


def test_business_case_activity(calibration: dict[str, Any], stockport_scenario: Scenario) -> None:
    years = ["2017/18", "2018/19", "2019/20", "2020/21"]
    schemes = {scheme.id: scheme for scheme in stockport_scenario.schemes}
    for case, sources in calibration["case_activity"].items():
        effects = [e for e in schemes[case].effects if isinstance(e, Absolute)]
        got: dict[tuple[str, str], list[float]] = {
            (e.counts_as, e.pod): [e.activity[y] for y in years]  # type: ignore[index]
            for e in effects
        }
        want: dict[tuple[str, str], list[float]] = {
            ("avoided_growth" if source == "avoided_growth" else "reduction", pod): values
            for source, by_pod in sources.items()
            for pod, values in by_pod.items()
        }
        assert set(got) == set(want), case
        for key, values in want.items():
            assert got[key] == pytest.approx(values, abs=0.051), (case, key)
