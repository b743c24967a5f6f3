"""The target and risk registers in the store, on SQLite and PostgreSQL: round trips, idempotent actuals,
alerts, escalations, re-sets only with the accountable board's approval, reviews, and what the audit log
keeps of them; the file of target actuals, every bad row located; the registers in the delivery pack."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import FewsSettings
from carebridge.delivery.monitor import monitor
from carebridge.delivery.months import Month
from carebridge.delivery.register_status import RegisterView, first_day, last_day, month_of, target_status
from carebridge.delivery.risks import RiskRegister, RiskScore, load_risk_register
from carebridge.delivery.target_actuals import ActualRow, TargetActualsError
from carebridge.delivery.targets import Approval, TargetRegister, load_targets, trajectory_for
from carebridge.report.delivery import write_delivery_pack
from carebridge.store import Store
from carebridge.store.actuals_files import read_target_actuals_file
from carebridge.store.models import AuditEntry, TrajectoryReset
from carebridge.store.registers import (
    RegisterError,
    ResetOutcome,
    escalate_target,
    find_target,
    read_escalations,
    read_register_risks,
    read_target_actuals,
    read_targets,
    register_view,
    reset_target,
    review_risk,
    save_risks,
    save_target_actuals,
    save_targets,
)
from tests.conftest import EXAMPLES
from tests.delivery.test_pack import example_actuals

M = Month.parse
AE = "ae_4_hours_stockport"  # 80% in 2016/17-M09 to 95% in 2017/18-M12: one point a month; 2 months off alert
BOARD = "Stockport A&E Delivery Board"


@pytest.fixture(scope="module")
def targets() -> TargetRegister:
    return load_targets(EXAMPLES / "delivery" / "targets.yaml")


@pytest.fixture(scope="module")
def risks() -> RiskRegister:
    return load_risk_register(EXAMPLES / "delivery" / "risks.yaml")


@pytest.fixture
def loaded(store: Store, targets: TargetRegister, risks: RiskRegister) -> Store:
    with store.session() as session:
        save_targets(session, targets, "targets.yaml")
        save_risks(session, risks, None, "risks.yaml")
    return store


def audit_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def entries(session: Session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )


def ae_actuals(session: Session, values: dict[str, float]) -> None:
    rows = [ActualRow(n, AE, M(month), value) for n, (month, value) in enumerate(values.items(), start=2)]
    save_target_actuals(session, rows, "ae.csv", "0" * 64)


# --- round trips -----------------------------------------------------------------------------------------


def test_the_target_register_round_trips_and_loading_it_again_changes_nothing(
    loaded: Store, targets: TargetRegister
) -> None:
    with loaded.session() as session:
        stored = {item.code: item for item in read_targets(session)}
        before = audit_count(session)
    assert list(stored) == [target.id for target in targets.targets]
    for target in targets.targets:
        back = stored[target.id]
        assert back.target == target.model_copy(update={"points": None})
        expected = trajectory_for(target)
        assert back.trajectory == expected
        assert back.revision == (0 if expected is None else 1)
    with loaded.session() as session:
        outcome = save_targets(session, targets, "targets.yaml")
        assert (outcome.added, outcome.changed) == ([], [])
        assert audit_count(session) == before


def test_a_changed_field_is_audited_and_a_changed_trajectory_is_refused(
    loaded: Store, targets: TargetRegister
) -> None:
    ae = targets.targets[0]
    owner = targets.model_copy(update={"targets": [ae.model_copy(update={"owner": "Stockport CCG"})]})
    with loaded.session() as session:
        outcome = save_targets(session, owner, "targets.yaml")
        assert outcome.changed == [AE] and len(outcome.kept) == 6
        update = entries(session, "update")[-1]
        assert (update.field, update.old_value, update.new_value) == (
            "owner",
            json.dumps(ae.owner),
            '"Stockport CCG"',
        )
    steeper = targets.model_copy(update={"targets": [ae.model_copy(update={"target": 97.0})]})
    refused = r"differs from the one stored .* carebridge targets reset"
    with pytest.raises(RegisterError, match=refused), loaded.session() as session:
        save_targets(session, steeper, "targets.yaml")
    with loaded.session() as session:
        assert find_target(session, AE).target.target == 95


def test_the_risk_register_round_trips(loaded: Store, risks: RiskRegister) -> None:
    with loaded.session() as session:
        stored = read_register_risks(session)
        again = save_risks(session, risks, None, "risks.yaml")
    assert [item.risk for item in stored] == [
        risk.model_copy(update={"source": None}) for risk in risks.risks
    ]
    assert (again.added, again.changed, again.unchanged) == ([], [], ["R1", "R2", "R3", "R4"])


# --- actuals, alerts, escalations ------------------------------------------------------------------------


def test_importing_actuals_twice_changes_nothing_and_a_new_value_is_audited(loaded: Store) -> None:
    rows = [ActualRow(2, AE, M("2016/17-M10"), 81.0), ActualRow(3, AE, M("2016/17-M11"), 82.0)]
    with loaded.session() as session:
        first = save_target_actuals(session, rows, "ae.csv", "a" * 64)
    with loaded.session() as session:
        count = audit_count(session)
        second = save_target_actuals(session, rows, "ae.csv", "a" * 64)
        assert audit_count(session) == count
    assert (first.inserted, first.changed, second.changed, second.unchanged) == (2, True, False, 2)
    with loaded.session() as session:
        third = save_target_actuals(session, [ActualRow(2, AE, M("2016/17-M11"), 81.5)], "fix.csv", "b" * 64)
        update = entries(session, "update")[-1]
        assert read_target_actuals(session)[AE][M("2016/17-M11")] == 81.5
    assert (third.inserted, third.updated) == (0, 1)
    assert (update.field, update.old_value, update.new_value, update.actor) == (
        "value",
        "82.0",
        "81.5",
        "tester",
    )


def test_an_alert_follows_two_months_in_a_row_off_trajectory(loaded: Store) -> None:
    with loaded.session() as session:
        # planned 81, 82, 83; the tolerance is 1 point
        ae_actuals(session, {"2016/17-M10": 80.5, "2016/17-M11": 80.5, "2016/17-M12": 80.0})
        target = find_target(session, AE)
        actuals = read_target_actuals(session)[AE]
    states = [
        target_status(target.target, target.trajectory, actuals, M(m)).state
        for m in ("2016/17-M10", "2016/17-M11", "2016/17-M12")
    ]
    assert states == ["on trajectory", "off trajectory", "alert"]
    view = register_view_at(loaded, "2016/17-M12")
    assert [alert.target_id for alert in view.alerts] == [AE]
    assert "off trajectory for 2 month(s) in a row" in view.alerts[0].reason


def register_view_at(store: Store, month: str) -> RegisterView:
    with store.session() as session:
        return register_view(session, None, M(month))


def test_an_escalation_goes_to_the_accountable_board_once(loaded: Store) -> None:
    loaded.actor = "J. Smith"
    with loaded.session() as session:
        ae_actuals(session, {"2016/17-M10": 80.5, "2016/17-M11": 80.5})
        first = escalate_target(
            session, AE, M("2016/17-M11"), raised_by="J. Smith", root_cause="Beds full", actions=["D2A", "GP"]
        )
        again = escalate_target(
            session, AE, M("2016/17-M11"), raised_by="J. Smith", root_cause="Beds full", actions=["D2A", "GP"]
        )
        with pytest.raises(RegisterError, match=r"on trajectory in 2016/17-M10 .* nothing to escalate"):
            escalate_target(
                session, AE, M("2016/17-M10"), raised_by="J. Smith", root_cause="-", actions=["-"]
            )
        stored = read_escalations(session)
    assert (first.created, again.created) == (True, False)
    assert len(stored) == 1
    record = stored[0]
    assert (record.target, record.month, record.board, record.raised_by) == (
        AE,
        "2016/17-M11",
        BOARD,
        "J. Smith",
    )
    assert (record.root_cause, record.actions) == ("Beds full", ("D2A", "GP"))
    assert record.reason.startswith("A&E patients seen within 4 hours (Stockport): 1.5 % worse")


# --- re-sets and reviews ---------------------------------------------------------------------------------


def reset(session: Session, approval: Approval | None) -> ResetOutcome:
    return reset_target(
        session,
        AE,
        effective_from=M("2017/18-M07"),
        new_target=92.0,
        new_target_month=None,
        reason="Winter bed closures",
        approval=approval,
        requested_by="J. Smith",
    )


def test_a_reset_is_refused_without_the_accountable_boards_approval(loaded: Store) -> None:
    wrong = Approval("STP Partnership Board", "J. Smith", dt.date(2017, 9, 1), "STP/9")
    for approval, message in (
        (None, "needs the approval of its accountable board"),
        (wrong, "only be re-set"),
    ):
        with pytest.raises(RegisterError, match=message), loaded.session() as session:
            reset(session, approval)
    with loaded.session() as session:
        assert find_target(session, AE).revision == 1
        assert session.scalar(select(func.count()).select_from(TrajectoryReset)) == 0


def test_an_approved_reset_keeps_the_months_before_and_audits_old_and_new(loaded: Store) -> None:
    approval = Approval(BOARD, "J. Smith", dt.date(2017, 9, 1), "ADB/2017/41")
    loaded.actor = "J. Smith"
    with loaded.session() as session:
        old = find_target(session, AE).trajectory
        outcome = reset(session, approval)
    with loaded.session() as session:
        new = find_target(session, AE)
        resets = entries(session, "reset")
        (approved,) = entries(session, "approve")
        again = reset(session, approval)
    assert old is not None and new.trajectory is not None and new.revision == 2
    assert new.trajectory.points[:10] == old.points[:10]  # to 2017/18-M06
    assert new.trajectory.points[-1] == (M("2017/18-M12"), 92.0)
    assert len(resets) == 5 and {entry.actor for entry in resets} == {"J. Smith"}  # M08 to M12 change
    last = resets[-1]
    assert (json.loads(last.entity_key), last.old_value, last.new_value) == (
        [AE, "2017/18-M12"],
        "95.0",
        "92.0",
    )
    approval_record = json.loads(approved.new_value or "{}")
    assert (approval_record["board"], approval_record["minute"], approval_record["revisions"]) == (
        BOARD,
        "ADB/2017/41",
        [1, 2],
    )
    assert outcome.to_revision == 2 and again.reset_id is None


def test_a_review_is_audited_and_loading_again_keeps_it(loaded: Store, risks: RiskRegister) -> None:
    loaded.actor = "J. Smith"
    with loaded.session() as session:
        outcome = review_risk(
            session, "R1", "after", RiskScore(likelihood=2, impact=4), next_review=dt.date(2018, 3, 31)
        )
        (review,) = entries(session, "review")
        changed = {e.field: (e.old_value, e.new_value, e.actor) for e in entries(session, "update")}
        with pytest.raises(RegisterError, match="mitigation should not raise a risk"):
            review_risk(session, "R2", "before", RiskScore(likelihood=1, impact=1))
    assert outcome.old is not None and outcome.new is not None
    assert (outcome.old.rating, outcome.new.rating) == (12, 8)
    assert json.loads(review.old_value or "") == {"likelihood": 3, "impact": 4, "rating": 12}
    assert json.loads(review.new_value or "") == {"likelihood": 2, "impact": 4, "rating": 8}
    assert changed["likelihood_after"] == ("3", "2", "J. Smith")
    assert changed["review_date"] == ('"2017-09-30"', '"2018-03-31"', "J. Smith")
    with loaded.session() as session:
        again = save_risks(session, risks, None, "risks.yaml")
        (r1,) = [item.risk for item in read_register_risks(session) if item.risk.id == "R1"]
    assert "R1" in again.unchanged and "kept the scores and review date set by review" in again.notes[0]
    assert r1.after == RiskScore(likelihood=2, impact=4) and r1.review_date == dt.date(2018, 3, 31)


def test_the_pack_view_has_heat_maps_and_overdue_reviews(loaded: Store) -> None:
    view = register_view_at(loaded, "2017/18-M06")
    assert view.review_day == dt.date(2017, 9, 30)
    assert [risk.id for risk in view.overdue] == ["R3"]  # due 2017-06-30; the others on 2017-09-30
    assert len(view.statuses) == 7 and view.alerts == []


# --- pure parts ------------------------------------------------------------------------------------------


def test_financial_months_and_calendar_dates() -> None:
    assert first_day(M("2018/19-M06")) == dt.date(2018, 9, 1)
    assert first_day(M("2018/19-M10")) == dt.date(2019, 1, 1)
    assert last_day(M("2018/19-M12")) == dt.date(2019, 3, 31)
    every = [Month(2018, n) for n in range(1, 13)]
    assert [month_of(first_day(m)) for m in every] == every


def test_a_file_of_target_actuals_reports_every_bad_row(tmp_path: Path, targets: TargetRegister) -> None:
    known = {target.id: target for target in targets.targets}
    file = tmp_path / "actuals.csv"
    file.write_text(
        "target,month,value\n"
        f"{AE},2016/17-M10,81\n"
        "ae_4_hours_stockprt,2016/17-M10,81\n"
        f"{AE},2016/17-M13,x\n"
        f"{AE},2016/17-M11,101\n"
        f"{AE},2016/17-M10,82\n"
        f"{AE},2016/17-M12,\n",
        encoding="utf-8",
    )
    with pytest.raises(TargetActualsError) as raised:
        read_target_actuals_file(file, known)
    assert [str(problem) for problem in raised.value.problems] == [
        f"{file}, row 3, column target: no target 'ae_4_hours_stockprt' in the register; "
        f"did you mean '{AE}'?",
        f"{file}, row 4, column month: '2016/17-M13': the month number must be M01 (April) to M12 (March)",
        f"{file}, row 4, column value: expected a number, found 'x'",
        f"{file}, row 5, column value: expected a percentage from 0 to 100, found 101",
        f"{file}, row 6, column month: {AE} in 2016/17-M10 is given again (first in row 2)",
    ]
    file.write_text(f"target,month,value\n{AE},2016/17-M10,81\n{AE},2016/17-M12,\n", encoding="utf-8")
    assert read_target_actuals_file(file, known).rows == (ActualRow(2, AE, M("2016/17-M10"), 81.0),)


def test_the_delivery_pack_shows_targets_and_risks(
    stockport_baseline: PlanBaseline, targets: TargetRegister, risks: RiskRegister, tmp_path: Path
) -> None:
    month = M("2016/17-M12")
    actuals = {M("2016/17-M10"): 80.5, M("2016/17-M11"): 80.5, M("2016/17-M12"): 80.0}
    statuses = [
        target_status(target, trajectory_for(target), actuals if target.id == AE else {}, month)
        for target in targets.targets
    ]
    view = RegisterView(month, statuses, (), risks.risks)
    monitoring = monitor(
        stockport_baseline, example_actuals(stockport_baseline), Month(2018, 10), FewsSettings()
    )
    html, workbook = write_delivery_pack(monitoring, "June 2017", [], {}, tmp_path, view)
    page = html.read_text(encoding="utf-8")
    for expected in (
        "Targets and trajectories",
        "Alerts: targets off trajectory",
        "off trajectory for 2 month(s) in a row",
        "Risk heat map before mitigation",
        "Risk heat map after mitigation",
        "Risk reviews overdue at 31 March 2017",
        "No escalations are recorded.",
    ):
        assert expected in page, expected
    sheets = load_workbook(workbook, read_only=True).sheetnames
    assert {"Targets", "Target alerts", "Escalations", "Heat map before", "Heat map after"} <= set(sheets)
