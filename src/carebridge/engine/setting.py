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

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from carebridge.engine.drivers import FormulaValueError, evaluate_array
from carebridge.engine.errors import ModelError
from carebridge.engine.inputs import Floats, InputValues, as_written, kept_for
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


def _new_effects(scenario: Scenario) -> dict[str, list[Where]]:
    """Where the scenario's shifts, lengths of stay and effects given as formulas are, by kind (``shift``,
    ``length_of_stay``, ``formula``), in the scenario's order: found once for each scenario (its models are
    frozen; :func:`~carebridge.engine.inputs.kept_for`)."""
    return kept_for(scenario, "new effects", lambda: _found(scenario))


def _found(scenario: Scenario) -> dict[str, list[Where]]:
    found: dict[str, list[Where]] = {"shift": [], "length_of_stay": [], "formula": []}
    for i, scheme in enumerate(scenario.schemes):
        for k, effect in enumerate(scheme.effects):
            if isinstance(effect, Shift):
                found["shift"].append((i, k, effect))
            elif isinstance(effect, LengthOfStay):
                found["length_of_stay"].append((i, k, effect))
            elif isinstance(effect, Absolute) and effect.formula is not None:
                found["formula"].append((i, k, effect))
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
    """The leading (draw) axes of arrays whose leading parts are ``shapes``, broadcast (without the cost of
    ``np.broadcast_shapes`` where they are the same: most often none)."""
    first = shapes[0] if shapes else ()
    return first if all(shape == first for shape in shapes) else np.broadcast_shapes(*shapes)


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
    gives no number. Formulas of parameters alone are evaluated once for each scenario as written
    (:func:`_kept`)."""
    found = _new_effects(scenario)["formula"]
    if not found:
        return absolute_reduction, absolute_avoided
    added = _kept(
        scenario,
        values,
        "formula",
        found,
        lambda: _formula_cells(scenario, names, span, values),
    )

    def plus(data: Floats, cells: list[tuple[int, int, Floats]]) -> Floats:
        if not cells:
            return data
        lead = _lead(data.shape[:-3], *(cell.shape[:-1] for _, _, cell in cells))
        total = (
            data.copy()
            if lead == data.shape[:-3]
            else np.array(np.broadcast_to(data, (*lead, *data.shape[-3:])))
        )
        for i, j, cell in cells:
            total[..., i, :, j] += cell
        return total

    return plus(absolute_reduction, added[False]), plus(absolute_avoided, added[True])


def _formula_cells(
    scenario: Scenario, names: Names, span: YearRange, values: InputValues
) -> dict[bool, list[tuple[int, int, Floats]]]:
    """(scheme index, POD index, activity by (…, year) × delivery) of every ``absolute`` effect given as a
    formula, by whether it counts as avoided growth. Raises :class:`ModelError` naming the effect when a
    formula gives no number."""
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
    return added


Kept = TypeVar("Kept")


def _kept(
    scenario: Scenario, values: InputValues, key: Hashable, effects: list[Where], make: Callable[[], Kept]
) -> Kept:
    """``make()``: once for each scenario as written (:func:`~carebridge.engine.inputs.kept_for`) when every
    formula of ``effects`` names parameters alone — its value is then the scenario's, the same in every run
    — else in each run (a formula of the run's activity or prices, or numbers with draws). What ``make``
    reads besides the scenario (the cohorts' shares and members) is compiled from it."""
    if as_written(values) and kept_for(
        scenario,
        ("of parameters", key),
        lambda: all(_of_parameters(scenario, effect) for _, _, effect in effects),
    ):
        return kept_for(scenario, key, make)
    return make()


def _of_parameters(scenario: Scenario, effect: Shift | LengthOfStay | Absolute) -> bool:
    """Whether the effect has no formula, or a formula that names the scenario's parameters alone."""
    formula = effect.formula
    return formula is None or all(name in scenario.parameters for name in parse_formula(formula).names)


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
    PODs in the scenario's order: ``scheme_cohort`` (scheme, cohort), ``cohort_share`` (…, cohort, pod), as
    compiled from the scenario; ``base`` (…, pod), ``do_nothing`` (…, year, pod); ``lead`` the leading axes
    of the result at least.

    ``m[k,t] = σ'[k,t] · cs[c(k),p] · B[t,p]`` with ``B`` the do-nothing (``basis: do_nothing``) or base
    activity; shifts out of one (cohort, POD, basis) combine by the overlap rule (:func:`combine`): a
    scheme's shifts out of one POD add (they split its activity between settings), schemes combine, and
    each shift keeps its part of its scheme's combined fraction. Only the schemes with shifts are computed;
    each shift's ``σ'·cs`` once for each scenario as written (:func:`_shift_routes`, :func:`_kept`).
    """
    shape = (len(scenario.schemes), len(span), len(scenario.pods))
    routes = _kept(
        scenario,
        values,
        "shift",
        _new_effects(scenario)["shift"],
        lambda: _shift_routes(scenario, names, span, values, scheme_cohort, cohort_share),
    )
    if not routes:
        return np.zeros((*lead, *shape))
    parts = [
        (i, j, to, moving * (base[..., None, j] if on_base else do_nothing[..., :, j]))
        for i, j, to, on_base, moving in routes
    ]  # (scheme, from, to, moved by (…, year))
    total = np.zeros((*_lead(lead, *(moved.shape[:-1] for *_, moved in parts)), *shape))
    for i, j, to, moved in parts:
        total[..., i, :, j] += moved
        total[..., i, :, to] -= moved
    return total


def _shift_routes(
    scenario: Scenario,
    names: Names,
    span: YearRange,
    values: InputValues,
    scheme_cohort: Floats,
    cohort_share: Floats,
) -> list[tuple[int, int, int, bool, Floats]]:
    """Each shift as (scheme, POD it leaves, POD it reaches, whether on the base activity, the share of the
    activity it moves by (…, year): its part of its scheme's combined fraction times the cohort's share),
    the bases in turn (do-nothing, base), each in the scenario's order. Raises :class:`ModelError` naming
    the effect when a formula gives no number."""
    problems: list[Problem] = []
    cells = [
        (i, effect, series)
        for i, effect, series in _fraction_cells(scenario, Shift, names, span, values, problems)
        if isinstance(effect, Shift)
    ]
    if problems:
        raise ModelError(problems)
    if not cells:
        return []
    pods = pod_ids(scenario)
    acting = sorted({i for i, _, _ in cells})  # the schemes with shifts, compact
    member = scheme_cohort[acting]
    share = cohort_share[..., _cohort_of(scheme_cohort, acting), :]  # (…, acting, pod)
    routes: list[tuple[int, int, int, bool, Floats]] = []
    for basis in ("do_nothing", "base"):
        chosen = [cell for cell in cells if cell[1].basis == basis]
        if not chosen:
            continue
        own_lead = _lead(*(series.shape[:-1] for _, _, series in chosen))
        own = np.zeros((*own_lead, len(acting), len(span), len(pods)))  # (…, acting, year, pod)
        placed = [
            (acting.index(i), pods.index(effect.pod), pods.index(effect.to), s) for i, effect, s in chosen
        ]
        for a, j, _, series in placed:
            own[..., a, :, j] += series
        combined, _ = combine(own, member)
        for (a, j, to, series), (i, _, _) in zip(placed, chosen, strict=True):
            mine = own[..., a, :, j]
            part = np.where(mine != 0, series / np.where(mine != 0, mine, 1.0), 0.0)
            routes.append(
                (i, j, to, basis == "base", part * combined[..., a, :, j] * share[..., a, j : j + 1])
            )
    return routes


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
    cohort), ``cohort_share`` (…, cohort, pod), as compiled from the scenario; ``do_something`` and
    ``price`` (…, year, pod); ``lead`` the leading axes of the bed days and money at least. Returns the stay
    factor ``1 − Λ`` (…, year, pod), the bed days saved and their money (…, scheme, year, pod); only the
    schemes with length-of-stay effects are computed, what does not read the run's activity once for each
    scenario as written (:func:`_stays`, :func:`_kept`). Raises :class:`ModelError` when stays would fall
    below zero."""
    shape = (len(scenario.schemes), len(span), len(scenario.pods))
    stays = _kept(
        scenario,
        values,
        ("length_of_stay", lead),
        _new_effects(scenario)["length_of_stay"],
        lambda: _stays(scenario, names, span, values, scheme_cohort, cohort_share, lead),
    )
    if stays is None:
        zero = np.zeros((*lead, *shape))
        return np.ones(shape[1:]), zero, zero
    stay = stays.stay
    with np.errstate(divide="ignore", invalid="ignore"):
        spell_value = np.where(stay > 0, price / np.where(stay > 0, stay, 1.0), 0.0)
    priced = [(a, j, spell_value[..., j] if bed_day is None else bed_day) for a, j, bed_day in stays.priced]
    value = np.zeros((*_lead(lead, *(v.shape[:-1] for _, _, v in priced)), *stays.saving.shape[-3:]))
    for a, j, bed_day in priced:
        value[..., a, :, j] += bed_day
    saved = stays.saving * do_something[..., None, :, :] * stay[..., None, :, :]
    return (
        stays.factor,
        _scattered(saved, stays.acting, shape),
        _scattered(saved * value / 1000, stays.acting, shape),
    )


@dataclass(frozen=True)
class _Stays:
    """What :func:`length_of_stay_values` reads besides the run's activity and prices: the bed days per
    spell ``stay`` (…, year, pod), the schemes with length-of-stay effects ``acting``, each one's fall in
    stays times its cohort's share ``saving`` (…, acting, year, pod), the stay factor ``1 − Λ`` (…, year,
    pod), and each effect's (acting scheme, POD, bed-day price by (…, year) or None for ``P / L``)."""

    stay: Floats
    acting: list[int]
    saving: Floats
    factor: Floats
    priced: list[tuple[int, int, Floats | None]]


def _stays(
    scenario: Scenario,
    names: Names,
    span: YearRange,
    values: InputValues,
    scheme_cohort: Floats,
    cohort_share: Floats,
    lead: tuple[int, ...],
) -> _Stays | None:
    """:class:`_Stays`, or None without length-of-stay effects. Raises :class:`ModelError` when a formula
    gives no number or stays would fall below zero."""
    problems: list[Problem] = []
    cells = _fraction_cells(scenario, LengthOfStay, names, span, values, problems)
    if problems:
        raise ModelError(problems)
    if not cells:
        return None
    pods = pod_ids(scenario)
    stay = stays_by_pod(scenario, span, values, pods)
    acting = sorted({i for i, _, _ in cells})  # the schemes with length-of-stay effects, compact
    priced: list[tuple[int, int, Floats | None]] = []
    for i, effect, _ in cells:
        assert isinstance(effect, LengthOfStay)
        j = pods.index(effect.pod)
        if effect.bed_day_price is not None:
            k = scenario.schemes[i].effects.index(effect)
            path: Path = ("schemes", i, "effects", k, "bed_day_price")
            priced.append((acting.index(i), j, values.expand(span, path, effect.bed_day_price)))
        else:
            priced.append((acting.index(i), j, None))
    compact = (len(acting), len(span), len(pods))
    fraction = np.zeros((*_lead(lead, *(s.shape[:-1] for _, _, s in cells)), *compact))
    for i, effect, series in cells:
        fraction[..., acting.index(i), :, pods.index(effect.pod)] += series
    per_scheme, combined = combine(fraction, scheme_cohort[acting])
    fall = (combined * cohort_share[..., :, None, :]).sum(axis=-3)  # (…, year, pod)
    share = cohort_share[..., _cohort_of(scheme_cohort, acting), :]  # (…, acting, pod)
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
    return _Stays(stay, acting, per_scheme * share[..., :, None, :], 1 - fall, priced)


def _scattered(compact: Floats, acting: list[int], shape: tuple[int, ...]) -> Floats:
    """``compact`` (…, acting scheme, year, pod) laid out on every scheme, 0 for the others."""
    full = np.zeros((*compact.shape[:-3], *shape))
    full[..., acting, :, :] = compact
    return full
