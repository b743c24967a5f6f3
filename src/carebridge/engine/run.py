"""One deterministic run: scenario in, :class:`Results` out. Pure: no files, no printing, no store."""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from functools import cache, partial
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from carebridge.engine import activity as activity_model
from carebridge.engine import finance, flows, plan, population, savings, schemes, setting
from carebridge.engine import workforce as workforce_model
from carebridge.engine.arrays import (
    Coordinate,
    Floats,
    Laid,
    coord,
    labelled,
    labelled_dataset,
    lead,
    ordered,
    unlabelled,
)
from carebridge.engine.errors import ModelError
from carebridge.engine.finite import non_finite_problems
from carebridge.engine.inputs import ModelInputs, compile_inputs
from carebridge.engine.labels import (
    ACTIVITY,
    MONEY,
    PERCENT,
    Names,
    label_values,
    line_names,
    statement_names,
    with_labels,
    with_line_names,
    with_statement_names,
)
from carebridge.engine.results import Pending, Results
from carebridge.engine.view import View, laid_view, laid_views
from carebridge.scenario.errors import Problem
from carebridge.scenario.schema import Absolute, AvoidGrowth, Reduce, Scenario, Shift
from carebridge.scenario.years import YearRange

if TYPE_CHECKING:
    import xarray as xr

TOLERANCE = 1e-6


def run(scenario: Scenario) -> Results:
    """Run a validated scenario. Raises :class:`ModelError` when schemes remove more than a cell holds, or
    when a value of the results is not a finite number (:mod:`carebridge.engine.finite`)."""
    inputs = compile_inputs(scenario)
    with _exact_join():
        results = run_inputs(scenario, inputs)
    problems = non_finite_problems(results)
    if problems:
        raise ModelError(problems)
    return results


def _exact_join() -> AbstractContextManager[object]:
    """xarray's ``arithmetic_join="exact"`` for the labelled arithmetic of a run (a misaligned coordinate is
    an error, not a silent reindex), where labelled arrays may be read: the run computes on numpy, so it does
    not import xarray."""
    if "xarray" not in sys.modules:
        return nullcontext()
    import xarray as xr

    return xr.set_options(arithmetic_join="exact")  # type: ignore[no-untyped-call]


YEAR_POD = ("year", "pod")
BY_SCHEME = ("year", "pod", "scheme")
EFFECT = ("scheme", "year", "pod")


