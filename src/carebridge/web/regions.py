"""What the region pages show: the stored regions a user sees, and a region's consolidated bridge (the region
report's own chart and tables), its places — those the user's organisations serve — with their positions and
a link to each place's dashboard, the payments between places eliminated and the reconciliation.

A region is run in this process, serially (:mod:`carebridge.usecases.regions_store`), each place from the
app's run cache; the consolidation is cached by the SHA-256 of the region's text and its places' texts, so a
place edited in the app moves the region, and a region viewed again runs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from carebridge.report.chart import Chart
from carebridge.report.html_table import render_table
from carebridge.report.region import (
    eliminations_table,
    organisations_table,
    reconciliation_table,
    region_bridge_table,
    region_chart,
)
from carebridge.store import Store
from carebridge.usecases.region import RegionRun
from carebridge.usecases.regions_store import (
    RegionOrgs,
    RegionState,
    list_regions,
    region_orgs,
    region_state,
    run_region_state,
)
from carebridge.web.cache import WebCaches
from carebridge.web.region_roles import own_orgs, places_served
from carebridge.web.roles import Principal


@dataclass(frozen=True)
class RegionRow:
    """A region in the list: its id, name, version, who added it and when, and the places the user sees."""

    id: int
    name: str
    number: int
    added_by: str
    added_at: str
    places: tuple[tuple[int, str], ...]
    """(plan id, plan name) of each place the user sees."""
    count: int


def visible_regions(store: Store, user: Principal) -> list[RegionRow]:
    """The regions of which the user's organisations serve a place (an admin: every region)."""
    rows = []
    for region in list_regions(store):
        orgs = region_orgs(store, region)
        served = set(places_served(user, orgs.places, orgs.shared))
        if not served:
            continue
        rows.append(
            RegionRow(
                region.id,
                region.name,
                region.number,
                region.added_by,
                region.added_at.strftime("%Y-%m-%d %H:%M UTC"),
                tuple((p.plan_id, p.plan_name) for p in region.places if p.place in served),
                len(region.places),
            )
        )
    return rows


@dataclass(frozen=True)
class PlaceRow:
    """A place the user sees, in a year: its name, its plan (id and where its scenario comes from), its
    do-nothing gap, its plan and its do-something position (£'000, deficit positive), and the user's
    organisations in it (names)."""

    name: str
    plan_id: int
    plan_name: str
    source: str
    gap: float
    plan: float
    position: float
    yours: tuple[str, ...]


@dataclass(frozen=True)
class RegionView:
    """A region's page for a year, as the user sees it."""

    id: int
    name: str
    description: str
    number: int
    added_by: str
    added_at: str
    year: str
    years: tuple[str, ...]
    chart: Chart
    bridge_table: Markup
    places: tuple[PlaceRow, ...]
    count: int
    tables: tuple[Markup, ...]


class RegionHiddenError(LookupError):
    """The user's organisations serve no place of the region."""


def region_view(
    caches: WebCaches, store: Store, region_id: int, user: Principal, year: str | None
) -> RegionView:
    """The region's page: :class:`~carebridge.store.regions.RegionMissingError` for no such region,
    :class:`RegionHiddenError` when the user sees none of its places, :class:`ValueError` for a year outside
    it, :class:`~carebridge.usecases.regions_store.RegionProblemsError` when it cannot be consolidated now."""
    state = region_state(store, region_id)
    orgs = region_orgs(store, state.region)
    served = places_served(user, orgs.places, orgs.shared)
    if not served:
        raise RegionHiddenError(f"none of your organisations serves a place of region {region_id}")
    run: RegionRun = caches.regions.get(state.key, lambda: run_region_state(state, caches.runs.get))
    consolidation = run.consolidation
    chosen = year or run.region.report.bridge_year or consolidation.years[-1]
    if chosen not in consolidation.years:
        raise ValueError(
            f"year {chosen} is not a year of the region; expected one of {', '.join(consolidation.years)}"
        )

    def build() -> tuple[Chart, Markup, tuple[Markup, ...]]:
        tables = (
            organisations_table(consolidation, chosen),
            eliminations_table(consolidation),
            reconciliation_table(consolidation),
        )
        return (
            region_chart(consolidation, chosen),
            Markup(render_table(region_bridge_table(consolidation))),
            tuple(Markup(render_table(table)) for table in tables),
        )

    chart, bridge_table, tables = caches.regions.get((state.key, chosen), build)
    region = state.region
    return RegionView(
        region.id,
        run.region.name,
        (run.region.description or "").strip(),
        region.number,
        region.added_by,
        region.added_at.strftime("%Y-%m-%d %H:%M UTC"),
        chosen,
        consolidation.years,
        chart,
        bridge_table,
        _places(state, run, orgs, served, user, chosen),
        len(region.places),
        tables,
    )


def _places(
    state: RegionState, run: RegionRun, orgs: RegionOrgs, served: tuple[str, ...], user: Principal, year: str
) -> tuple[PlaceRow, ...]:
    consolidation = run.consolidation
    at = consolidation.years.index(year)
    names = consolidation.org_name_of
    rows = []
    for place, stored in zip(state.region.places, state.places, strict=True):
        if place.place not in served:
            continue
        p = consolidation.places.index(place.place)
        gap = float(consolidation.place_bridges[p, 0, at]) + 0.0
        position = float(consolidation.place_bridges[p, -1, at]) + 0.0
        yours = own_orgs(user, place.place, orgs.places[place.place], orgs.shared)
        rows.append(
            PlaceRow(
                consolidation.place_names[p],
                place.plan_id,
                place.plan_name,
                stored.source,
                gap,
                position - gap,
                position,
                tuple(names.get(org, org) for org in yours),
            )
        )
    return tuple(rows)
