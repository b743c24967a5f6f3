"""Consolidating the places of a region (model spec section 13, "Sectors and places"), as pure functions.

Each place's plan is run on its own; :func:`place_figures` keeps what the region needs of the run: its bridge
from the schemes for the place and for each of its organisations (do-nothing gap, typed plan lines, each kind
of flow, the plan lines not explained by the schemes, the do-something position), and the payments it makes
to providers outside the place. :func:`consolidate` then adds the places up:

- an organisation of the region is one organisation of a place (``<place>.<org>``), or a shared organisation
  (a shared acute trust, a CCG covering two places) whose position is the sum of its parts in the places it
  serves (each place holds the part of the organisation that serves it);
- a **payment between places** is a payment of one place's payer to a provider outside the place
  (``other``) that the region names as a shared organisation of another place (``paid_from``): the place
  counts the fall in payment as its saving (its provider is outside), while in the region the provider loses
  that income. It is **eliminated**: ``region = Σ places − eliminations (+ region lines)``, the provider's
  position bearing ``−payment``;
- region-level lines are added to the region's bridge and to the organisations they are allocated to (or
  held by the region, "not allocated to an organisation");
- a reconciliation shows, every year, the region's position consolidated from its organisations against
  the sum of its places less the eliminations plus the region lines.

Money in £'000, deficit positive (the sign of the positions): a saving or a payer paying less is negative.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from carebridge.engine.finance import SYSTEM
from carebridge.engine.flows import POSITION_FLOWS, SCHEME_LINES
from carebridge.engine.results import SCHEME_LINE_LABELS, Results
from carebridge.scenario.names import sector

Floats = npt.NDArray[np.float64]

PLACE_NOT_ALLOCATED = "place.not_allocated"
PLACE_POSITION = "place.do_something"
FLOW_LINES = tuple(line for line in SCHEME_LINES[2:] if line.removeprefix("schemes.") in POSITION_FLOWS)
BRIDGE_LINES = ("schemes.do_nothing", "schemes.plan_lines", PLACE_NOT_ALLOCATED, *FLOW_LINES, PLACE_POSITION)
"""The lines of a place's bridge from the schemes (model spec section 13): the do-nothing gap, the plan lines
typed (not computed from the schemes), the place's system lines allocated to no organisation, each kind of
flow between the partners (stranded cost, a subtotal, left out), and the do-something position they add up
to."""
STEPS = BRIDGE_LINES[1:-1]
ELIMINATIONS = "region.eliminations"
NOT_ALLOCATED = "region.not_allocated"
ORG_COLUMNS = ("do_nothing", "plan", "eliminations", "region_lines", "do_something")
"""The lines of an organisation's consolidated position: its do-nothing gap summed over its places, its
places' plan (do-something less do-nothing), the income it loses on payments between places, its share of
the region lines, and its do-something position."""
ORG_COLUMN_LABELS = {
    "do_nothing": "Do-nothing gap",
    "plan": "Plan in the places",
    "eliminations": "Income lost on payments between places",
    "region_lines": "Region lines",
    "do_something": "Do-something position",
}
RECONCILIATION = (
    "places",
    "eliminations",
    "region_lines",
    "expected",
    "organisations",
    "bridge",
    "difference",
)
RECONCILIATION_LABELS = {
    "places": "Sum of the places' do-something positions",
    "eliminations": "Less payments between places (eliminated)",
    "region_lines": "Region lines",
    "expected": "Region do-something: places − eliminations + region lines",
    "organisations": "Region do-something consolidated from its organisations",
    "bridge": "Region do-something from its bridge",
    "difference": "Difference (organisations − expected)",
}
LINE_LABELS = {
    **SCHEME_LINE_LABELS,
    PLACE_NOT_ALLOCATED: "Place lines not allocated to an organisation",
    PLACE_POSITION: "Do-something position from the schemes",
    ELIMINATIONS: "Payments between places eliminated",
    NOT_ALLOCATED: "Not allocated to an organisation",
}
"""Printed names of the region's lines (a region line is named by its own name)."""


@dataclass(frozen=True)
class OutsidePayment:
    """A place's payment to a provider outside the place, by year (£'000, negative when it pays less)."""

    payer: str
    provider: str
    pod: str
    pod_name: str
    values: Floats


@dataclass(frozen=True)
class PlaceFigures:
    """What the region needs of one place's run: plain data, small, cheap to send between processes."""

    id: str
    name: str
    years: tuple[str, ...]
    orgs: tuple[str, ...]
    org_names: tuple[str, ...]
    positions: Floats
    """(line, holder, year) over :data:`BRIDGE_LINES` and the holders ``orgs`` then ``system``."""
    outside: tuple[OutsidePayment, ...] = ()
    org_sectors: tuple[str, ...] = ()
    """The sector of each of ``orgs`` (``nhs`` or ``social_care``); none known when empty."""


