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

Labelled arrays are taken and given at the seams (same dimensions, order and coordinates as the rest of the
engine); inside, the arithmetic is numpy on arrays in a fixed axis order with an optional LEADING draw axis
(written ``...``): an effect's number by (…, year), effects by (…, scheme, year, pod), cohorts by
(…, cohort, year, pod).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import xarray as xr

from carebridge.engine.drivers import FormulaValueError, evaluate_array
from carebridge.engine.errors import ModelError
from carebridge.engine.inputs import DRAW, EffectInputs, Floats, InputValues
from carebridge.engine.schemes import overlap_values
from carebridge.engine.workforce import key_values, labels_of
from carebridge.scenario.errors import Path, Problem
from carebridge.scenario.formula import parse_formula
from carebridge.scenario.schema import Absolute, LengthOfStay, Parameter, Scenario, Shift
from carebridge.scenario.years import YearRange

Names = dict[str, Floats | float]
"""What an effect's formula can name: each a number by (…, year)."""

EFFECT_DIMS = ("scheme", "year", "pod")


def has_new_effects(scenario: Scenario) -> bool:
    """Whether any scheme has a shift, a length-of-stay effect or an effect given as a formula."""
    return any(
        isinstance(effect, Shift | LengthOfStay) or (isinstance(effect, Absolute) and effect.formula)
        for scheme in scenario.schemes
        for effect in scheme.effects
    )


def values_in(array: xr.DataArray, *dims: str) -> Floats:
    """The numbers of ``array`` with ``dims`` last, in that order (a draw axis first where it has one)."""
    if array.dims[array.ndim - len(dims) :] != dims:
        array = array.transpose(..., *dims)
    return np.asarray(array.values, dtype=np.float64)


def values_by_pod(array: xr.DataArray, pods: list[str], *dims: str) -> Floats:
    """:func:`values_in` with the ``pod`` axis (one of ``dims``) in the order of ``pods``."""
    if labels_of(array, "pod") != pods:
        array = array.sel(pod=pods)
    return values_in(array, *dims)


def effect_names(
    scenario: Scenario, span: YearRange, values: InputValues, do_nothing: xr.DataArray, price: xr.DataArray
) -> Names:
    """What an effect's formula can name: parameters, ``activity.<pod>`` (do-nothing) and ``price.<pod>``,
    each by (…, year)."""
    names: Names = {"__years__": np.zeros(len(span))}
    for name, parameter in scenario.parameters.items():
        if isinstance(parameter, Parameter):
            names[str(name)] = values.expand(span, ("parameters", name, "value"), parameter.value)
        else:
            names[str(name)] = values.expand(span, ("parameters", name), parameter)
    activity, activity_pods = values_in(do_nothing, "year", "pod"), labels_of(do_nothing, "pod")
    prices, price_pods = values_in(price, "year", "pod"), labels_of(price, "pod")
    for pod in scenario.pods:
        if pod.activity is not None:
            names[f"activity.{pod.id}"] = activity[..., activity_pods.index(pod.id)]
        names[f"price.{pod.id}"] = prices[..., price_pods.index(pod.id)]
    return names


def _effect_series(
    span: YearRange,
    values: InputValues,
    path: Path,
    value: float | dict[object, float] | None,
    formula: str | None,
    names: Names,
    problems: list[Problem],
) -> Floats:
    """An effect's number by (…, year): the value as written, or its formula's value."""
    if formula is None:
        return values.expand(span, path, value)  # type: ignore[arg-type]
    try:
        result = evaluate_array(parse_formula(formula), names, len(span))
    except FormulaValueError as error:
        problems.append(Problem((*path[:-1], "formula"), f"formula '{formula}' {error}"))
        return np.zeros(len(span))
    return np.zeros(len(span)) + result


def _delivery(scenario: Scenario, values: InputValues, index: int) -> Floats:
    """The scheme's delivery multiplier shaped to multiply a number by (…, year)."""
    number = values.number(("schemes", index, "delivery"), scenario.schemes[index].delivery)
    return np.asarray(number, dtype=np.float64)[..., None]


