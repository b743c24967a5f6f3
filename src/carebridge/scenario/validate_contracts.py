"""Who pays whom: each POD's payer, the contracts between payers and providers, allocations of plan lines.

:func:`contract_terms` resolves a scenario's contracts to one term per (payer, provider, POD) — the contract
that governs it, or the default tariff at rate 1 — and is what the engine compiles. :func:`check_contracts`
collects every problem with them (model spec section 13): a payer or provider that is not an organisation,
rates outside [0, 1.5], a tolerance outside [0, 1], two contracts for one payer–provider–POD, a rate that does
not go with the contract's type, and allocations whose shares do not add up to 1.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from carebridge.scenario.errors import Path, Problem, did_you_mean, format_path, format_value
from carebridge.scenario.schema import Contract, Pod, Scenario, StrandedCompensation

RATE_RANGE = (0.0, 1.5)
SHARE_TOLERANCE = 1e-6
OTHER = "other"

_RATES_OF_TYPE: dict[str, tuple[str, ...]] = {
    "tariff": ("rate",),
    "threshold": ("under", "over", "tolerance", "beyond"),
    "block": (),
    "aligned": ("variable_share",),
}
_REQUIRED_OF_TYPE: dict[str, tuple[str, ...]] = {
    "tariff": (),
    "threshold": ("under", "over"),
    "block": (),
    "aligned": ("variable_share",),
}
_TERM_FIELDS = ("rate", "under", "over", "tolerance", "beyond", "variable_share")


@dataclass(frozen=True)
class Term:
    """The contract term for one payer, provider and POD: ``contract`` is the index of the scenario's contract
    that governs it, or None for the default (tariff at rate 1, no compensating payment)."""

    payer: str
    provider: str
    pod: str
    contract: int | None


def commissioner(scenario: Scenario) -> str | None:
    """The scenario's commissioner: its first organisation of kind ``commissioner``, or None."""
    return next((o.id for o in scenario.organisations if o.kind == "commissioner"), None)


def pod_payer(scenario: Scenario, pod: Pod) -> str | None:
    """The organisation that pays for ``pod``: its ``payer``, else the scenario's commissioner."""
    return pod.payer if pod.payer is not None else commissioner(scenario)


def contract_pods(scenario: Scenario, contract: Contract) -> list[str]:
    """The PODs ``contract`` covers: as listed, else every POD with activity and a price that its provider
    provides and whose payer is the contract's payer (any payer when the contract names none)."""
    if contract.pods is not None:
        return list(contract.pods)
    return [
        pod.id
        for pod in scenario.pods
        if pod.activity is not None
        and pod.price is not None
        and pod.providers.get(contract.provider, 0.0) > 0
        and (contract.payer is None or pod_payer(scenario, pod) == contract.payer)
    ]


def contract_terms(scenario: Scenario) -> list[Term]:
    """One term per (payer, provider, POD) with activity, a price, a payer and a provider share above 0,
    in the order of the PODs and then of their providers; each names the contract that governs it."""
    governing: dict[tuple[str, str], int] = {}
    for index, contract in enumerate(scenario.contracts):
        for pod_id in contract_pods(scenario, contract):
            governing.setdefault((contract.provider, pod_id), index)
    terms = []
    for pod in scenario.pods:
        payer = pod_payer(scenario, pod)
        if pod.activity is None or pod.price is None or payer is None:
            continue
        for provider, share in pod.providers.items():
            if share > 0:
                terms.append(Term(payer, provider, pod.id, governing.get((provider, pod.id))))
    return terms


def contract_name(scenario: Scenario, contract: Contract) -> str:
    """The contract's name, else ``payer – provider`` in the organisations' names."""
    if contract.name:
        return contract.name
    names = {o.id: o.name for o in scenario.organisations}
    payers = {
        pod_payer(scenario, pod) for pod in scenario.pods if pod.id in contract_pods(scenario, contract)
    }
    payer = contract.payer or (next(iter(payers)) if len(payers) == 1 else None)
    provider = names.get(contract.provider, contract.provider)
    return f"{names.get(payer, payer)} – {provider}" if payer else provider


# --- checks ----------------------------------------------------------------------------------------------


