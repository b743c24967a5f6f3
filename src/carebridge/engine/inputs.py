"""Turn a validated :class:`Scenario` into labelled arrays: the only place the engine reads the scenario.

Everything after this step is arithmetic on ``xarray.DataArray`` objects whose dimensions are named
``year``, ``pod``, ``scheme``, ``cohort``, ``provider``, ``component`` (variable / semi-fixed / fixed) and
``lag``. A Monte Carlo run adds a ``draw`` dimension to any of them and the same functions broadcast over it.
Signs here are the model's: fractions and amounts removed or saved are positive.

Every number is read through an :class:`InputValues`: by default the number as written; for a Monte Carlo run
(:mod:`carebridge.engine.simulate`) an array of draws for each uncertain number, so that each array gains a
leading ``draw`` dimension where, and only where, an uncertain number reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import xarray as xr

from carebridge.engine.savings import release_kernel
from carebridge.scenario.errors import Path
from carebridge.scenario.names import sector
from carebridge.scenario.schema import (
    Absolute,
    AvoidGrowth,
    Contract,
    DirectSaving,
    PriceUplift,
    Reduce,
    Scenario,
    StrandedCompensation,
)
from carebridge.scenario.validate_contracts import commissioner, contract_terms, pod_payer
from carebridge.scenario.years import Fill, YearRange, YearValue

ALL_COHORT = "all"
OTHER_PROVIDER = "other"
COMPONENTS = ("variable", "semi_fixed", "fixed")
DRAW = "draw"

Floats = npt.NDArray[np.float64]


class InputValues:
    """The numbers of a scenario as the compile reads them: here, each number as written.

    A subclass for a Monte Carlo run returns, for an uncertain number, an array of its ``draws`` values; every
    array is then built with a leading draw axis, which :meth:`labelled` keeps only where the values differ
    between draws.
    """

    draws: int | None = None
    """Number of draws, or None for a deterministic run."""

    def number(self, path: Path, value: float) -> float | Floats:
        """The number at ``path`` of the scenario: ``value``, or its draws."""
        return value

    def expand(self, span: YearRange, path: Path, value: YearValue | None, fill: Fill = Fill.HELD) -> Floats:
        """One value per year of the value by year at ``path`` (:meth:`YearRange.expand`), with a leading
        draw axis where a number of it is uncertain."""
        if value is None:
            return np.zeros(len(span))
        if not isinstance(value, Mapping):
            number = np.asarray(self.number(path, float(value)), dtype=np.float64)
            return number[..., None] * np.ones(len(span))
        numbers = {str(label): self.number((*path, str(label)), float(v)) for label, v in value.items()}
        return span.expand_numbers(numbers, fill)

    def series(
        self, span: YearRange, path: Path, value: YearValue | None, fill: Fill = Fill.HELD
    ) -> xr.DataArray:
        """:meth:`expand` as a labelled series by year (draw first, where a number of it is uncertain)."""
        data = self.expand(span, path, value, fill)
        dims = ["year"] if data.ndim == 1 else [DRAW, "year"]
        return xr.DataArray(data, dims=dims, coords={"year": span.labels})

    def zeros(self, shape: Sequence[int]) -> Floats:
        """Zeros of ``shape``, after a draw axis when there are draws."""
        lead = () if self.draws is None else (self.draws,)
        return np.zeros((*lead, *shape))

    def labelled(self, data: Floats, dims: Sequence[str], coords: Mapping[str, object]) -> xr.DataArray:
        """``data`` (from :meth:`zeros`) as a labelled array; its draw axis is dropped when every draw holds
        the same values."""
        if self.draws is not None:
            same = data == data[:1]
            if not same.all() and not (same | (np.isnan(data) & np.isnan(data[:1]))).all():
                dims = [DRAW, *dims]
            else:
                data = data[0]
        return xr.DataArray(data, dims=list(dims), coords=dict(coords))


def _column(value: float | Floats) -> Floats:
    """A number, or draws of it, shaped to multiply values by year (a trailing axis of length 1)."""
    return np.asarray(value, dtype=np.float64)[..., None]


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
class ContractInputs:
    """Contract terms (model spec section 13), one per (payer, provider, POD) in ``term`` order.

    Every contract type is written as four numbers: the rate on a fall (``under``) and on a rise (``over``)
    inside a tolerance band, the rate ``beyond`` the band, and the band (``tolerance``, a fraction of the
    term's do-nothing activity; infinite without a band). tariff: under = over = rate; block: 0; aligned:
    the variable share. Rates carry a leading ``draw`` axis where a rate is uncertain.
    """

    payer: list[str]
    provider: list[str]
    pod: list[str]
    inside: Floats  # (term,) 1 for a provider of the plan, 0 for `other`
    under: Floats  # (…, term)
    over: Floats
    beyond: Floats
    tolerance: Floats
    contract: Floats  # (term, contract) 1 where the contract governs the term
    contract_payer: list[str]
    contract_provider: list[str]
    stranded: Floats  # (year, contract) 1 where the compensating payment is the stranded cost that year
    compensated: Floats  # (contract,) 1 where the contract has a compensating payment (given or stranded)
    compensating: Floats  # (…, contract, year) compensating payment given, £'000 (0 for `stranded`)


@dataclass(frozen=True)
class OwnerInputs:
    """Which organisation each scheme's direct saving, investment and funding falls to (spec section 13).

    Each matrix is one-hot over ``orgs`` (a row of zeros where no organisation is named and the scenario has
    no
    commissioner to default to)."""

    orgs: list[str]
    direct: Floats  # (scheme, pod, org) the owner of a scheme's direct saving on a POD
    scheme_investment: Floats  # (scheme, org)
    investment: Floats  # (investment, org)
    funding_receiver: Floats  # (funding, org)
    funding_giver: Floats  # (funding, org)
    sector: list[str]  # sector of each organisation: nhs or social_care


@dataclass(frozen=True)
class AllocationInputs:
    """How each plan line is shared among organisations (spec section 13): ``fixed`` shares (line, org), or a
    ``basis`` (do_nothing, income, expenditure; None for fixed or none) over the ``members`` (line, org)."""

    fixed: Floats  # (line, org)
    basis: list[str | None]
    members: Floats  # (line, org)
    allocated: list[bool]
    from_schemes: list[bool]  # lines computed from the schemes (the flows replace them)


@dataclass(frozen=True)
class ModelInputs:
    years: list[str]
    activity: ActivityInputs
    effects: EffectInputs
    prices: PriceInputs
    finance: FinanceInputs
    contracts: ContractInputs
    owners: OwnerInputs
    allocation: AllocationInputs
    values: InputValues = field(default_factory=InputValues)
    """How the numbers were read: as written, or with draws."""


def compile_inputs(scenario: Scenario, values: InputValues | None = None) -> ModelInputs:
    """Return the arrays of a validated scenario, reading its numbers through ``values`` (default: as
    written)."""
    values = values if values is not None else InputValues()
    span = YearRange.from_labels(scenario.base_year, scenario.end_year)
    return ModelInputs(
        years=span.labels,
        activity=_activity(scenario, span, values),
        effects=_effects(scenario, span, values),
        prices=_prices(scenario, span, values),
        finance=_finance(scenario, span, values),
        contracts=_contracts(scenario, span, values),
        owners=_owners(scenario),
        allocation=_allocation(scenario),
        values=values,
    )


def activity_pods(scenario: Scenario) -> list[str]:
    return [pod.id for pod in scenario.pods if pod.activity is not None]


def _activity(scenario: Scenario, span: YearRange, values: InputValues) -> ActivityInputs:
    pods = [p.id for p in scenario.pods]
    n = len(span)
    base = values.zeros((len(pods),))
    trajectory = values.zeros((n, len(pods))) + np.nan
    growth = values.zeros((n, len(pods)))
    population = {
        band: values.expand(span, ("population", band), value)
        for band, value in (scenario.population or {}).items()
    }
    for j, pod in enumerate(scenario.pods):
        spec = pod.activity
        if spec is None:
            continue
        path: Path = ("pods", j, "activity")
        base_value = values.number((*path, "base"), spec.base)
        base[..., j] = base_value
        if spec.trajectory is not None:
            given = {
                str(label): values.number((*path, "trajectory", str(label)), float(v))
                for label, v in spec.trajectory.items()
            }
            trajectory[..., :, j] = span.expand_numbers({span.labels[0]: base_value, **given})
            continue
        rate = values.expand(span, (*path, "growth"), spec.growth)
        if spec.population_rates:
            weighted = sum(
                population[band] * _column(values.number((*path, "population_rates", band), r))
                for band, r in spec.population_rates.items()
            )
            weighted = np.asarray(weighted, dtype=float)
            rate = np.zeros(weighted.shape)
            rate[..., 1:] = (
                np.divide(
                    weighted[..., 1:],
                    weighted[..., :-1],
                    out=np.ones(weighted[..., 1:].shape),
                    where=weighted[..., :-1] != 0,
                )
                - 1
            )
        rate = (1 + rate) * (
            1 + values.expand(span, (*path, "non_demographic_growth"), spec.non_demographic_growth)
        ) - 1
        rate[..., 0] = 0.0
        growth[..., :, j] = rate
    coords = {"year": span.labels, "pod": pods}
    return ActivityInputs(
        base=values.labelled(base, ["pod"], {"pod": pods}),
        trajectory=values.labelled(trajectory, ["year", "pod"], coords),
        growth=values.labelled(growth, ["year", "pod"], coords),
        has_activity=activity_pods(scenario),
    )


def _effects(scenario: Scenario, span: YearRange, values: InputValues) -> EffectInputs:
    """Effects by kind; each effect's value by year times its scheme's ``delivery`` multiplier."""
    schemes = [s.id for s in scenario.schemes]
    pods = [p.id for p in scenario.pods]
    pod_index = {p: j for j, p in enumerate(pods)}
    shape = (len(schemes), len(span), len(pods))
    arrays = {
        name: values.zeros(shape)
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
        delivery = _column(values.number(("schemes", i, "delivery"), scheme.delivery))
        for k, effect in enumerate(scheme.effects):
            j = pod_index[effect.pod]
            value: YearValue | None
            if isinstance(effect, AvoidGrowth):
                name, field_name, value = "avoid_growth", "fraction", effect.fraction
            elif isinstance(effect, Reduce):
                name = "reduce_base" if effect.basis == "base" else "reduce_do_nothing"
                field_name, value = "fraction", effect.fraction
            elif isinstance(effect, Absolute):
                name = "absolute_avoided" if effect.counts_as == "avoided_growth" else "absolute_reduction"
                field_name, value = "activity", effect.activity
            elif isinstance(effect, DirectSaving):
                name = "direct_immediate" if effect.release == "immediate" else "direct_released"
                field_name, value = "saving", effect.saving
            else:  # shift and length of stay: engine/setting.py reads them
                continue
            path: Path = ("schemes", i, "effects", k, field_name)
            arrays[name][..., i, :, j] += delivery * values.expand(span, path, value)
    coords = {"scheme": schemes, "year": span.labels, "pod": pods}
    dims = ["scheme", "year", "pod"]
    cohorts = [ALL_COHORT, *(c.id for c in scenario.cohorts)]
    share = values.zeros((len(cohorts), len(pods))) + 1.0
    for c, cohort in enumerate(scenario.cohorts, start=1):
        for j, pod_id in enumerate(pods):
            given = cohort.shares.get(pod_id)
            share[..., c, j] = (
                0.0 if given is None else values.number(("cohorts", c - 1, "shares", pod_id), given)
            )
    membership = np.zeros((len(schemes), len(cohorts)))
    for i, scheme in enumerate(scenario.schemes):
        membership[i, cohorts.index(scheme.cohort)] = 1.0
    lead = 0 if values.draws is None else 1
    fractions = np.stack([arrays.pop(kind) for kind in FRACTION_KINDS], axis=lead)
    return EffectInputs(
        fractions=values.labelled(fractions, ["kind", *dims], {"kind": list(FRACTION_KINDS), **coords}),
        **{name: values.labelled(a, dims, coords) for name, a in arrays.items()},
        scheme_cohort=xr.DataArray(
            membership, dims=["scheme", "cohort"], coords={"scheme": schemes, "cohort": cohorts}
        ),
        cohort_share=values.labelled(share, ["cohort", "pod"], {"cohort": cohorts, "pod": pods}),
    )


def providers(scenario: Scenario) -> list[str]:
    """Providers that receive savings: organisations in scenario order that provide a POD, then `other`."""
    named = {org for pod in scenario.pods for org in pod.providers}
    ordered = [o.id for o in scenario.organisations if o.id in named]
    return [*ordered, OTHER_PROVIDER] if OTHER_PROVIDER in named else ordered


def _prices(scenario: Scenario, span: YearRange, values: InputValues) -> PriceInputs:
    pods = [p.id for p in scenario.pods]
    provider_ids = providers(scenario)
    n = len(span)
    price = values.zeros((n, len(pods)))
    split = np.zeros((len(pods), len(provider_ids)))
    release = np.zeros((len(pods), n))
    for j, pod in enumerate(scenario.pods):
        path: Path = ("pods", j, "price")
        if isinstance(pod.price, PriceUplift):
            uplift = values.expand(span, (*path, "uplift"), pod.price.uplift)
            uplift[..., 0] = 0.0
            base = _column(values.number((*path, "base"), pod.price.base))
            price[..., :, j] = base * np.cumprod(1 + uplift, axis=-1)
        elif pod.price is not None:
            price[..., :, j] = values.expand(span, path, pod.price, Fill.PRICE)
        for org, share in pod.providers.items():
            split[j, provider_ids.index(org)] = share
        structure = pod.cost_release
        for component in COMPONENTS:
            lag = getattr(structure.lags, component)
            if lag < n:
                release[j, lag:] += getattr(structure, component)
    release_profile = xr.DataArray(release, dims=["pod", "lag"], coords={"pod": pods, "lag": np.arange(n)})
    return PriceInputs(
        price=values.labelled(price, ["year", "pod"], {"year": span.labels, "pod": pods}),
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


def _finance(scenario: Scenario, span: YearRange, values: InputValues) -> FinanceInputs:
    years = span.labels

    def by_year(name: str, ids: list[str], rows: list[Floats]) -> xr.DataArray:
        data = values.zeros((len(ids), len(span)))
        for r, row in enumerate(rows):
            data[..., r, :] = row
        return values.labelled(data, [name, "year"], {name: ids, "year": years})

    def investment_of(i: int, kind: str, fill: Fill) -> Floats:
        investment = scenario.schemes[i].investment
        return values.expand(span, ("schemes", i, "investment", kind), getattr(investment, kind, None), fill)

    schemes = [s.id for s in scenario.schemes]
    investments = scenario.investments
    funding = scenario.funding
    orgs = [o.id for o in scenario.organisations]
    plan = scenario.positions.plan_lines
    window = np.ones(len(span))
    if scenario.statement.savings_from:
        window[: span.index(scenario.statement.savings_from)] = 0.0

    def fill_of(non_recurrent: bool) -> Fill:
        return Fill.ONE_OFF if non_recurrent else Fill.HELD

    return FinanceInputs(
        scheme_recurrent=by_year(
            "scheme", schemes, [investment_of(i, "recurrent", Fill.HELD) for i in range(len(schemes))]
        ),
        scheme_non_recurrent=by_year(
            "scheme", schemes, [investment_of(i, "non_recurrent", Fill.ONE_OFF) for i in range(len(schemes))]
        ),
        scheme_line=[scheme_investment_line(scenario, i) for i in range(len(schemes))],
        investment=by_year(
            "investment",
            [i.id for i in investments],
            [
                values.expand(
                    span, ("investments", k, "amount"), i.amount, fill_of(i.kind == "non_recurrent")
                )
                for k, i in enumerate(investments)
            ],
        ),
        investment_line=[i.line or i.name for i in investments],
        funding=by_year(
            "funding",
            [f.id for f in funding],
            [
                values.expand(span, ("funding", k, "amount"), f.amount, fill_of(f.kind == "non_recurrent"))
                for k, f in enumerate(funding)
            ],
        ),
        do_nothing=by_year(
            "org",
            orgs,
            [
                values.expand(span, ("positions", "do_nothing", o), scenario.positions.do_nothing.get(o))
                for o in orgs
            ],
        ),
        plan_value=by_year(
            "plan_line",
            [p.id for p in plan],
            [
                values.expand(
                    span, ("positions", "plan_lines", k, "value"), p.value, fill_of(p.non_recurrent)
                )
                for k, p in enumerate(plan)
            ],
        ),
        savings_window=xr.DataArray(window, dims=["year"], coords={"year": years}),
    )


def _contracts(scenario: Scenario, span: YearRange, values: InputValues) -> ContractInputs:
    """The contract terms of ``scenario`` as rates by term; a term no contract governs is tariff at 1."""
    terms = contract_terms(scenario)
    orgs = {o.id for o in scenario.organisations}
    n = len(terms)
    rates = {name: values.zeros((n,)) for name in ("under", "over", "beyond")}
    tolerance = values.zeros((n,)) + np.inf
    contracts = scenario.contracts
    governs = np.zeros((n, len(contracts)))
    for t, term in enumerate(terms):
        if term.contract is None:
            rates["under"][..., t] = rates["over"][..., t] = rates["beyond"][..., t] = 1.0
            continue
        governs[t, term.contract] = 1.0
        contract = contracts[term.contract]
        path: Path = ("contracts", term.contract)

        def rate(name: str, default: float, path: Path = path, contract: object = contract) -> float | Floats:
            given = getattr(contract, name)
            return default if given is None else values.number((*path, name), float(given))

        if contract.type == "tariff":
            rates["under"][..., t] = rates["over"][..., t] = rates["beyond"][..., t] = rate("rate", 1.0)
        elif contract.type == "aligned":
            share = rate("variable_share", 1.0)
            rates["under"][..., t] = rates["over"][..., t] = rates["beyond"][..., t] = share
        elif contract.type == "threshold":
            rates["under"][..., t] = rate("under", 1.0)
            rates["over"][..., t] = rate("over", 1.0)
            rates["beyond"][..., t] = rate("beyond", 1.0)
            if contract.tolerance is not None:
                tolerance[..., t] = rate("tolerance", 0.0)
    payers = []
    for index, contract in enumerate(contracts):
        governed = [term.payer for term in terms if term.contract == index]
        payers.append(contract.payer or (governed[0] if governed else ""))
    given = values.zeros((len(contracts), len(span)))
    for index, contract in enumerate(contracts):
        amount = contract.compensating
        if amount is not None and amount != "stranded" and not isinstance(amount, StrandedCompensation):
            given[..., index, :] = values.expand(span, ("contracts", index, "compensating"), amount)
    return ContractInputs(
        payer=[term.payer for term in terms],
        provider=[term.provider for term in terms],
        pod=[term.pod for term in terms],
        inside=np.array([1.0 if term.provider in orgs else 0.0 for term in terms]),
        under=rates["under"],
        over=rates["over"],
        beyond=rates["beyond"],
        tolerance=tolerance,
        contract=governs,
        contract_payer=payers,
        contract_provider=[contract.provider for contract in contracts],
        stranded=_stranded_years(contracts, span),
        compensating=given,
        compensated=np.array([1.0 if c.compensating is not None else 0.0 for c in contracts]),
    )


def _stranded_years(contracts: Sequence[Contract], span: YearRange) -> Floats:
    """(year, contract): 1 in each year a contract's compensating payment is the provider's stranded cost
    (every year for ``stranded``, the agreement's years for ``{stranded: true, years: […]}``), else 0."""
    labels = list(span.labels)
    stranded = np.zeros((len(labels), len(contracts)))
    for index, contract in enumerate(contracts):
        given = contract.compensating
        if given == "stranded" or (isinstance(given, StrandedCompensation) and given.years is None):
            stranded[:, index] = 1.0
        elif isinstance(given, StrandedCompensation):
            stranded[[labels.index(year) for year in given.years or []], index] = 1.0
    return stranded


def _owners(scenario: Scenario) -> OwnerInputs:
    """Who each direct saving, investment and funding source falls to (defaults in spec section 13)."""
    orgs = [o.id for o in scenario.organisations]
    index = {org: i for i, org in enumerate(orgs)}
    default = commissioner(scenario)
    pods = {pod.id: pod for pod in scenario.pods}
    pod_ids = list(pods)

    def one_hot(matrix: Floats, row: tuple[int, ...], org: str | None) -> None:
        if org is not None and org in index:
            matrix[(*row, index[org])] = 1.0

    direct = np.zeros((len(scenario.schemes), len(pod_ids), len(orgs)))
    scheme_investment = np.zeros((len(scenario.schemes), len(orgs)))
    for i, scheme in enumerate(scenario.schemes):
        for effect in scheme.effects:
            if isinstance(effect, DirectSaving):
                owner = effect.org or scheme.owner or pod_payer(scenario, pods[effect.pod])
                one_hot(direct, (i, pod_ids.index(effect.pod)), owner)
        spender = (scheme.investment.org if scheme.investment else None) or scheme.owner or default
        one_hot(scheme_investment, (i,), spender)
    investment = np.zeros((len(scenario.investments), len(orgs)))
    for k, item in enumerate(scenario.investments):
        one_hot(investment, (k,), item.org or default)
    receiver = np.zeros((len(scenario.funding), len(orgs)))
    giver = np.zeros((len(scenario.funding), len(orgs)))
    for k, source in enumerate(scenario.funding):
        one_hot(receiver, (k,), source.org or default)
        one_hot(giver, (k,), source.funder)
    return OwnerInputs(
        orgs=orgs,
        direct=direct,
        scheme_investment=scheme_investment,
        investment=investment,
        funding_receiver=receiver,
        funding_giver=giver,
        sector=[sector(o) for o in scenario.organisations],
    )


def _allocation(scenario: Scenario) -> AllocationInputs:
    orgs = [o.id for o in scenario.organisations]
    lines = scenario.positions.plan_lines
    fixed = np.zeros((len(lines), len(orgs)))
    members = np.zeros((len(lines), len(orgs)))
    basis: list[str | None] = []
    for i, line in enumerate(lines):
        allocation = line.allocation
        basis.append(allocation.basis if allocation is not None else None)
        if allocation is None:
            continue
        for org, share in (allocation.shares or {}).items():
            fixed[i, orgs.index(org)] = share
        for org in allocation.orgs if allocation.orgs is not None else orgs:
            members[i, orgs.index(org)] = 1.0
    return AllocationInputs(
        fixed=fixed,
        basis=basis,
        members=members,
        allocated=[line.allocation is not None for line in lines],
        from_schemes=[line.from_schemes is not None for line in lines],
    )
