"""Turn a validated :class:`Scenario` into labelled arrays: the only place the engine reads the scenario.

Everything after this step is arithmetic on ``xarray.DataArray`` objects whose dimensions are named
``year``, ``pod``, ``scheme``, ``cohort``, ``provider``, ``component`` (variable / semi-fixed / fixed) and
``lag``. A Monte Carlo run adds a ``draw`` dimension to any of them and the same functions broadcast over it.
Signs here are the model's: fractions and amounts removed or saved are positive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from carebridge.engine.savings import release_kernel
from carebridge.scenario.schema import (
    Absolute,
    AvoidGrowth,
    DirectSaving,
    PriceUplift,
    Reduce,
    Scenario,
)
from carebridge.scenario.years import Fill, YearRange

ALL_COHORT = "all"
OTHER_PROVIDER = "other"
COMPONENTS = ("variable", "semi_fixed", "fixed")


@dataclass(frozen=True)
class ActivityInputs:
    """Base activity and the do-nothing growth of every POD that has an activity model."""

    base: xr.DataArray  # (pod), 0 for money-only PODs
    trajectory: xr.DataArray  # (year, pod), NaN where growth applies
    growth: xr.DataArray  # (year, pod), growth rate of each year over the year before; 0 in the base year
    has_activity: list[str]  # PODs with an activity model, in scenario order


FRACTION_KINDS = ("avoid_growth", "reduce_base", "reduce_do_nothing")


@dataclass(frozen=True)
class EffectInputs:
    """Scheme effects by kind, each (scheme, year, pod); positive removes activity or saves money."""

    fractions: xr.DataArray  # (kind, scheme, year, pod): avoid_growth, reduce_base, reduce_do_nothing
    absolute_reduction: xr.DataArray
    absolute_avoided: xr.DataArray
    direct_released: xr.DataArray  # direct savings released by the POD's cost structure
    direct_immediate: xr.DataArray  # direct savings released in full at once
    scheme_cohort: xr.DataArray  # (scheme, cohort) one-hot
    cohort_share: xr.DataArray  # (cohort, pod)

    @property
    def avoid_growth(self) -> xr.DataArray:
        return self.fractions.sel(kind="avoid_growth", drop=True)

    @property
    def reduce_base(self) -> xr.DataArray:
        return self.fractions.sel(kind="reduce_base", drop=True)

    @property
    def reduce_do_nothing(self) -> xr.DataArray:
        return self.fractions.sel(kind="reduce_do_nothing", drop=True)


@dataclass(frozen=True)
class PriceInputs:
    price: xr.DataArray  # (year, pod), £ per unit
    provider_split: xr.DataArray  # (pod, provider)
    release: xr.DataArray  # (pod, lag): share of a change in cost released `lag` years after it
    kernel: xr.DataArray  # (part, pod, year, from_year): release matrices by part of a saving


@dataclass(frozen=True)
class FinanceInputs:
    scheme_recurrent: xr.DataArray  # (scheme, year)
    scheme_non_recurrent: xr.DataArray  # (scheme, year)
    scheme_line: list[str | None]  # statement line of each scheme's investment; None without investment
    investment: xr.DataArray  # (investment, year) programme investment lines
    investment_line: list[str]
    funding: xr.DataArray  # (funding, year), positive amounts
    do_nothing: xr.DataArray  # (org, year)
    plan_value: xr.DataArray  # (plan_line, year), signed as printed; 0 for lines from schemes
    savings_window: xr.DataArray  # (year) 1 where savings enter the statement


@dataclass(frozen=True)
class ModelInputs:
    years: list[str]
    activity: ActivityInputs
    effects: EffectInputs
    prices: PriceInputs
    finance: FinanceInputs


def compile_inputs(scenario: Scenario) -> ModelInputs:
    """Return the arrays of a validated scenario."""
    span = YearRange.from_labels(scenario.base_year, scenario.end_year)
    return ModelInputs(
        years=span.labels,
        activity=_activity(scenario, span),
        effects=_effects(scenario, span),
        prices=_prices(scenario, span),
        finance=_finance(scenario, span),
    )


def activity_pods(scenario: Scenario) -> list[str]:
    return [pod.id for pod in scenario.pods if pod.activity is not None]


def _activity(scenario: Scenario, span: YearRange) -> ActivityInputs:
    pods = [p.id for p in scenario.pods]
    n = len(span)
    base = np.zeros(len(pods))
    trajectory = np.full((n, len(pods)), np.nan)
    growth = np.zeros((n, len(pods)))
    population = {band: span.expand(value) for band, value in (scenario.population or {}).items()}
    for j, pod in enumerate(scenario.pods):
        spec = pod.activity
        if spec is None:
            continue
        base[j] = spec.base
        if spec.trajectory is not None:
            trajectory[:, j] = span.expand({span.labels[0]: spec.base, **spec.trajectory})
            continue
        rate = span.expand(spec.growth)
        if spec.population_rates:
            weighted = sum(population[band] * r for band, r in spec.population_rates.items())
            weighted = np.asarray(weighted, dtype=float)
            rate = np.zeros(n)
            rate[1:] = (
                np.divide(weighted[1:], weighted[:-1], out=np.ones(n - 1), where=weighted[:-1] != 0) - 1
            )
        rate = (1 + rate) * (1 + span.expand(spec.non_demographic_growth)) - 1
        rate[0] = 0.0
        growth[:, j] = rate
    coords = {"year": span.labels, "pod": pods}
    return ActivityInputs(
        base=xr.DataArray(base, dims=["pod"], coords={"pod": pods}),
        trajectory=xr.DataArray(trajectory, dims=["year", "pod"], coords=coords),
        growth=xr.DataArray(growth, dims=["year", "pod"], coords=coords),
        has_activity=activity_pods(scenario),
    )


def _effects(scenario: Scenario, span: YearRange) -> EffectInputs:
    schemes = [s.id for s in scenario.schemes]
    pods = [p.id for p in scenario.pods]
    pod_index = {p: j for j, p in enumerate(pods)}
    shape = (len(schemes), len(span), len(pods))
    arrays = {
        name: np.zeros(shape)
        for name in (
            "avoid_growth",
            "reduce_base",
            "reduce_do_nothing",
            "absolute_reduction",
            "absolute_avoided",
            "direct_released",
            "direct_immediate",
        )
    }
    for i, scheme in enumerate(scenario.schemes):
        for effect in scheme.effects:
            j = pod_index[effect.pod]
            if isinstance(effect, AvoidGrowth):
                name, value = "avoid_growth", effect.fraction
            elif isinstance(effect, Reduce):
                name = "reduce_base" if effect.basis == "base" else "reduce_do_nothing"
                value = effect.fraction
            elif isinstance(effect, Absolute):
                name = "absolute_avoided" if effect.counts_as == "avoided_growth" else "absolute_reduction"
                value = effect.activity
            elif isinstance(effect, DirectSaving):
                name = "direct_immediate" if effect.release == "immediate" else "direct_released"
                value = effect.saving
            else:  # pragma: no cover - the schema admits no other kind
                raise TypeError(effect)
            arrays[name][i, :, j] += span.expand(value)
    coords = {"scheme": schemes, "year": span.labels, "pod": pods}
    dims = ["scheme", "year", "pod"]
    cohorts = [ALL_COHORT, *(c.id for c in scenario.cohorts)]
    share = np.ones((len(cohorts), len(pods)))
    for c, cohort in enumerate(scenario.cohorts, start=1):
        share[c] = [cohort.shares.get(p, 0.0) for p in pods]
    membership = np.zeros((len(schemes), len(cohorts)))
    for i, scheme in enumerate(scenario.schemes):
        membership[i, cohorts.index(scheme.cohort)] = 1.0
    fractions = np.stack([arrays.pop(kind) for kind in FRACTION_KINDS])
    return EffectInputs(
        fractions=xr.DataArray(
            fractions, dims=["kind", *dims], coords={"kind": list(FRACTION_KINDS), **coords}
        ),
        **{name: xr.DataArray(a, dims=dims, coords=coords) for name, a in arrays.items()},
        scheme_cohort=xr.DataArray(
            membership, dims=["scheme", "cohort"], coords={"scheme": schemes, "cohort": cohorts}
        ),
        cohort_share=xr.DataArray(share, dims=["cohort", "pod"], coords={"cohort": cohorts, "pod": pods}),
    )


def providers(scenario: Scenario) -> list[str]:
    """Providers that receive savings: organisations in scenario order that provide a POD, then `other`."""
    named = {org for pod in scenario.pods for org in pod.providers}
    ordered = [o.id for o in scenario.organisations if o.id in named]
    return [*ordered, OTHER_PROVIDER] if OTHER_PROVIDER in named else ordered


def _prices(scenario: Scenario, span: YearRange) -> PriceInputs:
    pods = [p.id for p in scenario.pods]
    provider_ids = providers(scenario)
    n = len(span)
    price = np.zeros((n, len(pods)))
    split = np.zeros((len(pods), len(provider_ids)))
    release = np.zeros((len(pods), n))
    for j, pod in enumerate(scenario.pods):
        if isinstance(pod.price, PriceUplift):
            uplift = span.expand(pod.price.uplift)
            uplift[0] = 0.0
            price[:, j] = pod.price.base * np.cumprod(1 + uplift)
        elif pod.price is not None:
            price[:, j] = span.expand(pod.price, Fill.PRICE)
        for org, share in pod.providers.items():
            split[j, provider_ids.index(org)] = share
        structure = pod.cost_release
        for component in COMPONENTS:
            lag = getattr(structure.lags, component)
            if lag < n:
                release[j, lag:] += getattr(structure, component)
    release_profile = xr.DataArray(release, dims=["pod", "lag"], coords={"pod": pods, "lag": np.arange(n)})
    return PriceInputs(
        price=xr.DataArray(price, dims=["year", "pod"], coords={"year": span.labels, "pod": pods}),
        provider_split=xr.DataArray(
            split, dims=["pod", "provider"], coords={"pod": pods, "provider": provider_ids}
        ),
        release=release_profile,
        kernel=release_kernel(release_profile, xr.DataArray(span.labels, dims=["year"])),
    )


def scheme_investment_line(scenario: Scenario, index: int) -> str | None:
    """The statement line a scheme's investment is shown in; None for a scheme without investment."""
    investment = scenario.schemes[index].investment
    if investment is None:
        return None
    return investment.line or "Scheme investment"


