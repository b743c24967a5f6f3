"""Edit the money between the partners in a scenario: add, change or remove a contract between a payer and a
provider, and set or clear the allocation of a system-level plan line (model spec section 13).

As :mod:`carebridge.usecases.edits` does for values by year: the YAML is rewritten with a ruamel round trip
(comments and layout of the rest kept), checked by the same loader and engine as ``carebridge validate``,
and kept as the plan's draft only when it loads and runs; otherwise :class:`DraftRejectedError` carries every
problem, located, and nothing is saved. :func:`field_problems` hands each problem to the form field it is
about.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from carebridge.scenario.errors import Problem
from carebridge.scenario.schema import CONTRACT_RATES, Contract, Scenario, StrandedCompensation
from carebridge.scenario.validate_contracts import contract_name, contract_pods, pod_payer
from carebridge.store import Store
from carebridge.usecases.edits import Checker, DraftRejectedError, _number_or_text, _yaml, keep_draft
from carebridge.usecases.planning import CheckedScenario, check_text
from carebridge.usecases.plans import StoredScenario

CONTRACT_TYPES = ("tariff", "threshold", "block", "aligned")
RATES_OF_TYPE: dict[str, tuple[str, ...]] = {
    "tariff": ("rate",),
    "threshold": ("under", "over", "tolerance", "beyond"),
    "block": (),
    "aligned": ("variable_share",),
}
"""The rate fields a contract of each type takes; a form's other rate fields are not written."""
COMPENSATING = ("none", "stranded", "by_year")
"""How a form gives a compensating payment: none, the provider's stranded cost, or amounts by year."""
ALLOCATION_MODES = ("none", "shares", "basis")
ALLOCATION_BASES = ("do_nothing", "income", "expenditure")


class ContractMissingError(KeyError):
    """No contract (or system-level plan line) of that id in the scenario."""


@dataclass(frozen=True)
class ContractFields:
    """A contract as a form holds it: every value as the text the user typed (blank: left out)."""

    name: str = ""
    payer: str = ""
    provider: str = ""
    pods: tuple[str, ...] = ()
    type: str = "tariff"
    rates: Mapping[str, str] = field(default_factory=dict)
    compensating: str = "none"
    compensating_years: Mapping[str, str] = field(default_factory=dict)
    stranded_years: tuple[str, ...] = ()
    """With ``compensating`` stranded: the years the agreement covers (none ticked: every year)."""
    note: str = ""


@dataclass(frozen=True)
class AllocationFields:
    """A plan line's allocation as a form holds it: none, fixed shares by organisation, or a basis shared by
    some organisations (none ticked: every organisation)."""

    mode: str = "none"
    shares: Mapping[str, str] = field(default_factory=dict)
    basis: str = "do_nothing"
    orgs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContractRow:
    """A contract as the contracts page lists it, in people's words (names, not ids)."""

    id: str
    name: str
    payer: str
    provider: str
    pods: str
    terms: str
    compensating: str
    parties: tuple[str, ...]
    """The organisation ids of its payer(s) and provider: whose editors may change it."""


# ---- reading -----------------------------------------------------------------------------------------------


def contract_parties(scenario: Scenario, contract: Contract) -> tuple[str, ...]:
    """The payer (or the payers of its PODs when it names none) and the provider of ``contract``."""
    if contract.payer is not None:
        payers = [contract.payer]
    else:
        pods = {pod.id: pod for pod in scenario.pods}
        covered = (pods[p] for p in contract_pods(scenario, contract) if p in pods)
        payers = sorted({payer for pod in covered if (payer := pod_payer(scenario, pod)) is not None})
    return (*payers, contract.provider)


def contract_rows(scenario: Scenario) -> list[ContractRow]:
    """Every contract of ``scenario`` with its terms in words."""
    orgs = {o.id: o.name for o in scenario.organisations}
    pods = {p.id: p.name for p in scenario.pods}
    rows = []
    for contract in scenario.contracts:
        parties = contract_parties(scenario, contract)
        payer = ", ".join(orgs.get(p, p) for p in parties[:-1]) or "the PODs' payer"
        covered = ", ".join(pods.get(p, p) for p in contract_pods(scenario, contract))
        rows.append(
            ContractRow(
                contract.id,
                contract_name(scenario, contract),
                payer if contract.payer else f"{payer} (each POD's payer)",
                orgs.get(contract.provider, contract.provider),
                covered or "none",
                terms_text(contract),
                compensating_text(contract.compensating),
                parties,
            )
        )
    return rows