def place_figures(place: str, name: str, results: Results) -> PlaceFigures:
    """A place's figures from its run: its bridge from the schemes by organisation and for the place
    (:data:`BRIDGE_LINES`), and the payments to its providers outside it."""
    flows = results.plan_flows
    if flows is None:  # pragma: no cover - every run computes the flows
        raise ValueError("the run has no flows between the partners")
    scenario = results.scenario
    orgs = [org.id for org in scenario.organisations]
    at = {holder: i for i, holder in enumerate(flows.holders)}
    held = np.asarray(flows.positions, dtype=float)[:, [at[h] for h in [*orgs, SYSTEM]], :]
    loose = [
        line.id
        for line in scenario.positions.plan_lines
        if line.org is None and line.allocation is None and line.from_schemes is None
    ]
    not_allocated = np.zeros_like(held[0])
    if loose:
        typed = results.positions.sel(org=SYSTEM, line=loose).sum("line").transpose("year")
        not_allocated[-1] = np.asarray(typed.values, dtype=float)
    rows = [held[SCHEME_LINES.index(line)] for line in ("schemes.do_nothing", "schemes.plan_lines")]
    rows.append(not_allocated)
    rows += [held[SCHEME_LINES.index(line)] for line in FLOW_LINES]
    rows.append(np.sum(rows, axis=0))
    table = flows.table
    inside = set(orgs)
    outside = []
    for entry, (payer, provider, pod, flow) in enumerate(
        zip(table.org, table.counterparty, table.pod, table.flow, strict=True)
    ):
        if flow == "payment" and provider not in inside:
            values = np.asarray(table.values[..., entry], dtype=float)
            outside.append(OutsidePayment(payer, provider, pod, results.pod_label(pod), values))
    return PlaceFigures(
        id=place,
        name=name,
        years=tuple(results.years),
        orgs=tuple(orgs),
        org_names=tuple(results.org_label(org) for org in orgs),
        positions=np.stack(rows),
        outside=tuple(outside),
        org_sectors=tuple(sector(org) for org in scenario.organisations),
    )


@dataclass(frozen=True)
class RegionLineValues:
    """A region-level line by year (£'000, deficit positive) and its shares by organisation of the region
    (None: held by the region)."""

    id: str
    name: str
    values: Floats
    shares: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Elimination:
    """A payment between places: the paying place and organisation, the provider (an organisation of the
    region in another place), the POD, and the payment by year (£'000, negative when the payer pays less)."""

    place: str
    payer: str
    provider: str
    pod: str
    pod_name: str
    values: Floats


@dataclass(frozen=True)
class Consolidation:
    """The region's consolidated tables (every array by year last)."""

    years: tuple[str, ...]
    places: tuple[str, ...]
    place_names: tuple[str, ...]
    place_bridges: Floats
    """(place, line, year) over :data:`BRIDGE_LINES`."""
    orgs: tuple[str, ...]
    """The organisations of the region, then :data:`NOT_ALLOCATED`."""
    org_names: tuple[str, ...]
    org_places: tuple[tuple[str, ...], ...]
    """The places each organisation serves (none for :data:`NOT_ALLOCATED`)."""
    org_positions: Floats
    """(org, column, year) over :data:`ORG_COLUMNS`."""
    eliminations: tuple[Elimination, ...]
    bridge_lines: tuple[str, ...]
    bridge_names: tuple[str, ...]
    bridge: Floats
    """(line, year): the region's bridge, do-nothing gap to do-something."""
    reconciliation: Floats
    """(row, year) over :data:`RECONCILIATION`."""
    lines: tuple[RegionLineValues, ...] = field(default=())
    org_sectors: tuple[str, ...] = field(default=())
    """The sector of each of ``orgs`` (``nhs``, ``social_care``; ``""`` for :data:`NOT_ALLOCATED` or when the
    places did not say); empty when no place said."""

    @property
    def org_name_of(self) -> dict[str, str]:
        return dict(zip(self.orgs, self.org_names, strict=True))


def region_org(place: str, org: str, shared: Mapping[str, str]) -> str:
    """The id in the region of organisation ``org`` of ``place``: its own id when shared, else
    ``<place>.<org>``."""
    return org if org in shared else f"{place}.{org}"


