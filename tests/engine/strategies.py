"""Hypothesis strategies that build random, valid :class:`Scenario` objects through the pydantic models.

The scenarios are built so that they run: every POD with activity has a *budget* of fraction effects and
absolute amounts (``POD_BUDGET`` of its base activity) that the schemes draw down as they are generated, and
do-nothing activity never falls below ``MIN_ACTIVITY_FACTOR`` of the base. So the schemes can never remove
more than a cell holds and :func:`run_or_reject` should almost never have to reject an example; it records
an ``event`` either way, and ``test_most_generated_scenarios_run`` checks the share that runs.

``last_change`` (see :func:`settling_scenarios`) restricts every value by year that can move a saving —
effects, growth, trajectories, prices, uplifts, populations — to years up to that index, with growth and
uplift falling to zero there, so that tariff savings are constant after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import hypothesis.strategies as st
from hypothesis import assume, event

from carebridge.engine import ModelError, Results, run
from carebridge.scenario.schema import (
    Absolute,
    Activity,
    Allocation,
    AvoidGrowth,
    Cohort,
    Contract,
    CostRelease,
    DirectSaving,
    Effect,
    FromSchemes,
    FundingSource,
    Organisation,
    PlanLine,
    Pod,
    Positions,
    PriceUplift,
    ProgrammeInvestment,
    Reduce,
    ReleaseLags,
    Scenario,
    Scheme,
    SchemeInvestment,
    Statement,
)
from carebridge.scenario.years import format_year

BASE_YEAR = 2016
FRACTION_LOW, FRACTION_HIGH = -0.3, 0.6
POD_BUDGET = 0.8
"""Largest total positive fraction (or absolute amount over base activity) the schemes may take from a POD."""
MIN_ACTIVITY_FACTOR = 0.85
"""Do-nothing activity stays above this share of base activity, so removals within the budget fit."""
INVESTMENT_LINES = ("Scheme investment", "Programme investment", "Digital investment")
ORG_KINDS = ("commissioner", "council", "acute", "community", "mental_health", "primary_care", "other")
AGE_BANDS = ("0-17", "18-64", "65-84", "85+")

YearValue = float | dict[str, float]


def amounts(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite floats in ``[low, high]``, without subnormals."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def year_labels(count: int) -> list[str]:
    """``count`` financial years from the base year 2016/17."""
    return [format_year(BASE_YEAR + i) for i in range(count)]


def end_year(labels: list[str]) -> str:
    return labels[-1]


def largest(value: YearValue) -> float:
    """The largest number of a value by year (0 counts: a map is 0 before its first year)."""
    if isinstance(value, dict):
        return max([0.0, *value.values()])
    return value


@st.composite
def values_by_year(
    draw: st.DrawFn,
    labels: list[str],
    elements: st.SearchStrategy[float],
    *,
    last: int | None = None,
    first: int = 0,
    scalar: bool = True,
    final: float | None = None,
) -> YearValue:
    """A scalar or a map from years (indices ``first`` to ``last``) to values.

    ``final`` fixes the value of the map's last year (and is the only scalar allowed): used to make growth
    and uplift stop by ``last``.
    """
    last = len(labels) - 1 if last is None else last
    if scalar and draw(st.booleans()):
        return final if final is not None else draw(elements)
    indices = sorted(draw(st.lists(st.integers(first, last), min_size=1, max_size=4, unique=True)))
    values = [draw(elements) for _ in indices]
    if final is not None:
        values[-1] = final
    return {labels[i]: v for i, v in zip(indices, values, strict=True)}


@st.composite
def shares(draw: st.DrawFn, keys: list[str]) -> dict[str, float]:
    """Random shares over ``keys`` (some may be 0) that sum to 1."""
    weights = draw(st.lists(st.integers(0, 10), min_size=len(keys), max_size=len(keys)))
    if sum(weights) == 0:
        weights[draw(st.integers(0, len(keys) - 1))] = 1
    total = sum(weights)
    return {key: weight / total for key, weight in zip(keys, weights, strict=True) if weight}


@st.composite
def cost_structures(draw: st.DrawFn) -> CostRelease:
    """Shares of variable, semi-fixed and fixed cost summing to 1, each with a lag of 0 to 3 years."""
    split = draw(shares(["variable", "semi_fixed", "fixed"]))
    lags = ReleaseLags(
        variable=draw(st.integers(0, 3)), semi_fixed=draw(st.integers(0, 3)), fixed=draw(st.integers(0, 3))
    )
    return CostRelease(
        variable=split.get("variable", 0.0),
        semi_fixed=split.get("semi_fixed", 0.0),
        fixed=split.get("fixed", 0.0),
        lags=lags,
    )


@st.composite
def provider_splits(draw: st.DrawFn, org_ids: list[str]) -> dict[str, float]:
    """Shares of a POD over a random choice of organisations and maybe ``other``, summing to 1."""
    candidates = [*org_ids, "other"]
    chosen = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=len(candidates), unique=True))
    return draw(shares(chosen))


@dataclass
class _Context:
    """What the scheme and plan-line strategies need to know about the scenario drawn so far."""

    labels: list[str]
    last: int
    settle: bool
    org_ids: list[str]
    activity_pods: dict[str, float]  # id → base activity
    all_pods: list[str]
    cohort_ids: list[str]
    budget: dict[str, float] = field(default_factory=dict)


@st.composite
def activity_models(
    draw: st.DrawFn, ctx: _Context, population_bands: list[str]
) -> tuple[Activity, Literal["trajectory", "growth", "population"]]:
    """Base activity and one do-nothing model: a trajectory, growth (maybe split), or population rates."""
    base = draw(amounts(1_000, 100_000))
    options: list[Literal["trajectory", "growth", "population"]] = ["trajectory", "growth"]
    if population_bands:
        options.append("population")
    mode = draw(st.sampled_from(options))
    growth_final = 0.0 if ctx.settle else None
    if mode == "trajectory":
        factors = draw(values_by_year(ctx.labels, amounts(0.9, 1.5), last=ctx.last, first=1, scalar=False))
        assert isinstance(factors, dict)
        trajectory = {year: base * factor for year, factor in factors.items()}
        return Activity(base=base, trajectory=trajectory), mode
    non_demographic = draw(
        st.none() | values_by_year(ctx.labels, amounts(-0.01, 0.03), last=ctx.last, final=growth_final)
    )
    if mode == "growth":
        growth = draw(values_by_year(ctx.labels, amounts(-0.01, 0.05), last=ctx.last, final=growth_final))
        return Activity(base=base, growth=growth, non_demographic_growth=non_demographic), mode
    bands = draw(st.lists(st.sampled_from(population_bands), min_size=1, unique=True))
    rates = {band: draw(amounts(0.01, 2.0)) for band in bands}
    return Activity(base=base, population_rates=rates, non_demographic_growth=non_demographic), mode


@st.composite
def populations(draw: st.DrawFn, ctx: _Context) -> dict[str, YearValue]:
    """People by age band: a constant, or a full map from the base year growing by −1% to 3% a year."""
    bands = draw(st.lists(st.sampled_from(AGE_BANDS), min_size=1, max_size=len(AGE_BANDS), unique=True))
    out: dict[str, YearValue] = {}
    for band in bands:
        people = draw(amounts(1_000, 100_000))
        if draw(st.booleans()):
            out[band] = people
            continue
        years = sorted({0, *draw(st.lists(st.integers(1, ctx.last), max_size=4, unique=True))})
        series: dict[str, float] = {}
        for index in years:
            series[ctx.labels[index]] = people
            people *= draw(amounts(0.99, 1.03))
        out[band] = series
    return out


@st.composite
def prices(draw: st.DrawFn, ctx: _Context) -> float | dict[str, float] | PriceUplift:
    """A unit price in £: a scalar, a map by year, or a base price with an annual uplift."""
    price = amounts(20, 3_000)
    kind = draw(st.sampled_from(["scalar", "map", "uplift"]))
    if kind == "scalar":
        return draw(price)
    if kind == "map":
        return draw(values_by_year(ctx.labels, price, last=ctx.last, scalar=False))
    uplift = draw(
        values_by_year(ctx.labels, amounts(0.0, 0.04), last=ctx.last, final=0.0 if ctx.settle else None)
    )
    return PriceUplift(base=draw(price), uplift=uplift)


@st.composite
def effects(draw: st.DrawFn, ctx: _Context) -> Effect:
    """One effect of a random kind on a random POD, drawing down that POD's budget."""
    kinds = ["direct_saving"]
    if ctx.activity_pods:
        kinds += ["avoid_growth", "reduce", "absolute"]
    kind = draw(st.sampled_from(kinds))
    if kind == "direct_saving":
        saving = draw(values_by_year(ctx.labels, amounts(-50, 500), last=ctx.last))
        release = draw(st.sampled_from(["cost_structure", "immediate"]))
        return DirectSaving(
            kind="direct_saving", pod=draw(st.sampled_from(ctx.all_pods)), saving=saving, release=release
        )
    pod = draw(st.sampled_from(sorted(ctx.activity_pods)))
    room = min(FRACTION_HIGH, ctx.budget[pod])
    if kind == "absolute":
        base = ctx.activity_pods[pod]
        removed = draw(values_by_year(ctx.labels, amounts(-0.1, room).map(lambda f: f * base), last=ctx.last))
        ctx.budget[pod] -= largest(removed) / base
        counts_as = draw(st.sampled_from(["reduction", "avoided_growth"]))
        return Absolute(kind="absolute", pod=pod, activity=removed, counts_as=counts_as)
    fraction = draw(values_by_year(ctx.labels, amounts(FRACTION_LOW, room), last=ctx.last))
    ctx.budget[pod] -= largest(fraction)
    if kind == "avoid_growth":
        return AvoidGrowth(kind="avoid_growth", pod=pod, fraction=fraction)
    basis = draw(st.sampled_from(["base", "do_nothing"]))
    return Reduce(kind="reduce", pod=pod, fraction=fraction, basis=basis)


