"""The target and risk registers in the store: loading them, monthly actuals of targets, escalations, re-sets
of trajectories approved by the accountable board, and reviews of risks.

Plain functions on a SQLAlchemy session (:meth:`carebridge.store.Store.session`, one transaction): they
write through the ORM, so the audit log records who (the session's actor), when, what, the old and the new
value of every field; a refused change raises :class:`RegisterError` before anything is written, and the
session's transaction is rolled back. The rules live in :mod:`carebridge.delivery.targets` and
:mod:`carebridge.delivery.risks`.

- **Loading again** changes what changed and nothing else; a target's trajectory only changes through an
  approved re-set, and a risk's scores and review date, once reviewed, only through a review (a file saying
  otherwise is refused, or the reviewed values are kept and said so).
- **A re-set** writes a new revision of the whole trajectory (``target_trajectory.revision``), a
  ``trajectory_resets`` row, one audit entry with the approval (board, minute, who and when) and one per
  month whose planned value changed (old and new value).
- A re-set's board is ``trajectory_resets.decided_by``; the minute is in the approval's audit entry. A
  risk's source and the register's own bands are not stored (the store uses the NHS 5 × 5 bands).
- A risk's **pounds** (``financial``: organisation, years, best, likely and worst £'000) are kept in the
  ``financial_*`` columns (revision 0009) and read back as the register gave them; loading a register
  without them clears them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from carebridge.delivery import risks as rk
from carebridge.delivery import targets as tg
from carebridge.delivery.months import Month
from carebridge.delivery.register_status import (
    EscalationRecord,
    RegisterView,
    first_day,
    month_of,
    target_status,
)
from carebridge.delivery.target_actuals import ActualRow
from carebridge.scenario.errors import Path, Problem, ScenarioError, did_you_mean
from carebridge.store import audit
from carebridge.store import models as orm
from carebridge.store.models.base import utcnow

DIRECTIONS: dict[str, str] = {"higher_is_better": "higher", "lower_is_better": "lower"}
REVIEWED_COLUMNS = ("likelihood_before", "impact_before", "likelihood_after", "impact_after", "review_date")
"""What a review sets: loading the register again keeps them."""


class RegisterError(ValueError):
    """A change the registers refuse, with every problem; nothing is written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def refuse(message: str, path: Path = ()) -> RegisterError:
    return RegisterError([Problem(path, message)])


