"""One deterministic run: scenario in, :class:`Results` out. Pure: no files, no printing, no store."""

from __future__ import annotations

import numpy as np
import xarray as xr

from carebridge.engine import activity as activity_model
from carebridge.engine import finance, flows, plan, population, savings, schemes, setting
from carebridge.engine import workforce as workforce_model
from carebridge.engine.errors import ModelError
from carebridge.engine.finite import non_finite_problems
from carebridge.engine.inputs import DRAW, ModelInputs, compile_inputs
from carebridge.engine.labels import (
    ACTIVITY,
    MONEY,
    PERCENT,
    Names,
    with_labels,
    with_line_names,
    with_statement_names,
)
from carebridge.engine.results import Results
from carebridge.scenario.errors import Problem
from carebridge.scenario.schema import Absolute, AvoidGrowth, Reduce, Scenario, Shift
from carebridge.scenario.years import YearRange

TOLERANCE = 1e-6


def run(scenario: Scenario) -> Results:
    """Run a validated scenario. Raises :class:`ModelError` when schemes remove more than a cell holds, or
    when a value of the results is not a finite number (:mod:`carebridge.engine.finite`)."""
    inputs = compile_inputs(scenario)
    with xr.set_options(arithmetic_join="exact"):  # type: ignore[no-untyped-call]
        results = run_inputs(scenario, inputs)
    problems = non_finite_problems(results)
    if problems:
        raise ModelError(problems)
    return results