def run_inputs(scenario: Scenario, inputs: ModelInputs, *, by_provider: bool = True) -> Results:
    """One run of compiled inputs. ``by_provider=False`` keeps the savings summed over providers, (…, scheme,
    year, pod, source, basis), for a simulation, which reads only sums of them (engine/simulate/batch.py).

    The inputs are read as numpy (:func:`~carebridge.engine.arrays.unlabelled`), and every field of the
    results is left to be labelled on first read, with its view (:meth:`Results.view`) made from the same
    numbers and labels: a run builds no xarray object."""
    act = inputs.activity
    effects = inputs.effects
    prices = inputs.prices
    fin = inputs.finance
    years = inputs.years
    pods = [pod.id for pod in scenario.pods]
    base = ordered(unlabelled(act, "base"), ("pod",))
    do_nothing_v = activity_model.do_nothing_values(
        base,
        ordered(unlabelled(act, "trajectory"), YEAR_POD),
        ordered(unlabelled(act, "growth"), YEAR_POD),
    )
    growth_v = do_nothing_v - base[..., None, :]
    shares = population.cohort_problems(scenario, effects, inputs.values)
    if shares:
        raise ModelError(shares)
    span = YearRange.from_labels(scenario.base_year, scenario.end_year)
    new_effects = setting.has_new_effects(scenario)
    price_v = ordered(unlabelled(prices, "price"), YEAR_POD)
    absolute_reduction = ordered(unlabelled(effects, "absolute_reduction"), EFFECT)
    absolute_avoided = ordered(unlabelled(effects, "absolute_avoided"), EFFECT)
    member = ordered(unlabelled(effects, "scheme_cohort"), ("scheme", "cohort"))
    cohort_share = ordered(unlabelled(effects, "cohort_share"), ("cohort", "pod"))
    effect_names: setting.Names = {}
    if new_effects:  # docs/effects.md: formulas, shifts and length of stay
        effect_names = setting.effect_names_values(scenario, span, inputs.values, do_nothing_v, price_v)
        absolute_reduction, absolute_avoided = setting.formula_effect_values(
            scenario, effect_names, span, inputs.values, absolute_reduction, absolute_avoided
        )
    region_member, region_share = unlabelled(effects, "region_member"), unlabelled(effects, "region_share")
    if region_member is None or region_share is None:
        region_member = region_share = None
    fractions = ordered(unlabelled(effects, "fractions"), schemes.EFFECT_DIMS)
    avoided, reduced, cohort_removed = schemes.scheme_activity_values(
        fractions,
        absolute_avoided,
        absolute_reduction,
        member,
        cohort_share,
        base,
        do_nothing_v,
        growth_v,
        region_member=region_member,  # demand: numpy (region, cohort) and (…, region, year, pod)
        region_share=region_share,
        overlap=schemes.kept_overlap(scenario, inputs.values, fractions, member, region_member, region_share),
    )  # (…, year, pod, scheme) twice and (…, year, pod, cohort)
    scheme_ids = [scheme.id for scheme in scenario.schemes]
    if new_effects:
        shifted = setting.shift_values(
            scenario,
            effect_names,
            span,
            inputs.values,
            member,
            cohort_share,
            base,
            do_nothing_v,
            lead=absolute_reduction.shape[:-3],
        )  # (…, scheme, year, pod)
        reduced = reduced + np.moveaxis(shifted, -3, -1)
    removed = (avoided + reduced).sum(axis=-1)
    do_something_v = do_nothing_v - removed
    cohorts = [str(cohort) for cohort in coord(unlabelled(effects, "scheme_cohort"), "cohort")]
    problems = overdrawn_cells(scenario, inputs, cohorts, cohort_removed, do_nothing_v, do_something_v)
    if problems:
        raise ModelError(problems)
    stay_factor: Laid | None = None
    stay_money: Floats | None = None
    if new_effects:
        factor, _, saved_by_stays = setting.length_of_stay_values(
            scenario,
            effect_names,
            span,
            inputs.values,
            member,
            cohort_share,
            do_something_v,
            price_v,
            lead=absolute_reduction.shape[:-3],
        )
        stay_factor = Laid(factor, [*lead(factor, 2), *YEAR_POD], {"year": years, "pod": pods})
        stay_money = np.moveaxis(saved_by_stays, -3, -1)  # (…, year, pod, scheme)

    split_laid = unlabelled(prices, "provider_split")
    providers = [str(provider) for provider in coord(split_laid, "provider")]
    provider_split = ordered(split_laid, ("pod", "provider"))
    sources = savings.source_values(
        avoided,
        reduced,
        np.moveaxis(ordered(unlabelled(effects, "direct_released"), EFFECT), -3, -1),
        np.moveaxis(ordered(unlabelled(effects, "direct_immediate"), EFFECT), -3, -1),
        price_v,
        ordered(unlabelled(prices, "kernel"), ("part", "pod", "year", "from_year")),
        stay_money,
    )  # (…, scheme, year, pod, source, basis)
    recurrent = ordered(unlabelled(fin, "scheme_recurrent"), ("scheme", "year"))
    non_recurrent = ordered(unlabelled(fin, "scheme_non_recurrent"), ("scheme", "year"))
    by_year = {"scheme": scheme_ids, "year": years}
    totals = savings.source_totals(sources)  # (…, basis, scheme, year, pod), positive
    by_pod = savings.by_pod_values(totals, provider_split)  # the same, weighted by the providers' shares
    benefit = -savings.benefit_values(by_pod)  # (…, scheme, year, basis), negative
    invested = recurrent + non_recurrent
    net = invested[..., None] + benefit
    with_basis = {**by_year, "basis": list(savings.BASES)}
    summary_data: dict[Hashable, tuple[list[str], Floats]] = {
        "investment": ([*lead(invested, 2), "scheme", "year"], invested),
        "benefit": ([*lead(benefit, 3), "basis", "year", "scheme"], np.swapaxes(benefit, -1, -3)),
        "net": ([*lead(net, 3), "scheme", "year", "basis"], net),
    }
    measures = plan.SchemeMeasures(scheme_ids, list(savings.BASES), invested, benefit, net)

    programme = np.swapaxes(benefit.sum(axis=-3), -1, -2)  # (…, basis, year)
    statement = finance.statement_laid(
        fin, [f.name for f in scenario.funding], programme, list(savings.BASES), years
    )
    has = [pods.index(pod) for pod in act.has_activity]
    active: dict[Hashable, Coordinate] = {
        "year": years,
        "pod": np.asarray(pods)[has],
    }  # the PODs' labels, as `sel` keeps them
    year_pod_dims = [*lead(do_nothing_v, 2), *YEAR_POD]
    capacity_data, capacity_coords = plan.capacity_laid(
        scenario,
        span,
        Laid(do_nothing_v[..., has], year_pod_dims, {}),
        Laid(do_something_v[..., has], [*lead(do_something_v, 2), *YEAR_POD], {}),
        list(act.has_activity),
        stay_factor,
    )

    @cache
    def capacity() -> xr.Dataset:
        return labelled_dataset(capacity_data, capacity_coords)

    staff: workforce_model.Staff | None = None  # numpy, labelled with the capacity when read
    if scenario.workforce:
        cases = np.stack(np.broadcast_arrays(do_nothing_v[..., has], do_something_v[..., has]), axis=-3)
        staff = workforce_model.workforce(
            scenario,
            span,
            inputs.values,
            base[..., has],
            cases,
            capacity_data.get("beds"),
            [bed.id for bed in scenario.capacity.beds],
        )
    formulas = plan.uses_formulas(scenario)
    names: plan.Names = {}
    forecast = None
    if formulas or any(org.finance is not None for org in scenario.organisations):
        # the formulas and the finance forecast read the do-nothing activity by POD
        do_nothing = Laid(do_nothing_v, [*lead(do_nothing_v, 2), *YEAR_POD], {"year": years, "pod": pods})
        if formulas:
            names = plan.base_names(scenario, span, do_nothing, price_v, inputs.values)
        forecast = plan.forecast_finance(
            scenario, span, names, do_nothing, unlabelled(prices, "price"), inputs.values
        )
    orgs = inputs.owners.orgs
    gaps_v = _gaps(ordered(unlabelled(fin, "do_nothing"), ("org", "year")), orgs, forecast)  # (…, org, year)
    if formulas:
        names.update(plan.scheme_names(measures))
        names.update(
            {f"do_something.{pod}": do_something_v[..., pods.index(pod)] for pod in act.has_activity}
        )
        names.update({f"gap.{org}": gaps_v[..., i, :] for i, org in enumerate(orgs)})
        names["gap.system"] = gaps_v.sum(axis=-2)
        if staff is not None:
            names.update(workforce_model.workforce_values(staff))
    lines = plan.plan_lines(
        scenario,
        span,
        unlabelled(fin, "plan_value"),
        measures,
        names,
        unlabelled(effects, "cohort_share"),
    )
    plan_orgs = [line.org for line in scenario.positions.plan_lines]
    line_ids = [line.id for line in scenario.positions.plan_lines]
    allocation = _allocation(inputs, gaps_v, orgs, forecast)
    positions = finance.positions_laid(
        Laid(gaps_v, [*lead(gaps_v, 2), "org", "year"], {}),
        lines.value,
        orgs,
        line_ids,
        years,
        plan_orgs,
        Laid(allocation, [*lead(allocation, 3), "line", "org", "year"], {})
        if allocation is not None
        else None,
    )
    money = Pending(  # computed when first read
        partial(
            _flows,
            scenario,
            inputs,
            sources,
            provider_split,
            pods,
            providers,
            do_nothing_v,
            invested,
            positions,
        )
    )

    activity_vars = {
        "do_nothing": do_nothing_v,
        "avoided_growth": -avoided.sum(axis=-1),
        "reduction": -reduced.sum(axis=-1),
        "do_something": do_something_v,
    }
    split = (  # docs/demand.md §3: the split of growth
        population.growth_split_values(base, do_nothing_v, ordered(unlabelled(act, "demographic"), YEAR_POD))
        if unlabelled(act, "demographic") is not None
        else None
    )
    labels = Names(scenario)
    money_units = {"units": MONEY}

    def activity_laid() -> dict[Hashable, tuple[list[str], Floats]]:
        laid: dict[Hashable, tuple[list[str], Floats]] = {
            name: ([*lead(value, 2), *YEAR_POD], value[..., has]) for name, value in activity_vars.items()
        }
        deflection = schemes.deflection_values(removed, base)
        laid["deflection_pct"] = ([*lead(deflection, 2), *YEAR_POD], deflection[..., has])
        if split is not None:
            by_pod = np.swapaxes(split[0][..., has], -1, -2)
            laid["demographic_growth"] = ([*lead(by_pod, 2), "pod", "year"], by_pod)
            laid["non_demographic_growth"] = ([*lead(split[1], 2), *YEAR_POD], split[1][..., has])
        return laid

    def activity_field() -> xr.Dataset:
        activity = with_labels(labelled_dataset(activity_laid(), active), labels, ACTIVITY)
        activity["deflection_pct"].attrs["units"] = PERCENT
        return activity

    def activity_view() -> dict[str, View]:
        laid = activity_laid()
        units = {name: {"units": PERCENT if name == "deflection_pct" else ACTIVITY} for name in laid}
        return laid_views(laid, {**active, **label_values(active, labels)}, units)

    scheme_activity_laid: dict[Hashable, tuple[list[str], Floats]] = {
        "avoided_growth": ([*lead(avoided, 3), *BY_SCHEME], -avoided[..., has, :]),
        "reduction": ([*lead(reduced, 3), *BY_SCHEME], -reduced[..., has, :]),
    }
    scheme_activity_coords: dict[Hashable, Coordinate] = {**active, "scheme": scheme_ids}

    def scheme_activity_field() -> xr.Dataset:
        scheme_activity = labelled_dataset(scheme_activity_laid, scheme_activity_coords)
        return with_labels(scheme_activity, labels, ACTIVITY)

    by_cell: dict[Hashable, Coordinate] = {
        "scheme": scheme_ids,
        "year": years,
        "pod": pods,
        "source": list(savings.SOURCES),
        "basis": list(savings.BASES),
        **({"provider": providers} if by_provider else {}),
    }
    saving_dims = [*lead(sources, 5), *(str(dim) for dim in by_cell)]

    @cache
    def saved() -> Floats:
        by = savings.with_providers(sources, provider_split) if by_provider else sources
        return -by

    def savings_field() -> xr.DataArray:
        return with_labels(labelled(saved(), saving_dims, by_cell), labels, MONEY)

    investment_laid: dict[Hashable, tuple[list[str], Floats]] = {
        "recurrent": ([*lead(recurrent, 2), "scheme", "year"], recurrent),
        "non_recurrent": ([*lead(non_recurrent, 2), "scheme", "year"], non_recurrent),
    }

    def scheme_investment_field() -> xr.Dataset:
        return with_labels(labelled_dataset(investment_laid, by_year), labels, MONEY)

    def capacity_field() -> xr.Dataset:
        merged = capacity().merge(staff.dataset()) if staff is not None else capacity()
        for variable, unit in CAPACITY_UNITS.items():
            if variable in merged.data_vars:
                merged.variables[variable].attrs["units"] = unit
        return merged

    def capacity_view() -> dict[str, View]:
        units = {name: {"units": CAPACITY_UNITS[str(name)]} for name in capacity_data}
        views = laid_views(capacity_data, capacity_coords, units)
        return views if staff is None else {**views, **staff.views()}  # as the merge orders them

    statement_coords = {
        **statement.coords,
        "line_name": (
            ("basis", "line"),
            statement_names(list(savings.BASES), _ids(statement, "line"), labels),
        ),
    }
    statement_coords.update(label_values(statement.coords, labels))
    positions_coords = {
        **positions.coords,
        "line_name": ("line", line_names(_ids(positions, "line"), labels)),
        **label_values(positions.coords, labels),
    }
    gross_coords = {
        **lines.gross.coords,
        "line_name": ("line", line_names(_ids(lines.gross, "line"), labels)),
    }
    split_coords = {**split_laid.coords, **label_values(split_laid.coords, labels)}

    def dataset_view(
        data: Mapping[Hashable, tuple[Sequence[str], Floats]], coords: Mapping[Any, Coordinate]
    ) -> Callable[[], dict[str, View]]:
        return lambda: laid_views(
            data, {**coords, **label_values(coords, labels)}, {name: {"units": MONEY} for name in data}
        )

    fields: dict[str, object] = {
        "scenario": scenario,
        "years": inputs.years,
        "activity": Pending(activity_field, (*activity_vars.values(), *(split or ())), activity_view),
        "scheme_activity": Pending(
            scheme_activity_field,
            (avoided, reduced),
            lambda: laid_views(
                scheme_activity_laid,
                {**scheme_activity_coords, **label_values(scheme_activity_coords, labels)},
                {name: {"units": ACTIVITY} for name in scheme_activity_laid},
            ),
        ),
        "savings": Pending(
            savings_field,
            # positive and before providers: a simulation sums them as they are (simulate/batch.py)
            (sources, provider_split),
            lambda: laid_view(
                saved(), saving_dims, {**by_cell, **label_values(by_cell, labels)}, money_units
            ),
            {"totals": totals, "by_pod": by_pod},
        ),
        "scheme_investment": Pending(
            scheme_investment_field, (recurrent, non_recurrent), dataset_view(investment_laid, by_year)
        ),
        "scheme_summary": Pending(
            lambda: with_labels(labelled_dataset(summary_data, with_basis), labels, MONEY),
            (invested, benefit),
            dataset_view(summary_data, with_basis),
        ),
        "statement": Pending(
            lambda: with_labels(with_statement_names(statement.labelled(), labels), labels, MONEY),
            (statement.values,),
            lambda: laid_view(statement.values, statement.dims, statement_coords, money_units),
        ),
        "positions": Pending(
            lambda: with_labels(with_line_names(positions.labelled(), labels), labels, MONEY),
            (positions.values,),
            lambda: laid_view(positions.values, positions.dims, positions_coords, money_units),
        ),
        "plan_gross": Pending(
            lambda: with_line_names(lines.gross.labelled(), labels),
            (lines.gross.values,),
            lambda: laid_view(lines.gross.values, lines.gross.dims, gross_coords),
        ),
        "finance": None,
        "expenditure": None,
        "capacity": Pending(
            capacity_field,
            tuple(values for _, values in capacity_data.values()) + (staff.numbers() if staff else ()),
            capacity_view,
        ),
        "plan_line_orgs": {line.id: line.org or finance.SYSTEM for line in scenario.positions.plan_lines},
        "plan_flows": money,
        "allocated_lines": [line.id for line in scenario.positions.plan_lines if line.allocation is not None],
        "provider_split": Pending(
            lambda: with_labels(split_laid.labelled(), labels, PERCENT),
            (split_laid.values,),
            lambda: laid_view(split_laid.values, split_laid.dims, split_coords, {"units": PERCENT}),
        ),
        "cohort_share": _pending_input(effects, "cohort_share_by_year"),
        "cohort_headcount": _pending_input(effects, "cohort_headcount"),
    }
    if forecast is not None:
        table, by_category = forecast.table_data, forecast.by_category
        fields["finance"] = Pending(
            lambda: with_labels(forecast.table, labels, MONEY),
            tuple(values for _, values in table.values()),
            dataset_view(table, forecast.coords),
        )
        category_coords = {**by_category.coords, **label_values(by_category.coords, labels)}
        fields["expenditure"] = Pending(
            lambda: with_labels(by_category.labelled(), labels, MONEY),
            (by_category.values,),
            lambda: laid_view(by_category.values, by_category.dims, category_coords, money_units),
        )
    return Results.lazily(fields)


