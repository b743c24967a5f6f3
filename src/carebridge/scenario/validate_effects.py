"""Checks of the effects that change setting and length of stay, of effects given as formulas, and of the
workforce (docs/effects.md). Each problem carries the path of the offending value; the loader adds the line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from carebridge.scenario.errors import Path, Problem, did_you_mean, format_value
from carebridge.scenario.schema import (
    Absolute,
    LengthOfStay,
    Scenario,
    Shift,
    WorkforceGroup,
    YearValue,
)
from carebridge.scenario.validate_plan import formula_problem

EFFECT_FORMULA_KINDS = (
    "; an effect's formula can use parameters, activity.<pod> (do-nothing activity) and price.<pod>"
)


def effect_names(scenario: Scenario) -> list[str]:
    """Names an effect's formula may use: parameters, ``activity.<pod>`` and ``price.<pod>``."""
    names = [str(name) for name in scenario.parameters]
    names += [f"activity.{pod.id}" for pod in scenario.pods if pod.activity is not None]
    names += [f"price.{pod.id}" for pod in scenario.pods]
    return names


def check_new_effects(scenario: Scenario) -> list[Problem]:
    """Every problem of the shift, length-of-stay and formula effects and of the workforce."""
    return [*_effects(scenario), *_workforce(scenario)]


def _numbers(path: Path, value: YearValue | None) -> Iterator[tuple[Path, float]]:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, number in value.items():
            yield (*path, str(key)), number
    else:
        yield path, value


def _effects(scenario: Scenario) -> Iterator[Problem]:
    allowed = effect_names(scenario)
    pods = {pod.id: pod for pod in scenario.pods}
    stays = {pod for bed in scenario.capacity.beds for pod in bed.length_of_stay}
    for i, scheme in enumerate(scenario.schemes):
        for k, effect in enumerate(scheme.effects):
            where: Path = ("schemes", i, "effects", k)
            if isinstance(effect, Absolute):
                yield from _one_of(where, "activity", effect.activity, effect.formula)
            elif isinstance(effect, Shift | LengthOfStay):
                yield from _one_of(where, "fraction", effect.fraction, effect.formula)
            else:
                continue
            if effect.formula is not None:
                _, problems = formula_problem(
                    (*where, "formula"), effect.formula, allowed, EFFECT_FORMULA_KINDS
                )
                yield from problems
            if isinstance(effect, Shift):
                yield from _shift(where, effect, pods)
            elif isinstance(effect, LengthOfStay):
                yield from _length_of_stay(where, effect, stays)


def _one_of(where: Path, field: str, value: YearValue | None, formula: str | None) -> Iterator[Problem]:
    if (value is None) == (formula is None):
        found = "both" if value is not None else "neither"
        yield Problem(where, f"give exactly one of {field} and formula; found {found}")


def _shift(where: Path, effect: Shift, pods: Mapping[str, object]) -> Iterator[Problem]:
    if effect.to == effect.pod:
        yield Problem(
            (*where, "to"),
            f"a shift moves activity to another POD; found '{effect.to}', the POD it moves from",
        )
        return
    target = pods.get(effect.to)
    if target is None:
        hint = did_you_mean(effect.to, list(pods)) or "; expected the id of a POD"
        yield Problem((*where, "to"), f"'{effect.to}' is not a POD{hint}")
        return
    if getattr(target, "activity", None) is None:
        yield Problem(
            (*where, "to"),
            f"POD '{effect.to}' has no activity to receive the shift; give it an activity (base 0 for a new "
            "setting)",
        )
    if getattr(target, "price", None) is None:
        yield Problem((*where, "to"), f"POD '{effect.to}' has no price to cost the activity it receives")


def _length_of_stay(where: Path, effect: LengthOfStay, stays: set[str]) -> Iterator[Problem]:
    for path, number in _numbers((*where, "fraction"), effect.fraction):
        if number > 1:
            yield Problem(
                path,
                "a length of stay cannot fall below zero: the fraction it falls by is at most 1 "
                f"(0.2 = 20% shorter stays); found {format_value(number)}",
            )
        elif number < -1:
            yield Problem(
                path, f"a fraction must be between -1 and 1 (0.2 means 20%); found {format_value(number)}"
            )
    for path, number in _numbers((*where, "bed_day_price"), effect.bed_day_price):
        if number < 0:
            yield Problem(path, f"a price cannot be negative; found {format_value(number)}")
    if effect.pod not in stays:
        yield Problem(
            (*where, "pod"),
            f"POD '{effect.pod}' has no length of stay; give it one in a bed base of capacity.beds",
        )


def _workforce(scenario: Scenario) -> Iterator[Problem]:
    organisations = [o.id for o in scenario.organisations]
    activity_pods = [pod.id for pod in scenario.pods if pod.activity is not None]
    bed_bases = [bed.id for bed in scenario.capacity.beds]
    groups = [group.id for group in scenario.workforce]
    seen: set[str] = set()
    for g, group in enumerate(scenario.workforce):
        path: Path = ("workforce", g)
        if group.id in seen:
            yield Problem((*path, "id"), f"the id '{group.id}' is given twice in workforce")
        seen.add(group.id)
        if group.org is not None and group.org not in organisations:
            hint = did_you_mean(group.org, organisations)
            yield Problem((*path, "org"), f"'{group.org}' is not an organisation{hint}")
        yield from _group_numbers(path, group)
        for pod in group.per_unit:
            if pod not in activity_pods:
                hint = did_you_mean(pod, activity_pods) or "; expected a POD with activity"
                yield Problem((*path, "per_unit", pod), f"'{pod}' is not a POD with activity{hint}")
        for bed in group.per_bed:
            if bed not in bed_bases:
                hint = did_you_mean(bed, bed_bases) or "; expected a bed base of capacity.beds"
                yield Problem((*path, "per_bed", bed), f"'{bed}' is not a bed base{hint}")
    for i, scheme in enumerate(scenario.schemes):
        for k, change in enumerate(scheme.workforce_effects):
            where: Path = ("schemes", i, "workforce_effects", k)
            if change.group not in groups:
                hint = did_you_mean(change.group, groups) or "; expected a staff group of workforce"
                yield Problem((*where, "group"), f"'{change.group}' is not a staff group{hint}")
            for at, number in _numbers((*where, "agency_to_substantive"), change.agency_to_substantive):
                if not 0 <= number <= 1:
                    yield Problem(
                        at,
                        "a fraction of agency WTE converted must be between 0 and 1; "
                        f"found {format_value(number)}",
                    )


def _group_numbers(path: Path, group: WorkforceGroup) -> Iterator[Problem]:
    if group.wte < 0:
        yield Problem((*path, "wte"), f"WTE cannot be negative; found {format_value(group.wte)}")
    for at, number in _numbers((*path, "pay_per_wte"), group.pay_per_wte):
        if number < 0:
            yield Problem(at, f"pay cannot be negative; found {format_value(number)}")
    for field in ("bank", "agency"):
        share = getattr(group, field)
        if not 0 <= share <= 1:
            yield Problem((*path, field), f"a share must be between 0 and 1; found {format_value(share)}")
    if group.bank + group.agency > 1:
        yield Problem(
            (*path, "agency"),
            f"bank and agency shares add to {format_value(group.bank + group.agency)}; at most 1 "
            "(substantive is the rest)",
        )
    for field in ("bank_premium", "agency_premium"):
        premium = getattr(group, field)
        if premium < 0:
            yield Problem((*path, field), f"a premium cannot be negative; found {format_value(premium)}")
