"""Monitor an approved plan: import actuals, the early warning status of a month (FEWS), its settings and
actions, and what the programme board's pack reads from the store.

Each function takes the store and a plan's name; the arithmetic is :mod:`carebridge.delivery`'s (pure).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from carebridge.delivery.actuals import ActivityActual, Kind, MilestoneStatus, Record, SpendActual
from carebridge.delivery.actuals_tables import ActualsFile, ActualsFileError
from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import Action, FewsSettings
from carebridge.delivery.monitor import Monitoring, monitor
from carebridge.delivery.months import Month
from carebridge.delivery.pack import PackTable
from carebridge.delivery.register_status import RegisterView
from carebridge.delivery.spc import SpcOptions
from carebridge.store import Store
from carebridge.store.actuals_files import read_actuals
from carebridge.store.imports import ImportOutcome
from carebridge.store.imports import import_actuals as store_actuals
from carebridge.store.monitoring import (
    add_action,
    read_actions,
    read_settings,
    read_share_parties,
    save_settings,
    save_share_parties,
)
from carebridge.store.monitoring import read_actuals as stored_actuals
from carebridge.store.plans import load_baseline, plan_id
from carebridge.store.registers import StoredRisk, ranked, read_register_risks, register_view
from carebridge.usecases.errors import MonthOutsidePlanError
from carebridge.usecases.neighbourhoods import (
    add_neighbourhoods,
    stored_neighbourhoods,
    with_stored_neighbourhoods,
)
from carebridge.usecases.outcomes import outcome_pack_tables

OTHER_PROVIDERS = "other"
"""The provider id of activity outside the partnership."""


@dataclass(frozen=True)
class Fews:
    """The early warning status of a plan in a month, and the months with activity actuals to choose from;
    ``monitoring`` is None when no month was asked for and there are no actuals yet."""

    plan: str
    monitoring: Monitoring | None
    months: tuple[str, ...]
    month: str | None


@dataclass(frozen=True)
class DeliveryPack:
    """What the programme board's pack of a month reads: the FEWS, the risks, the share agreement and the
    registers' view."""

    fews: Monitoring
    risks: list[StoredRisk]
    parties: dict[str, tuple[float, float]]
    registers: RegisterView
    outcomes: tuple[PackTable, ...] = ()
    """The outcomes registers' tables (docs/outcomes.md), when the store holds any."""


def baseline(store: Store, plan: str) -> PlanBaseline:
    """The tables of the plan's latest approved version; :class:`PlanNotFoundError` when there is none."""
    return load_baseline(store, plan)[1]


def fews(store: Store, plan: str, month: str | None = None, spc: SpcOptions | None = None) -> Fews:
    """The FEWS of ``month`` (default: the latest month with activity actuals), its SPC charts drawn with
    ``spc``'s screening, rebase months and fixed baseline.

    :class:`MonthError` for a month that is not ``YYYY/YY-Mnn``; :class:`MonthOutsidePlanError` for a month
    of a year outside the plan; :class:`ProfileError` for a monthly profile that cannot be used.
    """
    actuals = stored_actuals(store, plan)
    months = tuple(str(m) for m in actuals.months())
    if month is None and not months:
        return Fews(plan, None, months, None)
    as_at = Month.parse(month) if month is not None else Month.parse(months[-1])
    approved = baseline(store, plan)
    if as_at.year not in approved.years:
        raise MonthOutsidePlanError(
            f"{as_at}: {as_at.year} is not a year of the plan ({approved.years[0]} to {approved.years[-1]})"
        )
    result = monitor(approved, actuals, as_at, read_settings(store, plan), read_actions(store, plan), spc)
    return Fews(plan, add_neighbourhoods(store, result), months, str(as_at))


@dataclass(frozen=True)
class TrendMonth:
    """One month of the FEWS trend: the month, its overall rating, each set's rating (in its status's
    ``sets`` order: :data:`SETS`, then the neighbourhood set when the store holds utilisation), the
    forecast loss (£'000) and whether it breaches the trigger."""

    month: Month
    overall: str
    sets: tuple[str, ...]
    forecast_loss: float
    triggered: bool


def fews_trend(store: Store, plan: str, until: str, spc: SpcOptions | None = None) -> list[TrendMonth]:
    """The FEWS of every month with activity actuals in the financial year of ``until``, up to it: the
    ratings month by month, as :func:`fews` gives each (the store read once)."""
    actuals = stored_actuals(store, plan)
    last = Month.parse(until)
    approved = baseline(store, plan)
    if last.year not in approved.years:
        return []
    settings, actions = read_settings(store, plan), read_actions(store, plan)
    neighbourhoods = stored_neighbourhoods(store)
    trend = []
    for month in actuals.months():
        if month.year != last.year or last < month:
            continue
        status = monitor(approved, actuals, month, settings, actions, spc).fews
        status = with_stored_neighbourhoods(neighbourhoods, status)
        trend.append(
            TrendMonth(
                month,
                status.overall,
                tuple(status.set_status(which) for which in status.sets),
                status.forecast.forecast_loss,
                status.triggered,
            )
        )
    return trend


