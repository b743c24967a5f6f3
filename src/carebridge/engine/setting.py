"""Effects that change the setting of activity or its length of stay, and effects given as formulas
(docs/effects.md sections 1–3).

- :func:`with_formula_effects` evaluates the formulas of ``absolute`` effects over the do-nothing activity and
  adds their activity to the compiled effects, before the schemes run;
- :func:`shift_reductions` gives the activity each ``shift`` moves, as a reduction of the POD it leaves and a
  negative reduction (an addition) of the POD it reaches: the saving is then the price difference;
- :func:`length_of_stay` gives the fall in bed days per spell of each POD, the bed days each scheme saves on
  do-something spells, and their money (a bed-day price, or the spell price spread over its bed days).

Every number is read through the run's :class:`~carebridge.engine.inputs.InputValues`, so a Monte Carlo run
gives each of them a ``draw`` dimension where it is uncertain.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import xarray as xr

from carebridge.engine.drivers import FormulaValueError, evaluate
from carebridge.engine.errors import ModelError
from carebridge.engine.inputs import EffectInputs, InputValues
from carebridge.engine.schemes import combine_fractions
from carebridge.engine.workforce import by_key
from carebridge.scenario.errors import Path, Problem
from carebridge.scenario.formula import parse_formula
from carebridge.scenario.schema import Absolute, LengthOfStay, Parameter, Scenario, Shift
from carebridge.scenario.years import YearRange

Names = dict[str, xr.DataArray | float]


def has_new_effects(scenario: Scenario) -> bool:
    """Whether any scheme has a shift, a length-of-stay effect or an effect given as a formula."""
    return any(
        isinstance(effect, Shift | LengthOfStay) or (isinstance(effect, Absolute) and effect.formula)
        for scheme in scenario.schemes
        for effect in scheme.effects
    )


def effect_names(
    scenario: Scenario, span: YearRange, values: InputValues, do_nothing: xr.DataArray, price: xr.DataArray
) -> Names:
    """What an effect's formula can name: parameters, ``activity.<pod>`` (do-nothing) and ``price.<pod>``."""
    names: Names = {
        "__years__": xr.DataArray(np.zeros(len(span)), dims=["year"], coords={"year": span.labels})
    }
    for name, parameter in scenario.parameters.items():
        if isinstance(parameter, Parameter):
            names[str(name)] = values.series(span, ("parameters", name, "value"), parameter.value)
        else:
            names[str(name)] = values.series(span, ("parameters", name), parameter)
    for pod in scenario.pods:
        if pod.activity is not None:
            names[f"activity.{pod.id}"] = do_nothing.sel(pod=pod.id, drop=True)
        names[f"price.{pod.id}"] = price.sel(pod=pod.id, drop=True)
    return names


def _effect_series(
    span: YearRange,
    values: InputValues,
    path: Path,
    value: float | dict[object, float] | None,
    formula: str | None,
    names: Names,
    problems: list[Problem],
) -> xr.DataArray:
    """An effect's number by year (and draw): the value as written, or its formula's value."""
    template = names["__years__"]
    assert isinstance(template, xr.DataArray)
    if formula is None:
        return values.series(span, path, value)  # type: ignore[arg-type]
    try:
        result = evaluate(parse_formula(formula), names)
    except FormulaValueError as error:
        problems.append(Problem((*path[:-1], "formula"), f"formula '{formula}' {error}"))
        return xr.zeros_like(template)
    return xr.zeros_like(template) + result


def _delivery(scenario: Scenario, values: InputValues, index: int) -> xr.DataArray | float:
    number = values.number(("schemes", index, "delivery"), scenario.schemes[index].delivery)
    return xr.DataArray(number, dims=[] if np.ndim(number) == 0 else ["draw"])


def with_formula_effects(
    scenario: Scenario, effects: EffectInputs, names: Names, span: YearRange, values: InputValues
) -> EffectInputs:
    """``effects`` with the activity of every ``absolute`` effect given as a formula added (times its
    scheme's delivery). Raises :class:`ModelError` naming the effect when a formula gives no number."""
    problems: list[Problem] = []
    reduction, avoided = effects.absolute_reduction, effects.absolute_avoided
    for i, scheme in enumerate(scenario.schemes):
        for k, effect in enumerate(scheme.effects):
            if not isinstance(effect, Absolute) or effect.formula is None:
                continue
            path: Path = ("schemes", i, "effects", k, "activity")
            series = _effect_series(span, values, path, None, effect.formula, names, problems)
            cell = (series * _delivery(scenario, values, i)).expand_dims(scheme=[scheme.id], pod=[effect.pod])
            added = cell.reindex_like(reduction, fill_value=0.0)
            if effect.counts_as == "avoided_growth":
                avoided = avoided + added
            else:
                reduction = reduction + added
    if problems:
        raise ModelError(problems)
    dims = ("scheme", "year", "pod")
    return dataclasses.replace(
        effects,
        absolute_reduction=reduction.transpose(..., *dims),
        absolute_avoided=avoided.transpose(..., *dims),
    )