CAPACITY_UNITS = {"bed_days": "bed days", "beds": "beds", "wte": "WTE"}
"""The units of the capacity's variables."""


def _ids(laid: Laid, dim: str) -> list[str]:
    return [str(label) for label in coord(laid, dim).tolist()]


def _pending_input(holder: object, name: str) -> object:
    """An input field as a field of the results: labelled on first read when it is not yet, with its view."""
    found = unlabelled(holder, name)
    if type(found) is not Laid:
        return found
    return Pending(found.labelled, (found.values,), lambda: laid_view(found.values, found.dims, found.coords))


def _gaps(given: Floats, orgs: list[str], forecast: plan.Finance | None) -> Floats:
    """Each organisation's do-nothing gap (…, org, year): the forecast's where it computes one, else the
    gap given."""
    return given if forecast is None else _by_org(forecast.variable("gap"), orgs, given)


def _by_org(table: Laid, orgs: list[str], other: Floats) -> Floats:
    """``table`` (…, org, year) laid out by ``orgs``, with ``other`` (…, org, year) for an organisation it
    does not have."""
    values = ordered(table, ("org", "year"))
    rows = {org: k for k, org in enumerate(_ids(table, "org"))}
    shape = np.broadcast_shapes(other.shape[:-2], values.shape[:-2])
    out = np.broadcast_to(other, (*shape, *other.shape[-2:])).copy()
    for i, org in enumerate(orgs):
        if org in rows:
            out[..., i, :] = values[..., rows[org], :]
    return out