def delivery_pack(store: Store, plan: str, monitoring: Monitoring) -> DeliveryPack:
    """What the pack of the month of ``monitoring`` (the plan's :func:`fews`) reads from the store."""
    number = plan_id(store, plan)
    with store.session() as session:
        risks = ranked(read_register_risks(session, number))
        registers = register_view(session, number, monitoring.month)
    return DeliveryPack(
        monitoring, risks, read_share_parties(store, plan), registers, outcome_pack_tables(store)
    )


# --- actuals ----------------------------------------------------------------------------------------------


def check_actuals(store: Store, plan: str, paths: Sequence[Path]) -> tuple[PlanBaseline, list[ActualsFile]]:
    """Read and check every file against the plan's latest version; :class:`ActualsFilesError` lists every
    problem of every file when any is bad."""
    approved = baseline(store, plan)
    checked: list[ActualsFile] = []
    errors: list[ActualsFileError] = []
    for path in paths:
        try:
            checked.append(read_actuals(path, approved))
        except ActualsFileError as error:
            errors.append(error)
    if errors:
        raise ActualsFilesError(errors)
    return approved, checked


class ActualsFilesError(ValueError):
    """Files of actuals with bad rows: each file's error, every row located."""

    def __init__(self, errors: Sequence[ActualsFileError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    @property
    def problems(self) -> list[object]:
        return [problem for error in self.errors for problem in error.problems]


def import_checked(
    store: Store, plan: str, files: Sequence[ActualsFile], editing: Collection[str] | None = None
) -> list[ImportOutcome]:
    """Import checked files of actuals, each in one transaction: new rows added, changed rows replaced (the
    audit log keeps the old and the new value). ``editing``: the organisations the importer edits (``None``:
    every one); :class:`~carebridge.store.imports.OwnershipError` when a file would add to or replace rows of
    another organisation, and nothing of that file is written."""
    return [store_actuals(store, plan, actuals, editing=editing) for actuals in files]


def import_actuals(
    store: Store, plan: str, paths: Sequence[Path], editing: Collection[str] | None = None
) -> list[tuple[ActualsFile, ImportOutcome]]:
    """Check every file, then import each in one transaction: all or nothing (:class:`ActualsFilesError`)."""
    _, checked = check_actuals(store, plan, paths)
    return list(zip(checked, import_checked(store, plan, checked, editing), strict=True))


def orgs_touched(actuals: ActualsFile, approved: PlanBaseline) -> set[str]:
    """The organisations whose actuals a file changes: the provider of each activity row that names a
    partner organisation, and the owner of each scheme with spend or milestones. Rows of no partner (other
    providers, POD totals, forecasts, profiles) touch none."""
    owner = _row_owner(approved)
    return {org for records in actuals.tables.values() for record in records if (org := owner(record))}


def _row_owner(approved: PlanBaseline) -> Callable[[object], str | None]:
    """The partner organisation a record belongs to (:func:`orgs_touched`'s rule), else None."""
    owners = {scheme.id: scheme.owner for scheme in approved.schemes}
    partners = set(approved.organisations) - {OTHER_PROVIDERS}

    def owner(record: object) -> str | None:
        if isinstance(record, ActivityActual) and record.provider in partners:
            return record.provider
        if isinstance(record, SpendActual | MilestoneStatus):
            return owners.get(record.scheme) or None
        return None

    return owner


@dataclass(frozen=True)
class OwnRows:
    """A system-wide file split for an importer: ``actuals`` holds the rows of the organisations they edit
    and the rows of no partner (other providers, POD totals, forecasts, profiles); ``others`` the number of
    rows left out, by organisation id."""

    actuals: ActualsFile
    others: dict[str, int]

    @property
    def left_out(self) -> int:
        return sum(self.others.values())


def own_rows(actuals: ActualsFile, approved: PlanBaseline, editing: Collection[str]) -> OwnRows:
    """The rows of ``actuals`` an importer who edits ``editing`` may import, and a count of the others by
    organisation (:func:`orgs_touched`'s rule of whose a row is)."""
    owner = _row_owner(approved)
    kept: dict[Kind, list[Record]] = {}
    others: dict[str, int] = {}
    for kind, records in actuals.tables.items():
        for record in records:
            org = owner(record)
            if org is not None and org not in editing:
                others[org] = others.get(org, 0) + 1
            else:
                kept.setdefault(kind, []).append(record)
    return OwnRows(replace(actuals, tables=kept), dict(sorted(others.items())))


# --- settings, actions, share -----------------------------------------------------------------------------


def fews_settings(store: Store, plan: str) -> FewsSettings:
    return read_settings(store, plan)


def change_fews_settings(store: Store, plan: str, settings: FewsSettings) -> FewsSettings:
    """Keep the plan's FEWS settings (the change in the audit log)."""
    return save_settings(store, plan, settings)


def record_action(store: Store, plan: str, action: Action) -> int:
    """Record a benefits-maximisation action; its number in the plan."""
    return add_action(store, plan, action)


def record_share(store: Store, plan: str, parties: dict[str, tuple[float, float]]) -> None:
    """Record the risk and gain share agreement: each party's share of the gain and of the loss."""
    save_share_parties(store, plan, parties)
