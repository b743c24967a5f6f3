"""Targets and trajectories: the seeds' standards, the monthly path, alerts, escalation, approved re-sets."""

from __future__ import annotations

import datetime as dt
import pathlib

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from carebridge.delivery.months import Month
from carebridge.delivery.targets import (
    AlertRule,
    Approval,
    Target,
    TargetRegister,
    Trajectory,
    alerts,
    assess,
    escalate,
    linear_path,
    load_targets,
    reset_trajectory,
    shortfall,
    trajectory_for,
)
from carebridge.scenario.errors import ScenarioError, TargetRegisterError

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "delivery"
M = Month.parse


@pytest.fixture(scope="module")
def register() -> TargetRegister:
    return load_targets(EXAMPLES / "targets.yaml")


def target(register: TargetRegister, target_id: str) -> Target:
    return next(item for item in register.targets if item.id == target_id)


def test_example_register_holds_the_standards_the_seeds_quote(register: TargetRegister) -> None:
    values = {item.id: (item.target, item.direction) for item in register.targets}
    assert values == {
        "ae_4_hours_stockport": (95, "higher_is_better"),
        "ae_4_hours_stp": (95, "higher_is_better"),
        "rtt_18_weeks": (92, "higher_is_better"),
        "dtoc_stockport": (3.5, "lower_is_better"),
        "dtoc_stp": (2.5, "lower_is_better"),
        "cancer_62_days": (85, "higher_is_better"),
        "dementia_diagnosis": (66.7, "higher_is_better"),
    }
    assert all(item.source and item.owner and item.accountable_board for item in register.targets)


def test_stockport_ae_trajectory_runs_from_80_to_95(register: TargetRegister) -> None:
    trajectory = trajectory_for(target(register, "ae_4_hours_stockport"))
    assert trajectory is not None
    assert (trajectory.start, trajectory.end) == (M("2016/17-M09"), M("2017/18-M12"))
    assert len(trajectory.points) == 16
    assert trajectory.planned(M("2016/17-M09")) == 80
    assert trajectory.planned(M("2016/17-M12")) == pytest.approx(83)
    assert trajectory.planned(M("2017/18-M12")) == 95
    assert trajectory.planned(M("2019/20-M01")) == 95
    assert trajectory.planned(M("2016/17-M08")) is None


def test_stp_dtoc_has_no_trajectory_without_a_baseline(register: TargetRegister) -> None:
    assert trajectory_for(target(register, "dtoc_stp")) is None