def _allocation(
    inputs: ModelInputs, gaps: Floats, orgs: list[str], forecast: plan.Finance | None
) -> Floats | None:
    """Shares of the allocated plan lines (…, line, org, year), every plan line in the scenario's order (0 for
    a line not allocated), by organisation and year (spec section 13), or None without any.
    ``gaps`` (…, org, year) by ``orgs``. Raises :class:`ModelError` when a line's basis adds up to 0 in a
    year."""
    spec = inputs.allocation
    if not any(spec.allocated):
        return None

    def basis(name: str) -> Floats:
        if name == "do_nothing":
            return np.asarray(gaps, dtype=float)
        if forecast is None:
            return np.zeros((len(orgs), len(inputs.years)))
        return _by_org(forecast.variable(name), orgs, np.zeros((len(orgs), len(inputs.years))))

    used = {name for name in spec.basis if name is not None}
    shares, problems = flows.allocation_shares(spec, {name: basis(name) for name in used}, orgs, inputs.years)
    if problems:
        raise ModelError(problems)
    return shares


def _flows(
    scenario: Scenario,
    inputs: ModelInputs,
    sources: Floats,
    split: Floats,
    pods: list[str],
    providers: list[str],
    do_nothing: Floats,
    invested: Floats,
    positions: Laid,
) -> flows.PlanFlows:
    """The flows between the partners, the positions from the schemes and the checks (spec section 13).

    ``sources`` (…, scheme, year, pod, source, basis), ``split`` the providers' shares (pod, provider),
    ``do_nothing`` (…, year, pod), ``invested``
    (…, scheme, year)."""
    activity = savings.provider_activity_values(sources, split)  # (…, year, pod, basis, provider)
    tariff_change = -activity[..., 0, :]
    cost_saving = activity[..., 1, :]
    direct = savings.direct_cost_values(sources, split)  # (…, scheme, year, pod), cost basis
    contracts = inputs.contracts
    fin = inputs.finance
    contract = flows.contract_flows(
        contracts,
        tariff_change,
        cost_saving,
        do_nothing,
        ordered(unlabelled(inputs.prices, "price"), YEAR_POD),
        split,
        [pods.index(pod) for pod in contracts.pod],
        [providers.index(provider) for provider in contracts.provider],
    )
    table = flows.flow_table(
        contracts,
        inputs.owners,
        contract,
        direct,
        invested,
        ordered(unlabelled(fin, "investment"), ("investment", "year")),
        ordered(unlabelled(fin, "funding"), ("funding", "year")),
        pods,
    )
    orgs = inputs.owners.orgs
    laid = positions.values  # (…, line, org, year)
    lines = [str(line) for line in np.asarray(positions.coords["line"])]
    plan_lines = scenario.positions.plan_lines
    typed = [
        line.id for line, made in zip(plan_lines, inputs.allocation.from_schemes, strict=True) if not made
    ]
    held = flows.scheme_positions(table, laid, lines, typed, orgs, inputs.owners.sector)
    inside = np.array([1.0 if p in orgs else 0.0 for p in providers])
    expected = (-cost_saving * inside + tariff_change * (1 - inside)).sum(axis=(-2, -1))
    unallocated = [line.id for line in plan_lines if line.org is None and line.allocation is None]
    computed, wanted = flows.flow_checks(
        contract, contracts.inside, table, held, laid, lines, unallocated, expected
    )
    return flows.PlanFlows(
        table=table,
        positions=held,
        holders=[*orgs, *flows.SECTORS, flows.SYSTEM],
        computed=computed,
        expected=wanted,
        years=inputs.years,
    )


