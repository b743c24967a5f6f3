"""Money between the partners: contracts, flows, positions from the schemes, allocation (model spec §13).

Every flow is one organisation's gain or loss from the plan, in £'000, **deficit positive** (the sign of the
positions): a payer paying less is negative, a provider losing income positive, cost released negative.
The arithmetic is numpy on arrays whose leading axes (a Monte Carlo ``draw``) broadcast, wrapped in labelled
arrays at the end, so one run and ten thousand draws take the same path.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from carebridge.engine.arrays import Coordinate, labelled, labelled_dataset
from carebridge.engine.inputs import DRAW, AllocationInputs, ContractInputs, OwnerInputs
from carebridge.scenario.errors import Problem

if TYPE_CHECKING:
    import xarray as xr

Floats = npt.NDArray[np.float64]

FLOWS = (
    "payment",
    "income",
    "cost",
    "stranded_cost",
    "compensating_payment",
    "direct_saving",
    "investment",
    "funding",
)
"""The kinds of flow; ``stranded_cost`` is a subtotal of a provider's income and cost, never added again."""
POSITION_FLOWS = tuple(flow for flow in FLOWS if flow != "stranded_cost")
SECTORS = ("nhs", "social_care")
SYSTEM = "system"
NONE = ""
"""The counterparty or POD of a flow that has none (a direct saving has no counterparty, investment no
POD)."""

SCHEME_LINES = (
    "schemes.do_nothing",
    "schemes.plan_lines",
    *(f"schemes.{flow}" for flow in POSITION_FLOWS),
    "schemes.position",
    "schemes.not_explained",
    "schemes.do_something",
)
"""The lines of the positions from the schemes, in bridge order: do-nothing gap, typed plan lines (not those
computed from the schemes), each kind of flow, the position from the schemes, the plan lines not explained by
the schemes, and the typed do-something position."""


def payment_change(change: Floats, band: Floats, under: Floats, over: Floats, beyond: Floats) -> Floats:
    """The change in payment for a change in activity at full price ``V`` (£'000, negative for a fall).

    ``ΔPay = m · c + m_beyond · (V − c)`` with ``c = clip(V, −B, B)`` the part inside the tolerance band
    ``B`` (infinite without one) and ``m = m_under`` when ``V < 0``, ``m_over`` otherwise. tariff, block and
    aligned contracts are the case ``m_under = m_over`` and ``B = ∞``.
    """
    inside = np.clip(change, -band, band)
    rate = np.where(inside < 0, under, over)
    paid: Floats = rate * inside + beyond * (change - inside)
    return paid


@dataclass(frozen=True)
class ContractFlows:
    """The flows of every contract term, (…, year, term), £'000, deficit positive."""

    payment: Floats
    income: Floats
    cost: Floats
    stranded_cost: Floats
    compensating: Floats  # (…, year, contract), from payer to provider, ≥ 0 where stranded


def contract_flows(
    contracts: ContractInputs,
    tariff_change: Floats,
    cost_saving: Floats,
    do_nothing: Floats,
    price: Floats,
    split: Floats,
    pod_index: Sequence[int],
    provider_index: Sequence[int],
) -> ContractFlows:
    """Flows of each (payer, provider, POD) term.

    ``tariff_change`` is ``V[t,p,o] = (AS − AD)[t,p] · ps[p,o] · P[t,p] / 1000`` and ``cost_saving`` the
    cost-basis saving ``SC[t,p,o]`` of section 5 (…, year, pod, provider); ``do_nothing`` and ``price`` are
    (…, year, pod). For each term: ``payment = ΔPay`` (:func:`payment_change`, band ``B = τ · AD · ps · P /
    1000``); for an inside provider ``income = −ΔPay``, ``cost = −SC`` and ``stranded_cost = income + cost``.
    The compensating payment of a contract is as given, or ``K = max(Σ_terms stranded_cost, 0)``.
    """
    pods, providers = np.asarray(pod_index, dtype=int), np.asarray(provider_index, dtype=int)
    change = tariff_change[..., pods, providers]
    share = split[pods, providers]
    tolerance = contracts.tolerance[..., None, :]
    finite = np.isfinite(tolerance)
    value = do_nothing[..., pods] * share * price[..., pods] / 1000
    band = np.where(finite, np.where(finite, tolerance, 0.0) * value, np.inf)
    payment = payment_change(
        change,
        band,
        contracts.under[..., None, :],
        contracts.over[..., None, :],
        contracts.beyond[..., None, :],
    )
    income = -payment * contracts.inside
    cost = -cost_saving[..., pods, providers] * contracts.inside
    stranded = income + cost
    on_contract = stranded @ contracts.contract
    given = np.swapaxes(contracts.compensating, -1, -2)
    compensating = contracts.stranded * np.maximum(on_contract, 0.0) + given
    return ContractFlows(payment, income, cost, stranded, compensating)


