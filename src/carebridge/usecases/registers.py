"""The target and risk registers: load them, import target actuals, each target's status in a month,
escalate, re-set a trajectory, the risks as at a month, review a risk.

Each function opens one session of the store (one transaction); changes are audited under the store's actor.
The register arithmetic is :mod:`carebridge.delivery`'s (targets, risks, register_status).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from carebridge.delivery import risks as rk
from carebridge.delivery import targets as tg
from carebridge.delivery.months import Month
from carebridge.delivery.register_status import EscalationRecord, TargetStatus, last_day, target_status
from carebridge.engine.simulate.risks import RiskImpact
from carebridge.scenario.errors import RiskRegisterError
from carebridge.store import Store
from carebridge.store.actuals_files import read_target_actuals_file
from carebridge.store.plans import load_baseline
from carebridge.store.registers import (
    EscalationOutcome,
    ImportOutcome,
    LoadOutcome,
    ResetOutcome,
    ReviewOutcome,
    StoredRisk,
    StoredTarget,
    escalate_target,
    read_escalations,
    read_register_risks,
    read_target_actuals,
    read_targets,
    reset_target,
    review_risk,
    save_risks,
    save_target_actuals,
    save_targets,
)
from carebridge.usecases.errors import NoTargetsError


@dataclass(frozen=True)
class TargetRow:
    """A target as stored, its actuals by month, its status in the month asked about, its escalations."""

    stored: StoredTarget
    actuals: dict[Month, float]
    status: TargetStatus
    escalations: tuple[EscalationRecord, ...]


@dataclass(frozen=True)
class Targets:
    """Every target against its trajectory as at ``month`` (None: no month asked for and no actual yet, so
    no rows), and the months with target actuals."""

    month: Month | None
    months: tuple[Month, ...]
    rows: tuple[TargetRow, ...]
    count: int
    """The number of targets in the store."""


@dataclass(frozen=True)
class RisksAsAt:
    """The risks of a plan and of no plan as at the end of ``month``: reviews dated before
    ``review_day`` are overdue."""

    month: Month
    review_day: dt.date
    risks: tuple[rk.Risk, ...]
    overdue: tuple[rk.Risk, ...]


def status_of_targets(store: Store, month: str | None = None, default: Month | None = None) -> Targets:
    """Each target against its trajectory as at ``month``, else the latest month with an actual, else
    ``default`` (:class:`MonthError` for a month that is not ``YYYY/YY-Mnn``)."""
    as_at = Month.parse(month) if month is not None else None
    with store.session() as session:
        stored = read_targets(session)
        actuals = read_target_actuals(session)
        escalations = read_escalations(session)
    months = tuple(sorted({m for values in actuals.values() for m in values}))
    if as_at is None:
        as_at = max(months) if months else default
    rows: tuple[TargetRow, ...] = ()
    if as_at is not None:
        rows = tuple(
            TargetRow(
                item,
                actuals.get(item.code, {}),
                target_status(item.target, item.trajectory, actuals.get(item.code, {}), as_at),
                tuple(e for e in escalations if e.target == item.code),
            )
            for item in stored
        )
    return Targets(as_at, months, rows, len(stored))


def load_targets(store: Store, register: tg.TargetRegister, file: str) -> LoadOutcome:
    """Add the register's new targets and change what changed (:class:`RegisterError`, located by the
    register's paths, when a stored trajectory would change without a re-set)."""
    with store.session() as session:
        return save_targets(session, register, file)


def import_target_actuals(store: Store, path: Path) -> ImportOutcome:
    """Import a CSV of target actuals, all or nothing (:class:`TargetActualsError` lists every bad row;
    :class:`NoTargetsError` before any register is loaded)."""
    with store.session() as session:
        known = {stored.code: stored.target for stored in read_targets(session)}
    if not known:
        raise NoTargetsError()
    checked = read_target_actuals_file(path, known)
    with store.session() as session:
        return save_target_actuals(session, checked.rows, checked.name, checked.sha256)


def escalate(
    store: Store, target: str, month: Month, root_cause: str, actions: Sequence[str]
) -> EscalationOutcome:
    """Escalate ``target``, off trajectory in ``month``, to its accountable board (:class:`RegisterError`
    when it is not off trajectory that month, or there is no such target)."""
    with store.session() as session:
        return escalate_target(
            session, target, month, raised_by=store.actor, root_cause=root_cause, actions=actions
        )