def run_inputs(scenario: Scenario, inputs: ModelInputs) -> Results:
    act = inputs.activity
    do_nothing = activity_model.do_nothing_activity(act.base, act.trajectory, act.growth)
    growth = activity_model.growth_over_base(do_nothing, act.base)
    shares = population.cohort_problems(scenario, inputs.effects)
    if shares:
        raise ModelError(shares)
    span = YearRange.from_labels(scenario.base_year, scenario.end_year)
    new_effects = setting.has_new_effects(scenario)
    effects = inputs.effects
    effect_names: setting.Names = {}
    if new_effects:  # docs/effects.md: formulas, shifts and length of stay
        effect_names = setting.effect_names(scenario, span, inputs.values, do_nothing, inputs.prices.price)
        effects = setting.with_formula_effects(scenario, effects, effect_names, span, inputs.values)
    moved = schemes.scheme_activity(effects, act.base, do_nothing, growth)
    if new_effects:
        shifted = setting.shift_reductions(
            scenario, effects, effect_names, span, inputs.values, act.base, do_nothing
        )
        moved = schemes.SchemeActivity(moved.avoided, moved.reduced + shifted, moved.cohort_removed)
    do_something = schemes.do_something_activity(do_nothing, moved)
    problems = overdrawn_cells(scenario, inputs, moved, do_nothing, do_something)
    if problems:
        raise ModelError(problems)
    stays = (
        setting.length_of_stay(
            scenario, effects, effect_names, span, inputs.values, do_something, inputs.prices.price
        )
        if new_effects
        else None
    )

    saved = savings.savings_table(
        moved.avoided,
        moved.reduced,
        effects.direct_released,
        effects.direct_immediate,
        inputs.prices.price,
        inputs.prices.kernel,
        inputs.prices.provider_split,
        stays.money if stays is not None else None,
    )
    fin = inputs.finance
    scheme_investment = xr.Dataset(
        {"recurrent": fin.scheme_recurrent, "non_recurrent": fin.scheme_non_recurrent}
    )
    benefit = -saved.sum(["pod", "source", "provider"])  # (scheme, year, basis), negative
    invested = fin.scheme_recurrent + fin.scheme_non_recurrent
    summary = xr.Dataset({"investment": invested, "benefit": benefit, "net": invested + benefit})
    programme_saving = benefit.sum("scheme")
    statement = finance.statement(fin, [f.name for f in scenario.funding], programme_saving)
    capacity = plan.capacity(
        scenario,
        span,
        do_nothing.sel(pod=act.has_activity),
        do_something.sel(pod=act.has_activity),
        stays.stay_factor if stays is not None else None,
    )
    staff = workforce_model.workforce(
        scenario,
        span,
        inputs.values,
        act.base,
        xr.concat(
            [do_nothing.sel(pod=act.has_activity), do_something.sel(pod=act.has_activity)], dim="case"
        ).assign_coords(case=list(workforce_model.CASES)),
        capacity.get("beds"),
    )
    price = inputs.prices.price
    names = plan.base_names(scenario, span, do_nothing, price, inputs.values)
    forecast = plan.forecast_finance(scenario, span, names, do_nothing, price, inputs.values)
    gaps = fin.do_nothing
    if forecast is not None:
        computed = forecast.table.gap
        gaps = computed.reindex(org=gaps.org, fill_value=0.0).where(gaps.org.isin(computed.org), gaps)
    if plan.uses_formulas(scenario):
        names.update(plan.scheme_names(summary))
        names.update(
            {f"do_something.{pod}": do_something.sel(pod=pod, drop=True) for pod in act.has_activity}
        )
        names.update({f"gap.{org}": gaps.sel(org=org, drop=True) for org in gaps.org.values})
        names["gap.system"] = gaps.sum("org")
        names.update(workforce_model.workforce_names(staff))
    lines = plan.plan_lines(scenario, span, fin.plan_value, summary, names, effects.cohort_share)
    plan_orgs = [line.org for line in scenario.positions.plan_lines]
    gaps = gaps.transpose(..., "org", "year")
    allocation = _allocation(inputs, gaps, forecast)
    positions = finance.positions(gaps, lines.value, plan_orgs, allocation)
    money = _flows(scenario, inputs, saved, do_nothing, invested, positions)

    activity = xr.Dataset(
        {
            "do_nothing": do_nothing,
            "avoided_growth": -moved.avoided.sum("scheme"),
            "reduction": -moved.reduced.sum("scheme"),
            "do_something": do_something,
            "deflection_pct": schemes.deflection_percent(moved, act.base),
        }
    )
    if act.demographic is not None:  # docs/demand.md §3: the split of growth
        split = population.growth_split(act.base, do_nothing, act.demographic)
        activity["demographic_growth"], activity["non_demographic_growth"] = split
    activity = activity.sel(pod=act.has_activity)
    labels = Names(scenario)
    activity = with_labels(activity, labels, ACTIVITY)
    activity["deflection_pct"].attrs["units"] = PERCENT
    scheme_activity = xr.Dataset({"avoided_growth": -moved.avoided, "reduction": -moved.reduced})
    capacity = capacity.merge(staff) if staff.data_vars else capacity
    for variable, unit in (("bed_days", "bed days"), ("beds", "beds"), ("wte", "WTE")):
        if variable in capacity:
            capacity[variable].attrs["units"] = unit
    return Results(
        scenario=scenario,
        years=inputs.years,
        activity=activity,
        scheme_activity=with_labels(scheme_activity.sel(pod=act.has_activity), labels, ACTIVITY),
        savings=with_labels(
            -saved.transpose(..., "scheme", "year", "pod", "source", "basis", "provider"), labels, MONEY
        ),
        scheme_investment=with_labels(scheme_investment, labels, MONEY),
        scheme_summary=with_labels(summary, labels, MONEY),
        statement=with_labels(with_statement_names(statement, labels), labels, MONEY),
        positions=with_labels(with_line_names(positions, labels), labels, MONEY),
        plan_gross=with_line_names(lines.gross, labels),
        finance=with_labels(forecast.table, labels, MONEY) if forecast is not None else None,
        expenditure=with_labels(forecast.by_category, labels, MONEY) if forecast is not None else None,
        capacity=capacity,
        plan_line_orgs={line.id: line.org or finance.SYSTEM for line in scenario.positions.plan_lines},
        plan_flows=money,
        allocated_lines=[line.id for line in scenario.positions.plan_lines if line.allocation is not None],
        provider_split=with_labels(inputs.prices.provider_split, labels, PERCENT),
        cohort_share=inputs.effects.cohort_share_by_year,
        cohort_headcount=inputs.effects.cohort_headcount,
    )