@dataclass(frozen=True)
class FlowTable:
    """Flows as rows (…, year, entry) with each entry's organisation, counterparty, POD and kind of flow."""

    values: Floats
    org: list[str]
    counterparty: list[str]
    pod: list[str]
    flow: list[str]


def flow_table(
    contracts: ContractInputs,
    owners: OwnerInputs,
    contract: ContractFlows,
    direct_saving: Floats,
    scheme_investment: Floats,
    investment: Floats,
    funding: Floats,
    pod_ids: Sequence[str],
) -> FlowTable:
    """Every flow of the plan as rows.

    Contract terms give ``payment`` (payer), and for an inside provider ``income``, ``cost`` and
    ``stranded_cost``; contracts give ``compensating_payment``: ``+K`` for the payer, ``−K`` for the provider.
    ``direct_saving`` (…, scheme, year, pod), the cost-basis direct saving (positive), falls negative to the
    scheme's owner; investment (…, scheme, year) and (…, line, year) positive to the organisation that spends
    it; funding (…, source, year) negative to the receiver and positive to an inside funder.
    """
    inside = contracts.inside > 0
    parts: list[tuple[Floats, list[tuple[str, str, str, str]]]] = []

    def term_labels(flow: str, mask: npt.NDArray[np.bool_], holder: str) -> list[tuple[str, str, str, str]]:
        rows = []
        for t in np.flatnonzero(mask):
            payer, provider = contracts.payer[t], contracts.provider[t]
            org, other = (payer, provider) if holder == "payer" else (provider, payer)
            rows.append((org, other, contracts.pod[t], flow))
        return rows

    everything = np.ones(len(contracts.payer), dtype=bool)
    parts.append((contract.payment, term_labels("payment", everything, "payer")))
    for flow, values in (
        ("income", contract.income),
        ("cost", contract.cost),
        ("stranded_cost", contract.stranded_cost),
    ):
        parts.append((values[..., inside], term_labels(flow, inside, "provider")))
    paid = np.flatnonzero(contracts.compensated)
    payers = [contracts.contract_payer[c] for c in paid]
    receivers = [contracts.contract_provider[c] for c in paid]
    compensating = contract.compensating[..., paid]
    pairs = list(zip(payers, receivers, strict=True))
    parts.append((compensating, [(p, r, NONE, "compensating_payment") for p, r in pairs]))
    parts.append((-compensating, [(r, p, NONE, "compensating_payment") for p, r in pairs]))
    orgs = owners.orgs
    by_owner = np.einsum("...syp,spo->...yop", direct_saving, owners.direct)
    held, at = np.nonzero(owners.direct.any(axis=0).T)
    parts.append(
        (
            -by_owner[..., held, at],
            [
                (orgs[o], NONE, pod_ids[p], "direct_saving")
                for o, p in zip(held.tolist(), at.tolist(), strict=True)
            ],
        )
    )
    spent = np.einsum("...sy,so->...yo", scheme_investment, owners.scheme_investment) + np.einsum(
        "...ky,ko->...yo", investment, owners.investment
    )
    spenders = np.flatnonzero(owners.scheme_investment.any(axis=0) | owners.investment.any(axis=0))
    parts.append((spent[..., spenders], [(orgs[o], NONE, NONE, "investment") for o in spenders]))
    received = np.einsum("...fy,fo->...yo", funding, owners.funding_receiver)
    given = np.einsum("...fy,fo->...yo", funding, owners.funding_giver)
    takers = np.flatnonzero(owners.funding_receiver.any(axis=0))
    givers = np.flatnonzero(owners.funding_giver.any(axis=0))
    parts.append((-received[..., takers], [(orgs[o], NONE, NONE, "funding") for o in takers]))
    parts.append((given[..., givers], [(orgs[o], NONE, NONE, "funding") for o in givers]))
    return _stack(parts, contract.payment.shape[-2])


