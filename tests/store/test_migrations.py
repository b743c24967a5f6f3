"""The store migrates itself on first use; its migrations create exactly the tables the models describe."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import TableClause, column, insert, inspect, select, table, text

from carebridge.delivery.risks import RiskRegister, RiskScore
from carebridge.store import Store, StoreVersionError, audit
from carebridge.store.database import database_url, make_engine
from carebridge.store.migrate import alembic_config, head_revision, upgrade
from carebridge.store.models import Base, Risk
from carebridge.store.models.base import utcnow
from carebridge.store.registers import read_escalations, read_register_risks, read_targets, save_risks


def test_first_use_creates_every_table_at_the_newest_revision(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert {"targets", "target_trajectory", "target_escalations", "trajectory_resets", "risks"} <= tables
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_opening_again_applies_nothing(store_url: str) -> None:
    with Store.open(store_url) as first:
        assert upgrade(first.engine) is False


def test_a_store_from_a_newer_carebridge_is_refused(store: Store, store_url: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreVersionError, match="newer version"):
        Store.open(store_url)


def table_at_0001(name: str, row: dict[str, Any]) -> TableClause:
    """The table ``name`` with the columns of ``row`` only (those it had at revision 0001), typed as now."""
    columns = Base.metadata.tables[name].columns
    return table(name, *(column(key, columns[key].type) for key in row))


def test_a_store_at_0001_with_register_rows_reads_the_same_after_the_upgrade(store_url: str) -> None:
    """What revision 0001 kept elsewhere — a target's alert rule, source and note in the audit log, an
    escalation's root cause glued to its reason, a risk's score after set to its score before — is moved
    into the new columns, and the registers read back as they read before."""
    engine = make_engine(database_url(store_url))
    alert = {"tolerance": 2.5, "consecutive_months": 2, "severe_tolerance": None}
    now = utcnow()
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
        target = {
            "id": 1,
            "code": "ae",
            "name": "A&E within 4 hours",
            "kind": "national",
            "unit": "%",
            "direction": "higher",
            "baseline": 80.0,
            "baseline_date": dt.date(2016, 12, 1),
            "target_value": 95.0,
            "target_date": dt.date(2018, 3, 1),
            "owner": "Stockport NHS FT",
            "accountable_board": "A&E Delivery Board",
            "created_at": now,
        }
        connection.execute(insert(table_at_0001("targets", target)), [target])
        old_entries = [
            ("alert", None, {"tolerance": 0.0, "consecutive_months": 1, "severe_tolerance": None}),
            ("source", None, "The Five Year Forward View"),
            ("alert", {"tolerance": 0.0}, alert),
            ("note", None, "Agreed with NHS England"),
            ("source", "The Five Year Forward View", "NHS Constitution, 4-hour standard"),
        ]
        audit.record(
            connection,
            [
                audit.entry("tester", "register", "targets", "ae", name, old, new)
                for name, old, new in old_entries
            ],
        )
        escalation = {
            "target_id": 1,
            "board": "A&E Delivery Board",
            "status": "open",
            "raised_at": now,
            "raised_by": "J. Smith",
        }
        escalations = [
            {
                **escalation,
                "id": 1,
                "month": "2016/17-M11",
                "reason": "2 months off trajectory\nRoot cause: Beds full",
                "action": "D2A",
            },
            {**escalation, "id": 2, "month": "2016/17-M12", "reason": "off trajectory", "action": None},
        ]
        connection.execute(insert(table_at_0001("target_escalations", escalations[0])), escalations)
        risk = {
            "id": 1,
            "code": "R1",
            "title": "Demand",
            "description": "",
            "owner": "Programme board",
            "likelihood_before": 4,
            "impact_before": 5,
            "likelihood_after": 4,
            "impact_after": 5,
            "mitigations": "",
            "status": "open",
            "created_at": now,
        }
        connection.execute(insert(table_at_0001("risks", risk)), [risk])
    engine.dispose()
    with Store.open(store_url) as store, store.session() as session:
        (stored_target,) = read_targets(session)
        first, second = read_escalations(session)
        (stored_risk,) = read_register_risks(session)
    assert stored_target.target.alert.model_dump() == alert
    assert stored_target.target.source == "NHS Constitution, 4-hour standard"
    assert stored_target.target.note == "Agreed with NHS England"
    assert (first.reason, first.root_cause, first.actions) == (
        "2 months off trajectory",
        "Beds full",
        ("D2A",),
    )
    assert (second.reason, second.root_cause) == ("off trajectory", None)
    assert stored_risk.risk.after == RiskScore(likelihood=4, impact=5) == stored_risk.risk.before


def test_a_risk_with_no_score_after_is_stored_without_one(store: Store) -> None:
    register = RiskRegister.model_validate(
        {
            "name": "Risks",
            "risks": [
                {
                    "id": "R9",
                    "title": "Workforce",
                    "description": "",
                    "owner": "Board",
                    "before": {"likelihood": 3, "impact": 4},
                }
            ],
        }
    )
    with store.session() as session:
        outcome = save_risks(session, register, None, "risks.yaml")
        assert outcome.notes == []
    with store.session() as session:
        (stored,) = read_register_risks(session)
        row = session.scalars(select(Risk)).one()
    assert stored.risk.after is None and stored.rating_after is None and stored.rating == 12
    assert (row.likelihood_after, row.impact_after) == (None, None)
