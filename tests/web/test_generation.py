"""The store's generation (``web/memo.py``), by which the FEWS, targets and risks pages keep what they read,
moves with every committed change: also when two writes commit out of the order of their audit ids, as
PostgreSQL allows (its ids come from a sequence when the row is inserted, not when it is committed)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError

from carebridge.store import Store, audit
from carebridge.store.models import AuditEntry
from carebridge.web.memo import store_generation
from tests.store.backends import store_url

__all__ = ["store_url"]


def _entry(value: int) -> dict[str, Any]:
    return audit.entry("tester", "update", "plan_actuals", ["Stockport", value], "value", 0, value)


def test_the_generation_moves_with_each_committed_change_and_not_with_a_read(store_url: str) -> None:
    with Store.open(store_url, actor="tester") as store:
        before = store_generation(store)
        assert store_generation(store) == before
        with store.engine.begin() as connection:
            audit.record(connection, [_entry(1)])
        after = store_generation(store)
        assert after != before
        assert store_generation(store) == after


def test_a_change_committed_after_a_later_id_was_read_moves_the_generation(store_url: str) -> None:
    """Two writers: the first takes an audit id and commits only after the second, which took the next id,
    has committed and the generation has been read. The newest id does not move when the first commits;
    the generation must. On SQLite the second writer cannot take an id while the first is open (one writer
    at a time), which is why the newest id is enough there."""
    with Store.open(store_url, actor="tester") as store:
        early = store.engine.connect()
        try:
            early_write = early.begin()
            audit.record(early, [_entry(1)])  # takes the lower id; not committed yet
            if store.engine.dialect.name == "sqlite":
                impatient = create_engine(f"sqlite:///{store_url}", connect_args={"timeout": 0.05})
                with pytest.raises(OperationalError, match="locked"), impatient.begin() as late:
                    audit.record(late, [_entry(2)])
                impatient.dispose()
                early_write.commit()
                return
            with store.engine.begin() as late:
                audit.record(late, [_entry(2)])  # the next id, committed first
            seen = store_generation(store)
            early_write.commit()
        finally:
            early.close()
        with store.engine.connect() as connection:
            ids = dict(connection.execute(select(AuditEntry.new_value, AuditEntry.id)).all())
        assert ids["1"] < ids["2"] == seen[0]  # committed out of the order of their ids
        now = store_generation(store)
        assert now[0] == seen[0]  # the newest id alone did not move: the old key missed the change
        assert now != seen