def _stack(parts: Sequence[tuple[Floats, list[tuple[str, str, str, str]]]], years: int) -> FlowTable:
    """The parts side by side along their last axis, broadcast along their leading axes."""
    kept = [(np.asarray(values), labels) for values, labels in parts if labels]
    if not kept:
        kept = [(np.zeros((years, 0)), [])]
    lead = np.broadcast_shapes(*(values.shape[:-2] for values, _ in kept))
    arrays = [np.broadcast_to(values, (*lead, years, values.shape[-1])) for values, _ in kept]
    labels = [label for _, rows in kept for label in rows]
    return FlowTable(
        values=np.concatenate(arrays, axis=-1),
        org=[row[0] for row in labels],
        counterparty=[row[1] for row in labels],
        pod=[row[2] for row in labels],
        flow=[row[3] for row in labels],
    )


def allocation_shares(
    allocation: AllocationInputs,
    bases: Mapping[str, Floats],
    orgs: Sequence[str],
    years: Sequence[str],
) -> tuple[Floats, list[Problem]]:
    """Each plan line's share by organisation and year, (…, line, org, year); 0 for a line not allocated.

    Fixed shares as given; a basis ``b[o,t]`` (do-nothing gap, income or expenditure, (…, org, year)) over the
    line's members ``m[l,o]`` gives ``b[o,t]·m[l,o] / Σ_o b[o,t]·m[l,o]``. A basis that adds up to 0 in a year
    is a problem naming the line, the basis and the years.
    """
    lines = len(allocation.basis)
    lead = np.broadcast_shapes(*(np.shape(b)[:-2] for b in bases.values())) if bases else ()
    shares = np.zeros((*lead, lines, len(orgs), len(years)))
    shares += allocation.fixed[..., None]
    problems: list[Problem] = []
    for i, basis in enumerate(allocation.basis):
        if basis is None:
            continue
        weights = bases[basis] * allocation.members[i][:, None]
        total = weights.sum(axis=-2, keepdims=True)
        zero = np.abs(total) < 1e-9
        if zero.any():
            hit = zero.reshape(-1, len(years)).any(axis=0)
            named = [year for year, flag in zip(years, hit, strict=True) if flag]
            problems.append(
                Problem(
                    ("positions", "plan_lines", i, "allocation", "basis"),
                    f"the allocation basis '{basis}' adds up to 0 over the line's organisations in "
                    f"{', '.join(named)}; expected a basis that is not 0 in any year (give the organisations "
                    f"{'finance' if basis != 'do_nothing' else 'a do-nothing gap'}, or fixed shares)",
                )
            )
            continue
        shares[..., i, :, :] = np.broadcast_to(weights / total, (*lead, len(orgs), len(years)))
    return shares, problems


