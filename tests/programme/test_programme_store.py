"""The programme in the store, on SQLite and PostgreSQL: loaded once and replaced by name; returns recorded by
an owner, all or nothing, replaced with the audit log's old and new value; the status read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from carebridge.delivery.programme_status import UpdatesError
from carebridge.store import Store
from carebridge.store.models import AuditEntry, GatewayReturn
from carebridge.usecases.programme import (
    ProgrammeChoiceError,
    import_updates,
    load_into_store,
    pack_tables,
    status_in,
)
from tests.conftest import EXAMPLES
from tests.store.backends import store, store_url

__all__ = ["store", "store_url"]
STP = EXAMPLES / "staffordshire-stp-2016"
HEADER = "workstream,month,progress,confidence,assurance,note\n"


def returns_in(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(GatewayReturn)) or 0)


def test_returns_all_or_nothing_and_replaced_with_the_audit(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ProgrammeChoiceError, match="no programme yet"):
        status_in(store)
    _programme, new, year = load_into_store(store, STP / "programme.yaml", STP / "scenario.yaml")
    assert new and year == "2020/21"
    assert not load_into_store(store, STP / "programme.yaml")[1]  # replaced by name
    assert status_in(store) is None
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "ws09_urgent_care,2017/18-M01,green,amber,green,first\n", encoding="utf-8")
    _, outcome = import_updates(store, good, "Rob.Lusuardi@stp.example")
    assert (outcome.inserted, outcome.replaced) == (1, 0)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "ws09_urgent_care,2017/18-M02,red,red,red,\nws09_urgent_care,2020/21-M01,red,red,red,\n",
        encoding="utf-8",
    )
    with pytest.raises(UpdatesError) as raised:
        import_updates(store, bad, "rob.lusuardi@stp.example")
    assert [(p.line, p.path) for p in raised.value.problems] == [(3, ("month",))]
    assert returns_in(store) == 1  # nothing of the bad file
    good.write_text(HEADER + "ws09_urgent_care,2017/18-M01,green,red,green,second\n", encoding="utf-8")
    _, outcome = import_updates(store, good, "rob.lusuardi@stp.example")
    assert (outcome.inserted, outcome.replaced) == (0, 1)
    with store.session() as session:
        changed = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "gateway_returns", AuditEntry.field == "confidence")
        ).all()
    assert [(e.old_value, e.new_value, e.actor) for e in changed][-1] == (
        '"amber"',
        '"red"',
        "rob.lusuardi@stp.example",
    )
    status = status_in(store, "2017/18-M01")
    assert status is not None
    urgent = next(row for row in status.workstreams if row.view.id == "ws09_urgent_care")
    assert urgent.latest is not None and urgent.latest.confidence == "red"
    assert next(table.id for table in pack_tables(store, "2018/19-M06")) == "programme-latest"
    assert pack_tables(store, "2016/17-M01") == []  # no return up to the pack's month
