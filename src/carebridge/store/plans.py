"""Approving a plan (a new immutable version when the scenario changed), listing plans, reading a version
back as a :class:`~carebridge.delivery.baseline.PlanBaseline`."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from carebridge.delivery.baseline import (
    ACTIVITY_COLUMNS,
    INVESTMENT_COLUMNS,
    SAVINGS_COLUMNS,
    SCHEME_ACTIVITY_COLUMNS,
    PlanBaseline,
)
from carebridge.scenario.errors import did_you_mean
from carebridge.store import audit
from carebridge.store.models import (
    Plan,
    PlanActivity,
    PlanFile,
    PlanInvestment,
    PlanSaving,
    PlanSchemeActivity,
    PlanVersion,
    ScenarioDraft,
    User,
)
from carebridge.store.store import Store
from carebridge.version import __version__

TABLES: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "activity": (PlanActivity, ACTIVITY_COLUMNS),
    "scheme_activity": (PlanSchemeActivity, SCHEME_ACTIVITY_COLUMNS),
    "savings": (PlanSaving, SAVINGS_COLUMNS),
    "investment": (PlanInvestment, INVESTMENT_COLUMNS),
}


class PlanNotFoundError(LookupError):
    """No plan (or version) by that name; the message lists those there are."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class VersionSummary:
    plan: str
    number: int
    scenario_name: str
    scenario_file: str
    sha256: str
    approved_at: datetime
    approved_by: str
    carebridge_version: str


@dataclass(frozen=True)
class Approval:
    """What an approval did; ``created`` is false when the scenario is that of the latest version."""

    version: VersionSummary
    created: bool


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back times without their zone; the store writes them in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_file_text(path: Path) -> tuple[str, str]:
    """The scenario file as the store keeps it, and the SHA-256 of its bytes (as in a run's ``run.json``):
    the text of a YAML file; ``base64:`` and the encoded bytes of a binary file (an Excel workbook)."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        return data.decode("utf-8"), digest
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(data).decode("ascii"), digest


def approve(
    store: Store,
    name: str,
    scenario_text: str,
    scenario_file: str,
    baseline: PlanBaseline,
    sha256: str,
    side_files: Mapping[str, bytes] | None = None,
) -> Approval:
    """Store the scenario, its side files (by the name the scenario writes) and its run as a new version of
    plan ``name``, unless the latest version has the same digest ``sha256`` (which covers the side files: then
    nothing changes). One transaction; logged in the audit log."""
    name = name.strip()
    if not name:
        raise ValueError('the plan needs a name, e.g. --name "June 2017 business cases"')
    with store.session() as session:
        plan = session.scalar(select(Plan).where(Plan.name == name))
        if plan is None:
            plan = Plan(name=name, created_by=store.actor)
            session.add(plan)
            session.flush()
        latest = _latest(session, plan.id)
        if latest is not None and latest.sha256 == sha256:
            return Approval(_summary(plan, latest), created=False)
        version = PlanVersion(
            plan_id=plan.id,
            number=1 if latest is None else latest.number + 1,
            scenario_name=baseline.scenario_name,
            scenario_file=scenario_file,
            scenario_text=scenario_text,
            sha256=sha256,
            carebridge_version=__version__,
            approved_by=store.actor,
            reference=baseline.reference(),
            documents=_json_ready(dict(baseline.documents)),
        )
        session.add(version)
        session.flush()
        counts = {}
        for table_name, (model, columns) in TABLES.items():
            frame: pd.DataFrame = getattr(baseline, table_name)
            rows = [
                {"version_id": version.id, **dict(zip(columns, values, strict=True))}
                for values in frame[list(columns)].itertuples(index=False, name=None)
            ]
            if rows:
                session.execute(insert(model), rows)
            counts[table_name] = len(rows)
        detail = f"approved from {scenario_file}; rows: " + ", ".join(f"{k} {v}" for k, v in counts.items())
        files = _store_files(session, version.id, side_files or {})
        if files:
            detail += "; side files: " + ", ".join(f"{n} (sha256 {digest[:12]}…)" for n, digest in files)
        audit.record(
            session.connection(),
            [audit.entry(store.actor, "approve", "plan_versions", [name, version.number], detail=detail)],
        )
        return Approval(_summary(plan, version), created=True)


def _store_files(session: Session, version_id: int, files: Mapping[str, bytes]) -> list[tuple[str, str]]:
    """Keep ``files`` with the version; each file's name and SHA-256, by name."""
    rows: list[dict[str, Any]] = [
        {
            "version_id": version_id,
            "name": name,
            "sha256": hashlib.sha256(files[name]).hexdigest(),
            "size": len(files[name]),
            "content": files[name],
        }
        for name in sorted(files)
    ]
    if rows:
        session.execute(insert(PlanFile), rows)
    return [(row["name"], row["sha256"]) for row in rows]