def overdrawn_cells(
    scenario: Scenario,
    inputs: ModelInputs,
    cohorts: list[str],
    cohort_removed: Floats,
    do_nothing: Floats,
    do_something: Floats,
) -> list[Problem]:
    """Cells where schemes together remove more than the cell holds: a cohort's share of a POD's activity, or
    the POD's whole do-nothing activity. One problem per (cohort or POD, POD) naming the schemes and years.
    ``cohort_removed`` is the activity the schemes remove from each cohort of ``cohorts`` (…, year, pod,
    cohort), ``do_nothing`` and ``do_something`` (…, year, pod) over the scenario's years and PODs.

    In a Monte Carlo run (a ``draw`` dimension) the problems are those of the first draw that has any, and
    say how many draws do."""
    effects = inputs.effects
    by_year = unlabelled(effects, "cohort_share_by_year")
    if by_year is None:
        share = ordered(unlabelled(effects, "cohort_share"), ("cohort", "pod"))[..., :, None, :]
    else:
        share = ordered(by_year, ("cohort", "year", "pod"))
    cells = _Cells(
        cohorts=cohorts,
        pods=[pod.id for pod in scenario.pods],
        years=list(inputs.years),
        share=share,
        removed=np.moveaxis(cohort_removed, -1, -3),
        do_nothing=do_nothing,
        do_something=do_something,
    )
    if (
        cells.share.ndim > 3
        or cells.removed.ndim > 3
        or cells.do_nothing.ndim > 2
        or cells.do_something.ndim > 2
    ):
        return _overdrawn_in_draws(scenario, cells)
    return _overdrawn(scenario, cells)


