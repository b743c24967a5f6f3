"""Uncertain inputs: finding the distributions written in a scenario, naming them, and checking them.

The loader calls :func:`extract_distributions` on the plain data before the schema sees it: each distribution
is replaced by its central value (so the schema, the checks and a deterministic run see a number) and kept in
``uncertainty.inputs`` under its **name**, the path to it with list items named by their ``id`` (or their
position, for items without one) and years as written::

    schemes.neighbourhood.effects.3.saving.2018/19
    pods.ae.price.2017/18
    schemes.acute_interface.delivery

Correlations and sensitivity name inputs the same way. :func:`check_uncertainty` (part of
:func:`carebridge.scenario.validate.check`) checks what needs the whole scenario: the correlations, the
delivery multipliers, and that the rules a number obeys hold at both ends of its distribution.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
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
    """``scenario`` with every number of every scheme effect, every unit price (base, uplift or value by
    year) and every parameter a plan line's formula uses (the drivers of a plan typed as plan lines, like
    the STP's) that is not already uncertain made a :func:`spread` of ``fraction`` around its value: a quick
    way to see how uncertain a plan is before writing its distributions."""
    data = scenario_data(scenario)
    drivers = _plan_line_drivers(scenario)
    chosen: dict[str, AnyDistribution] = {}
    for name, path in number_paths(data).items():
        effect = path[0] == "schemes" and len(path) > 3 and path[2] == "effects"
        price = path[0] == "pods" and len(path) > 2 and path[2] == "price"
        driver = path[0] == "parameters" and len(path) > 2 and path[1] in drivers and path[2] == "value"
        if (effect or price or driver) and name not in scenario.uncertainty.inputs:
            node: Any = data
            for part in path:
                node = _child(node, part)
            chosen[name] = spread(float(node), fraction)
    return with_distributions(scenario, chosen)


def _plan_line_drivers(scenario: Scenario) -> set[str]:
    """The parameters that the formulas of the plan lines use."""
    from carebridge.scenario.formula import FormulaError, parse_formula

    names: set[str] = set()
    for line in scenario.positions.plan_lines:
        if line.formula is None:
            continue
        try:
            names.update(parse_formula(line.formula).names)
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