def test_cancer_trajectory_passes_through_its_points(register: TargetRegister) -> None:
    trajectory = trajectory_for(target(register, "cancer_62_days"))
    assert trajectory is not None
    assert trajectory.planned(M("2016/17-M06")) == 78
    assert trajectory.planned(M("2016/17-M09")) == pytest.approx(80)
    assert trajectory.planned(M("2017/18-M12")) == 85


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2000 * 12, 2040 * 12),
    st.integers(0, 120),
    st.floats(-1e3, 1e3, allow_nan=False),
    st.floats(-1e3, 1e3, allow_nan=False),
)
def test_linear_path_endpoints_and_monotony(
    start_ordinal: int, months: int, first: float, last: float
) -> None:
    start = Month(start_ordinal // 12, start_ordinal % 12 + 1)
    end = start.shifted(months)
    path = linear_path(start, first, end, last)
    assert len(path) == months + 1
    assert path[-1] == (end, last)
    if months:
        assert path[0] == (start, first)
    assert [month for month, _ in path] == [start.shifted(k) for k in range(months + 1)]
    values = [value for _, value in path]
    low, high = min(first, last), max(first, last)
    assert all(low - 1e-9 <= value <= high + 1e-9 for value in values)


def test_shortfall_follows_the_direction() -> None:
    assert shortfall("higher_is_better", planned=90, actual=88) == 2
    assert shortfall("lower_is_better", planned=5, actual=6) == 1
    assert shortfall("lower_is_better", planned=5, actual=4) == -1


# --- alerts -------------------------------------------------------------------------------------------------


def simple_target(**changes: object) -> Target:
    fields: dict[str, object] = {
        "id": "ae",
        "name": "A&E 4 hours",
        "scope": "national",
        "unit": "%",
        "direction": "higher_is_better",
        "baseline": 80.0,
        "baseline_month": "2017/18-M01",
        "target": 91.0,
        "target_month": "2017/18-M12",
        "owner": "Trust",
        "accountable_board": "A&E Delivery Board",
        "alert": AlertRule(tolerance=1.0, consecutive_months=2, severe_tolerance=5.0),
        "source": "test",
    }
    return Target.model_validate(fields | changes)


def actuals(*values: float, start: str = "2017/18-M01") -> dict[Month, float]:
    return {M(start).shifted(k): value for k, value in enumerate(values)}


def test_alert_after_two_consecutive_months_off_trajectory() -> None:
    item = simple_target()  # planned 80, 81, 82, 83, …
    trajectory = trajectory_for(item)
    assert trajectory is not None
    found = alerts(item, trajectory, actuals(80, 79.5, 80.5, 82.5, 80))
    assert [(str(alert.month), alert.months_off) for alert in found] == [("2017/18-M03", 2)]
    [alert] = found
    assert alert.reason == "1.5 % worse than the trajectory, off trajectory for 2 month(s) in a row"
    statuses = assess(item, trajectory, actuals(80, 79.5, 80.5, 82.5, 80))
    assert [status.off_trajectory for status in statuses] == [False, True, True, False, True]


def test_a_missing_month_breaks_the_run() -> None:
    item = simple_target()
    trajectory = trajectory_for(item)
    assert trajectory is not None
    readings = actuals(78) | actuals(79, start="2017/18-M03")
    assert alerts(item, trajectory, readings) == ()


def test_severe_shortfall_alerts_at_once() -> None:
    item = simple_target()
    trajectory = trajectory_for(item)
    assert trajectory is not None
    [alert] = alerts(item, trajectory, actuals(74))
    assert alert.reason == "6 % worse than the trajectory, beyond the severe tolerance of 5"


def test_lower_is_better_alerts_when_above_trajectory(register: TargetRegister) -> None:
    item = target(register, "dtoc_stockport")
    trajectory = trajectory_for(item)
    assert trajectory is not None
    found = alerts(item, trajectory, actuals(9, 9.5, 9.4, start="2016/17-M09"))
    assert [str(alert.month) for alert in found] == ["2016/17-M11"]


def test_escalation_goes_to_the_accountable_board() -> None:
    item = simple_target()
    trajectory = trajectory_for(item)
    assert trajectory is not None
    [alert] = alerts(item, trajectory, actuals(74))
    escalation = escalate(
        item,
        alert,
        raised_by="Director of Finance",
        raised_on=dt.date(2017, 5, 10),
        root_cause="winter pressures carried over",
        actions=["open the discharge lounge"],
    )
    assert escalation.escalated_to == "A&E Delivery Board"
    assert escalation.reason.startswith("A&E 4 hours: 6 % worse")
    assert escalation.actions == ("open the discharge lounge",)


# --- re-setting a trajectory -------------------------------------------------------------------------------

APPROVAL = Approval("A&E Delivery Board", "Chair", dt.date(2017, 9, 1), minute="ADB 17/45")


def current() -> tuple[Target, Trajectory]:
    item = simple_target()
    trajectory = trajectory_for(item)
    assert trajectory is not None
    return item, trajectory


def test_reset_keeps_the_past_and_records_every_change() -> None:
    item, trajectory = current()
    reset = reset_trajectory(
        item,
        trajectory,
        effective_from=M("2017/18-M07"),
        new_target=88.0,
        new_target_month=M("2018/19-M03"),
        reason="winter plan agreed with the regulator",
        approval=APPROVAL,
        start_value=84.0,
    )
    assert reset.new.points[:6] == trajectory.points[:6]
    assert reset.new.planned(M("2017/18-M07")) == 84.0
    assert reset.new.planned(M("2018/19-M03")) == 88.0
    assert reset.new.end == M("2018/19-M03")
    assert reset.approval == APPROVAL
    changes = {str(change.month): (change.old, change.new) for change in reset.changes}
    assert changes["2017/18-M07"] == (86.0, 84.0)
    assert changes["2018/19-M03"] == (None, 88.0)
    assert "2017/18-M06" not in changes


def test_reset_defaults_to_the_current_plan_value() -> None:
    item, trajectory = current()
    reset = reset_trajectory(
        item,
        trajectory,
        effective_from=M("2017/18-M07"),
        new_target=95.0,
        new_target_month=M("2017/18-M12"),
        reason="faster",
        approval=APPROVAL,
    )
    assert reset.new.planned(M("2017/18-M07")) == 86.0
    assert reset.new.planned(M("2017/18-M12")) == 95.0


def test_reset_needs_the_accountable_boards_approval_and_a_reason() -> None:
    item, trajectory = current()
    approval = Approval("Executive Team", "Chief Executive", dt.date(2017, 9, 1))
    with pytest.raises(ScenarioError) as raised:
        reset_trajectory(
            item,
            trajectory,
            effective_from=M("2016/17-M07"),
            new_target=88.0,
            new_target_month=M("2016/17-M03"),
            reason=" ",
            approval=approval,
        )
    assert [str(problem) for problem in raised.value.problems] == [
        "approval.board: the re-set is approved by 'Executive Team'; a trajectory can only be re-set with "
        "the approval of its accountable board, 'A&E Delivery Board'",
        "reason: no reason is given; a re-set must say why",
        "effective_from: the re-set starts in 2016/17-M07, before the trajectory starts (2017/18-M01)",
        "new_target_month: the new target month 2016/17-M03 is before the re-set starts (2016/17-M07)",
    ]


# --- the loader's messages ----------------------------------------------------------------------------------

GOOD = """\
name: Test targets
targets:
  - id: ae
    name: A&E 4 hours
    scope: national
    unit: "%"
    direction: higher_is_better
    baseline: 80
    baseline_month: 2017/18-M01
    target: 95
    target_month: 2017/18-M12
    owner: Trust
    accountable_board: Board
    source: test
"""


def errors(tmp_path: pathlib.Path, text: str) -> list[str]:
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TargetRegisterError) as raised:
        load_targets(path)
    return [str(problem).replace(str(path), "targets.yaml") for problem in raised.value.problems]