def check_contracts(scenario: Scenario) -> list[Problem]:
    """Every problem of the payers, contracts and allocations of ``scenario``."""
    return [*_payers(scenario), *_contracts(scenario), *_allocations(scenario)]


def _reference(path: Path, found: str | None, allowed: Sequence[str], noun: str) -> Iterator[Problem]:
    if found is None or found in allowed:
        return
    hint = did_you_mean(found, allowed)
    if not hint:
        shown = ", ".join(f"'{name}'" for name in allowed[:12])
        hint = f"; expected one of {shown}" if allowed else "; none are defined"
    yield Problem(path, f"'{found}' is not {noun}{hint}")


def _payers(scenario: Scenario) -> Iterator[Problem]:
    organisations = [o.id for o in scenario.organisations]
    for position, pod in enumerate(scenario.pods):
        yield from _reference(("pods", position, "payer"), pod.payer, organisations, "an organisation")


def _contracts(scenario: Scenario) -> Iterator[Problem]:
    organisations = [o.id for o in scenario.organisations]
    pods = {pod.id: pod for pod in scenario.pods}
    first: dict[tuple[str, str, str], int] = {}
    for position, contract in enumerate(scenario.contracts):
        path: Path = ("contracts", position)
        yield from _reference((*path, "payer"), contract.payer, organisations, "an organisation")
        if contract.provider == OTHER:
            message = (
                "'other' is not an organisation: a contract is with a provider of the plan (outside "
                "providers are paid at tariff); expected one of the organisations' ids"
            )
            yield Problem((*path, "provider"), message)
        else:
            yield from _reference((*path, "provider"), contract.provider, organisations, "an organisation")
        yield from _rates(path, contract)
        yield from _compensating((*path, "compensating"), contract.compensating)
        if contract.pods is not None:
            for number, pod_id in enumerate(contract.pods):
                yield from _reference((*path, "pods", number), pod_id, list(pods), "a POD")
                pod = pods.get(pod_id)
                if pod is not None:
                    yield from _covered((*path, "pods", number), scenario, contract, pod)
        elif contract.provider in organisations and not contract_pods(scenario, contract):
            whom = f" paid for by '{contract.payer}'" if contract.payer else ""
            message = (
                f"'{contract.provider}' provides no POD with activity and a price{whom}; expected a list of "
                "PODs, or a provider that has a share of a POD"
            )
            yield Problem((*path, "provider"), message)
        for pod_id in contract_pods(scenario, contract):
            pod = pods.get(pod_id)
            payer = contract.payer or (pod_payer(scenario, pod) if pod is not None else None)
            if pod is None or payer is None:
                continue
            signature = (payer, contract.provider, pod_id)
            if signature in first:
                message = (
                    f"a second contract between '{payer}' and '{contract.provider}' for POD '{pod_id}' "
                    f"(first at {format_path(('contracts', first[signature]))}); expected one contract for "
                    "each payer, provider and POD"
                )
                yield Problem(path, message)
            else:
                first[signature] = position


def _covered(path: Path, scenario: Scenario, contract: Contract, pod: Pod) -> Iterator[Problem]:
    """Problems with a POD a contract lists: the provider must provide it, the payer must pay for it."""
    known = {o.id for o in scenario.organisations}
    if contract.provider in known and pod.providers.get(contract.provider, 0.0) <= 0:
        providers = ", ".join(f"'{p}'" for p in pod.providers)
        message = (
            f"'{contract.provider}' does not provide POD '{pod.id}'; expected a POD with "
            f"'{contract.provider}' among its providers (it has {providers})"
        )
        yield Problem(path, message)
    payer = pod_payer(scenario, pod)
    if payer is None and contract.payer is None:
        message = (
            f"POD '{pod.id}' has no payer: the scenario has no commissioner; give the POD a payer "
            "(an organisation id)"
        )
        yield Problem(path, message)
    elif contract.payer in known and payer is not None and contract.payer != payer:
        message = (
            f"POD '{pod.id}' is paid for by '{payer}', not '{contract.payer}'; set the POD's payer, or "
            "leave the contract's payer out"
        )
        yield Problem(path, message)


