"""Approving plans: immutable versions, the run's tables read back as they were stored, the audit log."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from carebridge.delivery.baseline import PlanBaseline
from carebridge.store import Store
from carebridge.store.models import AuditEntry
from carebridge.store.plans import (
    PlanNotFoundError,
    approve,
    list_versions,
    load_baseline,
    scenario_file_text,
    sha256_text,
)
from tests.conftest import STOCKPORT
from tests.store.helpers import PLAN, approve_stockport, counts

KEYS = {
    "activity": ["year", "pod"],
    "scheme_activity": ["scheme", "year", "pod"],
    "savings": ["scheme", "year", "pod", "provider", "source", "basis"],
    "investment": ["scheme", "year"],
}


def test_approval_stores_a_version_that_reads_back_as_approved(
    store: Store, stockport_baseline: PlanBaseline
) -> None:
    outcome = approve_stockport(store, stockport_baseline)
    assert outcome.created and outcome.version.number == 1
    assert outcome.version.approved_by == "tester"
    summary, baseline = load_baseline(store, PLAN)
    assert summary.sha256 == sha256_text(STOCKPORT.read_text(encoding="utf-8"))
    assert baseline.reference() == stockport_baseline.reference()
    for table, keys in KEYS.items():
        stored = getattr(baseline, table).sort_values(keys).reset_index(drop=True)
        original = getattr(stockport_baseline, table).sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(stored, original)
    assert baseline.documents["statement"] == stockport_baseline.documents["statement"]


def test_approving_the_same_scenario_again_changes_nothing(
    store: Store, stockport_baseline: PlanBaseline
) -> None:
    approve_stockport(store, stockport_baseline)
    before = counts(store)
    again = approve_stockport(store, stockport_baseline)
    assert not again.created and again.version.number == 1
    assert counts(store) == before


def test_a_changed_scenario_makes_a_new_version_and_keeps_the_old(
    store: Store, stockport_baseline: PlanBaseline
) -> None:
    approve_stockport(store, stockport_baseline)
    changed = STOCKPORT.read_text(encoding="utf-8").replace("base: 100133", "base: 100134")
    outcome = approve(store, PLAN, changed, "edited.yaml", stockport_baseline, sha256_text(changed))
    assert outcome.created and outcome.version.number == 2
    versions = list_versions(store)
    assert [v.number for v in versions] == [1, 2]
    assert load_baseline(store, PLAN, 1)[0].scenario_file == str(STOCKPORT)
    assert load_baseline(store, PLAN)[0].number == 2


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE plan_savings SET value = 0",
        "DELETE FROM plan_activity",
        "UPDATE plan_versions SET sha256 = 'x'",
        "DELETE FROM audit_log",
    ],
)
def test_approved_versions_and_the_audit_log_cannot_be_changed(
    store: Store, stockport_baseline: PlanBaseline, statement: str
) -> None:
    approve_stockport(store, stockport_baseline)
    before = counts(store)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
        connection.execute(text(statement))
    assert counts(store) == before


def test_every_approval_is_in_the_audit_log(store: Store, stockport_baseline: PlanBaseline) -> None:
    approve_stockport(store, stockport_baseline)
    with store.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        actions = [(e.action, e.entity, e.actor) for e in entries]
    assert ("insert", "plans", "tester") in actions
    assert ("insert", "plan_versions", "tester") in actions
    assert ("approve", "plan_versions", "tester") in actions


def test_an_unknown_plan_names_the_plans_there_are(store: Store, stockport_baseline: PlanBaseline) -> None:
    approve_stockport(store, stockport_baseline)
    with pytest.raises(
        PlanNotFoundError,
        match="no plan called 'June 2017 business case'; the store has "
        "'June 2017 business cases'; did you mean 'June 2017 business cases'",
    ):
        load_baseline(store, "June 2017 business case")


def test_a_binary_scenario_file_is_kept_as_base64_with_the_sha256_of_its_bytes(tmp_path: Path) -> None:
    workbook = tmp_path / "scenario.xlsx"
    workbook.write_bytes(b"PK\x03\x04\xff\xfe binary")
    text_kept, digest = scenario_file_text(workbook)
    assert text_kept.startswith("base64:") and base64.b64decode(text_kept[7:]) == workbook.read_bytes()
    assert digest == hashlib.sha256(workbook.read_bytes()).hexdigest()
    assert scenario_file_text(STOCKPORT) == (
        STOCKPORT.read_text(encoding="utf-8"),
        sha256_text(STOCKPORT.read_text(encoding="utf-8")),
    )


def test_a_plans_state_changes_with_each_version_draft_and_user_and_reads_no_text(
    store: Store, stockport_baseline: PlanBaseline
) -> None:
    """What the web app keys a plan's current scenario by (``plan_state``) and the list of plans by
    (``plans_state``): each write that changes what they show changes them; a read changes nothing."""
    from carebridge.store.models import ScenarioDraft, User
    from carebridge.store.plans import plan_state, plans_state

    assert plan_state(store, 1) is None
    empty = plans_state(store)
    approve_stockport(store, stockport_baseline)
    first, listed = plan_state(store, 1), plans_state(store)
    assert first is not None and first[0] == PLAN and first[1] is not None and first[2] is None
    assert listed != empty
    assert plan_state(store, 1) == first and plans_state(store) == listed  # reading changes nothing
    text_of_draft = STOCKPORT.read_text(encoding="utf-8") + "\n# edited\n"
    with store.session() as session:
        session.add(
            ScenarioDraft(
                plan_id=1, scenario_text=text_of_draft, sha256=sha256_text(text_of_draft), updated_by="x"
            )
        )
    drafted = plan_state(store, 1)
    assert drafted is not None and drafted[2] == sha256_text(text_of_draft) and plans_state(store) != listed
    with store.session() as session:
        session.add(User(email="someone@x.test", password_hash="-", is_admin=False))
    assert plan_state(store, 1) not in (first, drafted)
    edited = STOCKPORT.read_text(encoding="utf-8").replace("Stockport", "Stockport ", 1)
    approve(store, PLAN, edited, str(STOCKPORT), stockport_baseline, sha256_text(edited))
    second = plan_state(store, 1)
    assert second is not None and first is not None and second[1] != first[1]


def test_saving_a_draft_again_updates_when_it_was_saved(
    store: Store, stockport_baseline: PlanBaseline
) -> None:
    """The list of plans shows when a draft was last saved, not when it was first saved."""
    from datetime import timedelta

    from carebridge.store.models import ScenarioDraft
    from carebridge.usecases.plans import save_draft

    approve_stockport(store, stockport_baseline)
    save_draft(store, 1, "first: 1\n")
    first_saved = _draft_saved_at(store)
    with store.session() as session:  # as if the first save were an hour ago
        session.execute(
            text("UPDATE scenario_drafts SET updated_at = :at"), {"at": first_saved - timedelta(hours=1)}
        )
    save_draft(store, 1, "second: 2\n")
    with store.session() as session:
        draft = session.get(ScenarioDraft, 1)
        assert draft is not None and draft.scenario_text == "second: 2\n"
    assert _draft_saved_at(store) >= first_saved


def _draft_saved_at(store: Store) -> datetime:
    from carebridge.store.models import ScenarioDraft
    from carebridge.store.plans import as_utc

    with store.session() as session:
        draft = session.get(ScenarioDraft, 1)
        assert draft is not None
        return as_utc(draft.updated_at)
