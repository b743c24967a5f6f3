"""Importing actuals: one transaction per file, rows matched by their natural key.

A row whose key is new is inserted; a row whose key exists with a different value replaces it (the audit log
keeps the old and the new value); a row equal to what the store holds changes nothing. A file that changes
nothing (e.g. the same file imported twice) writes nothing at all, not even an import record. A process
killed during an import leaves the store as it was: the transaction is never committed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from carebridge.delivery.actuals import (
    ActivityActual,
    ActivityForecast,
    Kind,
    MilestoneStatus,
    ProfileWeight,
    Record,
    SpendActual,
)
from carebridge.delivery.actuals_tables import ActualsFile
from carebridge.store import audit
from carebridge.store.models import (
    ActivityActualRow,
    ForecastRow,
    ImportBatch,
    MilestoneRow,
    ProfileRow,
    SpendActualRow,
)
from carebridge.store.plans import find_plan
from carebridge.store.store import Store

CHUNK_ROWS = 5_000
Progress = Callable[[int, int], None]
"""Called with (rows written so far, rows to write) after each chunk."""


@dataclass(frozen=True)
class KindTable:
    model: type[Any]
    key: tuple[str, ...]
    values: tuple[str, ...]


KIND_TABLES: dict[Kind, KindTable] = {
    "activity": KindTable(ActivityActualRow, ("month", "pod", "provider"), ("activity",)),
    "spend": KindTable(SpendActualRow, ("month", "scheme"), ("spend",)),
    "milestones": KindTable(MilestoneRow, ("scheme", "milestone"), ("due", "status", "done")),
    "forecast": KindTable(ForecastRow, ("month", "pod"), ("forecast",)),
    "profile": KindTable(ProfileRow, ("pod", "period"), ("weight",)),
}


def row_of(record: Record) -> dict[str, Any]:
    """The columns of a record as the store keeps them."""
    if isinstance(record, ActivityActual):
        return {
            "month": record.month.label,
            "pod": record.pod,
            "provider": record.provider,
            "activity": record.activity,
        }
    if isinstance(record, SpendActual):
        return {"month": record.month.label, "scheme": record.scheme, "spend": record.spend}
    if isinstance(record, MilestoneStatus):
        done = record.done.label if record.done is not None else None
        return {
            "scheme": record.scheme,
            "milestone": record.milestone,
            "due": record.due.label,
            "status": record.status,
            "done": done,
        }
    if isinstance(record, ActivityForecast):
        return {"month": record.month.label, "pod": record.pod, "forecast": record.forecast}
    assert isinstance(record, ProfileWeight)
    return {"pod": record.pod, "period": record.period, "weight": record.weight}


@dataclass
class ImportOutcome:
    plan: str
    file_name: str
    sha256: str
    rows: int
    inserted: int = 0
    updated: int = 0
    import_id: int | None = None
    earlier_imports: list[tuple[int, datetime]] = field(default_factory=list)
    """Earlier imports of a file with the same SHA-256 into the same plan: (import id, when)."""

    @property
    def unchanged(self) -> int:
        return self.rows - self.inserted - self.updated

    @property
    def changed(self) -> bool:
        return self.inserted + self.updated > 0


@dataclass
class _Plan:
    kind: Kind
    table: KindTable
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[int, tuple[Any, ...], dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    """(row id, natural key, old values, new values)"""


def import_actuals(
    store: Store, plan_name: str, actuals: ActualsFile, progress: Progress | None = None
) -> ImportOutcome:
    """Import the checked records of a file into plan ``plan_name`` in one transaction."""
    outcome = ImportOutcome(plan_name, actuals.name, actuals.sha256, actuals.row_count)
    with store.session() as session:
        plan = find_plan(session, plan_name)
        earlier = select(ImportBatch.id, ImportBatch.imported_at).where(
            ImportBatch.plan_id == plan.id, ImportBatch.file_sha256 == actuals.sha256
        )
        outcome.earlier_imports = [(row.id, row.imported_at) for row in session.execute(earlier)]
        changes = [_changes(session, plan.id, kind, records) for kind, records in actuals.tables.items()]
        outcome.inserted = sum(len(change.inserts) for change in changes)
        outcome.updated = sum(len(change.updates) for change in changes)
        if not outcome.changed:
            return outcome
        batch = ImportBatch(
            plan_id=plan.id,
            file_name=actuals.name,
            file_sha256=actuals.sha256,
            kinds=",".join(change.kind for change in changes),
            rows=outcome.rows,
            inserted=outcome.inserted,
            updated=outcome.updated,
            imported_by=store.actor,
        )
        session.add(batch)
        session.flush()
        outcome.import_id = batch.id
        _write(session, batch.id, plan.id, changes, store.actor, progress)
        detail = (
            f"imported {actuals.name} (sha256 {actuals.sha256}) into plan '{plan_name}': "
            f"{outcome.rows} rows, {outcome.inserted} new, {outcome.updated} replaced"
        )
        entry = audit.entry(
            store.actor, "import", "imports", batch.id, new=row_counts(changes), detail=detail
        )
        audit.record(session.connection(), [entry])
    return outcome


def row_counts(changes: Sequence[_Plan]) -> dict[str, dict[str, int]]:
    return {c.kind: {"inserted": len(c.inserts), "updated": len(c.updates)} for c in changes}


def _changes(session: Session, plan_id: int, kind: Kind, records: Sequence[Record]) -> _Plan:
    """What importing ``records`` would insert and replace."""
    table = KIND_TABLES[kind]
    model = table.model
    columns = [model.id, *(getattr(model, name) for name in (*table.key, *table.values))]
    existing: dict[tuple[Any, ...], tuple[int, dict[str, Any]]] = {}
    for found in session.execute(select(*columns).where(model.plan_id == plan_id)):
        values = found._mapping
        key = tuple(values[name] for name in table.key)
        existing[key] = (values["id"], {name: values[name] for name in table.values})
    change = _Plan(kind, table)
    for record in records:
        row = row_of(record)
        key = tuple(row[name] for name in table.key)
        new = {name: row[name] for name in table.values}
        if key not in existing:
            change.inserts.append(row)
        elif existing[key][1] != new:
            change.updates.append((existing[key][0], key, existing[key][1], new))
    return change


def _write(
    session: Session,
    import_id: int,
    plan_id: int,
    changes: Sequence[_Plan],
    actor: str,
    progress: Progress | None,
) -> None:
    connection = session.connection()
    total = sum(len(change.inserts) + len(change.updates) for change in changes)
    written = 0
    for change in changes:
        model = change.table.model
        for start in range(0, len(change.inserts), CHUNK_ROWS):
            chunk = change.inserts[start : start + CHUNK_ROWS]
            connection.execute(
                insert(model), [{**row, "plan_id": plan_id, "import_id": import_id} for row in chunk]
            )
            written += len(chunk)
            if progress is not None:
                progress(written, total)
        if not change.updates:
            continue
        statement = (
            update(model)
            .where(model.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in (*change.table.values, "import_id")})
        )
        entries: list[dict[str, Any]] = []
        for start in range(0, len(change.updates), CHUNK_ROWS):
            updates = change.updates[start : start + CHUNK_ROWS]
            parameters = [
                {"row_id": row_id, "new_import_id": import_id, **{f"new_{k}": v for k, v in new.items()}}
                for row_id, _, _, new in updates
            ]
            connection.execute(statement.execution_options(synchronize_session=False), parameters)
            for _, key, old, new in updates:
                named = [plan_id, *key]
                entries += [
                    audit.entry(actor, "update", model.__tablename__, named, name, old[name], new[name])
                    for name in change.table.values
                    if old[name] != new[name]
                ]
            written += len(updates)
            if progress is not None:
                progress(written, total)
        audit.record(connection, entries)