def scheme_contracts(scenario: Scenario, scheme_id: str) -> list[ContractRow]:
    """The contracts that cover a POD a scheme acts on: whose payments its effects move."""
    scheme = next((s for s in scenario.schemes if s.id == scheme_id), None)
    if scheme is None:
        return []
    pods = {effect.pod for effect in scheme.effects}
    covering = {c.id for c in scenario.contracts if pods & set(contract_pods(scenario, c))}
    return [row for row in contract_rows(scenario) if row.id in covering]


def terms_text(contract: Contract) -> str:
    """How payment follows activity, in words: ``threshold: 50% under, 50% over, 100% beyond a 2% band``."""

    def pct(value: float | None, default: float) -> str:
        return f"{(default if value is None else value):.0%}"

    if contract.type == "tariff":
        return f"tariff at {pct(contract.rate, 1.0)} of the change"
    if contract.type == "block":
        return "block: payment does not follow activity"
    if contract.type == "aligned":
        return f"aligned: variable share {pct(contract.variable_share, 0.0)}"
    text = f"threshold: {pct(contract.under, 0.0)} of a fall, {pct(contract.over, 0.0)} of a rise"
    if contract.tolerance is not None:
        text += f", {pct(contract.beyond, 1.0)} beyond a {contract.tolerance:.0%} band"
    return text


def compensating_text(value: object) -> str:
    if value is None:
        return "none"
    if value == "stranded":
        return "the provider's stranded cost"
    if isinstance(value, StrandedCompensation):
        value = {"stranded": True, "years": value.years}
    if isinstance(value, Mapping) and value.get("stranded") is True:
        years = value.get("years")
        return "the provider's stranded cost" + (f" in {', '.join(map(str, years))}" if years else "")
    if isinstance(value, Mapping):
        return ", ".join(f"{year}: {amount:,.0f}" for year, amount in value.items())
    return f"{value:,.0f} a year" if isinstance(value, int | float) else str(value)


def contract_fields(text: str, contract_id: str) -> ContractFields:
    """The contract ``contract_id`` of the scenario ``text`` as a form shows it;
    :class:`ContractMissingError` when there is none."""
    node = _contract_node(_yaml().load(text), contract_id)
    rates = {name: _text(node.get(name)) for name in CONTRACT_RATES if name in node}
    if "tolerance" in node:
        rates["tolerance"] = _text(node.get("tolerance"))
    given = node.get("compensating")
    years: dict[str, str] = {}
    stranded_years: tuple[str, ...] = ()
    if given is None:
        mode = "none"
    elif given == "stranded":
        mode = "stranded"
    elif isinstance(given, Mapping) and given.get("stranded") is True:
        mode, stranded_years = "stranded", tuple(str(year) for year in given.get("years") or ())
    elif isinstance(given, Mapping):
        mode, years = "by_year", {str(key): _text(value) for key, value in given.items()}
    else:
        mode, years = "by_year", {"all": _text(given)}
    return ContractFields(
        name=_text(node.get("name")),
        payer=_text(node.get("payer")),
        provider=_text(node.get("provider")),
        pods=tuple(str(p) for p in node.get("pods") or ()),
        type=_text(node.get("type")) or "tariff",
        rates=rates,
        compensating=mode,
        compensating_years=years,
        stranded_years=stranded_years,
        note=_text(node.get("note")),
    )


def allocation_fields(text: str, line_id: str) -> AllocationFields:
    """The allocation of plan line ``line_id`` as a form shows it."""
    node = _line_node(_yaml().load(text), line_id)
    given = node.get("allocation")
    if not isinstance(given, Mapping):
        return AllocationFields()
    if given.get("shares") is not None:
        shares = given.get("shares")
        return AllocationFields(
            "shares",
            {str(org): _text(value) for org, value in shares.items()} if isinstance(shares, Mapping) else {},
        )
    return AllocationFields(
        "basis",
        basis=_text(given.get("basis")) or "do_nothing",
        orgs=tuple(str(org) for org in given.get("orgs") or ()),
    )