def version_files(session: Session, version_id: int) -> dict[str, bytes]:
    """The side files kept with a plan version, by the name its scenario writes (none for a scenario that
    names none, or a version stored before revision 0010)."""
    query = select(PlanFile.name, PlanFile.content).where(PlanFile.version_id == version_id)
    return {name: bytes(content) for name, content in session.execute(query.order_by(PlanFile.name))}


@dataclass(frozen=True)
class StoredFile:
    """A side file of a plan version as a person reads it: its name, size and SHA-256."""

    name: str
    size: int
    sha256: str


def version_file_list(session: Session, version_id: int) -> list[StoredFile]:
    """The side files of a plan version, without their bytes."""
    query = select(PlanFile.name, PlanFile.size, PlanFile.sha256).where(PlanFile.version_id == version_id)
    return [StoredFile(*row) for row in session.execute(query.order_by(PlanFile.name))]


def _json_ready(value: Any) -> Any:
    """Records with numpy numbers made plain Python, so any JSON column takes them."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


def _latest(session: Session, plan_id: int) -> PlanVersion | None:
    query = select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.number.desc())
    return session.scalars(query.limit(1)).first()


def _summary(plan: Plan, version: PlanVersion) -> VersionSummary:
    return VersionSummary(
        plan=plan.name,
        number=version.number,
        scenario_name=version.scenario_name,
        scenario_file=version.scenario_file,
        sha256=version.sha256,
        approved_at=as_utc(version.approved_at),
        approved_by=version.approved_by,
        carebridge_version=version.carebridge_version,
    )


PlanState = tuple[str, int | None, str | None, int, int | None]
"""What a plan's current scenario, as a person reads it, is made of: the plan's name, the id of its latest
version (immutable: its text, files, approver and time), the SHA-256 of its draft's text (None without a
draft), and the users — how many and the newest id — by whom an approver is named as a person."""


def _users_state() -> tuple[Any, Any]:
    return (
        select(func.count(User.id)).scalar_subquery(),
        select(func.max(User.id)).scalar_subquery(),
    )


_LATEST = (
    select(PlanVersion.id)
    .where(PlanVersion.plan_id == Plan.id)
    .order_by(PlanVersion.number.desc())
    .limit(1)
    .correlate(Plan)
    .scalar_subquery()
)
PLAN_STATE = select(
    Plan.name,
    _LATEST,
    select(ScenarioDraft.sha256).where(ScenarioDraft.plan_id == Plan.id).correlate(Plan).scalar_subquery(),
    *_users_state(),
).where(Plan.id == bindparam("plan_id"))
"""Built once, so each request only binds the plan's id (SQLAlchemy keeps its compiled form; the web app
runs it on a pooled driver connection, ``web/reads.py``, and reads the row with :func:`plan_state_of`)."""


def plan_state(store: Store, plan_id: int) -> PlanState | None:
    """The :data:`PlanState` of the plan, in one query (no scenario text read), or None when there is no
    such plan. Whatever changes the plan's current scenario or how it is shown changes it, so the web app
    keys what it derives from the plan by it."""
    with store.engine.connect() as connection:
        row = connection.execute(PLAN_STATE, {"plan_id": plan_id}).first()
    return plan_state_of(None if row is None else tuple(row))


def plan_state_of(row: tuple[Any, ...] | None) -> PlanState | None:
    """The :data:`PlanState` of a row of :data:`PLAN_STATE` (None: no such plan)."""
    if row is None:
        return None
    name, version, digest, users, newest = row
    return str(name), version, digest, int(users or 0), newest


PlansState = tuple[tuple[int, int | None, int, int | None, int, int | None], tuple[tuple[Any, ...], ...]]
"""What the list of plans is made of: how many plans, versions and users there are and the newest id of
each (plans and versions are never changed once written), and each draft's plan, SHA-256, author and time."""