def scheme_positions(
    table: FlowTable,
    positions: Floats,
    lines: Sequence[str],
    typed_lines: Sequence[str],
    orgs: Sequence[str],
    sectors: Sequence[str],
) -> Floats:
    """Positions from the schemes, (…, line, holder, year) over :data:`SCHEME_LINES` and the holders
    ``orgs``, ``nhs``, ``social_care``, ``system``.

    For an organisation: ``position = gap + typed plan lines + Σ flows`` (every flow but the stranded-cost
    subtotal; typed plan lines are those not computed from the schemes, with the organisation's allocated
    share
    of system lines); ``not_explained = do_something − position`` with ``do_something`` the typed position. A
    sector and the system are the sums of their organisations, except the system's typed do-something, which
    also holds the system lines not allocated (so they show as not explained by the schemes).
    ``positions`` is (…, line, org, year) with ``org`` the organisations then ``system`` and ``lines`` its
    line labels.
    """
    count = len(orgs)
    holder = np.zeros((count, count + len(SECTORS) + 1))
    holder[np.arange(count), np.arange(count)] = 1.0
    for o, name in enumerate(sectors):
        holder[o, count + SECTORS.index(name)] = 1.0
    holder[:, -1] = 1.0
    kind_of = np.zeros((len(table.flow), len(POSITION_FLOWS) * count))
    index = {org: o for o, org in enumerate(orgs)}
    for e, (org, flow) in enumerate(zip(table.org, table.flow, strict=True)):
        if flow in POSITION_FLOWS and org in index:
            kind_of[e, POSITION_FLOWS.index(flow) * count + index[org]] = 1.0
    by_kind = (table.values @ kind_of).reshape(*table.values.shape[:-1], len(POSITION_FLOWS), count)
    by_kind = np.moveaxis(by_kind, -3, -1)  # (…, kind, org, year)
    at = {line: i for i, line in enumerate(lines)}
    gap = positions[..., at["do_nothing"], :count, :]
    typed = positions[..., [at[line] for line in typed_lines], :count, :].sum(axis=-3)
    something = positions[..., at["do_something"], :count, :]
    position = gap + typed + by_kind.sum(axis=-3)
    parts = [gap[..., None, :, :], typed[..., None, :, :], by_kind, position[..., None, :, :]]
    shared = np.broadcast_shapes(*(part.shape[:-3] for part in parts))
    per_org = np.concatenate([np.broadcast_to(p, (*shared, *p.shape[-3:])) for p in parts], axis=-3)
    held = np.einsum("...loy,oh->...lhy", per_org, holder)
    typed_something = np.einsum("...oy,oh->...hy", something, holder)
    typed_something[..., -1, :] = positions[..., at["do_something"], count, :]
    lead = np.broadcast_shapes(held.shape[:-3], typed_something.shape[:-2])
    held = np.broadcast_to(held, (*lead, *held.shape[-3:]))
    typed_something = np.broadcast_to(typed_something, (*lead, *typed_something.shape[-2:]))
    not_explained = typed_something - held[..., -1, :, :]
    return np.concatenate([held, not_explained[..., None, :, :], typed_something[..., None, :, :]], axis=-3)


CHECKS = {
    "stranded": "Each provider of the plan: income + cost = stranded cost",
    "eliminate": "Payment + income between organisations of the plan = 0",
    "compensating": "Compensating payments add up to 0",
    "consolidation": "System position from the schemes = sum of the organisations'",
    "typed_consolidation": "System do-something = sum of the organisations' + system lines not allocated",
    "conservation": "System payment + income + cost = cost-basis saving (providers of the plan) + "
    "tariff-basis "
    "saving (other providers)",
}
"""The checks of model spec section 13, each stated as computed = expected, by year."""