@dataclass
class LoadOutcome:
    """What loading a register did, by id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """In the store but not in the file: kept as they are."""
    notes: list[str] = field(default_factory=list)


def _set(row: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ on ``row`` (the audit log gets each, old and new); whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _actor(session: Session) -> str:
    return audit.actor_of(session)


# --- targets: reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredTarget:
    """A target as stored: the register's fields, its current trajectory and that trajectory's revision."""

    target: tg.Target
    trajectory: tg.Trajectory | None
    revision: int
    """0 when it has no trajectory yet."""
    row_id: int

    @property
    def code(self) -> str:
        return self.target.id


def read_targets(session: Session) -> list[StoredTarget]:
    """Every target in the store, in the order they were first loaded."""
    rows = session.scalars(select(orm.Target).order_by(orm.Target.id)).all()
    current = _current_trajectories(session)
    return [_stored(row, current.get(row.id)) for row in rows]


def find_target(session: Session, code: str) -> StoredTarget:
    """The target ``code``; :class:`RegisterError` naming the near ones when there is none."""
    for stored in read_targets(session):
        if stored.code == code:
            return stored
    raise refuse(_unknown("target", code, [stored.code for stored in read_targets(session)]))


def _unknown(kind: str, code: str, codes: Sequence[str]) -> str:
    if not codes:
        return f"no {kind} '{code}': the {kind} register in the store is empty; load one first"
    hint = did_you_mean(code, codes) or f"; expected one of {', '.join(codes)}"
    return f"no {kind} '{code}' in the store{hint}"


def _revision_points(session: Session, target_id: int | None = None) -> dict[int, dict[int, list[Any]]]:
    """Target row id → revision → its points in month order."""
    query = select(orm.TrajectoryPoint).order_by(orm.TrajectoryPoint.month)
    if target_id is not None:
        query = query.where(orm.TrajectoryPoint.target_id == target_id)
    found: dict[int, dict[int, list[Any]]] = {}
    for point in session.scalars(query):
        found.setdefault(point.target_id, {}).setdefault(point.revision, []).append(point)
    return found


def _current_trajectories(session: Session) -> dict[int, tuple[int, tg.Trajectory]]:
    """Target row id → (its latest revision, that trajectory)."""
    current: dict[int, tuple[int, tg.Trajectory]] = {}
    for target_id, revisions in _revision_points(session).items():
        revision = max(revisions)
        points = tuple((Month.parse(point.month), point.value) for point in revisions[revision])
        current[target_id] = (revision, tg.Trajectory("", points))
    return current


def _stored(row: orm.Target, current: tuple[int, tg.Trajectory] | None) -> StoredTarget:
    direction = next(name for name, short in DIRECTIONS.items() if short == row.direction)
    fields = {
        "id": row.code,
        "name": row.name,
        "scope": row.kind,
        "unit": row.unit,
        "direction": direction,
        "baseline": row.baseline,
        "baseline_month": None if row.baseline_date is None else month_of(row.baseline_date).label,
        "target": row.target_value,
        "target_month": _target_month(row, current),
        "owner": row.owner,
        "accountable_board": row.accountable_board,
        "alert": row.alert or {},
        "source": row.source,
        "note": row.note,
    }
    target = tg.Target.model_validate(fields)
    if current is None:
        return StoredTarget(target, None, 0, row.id)
    revision, trajectory = current
    return StoredTarget(target, tg.Trajectory(row.code, trajectory.points), revision, row.id)


def _target_month(row: orm.Target, current: tuple[int, tg.Trajectory] | None) -> str:
    if row.target_date is not None:
        return month_of(row.target_date).label
    return current[1].end.label if current is not None else ""


def read_target_actuals(session: Session) -> dict[str, dict[Month, float]]:
    """Target id → month → actual."""
    query = select(orm.Target.code, orm.TargetActual.month, orm.TargetActual.value).join(
        orm.Target, orm.Target.id == orm.TargetActual.target_id
    )
    actuals: dict[str, dict[Month, float]] = {}
    for code, month, value in session.execute(query):
        actuals.setdefault(code, {})[Month.parse(month)] = value
    return actuals


# --- targets: loading ------------------------------------------------------------------------------------


def save_targets(session: Session, register: tg.TargetRegister, file: str) -> LoadOutcome:
    """Add the register's new targets and change what changed in the others (every change audited).

    A trajectory is written as revision 1 when the target has none; a file whose trajectory differs from
    the one stored is refused (only an approved re-set changes it).
    """
    rows = {row.code: row for row in session.scalars(select(orm.Target))}
    points = _revision_points(session)
    problems = [
        problem
        for index, target in enumerate(register.targets)
        if target.id in rows
        for problem in _trajectory_problems(target, index, points.get(rows[target.id].id, {}).get(1, []))
    ]
    if problems:
        raise RegisterError(problems)
    outcome = LoadOutcome()
    for target in register.targets:
        _save_target(session, target, rows.get(target.id), points, outcome)
    outcome.kept = sorted(set(rows) - {target.id for target in register.targets})
    if outcome.added or outcome.changed:
        detail = f"{len(outcome.added)} added, {len(outcome.changed)} changed"
        entry = audit.entry(_actor(session), "load", "targets", file, detail=detail)
        audit.record(session.connection(), [entry])
    return outcome


def _save_target(
    session: Session,
    target: tg.Target,
    row: orm.Target | None,
    points: dict[int, dict[int, list[Any]]],
    outcome: LoadOutcome,
) -> None:
    values = _target_columns(target)
    if row is None:
        row = orm.Target(code=target.id, **values)
        session.add(row)
        session.flush()
        changed, added = True, True
    else:
        changed, added = _set(row, values), False
    trajectory = tg.trajectory_for(target)
    if trajectory is not None and not points.get(row.id):
        session.add_all(
            orm.TrajectoryPoint(target_id=row.id, revision=1, month=month.label, value=value)
            for month, value in trajectory.points
        )
        changed = True
    bucket = outcome.added if added else outcome.changed if changed else outcome.unchanged
    bucket.append(target.id)


def _target_columns(target: tg.Target) -> dict[str, Any]:
    baseline = None if target.baseline_month is None else first_day(Month.parse(target.baseline_month))
    return {
        "name": target.name,
        "kind": target.scope,
        "unit": target.unit,
        "direction": DIRECTIONS[target.direction],
        "baseline": target.baseline,
        "baseline_date": baseline,
        "target_value": target.target,
        "target_date": first_day(Month.parse(target.target_month)),
        "owner": target.owner,
        "accountable_board": target.accountable_board,
        "alert": target.alert.model_dump(),
        "source": target.source,
        "note": target.note,
    }


def _trajectory_problems(target: tg.Target, index: int, stored: Sequence[Any]) -> list[Problem]:
    """The file's trajectory of a target already stored must be the one first stored (revision 1)."""
    if not stored:
        return []
    trajectory = tg.trajectory_for(target)
    new = {month.label: value for month, value in trajectory.points} if trajectory else {}
    old = {point.month: point.value for point in stored}
    differing = sorted(
        month
        for month in set(old) | set(new)
        if month not in old or month not in new or not math.isclose(old[month], new[month], abs_tol=1e-9)
    )
    if not differing:
        return []
    first = differing[0]
    message = (
        f"the trajectory of '{target.id}' differs from the one stored (first in {first}: "
        f"{_shown(old.get(first))} stored, {_shown(new.get(first))} in the file); a trajectory can only be "
        f"re-set with the approval of its accountable board: carebridge targets reset {target.id} …"
    )
    return [Problem(("targets", index), message)]