def reset_trajectory(
    store: Store,
    target: str,
    *,
    effective_from: Month,
    new_target: float,
    new_target_month: Month | None,
    reason: str,
    approval: tg.Approval | None,
) -> ResetOutcome:
    """Re-set ``target``'s trajectory from a month (:class:`RegisterError` without its board's approval)."""
    with store.session() as session:
        return reset_target(
            session,
            target,
            effective_from=effective_from,
            new_target=new_target,
            new_target_month=new_target_month,
            reason=reason,
            approval=approval,
            requested_by=store.actor,
        )


def check_risk_schemes(store: Store, register: rk.RiskRegister, plan: str) -> None:
    """Refuse (:class:`RiskRegisterError`, each problem with its field path) a risk linked to a scheme that
    plan ``plan`` does not have, or whose pounds name an organisation or a year the plan does not have."""
    from carebridge.engine.simulate.risks import impact_problems
    from carebridge.usecases.uncertainty import risk_impacts

    _, baseline = load_baseline(store, plan)
    problems = rk.scheme_problems(register, plan, baseline.scheme_ids)
    orgs = [org for org in baseline.organisations if org != "other"]
    problems += impact_problems(risk_impacts(register), orgs, baseline.years)
    if problems:
        raise RiskRegisterError(problems)


def load_risks(store: Store, register: rk.RiskRegister, plan_id: int | None, file: str) -> LoadOutcome:
    """Add the register's new risks (of plan ``plan_id``, or of no plan) and change what changed."""
    with store.session() as session:
        return save_risks(session, register, plan_id, file)


def list_risks(store: Store, plan_id: int | None = None, every: bool = False) -> list[StoredRisk]:
    """The risks of no plan and, with ``plan_id``, of that plan too; ``every``: all of them."""
    with store.session() as session:
        return read_register_risks(session, plan_id, every=every)


def risks_as_at(store: Store, plan_id: int | None, month: str | None, today: dt.date) -> RisksAsAt:
    """The risks of the plan and of no plan; reviews dated before the last day of ``month`` (default: the
    month of ``today``) are overdue."""
    from carebridge.delivery.register_status import month_of

    found = tuple(stored.risk for stored in list_risks(store, plan_id))
    as_at = Month.parse(month) if month else month_of(today)
    review_day = last_day(as_at)
    return RisksAsAt(as_at, review_day, found, tuple(rk.overdue_risks(found, review_day)))


def review(
    store: Store,
    risk: str,
    stage: rk.Stage,
    score: rk.RiskScore,
    plan_id: int | None,
    next_review: dt.date | None,
) -> ReviewOutcome:
    """Score ``risk`` again before or after mitigation (:class:`RegisterError` when refused)."""
    with store.session() as session:
        return review_risk(session, risk, stage, score, plan_id=plan_id, next_review=next_review)


# --- the risks' pounds in a Monte Carlo run --------------------------------------------------------------


@dataclass(frozen=True)
class StoredPounds:
    """The risks with pounds that a plan's Monte Carlo run draws: those of the plan and of no plan."""

    plan: str
    impacts: tuple[RiskImpact, ...]
    without_pounds: tuple[str, ...]
    """Codes of the plan's risks that have no pounds (left out of the run)."""

    @property
    def source(self) -> str:
        return f"the store's risk register of plan {self.plan}"


def stored_pounds(store: Store, plan: str) -> StoredPounds:
    """The pounds of the risks of plan ``plan`` and of no plan, each located by its code (``risk R1``) so a
    problem says which stored risk it is (:class:`PlanNotFoundError` for an unknown plan)."""
    from carebridge.store.plans import plan_id

    found = list_risks(store, plan_id(store, plan))
    return StoredPounds(plan, pounds_of(found), tuple(s.code for s in found if s.risk.financial is None))


def pounds_of(stored: Sequence[StoredRisk]) -> tuple[RiskImpact, ...]:
    """The impacts of the stored risks that have pounds, in register order."""
    return tuple(
        RiskImpact(
            item.code,
            item.title,
            item.risk.financial.org,
            tuple(item.risk.financial.years),
            item.risk.financial.best,
            item.risk.financial.likely,
            item.risk.financial.worst,
            (f"risk {item.code}", "financial"),
        )
        for item in stored
        if item.risk.financial is not None
    )