def consolidate(
    places: Sequence[PlaceFigures],
    shared: Mapping[str, str],
    lines: Sequence[RegionLineValues] = (),
    paid_from: Mapping[tuple[str, str], str] | None = None,
) -> Consolidation:
    """The region of ``places``: each place's bridge, each organisation's position summed over the places it
    serves, the payments between places eliminated, the region lines added, the region's bridge and the
    reconciliation. ``shared`` maps each shared organisation's id to its name (``""``: its name in the first
    place that lists it); ``paid_from`` maps (place, POD) to the shared organisation that place pays from
    outside for that POD: those payments are the payments between places."""
    outside_to = paid_from or {}
    if not places:
        raise ValueError("a region has at least one place")
    years = places[0].years
    count = len(years)
    place_bridges = np.stack([place.positions[:, -1, :] for place in places])
    orgs: list[str] = []
    names: dict[str, str] = {}
    served: dict[str, list[str]] = {}
    sectors: dict[str, str] = {}
    for place in places:
        for o, (org, org_name) in enumerate(zip(place.orgs, place.org_names, strict=True)):
            key = region_org(place.id, org, shared)
            if key not in served:
                orgs.append(key)
                served[key] = []
                sectors[key] = place.org_sectors[o] if o < len(place.org_sectors) else ""
                names[key] = (shared.get(org) or org_name) if org in shared else f"{org_name} ({place.name})"
            served[key].append(place.id)
    rows = [*orgs, NOT_ALLOCATED]
    index = {org: i for i, org in enumerate(rows)}
    gap_at, something_at = BRIDGE_LINES.index("schemes.do_nothing"), BRIDGE_LINES.index(PLACE_POSITION)
    table = np.zeros((len(rows), len(ORG_COLUMNS), count))
    gap_col, plan_col, lost_col, lines_col, something_col = range(len(ORG_COLUMNS))
    for place in places:
        for o, org in enumerate(place.orgs):
            row = index[region_org(place.id, org, shared)]
            table[row, gap_col] += place.positions[gap_at, o]
            table[row, something_col] += place.positions[something_at, o]
        held = place.positions[:, :-1, :].sum(axis=1)
        table[-1, gap_col] += place.positions[gap_at, -1] - held[gap_at]
        table[-1, something_col] += place.positions[something_at, -1] - held[something_at]
    eliminations = [
        Elimination(
            place.id,
            region_org(place.id, payment.payer, shared),
            outside_to[(place.id, payment.pod)],
            payment.pod,
            payment.pod_name,
            payment.values,
        )
        for place in places
        for payment in place.outside
        if outside_to.get((place.id, payment.pod)) in index
    ]
    for elimination in eliminations:
        table[index[elimination.provider], lost_col] -= elimination.values
    eliminated = sum((e.values for e in eliminations), np.zeros(count))
    line_total = np.zeros(count)
    for line in lines:
        line_total = line_total + line.values
        if line.shares is None:
            table[-1, lines_col] += line.values
            continue
        for org, share in line.shares.items():
            table[index[org], lines_col] += share * line.values
    table[:, plan_col] = table[:, something_col] - table[:, gap_col]
    table[:, something_col] += table[:, lost_col] + table[:, lines_col]
    summed = place_bridges.sum(axis=0)
    bridge_lines = [*BRIDGE_LINES[:-1], ELIMINATIONS, *(f"region.{line.id}" for line in lines)]
    steps = [*summed[:-1], -eliminated, *(line.values for line in lines)]
    bridge = np.vstack([*steps, np.sum(steps, axis=0)])
    bridge_lines.append(BRIDGE_LINES[-1])
    printed = LINE_LABELS | {f"region.{line.id}": line.name for line in lines}
    bridge_names = [printed[line] for line in bridge_lines]
    expected = summed[-1] - eliminated + line_total
    from_orgs = table[:, something_col].sum(axis=0)
    reconciliation = np.vstack(
        [summed[-1], -eliminated, line_total, expected, from_orgs, bridge[-1], from_orgs - expected]
    )
    return Consolidation(
        years=years,
        places=tuple(place.id for place in places),
        place_names=tuple(place.name for place in places),
        place_bridges=place_bridges,
        orgs=tuple(rows),
        org_names=tuple(names.get(org, LINE_LABELS.get(org, org)) for org in rows),
        org_places=tuple(tuple(served.get(org, ())) for org in rows),
        org_positions=table,
        eliminations=tuple(eliminations),
        bridge_lines=tuple(bridge_lines),
        bridge_names=tuple(bridge_names),
        bridge=bridge,
        reconciliation=reconciliation,
        lines=tuple(lines),
        org_sectors=tuple(sectors.get(org, "") for org in rows),
    )