def _lead(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The leading (draw) axes of arrays whose leading parts are ``shapes``, broadcast."""
    return np.broadcast_shapes(*shapes)


def _labelled(data: Floats, dims: tuple[str, ...], like: xr.DataArray) -> xr.DataArray:
    """``data`` by (draw?, *dims) with the coordinates of ``like`` on ``dims``: a copy of ``like`` with new
    numbers when it has the same dimensions and only their coordinates (quicker than a new array)."""
    full = (DRAW, *dims) if data.ndim > len(dims) else dims
    if like.dims == full and like.shape == data.shape and len(like.coords) == len(dims) and not like.attrs:
        return like.copy(deep=False, data=data)
    variables, indexes = like.coords.variables, like.xindexes
    coords = xr.Coordinates(
        coords={dim: variables[dim] for dim in dims}, indexes={dim: indexes[dim] for dim in dims}
    )
    return xr.DataArray(data, dims=list(full), coords=coords)


def with_formula_effects(
    scenario: Scenario, effects: EffectInputs, names: Names, span: YearRange, values: InputValues
) -> EffectInputs:
    """``effects`` with the activity of every ``absolute`` effect given as a formula added (times its
    scheme's delivery). Raises :class:`ModelError` naming the effect when a formula gives no number."""
    problems: list[Problem] = []
    pods = labels_of(effects.absolute_reduction, "pod")
    added: dict[bool, list[tuple[int, int, Floats]]] = {False: [], True: []}  # avoided growth? → cells
    for i, scheme in enumerate(scenario.schemes):
        for k, effect in enumerate(scheme.effects):
            if not isinstance(effect, Absolute) or effect.formula is None:
                continue
            path: Path = ("schemes", i, "effects", k, "activity")
            series = _effect_series(span, values, path, None, effect.formula, names, problems)
            if effect.pod in pods:
                cell = series * _delivery(scenario, values, i)
                added[effect.counts_as == "avoided_growth"].append((i, pods.index(effect.pod), cell))
    if problems:
        raise ModelError(problems)
    if not added[False] and not added[True]:
        return effects

    def plus(array: xr.DataArray, cells: list[tuple[int, int, Floats]]) -> xr.DataArray:
        if not cells:
            return array
        data = values_in(array, *EFFECT_DIMS)
        lead = _lead(data.shape[:-3], *(cell.shape[:-1] for _, _, cell in cells))
        total = np.array(np.broadcast_to(data, (*lead, *data.shape[-3:])))
        for i, j, cell in cells:
            total[..., i, :, j] += cell
        return _labelled(total, EFFECT_DIMS, array)

    return replace(
        effects,
        absolute_reduction=plus(effects.absolute_reduction, added[False]),
        absolute_avoided=plus(effects.absolute_avoided, added[True]),
    )


def _fraction_cells(
    scenario: Scenario,
    kind: type[Shift] | type[LengthOfStay],
    names: Names,
    span: YearRange,
    values: InputValues,
    problems: list[Problem],
) -> list[tuple[int, Shift | LengthOfStay, Floats]]:
    """(scheme index, effect, fraction by (…, year) × delivery) of every effect of ``kind``."""
    cells: list[tuple[int, Shift | LengthOfStay, Floats]] = []
    for i, scheme in enumerate(scenario.schemes):
        for k, effect in enumerate(scheme.effects):
            if isinstance(effect, kind):
                path: Path = ("schemes", i, "effects", k, "fraction")
                series = _effect_series(span, values, path, effect.fraction, effect.formula, names, problems)
                cells.append((i, effect, series * _delivery(scenario, values, i)))
    return cells


def combine(fraction: Floats, member: Floats) -> tuple[Floats, Floats]:
    """The overlap rule on fractions (…, scheme, year, pod) of schemes in cohorts ``member`` (scheme, cohort):
    (fraction per scheme (…, scheme, year, pod), combined per cohort (…, cohort, year, pod)), by
    :func:`carebridge.engine.schemes.overlap_values`."""
    return overlap_values(fraction, member)


def _scheme_share(effects: EffectInputs, pods: list[str]) -> tuple[Floats, Floats, Floats]:
    """(scheme → cohort one-hot, cohort share (…, cohort, pod), each scheme's share (…, scheme, pod))."""
    member = values_in(effects.scheme_cohort, "scheme", "cohort")
    cohort_share = values_by_pod(effects.cohort_share, pods, "cohort", "pod")
    return member, cohort_share, np.einsum("sc,...cp->...sp", member, cohort_share)


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
    activity; shifts out of one (cohort, POD, basis) combine by the overlap rule (:func:`combine`).
    """
    problems: list[Problem] = []
    cells = [
        (i, effect, series)
        for i, effect, series in _fraction_cells(scenario, Shift, names, span, values, problems)
        if isinstance(effect, Shift)
    ]
    if problems:
        raise ModelError(problems)
    like = effects.absolute_reduction
    zero_lead = like.shape[: like.ndim - 3]
    shape = tuple(like.sizes[dim] for dim in EFFECT_DIMS)
    if not cells:
        return _labelled(np.zeros((*zero_lead, *shape)), EFFECT_DIMS, like)
    pods = labels_of(like, "pod")
    member, _, scheme_share = _scheme_share(effects, pods)
    moving = values_by_pod(do_nothing, pods, "year", "pod")
    staying = values_by_pod(base, pods, "pod")[..., None, :]
    n_schemes, n_pods = shape[0], shape[2]
    parts: list[Floats] = []
    for basis in ("do_nothing", "base"):
        chosen = [cell for cell in cells if cell[1].basis == basis]
        if not chosen:
            continue
        lead = _lead(*(series.shape[:-1] for _, _, series in chosen))
        fraction = np.stack([np.broadcast_to(s, (*lead, s.shape[-1])) for _, _, s in chosen], axis=-2)
        leaves = _one_hot([pods.index(effect.pod) for _, effect, _ in chosen], n_pods)
        reaches = _one_hot([pods.index(effect.to) for _, effect, _ in chosen], n_pods)
        owner = _one_hot([i for i, _, _ in chosen], n_schemes)  # (route, scheme)
        by_route = fraction[..., :, :, None] * leaves[:, None, :]  # (…, route, year, pod)
        # a scheme's shifts out of one POD add (they split its activity between settings); schemes combine
        # by the overlap rule, and each route keeps its part of its scheme's combined fraction
        own = np.einsum("...ryp,rs->...syp", by_route, owner)
        combined, _ = combine(own, member)
        own_of_route = np.einsum("...syp,rs->...ryp", own, owner)
        part = np.where(own_of_route != 0, by_route / np.where(own_of_route != 0, own_of_route, 1.0), 0.0)
        per_route = part * np.einsum("...syp,rs->...ryp", combined, owner)
        share = np.einsum("rs,...sp->...rp", owner, scheme_share)[..., :, None, :]
        activity = moving if basis == "do_nothing" else staying + np.zeros_like(moving)
        moved = (per_route * share * activity[..., None, :, :]).sum(axis=-1)  # (…, route, year)
        parts.append(np.einsum("...ry,rp,rs->...syp", moved, leaves - reaches, owner))
    total = np.zeros(zero_lead + shape)
    for part_of_basis in parts:
        total = total + part_of_basis
    return _labelled(total, EFFECT_DIMS, like)


def _same_pods(array: xr.DataArray, like: xr.DataArray) -> bool:
    return bool(array.indexes["pod"].equals(like.indexes["pod"]))


def _one_hot(items: list[int], size: int) -> Floats:
    """(route, size): 1 at each route's item."""
    rows = np.zeros((len(items), size))
    rows[np.arange(len(items)), items] = 1.0
    return rows


@dataclass(frozen=True)
class StayChange:
    """What length-of-stay effects do: the fall in bed days per spell and its money."""

    stay_factor: xr.DataArray  # (year, pod): do-something bed days per spell ÷ do-nothing, 1 − Λ
    bed_days_saved: xr.DataArray  # (scheme, year, pod)
    money: xr.DataArray  # (scheme, year, pod), £'000 saved at the bed-day value, tariff basis


def stays_by_pod(scenario: Scenario, span: YearRange, values: InputValues, pods: list[str]) -> Floats:
    """``L[t,p] = Σ_b LOS[b,t,p]`` by (…, year, pod): bed days per spell of each POD over the bed bases that
    name it (a draw axis first where a length of stay is uncertain)."""
    total: Floats | None = None
    for b, bed in enumerate(scenario.capacity.beds):
        one = key_values(span, values, ("capacity", "beds", b, "length_of_stay"), bed.length_of_stay, pods)
        total = one if total is None else total + one
    return np.zeros((len(span), len(pods))) if total is None else total


def bed_days_per_spell(
    scenario: Scenario, span: YearRange, values: InputValues, pods: list[str]
) -> xr.DataArray:
    """:func:`stays_by_pod` labelled (draw?, year, pod)."""
    data = stays_by_pod(scenario, span, values, pods)
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
    like = effects.absolute_reduction
    zero_lead = like.shape[: like.ndim - 3]
    shape = tuple(like.sizes[dim] for dim in EFFECT_DIMS)
    if not cells:
        zero = _labelled(np.zeros((*zero_lead, *shape)), EFFECT_DIMS, like)
        ones = np.ones((like.sizes["year"], like.sizes["pod"]))
        return StayChange(
            stay_factor=_labelled(
                ones, ("year", "pod"), do_something if _same_pods(do_something, like) else like
            ),
            bed_days_saved=zero,
            money=zero,
        )
    pods = labels_of(like, "pod")
    stay = stays_by_pod(scenario, span, values, pods)
    prices = values_by_pod(price, pods, "year", "pod")
    with np.errstate(divide="ignore", invalid="ignore"):
        spell_value = np.where(stay > 0, prices / np.where(stay > 0, stay, 1.0), 0.0)
    priced: list[tuple[int, int, Floats]] = []
    for i, effect, _ in cells:
        assert isinstance(effect, LengthOfStay)
        j = pods.index(effect.pod)
        if effect.bed_day_price is not None:
            k = scenario.schemes[i].effects.index(effect)
            path: Path = ("schemes", i, "effects", k, "bed_day_price")
            priced.append((i, j, values.expand(span, path, effect.bed_day_price)))
        else:
            priced.append((i, j, spell_value[..., j]))
    fraction = np.zeros((*_lead(zero_lead, *(s.shape[:-1] for _, _, s in cells)), *shape))
    for i, effect, series in cells:
        fraction[..., i, :, pods.index(effect.pod)] += series
    value = np.zeros((*_lead(zero_lead, *(v.shape[:-1] for _, _, v in priced)), *shape))
    for i, j, bed_day in priced:
        value[..., i, :, j] += bed_day
    member, cohort_share, scheme_share = _scheme_share(effects, pods)
    per_scheme, combined = combine(fraction, member)
    fall = (combined * cohort_share[..., :, None, :]).sum(axis=-3)  # (…, year, pod)
    saved = (
        per_scheme
        * scheme_share[..., :, None, :]
        * values_by_pod(do_something, pods, "year", "pod")[..., None, :, :]
        * stay[..., None, :, :]
    )
    too_far = fall > 1 + 1e-9
    if too_far.any():
        pod = pods[int(np.nonzero(too_far.reshape(-1, len(pods)).any(axis=0))[0][0])]
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
    return StayChange(
        stay_factor=_labelled(
            1 - fall, ("year", "pod"), do_something if _same_pods(do_something, like) else like
        ),
        bed_days_saved=_labelled(saved, EFFECT_DIMS, like),
        money=_labelled(saved * value / 1000, EFFECT_DIMS, like),
    )
