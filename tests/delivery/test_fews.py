"""The early warning system: RAG by thresholds, the three indicator sets, the trigger and the actions."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.benefits import ProgrammeForecast
from carebridge.delivery.fews import (
    Action,
    FewsSettings,
    FewsStatus,
    Indicator,
    Thresholds,
    mobilisation_indicators,
    rag,
    worst,
)
from carebridge.delivery.monitor import ActualsData, monitor
from carebridge.delivery.months import Month
from tests.delivery.conftest import actuals_at

THRESHOLDS = Thresholds(amber=0.95, red=0.85)


@pytest.mark.parametrize(
    ("ratio", "status"),
    [
        (1.2, "green"),
        (0.95, "green"),
        (0.9499, "amber"),
        (0.85, "amber"),
        (0.8499, "red"),
        (-0.3, "red"),
        (math.nan, "none"),
    ],
)
def test_rag_by_the_agreed_thresholds(ratio: float, status: str) -> None:
    assert rag(ratio, THRESHOLDS) == status


def test_red_above_amber_is_refused() -> None:
    with pytest.raises(ValueError, match="expected red no higher than amber"):
        Thresholds(amber=0.8, red=0.9)


def test_a_set_is_as_red_as_its_reddest_indicator() -> None:
    assert worst(["green", "amber", "none"]) == "amber"
    assert worst(["green", "red", "amber"]) == "red"
    assert worst([]) == "none"


def test_mobilisation_counts_milestones_done_by_the_month_against_those_due(
    stockport_baseline: PlanBaseline,
) -> None:
    milestones = pd.DataFrame(
        [
            ("outpatients", "A", "2018/19-M01", "done", "2018/19-M01"),
            ("outpatients", "B", "2018/19-M02", "done", "2018/19-M05"),  # done late
            ("outpatients", "C", "2018/19-M03", "late", None),
            ("outpatients", "D", "2018/19-M09", "on_track", None),  # not due yet
        ],
        columns=["scheme", "milestone", "due", "status", "done"],
    )
    march = mobilisation_indicators(stockport_baseline, milestones, Month(2018, 3), Thresholds(0.9, 0.75))
    assert [(i.item, i.planned, i.achieved, i.status) for i in march] == [("outpatients", 3, 1, "red")]
    assert march[0].note == "late: B; C"
    june = mobilisation_indicators(stockport_baseline, milestones, Month(2018, 6), Thresholds(0.6, 0.5))
    assert (june[0].achieved, june[0].status, june[0].note) == (2, "green", "late: C")


def forecast(benefit: float, investment: float) -> ProgrammeForecast:
    return ProgrammeForecast("2018/19", "tariff", 26150, 13075, 0, benefit, investment, None, investment)


def test_the_trigger_is_the_forecast_loss_above_the_threshold_and_actions_reduce_the_residual() -> None:
    actions = (
        Action("2018/19-M07", "defer_investment", "Defer wave 2", "sft", 300, "agreed"),
        Action("2018/19-M07", "change_scope", "Narrow criteria", "ccg", 900, "proposed"),  # not counted
    )
    settings = FewsSettings(loss_threshold=500)
    indicator = Indicator("benefits", "programme", "Programme", 1, 1, 1, "green")
    loss = FewsStatus(Month(2018, 7), settings, (indicator,), forecast(18000, 19343), actions)
    assert loss.forecast.forecast_loss == pytest.approx(1343)
    assert loss.triggered and loss.mitigation == 300 and loss.residual_loss == pytest.approx(1043)
    small = FewsStatus(Month(2018, 7), settings, (indicator,), forecast(19000, 19343), actions)
    assert not small.triggered and small.mitigation == 300 and small.residual_loss == pytest.approx(43)
    gain = FewsStatus(Month(2018, 7), settings, (indicator,), forecast(26150, 19343), actions)
    assert (gain.forecast.forecast_loss, gain.mitigation, gain.residual_loss) == (0, 0, 0)


def test_on_plan_is_green_and_falling_behind_turns_amber_then_red(stockport_baseline: PlanBaseline) -> None:
    settings = FewsSettings()
    on_plan = monitor(
        stockport_baseline,
        ActualsData(activity=actuals_at(stockport_baseline, {}, 3)),
        Month(2018, 3),
        settings,
    )
    assert on_plan.fews.overall == "green"
    assert {i.set for i in on_plan.fews.indicators} == {"activity", "benefits"}  # no milestones: no set
    behind = ActualsData(activity=actuals_at(stockport_baseline, {"ae": 0.9}, 3))
    assert (
        monitor(stockport_baseline, behind, Month(2018, 3), settings).fews.set_status("activity") == "amber"
    )
    far_behind = ActualsData(activity=actuals_at(stockport_baseline, {"ae": 0.6}, 3))
    status = monitor(stockport_baseline, far_behind, Month(2018, 3), settings).fews
    assert status.set_status("activity") == "red" and status.overall == "red"
    ae = next(i for i in status.indicators if i.item == "ae")
    assert ae.ratio == pytest.approx(0.6)


def test_actions_of_later_months_or_other_years_do_not_count(stockport_baseline: PlanBaseline) -> None:
    actions = [
        Action("2018/19-M02", "funding", "Non-recurrent funding", "ccg", 100, "agreed"),
        Action("2018/19-M09", "funding", "Later", "ccg", 100, "agreed"),
        Action("2017/18-M12", "funding", "Last year", "ccg", 100, "agreed"),
    ]
    data = ActualsData(activity=actuals_at(stockport_baseline, {}, 3))
    result = monitor(stockport_baseline, data, Month(2018, 3), FewsSettings(), actions)
    assert [a.description for a in result.fews.actions] == ["Non-recurrent funding"]