def _shown(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


# --- targets: actuals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    inserted: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)


def save_target_actuals(session: Session, rows: Sequence[ActualRow], file: str, sha256: str) -> ImportOutcome:
    """Insert new actuals, replace changed ones (old and new in the audit log), leave equal ones alone; one
    entry for the file when anything changed."""
    ids = {row.code: row.id for row in session.scalars(select(orm.Target))}
    missing = sorted({row.target for row in rows} - set(ids))
    if missing:
        raise refuse(_unknown("target", missing[0], sorted(ids)))
    existing = {(a.target_id, a.month): a for a in session.scalars(select(orm.TargetActual))}
    inserted = updated = 0
    for row in rows:
        found = existing.get((ids[row.target], row.month.label))
        if found is None:
            session.add(orm.TargetActual(target_id=ids[row.target], month=row.month.label, value=row.value))
            inserted += 1
        elif _set(found, {"value": row.value}):
            updated += 1
    outcome = ImportOutcome(inserted, updated, len(rows) - inserted - updated)
    if outcome.changed:
        detail = f"sha256 {sha256}; {inserted} new, {updated} replaced, {outcome.unchanged} unchanged"
        audit.record(
            session.connection(),
            [audit.entry(_actor(session), "import", "target_actuals", file, detail=detail)],
        )
    return outcome


# --- targets: escalations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationOutcome:
    record: EscalationRecord
    created: bool


def escalate_target(
    session: Session, code: str, month: Month, *, raised_by: str, root_cause: str, actions: Sequence[str]
) -> EscalationOutcome:
    """Record an escalation of ``code``, off trajectory in ``month``, to its accountable board (the same
    escalation again changes nothing)."""
    stored = find_target(session, code)
    alert = _off_trajectory(stored, read_target_actuals(session).get(code, {}), month)
    escalation = tg.escalate(
        stored.target,
        alert,
        raised_by=raised_by,
        raised_on=dt.date.today(),
        root_cause=root_cause,
        actions=actions,
    )
    action = "\n".join(actions)
    for record in read_escalations(session, code):
        if (
            record.month == month.label
            and record.reason == escalation.reason
            and (record.root_cause or "") == root_cause
            and "\n".join(record.actions) == action
        ):
            return EscalationOutcome(record, created=False)
    row = orm.Escalation(
        target_id=stored.row_id,
        month=month.label,
        board=escalation.escalated_to,
        reason=escalation.reason,
        root_cause=root_cause or None,
        action=action,
        raised_by=raised_by,
    )
    session.add(row)
    session.flush()
    return EscalationOutcome(_escalation(row, code), created=True)


def _off_trajectory(stored: StoredTarget, actuals: dict[Month, float], month: Month) -> tg.TrajectoryAlert:
    """The month's alert, or an alert-like record when the month is off trajectory without an alert;
    :class:`RegisterError` when there is nothing to escalate."""
    code, trajectory = stored.code, stored.trajectory
    if trajectory is None:
        raise refuse(f"'{code}' has no trajectory yet; nothing to escalate", ("--month",))
    if month not in actuals:
        message = f"'{code}' has no actual for {month}; import it first: carebridge targets actuals FILE.csv"
        raise refuse(message, ("--month",))
    status = next((s for s in tg.assess(stored.target, trajectory, actuals) if s.month == month), None)
    if status is None:
        raise refuse(
            f"{month} is before the trajectory of '{code}' starts ({trajectory.start})", ("--month",)
        )
    if not status.off_trajectory:
        message = (
            f"'{code}' is on trajectory in {month} (planned {status.planned:.4g}, "
            f"actual {status.actual:.4g}, tolerance {stored.target.alert.tolerance:g}); nothing to escalate"
        )
        raise refuse(message, ("--month",))
    alerts = tg.alerts(stored.target, trajectory, {m: v for m, v in actuals.items() if m <= month})
    found = next((alert for alert in alerts if alert.month == month), None)
    if found is not None:
        return found
    reason = f"{abs(status.shortfall):.3g} {stored.target.unit} worse than the trajectory"
    return tg.TrajectoryAlert(
        code, month, status.planned, status.actual, status.shortfall, status.months_off, reason
    )


def read_escalations(session: Session, code: str | None = None) -> list[EscalationRecord]:
    """Every escalation (of one target when ``code`` is given), oldest first."""
    query = (
        select(orm.Escalation, orm.Target.code)
        .join(orm.Target, orm.Target.id == orm.Escalation.target_id)
        .order_by(orm.Escalation.id)
    )
    if code is not None:
        query = query.where(orm.Target.code == code)
    return [_escalation(row, target) for row, target in session.execute(query).all()]


def _escalation(row: orm.Escalation, code: str) -> EscalationRecord:
    return EscalationRecord(
        row.id,
        code,
        row.month,
        row.board,
        row.reason,
        row.root_cause or None,
        tuple(row.action.split("\n")) if row.action else (),
        row.status,
        row.raised_at,
        row.raised_by,
    )


# --- targets: re-setting a trajectory --------------------------------------------------------------------


@dataclass(frozen=True)
class ResetOutcome:
    """A re-set: the rule's result, the revisions, the ``trajectory_resets`` row (``None``: nothing
    changed, nothing written)."""

    reset: tg.TrajectoryReset
    from_revision: int
    to_revision: int
    reset_id: int | None


def reset_target(
    session: Session,
    code: str,
    *,
    effective_from: Month,
    new_target: float,
    new_target_month: Month | None,
    reason: str,
    approval: tg.Approval | None,
    requested_by: str,
) -> ResetOutcome:
    """Re-set ``code``'s trajectory from ``effective_from`` to ``new_target`` in ``new_target_month``
    (default: the target's month). Refused without an approval by the target's accountable board."""
    stored = find_target(session, code)
    if stored.trajectory is None:
        raise refuse(f"'{code}' has no trajectory to re-set; give it a baseline or points in the register")
    if approval is None:
        message = (
            f"re-setting the trajectory of '{code}' needs the approval of its accountable board, "
            f"'{stored.target.accountable_board}'"
        )
        raise refuse(message, ("approval",))
    try:
        result = tg.reset_trajectory(
            stored.target,
            stored.trajectory,
            effective_from=effective_from,
            new_target=new_target,
            new_target_month=new_target_month or Month.parse(stored.target.target_month),
            reason=reason,
            approval=approval,
        )
    except ScenarioError as error:
        raise RegisterError(error.problems) from None
    if not result.changes:
        return ResetOutcome(result, stored.revision, stored.revision, None)
    return _write_reset(session, stored, result, requested_by)


def _write_reset(
    session: Session, stored: StoredTarget, result: tg.TrajectoryReset, requested_by: str
) -> ResetOutcome:
    revision = stored.revision + 1
    session.add_all(
        orm.TrajectoryPoint(target_id=stored.row_id, revision=revision, month=month.label, value=value)
        for month, value in result.new.points
    )
    row = orm.TrajectoryReset(
        target_id=stored.row_id,
        from_revision=stored.revision,
        to_revision=revision,
        reason=result.reason,
        status="approved",
        requested_by=requested_by,
        decided_at=utcnow(),
        decided_by=result.approval.board[:100],
    )
    session.add(row)
    session.flush()
    audit.record(session.connection(), _reset_entries(session, stored, result, row.id, revision))
    return ResetOutcome(result, stored.revision, revision, row.id)


def _reset_entries(
    session: Session, stored: StoredTarget, result: tg.TrajectoryReset, reset_id: int, revision: int
) -> list[dict[str, Any]]:
    approval = result.approval
    actor = _actor(session)
    approved = {
        "target": stored.code,
        "board": approval.board,
        "minute": approval.minute,
        "approved_by": approval.approved_by,
        "decided_on": approval.decided_on,
        "effective_from": result.effective_from.label,
        "new_target": result.new.points[-1][1],
        "new_target_month": result.new.end.label,
        "reason": result.reason,
        "revisions": [stored.revision, revision],
    }
    where = f"approved by {approval.board} (minute {approval.minute or 'none'})"
    entries = [
        audit.entry(actor, "approve", "trajectory_resets", reset_id, "approval", new=approved, detail=where)
    ]
    detail = f"re-set of {stored.code}, revision {stored.revision} → {revision}, {where}"
    entries += [
        audit.entry(
            actor,
            "reset",
            "target_trajectory",
            [stored.code, change.month.label],
            "value",
            change.old,
            change.new,
            detail,
        )
        for change in result.changes
    ]
    return entries


# --- risks -----------------------------------------------------------------------------------------------


def _risk_query(plan_id: int | None) -> Any:
    owner = orm.Risk.plan_id.is_(None) if plan_id is None else orm.Risk.plan_id == plan_id
    return select(orm.Risk).where(owner).order_by(orm.Risk.id)


def _reviewed(session: Session) -> set[str]:
    """Keys (risk row ids as the audit log writes them) of the risks ever reviewed."""
    query = select(orm.AuditEntry.entity_key).where(
        orm.AuditEntry.entity == "risks", orm.AuditEntry.action == "review"
    )
    return set(session.scalars(query))


def save_risks(session: Session, register: rk.RiskRegister, plan_id: int | None, file: str) -> LoadOutcome:
    """Add the register's new risks (of the plan, or of no plan) and change what changed in the others;
    the scores of a risk reviewed since are kept (said in the outcome's notes)."""
    rows = {row.code: row for row in session.scalars(_risk_query(plan_id))}
    reviewed = _reviewed(session)
    outcome = LoadOutcome()
    for risk in register.risks:
        _save_risk(session, risk, rows.get(risk.id), plan_id, reviewed, outcome)
    outcome.kept = sorted(set(rows) - {risk.id for risk in register.risks})
    if list(register.bands) != list(rk.DEFAULT_BANDS):
        outcome.notes.append("the register's own bands are not stored; the store uses the NHS 5 × 5 bands")
    if outcome.added or outcome.changed:
        detail = f"{len(outcome.added)} added, {len(outcome.changed)} changed"
        audit.record(
            session.connection(), [audit.entry(_actor(session), "load", "risks", file, detail=detail)]
        )
    return outcome


def _save_risk(
    session: Session,
    risk: rk.Risk,
    row: orm.Risk | None,
    plan_id: int | None,
    reviewed: set[str],
    outcome: LoadOutcome,
) -> None:
    values = _risk_columns(risk)
    if row is None:
        row = orm.Risk(plan_id=plan_id, code=risk.id, **values)
        session.add(row)
        session.flush()
        _save_schemes(session, row.id, risk.schemes)
        outcome.added.append(risk.id)
        return
    if audit.to_json(row.id) in reviewed:
        _keep_reviewed_scores(row, values, risk.id, outcome)
    changed = _set(row, values)
    changed |= _save_schemes(session, row.id, risk.schemes)
    (outcome.changed if changed else outcome.unchanged).append(risk.id)


def _keep_reviewed_scores(row: orm.Risk, values: dict[str, Any], code: str, outcome: LoadOutcome) -> None:
    differing = [name for name in REVIEWED_COLUMNS if getattr(row, name) != values[name]]
    for name in REVIEWED_COLUMNS:
        del values[name]
    if differing:
        outcome.notes.append(
            f"{code}: kept the scores and review date set by review ({_scores(row)}, next review "
            f"{row.review_date or 'none'}); the file's differ — change them with carebridge risks review"
        )


def _scores(row: orm.Risk) -> str:
    after = _score(row, "after")
    shown = "none" if after is None else f"{after.likelihood}×{after.impact}"
    return f"{row.likelihood_before}×{row.impact_before} before, {shown} after"


def _risk_columns(risk: rk.Risk) -> dict[str, Any]:
    after = risk.after
    return {
        "title": risk.title,
        "description": risk.description,
        "owner": risk.owner,
        "likelihood_before": risk.before.likelihood,
        "impact_before": risk.before.impact,
        "likelihood_after": None if after is None else after.likelihood,
        "impact_after": None if after is None else after.impact,
        "mitigations": "\n".join(risk.mitigations),
        "review_date": risk.review_date,
        **_pound_columns(risk.financial),
    }


def _pound_columns(financial: rk.FinancialImpact | None) -> dict[str, Any]:
    """A risk's pounds as the five ``financial_*`` columns (all ``None`` for a risk without pounds)."""
    if financial is None:
        return {f"financial_{name}": None for name in ("org", "years", "best", "likely", "worst")}
    return {
        "financial_org": financial.org,
        "financial_years": list(financial.years),
        "financial_best": financial.best,
        "financial_likely": financial.likely,
        "financial_worst": financial.worst,
    }


def _pounds(row: orm.Risk) -> rk.FinancialImpact | None:
    if row.financial_org is None:
        return None
    cases = (row.financial_best, row.financial_likely, row.financial_worst)
    best, likely, worst = (0.0 if value is None else float(value) for value in cases)
    years = [str(year) for year in row.financial_years or []]
    return rk.FinancialImpact(org=row.financial_org, years=years, best=best, likely=likely, worst=worst)


def _save_schemes(session: Session, risk_id: int, schemes: Iterable[str]) -> bool:
    wanted = set(schemes)
    existing = {
        link.scheme: link
        for link in session.scalars(select(orm.RiskScheme).where(orm.RiskScheme.risk_id == risk_id))
    }
    for scheme in set(existing) - wanted:
        session.delete(existing[scheme])
    session.add_all(
        orm.RiskScheme(risk_id=risk_id, scheme=scheme) for scheme in sorted(wanted - set(existing))
    )
    return wanted != set(existing)


@dataclass(frozen=True)
class StoredRisk:
    """A risk as stored: the register's fields, the plan it belongs to (``None``: of no plan), its status.

    The properties give its scores as the delivery pack's risk table reads them (``None`` after mitigation
    when no score after is given)."""

    risk: rk.Risk
    plan_id: int | None
    status: str

    @property
    def code(self) -> str:
        return self.risk.id

    @property
    def title(self) -> str:
        return self.risk.title

    @property
    def owner(self) -> str:
        return self.risk.owner

    @property
    def schemes(self) -> tuple[str, ...]:
        return tuple(self.risk.schemes)

    @property
    def review_date(self) -> dt.date | None:
        return self.risk.review_date

    @property
    def likelihood_before(self) -> int:
        return self.risk.before.likelihood

    @property
    def impact_before(self) -> int:
        return self.risk.before.impact

    @property
    def rating_before(self) -> int:
        return self.risk.before.rating

    @property
    def likelihood_after(self) -> int | None:
        return None if self.risk.after is None else self.risk.after.likelihood

    @property
    def impact_after(self) -> int | None:
        return None if self.risk.after is None else self.risk.after.impact

    @property
    def rating_after(self) -> int | None:
        return None if self.risk.after is None else self.risk.after.rating

    @property
    def rating(self) -> int:
        """The rating after mitigation, or before when no score after is given."""
        return self.rating_before if self.rating_after is None else self.rating_after


def read_register_risks(
    session: Session, plan_id: int | None = None, every: bool = False
) -> list[StoredRisk]:
    """The risks of no plan and, with ``plan_id``, of that plan too; ``every``: all of them."""
    query = select(orm.Risk).order_by(orm.Risk.id)
    if not every:
        linked = orm.Risk.plan_id.is_(None)
        query = query.where(linked if plan_id is None else linked | (orm.Risk.plan_id == plan_id))
    rows = session.scalars(query).all()
    links: dict[int, list[str]] = {}
    for link in session.scalars(select(orm.RiskScheme).order_by(orm.RiskScheme.scheme)):
        links.setdefault(link.risk_id, []).append(link.scheme)
    return [StoredRisk(_risk(row, links.get(row.id, [])), row.plan_id, row.status) for row in rows]


def ranked(risks: Iterable[StoredRisk]) -> list[StoredRisk]:
    """``risks`` highest rating first (after mitigation, or before when there is no score after), then
    by id: the order of the delivery pack's risk table."""
    return sorted(risks, key=lambda stored: (-stored.rating, stored.code))


def _risk(row: orm.Risk, schemes: list[str]) -> rk.Risk:
    return rk.Risk(
        id=row.code,
        title=row.title,
        description=row.description,
        owner=row.owner,
        schemes=schemes,
        before=rk.RiskScore(likelihood=row.likelihood_before, impact=row.impact_before),
        after=_score(row, "after"),
        mitigations=row.mitigations.split("\n") if row.mitigations else [],
        review_date=row.review_date,
        financial=_pounds(row),
    )


@dataclass(frozen=True)
class ReviewOutcome:
    code: str
    stage: rk.Stage
    old: rk.RiskScore | None
    """``None`` when the risk had no score after mitigation."""
    new: rk.RiskScore
    review_date: dt.date | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


def review_risk(
    session: Session,
    code: str,
    stage: rk.Stage,
    score: rk.RiskScore,
    *,
    plan_id: int | None = None,
    next_review: dt.date | None = None,
) -> ReviewOutcome:
    """Re-score ``code`` before or after mitigation (field changes and the review itself are audited)."""
    row = _find_risk(session, code, plan_id)
    old = _score(row, stage)
    other = _score(row, "after" if stage == "before" else "before")
    before, after = (score, other) if stage == "before" else (other, score)
    if before is not None and after is not None and after.rating > before.rating:
        message = (
            f"the rating after mitigation ({after.rating}) would be above the rating before "
            f"({before.rating}); mitigation should not raise a risk"
        )
        raise refuse(message, ("--likelihood",))
    _set(row, {f"likelihood_{stage}": score.likelihood, f"impact_{stage}": score.impact})
    if next_review is not None:
        _set(row, {"review_date": next_review})
    entry = audit.entry(
        _actor(session),
        "review",
        "risks",
        row.id,
        stage,
        _score_json(old),
        _score_json(score),
        f"{code} reviewed ({stage} mitigation)",
    )
    audit.record(session.connection(), [entry])
    return ReviewOutcome(code, stage, old, score, row.review_date)


def _score(row: orm.Risk, stage: rk.Stage) -> rk.RiskScore | None:
    likelihood, impact = getattr(row, f"likelihood_{stage}"), getattr(row, f"impact_{stage}")
    if likelihood is None or impact is None:
        return None
    return rk.RiskScore(likelihood=likelihood, impact=impact)


def _score_json(score: rk.RiskScore | None) -> dict[str, int] | None:
    if score is None:
        return None
    return {"likelihood": score.likelihood, "impact": score.impact, "rating": score.rating}


def _find_risk(session: Session, code: str, plan_id: int | None) -> orm.Risk:
    query = select(orm.Risk).where(orm.Risk.code == code)
    if plan_id is not None:
        query = query.where(orm.Risk.plan_id == plan_id)
    rows = session.scalars(query).all()
    if len(rows) > 1:
        raise refuse(f"several risks are called '{code}' (of different plans); choose one with --plan")
    if not rows:
        codes = sorted(set(session.scalars(select(orm.Risk.code))))
        raise refuse(_unknown("risk", code, codes))
    return rows[0]


# --- the delivery pack -----------------------------------------------------------------------------------


def register_view(session: Session, plan_id: int | None, month: Month) -> RegisterView:
    """The registers as the pack shows them in ``month``: every target's status, the escalations, the risks
    of the plan and of no plan."""
    actuals = read_target_actuals(session)
    statuses = [
        target_status(stored.target, stored.trajectory, actuals.get(stored.code, {}), month)
        for stored in read_targets(session)
    ]
    risks = [stored.risk for stored in read_register_risks(session, plan_id)]
    return RegisterView(month, statuses, read_escalations(session), risks)
