"""Delivery in the web app: who may import a file of actuals, reading it with the command line's checks,
and one month's early warning status."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from carebridge.delivery.actuals import ActivityActual, MilestoneStatus, SpendActual
from carebridge.delivery.actuals_tables import ActualsFile
from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.monitor import Monitoring, monitor
from carebridge.delivery.months import Month
from carebridge.store import Store
from carebridge.store.actuals_files import read_actuals
from carebridge.store.imports import ImportOutcome, import_actuals
from carebridge.store.monitoring import read_actions, read_settings
from carebridge.store.monitoring import read_actuals as stored_actuals
from carebridge.store.plans import load_baseline
from carebridge.web.cache import Memo, store_generation

OTHER_PROVIDERS = "other"
"""The provider id of activity outside the partnership."""


def orgs_touched(actuals: ActualsFile, baseline: PlanBaseline) -> set[str]:
    """The organisations whose actuals a file changes: the provider of each activity row that names a
    partner organisation, and the owner of each scheme with spend or milestones. Rows of no partner (other
    providers, POD totals, forecasts, profiles) touch none, and any editor may report them."""
    owners = {scheme.id: scheme.owner for scheme in baseline.schemes}
    partners = set(baseline.organisations) - {OTHER_PROVIDERS}
    touched: set[str] = set()
    for records in actuals.tables.values():
        for record in records:
            if isinstance(record, ActivityActual) and record.provider in partners:
                touched.add(record.provider)
            elif isinstance(record, SpendActual | MilestoneStatus):
                owner = owners.get(record.scheme)
                if owner:
                    touched.add(owner)
    return touched


def read_file(store: Store, plan: str, path: Path) -> tuple[PlanBaseline, ActualsFile]:
    """The file checked against the plan's latest version (:class:`ActualsFileError` lists bad rows)."""
    baseline = load_baseline(store, plan)[1]
    return baseline, read_actuals(path, baseline)


def write(store: Store, plan: str, actuals: ActualsFile, editing: Collection[str]) -> ImportOutcome:
    """Import the file as an editor of ``editing`` (:class:`OwnershipError` for rows of another)."""
    return import_actuals(store, plan, actuals, editing=editing)


@dataclass(frozen=True)
class FewsView:
    monitoring: Monitoring | None
    months: tuple[str, ...]
    month: str | None


FEWS_VIEWS: Memo[FewsView] = Memo()


def fews(store: Store, plan: str, month: str | None) -> FewsView:
    """:func:`fews_now`, cached until anything in the store changes."""
    key = (str(store.engine.url), plan, month, store_generation(store))
    return FEWS_VIEWS.get(key, lambda: fews_now(store, plan, month))


def fews_now(store: Store, plan: str, month: str | None) -> FewsView:
    """The FEWS of ``month`` (default: the latest month with activity), or nothing before any actuals."""
    baseline = load_baseline(store, plan)[1]
    actuals = stored_actuals(store, plan)
    months = tuple(str(m) for m in actuals.months())
    if not months:
        return FewsView(None, months, None)
    as_at = Month.parse(month) if month else Month.parse(months[-1])
    if as_at.year not in baseline.years:
        raise ValueError(f"{as_at}: {as_at.year} is not a year of the plan")
    result = monitor(baseline, actuals, as_at, read_settings(store, plan), read_actions(store, plan))
    return FewsView(result, months, str(as_at))