def _finance(scenario: Scenario, span: YearRange) -> FinanceInputs:
    years = span.labels
    recurrent = np.array(
        [span.expand(s.investment.recurrent if s.investment else None) for s in scenario.schemes]
    ).reshape(len(scenario.schemes), len(span))
    non_recurrent = np.array(
        [
            span.expand(s.investment.non_recurrent if s.investment else None, Fill.ONE_OFF)
            for s in scenario.schemes
        ]
    ).reshape(len(scenario.schemes), len(span))
    schemes = [s.id for s in scenario.schemes]
    scheme_dims = {"scheme": schemes, "year": years}

    def by_year(name: str, ids: list[str], rows: list[np.ndarray]) -> xr.DataArray:
        data = np.array(rows).reshape(len(ids), len(span))
        return xr.DataArray(data, dims=[name, "year"], coords={name: ids, "year": years})

    investments = scenario.investments
    funding = scenario.funding
    orgs = [o.id for o in scenario.organisations]
    plan = scenario.positions.plan_lines
    window = np.ones(len(span))
    if scenario.statement.savings_from:
        window[: span.index(scenario.statement.savings_from)] = 0.0
    return FinanceInputs(
        scheme_recurrent=xr.DataArray(recurrent, dims=["scheme", "year"], coords=scheme_dims),
        scheme_non_recurrent=xr.DataArray(non_recurrent, dims=["scheme", "year"], coords=scheme_dims),
        scheme_line=[scheme_investment_line(scenario, i) for i in range(len(schemes))],
        investment=by_year(
            "investment",
            [i.id for i in investments],
            [
                span.expand(i.amount, Fill.ONE_OFF if i.kind == "non_recurrent" else Fill.HELD)
                for i in investments
            ],
        ),
        investment_line=[i.line or i.name for i in investments],
        funding=by_year(
            "funding",
            [f.id for f in funding],
            [
                span.expand(f.amount, Fill.ONE_OFF if f.kind == "non_recurrent" else Fill.HELD)
                for f in funding
            ],
        ),
        do_nothing=by_year("org", orgs, [span.expand(scenario.positions.do_nothing.get(o)) for o in orgs]),
        plan_value=by_year(
            "plan_line",
            [p.id for p in plan],
            [span.expand(p.value, Fill.ONE_OFF if p.non_recurrent else Fill.HELD) for p in plan],
        ),
        savings_window=xr.DataArray(window, dims=["year"], coords={"year": years}),
    )