# ---- writing -----------------------------------------------------------------------------------------------


def set_contract(text: str, contract_id: str | None, fields: ContractFields) -> tuple[str, int]:
    """The scenario text with contract ``contract_id`` rewritten from ``fields`` (a new contract, given a
    fresh id, when ``contract_id`` is None), and the contract's index; :class:`ContractMissingError` when
    ``contract_id`` is not there."""
    yaml = _yaml()
    tree = yaml.load(text)
    contracts = tree.get("contracts")
    if contract_id is None:
        if not isinstance(contracts, list):
            contracts = CommentedSeq()
            tree["contracts"] = contracts
        node = CommentedMap()
        node["id"] = _fresh_id(contracts, fields)
        contracts.append(node)
    else:
        node = _contract_node(tree, contract_id)
    _write_contract(node, fields)
    index = next(i for i, item in enumerate(contracts) if item is node)
    return _dump(yaml, tree), index


def remove_contract(text: str, contract_id: str) -> str:
    """The scenario text without contract ``contract_id``."""
    yaml = _yaml()
    tree = yaml.load(text)
    node = _contract_node(tree, contract_id)
    contracts = tree["contracts"]
    del contracts[next(i for i, item in enumerate(contracts) if item is node)]
    if not contracts:
        del tree["contracts"]
    return _dump(yaml, tree)


def set_allocation(text: str, line_id: str, fields: AllocationFields) -> tuple[str, int]:
    """The scenario text with the allocation of plan line ``line_id`` set from ``fields`` (removed for mode
    ``none``), and the line's index among the plan lines."""
    yaml = _yaml()
    tree = yaml.load(text)
    node = _line_node(tree, line_id)
    lines = tree["positions"]["plan_lines"]
    index = next(i for i, item in enumerate(lines) if item is node)
    if fields.mode == "none":
        node.pop("allocation", None)
        return _dump(yaml, tree), index
    allocation = CommentedMap()
    allocation.fa.set_flow_style()
    if fields.mode == "shares":
        shares = CommentedMap()
        for org, value in fields.shares.items():
            if value.strip():
                shares[org] = _number_or_text(value.strip())
        allocation["shares"] = shares
    else:
        allocation["basis"] = fields.basis
        if fields.orgs:
            allocation["orgs"] = list(fields.orgs)
    node["allocation"] = allocation
    return _dump(yaml, tree), index


def save_contract(
    store: Store,
    stored: StoredScenario,
    contract_id: str | None,
    fields: ContractFields,
    check: Checker = check_text,
) -> tuple[CheckedScenario, int]:
    """Add (``contract_id`` None) or change a contract of the plan's current scenario and keep the result as
    its draft; the contract's index. :class:`DraftRejectedError` when it does not load or run."""
    text, index = set_contract(stored.text, contract_id, fields)
    if fields.compensating == "by_year" and not any(v.strip() for v in fields.compensating_years.values()):
        message = "amounts by year were chosen but none is given; expected £'000 in at least one year"
        problem = Problem(("contracts", index, "compensating"), message, file=f"{stored.plan_name} (draft)")
        raise DraftRejectedError([problem], text)
    return keep_draft(store, stored, text, check), index


def delete_contract(
    store: Store, stored: StoredScenario, contract_id: str, check: Checker = check_text
) -> CheckedScenario:
    """Remove a contract from the plan's current scenario and keep the result as its draft."""
    return keep_draft(store, stored, remove_contract(stored.text, contract_id), check)


def save_allocation(
    store: Store, stored: StoredScenario, line_id: str, fields: AllocationFields, check: Checker = check_text
) -> tuple[CheckedScenario, int]:
    """Set or clear a system-level plan line's allocation and keep the result as the plan's draft."""
    text, index = set_allocation(stored.text, line_id, fields)
    return keep_draft(store, stored, text, check), index


