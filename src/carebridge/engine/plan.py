"""Plan-level arithmetic that reads the scenario's finance, plan lines and capacity (spec sections 7–8).

Three steps, each after the activity and schemes are known:

1. :func:`forecast_finance` — the do-nothing from income and expenditure, for organisations with finance;
2. :func:`plan_lines` — each plan line: given, from the schemes, or a formula with phasing, realisation and
   overlap (gross and net), in dependency order;
3. :func:`capacity` — bed days, beds and WTE for do-nothing and do-something.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from carebridge.engine.arrays import (
    Coordinate,
    Floats,
    Laid,
    coord,
    labelled,
    labelled_dataset,
    laid,
    lead_coords,
    lead_dims,
    lead_sizes,
)
from carebridge.engine.drivers import FormulaValueError, evaluate, phase_fractions
from carebridge.engine.errors import ModelError
from carebridge.engine.inputs import DRAW, InputValues
from carebridge.scenario.errors import Problem
from carebridge.scenario.formula import parse_formula
from carebridge.scenario.names import GROUPS, categories, in_group
from carebridge.scenario.schema import FromSchemes, Overlap, Parameter, Scenario, YearValue
from carebridge.scenario.years import Fill, YearRange

Names = dict[str, xr.DataArray | float]


def by_year(values: np.ndarray, span: YearRange) -> xr.DataArray:
    return labelled(values, ["year"], {"year": span.labels})


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
    do_nothing: xr.DataArray,
    price: xr.DataArray,
    values: InputValues | None = None,
) -> Names:
    """Parameters (read through ``values``: with draws where uncertain), ``activity.<pod>`` and
    ``price.<pod>``: those a formula reads (:func:`formula_names`)."""
    values = values if values is not None else InputValues()
    names: Names = {"__years__": by_year(np.zeros(len(span)), span)}
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
        names[name] = labelled(
            data, [*_draw_axis(data, 1), "year"], {"year": span.labels}
        )  # as values.series
    for pod in scenario.pods:
        if pod.activity is not None and f"activity.{pod.id}" in wanted:
            names[f"activity.{pod.id}"] = _reduced(do_nothing, {"pod": pod.id})
        if f"price.{pod.id}" in wanted:
            names[f"price.{pod.id}"] = _reduced(price, {"pod": pod.id})
    return names


@dataclass(frozen=True)
class Finance:
    """Do-nothing income and expenditure of the organisations that give them, £'000."""

    table: (
        xr.Dataset
    )  # (org, year): income, expenditure, recurrent_items, non_recurrent_items, recurrent_gap, gap
    by_category: xr.DataArray  # (org, category, year)


def forecast_finance(
    scenario: Scenario,
    span: YearRange,
    names: Names,
    do_nothing: xr.DataArray,
    price: xr.DataArray,
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
    by_category_array = labelled(
        by_category,
        [*_draw_axis(by_category, 3), "org", "category", "year"],
        {"category": cats, **year_coords, "org": org_ids},
    )
    income_array = labelled(income, [*_draw_axis(income, 2), "org", "year"], {"org": org_ids, **year_coords})
    names.update(finance_names(scenario, income_array, by_category_array, formula_names(scenario)))
    items: list[list[Floats]] = [[], []]
    problems: list[Problem] = []
    for i, org in holders:
        assert org.finance is not None
        totals = [zero, zero]
        for k, item in enumerate(org.finance.items):
            path = ("organisations", i, "finance", "items", k)
            if item.formula is not None:
                scope = {**names, "__start__": span.index(item.start) if item.start else 0}
                value = _formula_series(item.formula, scope, (*path, "formula"), problems).values
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
    return Finance(labelled_dataset(table, {"org": org_ids, **year_coords}), by_category_array)


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


def _activity_demand_growth(do_nothing: xr.DataArray, price: xr.DataArray, pods: list[str]) -> Floats:
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
    income: xr.DataArray,
    by_category: xr.DataArray,
    wanted: frozenset[str] | None = None,
) -> Names:
    """``income.X``, ``expenditure.X`` and ``expenditure.X.<category>`` for organisations and groups (those
    in ``wanted``, when given)."""
    names: Names = {}
    orgs = {o.id: o for o in scenario.organisations}
    ids = [str(org) for org in coord(income, "org")]
    members = {org: [org] for org in ids}
    for group in GROUPS:
        members[group] = [org for org in ids if in_group(orgs[org], group)]
    income_lead = lead_dims([income], ("org", "year"))
    spend_lead = lead_dims([by_category], ("org", "category", "year"))
    incomes = laid(income, ("org", "year"), income_lead)
    spends = laid(by_category, ("org", "category", "year"), spend_lead)
    spend_orgs = [str(org) for org in coord(by_category, "org")]
    category_ids = [str(category) for category in coord(by_category, "category")]

    def series(data: Floats, lead: list[str], source: xr.DataArray) -> xr.DataArray:
        return labelled(data, [*lead, "year"], {**lead_coords([source], lead), "year": coord(source, "year")})

    for holder, chosen in members.items():
        if wanted is None or f"income.{holder}" in wanted:
            rows = [ids.index(org) for org in chosen]
            names[f"income.{holder}"] = series(np.nansum(incomes[..., rows, :], axis=-2), income_lead, income)
        spend = np.nansum(spends[..., [spend_orgs.index(org) for org in chosen], :, :], axis=-3)
        if wanted is None or f"expenditure.{holder}" in wanted:
            names[f"expenditure.{holder}"] = series(np.nansum(spend, axis=-2), spend_lead, by_category)
        for c, category in enumerate(category_ids):
            if wanted is None or f"expenditure.{holder}.{category}" in wanted:
                names[f"expenditure.{holder}.{category}"] = series(spend[..., c, :], spend_lead, by_category)
    return names