@st.composite
def scheme_investments(draw: st.DrawFn, ctx: _Context) -> SchemeInvestment | None:
    if not draw(st.booleans()):
        return None
    money = amounts(0, 2_000)
    return SchemeInvestment(
        recurrent=draw(st.none() | values_by_year(ctx.labels, money)),
        non_recurrent=draw(st.none() | values_by_year(ctx.labels, money, scalar=False)),
        org=draw(st.none() | st.sampled_from(ctx.org_ids)),
        line=draw(st.none() | st.sampled_from(INVESTMENT_LINES)),
    )


@st.composite
def schemes(draw: st.DrawFn, ctx: _Context, index: int) -> Scheme:
    return Scheme(
        id=f"scheme{index}",
        name=f"Scheme {index}",
        group=draw(st.none() | st.sampled_from(["Group A", "Group B"])),
        cohort=draw(st.sampled_from(["all", *ctx.cohort_ids])),
        owner=draw(st.none() | st.sampled_from(ctx.org_ids)),
        effects=draw(st.lists(effects(ctx), max_size=4)),
        investment=draw(scheme_investments(ctx)),
    )


@st.composite
def plan_lines(draw: st.DrawFn, ctx: _Context, index: int, scheme_ids: list[str]) -> PlanLine:
    org = draw(st.none() | st.sampled_from(ctx.org_ids))
    kind = draw(st.sampled_from(["saving", "investment", "funding", "other"]))
    if draw(st.booleans()):
        chosen = (
            draw(st.none() | st.lists(st.sampled_from(scheme_ids), min_size=1, unique=True))
            if scheme_ids
            else None
        )
        source = FromSchemes(
            measure=draw(st.sampled_from(["savings", "investment", "net"])),
            basis=draw(st.sampled_from(["tariff", "cost"])),
            schemes=chosen,
        )
        return PlanLine(id=f"line{index}", name=f"Line {index}", org=org, kind=kind, from_schemes=source)
    value = draw(values_by_year(ctx.labels, amounts(-5_000, 3_000)))
    return PlanLine(
        id=f"line{index}",
        name=f"Line {index}",
        org=org,
        kind=kind,
        value=value,
        non_recurrent=draw(st.booleans()),
    )


