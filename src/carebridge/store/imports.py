"""Importing actuals: one transaction per file, rows matched by their natural key.

A row whose key is new is inserted; a row whose key exists with a different value replaces it (the audit log
keeps the old and the new value); a row equal to what the store holds changes nothing. A month's POD holds
either a total or rows by provider, across files: a total replaces the rows by provider in the store, rows
by provider replace a total (each removed row is in the audit log with its value).

**Ownership.** An import by an editor of some organisations (the web app) may not add to or replace rows
owned by another: an activity row by provider is its provider's (a partner organisation; ``other`` is no
one's), a total speaks for every partner providing the POD, spend and milestones are the scheme owner's. A
total may thus replace rows by provider only of organisations its importer edits, and rows by provider
replace a total only when their importer edits every partner providing the POD; otherwise
:class:`OwnershipError` locates each such row (file, row, what it would replace) and nothing is written.

A file that changes nothing (e.g. the same file imported twice) writes nothing at all, not even an import
record. A process killed during an import leaves the store as it was: the transaction is never committed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from carebridge.delivery.actuals import (
    ALL_PROVIDERS,
    ActivityActual,
    ActivityForecast,
    Kind,
    MilestoneStatus,
    ProfileWeight,
    Record,
    SpendActual,
)
from carebridge.delivery.actuals_tables import ActualsFile, ActualsFileError, RowProblem
from carebridge.store import audit
from carebridge.store.models import (
    ActivityActualRow,
    ForecastRow,
    ImportBatch,
    MilestoneRow,
    PlanVersion,
    ProfileRow,
    SpendActualRow,
)
from carebridge.store.plans import find_plan
from carebridge.store.store import Store

CHUNK_ROWS = 5_000
OTHER_PROVIDERS = "other"
"""The provider id of activity outside the partnership: no organisation owns its rows."""
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
    removed: int = 0
    """Rows of the store the file's rows took the place of (a total and rows by provider)."""
    import_id: int | None = None
    earlier_imports: list[tuple[int, datetime]] = field(default_factory=list)
    """Earlier imports of a file with the same SHA-256 into the same plan: (import id, when)."""

    @property
    def unchanged(self) -> int:
        return self.rows - self.inserted - self.updated

    @property
    def changed(self) -> bool:
        return self.inserted + self.updated + self.removed > 0