def test_good_register_loads(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_targets(path).targets[0].alert == AlertRule()


def test_bad_direction_month_and_order(tmp_path: pathlib.Path) -> None:
    text = GOOD.replace("higher_is_better", "higher").replace("2017/18-M12", "2017-03")
    assert errors(tmp_path, text) == [
        "targets.yaml:7 targets[0].direction: expected one of 'higher_is_better', 'lower_is_better'; "
        "found 'higher'"
    ]
    text = GOOD.replace("2017/18-M12", "2017-03").replace(
        "baseline_month: 2017/18-M01", "baseline_month: 2018/19-M01"
    )
    assert errors(tmp_path, text) == [
        "targets.yaml:11 targets[0].target_month: '2017-03' is not a month; expected YYYY/YY-Mnn, like "
        "'2018/19-M06' (September)"
    ]
    text = GOOD.replace("baseline_month: 2017/18-M01", "baseline_month: 2018/19-M01")
    assert errors(tmp_path, text) == [
        "targets.yaml:11 targets[0].target_month: the target month 2017/18-M12 is before the baseline month "
        "2018/19-M01"
    ]


def test_baseline_without_month_and_points_that_miss_the_target(tmp_path: pathlib.Path) -> None:
    text = GOOD.replace("    baseline_month: 2017/18-M01\n", "") + (
        "    points:\n"
        "      - {month: 2017/18-M01, value: 80}\n"
        "      - {month: 2017/18-M01, value: 85}\n"
        "      - {month: 2017/18-M11, value: 95}\n"
    )
    assert errors(tmp_path, text) == [
        "targets.yaml:3 targets[0].baseline_month: give both baseline and baseline_month, or neither",
        "targets.yaml:16 targets[0].points[1].month: 2017/18-M01 is not after the point before it "
        "(2017/18-M01)",
        "targets.yaml:17 targets[0].points[2]: the last point must be the target, 95 in 2017/18-M12; found "
        "95 in 2017/18-M11",
    ]