def _allocation(
    inputs: ModelInputs, gaps: xr.DataArray, forecast: plan.Finance | None
) -> xr.DataArray | None:
    """Shares of the allocated plan lines by organisation and year (spec section 13), or None without any.
    Raises :class:`ModelError` when a line's basis adds up to 0 in a year."""
    spec = inputs.allocation
    if not any(spec.allocated):
        return None
    orgs = [str(org) for org in gaps.org.values]

    def basis(name: str) -> np.ndarray:
        if name == "do_nothing":
            return np.asarray(gaps.values, dtype=float)
        if forecast is None:
            return np.zeros((len(orgs), len(inputs.years)))
        table = forecast.table[name].reindex(org=orgs, fill_value=0.0).transpose(..., "org", "year")
        return np.asarray(table.values, dtype=float)

    used = {name for name in spec.basis if name is not None}
    shares, problems = flows.allocation_shares(spec, {name: basis(name) for name in used}, orgs, inputs.years)
    if problems:
        raise ModelError(problems)
    lead = [DRAW] if shares.ndim > 3 else []
    line_ids = [str(line) for line in inputs.finance.plan_value.plan_line.values]
    return xr.DataArray(
        shares,
        dims=[*lead, "line", "org", "year"],
        coords={"line": line_ids, "org": orgs, "year": inputs.years},
    )


def _flows(
    scenario: Scenario,
    inputs: ModelInputs,
    saved: xr.DataArray,
    do_nothing: xr.DataArray,
    invested: xr.DataArray,
    positions: xr.DataArray,
) -> flows.PlanFlows:
    """The flows between the partners, the positions from the schemes and the checks (spec section 13)."""
    cells = saved.transpose(..., "scheme", "year", "pod", "source", "basis", "provider")
    values = cells.values
    activity = values[..., :2, :, :].sum(axis=(-6, -3))  # (…, year, pod, basis, provider)
    tariff_change = -activity[..., 0, :]
    cost_saving = activity[..., 1, :]
    direct = values[..., 2, 1, :].sum(axis=-1)  # (…, scheme, year, pod), cost basis
    pods = [str(pod) for pod in cells.pod.values]
    providers = [str(p) for p in cells.provider.values]
    contracts = inputs.contracts
    fin = inputs.finance
    contract = flows.contract_flows(
        contracts,
        tariff_change,
        cost_saving,
        do_nothing.transpose(..., "year", "pod").values,
        inputs.prices.price.transpose(..., "year", "pod").values,
        inputs.prices.provider_split.transpose("pod", "provider").values,
        [pods.index(pod) for pod in contracts.pod],
        [providers.index(provider) for provider in contracts.provider],
    )
    table = flows.flow_table(
        contracts,
        inputs.owners,
        contract,
        direct,
        invested.transpose(..., "scheme", "year").values,
        fin.investment.transpose(..., "investment", "year").values,
        fin.funding.transpose(..., "funding", "year").values,
        pods,
    )
    orgs = inputs.owners.orgs
    laid = positions.transpose(..., "line", "org", "year")
    lines = [str(line) for line in laid.line.values]
    plan_lines = scenario.positions.plan_lines
    typed = [
        line.id for line, made in zip(plan_lines, inputs.allocation.from_schemes, strict=True) if not made
    ]
    held = flows.scheme_positions(table, laid.values, lines, typed, orgs, inputs.owners.sector)
    inside = np.array([1.0 if p in orgs else 0.0 for p in providers])
    expected = (-cost_saving * inside + tariff_change * (1 - inside)).sum(axis=(-2, -1))
    unallocated = [line.id for line in plan_lines if line.org is None and line.allocation is None]
    computed, wanted = flows.flow_checks(
        contract, contracts.inside, table, held, laid.values, lines, unallocated, expected
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
    moved: schemes.SchemeActivity,
    do_nothing: xr.DataArray,
    do_something: xr.DataArray,
) -> list[Problem]:
    """Cells where schemes together remove more than the cell holds: a cohort's share of a POD's activity, or
    the POD's whole do-nothing activity. One problem per (cohort or POD, POD) naming the schemes and years.

    In a Monte Carlo run (a ``draw`` dimension) the problems are those of the first draw that has any, and
    say how many draws do."""
    effects = inputs.effects
    share = effects.cohort_share if effects.cohort_share_by_year is None else effects.cohort_share_by_year
    if DRAW in do_something.dims or DRAW in moved.cohort_removed.dims:
        return _overdrawn_in_draws(scenario, share, moved, do_nothing, do_something)
    return _overdrawn(scenario, share, moved, do_nothing, do_something)


