"""Plan-level arithmetic that reads the scenario's finance, plan lines and capacity (spec sections 7–8).

Three steps, each after the activity and schemes are known:

1. :func:`forecast_finance` — the do-nothing from income and expenditure, for organisations with finance;
2. :func:`plan_lines` — each plan line: given, from the schemes, or a formula with phasing, realisation and
   overlap (gross and net), in dependency order;
3. :func:`capacity` — bed days, beds and WTE for do-nothing and do-something.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from carebridge.engine.arrays import (
    Coordinate,
    Floats,
    Laid,
    coord,
    labelled_dataset,
    laid,
    lead_coords,
    lead_dims,
    ordered,
)
from carebridge.engine.drivers import FormulaValueError, evaluate_array, phase_fractions, values_of
from carebridge.engine.errors import ModelError
from carebridge.engine.inputs import DRAW, InputValues
from carebridge.scenario.errors import Problem
from carebridge.scenario.formula import parse_formula
from carebridge.scenario.names import GROUPS, categories, in_group
from carebridge.scenario.schema import FromSchemes, Overlap, Parameter, Scenario, YearValue
from carebridge.scenario.years import Fill, YearRange

if TYPE_CHECKING:
    import xarray as xr

Names: TypeAlias = "dict[str, Floats | float]"
"""What a formula reads, by name: a number, or values by (…, year) — the … a leading draw axis where one
reaches them (:func:`carebridge.engine.drivers.evaluate_array`)."""


def names_of(labelled_names: Mapping[str, xr.DataArray | float], n_years: int) -> Names:
    """Names given as labelled arrays by year (the workforce's), as values by (…, year)."""
    return {
        name: value if isinstance(value, float | int) else values_of(value, n_years)
        for name, value in labelled_names.items()
    }


@dataclass(frozen=True)
class SchemeMeasures:
    """The schemes' summary (Stockport Table 5) as numbers: ``investment`` (…, scheme, year), ``benefit``
    and ``net`` (…, scheme, year, basis); what a plan line computed from the schemes and the formulas read."""

    schemes: list[str]
    bases: list[str]
    investment: Floats
    benefit: Floats
    net: Floats


def uses_formulas(scenario: Scenario) -> bool:
    """Whether any plan line or finance item is a formula (only then are named inputs needed)."""
    lines = any(line.formula for line in scenario.positions.plan_lines)
    items = any(item.formula for o in scenario.organisations if o.finance for item in o.finance.items)
    return lines or items


def formula_names(scenario: Scenario) -> frozenset[str]:
    """Every name a formula of a plan line or a finance item reads: only these named inputs are built."""
    texts = [line.formula for line in scenario.positions.plan_lines if line.formula]
    texts += [
        item.formula for o in scenario.organisations if o.finance for item in o.finance.items if item.formula
    ]
    return frozenset(name for text in texts for name in parse_formula(text).names)


def base_names(
    scenario: Scenario,
    span: YearRange,
    do_nothing: Laid,
    price: Floats,
    values: InputValues | None = None,
) -> Names:
    """Parameters (read through ``values``: with draws where uncertain), ``activity.<pod>`` and
    ``price.<pod>``: those a formula reads (:func:`formula_names`). ``do_nothing`` (…, year, pod) with its
    PODs' labels, ``price`` (…, year, pod) of the scenario's PODs."""
    values = values if values is not None else InputValues()
    names: Names = {"__years__": np.zeros(len(span))}
    if not uses_formulas(scenario):
        return names
    wanted = formula_names(scenario)
    for name, parameter in scenario.parameters.items():
        if name not in wanted:
            continue
        if isinstance(parameter, Parameter):
            data = values.expand(span, ("parameters", name, "value"), parameter.value)
        else:
            data = values.expand(span, ("parameters", name), parameter)
        names[name] = data  # (…, year), as values.series
    activity = ordered(do_nothing, ("year", "pod"))
    activity_pods = [str(pod) for pod in coord(do_nothing, "pod")]
    for j, pod in enumerate(scenario.pods):
        if pod.activity is not None and f"activity.{pod.id}" in wanted:
            names[f"activity.{pod.id}"] = np.take(activity, activity_pods.index(pod.id), axis=-1)
        if f"price.{pod.id}" in wanted:
            names[f"price.{pod.id}"] = np.take(price, j, axis=-1)
    return names


@dataclass(frozen=True)
class Finance:
    """Do-nothing income and expenditure of the organisations that give them, £'000: the variables of a
    dataset (org, year) not labelled yet — income, expenditure, recurrent_items, non_recurrent_items,
    recurrent_gap, gap — and the expenditure by (org, category, year)."""

    table_data: dict[Hashable, tuple[Sequence[str], Floats]]
    coords: dict[Hashable, Coordinate]
    by_category: Laid

    @cached_property
    def table(self) -> xr.Dataset:
        """The variables labelled: (org, year), a ``draw`` first where one reaches them."""
        return labelled_dataset(self.table_data, self.coords)

    def variable(self, name: str) -> Laid:
        """The variable ``name`` of the table, not labelled."""
        dims, values = self.table_data[name]
        return Laid(values, list(dims), self.coords)


def forecast_finance(
    scenario: Scenario,
    span: YearRange,
    names: Names,
    do_nothing: Laid | xr.DataArray,
    price: Laid | xr.DataArray,
    values: InputValues | None = None,
) -> Finance | None:
    """Income, expenditure by category, items, and the gap of each organisation with finance; numbers read
    through ``values`` (with draws where uncertain), and a ``draw`` dimension wherever one reaches them.

    The arithmetic of :mod:`carebridge.engine.forecast` on values (…, year), the ``…`` a draw axis where one
    reaches them; ``names`` gains the ``income.X`` and ``expenditure.X`` a formula reads."""
    values = values if values is not None else InputValues()
    holders = [(i, o) for i, o in enumerate(scenario.organisations) if o.finance is not None]
    if not holders:
        return None
    cats = categories(scenario)
    activity_pods = [p.id for p in scenario.pods if p.activity is not None]
    years = len(span)
    zero = np.zeros(years)
    income_rows: list[Floats] = []
    spend_rows: list[Floats] = []
    for i, org in holders:
        assert org.finance is not None
        path: tuple[str | int, ...] = ("organisations", i, "finance")
        income_rows.append(
            _compound(
                values.expand(span, (*path, "income"), org.finance.income),
                values.expand(span, (*path, "income_growth"), org.finance.income_growth),
            )
        )
        spend = [zero] * len(cats)
        for c, category in enumerate(org.finance.expenditure):
            where = (*path, "expenditure", c)
            if category.demand_growth == "activity":
                demand = _activity_demand_growth(do_nothing, price, category.demand_pods or activity_pods)
            else:
                demand = values.expand(span, (*where, "demand_growth"), category.demand_growth)
            inflation = values.expand(span, (*where, "inflation"), category.inflation)
            spend[cats.index(category.id)] = _compound(
                values.expand(span, (*where, "base"), category.base), (1 + inflation) * (1 + demand) - 1
            )
        spend_rows.append(_stack(spend, (len(cats), years)))
    org_ids = [o.id for _, o in holders]
    by_category = _stack(spend_rows, (len(org_ids), len(cats), years))  # (…, org, category, year)
    income = _stack(income_rows, (len(org_ids), years))
    year_coords: dict[Hashable, Coordinate] = {"year": span.labels}
    by_category_laid = Laid(
        by_category,
        [*_draw_axis(by_category, 3), "org", "category", "year"],
        {"category": cats, **year_coords, "org": org_ids},
    )
    names.update(finance_names(scenario, income, by_category, org_ids, cats, formula_names(scenario)))
    items: list[list[Floats]] = [[], []]
    problems: list[Problem] = []
    for i, org in holders:
        assert org.finance is not None
        totals = [zero, zero]
        for k, item in enumerate(org.finance.items):
            path = ("organisations", i, "finance", "items", k)
            if item.formula is not None:
                scope = {**names, "__start__": span.index(item.start) if item.start else 0}
                value = _formula_series(item.formula, scope, (*path, "formula"), problems, years)
            else:
                fill = Fill.ONE_OFF if item.non_recurrent else Fill.HELD
                value = values.expand(span, (*path, "amount"), item.amount, fill)
            if item.start:
                value = value * (np.arange(years) >= span.index(item.start)).astype(float)
            totals[1 if item.non_recurrent else 0] = totals[1 if item.non_recurrent else 0] + value
        items[0].append(totals[0])
        items[1].append(totals[1])
    if problems:
        raise ModelError(problems)
    spend_total = np.nansum(by_category, axis=-2)  # as xarray's sum, which skips NaN
    recurrent = _stack(items[0], (len(org_ids), years))
    non_recurrent = _stack(items[1], (len(org_ids), years))
    recurrent_gap = spend_total - income + recurrent
    gap = recurrent_gap + non_recurrent

    def dims(values: Floats) -> list[str]:
        return [*_draw_axis(values, 2), "org", "year"]

    # the order of dimensions the labelled arithmetic gave: the first operand's, then the others'
    gap_dims = _union([dims(spend_total), dims(income), dims(recurrent)])
    table: dict[Hashable, tuple[Sequence[str], Floats]] = {
        "income": (dims(income), income),
        "expenditure": (dims(spend_total), spend_total),
        "recurrent_items": (dims(recurrent), recurrent),
        "non_recurrent_items": (dims(non_recurrent), non_recurrent),
        "recurrent_gap": (gap_dims, _ordered(recurrent_gap, dims(recurrent_gap), gap_dims)),
        "gap": (
            _union([gap_dims, dims(non_recurrent)]),
            _ordered(gap, dims(gap), _union([gap_dims, dims(non_recurrent)])),
        ),
    }
    return Finance(table, {"org": org_ids, **year_coords}, by_category_laid)


def _draw_axis(values: Floats, core: int) -> list[str]:
    """The leading dimension of values with ``core`` dimensions after it: a draw, or none."""
    return [DRAW] * (values.ndim - core)


def _stack(rows: list[Floats], shape: tuple[int, ...]) -> Floats:
    """Rows (…, *shape[1:]) stacked along a new axis before their last ``len(shape) − 1``, broadcast along
    their leading axes; zeros of ``shape`` without rows."""
    if not rows:
        return np.zeros(shape)
    stacked: Floats = np.stack(np.broadcast_arrays(*rows), axis=-len(shape))
    return stacked


def _compound(base: Floats, rate: Floats) -> Floats:
    """:func:`carebridge.engine.forecast.compound` on values (…, year): ``base · Π_{τ=1..t} (1 +
    rate[τ])``, the rate of the base year not applied (a product that skips NaN, as xarray's)."""
    growth = 1 + rate
    growth[..., 0] = 1.0
    compounded: Floats = base * np.nancumprod(growth, axis=-1)
    return compounded


def _activity_demand_growth(
    do_nothing: Laid | xr.DataArray, price: Laid | xr.DataArray, pods: list[str]
) -> Floats:
    """:func:`carebridge.engine.forecast.activity_demand_growth` on values: year-on-year growth of
    do-nothing activity of ``pods``, weighted by base-year value at base prices; 0 where undefined."""
    core = ("year", "pod")
    lead = lead_dims([do_nothing, price], core)
    activity_pods = [str(pod) for pod in coord(do_nothing, "pod")]
    price_pods = [str(pod) for pod in coord(price, "pod")]
    weight = laid(price, core, lead)[..., 0, [price_pods.index(pod) for pod in pods]]
    activity = laid(do_nothing, core, lead)[..., [activity_pods.index(pod) for pod in pods]]
    value = np.nansum(activity * weight[..., None, :], axis=-1)  # as xarray's sum, which skips NaN
    previous = np.concatenate([np.full((*value.shape[:-1], 1), np.nan), value[..., :-1]], axis=-1)
    with np.errstate(all="ignore"):
        growth = value / np.where(previous != 0, previous, np.nan) - 1
    result: Floats = np.where(np.isnan(growth), 0.0, growth)
    return result


def finance_names(
    scenario: Scenario,
    income: Floats,
    by_category: Floats,
    ids: list[str],
    category_ids: list[str],
    wanted: frozenset[str] | None = None,
) -> Names:
    """``income.X``, ``expenditure.X`` and ``expenditure.X.<category>`` for organisations and groups (those
    in ``wanted``, when given), by (…, year): from ``income`` (…, org, year) and ``by_category`` (…, org,
    category, year) of the organisations ``ids`` and the categories ``category_ids``."""
    names: Names = {}
    orgs = {o.id: o for o in scenario.organisations}
    members = {org: [org] for org in ids}
    for group in GROUPS:
        members[group] = [org for org in ids if in_group(orgs[org], group)]
    for holder, chosen in members.items():
        rows = [ids.index(org) for org in chosen]
        if wanted is None or f"income.{holder}" in wanted:
            names[f"income.{holder}"] = np.nansum(income[..., rows, :], axis=-2)
        spend = np.nansum(by_category[..., rows, :, :], axis=-3)
        if wanted is None or f"expenditure.{holder}" in wanted:
            names[f"expenditure.{holder}"] = np.nansum(spend, axis=-2)
        for c, category in enumerate(category_ids):
            if wanted is None or f"expenditure.{holder}.{category}" in wanted:
                names[f"expenditure.{holder}.{category}"] = spend[..., c, :]
    return names


def _formula_series(
    text: str, names: Names, path: tuple[str | int, ...], problems: list[Problem], years: int
) -> Floats:
    """A formula's value by (…, year); a problem (and zeros) when it cannot be evaluated."""
    zeros = np.zeros(years)
    try:
        value = evaluate_array(parse_formula(text), names, years)
    except FormulaValueError as error:
        problems.append(Problem(path, f"formula '{text}' {error}"))
        return zeros
    series: Floats = zeros + value
    if not np.all(np.isfinite(series)):
        problems.append(
            Problem(path, f"formula '{text}' gives no number in some year (infinite or undefined)")
        )
        return zeros
    return series


@dataclass(frozen=True)
class PlanLines:
    value: Laid  # (…, line, year): the net value used in the positions
    gross: Laid  # (…, line, year): before double counting is removed


def line_order(scenario: Scenario) -> list[int]:
    """Plan lines in an order where every ``line.<id>`` a formula uses comes first (raises on a cycle)."""
    lines = scenario.positions.plan_lines
    index = {line.id: i for i, line in enumerate(lines)}
    needs = {
        i: [
            index[n[5:]]
            for n in parse_formula(line.formula).names
            if n.startswith("line.") and n[5:] in index
        ]
        if line.formula
        else []
        for i, line in enumerate(lines)
    }
    order: list[int] = []
    state: dict[int, str] = {}

    def visit(i: int, trail: list[int]) -> None:
        if state.get(i) == "done":
            return
        if state.get(i) == "visiting":
            cycle = " → ".join(lines[j].id for j in [*trail[trail.index(i) :], i])
            raise ModelError(
                [
                    Problem(
                        ("positions", "plan_lines", i, "formula"),
                        f"the formulas refer to each other in a circle: {cycle}",
                    )
                ]
            )
        state[i] = "visiting"
        for j in needs[i]:
            visit(j, [*trail, i])
        state[i] = "done"
        order.append(i)

    for i in range(len(lines)):
        visit(i, [])
    return order


def plan_lines(
    scenario: Scenario,
    span: YearRange,
    given: Laid | xr.DataArray,
    measures: SchemeMeasures,
    names: Names,
    cohort_share: Laid | xr.DataArray,
) -> PlanLines:
    """Every plan line's gross and net value by year (given lines: gross = net), with the ``draw`` axis of
    any input that has one: ``given`` (…, plan_line, year), the schemes' ``measures``, the formulas'
    ``names`` (which gain ``line.<id>`` for each line a formula reads) and the cohorts' shares (cohort,
    pod)."""
    lines = scenario.positions.plan_lines
    read = {
        name
        for line in lines
        if line.formula
        for name in parse_formula(line.formula).names
        if name.startswith("line.")
    }
    gross: dict[int, Floats] = {}
    net: dict[int, Floats] = {}
    problems: list[Problem] = []
    for i in line_order(scenario):
        line = lines[i]
        path = ("positions", "plan_lines", i)
        if line.from_schemes is not None:
            gross[i] = net[i] = _from_schemes(measures, line.from_schemes)
        elif line.formula is not None:
            scope = _cohort_scope(names, line.cohort, cohort_share) if line.cohort else dict(names)
            scope["__start__"] = span.index(line.phasing.start) if line.phasing and line.phasing.start else 0
            raw = _formula_series(line.formula, scope, (*path, "formula"), problems, len(span))
            values = raw * phase_fractions(line.phasing, span) * line.realisation
            gross[i] = values
            net[i] = _net_of_overlaps(values, line.overlaps, span)
        else:
            gross[i] = net[i] = ordered(given, ("plan_line", "year"))[..., i, :]
        if f"line.{line.id}" in read:
            names[f"line.{line.id}"] = net[i]
    if problems:
        raise ModelError(problems)
    ids = [line.id for line in lines]
    return PlanLines(
        value=_by_line([net[i] for i in range(len(lines))], ids, span),
        gross=_by_line([gross[i] for i in range(len(lines))], ids, span),
    )


def _from_schemes(measures: SchemeMeasures, spec: FromSchemes) -> Floats:
    """A line computed from the schemes: the sum over the chosen schemes (all by default) of a measure of
    Table 5 (``benefit``, ``investment`` or ``net``), on the line's basis where the measure has one."""
    if spec.measure == "investment":
        chosen = measures.investment  # (…, scheme, year)
    else:
        values = measures.benefit if spec.measure == "savings" else measures.net
        chosen = values[..., measures.bases.index(spec.basis)]  # (…, scheme, year)
    if spec.schemes:
        chosen = chosen[..., [measures.schemes.index(scheme) for scheme in spec.schemes], :]
    summed: Floats = np.nansum(chosen, axis=-2)  # as xarray's sum, which skips NaN
    return summed


def _net_of_overlaps(gross: Floats, overlaps: list[Overlap], span: YearRange) -> Floats:
    """:func:`carebridge.engine.drivers.net_of_overlaps` on values (…, year): ``net = gross · (1 − Σ
    fraction) − sign(gross) · Σ amount``."""
    fraction = sum(o.fraction or 0.0 for o in overlaps)
    amount = sum((span.expand(o.amount) for o in overlaps if o.amount is not None), np.zeros(len(span)))
    net: Floats = gross * (1 - fraction) - np.sign(gross) * amount
    return net


def _by_line(series: list[Floats], ids: list[str], span: YearRange) -> Laid:
    """Lines by (…, line, year) from one series by (…, year) per line, the … a draw axis of any of them."""
    lead = [DRAW] if any(item.ndim > 1 for item in series) else []
    sizes = list(np.broadcast_shapes(*(item.shape[:-1] for item in series))) if series else []
    shape = (*sizes, len(span))
    values = [np.broadcast_to(item, shape) for item in series]
    data = np.stack(values, axis=-2) if values else np.zeros((*shape[:-1], 0, len(span)))
    return Laid(data, [*lead, "line", "year"], {"line": ids, "year": span.labels})


def _cohort_scope(names: Names, cohort: str, cohort_share: Laid | xr.DataArray) -> Names:
    """Names as a line restricted to a cohort sees them: activity is the cohort's share of it."""
    scoped = dict(names)
    shares = ordered(cohort_share, ("cohort", "pod"))
    cohorts = [str(label) for label in coord(cohort_share, "cohort")]
    for j, pod in enumerate(coord(cohort_share, "pod").tolist()):
        share = float(shares[..., cohorts.index(cohort), j])
        for measure in ("activity", "do_something"):
            key = f"{measure}.{pod}"
            if key in scoped:
                scoped[key] = scoped[key] * share
    return scoped


def scheme_names(measures: SchemeMeasures) -> Names:
    """``savings.tariff``, ``savings.cost`` and ``investment.schemes``: the programme, over all schemes."""
    by_scheme = np.swapaxes(measures.benefit, -1, -3)  # (…, basis, year, scheme), as the summary holds it
    return {
        "savings.tariff": np.nansum(np.take(by_scheme, measures.bases.index("tariff"), axis=-3), axis=-1),
        "savings.cost": np.nansum(np.take(by_scheme, measures.bases.index("cost"), axis=-3), axis=-1),
        "investment.schemes": np.nansum(measures.investment, axis=-2),
    }


def capacity(
    scenario: Scenario,
    span: YearRange,
    do_nothing: xr.DataArray,
    do_something: xr.DataArray,
    stay_factor: xr.DataArray | None = None,
) -> xr.Dataset:
    """Bed days, beds and WTE by (case, year) — case is do_nothing or do_something; ``stay_factor`` (year,
    pod) scales the do-something's length of stay (docs/effects.md section 2).

    The arithmetic of :mod:`carebridge.engine.capacity` in numpy on (…, case, year, pod): ``bed days[b] =
    Σ_p activity[p] · LOS[b, p]``, ``beds = bed days / (days open × occupancy)``, ``WTE[g] = Σ_p activity[p]
    · WTE per unit[g, p]``. Each variable's dimensions are in the order the labelled arithmetic gives them:
    ``case``, then the activity's (a ``draw`` among them), then the stay factor's, then the bed base or
    staff group."""
    import xarray as xr

    if not (scenario.capacity.beds or scenario.capacity.workforce):
        return xr.Dataset()
    pods = [str(pod) for pod in do_nothing.pod.values]
    if [str(pod) for pod in do_something.pod.values] != pods:
        do_something = do_something.sel(pod=pods)
    data, coords = capacity_laid(
        scenario,
        span,
        Laid(np.asarray(do_nothing.values), [str(dim) for dim in do_nothing.dims], {}),
        Laid(np.asarray(do_something.values), [str(dim) for dim in do_something.dims], {}),
        pods,
        stay_factor,
    )
    core = ("year", "pod")
    coords.update(
        lead_coords(
            [do_nothing, do_something, stay_factor], lead_dims([do_nothing, do_something, stay_factor], core)
        )
    )
    return labelled_dataset(data, coords)


LaidDataset = tuple[dict[Hashable, tuple[list[str], np.ndarray]], dict[Hashable, Coordinate]]
"""A dataset not labelled yet: its variables (name → (dims, values)) and coordinates, as
:func:`~carebridge.engine.arrays.labelled_dataset` takes them."""


def capacity_laid(
    scenario: Scenario,
    span: YearRange,
    do_nothing: Laid,
    do_something: Laid,
    pods: list[str],
    stay_factor: Laid | xr.DataArray | None = None,
) -> LaidDataset:
    """:func:`capacity` from the do-nothing and do-something activity over (…, year, pod) of ``pods`` (the
    coordinates of a leading dimension other than ``draw`` left to the caller); an empty dataset without
    beds or a workforce."""
    if not (scenario.capacity.beds or scenario.capacity.workforce):
        return {}, {}
    core = ("year", "pod")
    activity_lead = _union([[d for d in part.dims if d not in core] for part in (do_nothing, do_something)])
    activity = np.stack(
        np.broadcast_arrays(do_nothing.laid(core, activity_lead), do_something.laid(core, activity_lead)),
        axis=-3,
    )  # (…, case, year, pod)
    activity_dims = ["case", *_union([do_nothing.dims, do_something.dims])]
    coords: dict[Hashable, Coordinate] = {"year": span.labels, "case": list(CASES)}
    data: dict[Hashable, tuple[list[str], np.ndarray]] = {}
    spec = scenario.capacity
    if spec.beds:
        ids = [bed.id for bed in spec.beds]
        los = _rates_by_pod([bed.length_of_stay for bed in spec.beds], span, pods)  # (bed, year, pod)
        lead, los_dims = activity_lead, ["bed_base", "year", "pod"]
        if stay_factor is None:
            days = np.nansum(activity[..., :, None, :, :] * los, axis=-1)  # (…, case, bed, year)
        else:
            factor_pods = [str(pod) for pod in coord(stay_factor, "pod")]
            lead = _union([activity_lead, [d for d in stay_factor.dims if d not in core]])
            factor = laid(stay_factor, core, lead)[..., [factor_pods.index(pod) for pod in pods]]
            by_case = np.stack(np.broadcast_arrays(1.0, factor), axis=-3)
            stays = los * by_case[..., :, None, :, :]  # (…, case, bed, year, pod)
            days = np.nansum(
                _padded(activity, len(activity_lead), len(lead))[..., :, None, :, :] * stays, axis=-1
            )
            los_dims = _union([los_dims, ["case", *stay_factor.dims]])
        days = np.swapaxes(days, -1, -2)  # (…, case, year, bed)
        open_days = np.array([bed.days for bed in spec.beds], dtype=float)
        occupancy = np.array([bed.occupancy for bed in spec.beds], dtype=float)
        dims = [d for d in _union([activity_dims, los_dims]) if d != "pod"]
        laid_dims = [*lead, "case", "year", "bed_base"]
        data["bed_days"] = (dims, _ordered(days, laid_dims, dims))
        data["beds"] = (dims, _ordered(days / (open_days * occupancy), laid_dims, dims))
        coords["bed_base"] = ids
    if spec.workforce:
        ids = [group.id for group in spec.workforce]
        per_unit = _rates_by_pod([group.per_unit for group in spec.workforce], span, pods)
        wte = np.swapaxes(np.nansum(activity[..., :, None, :, :] * per_unit, axis=-1), -1, -2)
        dims = [d for d in _union([activity_dims, ["staff_group", "year", "pod"]]) if d != "pod"]
        data["wte"] = (dims, _ordered(wte, [*activity_lead, "case", "year", "staff_group"], dims))
        coords["staff_group"] = ids
    if stay_factor is not None:
        coords.update(lead_coords([stay_factor], [str(dim) for dim in stay_factor.dims if dim not in core]))
    return data, coords


CASES = ("do_nothing", "do_something")


def _union(dims: list[Sequence[Hashable]]) -> list[str]:
    """Dimension names, each once, in the order they first appear (the order labelled arithmetic gives)."""
    return list(dict.fromkeys(str(dim) for group in dims for dim in group))


def _padded(values: np.ndarray, lead: int, wanted: int) -> np.ndarray:
    """``values`` with length-1 axes after its ``lead`` leading axes, to ``wanted`` leading axes."""
    return values.reshape(*values.shape[:lead], *([1] * (wanted - lead)), *values.shape[lead:])


def _ordered(values: np.ndarray, laid_dims: list[str], dims: list[str]) -> np.ndarray:
    """``values`` laid out as ``laid_dims`` moved to the order ``dims``."""
    if laid_dims == dims:
        return values
    return np.transpose(values, [laid_dims.index(dim) for dim in dims])


def _rates_by_pod(rates: list[dict[str, YearValue]], span: YearRange, pods: list[str]) -> np.ndarray:
    """(item, year, pod) from one map of POD → value by year per item; 0 for PODs an item leaves out."""
    values = np.zeros((len(rates), len(span), len(pods)))
    for i, by_pod in enumerate(rates):
        for pod, value in by_pod.items():
            values[i, :, pods.index(pod)] = span.expand(value)
    return values


def sector_of(scenario: Scenario) -> Mapping[str, str]:
    from carebridge.scenario.names import sector

    return {o.id: sector(o) for o in scenario.organisations}