def _fraction_cells(
    scenario: Scenario,
    kind: type[Shift] | type[LengthOfStay],
    names: Names,
    span: YearRange,
    values: InputValues,
    problems: list[Problem],
) -> list[tuple[int, Shift | LengthOfStay, xr.DataArray]]:
    """(scheme index, effect, fraction by year × delivery) of every effect of ``kind``."""
    cells: list[tuple[int, Shift | LengthOfStay, xr.DataArray]] = []
    for i, scheme in enumerate(scenario.schemes):
        for k, effect in enumerate(scheme.effects):
            if isinstance(effect, kind):
                path: Path = ("schemes", i, "effects", k, "fraction")
                series = _effect_series(span, values, path, effect.fraction, effect.formula, names, problems)
                cells.append((i, effect, series * _delivery(scenario, values, i)))
    return cells


def shift_reductions(
    scenario: Scenario,
    effects: EffectInputs,
    names: Names,
    span: YearRange,
    values: InputValues,
    base: xr.DataArray,
    do_nothing: xr.DataArray,
) -> xr.DataArray:
    """Activity each scheme's shifts move, as reductions (scheme, year, pod): positive on the POD the
    activity leaves, negative on the POD it reaches, so that each shift adds to 0 over the PODs.

    ``m[k,t] = σ'[k,t] · cs[c(k),p] · B[t,p]`` with ``B`` the do-nothing (``basis: do_nothing``) or base
    activity; shifts out of one (cohort, POD, basis) combine by the overlap rule (:func:`combine_fractions`).
    """
    problems: list[Problem] = []
    cells = [
        (i, effect, series)
        for i, effect, series in _fraction_cells(scenario, Shift, names, span, values, problems)
        if isinstance(effect, Shift)
    ]
    if problems:
        raise ModelError(problems)
    zero = xr.zeros_like(effects.absolute_reduction)
    if not cells:
        return zero
    schemes = [s.id for s in scenario.schemes]
    pods = [str(p) for p in base.pod.values]
    routes = [f"{n}" for n in range(len(cells))]
    total = zero
    for basis in ("do_nothing", "base"):
        chosen = [(r, cell) for r, cell in zip(routes, cells, strict=True) if cell[1].basis == basis]
        if not chosen:
            continue
        ids = [r for r, _ in chosen]
        fraction = xr.concat([cell[2] for _, cell in chosen], dim="route").assign_coords(route=ids)

        leaves = _one_hot(ids, [cell[1].pod for _, cell in chosen], "pod", pods)
        reaches = _one_hot(ids, [cell[1].to for _, cell in chosen], "pod", pods)
        owner = _one_hot(ids, [schemes[cell[0]] for _, cell in chosen], "scheme", schemes)
        by_route = fraction * leaves  # (route, year, pod)
        # a scheme's shifts out of one POD add (they split its activity between settings); schemes combine
        # by the overlap rule, and each route keeps its part of its scheme's combined fraction
        own = xr.dot(by_route, owner, dim="route").transpose(..., "scheme", "year", "pod")
        combined, _ = combine_fractions(own, effects.scheme_cohort)
        own_of_route = xr.dot(own, owner, dim="scheme")
        part = (by_route / own_of_route.where(own_of_route != 0)).fillna(0.0)
        per_route = part * xr.dot(combined, owner, dim="scheme")
        share = xr.dot(owner, (effects.scheme_cohort * effects.cohort_share).sum("cohort"), dim="scheme")
        activity = do_nothing if basis == "do_nothing" else base.broadcast_like(do_nothing)
        moved = (per_route * share * activity).sum("pod")  # (route, year)
        by_scheme = xr.dot(moved * (leaves - reaches), owner, dim="route")
        total = total + by_scheme
    return total.transpose(..., "scheme", "year", "pod")


def _one_hot(routes: list[str], wanted: list[str], dim: str, labels: list[str]) -> xr.DataArray:
    """(route, dim): 1 where a route's item is the label."""
    rows = [[1.0 if label == item else 0.0 for label in labels] for item in wanted]
    return xr.DataArray(np.array(rows), dims=["route", dim], coords={"route": routes, dim: labels})