@dataclass(frozen=True)
class _Cells:
    """What the check of overdrawn cells reads, each with an optional leading draw axis: ``share`` (…, cohort,
    year or 1, pod), ``removed`` (…, cohort, year, pod), ``do_nothing`` and ``do_something`` (…, year,
    pod)."""

    cohorts: list[str]
    pods: list[str]
    years: list[str]
    share: Floats
    removed: Floats
    do_nothing: Floats
    do_something: Floats

    @property
    def holds(self) -> Floats:
        """A cohort's share of each POD's do-nothing activity, (…, cohort, year, pod)."""
        return self.share * self.do_nothing[..., None, :, :]

    @property
    def excess(self) -> npt.NDArray[np.bool_]:
        """Cells where the schemes remove more than a cohort's share of the POD's activity."""
        holds = self.holds
        return (self.removed - holds) > TOLERANCE * np.maximum(1.0, np.abs(holds))

    @property
    def below(self) -> npt.NDArray[np.bool_]:
        """Cells where do-something activity falls below zero."""
        return self.do_something < -TOLERANCE * np.maximum(1.0, np.abs(self.do_nothing))

    def at(self, draw: int) -> _Cells:
        """The cells of one draw."""

        def one(values: Floats, core: int) -> Floats:
            return values[draw] if values.ndim > core else values

        return replace(
            self,
            share=one(self.share, 3),
            removed=one(self.removed, 3),
            do_nothing=one(self.do_nothing, 2),
            do_something=one(self.do_something, 2),
        )


