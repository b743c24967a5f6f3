"""Checks of the plan-level inputs: parameters, finance, driver-based lines, capacity and variants.

Formulas are parsed here, so a user sees a formula that cannot be read, or names an input that does not
exist, with the column of the offending part — before anything runs.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator, Sequence

from carebridge.scenario.benchmarks import is_opportunity_name, unknown_opportunity
from carebridge.scenario.errors import Path, Problem, did_you_mean
from carebridge.scenario.formula import Formula, FormulaError, parse_formula
from carebridge.scenario.names import finance_names, line_names
from carebridge.scenario.schema import BedBase, PlanLine, Scenario, StaffGroup
from carebridge.scenario.years import YearError, YearRange, parse_year

PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def check_plan(scenario: Scenario) -> list[Problem]:
    """Every problem of the plan-level inputs, in the order of the file."""
    return [
        *_parameters(scenario),
        *_finance(scenario),
        *_plan_lines(scenario),
        *_capacity(scenario),
        *_capital(scenario),
    ]


def formula_problem(
    path: Path, text: str, allowed: Sequence[str], kinds: str | None = None
) -> tuple[Formula | None, list[Problem]]:
    """Parse ``text`` and check its names against ``allowed``; the problems say the column."""
    where = (*path,)
    try:
        formula = parse_formula(text)
    except FormulaError as error:
        return None, [Problem(where, _at(text, error.column, error.message))]
    problems = []
    known = set(allowed)
    for reference in formula.references:
        if reference.name not in known:
            hint = (
                unknown_opportunity(reference.name, allowed)
                or did_you_mean(reference.name, allowed)
                or (kinds or _kinds_of_name())
            )
            message = f"'{reference.name}' is not a named input{hint}"
            problems.append(Problem(where, _at(text, reference.column, message)))
    return formula, problems


def _at(text: str, column: int | None, message: str) -> str:
    """``formula '…', at column 9: message`` (columns count from 1, as an editor shows them)."""
    place = f", at column {column + 1}" if column is not None else ""
    return f"formula '{text}'{place}: {message}"


def _kinds_of_name() -> str:
    return (
        "; a formula can use parameters, activity.<pod>, price.<pod>, income.<org>, expenditure.<org>, "
        "expenditure.<org>.<category>, gap.<org>, line.<id>, savings.tariff and savings.cost"
    )


def _parameters(scenario: Scenario) -> Iterator[Problem]:
    for name in scenario.parameters:
        if is_opportunity_name(str(name), scenario):
            continue  # the loader's, from a benchmark
        if keyword.iskeyword(str(name)):
            yield Problem(
                ("parameters", str(name)),
                f"'{name}' is a word the formula language reserves; choose another parameter name",
            )
        elif not PARAMETER_NAME.match(str(name)):
            yield Problem(
                ("parameters", str(name)),
                f"'{name}' is not a valid parameter name; expected lower-case letters, digits and "
                "underscores, starting with a letter",
            )


def _finance(scenario: Scenario) -> Iterator[Problem]:
    activity_pods = [pod.id for pod in scenario.pods if pod.activity is not None]
    allowed = finance_names(scenario)
    for position, organisation in enumerate(scenario.organisations):
        finance = organisation.finance
        if finance is None:
            continue
        path: Path = ("organisations", position, "finance")
        if organisation.id in scenario.positions.do_nothing:
            yield Problem(
                ("positions", "do_nothing", organisation.id),
                f"organisation '{organisation.id}' has finance, which gives its do-nothing gap; "
                "give the gap here or the finance, not both",
            )
        if finance.income < 0:
            yield Problem((*path, "income"), f"income cannot be negative; found {finance.income:g}")
        for number, category in enumerate(finance.expenditure):
            where = (*path, "expenditure", number)
            if category.base < 0:
                yield Problem((*where, "base"), f"expenditure cannot be negative; found {category.base:g}")
            for pod_number, pod in enumerate(category.demand_pods or []):
                if pod not in activity_pods:
                    hint = did_you_mean(pod, activity_pods) or "; expected a POD with activity"
                    yield Problem(
                        (*where, "demand_pods", pod_number), f"'{pod}' is not a POD with activity{hint}"
                    )
            if category.demand_pods is not None and category.demand_growth != "activity":
                yield Problem(
                    (*where, "demand_pods"), "demand_pods is used only when demand_growth is 'activity'"
                )
        for number, item in enumerate(finance.items):
            where = (*path, "items", number)
            given = [name for name in ("amount", "formula") if getattr(item, name) is not None]
            if len(given) != 1:
                found = " and ".join(given) if given else "neither"
                yield Problem(where, f"give exactly one of amount and formula; found {found}")
            if item.formula is not None:
                kinds = (
                    "; a finance item's formula can use parameters, activity.<pod>, price.<pod>, "
                    "income.<org> and expenditure.<org> (or .<category>)"
                )
                _, problems = formula_problem((*where, "formula"), item.formula, allowed, kinds)
                yield from problems


def _plan_lines(scenario: Scenario) -> Iterator[Problem]:
    allowed = line_names(scenario)
    lines = scenario.positions.plan_lines
    ids = [line.id for line in lines]
    cohorts = [cohort.id for cohort in scenario.cohorts]
    for position, line in enumerate(lines):
        path: Path = ("positions", "plan_lines", position)
        if line.formula is None:
            yield from _formula_only_fields(path, line)
            continue
        _, problems = formula_problem((*path, "formula"), line.formula, allowed)
        yield from problems
        if not 0 <= line.realisation <= 1:
            yield Problem(
                (*path, "realisation"),
                "a realisation factor must be between 0 and 1 (0.5 realises half); "
                f"found {line.realisation:g}",
            )
        if line.cohort is not None and line.cohort not in cohorts:
            hint = did_you_mean(line.cohort, cohorts) if cohorts else "; no cohorts are defined"
            yield Problem((*path, "cohort"), f"'{line.cohort}' is not a cohort{hint}")
        if line.phasing is not None and line.phasing.profile == "fractions" and not line.phasing.fractions:
            yield Problem((*path, "phasing", "fractions"), "profile 'fractions' needs the fractions by year")
        for year, fraction in ((line.phasing.fractions or {}) if line.phasing else {}).items():
            if not 0 <= fraction <= 1:
                yield Problem(
                    (*path, "phasing", "fractions", str(year)),
                    f"a phasing fraction must be between 0 and 1; found {fraction:g}",
                )
        for number, overlap in enumerate(line.overlaps):
            where = (*path, "overlaps", number)
            for k, other in enumerate(overlap.against):
                if other not in ids:
                    hint = did_you_mean(other, ids)
                    yield Problem((*where, "against", k), f"'{other}' is not a plan line{hint}")
            given = [name for name in ("fraction", "amount") if getattr(overlap, name) is not None]
            if len(given) != 1:
                found = " and ".join(given) if given else "neither"
                yield Problem(where, f"give exactly one of fraction and amount; found {found}")
            if overlap.fraction is not None and not 0 <= overlap.fraction <= 1:
                yield Problem(
                    (*where, "fraction"), f"a fraction must be between 0 and 1; found {overlap.fraction:g}"
                )
    yield from _cycles(scenario)


def _formula_only_fields(path: Path, line: PlanLine) -> Iterator[Problem]:
    used = [
        name
        for name, is_set in (
            ("phasing", line.phasing is not None),
            ("realisation", line.realisation != 1.0),
            ("cohort", line.cohort is not None),
            ("overlaps", bool(line.overlaps)),
        )
        if is_set
    ]
    for name in used:
        yield Problem((*path, name), f"{name} applies to a formula line; this line has no formula")


def _cycles(scenario: Scenario) -> Iterator[Problem]:
    lines = scenario.positions.plan_lines
    index = {line.id: i for i, line in enumerate(lines)}
    needs: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.formula is None:
            continue
        try:
            names = parse_formula(line.formula).names
        except FormulaError:
            continue
        needs[i] = [index[name[5:]] for name in names if name.startswith("line.") and name[5:] in index]
    reported: set[frozenset[int]] = set()
    for start in needs:
        trail = _find_cycle(start, needs)
        if trail and frozenset(trail) not in reported:
            reported.add(frozenset(trail))
            circle = " → ".join(lines[i].id for i in [*trail, trail[0]])
            yield Problem(
                ("positions", "plan_lines", trail[0], "formula"),
                f"the formulas of these lines refer to each other in a circle: {circle}",
            )


def _find_cycle(start: int, needs: dict[int, list[int]]) -> list[int] | None:
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    while stack:
        node, trail = stack.pop()
        for nxt in needs.get(node, []):
            if nxt == start:
                return trail
            if nxt not in trail:
                stack.append((nxt, [*trail, nxt]))
    return None


def _capacity(scenario: Scenario) -> Iterator[Problem]:
    activity_pods = [pod.id for pod in scenario.pods if pod.activity is not None]
    sections: list[tuple[str, Sequence[BedBase | StaffGroup], str]] = [
        ("beds", scenario.capacity.beds, "length_of_stay"),
        ("workforce", scenario.capacity.workforce, "per_unit"),
    ]
    for section, items, field in sections:
        for position, item in enumerate(items):
            for pod in getattr(item, field):
                if pod not in activity_pods:
                    hint = did_you_mean(pod, activity_pods) or "; expected a POD with activity"
                    yield Problem(
                        ("capacity", section, position, field, pod),
                        f"'{pod}' is not a POD with activity{hint}",
                    )
    for position, bed in enumerate(scenario.capacity.beds):
        if bed.days <= 0:
            yield Problem(
                ("capacity", "beds", position, "days"),
                f"days a bed is open must be above 0 (365 for all year); found {bed.days:g}",
            )
        if not 0 < bed.occupancy <= 1:
            yield Problem(
                ("capacity", "beds", position, "occupancy"),
                f"occupancy must be above 0 and at most 1 (0.85 = 85%); found {bed.occupancy:g}",
            )


def _capital(scenario: Scenario) -> Iterator[Problem]:
    organisations = [o.id for o in scenario.organisations]
    enabled = [line.id for line in scenario.positions.plan_lines] + [scheme.id for scheme in scenario.schemes]
    try:
        years = YearRange.from_labels(scenario.base_year, scenario.end_year)
    except YearError:
        years = None
    for position, scheme in enumerate(scenario.capital):
        path: Path = ("capital", position)
        if scheme.org is not None and scheme.org not in organisations:
            hint = did_you_mean(scheme.org, organisations)
            yield Problem((*path, "org"), f"'{scheme.org}' is not an organisation{hint}")
        for number, name in enumerate(scheme.enables):
            if name not in enabled:
                hint = did_you_mean(name, enabled)
                yield Problem((*path, "enables", number), f"'{name}' is not a plan line or scheme{hint}")
        for year, amount in scheme.amount.items():
            where = (*path, "amount", str(year))
            try:
                if years is not None:
                    years.index(str(year)) if isinstance(year, str) else parse_year(year)
            except YearError as error:
                yield Problem(where, str(error))
                continue
            if amount < 0:
                yield Problem(where, f"capital is written positive; found {amount:g}")
