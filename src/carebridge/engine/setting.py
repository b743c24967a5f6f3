"""Effects that change the setting of activity or its length of stay, and effects given as formulas
(docs/effects.md sections 1–3).

- :func:`formula_effect_values` evaluates the formulas of ``absolute`` effects over the do-nothing activity
  and adds their activity to the compiled effects, before the schemes run;
- :func:`shift_values` gives the activity each ``shift`` moves, as a reduction of the POD it leaves and a
  negative reduction (an addition) of the POD it reaches: the saving is then the price difference;
- :func:`length_of_stay_values` gives the fall in bed days per spell of each POD, the bed days each scheme
  saves on do-something spells, and their money (a bed-day price, or the spell price spread over its bed
  days).

Every number is read through the run's :class:`~carebridge.engine.inputs.InputValues`, so a Monte Carlo run
gives each of them a ``draw`` dimension where it is uncertain.

Numpy arrays are taken and given at the seams, schemes and PODs in the scenario's order, in a fixed axis order
with an optional LEADING draw axis (written ``...``): an effect's number by (…, year), effects by (…, scheme,
year, pod), cohorts by (…, cohort, year, pod).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.drivers import FormulaValueError, evaluate_array
from carebridge.engine.errors import ModelError
from carebridge.engine.inputs import Floats, InputValues
from carebridge.engine.schemes import labelled_like, overlap_on
from carebridge.engine.workforce import key_values
from carebridge.scenario.errors import Path, Problem
from carebridge.scenario.formula import parse_formula
from carebridge.scenario.schema import Absolute, LengthOfStay, Parameter, Scenario, Shift
from carebridge.scenario.years import YearRange

if TYPE_CHECKING:
    import xarray as xr

Names = dict[str, Floats | float]
"""What an effect's formula can name: each a number by (…, year)."""

EFFECT_DIMS = ("scheme", "year", "pod")


def has_new_effects(scenario: Scenario) -> bool:
    """Whether any scheme has a shift, a length-of-stay effect or an effect given as a formula."""
    found = _new_effects(scenario)
    return bool(found["shift"] or found["length_of_stay"]) or any(
        isinstance(effect, Absolute) and effect.formula for _, _, effect in found["formula"]
    )


Where = tuple[int, int, Shift | LengthOfStay | Absolute]
"""(scheme index, effect index, effect)."""

_FOUND: dict[int, tuple[weakref.ref[Scenario], dict[str, list[Where]]]] = {}


def _new_effects(scenario: Scenario) -> dict[str, list[Where]]:
    """Where the scenario's shifts, lengths of stay and effects given as formulas are, by kind (``shift``,
    ``length_of_stay``, ``formula``), in the scenario's order: found once for each scenario (its models are
    frozen), kept while it lives."""
    kept = _FOUND.get(id(scenario))
    if kept is not None and kept[0]() is scenario:
        return kept[1]
    found: dict[str, list[Where]] = {"shift": [], "length_of_stay": [], "formula": []}
    for i, scheme in enumerate(scenario.schemes):
        for k, effect in enumerate(scheme.effects):
            if isinstance(effect, Shift):
                found["shift"].append((i, k, effect))
            elif isinstance(effect, LengthOfStay):
                found["length_of_stay"].append((i, k, effect))
            elif isinstance(effect, Absolute) and effect.formula is not None:
                found["formula"].append((i, k, effect))
    if len(_FOUND) >= 256:
        _FOUND.clear()
    _FOUND[id(scenario)] = (weakref.ref(scenario), found)
    return found


def pod_ids(scenario: Scenario) -> list[str]:
    """The scenario's PODs, in its order: the ``pod`` axis of every array of the ``*_values`` functions."""
    return [pod.id for pod in scenario.pods]


def effect_names_values(
    scenario: Scenario, span: YearRange, values: InputValues, do_nothing: Floats, price: Floats
) -> Names:
    """:func:`effect_names` on arrays (…, year, pod), the PODs in the scenario's order."""
    names: Names = {"__years__": np.zeros(len(span))}
    for name, parameter in scenario.parameters.items():
        if isinstance(parameter, Parameter):
            names[str(name)] = values.expand(span, ("parameters", name, "value"), parameter.value)
        else:
            names[str(name)] = values.expand(span, ("parameters", name), parameter)
    for j, pod in enumerate(scenario.pods):
        if pod.activity is not None:
            names[f"activity.{pod.id}"] = do_nothing[..., j]
        names[f"price.{pod.id}"] = price[..., j]
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
    """``data`` by (draw?, *dims) with the labels of ``like`` on ``dims`` (its coordinates and indexes, not
    made again)."""
    return labelled_like(data, dims, dict.fromkeys(dims, like))