def _excess(share: xr.DataArray, moved: schemes.SchemeActivity, do_nothing: xr.DataArray) -> xr.DataArray:
    """Cells where the schemes remove more than a cohort's share of the POD's activity."""
    holds = share * do_nothing
    return (moved.cohort_removed - holds) > TOLERANCE * np.maximum(1.0, abs(holds))


def _below(do_nothing: xr.DataArray, do_something: xr.DataArray) -> xr.DataArray:
    """Cells where do-something activity falls below zero."""
    return do_something < -TOLERANCE * np.maximum(1.0, abs(do_nothing))


def _overdrawn_in_draws(
    scenario: Scenario,
    share: xr.DataArray,
    moved: schemes.SchemeActivity,
    do_nothing: xr.DataArray,
    do_something: xr.DataArray,
) -> list[Problem]:
    excess, below = _excess(share, moved, do_nothing), _below(do_nothing, do_something)
    bad = excess.any([d for d in excess.dims if d != DRAW]) | below.any([d for d in below.dims if d != DRAW])
    if DRAW not in bad.dims or not bool(bad.any()):
        return [] if not bool(bad.any()) else _overdrawn(scenario, share, moved, do_nothing, do_something)
    first = int(np.argmax(bad.values))

    def at(array: xr.DataArray) -> xr.DataArray:
        return array.isel({DRAW: first}) if DRAW in array.dims else array

    one = schemes.SchemeActivity(at(moved.avoided), at(moved.reduced), at(moved.cohort_removed))
    found = _overdrawn(scenario, at(share), one, at(do_nothing), at(do_something))
    count, total = int(bad.sum()), bad.sizes[DRAW]
    note = f" — in {count:,} of {total:,} draws (draw {first} shown); narrow the distributions"
    return [Problem(problem.path, problem.message + note) for problem in found]


def _overdrawn(
    scenario: Scenario,
    share: xr.DataArray,
    moved: schemes.SchemeActivity,
    do_nothing: xr.DataArray,
    do_something: xr.DataArray,
) -> list[Problem]:
    problems: list[Problem] = []
    holds = share * do_nothing
    excess = _excess(share, moved, do_nothing)
    for cohort, pod in _cells(excess, "cohort"):
        years = [str(y) for y in excess.year.values if bool(excess.sel(cohort=cohort, pod=pod, year=y))]
        refs = _effect_refs(scenario, pod, cohort=cohort, fraction_only=True)
        refs += [  # schemes of cohorts that share the cohort's activity (docs/demand.md §5)
            ref
            for other in _sharing(scenario, cohort, pod)
            for ref in _effect_refs(scenario, pod, cohort=other, fraction_only=True)
        ]
        removed = float(moved.cohort_removed.sel(cohort=cohort, pod=pod, year=years[0]))
        held = float(holds.sel(cohort=cohort, pod=pod, year=years[0]))
        who = "it holds" if cohort == "all" else f"cohort '{cohort}' holds of it"
        problems.append(
            Problem(
                refs[0][1] if refs else ("schemes",),
                f"{_names(refs)} remove more of POD '{pod}' than {who} in {_years(years)} "
                f"(in {years[0]}: {removed:,.0f} removed from {held:,.0f}); lower the fractions",
            )
        )
    below = _below(do_nothing, do_something)
    for pod in [str(p) for p, hit in zip(below.pod.values, below.any("year").values, strict=True) if hit]:
        years = [str(y) for y in below.year.values if bool(below.sel(pod=pod, year=y))]
        refs = _effect_refs(scenario, pod)
        problems.append(
            Problem(
                refs[0][1] if refs else ("schemes",),
                f"{_names(refs)} take do-something activity of POD '{pod}' below zero in {_years(years)} "
                f"(in {years[0]}: {float(do_something.sel(pod=pod, year=years[0])):,.0f})",
            )
        )
    return problems


def _cells(mask: xr.DataArray, dim: str) -> list[tuple[str, str]]:
    """The (``dim``, pod) pairs where ``mask`` is true in some year."""
    hit = mask.any("year").transpose(dim, "pod")
    return [
        (str(hit[dim].values[i]), str(hit.pod.values[j]))
        for i, j in zip(*np.nonzero(hit.values), strict=True)
    ]


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