@dataclass
class _Plan:
    kind: Kind
    table: KindTable
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[int, tuple[Any, ...], dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    """(row id, natural key, old values, new values)"""


def import_actuals(
    store: Store,
    plan_name: str,
    actuals: ActualsFile,
    progress: Progress | None = None,
    *,
    editing: Collection[str] | None = None,
) -> ImportOutcome:
    """Import the checked records of a file into plan ``plan_name`` in one transaction. ``editing``: the
    organisations the importer edits (``None``: every one); :class:`OwnershipError` when the file would
    add to or replace rows of another, and nothing is written."""
    outcome = ImportOutcome(plan_name, actuals.name, actuals.sha256, actuals.row_count)
    with store.session() as session:
        plan = find_plan(session, plan_name)
        owners = None if editing is None else _owners(session, plan.id)
        replaced = _ownership(session, plan.id, actuals, editing, owners)
        earlier = select(ImportBatch.id, ImportBatch.imported_at).where(
            ImportBatch.plan_id == plan.id, ImportBatch.file_sha256 == actuals.sha256
        )
        outcome.earlier_imports = [(row.id, row.imported_at) for row in session.execute(earlier)]
        changes = [_changes(session, plan.id, kind, records) for kind, records in actuals.tables.items()]
        outcome.inserted = sum(len(change.inserts) for change in changes)
        outcome.updated = sum(len(change.updates) for change in changes)
        outcome.removed = len(replaced)
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
        _remove(session, plan.id, replaced, store.actor)
        _write(session, batch.id, plan.id, changes, store.actor, progress)
        removed = f", {outcome.removed} rows of the store taken the place of" if outcome.removed else ""
        detail = (
            f"imported {actuals.name} (sha256 {actuals.sha256}) into plan '{plan_name}': "
            f"{outcome.rows} rows, {outcome.inserted} new, {outcome.updated} replaced{removed}"
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


def _remove(session: Session, plan_id: int, rows: Sequence[_Stored], actor: str) -> None:
    """Delete the stored activity rows a file's rows take the place of; each in the audit log."""
    if not rows:
        return
    connection = session.connection()
    connection.execute(
        delete(ActivityActualRow).where(ActivityActualRow.id.in_([row.row_id for row in rows]))
    )
    entries = [
        audit.entry(
            actor,
            "delete",
            ActivityActualRow.__tablename__,
            [plan_id, row.month, row.pod, row.provider],
            "activity",
            row.activity,
            None,
            f"taken the place of by {'a total' if row.provider != ALL_PROVIDERS else 'rows by provider'}",
        )
        for row in rows
    ]
    audit.record(connection, entries)


def _owners(session: Session, plan_id: int) -> _Owners:
    """Who owns what, from the plan's latest version."""
    query = select(PlanVersion.reference).where(PlanVersion.plan_id == plan_id)
    reference = session.scalar(query.order_by(PlanVersion.number.desc()).limit(1))
    return _Owners.of(reference or {"organisations": {}, "pods": [], "schemes": []})


# --- ownership -------------------------------------------------------------------------------------------


class OwnershipError(ActualsFileError):
    """Rows of a file that would add to or replace rows owned by an organisation the importer does not edit;
    nothing of the file is imported."""


@dataclass(frozen=True)
class _Owners:
    """Who owns what in a plan, from its latest version: an activity row by provider is its provider's (a
    partner organisation; ``other`` is no one's), a total row speaks for every partner providing the POD,
    spend and milestones are the scheme owner's."""

    names: dict[str, str]
    """Partner organisation id → name (``other`` left out)."""
    pod_providers: dict[str, tuple[str, ...]]
    """POD → the partners providing it."""
    scheme_owners: dict[str, str]
    pod_names: dict[str, str]

    @classmethod
    def of(cls, reference: Mapping[str, Any]) -> _Owners:
        names = {str(k): str(v) for k, v in reference["organisations"].items() if k != OTHER_PROVIDERS}
        pods = reference["pods"]
        return cls(
            names,
            {str(p["id"]): tuple(str(o) for o in p["providers"] if o in names) for p in pods},
            {str(s["id"]): str(s["owner"]) for s in reference["schemes"] if s.get("owner") in names},
            {str(p["id"]): str(p["name"]) for p in pods},
        )

    def named(self, organisations: Iterable[str]) -> str:
        return ", ".join(sorted(self.names.get(org, org) for org in organisations))

    def owner(self, record: Record) -> str | None:
        """The organisation a record of the file belongs to, if any."""
        if isinstance(record, ActivityActual):
            return record.provider if record.provider in self.names else None
        if isinstance(record, SpendActual | MilestoneStatus):
            return self.scheme_owners.get(record.scheme)
        return None


@dataclass(frozen=True)
class _Stored:
    """An activity row in the store and the file it came from."""

    row_id: int
    month: str
    pod: str
    provider: str
    activity: float
    file_name: str


def _ownership(
    session: Session,
    plan_id: int,
    actuals: ActualsFile,
    editing: Collection[str] | None,
    owners: _Owners | None,
) -> list[_Stored]:
    """The stored activity rows the file's rows take the place of (a month's POD holds either a total or rows
    by provider: a file's total replaces the rows by provider, its rows by provider replace the total);
    :class:`OwnershipError` locating each row that would add to or replace rows of an organisation not in
    ``editing`` (``None``: the importer may change every row)."""
    problems: list[RowProblem] = []
    if editing is not None and owners is not None:
        for table in actuals.tables.values():
            for record in table:
                owner = owners.owner(record)
                if owner is not None and owner not in editing:
                    sheet, row = actuals.place(record)
                    reason = f"the row is {owners.named([owner])}'s, which you do not edit"
                    problems.append(RowProblem(actuals.name, row, None, reason, sheet))
    groups: dict[tuple[str, str], list[ActivityActual]] = {}
    for record in actuals.tables.get("activity", []):
        if isinstance(record, ActivityActual):
            groups.setdefault((record.month.label, record.pod), []).append(record)
    stored = _stored_activity(session, plan_id, {month for month, _ in groups})
    replaced: list[_Stored] = []
    for (month, pod), records in groups.items():
        total = any(record.provider == ALL_PROVIDERS for record in records)
        hit = [row for row in stored.get((month, pod), []) if (row.provider != ALL_PROVIDERS) == total]
        if not hit:
            continue
        refused: set[str] = set()
        if editing is not None and owners is not None:
            speaking = {row.provider for row in hit} if total else set(owners.pod_providers.get(pod, ()))
            refused = {org for org in speaking if org in owners.names} - set(editing)
        if not refused:
            replaced += hit
            continue
        assert owners is not None
        sheet, row_number = actuals.place(records[0])
        files = ", ".join(sorted({row.file_name for row in hit}))
        pod_name = owners.pod_names.get(pod, pod)
        if total:
            reason = (
                f"the total of {pod_name} in {month} would replace the rows by provider of "
                f"{owners.named(refused)} in the store (from {files}); only an editor of "
                f"{owners.named(refused)} may replace them"
            )
        else:
            reason = (
                f"{pod_name} in {month} has a total in the store (from {files}), which speaks for every "
                f"provider of the POD; rows by provider would replace it, which only an editor of "
                f"{owners.named(refused)} may do"
            )
        problems.append(RowProblem(actuals.name, row_number, "provider", reason, sheet))
    if problems:
        raise OwnershipError(problems)
    return replaced


def _stored_activity(
    session: Session, plan_id: int, months: set[str]
) -> dict[tuple[str, str], list[_Stored]]:
    """The plan's activity rows of ``months`` by (month, POD), with the file each came from."""
    if not months:
        return {}
    model = ActivityActualRow
    query = (
        select(model.id, model.month, model.pod, model.provider, model.activity, ImportBatch.file_name)
        .join(ImportBatch, ImportBatch.id == model.import_id)
        .where(model.plan_id == plan_id, model.month.in_(sorted(months)))
    )
    found: dict[tuple[str, str], list[_Stored]] = {}
    for row_id, month, pod, provider, activity, file_name in session.execute(query):
        found.setdefault((month, pod), []).append(_Stored(row_id, month, pod, provider, activity, file_name))
    return found