def formula_effect_values(
    scenario: Scenario,
    names: Names,
    span: YearRange,
    values: InputValues,
    absolute_reduction: Floats,
    absolute_avoided: Floats,
) -> tuple[Floats, Floats]:
    """The absolute amounts (…, scheme, year, pod), schemes and PODs in the scenario's order, with the
    activity of every ``absolute`` effect given as a formula added (times its scheme's delivery); an array
    no formula adds to is returned as it came. Raises :class:`ModelError` naming the effect when a formula
    gives no number."""
    problems: list[Problem] = []
    pods = pod_ids(scenario)
    added: dict[bool, list[tuple[int, int, Floats]]] = {False: [], True: []}  # avoided growth? → cells
    for i, k, effect in _new_effects(scenario)["formula"]:
        assert isinstance(effect, Absolute)
        path: Path = ("schemes", i, "effects", k, "activity")
        series = _effect_series(span, values, path, None, effect.formula, names, problems)
        if effect.pod in pods:
            cell = series * _delivery(scenario, values, i)
            added[effect.counts_as == "avoided_growth"].append((i, pods.index(effect.pod), cell))
    if problems:
        raise ModelError(problems)

    def plus(data: Floats, cells: list[tuple[int, int, Floats]]) -> Floats:
        if not cells:
            return data
        lead = _lead(data.shape[:-3], *(cell.shape[:-1] for _, _, cell in cells))
        total = np.array(np.broadcast_to(data, (*lead, *data.shape[-3:])))
        for i, j, cell in cells:
            total[..., i, :, j] += cell
        return total

    return plus(absolute_reduction, added[False]), plus(absolute_avoided, added[True])


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
    for i, k, effect in _new_effects(scenario)["shift" if kind is Shift else "length_of_stay"]:
        assert isinstance(effect, kind)
        path: Path = ("schemes", i, "effects", k, "fraction")
        series = _effect_series(span, values, path, effect.fraction, effect.formula, names, problems)
        cells.append((i, effect, series * _delivery(scenario, values, i)))
    return cells


def combine(fraction: Floats, member: Floats) -> tuple[Floats, Floats]:
    """The overlap rule on fractions (…, scheme, year, pod) of schemes in cohorts ``member`` (scheme, cohort):
    (fraction per scheme (…, scheme, year, pod), combined per cohort (…, cohort, year, pod)), by
    :func:`carebridge.engine.schemes.overlap_on` over every scheme given: the callers give only the schemes
    with effects of a kind, and a scheme whose fractions are all 0 changes neither the product nor the sums
    (no search for the schemes with fractions, as :func:`~carebridge.engine.schemes.overlap_values` makes)."""
    return overlap_on(fraction, member, list(range(member.shape[0])))


def _cohort_of(scheme_cohort: Floats, schemes: list[int]) -> list[int]:
    """The cohort of each of ``schemes`` (rows of the one-hot ``scheme_cohort``)."""
    cohorts: list[int] = np.argmax(scheme_cohort[schemes], axis=1).tolist()
    return cohorts


def shift_values(
    scenario: Scenario,
    names: Names,
    span: YearRange,
    values: InputValues,
    scheme_cohort: Floats,
    cohort_share: Floats,
    base: Floats,
    do_nothing: Floats,
    lead: tuple[int, ...] = (),
) -> Floats:
    """Activity each scheme's shifts move, as reductions (…, scheme, year, pod): positive on the POD the
    activity leaves, negative on the POD it reaches, so that each shift adds to 0 over the PODs. Schemes and
    PODs in the scenario's order: ``scheme_cohort`` (scheme, cohort), ``cohort_share`` (…, cohort, pod),
    ``base`` (…, pod), ``do_nothing`` (…, year, pod); ``lead`` the leading axes of the result at least.

    ``m[k,t] = σ'[k,t] · cs[c(k),p] · B[t,p]`` with ``B`` the do-nothing (``basis: do_nothing``) or base
    activity; shifts out of one (cohort, POD, basis) combine by the overlap rule (:func:`combine`): a
    scheme's shifts out of one POD add (they split its activity between settings), schemes combine, and
    each shift keeps its part of its scheme's combined fraction. Only the schemes with shifts are computed.
    """
    problems: list[Problem] = []
    cells = [
        (i, effect, series)
        for i, effect, series in _fraction_cells(scenario, Shift, names, span, values, problems)
        if isinstance(effect, Shift)
    ]
    if problems:
        raise ModelError(problems)
    pods = pod_ids(scenario)
    shape = (len(scenario.schemes), len(span), len(pods))
    if not cells:
        return np.zeros((*lead, *shape))
    acting = sorted({i for i, _, _ in cells})  # the schemes with shifts, compact
    member = scheme_cohort[acting]
    share = cohort_share[..., _cohort_of(scheme_cohort, acting), :]  # (…, acting, pod)
    parts: list[tuple[int, int, int, Floats]] = []  # (scheme, from, to, moved by (…, year))
    for basis in ("do_nothing", "base"):
        chosen = [cell for cell in cells if cell[1].basis == basis]
        if not chosen:
            continue
        own_lead = _lead(*(series.shape[:-1] for _, _, series in chosen))
        own = np.zeros((*own_lead, len(acting), *shape[1:]))  # (…, acting, year, pod)
        routes = [
            (acting.index(i), pods.index(effect.pod), pods.index(effect.to), s) for i, effect, s in chosen
        ]
        for a, j, _, series in routes:
            own[..., a, :, j] += series
        combined, _ = combine(own, member)
        activity = do_nothing if basis == "do_nothing" else base[..., None, :]
        for (a, j, to, series), (i, _, _) in zip(routes, chosen, strict=True):
            mine = own[..., a, :, j]
            part = np.where(mine != 0, series / np.where(mine != 0, mine, 1.0), 0.0)
            moved = part * combined[..., a, :, j] * share[..., a, j : j + 1] * activity[..., :, j]
            parts.append((i, j, to, moved))
    total_lead = _lead(lead, *(moved.shape[:-1] for *_, moved in parts))
    total = np.zeros((*total_lead, *shape))
    for i, j, to, moved in parts:
        total[..., i, :, j] += moved
        total[..., i, :, to] -= moved
    return total