def _formula_series(text: str, names: Names, path: tuple[str | int, ...], problems: list[Problem]) -> Series:
    """A formula's value by year (and draw); a problem (and zeros) when it cannot be evaluated."""
    template = names["__years__"]
    assert isinstance(template, xr.DataArray)
    zeros = Series(np.zeros(template.sizes["year"]), [], template)
    try:
        value = evaluate(parse_formula(text), names)
    except FormulaValueError as error:
        problems.append(Problem(path, f"formula '{text}' {error}"))
        return zeros
    series = _by_year(value, template)
    if not np.all(np.isfinite(series.values)):
        problems.append(
            Problem(path, f"formula '{text}' gives no number in some year (infinite or undefined)")
        )
        return zeros
    return series


def _by_year(value: xr.DataArray | float, template: xr.DataArray) -> Series:
    """``zeros_like(template) + value`` (``template`` by year) as values (…, year)."""
    zeros = np.zeros(template.sizes["year"])
    if not isinstance(value, xr.DataArray):
        return Series(zeros + value, [], template)
    lead = [str(dim) for dim in value.dims if dim != "year"]
    if "year" in value.dims:
        return Series(zeros + laid(value, ("year",), lead), lead, value)
    return Series(zeros + np.asarray(value.values, dtype=float)[..., None], lead, value)


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
    given: xr.DataArray,
    scheme_summary: Callable[[], xr.Dataset],
    names: Names,
    cohort_share: xr.DataArray,
) -> PlanLines:
    """Every plan line's gross and net value by year (given lines: gross = net), with the ``draw`` dimension
    of any input that has one. ``names`` gains ``line.<id>`` for each line a formula reads; the schemes'
    summary is made (``scheme_summary()``) only for a line computed from the schemes."""
    lines = scenario.positions.plan_lines
    read = {
        name
        for line in lines
        if line.formula
        for name in parse_formula(line.formula).names
        if name.startswith("line.")
    }
    gross: dict[int, Series] = {}
    net: dict[int, Series] = {}
    problems: list[Problem] = []
    for i in line_order(scenario):
        line = lines[i]
        path = ("positions", "plan_lines", i)
        if line.from_schemes is not None:
            gross[i] = net[i] = _from_schemes(scheme_summary(), line.from_schemes)
        elif line.formula is not None:
            scope = _cohort_scope(names, line.cohort, cohort_share) if line.cohort else dict(names)
            scope["__start__"] = span.index(line.phasing.start) if line.phasing and line.phasing.start else 0
            raw = _formula_series(line.formula, scope, (*path, "formula"), problems)
            values = raw.values * phase_fractions(line.phasing, span) * line.realisation
            gross[i] = Series(values, raw.lead, raw.source)
            net[i] = Series(_net_of_overlaps(values, line.overlaps, span), raw.lead, raw.source)
        else:
            lead = [str(dim) for dim in given.dims if dim not in ("plan_line", "year")]
            gross[i] = net[i] = Series(laid(given, ("plan_line", "year"), lead)[..., i, :], lead, given)
        if f"line.{line.id}" in read:
            names[f"line.{line.id}"] = net[i].labelled(span)
    if problems:
        raise ModelError(problems)
    ids = [line.id for line in lines]
    return PlanLines(
        value=_by_line([net[i] for i in range(len(lines))], ids, span),
        gross=_by_line([gross[i] for i in range(len(lines))], ids, span),
    )


@dataclass(frozen=True)
class Series:
    """A plan line's values (*lead, year), its leading dimensions (a ``draw``) and the array they came from
    (for the leading dimensions' coordinates)."""

    values: Floats
    lead: list[str]
    source: xr.DataArray

    def labelled(self, span: YearRange) -> xr.DataArray:
        coords = {**lead_coords([self.source], self.lead), "year": span.labels}
        return labelled(self.values, [*self.lead, "year"], coords)