PLANS_COUNTS = select(
    select(func.count(Plan.id)).scalar_subquery(),
    select(func.max(Plan.id)).scalar_subquery(),
    select(func.count(PlanVersion.id)).scalar_subquery(),
    select(func.max(PlanVersion.id)).scalar_subquery(),
    *_users_state(),
)
DRAFTS = select(
    ScenarioDraft.plan_id, ScenarioDraft.sha256, ScenarioDraft.updated_by, ScenarioDraft.updated_at
).order_by(ScenarioDraft.plan_id)


def plans_state(store: Store) -> PlansState:
    """The :data:`PlansState` of the store, in two queries of one transaction (no scenario text read; the
    web app runs :data:`PLANS_COUNTS` and :data:`DRAFTS` on a pooled driver connection, ``web/reads.py``)."""
    with store.engine.connect() as connection:
        counts = tuple(connection.execute(PLANS_COUNTS).one())
        rows = [tuple(row) for row in connection.execute(DRAFTS)]
    return plans_state_of(counts, rows)


def plans_state_of(counts: tuple[Any, ...], drafts: list[tuple[Any, ...]]) -> PlansState:
    """The :data:`PlansState` of a row of :data:`PLANS_COUNTS` and the rows of :data:`DRAFTS`."""
    plans, newest_plan, versions, newest_version, users, newest_user = counts
    return (
        int(plans or 0),
        newest_plan,
        int(versions or 0),
        newest_version,
        int(users or 0),
        newest_user,
    ), tuple(tuple(row) for row in drafts)


def list_versions(store: Store) -> list[VersionSummary]:
    """Every version of every plan, plans by name, versions in order."""
    with store.session() as session:
        query = select(Plan, PlanVersion).join(PlanVersion).order_by(Plan.name, PlanVersion.number)
        return [_summary(plan, version) for plan, version in session.execute(query)]


def find_plan(session: Session, name: str) -> Plan:
    """The plan called ``name``; :class:`PlanNotFoundError` listing the plans there are otherwise."""
    plan = session.scalar(select(Plan).where(Plan.name == name))
    if plan is not None:
        return plan
    names = list(session.scalars(select(Plan.name).order_by(Plan.name)))
    if not names:
        raise PlanNotFoundError(
            f"no plan called '{name}': the store has no plans yet; approve one with "
            "carebridge plan approve SCENARIO --name NAME"
        )
    quoted = ", ".join(f"'{n}'" for n in names)
    raise PlanNotFoundError(f"no plan called '{name}'; the store has {quoted}{did_you_mean(name, names)}")


def plan_id(store: Store, name: str) -> int:
    with store.session() as session:
        return find_plan(session, name).id


def load_baseline(store: Store, name: str, number: int | None = None) -> tuple[VersionSummary, PlanBaseline]:
    """Version ``number`` (default: the latest) of plan ``name`` and its baseline, read from the store."""
    with store.session() as session:
        plan = find_plan(session, name)
        query = select(PlanVersion).where(PlanVersion.plan_id == plan.id)
        if number is None:
            version = _latest(session, plan.id)
        else:
            version = session.scalar(query.where(PlanVersion.number == number))
        if version is None:
            count = session.scalar(select(func.count()).select_from(query.subquery()))
            raise PlanNotFoundError(f"plan '{name}' has no version {number}; it has {count} version(s)")
        tables = {}
        for table_name, (model, columns) in TABLES.items():
            selected = (
                select(*(getattr(model, column) for column in columns))
                .where(model.version_id == version.id)
                .order_by(*(key for key in model.__table__.primary_key.columns if key.name != "version_id"))
            )
            tables[table_name] = pd.DataFrame(session.execute(selected).all(), columns=list(columns))
        baseline = PlanBaseline.from_parts(version.reference, tables, version.documents)
        return _summary(plan, version), baseline