def stays_by_pod(scenario: Scenario, span: YearRange, values: InputValues, pods: list[str]) -> Floats:
    """``L[t,p] = Σ_b LOS[b,t,p]`` by (…, year, pod): bed days per spell of each POD over the bed bases that
    name it (a draw axis first where a length of stay is uncertain)."""
    total: Floats | None = None
    for b, bed in enumerate(scenario.capacity.beds):
        one = key_values(span, values, ("capacity", "beds", b, "length_of_stay"), bed.length_of_stay, pods)
        total = one if total is None else total + one
    return np.zeros((len(span), len(pods))) if total is None else total


def length_of_stay_values(
    scenario: Scenario,
    names: Names,
    span: YearRange,
    values: InputValues,
    scheme_cohort: Floats,
    cohort_share: Floats,
    do_something: Floats,
    price: Floats,
    lead: tuple[int, ...] = (),
) -> tuple[Floats, Floats, Floats]:
    """The fall in bed days per spell ``Λ[t,p] = Σ_c λ_c · cs[c,p]`` (overlap rule within a cohort), the bed
    days each scheme saves ``s = λ' · cs · AS · L`` and their money ``s · V / 1000`` with ``V`` the effect's
    bed-day price or ``P / L``. Schemes and PODs in the scenario's order: ``scheme_cohort`` (scheme,
    cohort), ``cohort_share`` (…, cohort, pod), ``do_something`` and ``price`` (…, year, pod); ``lead`` the
    leading axes of the bed days and money at least. Returns the stay factor ``1 − Λ`` (…, year, pod), the
    bed days saved and their money (…, scheme, year, pod); only the schemes with length-of-stay effects are
    computed. Raises :class:`ModelError` when stays would fall below zero."""
    problems: list[Problem] = []
    cells = _fraction_cells(scenario, LengthOfStay, names, span, values, problems)
    if problems:
        raise ModelError(problems)
    pods = pod_ids(scenario)
    shape = (len(scenario.schemes), len(span), len(pods))
    if not cells:
        zero = np.zeros((*lead, *shape))
        return np.ones(shape[1:]), zero, zero
    stay = stays_by_pod(scenario, span, values, pods)
    with np.errstate(divide="ignore", invalid="ignore"):
        spell_value = np.where(stay > 0, price / np.where(stay > 0, stay, 1.0), 0.0)
    acting = sorted({i for i, _, _ in cells})  # the schemes with length-of-stay effects, compact
    priced: list[tuple[int, int, Floats]] = []
    for i, effect, _ in cells:
        assert isinstance(effect, LengthOfStay)
        j = pods.index(effect.pod)
        if effect.bed_day_price is not None:
            k = scenario.schemes[i].effects.index(effect)
            path: Path = ("schemes", i, "effects", k, "bed_day_price")
            priced.append((acting.index(i), j, values.expand(span, path, effect.bed_day_price)))
        else:
            priced.append((acting.index(i), j, spell_value[..., j]))
    compact = (len(acting), *shape[1:])
    fraction = np.zeros((*_lead(lead, *(s.shape[:-1] for _, _, s in cells)), *compact))
    for i, effect, series in cells:
        fraction[..., acting.index(i), :, pods.index(effect.pod)] += series
    value = np.zeros((*_lead(lead, *(v.shape[:-1] for _, _, v in priced)), *compact))
    for a, j, bed_day in priced:
        value[..., a, :, j] += bed_day
    per_scheme, combined = combine(fraction, scheme_cohort[acting])
    fall = (combined * cohort_share[..., :, None, :]).sum(axis=-3)  # (…, year, pod)
    share = cohort_share[..., _cohort_of(scheme_cohort, acting), :]  # (…, acting, pod)
    saved = per_scheme * share[..., :, None, :] * do_something[..., None, :, :] * stay[..., None, :, :]
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
    return 1 - fall, _scattered(saved, acting, shape), _scattered(saved * value / 1000, acting, shape)


def _scattered(compact: Floats, acting: list[int], shape: tuple[int, ...]) -> Floats:
    """``compact`` (…, acting scheme, year, pod) laid out on every scheme, 0 for the others."""
    full = np.zeros((*compact.shape[:-3], *shape))
    full[..., acting, :, :] = compact
    return full