@dataclass(frozen=True)
class StayChange:
    """What length-of-stay effects do: the fall in bed days per spell and its money."""

    stay_factor: xr.DataArray  # (year, pod): do-something bed days per spell ÷ do-nothing, 1 − Λ
    bed_days_saved: xr.DataArray  # (scheme, year, pod)
    money: xr.DataArray  # (scheme, year, pod), £'000 saved at the bed-day value, tariff basis


def bed_days_per_spell(
    scenario: Scenario, span: YearRange, values: InputValues, pods: list[str]
) -> xr.DataArray:
    """``L[t,p] = Σ_b LOS[b,t,p]``: bed days per spell of each POD over the bed bases that name it (built in
    numpy, a ``draw`` axis first where a length of stay is uncertain)."""
    total: np.ndarray | None = None
    for b, bed in enumerate(scenario.capacity.beds):
        one = by_key(span, values, ("capacity", "beds", b, "length_of_stay"), bed.length_of_stay, pods, "pod")
        total = one.values if total is None else total + one.values
    data = np.zeros((len(span), len(pods))) if total is None else total
    dims = [*(["draw"] if data.ndim > 2 else []), "year", "pod"]
    return xr.DataArray(data, dims=dims, coords={"year": span.labels, "pod": pods})


def length_of_stay(
    scenario: Scenario,
    effects: EffectInputs,
    names: Names,
    span: YearRange,
    values: InputValues,
    do_something: xr.DataArray,
    price: xr.DataArray,
) -> StayChange:
    """The fall in bed days per spell ``Λ[t,p] = Σ_c λ_c · cs[c,p]`` (overlap rule within a cohort), the bed
    days each scheme saves ``s = λ' · cs · AS · L`` and their money ``s · V / 1000`` with ``V`` the effect's
    bed-day price or ``P / L``. Raises :class:`ModelError` when stays would fall below zero."""
    problems: list[Problem] = []
    cells = _fraction_cells(scenario, LengthOfStay, names, span, values, problems)
    if problems:
        raise ModelError(problems)
    zero = xr.zeros_like(effects.absolute_reduction)
    pods = [str(p) for p in do_something.pod.values]
    ones = xr.ones_like(do_something.isel(draw=0, drop=True) if "draw" in do_something.dims else do_something)
    if not cells:
        return StayChange(stay_factor=ones, bed_days_saved=zero, money=zero)
    schemes = [s.id for s in scenario.schemes]
    fraction = zero.copy()
    value = zero.copy()
    stay = bed_days_per_spell(scenario, span, values, pods)
    spell_value = (price / stay.where(stay > 0)).fillna(0.0)
    for i, effect, series in cells:
        cell = series.expand_dims(scheme=[schemes[i]], pod=[effect.pod]).reindex_like(zero, fill_value=0.0)
        fraction = fraction + cell
        assert isinstance(effect, LengthOfStay)
        if effect.bed_day_price is not None:
            k = scenario.schemes[i].effects.index(effect)
            path: Path = ("schemes", i, "effects", k, "bed_day_price")
            priced = values.series(span, path, effect.bed_day_price)
        else:
            priced = spell_value.sel(pod=effect.pod, drop=True)
        mask = xr.zeros_like(zero.isel(draw=0, drop=True) if "draw" in zero.dims else zero)
        mask.loc[{"scheme": schemes[i], "pod": effect.pod}] = 1.0
        value = value + mask * priced
    per_scheme, combined = combine_fractions(
        fraction.transpose(..., "scheme", "year", "pod"), effects.scheme_cohort
    )
    fall = (combined * effects.cohort_share).sum("cohort")
    share = (effects.scheme_cohort * effects.cohort_share).sum("cohort")
    saved = per_scheme * share * do_something * stay
    too_far = fall > 1 + 1e-9
    if bool(too_far.any()):
        pod = str(
            fall.pod.values[np.nonzero(too_far.any([d for d in too_far.dims if d != "pod"]).values)[0][0]]
        )
        where = [(i, scenario.schemes[i].effects.index(e)) for i, e, _ in cells if e.pod == pod]
        named = ", ".join(f"'{scenario.schemes[i].id}'" for i, _ in where)
        raise ModelError(
            [
                Problem(
                    ("schemes", where[0][0], "effects", where[0][1], "fraction"),
                    f"the length-of-stay effects of {named} take the length of stay of POD '{pod}' below "
                    "zero (their cohorts' shares of it add to more than 1); lower the fractions",
                )
            ]
        )
    dims = ("scheme", "year", "pod")
    return StayChange(
        stay_factor=(1 - fall).transpose(..., "year", "pod"),
        bed_days_saved=saved.transpose(..., *dims),
        money=(saved * value / 1000).transpose(..., *dims),
    )
