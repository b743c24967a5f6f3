"""The worked example: a year of synthetic actuals for the Stockport plan in which Acute Interface and
Outpatients fall behind, so the early warning system goes green, amber, then red, and the loss triggers."""

from __future__ import annotations

import filecmp
import importlib.util
from pathlib import Path

import pytest

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import FewsSettings
from carebridge.delivery.monitor import monitor
from carebridge.delivery.months import Month
from carebridge.store import Store
from carebridge.store.actuals_files import read_actuals
from carebridge.store.imports import import_actuals
from carebridge.store.monitoring import read_actuals as stored_actuals
from carebridge.store.plans import load_baseline
from tests.conftest import EXAMPLES
from tests.store.helpers import PLAN, approve_stockport

FOLDER = EXAMPLES / "stockport-2017" / "actuals"
SETTINGS = FewsSettings(loss_threshold=500, basis="cost")


def test_the_generator_reproduces_the_files_shipped(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate_actuals", FOLDER / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    shipped = sorted(p.name for p in FOLDER.glob("*.csv"))
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == shipped
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, FOLDER, shipped, shallow=False)
    assert mismatch == errors == []


@pytest.fixture
def monitored(store: Store, stockport_baseline: PlanBaseline) -> tuple[PlanBaseline, object]:
    approve_stockport(store, stockport_baseline)
    baseline = load_baseline(store, PLAN)[1]
    for path in sorted(FOLDER.glob("*.csv")):
        import_actuals(store, PLAN, read_actuals(path, baseline))
    return baseline, stored_actuals(store, PLAN)


def test_the_fews_turns_amber_then_red_and_the_loss_triggers(monitored: tuple[PlanBaseline, object]) -> None:
    baseline, actuals = monitored
    statuses = {}
    for number in range(1, 13):
        result = monitor(baseline, actuals, Month(2018, number), SETTINGS)  # type: ignore[arg-type]
        statuses[number] = (result.fews.overall, result.fews.triggered, result.fews.forecast.forecast_loss)
    assert [statuses[n][0] for n in range(1, 13)] == ["green"] + ["amber"] * 3 + ["red"] * 8
    assert [n for n in range(1, 13) if statuses[n][1]] == list(range(7, 13))
    assert statuses[9][2] > statuses[8][2] + 500  # December's own forecast: the schemes will not recover


def test_the_two_schemes_behind_are_the_ones_flagged(monitored: tuple[PlanBaseline, object]) -> None:
    baseline, actuals = monitored
    result = monitor(baseline, actuals, Month(2018, 6), SETTINGS)  # type: ignore[arg-type]
    flagged = {(i.set, i.item) for i in result.fews.indicators if i.status in ("amber", "red")}
    assert flagged >= {
        ("activity", "ae"),
        ("activity", "op"),
        ("benefits", "acute_interface"),
        ("benefits", "outpatients"),
        ("mobilisation", "outpatients"),
    }
    on_plan = {"intermediate_care", "neighbourhood", "nel", "el"}
    assert not {item for _, item in flagged} & on_plan
    assert {"ae", "op"} >= {pod for pod, chart in result.spc.items() if chart.special_cause}