def _from_schemes(scheme_summary: xr.Dataset, spec: FromSchemes) -> Series:
    """A line computed from the schemes: the sum over the chosen schemes (all by default) of a measure of
    Table 5 (``benefit``, ``investment`` or ``net``), on the line's basis where the measure has one."""
    measure = {"savings": "benefit", "investment": "investment", "net": "net"}[spec.measure]
    values = scheme_summary[measure]
    core = ("basis", "scheme", "year") if "basis" in values.dims else ("scheme", "year")
    lead = [str(dim) for dim in values.dims if dim not in core]
    laid_out = laid(values, core, lead)
    if "basis" in values.dims:
        laid_out = laid_out[..., list(coord(values, "basis")).index(spec.basis), :, :]
    if spec.schemes:
        schemes = [str(scheme) for scheme in coord(values, "scheme")]
        laid_out = laid_out[..., [schemes.index(scheme) for scheme in spec.schemes], :]
    return Series(np.nansum(laid_out, axis=-2), lead, values)  # as xarray's sum, which skips NaN


def _net_of_overlaps(gross: Floats, overlaps: list[Overlap], span: YearRange) -> Floats:
    """:func:`carebridge.engine.drivers.net_of_overlaps` on values (…, year): ``net = gross · (1 − Σ
    fraction) − sign(gross) · Σ amount``."""
    fraction = sum(o.fraction or 0.0 for o in overlaps)
    amount = sum((span.expand(o.amount) for o in overlaps if o.amount is not None), np.zeros(len(span)))
    net: Floats = gross * (1 - fraction) - np.sign(gross) * amount
    return net


def _leading(series: Series, lead: list[str], sizes: list[int]) -> Floats:
    """``series.values`` as (*lead, year), of length 1 along the leading dimensions it lacks."""
    order = sorted(range(len(series.lead)), key=lambda k: lead.index(series.lead[k]))
    values = np.transpose(series.values, [*order, len(series.lead)])
    return values.reshape(
        *[size if dim in series.lead else 1 for dim, size in zip(lead, sizes, strict=True)], -1
    )


def _by_line(series: list[Series], ids: list[str], span: YearRange) -> Laid:
    """Lines by (…, line, year) from one series by year (and draw) per line."""
    lead = list(dict.fromkeys(dim for item in series for dim in item.lead))
    sizes = lead_sizes([item.source for item in series], lead)
    shape = (*sizes, len(span))
    values = [np.broadcast_to(_leading(item, lead, sizes), shape) for item in series]
    data = np.stack(values, axis=-2) if values else np.zeros((*shape[:-1], 0, len(span)))
    coords = {**lead_coords([item.source for item in series], lead), "line": ids, "year": span.labels}
    return Laid(data, [*lead, "line", "year"], coords)


def _cohort_scope(names: Names, cohort: str, cohort_share: xr.DataArray) -> Names:
    """Names as a line restricted to a cohort sees them: activity is the cohort's share of it."""
    scoped = dict(names)
    for pod in cohort_share.pod.values:
        share = float(cohort_share.sel(cohort=cohort, pod=pod))
        for measure in ("activity", "do_something"):
            key = f"{measure}.{pod}"
            if key in scoped:
                scoped[key] = scoped[key] * share
    return scoped


def scheme_names(scheme_summary: xr.Dataset) -> Names:
    """``savings.tariff``, ``savings.cost`` and ``investment.schemes``: the programme, over all schemes."""
    return {
        "savings.tariff": _reduced(scheme_summary.benefit, {"basis": "tariff"}, "scheme"),
        "savings.cost": _reduced(scheme_summary.benefit, {"basis": "cost"}, "scheme"),
        "investment.schemes": _reduced(scheme_summary.investment, {}, "scheme"),
    }


def _reduced(array: xr.DataArray, chosen: Mapping[str, str], total: str | None = None) -> xr.DataArray:
    """``array.sel(chosen, drop=True)``, summed over ``total`` (skipping NaN, as xarray's sum): the other
    dimensions in their order."""
    if any(name not in array.dims for name in array.coords):  # a coordinate beside the dimensions
        selected = array.sel(chosen, drop=True)
        return selected.sum(total) if total is not None else selected
    dims = [str(dim) for dim in array.dims]
    data = np.asarray(array.values)
    for dim, label in chosen.items():
        labels = [str(item) for item in coord(array, dim)]
        data = np.take(data, labels.index(label), axis=dims.index(dim))
        dims.remove(dim)
    if total is not None:
        data = np.nansum(data, axis=dims.index(total))
        dims.remove(total)
    return labelled(data, dims, {dim: coord(array, dim) for dim in dims if dim in array.coords})


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
    stay_factor: xr.DataArray | None = None,
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
