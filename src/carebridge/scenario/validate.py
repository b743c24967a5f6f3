"""Semantic checks of a scenario whose shape pydantic has accepted: ids, years, references, shares, signs.

:func:`check` is pure and collects every problem, each with the field path of the offending value, like
``('schemes', 2, 'effects', 0, 'pod')``; the loader adds the file and line. Reductions that would take a
cell's activity below zero depend on the arithmetic and are checked by the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from carebridge.scenario.bounds import magnitude_problems
from carebridge.scenario.errors import (
    Path,
    PathPart,
    Problem,
    did_you_mean,
    format_path,
    format_value,
    id_example,
)
from carebridge.scenario.names import GROUPS
from carebridge.scenario.schema import (
    POSITION_SECTORS,
    Absolute,
    AvoidGrowth,
    Cohort,
    DirectSaving,
    LengthOfStay,
    Parameter,
    Pod,
    PriceUplift,
    Published,
    Reduce,
    Scenario,
    Scheme,
    Shift,
    StrandedCompensation,
    YearValue,
)
from carebridge.scenario.uncertain import check_uncertainty
from carebridge.scenario.validate_contracts import check_contracts
from carebridge.scenario.validate_demand import check_demand
from carebridge.scenario.validate_demand import warnings as warnings
from carebridge.scenario.validate_effects import check_new_effects
from carebridge.scenario.validate_plan import check_plan
from carebridge.scenario.years import YearError, YearRange, parse_year

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
"""Ids are lower-case letters, digits and underscores, starting with a letter."""

SHARE_TOLERANCE = 1e-6
"""How far shares that must sum to 1 may be from it."""

_RESERVED_ORGANISATION_IDS = {
    "system": "it names the whole system",
    "other": "it names providers outside the plan",
    **dict.fromkeys(GROUPS, "it names a group of organisations in formulas"),
}
_RESERVED_COHORT_IDS = {"all": "it names everyone, a scheme's default cohort"}
_DO_NOTHING_METHODS = ("trajectory", "growth", "population_rates", "demographic_rates")
_SELECTORS = ("position", "statement", "savings", "investment", "activity")

Effect = AvoidGrowth | Reduce | Absolute | DirectSaving | Shift | LengthOfStay


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Identified = TypeVar("_Identified", bound=_HasId)


@dataclass(frozen=True)
class _Index:
    """The names a scenario defines, for checking its references."""

    organisations: list[str]
    pods: dict[str, Pod]
    cohorts: dict[str, Cohort]
    schemes: list[str]
    groups: list[str]
    plan_lines: list[str]
    bands: list[str] | None
    years: YearRange | None


def check(scenario: Scenario) -> list[Problem]:
    """Every semantic problem of ``scenario``, in the order of the sections they are about."""
    index = _index(scenario)
    checks: tuple[Callable[[Scenario, _Index], Iterable[Problem]], ...] = (
        _check_ids,
        _check_years,
        _check_references,
        _check_published_references,
        _check_shares,
        _check_amounts,
        _check_effects,
        _check_activity_models,
        _check_alternatives,
        _check_non_cash_benefits,
    )
    problems = [problem for check_part in checks for problem in check_part(scenario, index)]
    problems += magnitude_problems(scenario)
    problems += list(_blank_names(scenario, ()))
    problems += check_new_effects(scenario)
    problems += check_contracts(scenario) + check_plan(scenario) + check_uncertainty(scenario, check)
    return problems + check_demand(scenario)


def _blank_names(value: object, path: Path) -> Iterator[Problem]:
    """A problem for every ``name`` that is empty or only spaces: names are what reports show (never ids),
    so a blank one would leave a row or a heading with no words."""
    if isinstance(value, BaseModel):
        for field in type(value).model_fields:
            inner = getattr(value, field)
            if field == "name" and isinstance(inner, str) and not inner.strip():
                yield Problem((*path, field), "the name is blank; expected the words reports show for it")
            else:
                yield from _blank_names(inner, (*path, field))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _blank_names(item, (*path, key))
    elif isinstance(value, list | tuple):
        for position, item in enumerate(value):
            yield from _blank_names(item, (*path, position))


def _index(scenario: Scenario) -> _Index:
    return _Index(
        organisations=[organisation.id for organisation in scenario.organisations],
        pods=_first_by_id(scenario.pods),
        cohorts=_first_by_id(scenario.cohorts),
        schemes=[scheme.id for scheme in scenario.schemes],
        groups=list(dict.fromkeys(scheme.group for scheme in scenario.schemes if scheme.group is not None)),
        plan_lines=[line.id for line in scenario.positions.plan_lines],
        bands=list(scenario.population) if scenario.population is not None else None,
        years=_year_range(scenario),
    )


def _first_by_id(items: Sequence[_Identified]) -> dict[str, _Identified]:
    by_id: dict[str, _Identified] = {}
    for item in items:
        by_id.setdefault(item.id, item)
    return by_id


def _year_range(scenario: Scenario) -> YearRange | None:
    try:
        years = YearRange.from_labels(scenario.base_year, scenario.end_year)
    except YearError:
        return None
    return years if years.end >= years.base else None


# --- ids -------------------------------------------------------------------------------------------------


def _check_ids(scenario: Scenario, index: _Index) -> Iterator[Problem]:
    for path, noun, items in _id_sections(scenario):
        first: dict[str, int] = {}
        for position, item in enumerate(items):
            where = (*path, position, "id")
            if not ID_PATTERN.match(item.id):
                yield Problem(where, f"'{item.id}' is not a valid id; {_id_rule(item.id)}")
            if item.id in first:
                first_at = format_path((*path, first[item.id]))
                yield Problem(where, f"duplicate {noun} id '{item.id}'; first defined at {first_at}")
            else:
                first[item.id] = position
    yield from _reserved(
        ("organisations",), "organisation", scenario.organisations, _RESERVED_ORGANISATION_IDS
    )
    yield from _reserved(("cohorts",), "cohort", scenario.cohorts, _RESERVED_COHORT_IDS)


def _id_sections(scenario: Scenario) -> Iterator[tuple[Path, str, Sequence[_HasId]]]:
    yield ("organisations",), "organisation", scenario.organisations
    yield ("pods",), "POD", scenario.pods
    yield ("cohorts",), "cohort", scenario.cohorts
    yield ("schemes",), "scheme", scenario.schemes
    yield ("investments",), "investment", scenario.investments
    yield ("funding",), "funding source", scenario.funding
    yield ("positions", "plan_lines"), "plan line", scenario.positions.plan_lines
    yield ("contracts",), "contract", scenario.contracts
    for position, organisation in enumerate(scenario.organisations):
        if organisation.finance is not None:
            path: Path = ("organisations", position, "finance")
            yield (*path, "expenditure"), "expenditure category", organisation.finance.expenditure
            yield (*path, "items"), "finance item", organisation.finance.items
    yield ("capacity", "beds"), "bed base", scenario.capacity.beds
    yield ("capacity", "workforce"), "staff group", scenario.capacity.workforce
    yield ("variants",), "variant", scenario.variants


def _id_rule(found: str) -> str:
    like = f", like '{example}'" if (example := id_example(found)) else ""
    return f"expected lower-case letters, digits and underscores, starting with a letter{like}"


def _reserved(
    path: Path, noun: str, items: Sequence[_HasId], reserved: Mapping[str, str]
) -> Iterator[Problem]:
    for position, item in enumerate(items):
        if item.id in reserved:
            message = f"'{item.id}' is reserved ({reserved[item.id]}); choose another {noun} id"
            yield Problem((*path, position, "id"), message)


# --- years -----------------------------------------------------------------------------------------------


def _check_years(scenario: Scenario, index: _Index) -> Iterator[Problem]:
    yield from _year_label(("base_year",), scenario.base_year, None)
    yield from _year_label(("end_year",), scenario.end_year, None)
    yield from _end_before_base(scenario)
    optional_years: list[tuple[Path, str | None]] = [
        (("statement", "savings_from"), scenario.statement.savings_from),
        (("report", "bridge_year"), scenario.report.bridge_year),
    ]
    for position, line in enumerate(scenario.positions.plan_lines):
        if line.phasing is not None:
            optional_years.append(
                (("positions", "plan_lines", position, "phasing", "start"), line.phasing.start)
            )
    for position, organisation in enumerate(scenario.organisations):
        for number, item in enumerate(organisation.finance.items if organisation.finance else []):
            optional_years.append(
                (("organisations", position, "finance", "items", number, "start"), item.start)
            )
    for position, contract in enumerate(scenario.contracts):
        if isinstance(contract.compensating, StrandedCompensation):
            for number, year in enumerate(contract.compensating.years or []):
                optional_years.append((("contracts", position, "compensating", "years", number), year))
    for path, label in optional_years:
        if label is not None:
            yield from _year_label(path, label, index.years)
    for map_path, value in _year_values(scenario):
        if isinstance(value, Mapping):
            for key in value:
                yield from _year_label((*map_path, _key(key)), key, index.years)


def _year_label(path: Path, label: object, years: YearRange | None) -> Iterator[Problem]:
    """A problem when ``label`` is not a financial year, or (given ``years``) lies outside them."""
    if isinstance(label, int) and not isinstance(label, bool):
        example = "expected YYYY/YY, like '2016/17' or '2017/18' (a single year is ambiguous)"
        yield Problem(path, f"{label} is not a financial year; {example}")
        return
    if not isinstance(label, str):
        yield Problem(
            path, f"{format_value(label)} is not a financial year; expected YYYY/YY, like '2017/18'"
        )
        return
    try:
        if years is None:
            parse_year(label)
        else:
            years.index(label)
    except YearError as error:
        yield Problem(path, str(error))


def _end_before_base(scenario: Scenario) -> Iterator[Problem]:
    try:
        base, end = parse_year(scenario.base_year), parse_year(scenario.end_year)
    except YearError:
        return
    if end < base:
        message = (
            f"'{scenario.end_year}' is before base_year '{scenario.base_year}'; expected that year or later"
        )
        yield Problem(("end_year",), message)


def _year_values(scenario: Scenario) -> Iterator[tuple[Path, YearValue | None]]:
    """Every value by year in the scenario, with its path."""
    for position, pod in enumerate(scenario.pods):
        yield from _pod_year_values(("pods", position), pod)
    for band, people in (scenario.population or {}).items():
        yield ("population", band), people
    for position, scheme in enumerate(scenario.schemes):
        yield from _scheme_year_values(("schemes", position), scheme)
    for position, investment in enumerate(scenario.investments):
        yield ("investments", position, "amount"), investment.amount
    for position, source in enumerate(scenario.funding):
        yield ("funding", position, "amount"), source.amount
    for organisation, gap in scenario.positions.do_nothing.items():
        yield ("positions", "do_nothing", organisation), gap
    for position, line in enumerate(scenario.positions.plan_lines):
        yield ("positions", "plan_lines", position, "value"), line.value
    for position, published in enumerate(scenario.published):
        yield ("published", position, "values"), published.values
    for position, contract in enumerate(scenario.contracts):
        amount = contract.compensating
        if amount != "stranded" and not isinstance(amount, StrandedCompensation):
            yield ("contracts", position, "compensating"), amount
    yield from _plan_year_values(scenario)


def _plan_year_values(scenario: Scenario) -> Iterator[tuple[Path, YearValue | None]]:
    """Values by year of parameters, finance, driver-based lines and capacity."""
    for name, parameter in scenario.parameters.items():
        value = parameter.value if isinstance(parameter, Parameter) else parameter
        yield (
            ("parameters", name) if not isinstance(parameter, Parameter) else ("parameters", name, "value"),
            value,
        )
    for position, organisation in enumerate(scenario.organisations):
        if organisation.finance is None:
            continue
        path: Path = ("organisations", position, "finance")
        yield (*path, "income_growth"), organisation.finance.income_growth
        for number, category in enumerate(organisation.finance.expenditure):
            yield (*path, "expenditure", number, "inflation"), category.inflation
            if category.demand_growth != "activity":
                yield (*path, "expenditure", number, "demand_growth"), category.demand_growth
        for number, item in enumerate(organisation.finance.items):
            yield (*path, "items", number, "amount"), item.amount
    for position, line in enumerate(scenario.positions.plan_lines):
        path = ("positions", "plan_lines", position)
        if line.phasing is not None:
            yield (*path, "phasing", "fractions"), line.phasing.fractions
        for number, overlap in enumerate(line.overlaps):
            yield (*path, "overlaps", number, "amount"), overlap.amount
    for position, bed in enumerate(scenario.capacity.beds):
        for pod, stay in bed.length_of_stay.items():
            yield ("capacity", "beds", position, "length_of_stay", pod), stay
    for position, group in enumerate(scenario.capacity.workforce):
        for pod, rate in group.per_unit.items():
            yield ("capacity", "workforce", position, "per_unit", pod), rate
    for position, staff in enumerate(scenario.workforce):
        yield ("workforce", position, "pay_per_wte"), staff.pay_per_wte
        for field in ("per_unit", "per_bed"):
            for key, rate in getattr(staff, field).items():
                yield ("workforce", position, field, key), rate


def _pod_year_values(path: Path, pod: Pod) -> Iterator[tuple[Path, YearValue | None]]:
    if isinstance(pod.price, PriceUplift):
        yield (*path, "price", "uplift"), pod.price.uplift
    else:
        yield (*path, "price"), pod.price
    if pod.activity is not None:
        yield (*path, "activity", "trajectory"), pod.activity.trajectory
        yield (*path, "activity", "growth"), pod.activity.growth
        yield (*path, "activity", "non_demographic_growth"), pod.activity.non_demographic_growth


def _scheme_year_values(path: Path, scheme: Scheme) -> Iterator[tuple[Path, YearValue | None]]:
    for position, effect in enumerate(scheme.effects):
        name, value = _effect_value(effect)
        yield (*path, "effects", position, name), value
        if isinstance(effect, LengthOfStay):
            yield (*path, "effects", position, "bed_day_price"), effect.bed_day_price
    if scheme.investment is not None:
        yield (*path, "investment", "recurrent"), scheme.investment.recurrent
        yield (*path, "investment", "non_recurrent"), scheme.investment.non_recurrent
    for position, benefit in enumerate(scheme.non_cash_benefits):
        yield (*path, "non_cash_benefits", position, "amount"), benefit.amount
    for position, change in enumerate(scheme.workforce_effects):
        yield (*path, "workforce_effects", position, "agency_to_substantive"), change.agency_to_substantive


def _effect_value(effect: Effect) -> tuple[str, YearValue | None]:
    """The name and value of the field that says how much an effect does (None for a formula)."""
    if isinstance(effect, AvoidGrowth | Reduce | Shift | LengthOfStay):
        return "fraction", effect.fraction
    if isinstance(effect, Absolute):
        return "activity", effect.activity
    return "saving", effect.saving


def _key(key: object) -> PathPart:
    """A map key as a path part: always text, so that a key ``2017`` is not shown as a list index."""
    return key if isinstance(key, str) else str(key)


def _numbers(path: Path, value: YearValue | None) -> Iterator[tuple[Path, float]]:
    """The numbers of a value by year, each with its path (ending at its year when it is a map)."""
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, number in value.items():
            yield (*path, _key(key)), number
    else:
        yield path, value


# --- references ------------------------------------------------------------------------------------------


def _reference(path: Path, found: str | None, allowed: Sequence[str], noun: str) -> Iterator[Problem]:
    """A problem when ``found`` is not one of ``allowed``, suggesting the nearest."""
    if found is None or found in allowed:
        return
    allowed = list(dict.fromkeys(allowed))
    hint = did_you_mean(found, allowed) or _one_of(allowed)
    yield Problem(path, f"'{found}' is not {noun}{hint}")


def _one_of(allowed: Sequence[str]) -> str:
    if not allowed:
        return "; none are defined"
    shown = ", ".join(f"'{name}'" for name in allowed[:12])
    return f"; expected one of {shown}" + (", …" if len(allowed) > 12 else "")


def _check_references(scenario: Scenario, index: _Index) -> Iterator[Problem]:
    organisations, pods = index.organisations, list(index.pods)
    for position, pod in enumerate(scenario.pods):
        yield from _pod_references(("pods", position), pod, index)
    for position, cohort in enumerate(scenario.cohorts):
        for pod_id in cohort.shares:
            yield from _reference(("cohorts", position, "shares", pod_id), pod_id, pods, "a POD")
    for position, scheme in enumerate(scenario.schemes):
        yield from _scheme_references(("schemes", position), scheme, index)
    for position, investment in enumerate(scenario.investments):
        yield from _reference(
            ("investments", position, "org"), investment.org, organisations, "an organisation"
        )
    for position, source in enumerate(scenario.funding):
        yield from _reference(("funding", position, "org"), source.org, organisations, "an organisation")
        where = ("funding", position, "funder")
        yield from _reference(where, source.funder, organisations, "an organisation")
    for organisation in scenario.positions.do_nothing:
        path: Path = ("positions", "do_nothing", organisation)
        yield from _reference(path, organisation, organisations, "an organisation")
    for position, line in enumerate(scenario.positions.plan_lines):
        path = ("positions", "plan_lines", position)
        yield from _reference((*path, "org"), line.org, organisations, "an organisation")
        chosen = (line.from_schemes.schemes or []) if line.from_schemes is not None else []
        if line.from_schemes is not None and line.from_schemes.schemes == []:
            yield Problem(
                (*path, "from_schemes", "schemes"),
                "the list of schemes is empty; list scheme ids, or leave `schemes` out for all schemes",
            )
        for number, scheme_id in enumerate(chosen):
            yield from _reference(
                (*path, "from_schemes", "schemes", number), scheme_id, index.schemes, "a scheme"
            )
    for number, organisation in enumerate(scenario.report.provider_tables):
        path = ("report", "provider_tables", number)
        yield from _reference(path, organisation, organisations, "an organisation")


def _pod_references(path: Path, pod: Pod, index: _Index) -> Iterator[Problem]:
    for provider in pod.providers:
        noun = "an organisation or 'other'"
        yield from _reference((*path, "providers", provider), provider, [*index.organisations, "other"], noun)
    if pod.activity is not None and pod.activity.population_rates and index.bands is not None:
        for band in pod.activity.population_rates:
            where = (*path, "activity", "population_rates", band)
            yield from _reference(where, band, index.bands, "an age band of population")


def _scheme_references(path: Path, scheme: Scheme, index: _Index) -> Iterator[Problem]:
    yield from _reference((*path, "cohort"), scheme.cohort, [*index.cohorts, "all"], "a cohort or 'all'")
    yield from _reference((*path, "owner"), scheme.owner, index.organisations, "an organisation")
    if scheme.investment is not None:
        where = (*path, "investment", "org")
        yield from _reference(where, scheme.investment.org, index.organisations, "an organisation")
    for position, effect in enumerate(scheme.effects):
        yield from _reference((*path, "effects", position, "pod"), effect.pod, list(index.pods), "a POD")
        if isinstance(effect, DirectSaving):
            where = (*path, "effects", position, "org")
            yield from _reference(where, effect.org, index.organisations, "an organisation")


def _check_published_references(scenario: Scenario, index: _Index) -> Iterator[Problem]:
    for position, published in enumerate(scenario.published):
        yield from _selector_references(("published", position), published, index)


def _selector_references(path: Path, published: Published, index: _Index) -> Iterator[Problem]:
    organisations, pods = index.organisations, list(index.pods)
    if published.position is not None:
        where = (*path, "position")
        lines = ["do_nothing", "do_something", *index.plan_lines]
        noun = "a position line ('do_nothing', 'do_something' or a plan line id)"
        yield from _reference((*where, "line"), published.position.line, lines, noun)
        noun = "an organisation, a sector ('nhs' or 'social_care') or 'system'"
        holders = [*organisations, *POSITION_SECTORS, "system"]
        yield from _reference((*where, "org"), published.position.org, holders, noun)
    if published.savings is not None:
        where = (*path, "savings")
        yield from _reference((*where, "scheme"), published.savings.scheme, index.schemes, "a scheme")
        yield from _reference((*where, "group"), published.savings.group, index.groups, "a scheme group")
        yield from _reference((*where, "pod"), published.savings.pod, pods, "a POD")
        noun = "an organisation or 'other'"
        yield from _reference(
            (*where, "provider"), published.savings.provider, [*organisations, "other"], noun
        )
    if published.investment is not None:
        where = (*path, "investment")
        yield from _reference((*where, "scheme"), published.investment.scheme, index.schemes, "a scheme")
        yield from _reference((*where, "group"), published.investment.group, index.groups, "a scheme group")
    if published.activity is not None:
        yield from _reference((*path, "activity", "pod"), published.activity.pod, pods, "a POD")


# --- shares ----------------------------------------------------------------------------------------------


def _check_shares(scenario: Scenario, index: _Index) -> Iterator[Problem]:
    for position, pod in enumerate(scenario.pods):
        path = ("pods", position)
        for provider, share in pod.providers.items():
            yield from _share((*path, "providers", provider), share, "a provider share")
        yield from _sums_to_one((*path, "providers"), pod.providers.values(), "the provider shares")
        cost = {"variable": pod.cost_release.variable, "semi_fixed": pod.cost_release.semi_fixed}
        cost["fixed"] = pod.cost_release.fixed
        for name, share in cost.items():
            yield from _share((*path, "cost_release", name), share, "a cost share")
        yield from _sums_to_one((*path, "cost_release"), cost.values(), "variable, semi_fixed and fixed")
    for position, cohort in enumerate(scenario.cohorts):
        for pod_id, share in cohort.shares.items():
            yield from _share(("cohorts", position, "shares", pod_id), share, "a cohort share")


def _share(path: Path, share: float, what: str) -> Iterator[Problem]:
    if not 0 <= share <= 1:
        yield Problem(path, f"{what} must be between 0 and 1; found {format_value(share)}")


def _sums_to_one(path: Path, shares: Iterable[float], what: str) -> Iterator[Problem]:
    total = sum(shares)
    if abs(total - 1) > SHARE_TOLERANCE:
        yield Problem(path, f"{what} add up to {format_value(total)}; expected 1")


# --- amounts and signs -----------------------------------------------------------------------------------

_NEGATIVE_ACTIVITY = "activity cannot be negative"
_NEGATIVE_PRICE = "a unit price cannot be negative"
_GROWTH = "a growth rate must be more than -1 (-1 would remove all activity; 0.02 means 2%)"
_INVESTMENT = "investment is written as a positive amount (a saving belongs in an effect or a plan line)"
_FUNDING = "funding is written as a positive amount (the statement shows it negative)"


def _check_amounts(scenario: Scenario, index: _Index) -> Iterator[Problem]:
    for position, pod in enumerate(scenario.pods):
        yield from _pod_amounts(("pods", position), pod)
    for band, people in (scenario.population or {}).items():
        yield from _at_least_zero(("population", band), people, "a population cannot be negative")
    for position, scheme in enumerate(scenario.schemes):
        if scheme.investment is not None:
            path = ("schemes", position, "investment")
            yield from _at_least_zero((*path, "recurrent"), scheme.investment.recurrent, _INVESTMENT)
            yield from _at_least_zero((*path, "non_recurrent"), scheme.investment.non_recurrent, _INVESTMENT)
    for position, investment in enumerate(scenario.investments):
        yield from _at_least_zero(("investments", position, "amount"), investment.amount, _INVESTMENT)
    for position, source in enumerate(scenario.funding):
        yield from _at_least_zero(("funding", position, "amount"), source.amount, _FUNDING)


def _pod_amounts(path: Path, pod: Pod) -> Iterator[Problem]:
    if isinstance(pod.price, PriceUplift):
        yield from _at_least_zero((*path, "price", "base"), pod.price.base, _NEGATIVE_PRICE)
        uplift = "a price uplift must be more than -1 (-1 would make the price zero; 0.02 means 2%)"
        yield from _above_minus_one((*path, "price", "uplift"), pod.price.uplift, uplift)
    else:
        yield from _at_least_zero((*path, "price"), pod.price, _NEGATIVE_PRICE)
    activity = pod.activity
    if activity is not None:
        yield from _at_least_zero((*path, "activity", "base"), activity.base, _NEGATIVE_ACTIVITY)
        yield from _at_least_zero((*path, "activity", "trajectory"), activity.trajectory, _NEGATIVE_ACTIVITY)
        yield from _above_minus_one((*path, "activity", "growth"), activity.growth, _GROWTH)
        ndg_path = (*path, "activity", "non_demographic_growth")
        yield from _above_minus_one(ndg_path, activity.non_demographic_growth, _GROWTH)


def _at_least_zero(path: Path, value: YearValue | None, rule: str) -> Iterator[Problem]:
    for where, number in _numbers(path, value):
        if number < 0:
            yield Problem(where, f"{rule}; found {format_value(number)}")


def _above_minus_one(path: Path, value: YearValue | None, rule: str) -> Iterator[Problem]:
    for where, number in _numbers(path, value):
        if number <= -1:
            yield Problem(where, f"{rule}; found {format_value(number)}")


# --- effects ---------------------------------------------------------------------------------------------


def _check_effects(scenario: Scenario, index: _Index) -> Iterator[Problem]:
    for position, scheme in enumerate(scenario.schemes):
        path = ("schemes", position)
        cohort = index.cohorts.get(scheme.cohort)
        first: dict[tuple[str, str, str], int] = {}
        for number, effect in enumerate(scheme.effects):
            where = (*path, "effects", number)
            yield from _fraction_range(where, effect)
            pod = index.pods.get(effect.pod)
            if pod is not None and not isinstance(effect, DirectSaving):
                yield from _activity_target((*where, "pod"), pod, cohort)
            signature = _signature(effect)
            if signature in first:
                yield Problem(where, _repeated_effect(effect, first[signature]))
            else:
                first[signature] = number


def _fraction_range(path: Path, effect: Effect) -> Iterator[Problem]:
    if not isinstance(effect, AvoidGrowth | Reduce | Shift):
        return
    for where, number in _numbers((*path, "fraction"), effect.fraction):
        if not -1 <= number <= 1:
            message = f"a fraction must be between -1 and 1 (0.2 means 20%); found {format_value(number)}"
            yield Problem(where, message)


def _activity_target(path: Path, pod: Pod, cohort: Cohort | None) -> Iterator[Problem]:
    """Problems with the POD of an effect that acts on activity."""
    if pod.activity is None:
        message = f"POD '{pod.id}' has no activity; use a direct_saving effect, or give the POD an activity"
        yield Problem(path, message)
    if pod.price is None:
        yield Problem(path, f"POD '{pod.id}' has no price to cost its activity; give the POD a price")
    if cohort is not None and pod.id not in cohort.shares and pod.id not in (cohort.rates or {}):
        message = (
            f"cohort '{cohort.id}' has no share for POD '{pod.id}'; add '{pod.id}' to the cohort's shares"
        )
        yield Problem(path, message + ", or target the scheme at 'all'")


def _signature(effect: Effect) -> tuple[str, str, str]:
    """Effects with the same signature in one scheme double up."""
    if isinstance(effect, Shift):
        return effect.kind, effect.pod, effect.to
    if isinstance(effect, Reduce):
        return effect.kind, effect.pod, effect.basis
    if isinstance(effect, Absolute):
        return effect.kind, effect.pod, effect.counts_as
    return effect.kind, effect.pod, ""


def _repeated_effect(effect: Effect, first: int) -> str:
    kind = f"{effect.kind} effect"
    if isinstance(effect, Reduce):
        kind += f" with basis '{effect.basis}'"
    if isinstance(effect, Absolute):
        kind += f" counting as '{effect.counts_as}'"
    if isinstance(effect, Shift):
        kind += f" to POD '{effect.to}'"
    return f"a second {kind} on POD '{effect.pod}' in this scheme (first at effects[{first}]); combine them"


# --- activity models and alternatives --------------------------------------------------------------------


def _check_activity_models(scenario: Scenario, index: _Index) -> Iterator[Problem]:
    for position, pod in enumerate(scenario.pods):
        activity = pod.activity
        if activity is None:
            continue
        path = ("pods", position, "activity")
        given = [name for name in _DO_NOTHING_METHODS if getattr(activity, name) is not None]
        if len(given) > 1:
            yield Problem(
                path,
                "give at most one of trajectory, growth, population_rates and demographic_rates; "
                f"found {_and(given)}",
            )
        if activity.population_rates is not None and scenario.population is None:
            message = "population_rates needs a top-level population section (people by age band by year); "
            yield Problem((*path, "population_rates"), message + "none is given")
        multiplied = activity.growth is not None or activity.population_rates is not None
        multiplied = multiplied or activity.demographic_rates is not None
        if activity.non_demographic_growth is not None and not multiplied:
            message = (
                "non_demographic_growth multiplies growth, population_rates or demographic_rates; found none"
            )
            yield Problem((*path, "non_demographic_growth"), message)


def _check_alternatives(scenario: Scenario, index: _Index) -> Iterator[Problem]:
    for position, line in enumerate(scenario.positions.plan_lines):
        given = [name for name in ("value", "from_schemes", "formula") if getattr(line, name) is not None]
        if len(given) != 1:
            found = _and(given) if given else "none"
            message = f"give exactly one of value, from_schemes and formula; found {found}"
            yield Problem(("positions", "plan_lines", position), message)
    for position, published in enumerate(scenario.published):
        given = [name for name in _SELECTORS if getattr(published, name) is not None]
        if len(given) != 1:
            found = _and(given) if given else "none"
            message = f"give exactly one of {_and(_SELECTORS, 'or')}; found {found}"
            yield Problem(("published", position), message)


def _and(names: Sequence[Any], word: str = "and") -> str:
    """``['a', 'b', 'c']`` → ``'a, b and c'``."""
    texts = [str(name) for name in names]
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} {word} {texts[-1]}"


def _check_non_cash_benefits(scenario: Scenario, index: _Index) -> Iterator[Problem]:
    """A benefit beyond cash in QALYs has a value per QALY above 0, one in £'000 none; ids once a scheme."""
    for position, scheme in enumerate(scenario.schemes):
        seen: set[str] = set()
        for number, benefit in enumerate(scheme.non_cash_benefits):
            path: Path = ("schemes", position, "non_cash_benefits", number)
            if benefit.id in seen:
                message = f"the id '{benefit.id}' is given twice in this scheme's non_cash_benefits"
                yield Problem((*path, "id"), message)
            seen.add(benefit.id)
            per_qaly = benefit.value_per_qaly
            if benefit.measure == "qalys" and per_qaly is None:
                message = "missing: expected the £ a QALY is valued at, for measure qalys (e.g. 70000)"
                yield Problem((*path, "value_per_qaly"), message)
            elif benefit.measure == "qalys" and per_qaly is not None and per_qaly <= 0:
                yield Problem((*path, "value_per_qaly"), f"expected more than 0; found {per_qaly:g}")
            elif benefit.measure == "value" and per_qaly is not None:
                message = "a value per QALY is for measure qalys; this benefit's amount is in £'000"
                yield Problem((*path, "value_per_qaly"), message)