def _overdrawn_in_draws(scenario: Scenario, cells: _Cells) -> list[Problem]:
    bad = np.asarray(cells.excess.any(axis=(-3, -2, -1)) | cells.below.any(axis=(-2, -1)))
    if bad.ndim == 0 or not bool(bad.any()):
        return [] if not bool(bad.any()) else _overdrawn(scenario, cells)
    first = int(np.argmax(bad))
    found = _overdrawn(scenario, cells.at(first))
    count, total = int(bad.sum()), bad.shape[0]
    note = f" — in {count:,} of {total:,} draws (draw {first} shown); narrow the distributions"
    return [Problem(problem.path, problem.message + note) for problem in found]


def _overdrawn(scenario: Scenario, cells: _Cells) -> list[Problem]:
    problems: list[Problem] = []
    holds = np.broadcast_to(cells.holds, cells.removed.shape)
    excess = cells.excess
    for c, j in zip(*np.nonzero(excess.any(axis=-2)), strict=True):
        cohort, pod = cells.cohorts[c], cells.pods[j]
        hit = np.flatnonzero(excess[c, :, j])
        years = [cells.years[t] for t in hit]
        refs = _effect_refs(scenario, pod, cohort=cohort, fraction_only=True)
        refs += [  # schemes of cohorts that share the cohort's activity (docs/demand.md §5)
            ref
            for other in _sharing(scenario, cohort, pod)
            for ref in _effect_refs(scenario, pod, cohort=other, fraction_only=True)
        ]
        removed = float(cells.removed[c, hit[0], j])
        held = float(holds[c, hit[0], j])
        who = "it holds" if cohort == "all" else f"cohort '{cohort}' holds of it"
        problems.append(
            Problem(
                refs[0][1] if refs else ("schemes",),
                f"{_names(refs)} remove more of POD '{pod}' than {who} in {_years(years)} "
                f"(in {years[0]}: {removed:,.0f} removed from {held:,.0f}); lower the fractions",
            )
        )
    below = cells.below
    for j in np.flatnonzero(below.any(axis=-2)):
        pod = cells.pods[j]
        hit = np.flatnonzero(below[:, j])
        years = [cells.years[t] for t in hit]
        refs = _effect_refs(scenario, pod)
        problems.append(
            Problem(
                refs[0][1] if refs else ("schemes",),
                f"{_names(refs)} take do-something activity of POD '{pod}' below zero in {_years(years)} "
                f"(in {years[0]}: {float(cells.do_something[hit[0], j]):,.0f})",
            )
        )
    return problems