def flow_checks(
    contract: ContractFlows,
    inside: Floats,
    table: FlowTable,
    held: Floats,
    positions: Floats,
    lines: Sequence[str],
    unallocated: Sequence[str],
    expected_saving: Floats,
) -> tuple[Floats, Floats]:
    """The computed and expected sides of each of :data:`CHECKS`, (…, check, year).

    ``held`` is :func:`scheme_positions`' result, ``positions`` the typed positions (…, line, org, year) with
    ``system`` last, ``unallocated`` the system lines no organisation holds, and ``expected_saving`` (…, year)
    ``−(Σ SC of inside providers + Σ ST of outside ones)`` computed from the savings table.
    """
    kinds = np.asarray(table.flow)
    mask = inside > 0
    at = {line: i for i, line in enumerate(lines)}
    position = held[..., SCHEME_LINES.index("schemes.position"), :, :]
    orgs = positions.shape[-2] - 1
    typed_system = positions[..., at["do_something"], orgs, :]
    typed_orgs = positions[..., at["do_something"], :orgs, :].sum(axis=-2)
    loose = positions[..., [at[line] for line in unallocated], orgs, :].sum(axis=-2)
    moved = np.isin(kinds, ("payment", "income", "cost"))
    pairs = [
        ((contract.income + contract.cost)[..., mask].sum(-1), contract.stranded_cost[..., mask].sum(-1)),
        (contract.payment[..., mask].sum(-1) + contract.income[..., mask].sum(-1), 0.0),
        (table.values[..., kinds == "compensating_payment"].sum(-1), 0.0),
        (position[..., -1, :], position[..., : position.shape[-2] - len(SECTORS) - 1, :].sum(-2)),
        (typed_system, typed_orgs + loose),
        (table.values[..., moved].sum(-1), expected_saving),
    ]
    sides = [
        np.broadcast_arrays(np.asarray(left, dtype=float), np.asarray(right, dtype=float))
        for left, right in pairs
    ]
    lead = np.broadcast_shapes(*(left.shape for left, _ in sides))
    computed = np.stack([np.broadcast_to(left, lead) for left, _ in sides], axis=-2)
    expected = np.stack([np.broadcast_to(right, lead) for _, right in sides], axis=-2)
    return computed, expected


def checks_dataset(computed: Floats, expected: Floats, years: Sequence[str]) -> xr.Dataset:
    """:func:`flow_checks` as a table (check, year) of computed, expected and difference; across Monte Carlo
    draws, the draw with the largest difference in each cell."""
    difference = computed - expected
    if difference.ndim > 2:
        flat = difference.reshape(-1, *difference.shape[-2:])
        worst = np.abs(flat).argmax(axis=0)[None]
        computed, expected, difference = (
            np.take_along_axis(a.reshape(-1, *a.shape[-2:]), worst, 0)[0]
            for a in (computed, expected, difference)
        )
    coords: dict[Hashable, Coordinate] = {
        "check": list(CHECKS),
        "year": list(years),
        "name": ("check", list(CHECKS.values())),
    }
    dims = ["check", "year"]
    return labelled_dataset(
        {"computed": (dims, computed), "expected": (dims, expected), "difference": (dims, difference)}, coords
    )


def labelled_flows(table: FlowTable, years: Sequence[str]) -> xr.DataArray:
    """The flow rows as a labelled array (…, entry, year) with ``org``, ``counterparty``, ``pod`` and ``flow``
    coordinates on ``entry``."""
    values = np.swapaxes(table.values, -1, -2)
    lead = [DRAW] if values.ndim > 2 else []
    return labelled(
        values,
        [*lead, "entry", "year"],
        {
            "year": list(years),
            "org": ("entry", table.org),
            "counterparty": ("entry", table.counterparty),
            "pod": ("entry", table.pod),
            "flow": ("entry", table.flow),
        },
    )


@dataclass(frozen=True)
class PlanFlows:
    """What :mod:`carebridge.engine.run` computes of section 13, as plain arrays; :class:`Results` labels them
    when they are first read (labelling costs more than the arithmetic)."""

    table: FlowTable
    positions: Floats  # (…, line, holder, year) from :func:`scheme_positions`
    holders: list[str]
    computed: Floats  # (…, check, year) from :func:`flow_checks`
    expected: Floats
    years: list[str]

    def labelled_flows(self) -> xr.DataArray:
        return labelled_flows(self.table, self.years)

    def labelled_positions(self) -> xr.DataArray:
        lead = [DRAW] if self.positions.ndim > 3 else []
        return labelled(
            self.positions,
            [*lead, "line", "holder", "year"],
            {"line": list(SCHEME_LINES), "holder": self.holders, "year": self.years},
        )

    def checks(self) -> xr.Dataset:
        return checks_dataset(self.computed, self.expected, self.years)
