"""A risk's pounds in the store (revision 0009), on SQLite and PostgreSQL: kept as the register gives them,
changed and audited when the file changes, cleared when it drops them; a store at 0008 upgrades with its risks
read as before, with no pounds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import column, insert, select, table

from carebridge.delivery.risks import FinancialImpact, Risk, RiskRegister, RiskScore, load_risk_register
from carebridge.store import Store
from carebridge.store.database import database_url, make_engine
from carebridge.store.migrate import alembic_config, head_revision
from carebridge.store.models import AuditEntry, Base
from carebridge.store.registers import read_register_risks, save_risks
from carebridge.usecases.registers import pounds_of
from tests.conftest import EXAMPLES

POUNDS = EXAMPLES / "stockport-2017" / "risks-pounds.yaml"


def _register(financial: FinancialImpact | None) -> RiskRegister:
    risk = Risk(
        id="R1",
        title="Demand not curbed",
        description="d",
        owner="Board",
        before=RiskScore(likelihood=4, impact=5),
        financial=financial,
    )
    return RiskRegister(name="r", risks=[risk])


def test_the_pounds_round_trip_and_become_impacts_in_register_order(store: Store) -> None:
    register = load_risk_register(POUNDS)
    with store.session() as session:
        save_risks(session, register, None, "risks-pounds.yaml")
    with store.session() as session:
        stored = read_register_risks(session)
    assert [item.risk for item in stored] == list(register.risks)
    assert stored[0].risk.financial == FinancialImpact(
        org="ccg", years=["2018/19", "2019/20", "2020/21"], best=0, likely=1500, worst=4000
    )
    impacts = pounds_of(stored)
    assert [(i.risk, i.org, i.years, i.best, i.likely, i.worst) for i in impacts] == [
        ("R1", "ccg", ("2018/19", "2019/20", "2020/21"), 0.0, 1500.0, 4000.0),
        ("R2", "sft", ("2018/19", "2019/20"), 0.0, 1000.0, 2500.0),
        ("R3", "smbc", ("2019/20",), 200.0, 500.0, 1200.0),
        ("R4", "sft", ("2020/21", "2021/22"), 500.0, 2000.0, 3500.0),
    ]
    assert impacts[0].path == ("risk R1", "financial")  # a problem names the stored risk by its code


def test_changed_pounds_are_audited_and_a_file_without_them_clears_them(store: Store) -> None:
    first = FinancialImpact(org="ccg", years=["2018/19"], best=100, likely=200, worst=300)
    with store.session() as session:
        save_risks(session, _register(first), None, "a.yaml")
    with store.session() as session:
        outcome = save_risks(session, _register(first), None, "a.yaml")
    assert outcome.unchanged == ["R1"]
    worse = first.model_copy(update={"worst": 900.0})
    with store.session() as session:
        outcome = save_risks(session, _register(worse), None, "b.yaml")
    assert outcome.changed == ["R1"]
    with store.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "risks", AuditEntry.field == "financial_worst")
        ).all()
        assert [(e.old_value, e.new_value) for e in entries] == [("300.0", "900.0")]
        assert read_register_risks(session)[0].risk.financial == worse
    with store.session() as session:
        save_risks(session, _register(None), None, "c.yaml")
    with store.session() as session:
        assert read_register_risks(session)[0].risk.financial is None
        assert pounds_of(read_register_risks(session)) == ()


def test_a_store_at_0008_with_a_risk_upgrades_and_reads_it_without_pounds(store_url: str) -> None:
    engine = make_engine(database_url(store_url))
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0008")
        columns = Base.metadata.tables["risks"].columns
        row = {
            "id": 1,
            "code": "R1",
            "title": "Demand not curbed",
            "description": "d",
            "owner": "Board",
            "likelihood_before": 4,
            "impact_before": 5,
            "mitigations": "",
            "status": "open",
            "created_at": dt.datetime(2026, 12, 6, tzinfo=dt.UTC),
        }
        risks = table("risks", *(column(key, columns[key].type) for key in row))
        connection.execute(insert(risks), [row])
    engine.dispose()
    with Store.open(store_url) as opened:
        with opened.engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert version == head_revision()
        with opened.session() as session:
            (stored,) = read_register_risks(session)
        assert stored.risk.financial is None
        assert stored.risk.before == RiskScore(likelihood=4, impact=5)


def test_the_example_register_has_pounds_for_every_risk() -> None:
    assert Path(POUNDS).is_file()
    assert all(risk.financial is not None for risk in load_risk_register(POUNDS).risks)
