"""Uncertain inputs: finding the distributions written in a scenario, naming them, and checking them.

The loader calls :func:`extract_distributions` on the plain data before the schema sees it: each distribution
is replaced by its central value (so the schema, the checks and a deterministic run see a number) and kept in
``uncertainty.inputs`` under its **name**, the path to it with list items named by their ``id`` (or their
position, for items without one) and years as written::

    schemes.neighbourhood.effects.3.saving.2018/19
    pods.ae.price.2017/18
    schemes.acute_interface.delivery

Correlations and sensitivity name inputs the same way. What a person reads is the input's **label**, in the
scenario's own words (:func:`input_labels`): ``Neighbourhood: Non Elective deflection, 2020/21``,
``A&E unit price, 2017/18``, ``Acute Interface: delivery``. :func:`check_uncertainty` (part of
:func:`carebridge.scenario.validate.check`) checks what needs the whole scenario: the correlations, the
delivery multipliers, and that the rules a number obeys hold at both ends of its distribution.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np
from pydantic import ValidationError

from carebridge.scenario.distributions import (
    AnyDistribution,
    Triangular,
    is_distribution,
    parse_distribution,
)
from carebridge.scenario.errors import Path, PathPart, Problem, did_you_mean, format_value
from carebridge.scenario.schema import Scenario

UNCERTAIN_SECTIONS = (
    "organisations",
    "pods",
    "cohorts",
    "population",
    "parameters",
    "schemes",
    "investments",
    "funding",
    "positions",
    "contracts",
    "capital",
    "capacity",
    "workforce",
    "cohort_overlaps",
    "demography",
)
"""Top-level sections whose numbers may be written as distributions."""

FIXED = {
    "providers": "provider shares must add up to 1",
    "cost_release": "cost shares must add up to 1 and lags are whole years",
}
"""Fields under ``pods`` whose numbers cannot be uncertain, and why."""
STAND_IN = 0.0
"""The number put in place of a distribution that cannot be read: zero passes every other check (a fraction,
an amount, a growth rate, a price, a share), so the distribution's own problems are the ones reported."""


def extract_distributions(data: Any) -> tuple[Any, list[Problem]]:
    """The plain scenario data with every distribution replaced by its central value and listed in
    ``uncertainty.inputs``; the problems of any distribution that cannot be read."""
    if not isinstance(data, dict):
        return data, []
    problems: list[Problem] = []
    found: dict[str, Any] = {}
    plain = copy.deepcopy(data)
    uncertainty = plain.get("uncertainty")
    if isinstance(uncertainty, dict) and "inputs" in uncertainty:
        message = (
            "inputs is filled from the distributions written in place of numbers; write "
            "`fraction: {dist: triangular, low: 0.1, mode: 0.2, high: 0.3}` where the number goes instead"
        )
        problems.append(Problem(("uncertainty", "inputs"), message))
        del uncertainty["inputs"]
    for section in UNCERTAIN_SECTIONS:
        if section in plain:
            _replace(plain, section, (section,), plain, found, problems)
    if found:
        holder = plain.setdefault("uncertainty", {})
        if isinstance(holder, dict):
            holder["inputs"] = found
    return plain, problems


def _replace(
    parent: Any, key: PathPart, path: Path, data: Any, found: dict[str, Any], problems: list[Problem]
) -> None:
    value = parent[key]
    if is_distribution(value):
        dist, found_problems = parse_distribution(value, path)
        fixed = _fixed_reason(path)
        if fixed is not None:
            problems.append(Problem(path, f"a distribution cannot stand here: {fixed}; give a number"))
            parent[key] = dist.central() if dist is not None else STAND_IN
            return
        problems.extend(found_problems)
        if dist is None:  # a stand-in, so that what names it is still checked; the problems stop the load
            dist = Triangular(dist="triangular", low=STAND_IN, mode=STAND_IN, high=STAND_IN)
        parent[key] = dist.central()
        found.setdefault(input_name(data, path), dist.model_dump(by_alias=True, exclude_unset=True))
    elif isinstance(value, dict):
        for child in list(value):
            _replace(
                value, child, (*path, child if isinstance(child, str) else str(child)), data, found, problems
            )
    elif isinstance(value, list):
        for index in range(len(value)):
            _replace(value, index, (*path, index), data, found, problems)