@st.composite
def build_scenario(
    draw: st.DrawFn,
    n_years: int,
    last_change: int | None = None,
    min_schemes: int = 0,
    max_schemes: int = 6,
) -> Scenario:
    """A valid scenario over ``n_years`` years; see the module docstring for ``last_change``."""
    labels = year_labels(n_years)
    org_ids = [f"org{i}" for i in range(draw(st.integers(2, 4)))]
    organisations = [
        Organisation(id=org, name=f"Organisation {i}", kind=draw(st.sampled_from(ORG_KINDS)))
        for i, org in enumerate(org_ids)
    ]
    activity_ids = [f"pod{i}" for i in range(draw(st.integers(1, 5)))]
    money_ids = ["money0"] if draw(st.booleans()) else []
    ctx = _Context(
        labels=labels,
        last=n_years - 1 if last_change is None else last_change,
        settle=last_change is not None,
        org_ids=org_ids,
        activity_pods={},
        all_pods=[*activity_ids, *money_ids],
        cohort_ids=[],
    )
    population = draw(st.none() | populations(ctx))
    bands = sorted(population) if population else []
    pods = []
    for pod_id in activity_ids:
        activity, _mode = draw(activity_models(ctx, bands))
        ctx.activity_pods[pod_id] = activity.base
        ctx.budget[pod_id] = POD_BUDGET
        pods.append(
            Pod(
                id=pod_id,
                name=f"POD {pod_id}",
                unit="attendance",
                activity=activity,
                price=draw(prices(ctx)),
                providers=draw(provider_splits(org_ids)),
                cost_release=draw(cost_structures()),
            )
        )
    for pod_id in money_ids:
        pods.append(
            Pod(
                id=pod_id,
                name="Prescribing",
                unit="item",
                providers=draw(provider_splits(org_ids)),
                cost_release=draw(cost_structures()),
            )
        )
    cohorts = []
    for i in range(draw(st.integers(0, 2))):
        chosen = draw(st.lists(st.sampled_from(activity_ids), min_size=1, unique=True))
        cohorts.append(
            Cohort(id=f"cohort{i}", name=f"Cohort {i}", shares={p: draw(amounts(0, 1)) for p in chosen})
        )
    ctx.cohort_ids = [c.id for c in cohorts]
    scheme_list = [draw(schemes(ctx, i)) for i in range(draw(st.integers(min_schemes, max_schemes)))]
    money = amounts(0, 3_000)
    investments = [
        ProgrammeInvestment(
            id=f"investment{i}",
            name=f"Investment {i}",
            kind=draw(st.sampled_from(["recurrent", "non_recurrent"])),
            amount=draw(values_by_year(labels, money)),
            org=draw(st.none() | st.sampled_from(org_ids)),
            line=draw(st.none() | st.sampled_from(INVESTMENT_LINES)),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    funding = [
        FundingSource(
            id=f"fund{i}",
            name=f"Fund {i}",
            kind=draw(st.sampled_from(["recurrent", "non_recurrent"])),
            amount=draw(values_by_year(labels, money)),
            org=draw(st.none() | st.sampled_from(org_ids)),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    gaps = draw(st.lists(st.sampled_from(org_ids), unique=True))
    scheme_ids = [s.id for s in scheme_list]
    positions = Positions(
        do_nothing={org: draw(values_by_year(labels, amounts(-5_000, 20_000))) for org in gaps},
        plan_lines=[draw(plan_lines(ctx, i, scheme_ids)) for i in range(draw(st.integers(0, 5)))],
    )
    return Scenario(
        format_version=1,
        name="Generated scenario",
        base_year=labels[0],
        end_year=labels[-1],
        organisations=organisations,
        pods=pods,
        cohorts=cohorts,
        population=population,
        schemes=scheme_list,
        investments=investments,
        funding=funding,
        positions=positions,
        statement=Statement(savings_from=draw(st.none() | st.sampled_from(labels))),
    )


@st.composite
def scenarios(draw: st.DrawFn, min_schemes: int = 0, max_schemes: int = 6) -> Scenario:
    """Random valid scenarios of 4 to 9 years from 2016/17."""
    return draw(build_scenario(draw(st.integers(4, 9)), min_schemes=min_schemes, max_schemes=max_schemes))


@st.composite
def settling_scenarios(draw: st.DrawFn) -> tuple[Scenario, int]:
    """A scenario whose savings stop changing after year index ``last_change``, at least 3 (the largest
    possible lag) years before its end; returns the scenario and ``last_change``."""
    n_years = draw(st.integers(5, 9))
    last_change = draw(st.integers(1, n_years - 4))
    return draw(build_scenario(n_years, last_change=last_change, min_schemes=1)), last_change


@st.composite
def overlapping_reductions(draw: st.DrawFn) -> Scenario:
    """One POD that never shrinks, one target cohort and 1–6 schemes that each remove a positive fraction
    (≤ 1, the same basis) of the cohort's activity: the overlap rule must keep them within the cell."""
    labels = year_labels(draw(st.integers(4, 9)))
    base = draw(amounts(1_000, 100_000))
    cohort_share = draw(st.none() | amounts(0, 1))
    cohorts = (
        [] if cohort_share is None else [Cohort(id="target", name="Target", shares={"pod": cohort_share})]
    )
    basis = draw(st.sampled_from(["base", "do_nothing"]))
    fraction = amounts(0, 1)
    scheme_list = [
        Scheme(
            id=f"scheme{i}",
            name=f"Scheme {i}",
            cohort="all" if cohort_share is None else "target",
            effects=[
                Reduce(kind="reduce", pod="pod", basis=basis, fraction=draw(values_by_year(labels, fraction)))
            ],
        )
        for i in range(draw(st.integers(1, 6)))
    ]
    growth = draw(values_by_year(labels, amounts(0, 0.05)))
    return Scenario(
        format_version=1,
        name="Overlapping reductions",
        base_year=labels[0],
        end_year=labels[-1],
        organisations=[Organisation(id="ccg", name="CCG", kind="commissioner")],
        pods=[
            Pod(
                id="pod",
                name="A&E",
                activity=Activity(base=base, growth=growth),
                price=draw(amounts(20, 3_000)),
            )
        ],
        cohorts=cohorts,
        schemes=scheme_list,
    )


def describe(scenario: Scenario) -> None:
    """Record what a generated scenario holds, for ``--hypothesis-show-statistics``."""
    kinds = {effect.kind for scheme in scenario.schemes for effect in scheme.effects}
    for kind in sorted(kinds):
        event(f"has effect {kind}")
    event(f"{len(scenario.schemes)} schemes")
    if scenario.cohorts:
        event("has cohorts")
    if any(pod.activity is None for pod in scenario.pods):
        event("has a money-only POD")
    if any(pod.activity is not None and pod.activity.population_rates for pod in scenario.pods):
        event("has population-driven growth")
    if any(line.from_schemes is not None for line in scenario.positions.plan_lines):
        event("has plan lines from schemes")


def run_or_reject(scenario: Scenario) -> Results:
    """Run a generated scenario; reject the example (``assume``) if the engine finds it overdrawn."""
    describe(scenario)
    try:
        results = run(scenario)
    except ModelError:
        event("scenario rejected: ModelError")
        assume(False)
        raise  # pragma: no cover - assume(False) never returns
    event("scenario ran")
    return results


@st.composite
def contracts_for(draw: st.DrawFn, scenario: Scenario) -> Scenario:
    """``scenario`` with a payer for every POD, random contracts between payers and the providers of the plan
    (every type, rates in [0, 1.5], maybe a tolerance and a compensating payment), maybe a funder for each
    funding source, and maybe an allocation of each system-level plan line."""
    org_ids = [o.id for o in scenario.organisations]
    pods = [pod.model_copy(update={"payer": draw(st.sampled_from(org_ids))}) for pod in scenario.pods]
    rates = amounts(0, 1.5)
    covered: set[tuple[str, str]] = set()
    contracts: list[Contract] = []
    for provider in org_ids:
        provided = [p.id for p in pods if p.activity is not None and p.providers.get(provider, 0) > 0]
        free = [p for p in provided if (provider, p) not in covered]
        if not free or not draw(st.booleans()):
            continue
        chosen = draw(st.lists(st.sampled_from(free), min_size=1, unique=True))
        covered.update((provider, p) for p in chosen)
        kind = draw(st.sampled_from(["tariff", "threshold", "block", "aligned"]))
        terms: dict[str, object] = {}
        if kind == "tariff":
            terms["rate"] = draw(st.none() | rates)
        elif kind == "aligned":
            terms["variable_share"] = draw(rates)
        elif kind == "threshold":
            terms.update(under=draw(rates), over=draw(rates))
            if draw(st.booleans()):
                terms.update(tolerance=draw(amounts(0, 1)), beyond=draw(st.none() | rates))
        compensating = draw(
            st.none() | st.just("stranded") | values_by_year(year_labels_of(scenario), amounts(0, 500))
        )
        contracts.append(
            Contract(
                id=f"contract{len(contracts)}",
                provider=provider,
                pods=chosen,
                type=kind,
                compensating=compensating,
                **terms,
            )
        )
    funding = [
        source.model_copy(update={"funder": draw(st.none() | st.sampled_from(org_ids))})
        for source in scenario.funding
    ]
    lines = []
    for line in scenario.positions.plan_lines:
        if line.org is None and draw(st.booleans()):
            if draw(st.booleans()):
                allocation = Allocation(shares=draw(shares(org_ids)))
            else:
                allocation = Allocation(basis="do_nothing", orgs=org_ids)
            line = line.model_copy(update={"allocation": allocation})
        lines.append(line)
    positions = scenario.positions.model_copy(
        update={
            "plan_lines": lines,
            "do_nothing": {org: 1000.0 + 10 * i for i, org in enumerate(org_ids)},
        }
    )
    return scenario.model_copy(
        update={"pods": pods, "contracts": contracts, "funding": funding, "positions": positions}
    )


def year_labels_of(scenario: Scenario) -> list[str]:
    first, last = int(scenario.base_year[:4]), int(scenario.end_year[:4])
    return [format_year(year) for year in range(first, last + 1)]


@st.composite
def contracted_scenarios(draw: st.DrawFn, min_schemes: int = 1) -> Scenario:
    """Random valid scenarios with random payers, contracts, funders and allocations."""
    return draw(contracts_for(draw(scenarios(min_schemes=min_schemes))))
