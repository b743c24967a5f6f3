"""Neighbourhood case management in the store (docs/neighbourhoods.md): import a neighbourhoods file with
its monthly utilisation, all or nothing; and the FEWS's fourth indicator set, read from the store, added to
a month's early warning wherever it is shown (``carebridge fews``, the delivery pack, the web app)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from carebridge.delivery.fews import FewsStatus, Indicator
from carebridge.delivery.monitor import Monitoring
from carebridge.delivery.neighbourhoods import (
    monthly_utilisation,
    utilisation_indicators,
    with_neighbourhoods,
)
from carebridge.scenario.errors import Problem
from carebridge.store import Store
from carebridge.store.neighbourhoods import (
    StoredNeighbourhoods,
    UtilisationImport,
    file_sha256,
    read_neighbourhoods,
    save_utilisation,
)
from carebridge.strat.disclosure import DisclosureRule
from carebridge.strat.neighbourhoods import (
    NeighbourhoodsError,
    NeighbourhoodsFile,
    load_neighbourhoods,
    read_utilisation,
)

UTILISATION_MEASURE = "nel"
"""The utilisation file counts emergency admissions: the FEWS compares them with the scheme's deflection of
this measure."""


def planned_deflection(plan: NeighbourhoodsFile) -> float | None:
    """The scheme's deflection of emergency admissions, which utilisation measures; None when it has none."""
    found = [e.deflection for e in plan.scheme.effects if e.measure == UTILISATION_MEASURE]
    return found[0] if found else None


def import_utilisation(store: Store, file: Path, utilisation: Path) -> UtilisationImport:
    """Check the neighbourhoods file and every row of its utilisation, then store both in one transaction;
    :class:`NeighbourhoodsError` with every problem located, and nothing imported, when any is bad."""
    plan, source = load_neighbourhoods(file)
    if planned_deflection(plan) is None:
        raise NeighbourhoodsError(
            source.locate(
                [
                    Problem(
                        ("scheme", "effects"),
                        "no effect on nel (emergency admissions), which utilisation measures; expected one "
                        "with measure: nel",
                    )
                ]
            )
        )
    rows = read_utilisation(utilisation, [n.name for n in plan.neighbourhoods])
    if not rows:
        raise NeighbourhoodsError([Problem((), "has no rows of utilisation", file=str(utilisation))])
    sha256 = file_sha256(utilisation)
    with store.session() as session:
        return save_utilisation(session, plan, str(file), rows, str(utilisation), sha256)


def stored_neighbourhoods(store: Store) -> list[StoredNeighbourhoods]:
    with store.session() as session:
        return read_neighbourhoods(session)


def neighbourhood_indicators(
    stored: list[StoredNeighbourhoods], status: FewsStatus, rule: DisclosureRule | None = None
) -> list[Indicator]:
    """The neighbourhood set of ``status``'s month from every neighbourhoods file in the store, year to
    date, by the month's thresholds; each count controlled by ``rule`` (default: below 10 suppressed, others
    rounded to 5)."""
    indicators: list[Indicator] = []
    for found in stored:
        planned = planned_deflection(found.plan)
        if planned is None:
            continue
        names = [n.name for n in found.plan.neighbourhoods]
        indicators += utilisation_indicators(
            monthly_utilisation(found.rows, names),
            names,
            planned,
            status.month,
            status.settings.thresholds("neighbourhoods"),
            rule or DisclosureRule(),
            prefix=f"{found.plan.name}: " if len(stored) > 1 else "",
        )
    return indicators


def with_stored_neighbourhoods(stored: list[StoredNeighbourhoods], status: FewsStatus) -> FewsStatus:
    """``status`` with the neighbourhood set added when the store holds utilisation; as it is otherwise."""
    if not stored:
        return status
    return with_neighbourhoods(status, neighbourhood_indicators(stored, status))


def add_neighbourhoods(store: Store, monitoring: Monitoring) -> Monitoring:
    """The month's monitoring with the FEWS's neighbourhood set from the store, if it holds any."""
    stored = stored_neighbourhoods(store)
    if not stored:
        return monitoring
    return replace(monitoring, fews=with_stored_neighbourhoods(stored, monitoring.fews))