def _fixed_reason(path: Path) -> str | None:
    if len(path) > 2 and path[0] == "pods" and isinstance(path[2], str):
        return FIXED.get(path[2])
    return None


def input_name(data: Any, path: Path) -> str:
    """The name of the number at ``path``: list items by their id where they have one, else position."""
    parts: list[str] = []
    node = data
    for part in path:
        child = _child(node, part)
        if isinstance(node, list) and isinstance(child, Mapping) and isinstance(child.get("id"), str):
            parts.append(child["id"])
        else:
            parts.append(str(part))
        node = child
    return ".".join(parts)


def _child(node: Any, part: PathPart) -> Any:
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    if isinstance(node, Mapping):
        if part in node:
            return node[part]
        return next((value for key, value in node.items() if str(key) == str(part)), None)
    return None


def number_paths(data: Any) -> dict[str, Path]:
    """The path of every number of the uncertain sections, by name (the first, where names repeat)."""
    paths: dict[str, Path] = {}
    for section in UNCERTAIN_SECTIONS:
        if isinstance(data, Mapping) and section in data:
            for path in _numbers(data[section], (section,)):
                paths.setdefault(input_name(data, path), path)
    return paths


def _numbers(node: Any, path: Path) -> Iterator[Path]:
    if isinstance(node, bool):
        return
    if isinstance(node, int | float):
        yield path
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _numbers(value, (*path, key if isinstance(key, str) else str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _numbers(value, (*path, index))


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data in the shape of its file (the form names and paths refer to), with every
    default filled in."""
    return scenario.model_dump(mode="python", by_alias=True)


def uncertain_paths(scenario: Scenario) -> dict[str, Path]:
    """The path of each uncertain input of ``scenario``, by name, in the order they were written."""
    paths = number_paths(scenario_data(scenario))
    return {name: paths[name] for name in scenario.uncertainty.inputs if name in paths}


def with_values(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """``scenario`` with the named inputs set to the numbers given (a deterministic scenario of one draw)."""
    data = scenario_data(scenario)
    paths = number_paths(data)
    for name, value in values.items():
        _set(data, paths[name], float(value))
    return Scenario.model_validate(data)


def with_distributions(scenario: Scenario, distributions: Mapping[str, AnyDistribution]) -> Scenario:
    """``scenario`` with the named numbers made uncertain: each set to its distribution's central value and
    the distribution added to ``uncertainty.inputs`` (as if written in the file)."""
    data = scenario_data(scenario)
    paths = number_paths(data)
    inputs = data.setdefault("uncertainty", {}).setdefault("inputs", {})
    for name, distribution in distributions.items():
        _set(data, paths[name], distribution.central())
        inputs[name] = distribution.model_dump(by_alias=True, exclude_unset=True)
    return Scenario.model_validate(data)


def spread(value: float, fraction: float) -> Triangular:
    """A triangular distribution from ``value · (1 − fraction)`` to ``value · (1 + fraction)``, mode
    ``value``."""
    ends = sorted((value * (1 - fraction), value * (1 + fraction)))
    return Triangular(dist="triangular", low=ends[0], mode=value, high=ends[1])


def with_spread(scenario: Scenario, fraction: float) -> Scenario:
    """``scenario`` with every number of every scheme effect and workforce effect, every unit price (base,
    uplift or value by year) and every parameter a formula uses (the drivers of a plan typed as plan lines,
    like the STP's, and the inputs of effects given as formulas) that is not already uncertain made a
    :func:`spread` of ``fraction`` around its value: a quick way to see how uncertain a plan is before
    writing its distributions. A workforce effect's share converted stays within 0 to 1."""
    data = scenario_data(scenario)
    drivers = _plan_line_drivers(scenario)
    chosen: dict[str, AnyDistribution] = {}
    for name, path in number_paths(data).items():
        effect = path[0] == "schemes" and len(path) > 3 and path[2] == "effects"
        staff = path[0] == "schemes" and len(path) > 4 and path[2] == "workforce_effects"
        price = path[0] == "pods" and len(path) > 2 and path[2] == "price"
        driver = path[0] == "parameters" and len(path) > 2 and path[1] in drivers and path[2] == "value"
        if (effect or staff or price or driver) and name not in scenario.uncertainty.inputs:
            node: Any = data
            for part in path:
                node = _child(node, part)
            drawn = spread(float(node), fraction)
            if staff:  # a share of the agency WTE: never below 0 nor above all of it
                drawn = Triangular(
                    dist="triangular", low=max(drawn.low, 0.0), mode=drawn.mode, high=min(drawn.high, 1.0)
                )
            chosen[name] = drawn
    return with_distributions(scenario, chosen)


def _plan_line_drivers(scenario: Scenario) -> set[str]:
    """The parameters that the formulas of the plan lines and of the schemes' effects use."""
    from carebridge.scenario.formula import FormulaError, parse_formula

    names: set[str] = set()
    effect_formulas = [
        formula
        for scheme in scenario.schemes
        for effect in scheme.effects
        if (formula := getattr(effect, "formula", None)) is not None
    ]
    for formula in [line.formula for line in scenario.positions.plan_lines] + effect_formulas:
        if formula is None:
            continue
        try:
            names.update(parse_formula(formula).names)
        except FormulaError:
            continue
    return names & set(scenario.parameters)


def number_at(scenario: Scenario, name: str) -> float:
    """The number a named input holds (its central value, if uncertain)."""
    data = scenario_data(scenario)
    node: Any = data
    for part in number_paths(data)[name]:
        node = _child(node, part)
    return float(node)


def _set(data: Any, path: Path, value: float) -> None:
    node = data
    for part in path[:-1]:
        node = _child(node, part)
    last = path[-1]
    if isinstance(node, Mapping) and last not in node:
        last = next(key for key in node if str(key) == str(last))
    node[last] = value


# --- labels ---------------------------------------------------------------------------------------------

YEAR = re.compile(r"^\d{4}/\d{2}$")
EFFECT_WORDS = {
    ("avoid_growth", "fraction"): "share of growth avoided",
    ("reduce", "fraction"): "share deflected",
    ("absolute", "activity"): "deflection",
    ("direct_saving", "saving"): "saving",
    ("shift", "fraction"): "share moved to another setting",
    ("length_of_stay", "fraction"): "fall in length of stay",
    ("length_of_stay", "bed_day_price"): "price of a bed day",
}
"""What each kind of scheme effect's number is, in words (``absolute`` counted as avoided growth: see
:func:`_effect_words`)."""
POD_WORDS = {
    ("price",): "unit price",
    ("price", "base"): "unit price in the base year",
    ("price", "uplift"): "price uplift",
    ("activity", "base"): "activity in the base year",
    ("activity", "growth"): "activity growth",
    ("activity", "trajectory"): "activity",
    ("activity", "non_demographic_growth"): "non-demographic growth",
}
FINANCE_WORDS = {"income": "income", "income_growth": "income growth"}


def input_labels(scenario: Scenario, names: Iterable[str]) -> dict[str, str]:
    """Each named input's label in the scenario's words — scheme, POD, organisation, cohort and plan line
    names and the year — never an id or a path: ``schemes.neighbourhood.effects.2.activity.2020/21`` is
    ``Neighbourhood: Non Elective deflection, 2020/21``. Labels that would repeat (two effects of a scheme on
    one POD) say which effect, in the order written. A name that is not an input of the scenario is its
    own label."""
    data = scenario_data(scenario)
    paths = number_paths(data)
    users = _parameter_users(scenario)
    chosen = list(dict.fromkeys(names))
    found = {name: _label(data, paths[name], users) if name in paths else name for name in chosen}
    counts: dict[str, int] = {}
    for label in found.values():
        counts[label] = counts.get(label, 0) + 1
    for name in chosen:
        if counts[found[name]] > 1 and name in paths:
            found[name] = _which(found[name], paths[name])
    return found


def input_label(scenario: Scenario, name: str) -> str:
    """The label of one input (:func:`input_labels`)."""
    return input_labels(scenario, [name])[name]


def _which(label: str, path: Path) -> str:
    """``label`` told apart from another of the same words: by its effect's number, else its year's place."""
    if len(path) > 3 and path[0] == "schemes" and path[2] == "effects" and isinstance(path[3], int):
        head, comma, year = label.rpartition(", ")
        if comma and YEAR.match(year):
            return f"{head} (effect {path[3] + 1}), {year}"
        return f"{label} (effect {path[3] + 1})"
    return f"{label} ({'.'.join(str(part) for part in path)})"


def _label(data: Mapping[str, Any], path: Path, users: Mapping[str, list[str]]) -> str:
    year = str(path[-1]) if YEAR.match(str(path[-1])) else None
    rest = path[:-1] if year is not None else path
    text = _describe(data, rest, users)
    return f"{text}, {year}" if year is not None else text


def _names(data: Mapping[str, Any], section: str) -> dict[str, str]:
    items = data.get(section) or []
    return {str(item.get("id")): str(item.get("name") or item.get("id")) for item in items}


def _item(data: Mapping[str, Any], section: str, index: PathPart) -> Mapping[str, Any]:
    found = _child(data.get(section), index)
    return found if isinstance(found, Mapping) else {}


def _words(parts: Iterable[PathPart]) -> str:
    return " ".join(str(part).replace("_", " ") for part in parts)


def _describe(data: Mapping[str, Any], rest: Path, users: Mapping[str, list[str]]) -> str:
    section, tail = str(rest[0]), rest[2:]
    pods = _names(data, "pods")
    orgs = _names(data, "organisations")
    item = _item(data, section, rest[1]) if len(rest) > 1 else {}
    if section == "schemes" and len(rest) > 1 and len(tail) >= 3 and tail[0] == "workforce_effects":
        change = _child(item.get("workforce_effects"), tail[1])
        group = str(change.get("group")) if isinstance(change, Mapping) else ""
        staff = _names(data, "workforce").get(group, group)
        return f"{_named(item)}: {staff} agency WTE converted to substantive"
    if section == "schemes" and len(rest) > 1:
        return f"{_named(item)}: {_scheme_words(tail, item, pods)}"
    if section == "pods" and len(rest) > 1:
        pod = _named(item)
        if len(tail) == 3 and tail[:2] == ("activity", "population_rates"):
            return f"{pod} activity per person aged {tail[2]}"
        if len(tail) == 4 and tail[:2] == ("activity", "demographic_rates"):
            return f"{pod} activity per {tail[2]} person aged {tail[3]}"
        return f"{pod} {POD_WORDS.get(tuple(str(part) for part in tail), _words(tail))}"
    if section == "organisations" and len(rest) > 1:
        return f"{_named(item)}: {_finance_words(tail, item)}"
    if section == "cohorts" and len(rest) > 1:
        cohort = _named(item)
        if len(tail) == 2 and tail[0] == "shares":
            return f"{cohort}: share of {pods.get(str(tail[1]), str(tail[1]))}"
        return f"{cohort}: {_words(tail)}"
    if section == "population" and len(rest) > 1:
        return f"Population aged {rest[1]}"
    if section == "demography" and len(rest) == 4 and rest[1] == "people":
        return f"Population, {rest[2]} aged {rest[3]}"
    if section == "cohort_overlaps" and len(rest) == 4 and rest[2] == "shares":
        cohorts = _names(data, "cohorts")
        pair = " and ".join(cohorts.get(str(c), str(c)) for c in item.get("cohorts", []))
        return f"{pair}: shared share of {pods.get(str(rest[3]), str(rest[3]))}"
    if section == "parameters" and len(rest) > 1:
        name = str(rest[1])
        # a benchmark's opportunity (scenario/benchmarks.py): "<id> opportunity"
        parts = [*name.split(".")[1:], "opportunity"] if name.startswith("opportunity.") else [name]
        words = _words(parts) + (f" {_words(rest[3:])}" if len(rest) > 3 else "")
        lines = users.get(name, [])
        return f"{' and '.join(lines)}: {words}" if lines else f"Parameter {words}"
    if section == "positions" and len(rest) > 2 and rest[1] == "do_nothing":
        return f"{orgs.get(str(rest[2]), str(rest[2]))}: do-nothing gap"
    if section == "positions" and len(rest) > 2 and rest[1] == "plan_lines":
        line = _named(_item(data["positions"], "plan_lines", rest[2]))
        more = [part for part in rest[3:] if part != "value"]
        return f"{line}: {_words(more)}" if more else line
    if section in ("investments", "funding", "capital") and len(rest) > 1:
        named = _named(item)
        more = [part for part in tail if part != "amount"]
        kind = {"investments": "investment", "funding": "funding", "capital": "capital"}[section]
        text = named if kind in named.lower() else f"{named} ({kind})"
        return f"{text}: {_words(more)}" if more else text
    if section == "contracts" and len(rest) > 1:
        provider = orgs.get(str(item.get("provider")), "the provider")
        payer = orgs.get(str(item.get("payer")))
        name = item.get("name") or (
            f"{payer} – {provider} contract" if payer else f"Contract with {provider}"
        )
        return f"{name}: {_words(tail)}"
    if section == "capacity" and len(rest) > 2:
        group = _named(_item(data["capacity"], str(rest[1]), rest[2]))
        rates = rest[3:]
        if len(rates) >= 2 and str(rates[1]) in pods:
            return f"{group}: {_words(rates[:1])} of {pods[str(rates[1])]}"
        return f"{group}: {_words(rates)}"
    if section == "workforce" and len(rest) > 1:
        return f"{_named(item)}: {_words(tail)}"
    return _words(rest)


def _named(item: Mapping[str, Any]) -> str:
    return str(item.get("name") or item.get("id") or "")


def _scheme_words(tail: Path, scheme: Mapping[str, Any], pods: Mapping[str, str]) -> str:
    if len(tail) >= 3 and tail[0] == "effects":
        effect = _child(scheme.get("effects"), tail[1])
        if isinstance(effect, Mapping):
            return _effect_words(effect, str(tail[2]), pods)
    if len(tail) >= 2 and tail[0] == "investment":
        return f"{_words([tail[1]]).replace('non recurrent', 'non-recurrent')} investment"
    if len(tail) >= 3 and tail[0] == "non_cash_benefits":
        benefit = _named(_child(scheme.get("non_cash_benefits"), tail[1]) or {})
        more = [part for part in tail[2:] if part != "amount"]
        return f"{benefit} {_words(more)}".strip()
    return _words(tail)


def _effect_words(effect: Mapping[str, Any], field: str, pods: Mapping[str, str]) -> str:
    pod = pods.get(str(effect.get("pod")), str(effect.get("pod")))
    kind = str(effect.get("kind"))
    if kind == "absolute" and field == "activity" and effect.get("counts_as") == "avoided_growth":
        return f"{pod} growth avoided"
    return f"{pod} {EFFECT_WORDS.get((kind, field), _words([field]))}"


def _finance_words(tail: Path, org: Mapping[str, Any]) -> str:
    if len(tail) >= 2 and tail[0] == "finance":
        field = str(tail[1])
        if field in FINANCE_WORDS and len(tail) == 2:
            return FINANCE_WORDS[field]
        finance = org.get("finance") or {}
        if field == "expenditure" and len(tail) >= 4:
            category = _named(_child(finance.get("expenditure"), tail[2]) or {})
            more = [part for part in tail[3:] if part != "base"]
            return f"{category} expenditure {_words(more)}".strip()
        if field == "items" and len(tail) >= 4:
            item = _named(_child(finance.get("items"), tail[2]) or {})
            more = [part for part in tail[3:] if part != "amount"]
            return f"{item} {_words(more)}".strip()
    return _words(tail)


def _parameter_users(scenario: Scenario) -> dict[str, list[str]]:
    """The names of the plan lines whose formula uses each parameter, in the order written."""
    from carebridge.scenario.formula import FormulaError, parse_formula

    users: dict[str, list[str]] = {}
    for line in scenario.positions.plan_lines:
        if line.formula is None:
            continue
        try:
            names = parse_formula(line.formula).names
        except FormulaError:
            continue
        for name in sorted(set(names) & set(scenario.parameters)):
            users.setdefault(name, []).append(line.name)
    return users


# --- checks ----------------------------------------------------------------------------------------------


def check_uncertainty(scenario: Scenario, check: Callable[[Scenario], list[Problem]]) -> list[Problem]:
    """Problems of the delivery multipliers, the correlations, and of the rules that ``check`` applies to
    numbers, at the low and high end of each distribution."""
    problems = list(_delivery(scenario))
    problems.extend(_correlations(scenario))
    if scenario.uncertainty.inputs:
        problems.extend(_at_the_ends(scenario, check))
    return problems


def _delivery(scenario: Scenario) -> Iterator[Problem]:
    for position, scheme in enumerate(scenario.schemes):
        if scheme.delivery < 0:
            message = "delivery must be zero or more (1 delivers as planned, 0.8 delivers 80%); found "
            yield Problem(("schemes", position, "delivery"), message + format_value(scheme.delivery))


def _correlations(scenario: Scenario) -> Iterator[Problem]:
    names = list(scenario.uncertainty.inputs)
    seen: dict[frozenset[str], int] = {}
    valid: list[tuple[str, str, float]] = []
    for position, correlation in enumerate(scenario.uncertainty.correlations):
        path: Path = ("uncertainty", "correlations", position)
        ok = True
        if len(correlation.inputs) != 2 or correlation.inputs[0] == correlation.inputs[1]:
            found = ", ".join(f"'{name}'" for name in correlation.inputs) or "none"
            yield Problem((*path, "inputs"), f"name two different uncertain inputs; found {found}")
            ok = False
        for number, name in enumerate(correlation.inputs):
            if name not in scenario.uncertainty.inputs:
                hint = did_you_mean(name, names) or _uncertain_names(names)
                yield Problem((*path, "inputs", number), f"'{name}' is not an uncertain input{hint}")
                ok = False
        if not -1 <= correlation.rank <= 1:
            message = f"a rank correlation must be between -1 and 1; found {format_value(correlation.rank)}"
            yield Problem((*path, "rank"), message)
            ok = False
        pair = frozenset(correlation.inputs)
        if ok and pair in seen:
            yield Problem((*path, "inputs"), f"this pair is already correlated at correlations[{seen[pair]}]")
            ok = False
        seen.setdefault(pair, position)
        if ok:
            valid.append((correlation.inputs[0], correlation.inputs[1], correlation.rank))
    if valid and not _positive_definite(valid):
        message = (
            "the rank correlations contradict each other (together they are not a valid correlation "
            "matrix); weaken some of them"
        )
        yield Problem(("uncertainty", "correlations"), message)


def _uncertain_names(names: list[str]) -> str:
    if not names:
        return "; no input is uncertain (write a distribution, like {dist: triangular, ...}, for a number)"
    shown = ", ".join(f"'{name}'" for name in names[:5])
    return f"; the uncertain inputs are {shown}" + (", …" if len(names) > 5 else "")


def correlation_matrix(pairs: list[tuple[str, str, float]]) -> tuple[list[str], np.ndarray]:
    """The inputs named in ``pairs`` and their correlation matrix (1 on the diagonal, 0 where not given)."""
    names = list(dict.fromkeys(name for a, b, _ in pairs for name in (a, b)))
    matrix = np.eye(len(names))
    for a, b, rank in pairs:
        i, j = names.index(a), names.index(b)
        matrix[i, j] = matrix[j, i] = rank
    return names, matrix


def _positive_definite(pairs: list[tuple[str, str, float]]) -> bool:
    _, matrix = correlation_matrix(pairs)
    return bool(np.linalg.eigvalsh(matrix).min() > 1e-9)


def _at_the_ends(scenario: Scenario, check: Callable[[Scenario], list[Problem]]) -> Iterator[Problem]:
    """Problems that the checks find at an uncertain input when every distribution is at its low (or high)
    end, reported at the distribution."""
    paths = uncertain_paths(scenario)
    dists: dict[str, AnyDistribution] = dict(scenario.uncertainty.inputs)
    reported: set[Path] = set()
    for end, pick in (("low", 0), ("high", 1)):
        data = scenario_data(scenario)
        data.pop("uncertainty", None)
        for name, path in paths.items():
            _set(data, path, dists[name].bounds()[pick])
        try:
            varied = Scenario.model_validate(data)
        except ValidationError:
            continue
        for problem in check(varied):
            owner = next((path for path in paths.values() if problem.path[: len(path)] == path), None)
            if owner is None or owner in reported:
                continue
            reported.add(owner)
            yield Problem(owner, f"at the {end} end of its distribution, {problem.message}")