def field_problems(problems: Sequence[Problem], prefix: tuple[str | int, ...]) -> dict[str, list[str]]:
    """The problems about the item at ``prefix`` (``("contracts", 2)``), by the form field they are about:
    the first two parts of the path after ``prefix`` (``rate``, ``shares.ccg``, ``compensating.2018/19``,
    ``pods.0``); a problem about the item as a whole under ``""``. Each as the command line prints it
    (file:line, field, message)."""
    found: dict[str, list[str]] = {}
    size = len(prefix)
    for problem in problems:
        path = tuple(problem.path)
        if path[:size] == prefix:
            key = ".".join(str(part) for part in path[size : size + 2])
            found.setdefault(key, []).append(str(problem))
    return found


# ---- helpers -----------------------------------------------------------------------------------------------


def _write_contract(node: Any, fields: ContractFields) -> None:
    """Rewrite ``node`` (a contract's map) from ``fields``: its id and the keys it keeps stay where they are
    (with their comments), a new key goes in the order of the schema."""
    wanted: dict[str, Any] = {}
    if fields.name.strip():
        wanted["name"] = fields.name.strip()
    if fields.payer.strip():
        wanted["payer"] = fields.payer.strip()
    wanted["provider"] = fields.provider.strip()
    if fields.pods:
        pods = CommentedSeq(list(fields.pods))
        pods.fa.set_flow_style()
        wanted["pods"] = pods
    wanted["type"] = fields.type
    for name in RATES_OF_TYPE.get(fields.type, ()):
        value = fields.rates.get(name, "").strip()
        if value:
            wanted[name] = _number_or_text(value)
    if fields.compensating == "stranded" and fields.stranded_years:
        covered = CommentedSeq(list(fields.stranded_years))
        covered.fa.set_flow_style()
        stranded = CommentedMap([("stranded", True), ("years", covered)])
        stranded.fa.set_flow_style()
        wanted["compensating"] = stranded
    elif fields.compensating == "stranded":
        wanted["compensating"] = "stranded"
    elif fields.compensating == "by_year":
        given = {year: value.strip() for year, value in fields.compensating_years.items() if value.strip()}
        if "all" in given:
            wanted["compensating"] = _number_or_text(given["all"])
        elif given:
            years = CommentedMap((year, _number_or_text(value)) for year, value in given.items())
            years.fa.set_flow_style()
            wanted["compensating"] = years
    elif fields.compensating != "none":
        wanted["compensating"] = fields.compensating
    if fields.note.strip():
        wanted["note"] = fields.note.strip()
    for key in [key for key in node if key != "id" and key not in wanted]:
        del node[key]
    order = ["id", *wanted]
    for key, value in wanted.items():
        if key in node:
            node[key] = value  # in place: a comment at the end of its line stays
            continue
        before = [k for k in order[: order.index(key)] if k in node]
        node.insert(list(node).index(before[-1]) + 1 if before else 0, key, value)


def _fresh_id(contracts: Sequence[Any], fields: ContractFields) -> str:
    """An id for a new contract from its payer and provider, unique among ``contracts``."""
    stem = re.sub(r"[^a-z0-9]+", "_", f"{fields.payer or 'payer'} {fields.provider or 'provider'}".lower())
    stem = stem.strip("_") or "contract"
    if not stem[0].isalpha():
        stem = f"contract_{stem}"
    taken = {str(item.get("id")) for item in contracts if isinstance(item, Mapping)}
    chosen, number = stem, 2
    while chosen in taken:
        chosen, number = f"{stem}_{number}", number + 1
    return chosen


def _contract_node(tree: Any, contract_id: str) -> Any:
    for item in tree.get("contracts") or []:
        if isinstance(item, Mapping) and str(item.get("id")) == contract_id:
            return item
    raise ContractMissingError(contract_id)


def _line_node(tree: Any, line_id: str) -> Any:
    for item in (tree.get("positions") or {}).get("plan_lines") or []:
        if isinstance(item, Mapping) and str(item.get("id")) == line_id:
            return item
    raise ContractMissingError(line_id)


def _dump(yaml: Any, tree: Any) -> str:
    stream = io.StringIO()
    yaml.dump(tree, stream)
    return stream.getvalue()


def _text(value: Any) -> str:
    return "" if value is None else f"{value}"