def _effect_refs(
    scenario: Scenario, pod: str, cohort: str | None = None, fraction_only: bool = False
) -> list[tuple[str, tuple[str | int, ...]]]:
    kinds: tuple[type, ...] = (
        (AvoidGrowth, Reduce) if fraction_only else (AvoidGrowth, Reduce, Absolute, Shift)
    )
    refs: list[tuple[str, tuple[str | int, ...]]] = []
    for i, scheme in enumerate(scenario.schemes):
        if cohort is not None and scheme.cohort != cohort:
            continue
        for j, effect in enumerate(scheme.effects):
            if effect.pod == pod and isinstance(effect, kinds):
                refs.append((scheme.id, ("schemes", i, "effects", j)))
    return refs


def _names(refs: list[tuple[str, tuple[str | int, ...]]]) -> str:
    """``the effects of scheme 'a'`` or ``the effects of schemes 'a', 'b'``."""
    names = list(dict.fromkeys(name for name, _ in refs))
    quoted = ", ".join(f"'{name}'" for name in names)
    return f"the effects of scheme {quoted}" if len(names) == 1 else f"the effects of schemes {quoted}"


def _years(years: list[str]) -> str:
    """``['2018/19']`` → ``'2018/19'``; a run of consecutive years → ``'2018/19 to 2020/21'``; else a list."""
    starts = [int(y[:4]) for y in years]
    if len(years) > 2 and starts == list(range(starts[0], starts[0] + len(starts))):
        return f"{years[0]} to {years[-1]}"
    return ", ".join(years)


def _sharing(scenario: Scenario, cohort: str, pod: str) -> list[str]:
    """The cohorts declared to share some of ``cohort``'s activity of ``pod`` (docs/demand.md §5)."""
    return [
        other
        for overlap in scenario.cohort_overlaps
        if cohort in overlap.cohorts and overlap.shares.get(pod, 0.0) > 0
        for other in overlap.cohorts
        if other != cohort
    ]