def _rates(path: Path, contract: Contract) -> Iterator[Problem]:
    allowed = _RATES_OF_TYPE[contract.type]
    for name in _TERM_FIELDS:
        value = getattr(contract, name)
        if value is None:
            continue
        if name not in allowed:
            expected = f"it takes {', '.join(allowed)}" if allowed else "it takes no rate"
            owners = [kind for kind, names in _RATES_OF_TYPE.items() if name in names]
            message = (
                f"'{name}' is for {' and '.join(owners)} contracts; this is a {contract.type} contract "
                f"({expected})"
            )
            yield Problem((*path, name), message)
        elif name == "tolerance":
            if not 0 <= value <= 1:
                message = (
                    "a tolerance must be between 0 and 1 (0.05 is a band of 5% of the contract's do-nothing "
                    f"activity); found {format_value(value)}"
                )
                yield Problem((*path, name), message)
        elif not RATE_RANGE[0] <= value <= RATE_RANGE[1]:
            message = (
                "a rate must be between 0 and 1.5 (0.5 pays half the tariff on the change in activity); "
                f"found {format_value(value)}"
            )
            yield Problem((*path, name), message)
    missing = [name for name in _REQUIRED_OF_TYPE[contract.type] if getattr(contract, name) is None]
    if missing:
        message = f"a {contract.type} contract needs {' and '.join(missing)}; found none"
        if len(missing) < len(_REQUIRED_OF_TYPE[contract.type]):
            message = f"a {contract.type} contract needs {' and '.join(missing)} too"
        yield Problem((*path, missing[0]), message)
    if contract.beyond is not None and contract.tolerance is None and contract.type == "threshold":
        yield Problem((*path, "beyond"), "'beyond' is the rate beyond the tolerance; give a tolerance too")


def _compensating(path: Path, value: object) -> Iterator[Problem]:
    if value is None or value == "stranded":
        return
    if isinstance(value, StrandedCompensation):
        yield from _agreement_years((*path, "years"), value.years)
        return
    numbers = value.items() if isinstance(value, Mapping) else [(None, value)]
    for key, number in numbers:
        if isinstance(number, int | float) and number < 0:
            where = path if key is None else (*path, str(key))
            message = (
                "a compensating payment is written as a positive amount (from payer to provider); "
                f"found {format_value(number)}"
            )
            yield Problem(where, message)


def _agreement_years(path: Path, years: list[str] | None) -> Iterator[Problem]:
    """The years of a stranded-cost compensating payment: at least one, each once (whether each is a
    modelled year is checked with every other year)."""
    if years is None:
        return
    if not years:
        yield Problem(path, "give the years the agreement covers, like [2017/18, 2018/19]; found none")
    seen: set[str] = set()
    for number, year in enumerate(years):
        if year in seen:
            yield Problem((*path, number), f"'{year}' is listed twice; give each year once")
        seen.add(year)


def _allocations(scenario: Scenario) -> Iterator[Problem]:
    organisations = [o.id for o in scenario.organisations]
    for position, line in enumerate(scenario.positions.plan_lines):
        allocation = line.allocation
        if allocation is None:
            continue
        path: Path = ("positions", "plan_lines", position, "allocation")
        if line.org is not None:
            message = (
                f"only a system-level line is allocated; this line belongs to '{line.org}' (leave out org, "
                "or "
                "allocation)"
            )
            yield Problem(path, message)
        given = [name for name in ("shares", "basis") if getattr(allocation, name) is not None]
        if len(given) != 1:
            found = " and ".join(given) if given else "neither"
            yield Problem(path, f"give exactly one of shares and basis; found {found}")
        if allocation.shares is not None:
            for org, share in allocation.shares.items():
                where = (*path, "shares", org)
                yield from _reference(where, org, organisations, "an organisation")
                if not 0 <= share <= 1:
                    yield Problem(where, f"a share must be between 0 and 1; found {format_value(share)}")
            total = sum(allocation.shares.values())
            if abs(total - 1) > SHARE_TOLERANCE:
                message = f"the allocation shares add up to {format_value(round(total, 9))}; expected 1"
                yield Problem((*path, "shares"), message)
            if allocation.orgs is not None:
                yield Problem(
                    (*path, "orgs"), "orgs goes with a basis; shares already name the organisations"
                )
        for number, org in enumerate(allocation.orgs or []):
            yield from _reference((*path, "orgs", number), org, organisations, "an organisation")
