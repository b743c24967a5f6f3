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

import weakref
from bisect import bisect_right
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np

from carebridge.engine.arrays import DRAW as DRAW
from carebridge.engine.arrays import Floats as Floats
from carebridge.engine.arrays import Labels, Laid, labelled, labelled_on_read, ordered, unlabelled
from carebridge.engine.savings import PARTS, release_kernel_values
from carebridge.scenario.errors import Path
from carebridge.scenario.names import sector
from carebridge.scenario.population import parse_band
from carebridge.scenario.schema import (
    Absolute,
    Activity,
    AvoidGrowth,
    Contract,
    DirectSaving,
    PriceUplift,
    Reduce,
    Scenario,
    StrandedCompensation,
)
from carebridge.scenario.validate_contracts import commissioner, contract_terms, pod_payer
from carebridge.scenario.years import Fill, YearRange, YearValue, parse_year

if TYPE_CHECKING:
    import xarray as xr

ALL_COHORT = "all"
OTHER_PROVIDER = "other"
COMPONENTS = ("variable", "semi_fixed", "fixed")


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
        if type(self).number is InputValues.number:  # the numbers as written
            if not isinstance(value, Mapping):
                return np.full(len(span), float(value))
            return span.expand_numbers({str(label): float(v) for label, v in value.items()}, fill)
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
        return labelled(data, dims, {"year": span.labels})

    def table(self, span: YearRange, rows: Sequence[tuple[Path, YearValue | None, Fill]]) -> Floats:
        """(…, row, year): :meth:`expand` of each row (path, value by year, fill), after a draw axis when
        there are draws (as :meth:`zeros`)."""
        if self.draws is None and type(self).number is InputValues.number:  # the numbers as written
            data = [span.expand_list(value, fill) for _, value, fill in rows]
            return np.array(data, dtype=np.float64).reshape(len(rows), len(span))
        table = self.zeros((len(rows), len(span)))
        for r, (path, value, fill) in enumerate(rows):
            table[..., r, :] = self.expand(span, path, value, fill)
        return table

    def zeros(self, shape: Sequence[int]) -> Floats:
        """Zeros of ``shape``, after a draw axis when there are draws."""
        lead = () if self.draws is None else (self.draws,)
        return np.zeros((*lead, *shape))

    def labelled(self, data: Floats, dims: Sequence[str], coords: Mapping[str, Labels]) -> xr.DataArray:
        """``data`` (from :meth:`zeros`) as a labelled array; its draw axis is dropped when every draw holds
        the same values."""
        return self.laid(data, dims, coords).labelled()

    def laid(self, data: Floats, dims: Sequence[str], coords: Mapping[str, Labels]) -> Laid:
        """:meth:`labelled`, not labelled yet."""
        kept, differ = self.kept(data)
        return Laid(kept, [DRAW, *dims] if differ else list(dims), coords)

    def kept(self, data: Floats) -> tuple[Floats, bool]:
        """``data`` (from :meth:`zeros`) as :meth:`labelled` keeps it, and whether it keeps the draw axis: the
        draw axis is dropped when every draw holds the same values."""
        if self.draws is None:
            return np.asarray(data), False
        if _differ(data[1:2], data[:1]) or _differ(data, data[:1]):  # most often the second draw tells
            return np.asarray(data), True
        return np.asarray(data[0]), False

    def held(self, data: Floats, dims: Sequence[str], coords: Mapping[str, Labels]) -> xr.DataArray:
        """:meth:`laid` for a field of the inputs, labelled when first read (see :func:`_laid`)."""
        return cast("xr.DataArray", self.laid(data, dims, coords))


def _laid(data: Floats, dims: Sequence[str], coords: Mapping[str, Labels]) -> xr.DataArray:
    """An input array held not labelled yet, for a field of the inputs: labelled when the field is first
    read (:func:`~carebridge.engine.arrays.labelled_on_read`), read as numpy with
    :func:`~carebridge.engine.arrays.unlabelled`."""
    return cast("xr.DataArray", Laid(np.asarray(data), list(dims), coords))


def _differ(data: Floats, first: Floats) -> bool:
    """Whether a row of ``data`` differs from ``first`` (a NaN where the other has one is no difference)."""
    same = data == first
    return not same.all() and not (same | (np.isnan(data) & np.isnan(first))).all()


def _column(value: float | Floats) -> Floats:
    """A number, or draws of it, shaped to multiply values by year (a trailing axis of length 1)."""
    return np.asarray(value, dtype=np.float64)[..., None]


@labelled_on_read
@dataclass(frozen=True)
class ActivityInputs:
    """Base activity and the do-nothing growth of every POD that has an activity model."""

    base: xr.DataArray  # (pod), 0 for money-only PODs
    trajectory: xr.DataArray  # (year, pod), NaN where growth applies
    growth: xr.DataArray  # (year, pod), growth rate of each year over the year before; 0 in the base year
    has_activity: list[str]  # PODs with an activity model, in scenario order
    demographic: xr.DataArray | None = None
    """(year, pod) the demographic part of ``growth`` (docs/demand.md §3); None when no POD has one."""


FRACTION_KINDS = ("avoid_growth", "reduce_base", "reduce_do_nothing")


@labelled_on_read
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
    # cohorts as ``cohort_share``: ``all``, then the scenario's
    cohort_share_by_year: xr.DataArray | None = None  # (cohort, year, pod), docs/demand.md §4
    # the regions numpy only (never labelled): the cohorts first, in the order of ``cohort_share``, then each
    # declared intersection
    region_member: Floats | None = None  # (region, cohort) 1 where the cohort's schemes act on it
    region_share: Floats | None = None  # (…, region, year, pod) the region's share of the POD (§5), a leading
    # draw axis where the draws differ
    cohort_headcount: xr.DataArray | None = None  # (cohort, year) people, for cohorts given a headcount (§4)

    @property
    def avoid_growth(self) -> xr.DataArray:
        return self.fractions.sel(kind="avoid_growth", drop=True)

    @property
    def reduce_base(self) -> xr.DataArray:
        return self.fractions.sel(kind="reduce_base", drop=True)

    @property
    def reduce_do_nothing(self) -> xr.DataArray:
        return self.fractions.sel(kind="reduce_do_nothing", drop=True)


@labelled_on_read
@dataclass(frozen=True)
class PriceInputs:
    price: xr.DataArray  # (year, pod), £ per unit
    provider_split: xr.DataArray  # (pod, provider)
    release: xr.DataArray  # (pod, lag): share of a change in cost released `lag` years after it
    kernel: xr.DataArray  # (part, pod, year, from_year): release matrices by part of a saving


@labelled_on_read
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
    activity = _activity(scenario, span, values)
    return ModelInputs(
        years=span.labels,
        activity=activity,
        effects=_effects(scenario, span, values, activity),
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
    demographic = values.zeros((n, len(pods)))
    split = False
    people = _people_by_band(scenario, span, values)
    population = {
        band: values.expand(span, ("population", band), value)
        for band, value in (scenario.population or {}).items()
    }
    grown = (  # the growth from the population's rates, read once for each scenario as written
        kept_for(scenario, "growth", partial(_population_growth, scenario, span, values, people, population))
        if as_written(values)
        else None
    )
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
        if grown is not None and j in grown:
            rate, by_people = grown[j]
        else:
            rate, by_people = _pod_growth(span, values, path, spec, people, population)
        if by_people is not None:
            split = True
            demographic[..., :, j] = by_people
        growth[..., :, j] = rate
    coords = {"year": span.labels, "pod": pods}
    return ActivityInputs(
        base=values.held(base, ["pod"], {"pod": pods}),
        trajectory=values.held(trajectory, ["year", "pod"], coords),
        growth=values.held(growth, ["year", "pod"], coords),
        has_activity=activity_pods(scenario),
        demographic=values.held(demographic, ["year", "pod"], coords) if split else None,
    )


def _population_growth(
    scenario: Scenario,
    span: YearRange,
    values: InputValues,
    people: Mapping[str, _People],
    population: Mapping[str, Floats],
) -> dict[int, tuple[Floats, Floats | None]]:
    """:func:`_pod_growth` of each POD whose growth comes from the rates of the population (by age and sex,
    or the population's bands), by its position, the others left out."""
    return {
        j: _pod_growth(span, values, ("pods", j, "activity"), pod.activity, people, population)
        for j, pod in enumerate(scenario.pods)
        if pod.activity is not None
        and pod.activity.trajectory is None
        and (pod.activity.demographic_rates or pod.activity.population_rates)
    }


def _pod_growth(
    span: YearRange,
    values: InputValues,
    path: Path,
    spec: Activity,
    people: Mapping[str, _People],
    population: Mapping[str, Floats],
) -> tuple[Floats, Floats | None]:
    """A POD's growth rate by (…, year), 0 in the base year, and its demographic part (docs/demand.md §3),
    or None when it has none: from its growth, the rates of the people by age and sex, or of the
    population's bands, and its non-demographic growth."""
    rate = values.expand(span, (*path, "growth"), spec.growth)
    if spec.demographic_rates:
        rate = _demographic_rate(people, spec.demographic_rates, path, values, len(span))
    elif spec.population_rates:
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
    by_people = None
    if spec.demographic_rates or spec.population_rates or spec.non_demographic_growth is not None:
        by_people = np.array(rate, dtype=np.float64)
        by_people[..., 0] = 0.0
    rate = (1 + rate) * (
        1 + values.expand(span, (*path, "non_demographic_growth"), spec.non_demographic_growth)
    ) - 1
    rate[..., 0] = 0.0
    return rate, by_people


@dataclass(frozen=True)
class _People:
    """People of one sex by age band: each band's ages (low, high) and people by year (…, year); ``table``
    (band, year) holds them all when none has a draw axis. ``sums`` keeps the people of each band of a rate
    (:meth:`in_band`), so that each is added up once."""

    ages: list[tuple[int, int]]
    rows: list[Floats]
    table: Floats | None
    sums: dict[str, Floats | None] = field(default_factory=dict)

    def in_band(self, label: str) -> Floats | None:
        """People by year (…, year) of the given bands inside the band ``label`` of a rate; None when the
        label is not a band or no band given lies inside it."""
        if label in self.sums:
            return self.sums[label]
        ages = _band(label)
        found: Floats | None = None
        if ages is not None:
            inside = [b for b, (low, high) in enumerate(self.ages) if ages[0] <= low and high <= ages[1]]
            if inside and self.table is not None:
                found = self.table[inside].sum(axis=0)
            elif inside:
                found = np.sum(np.broadcast_arrays(*(self.rows[b] for b in inside)), axis=0)
        if found is not None:
            found.flags.writeable = False  # kept, and shared by the runs of the population
        self.sums[label] = found
        return found


_band = lru_cache(maxsize=4096)(parse_band)
""":func:`parse_band`, made once for each label (a population file has 182 of them)."""


class _Same:
    """An object as a key of a cache by its identity (the scenario's models are frozen: the same object holds
    the same numbers); the key holds it, so that its identity is not reused while the key lives."""

    __slots__ = ("item",)

    def __init__(self, item: object) -> None:
        self.item = item

    def __hash__(self) -> int:
        return id(self.item)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.item is self.item


def _people_by_band(scenario: Scenario, span: YearRange, values: InputValues) -> dict[str, _People]:
    """People of ``demography`` by sex: each band (or single age) given, its ages and people by year. As
    written, read once per population and years (:func:`_people_as_written`), with the people in each band
    of a rate added up once."""
    demography = scenario.demography
    if demography is None or demography.people is None:
        return {}
    if type(values).number is InputValues.number:
        return _people_as_written(_Same(demography.people), tuple(span.labels))
    people: dict[str, _People] = {}
    for sex, bands in demography.people.items():
        ages: list[tuple[int, int]] = []
        rows: list[Floats] = []
        for label, value in bands.items():
            band = _band(label)
            if band is None:
                continue
            ages.append(band)
            rows.append(values.expand(span, ("demography", "people", sex, label), value))
        people[sex] = _People(ages, rows, None)
    return people


@lru_cache(maxsize=16)
def _people_as_written(given: _Same, labels: tuple[str, ...]) -> dict[str, _People]:
    """:func:`_people_by_band` of the people ``given`` (sex → band → people, a number or by year) as written,
    over the years ``labels``: each sex's people as one table (band, year). Kept for the population and the
    years (a run of the same scenario reads them again), so that the 91 ages × 2 sexes of a population file
    are read, and each band of a rate added up, once."""
    span = YearRange.from_labels(labels[0], labels[-1])
    years = list(labels)
    people: dict[str, _People] = {}
    for sex, bands in given.item.items():  # type: ignore[attr-defined]
        ages: list[tuple[int, int]] = []
        plain: list[float] = []  # every band's people by year, one after another
        for label, value in bands.items():
            band = _band(label)
            if band is None:
                continue
            ages.append(band)
            if isinstance(value, Mapping) and len(value) == len(years):
                # a population file gives every year: read it straight (91 ages × 2 sexes)
                if list(value) == years:
                    plain.extend(value.values())
                    continue
                try:
                    plain.extend([value[year] for year in years])
                    continue
                except KeyError:
                    pass
            plain.extend(span.expand_list(value))
        table = np.array(plain, dtype=np.float64).reshape(len(ages), len(years))
        table.flags.writeable = False  # shared by every run that reads it
        people[sex] = _People(ages, list(table), table)
    return people


def _demographic_rate(
    people: Mapping[str, _People],
    rates: Mapping[str, Mapping[str, float]],
    path: Path,
    values: InputValues,
    years: int,
) -> Floats:
    """``g_demo[t] = W[t] / W[t−1] − 1`` with ``W[t] = Σ_s Σ_b r[s,b] · pop[t,s,b]`` (docs/demand.md §2);
    0 in the base year and where ``W[t−1]`` is 0. As written, computed once per population and rates
    (:func:`_rate_as_written`)."""
    if type(values).number is InputValues.number:
        return _rate_as_written(_Same(people), _Same(rates), years)
    return _weighted_rate(people, rates, path, values, years)


@lru_cache(maxsize=64)
def _rate_as_written(people: _Same, rates: _Same, years: int) -> Floats:
    """:func:`_demographic_rate` of the people and the rates as written (read-only: shared by the runs)."""
    rate = _weighted_rate(people.item, rates.item, (), InputValues(), years)  # type: ignore[arg-type]
    rate.flags.writeable = False
    return rate


def _weighted_rate(
    people: Mapping[str, _People],
    rates: Mapping[str, Mapping[str, float]],
    path: Path,
    values: InputValues,
    years: int,
) -> Floats:
    """:func:`_demographic_rate`, each rate read through ``values``."""
    weighted: Floats | float = 0.0
    for sex, bands in rates.items():
        given = people.get(sex)
        if given is None:
            continue
        for label, r in bands.items():
            band_people = given.in_band(label)
            if band_people is None:
                continue
            weighted = weighted + band_people * _column(
                values.number((*path, "demographic_rates", sex, label), r)
            )
    total = np.asarray(weighted, dtype=float)
    if total.ndim == 0:
        return np.zeros(years)
    rate = np.zeros(total.shape)
    rate[..., 1:] = (
        np.divide(
            total[..., 1:], total[..., :-1], out=np.ones(total[..., 1:].shape), where=total[..., :-1] != 0
        )
        - 1
    )
    return rate


EFFECT_KINDS = (
    *FRACTION_KINDS,
    "absolute_reduction",
    "absolute_avoided",
    "direct_released",
    "direct_immediate",
)
"""The arrays of :class:`EffectInputs` by scheme, year and POD, the fractions first."""


def _effects(
    scenario: Scenario, span: YearRange, values: InputValues, activity: ActivityInputs
) -> EffectInputs:
    """Effects by kind; each effect's value by year times its scheme's ``delivery`` multiplier; the cohorts'
    shares by year and the regions of the overlap rule (:func:`cohort_regions`)."""
    schemes = [s.id for s in scenario.schemes]
    pods = [p.id for p in scenario.pods]
    pod_index = {p: j for j, p in enumerate(pods)}
    kind_index = {kind: k for k, kind in enumerate(EFFECT_KINDS)}
    cells: list[tuple[int, int, int]] = []  # (kind, scheme, POD) of each effect
    rows: list[tuple[Path, YearValue | None, Fill]] = []
    deliveries: list[float | Floats] = []
    for i, scheme in enumerate(scenario.schemes):
        delivery = values.number(("schemes", i, "delivery"), scheme.delivery)
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
            cells.append((kind_index[name], i, j))
            rows.append((("schemes", i, "effects", k, field_name), value, Fill.HELD))
            deliveries.append(delivery)
    added = None
    if cells:
        factor = np.stack(
            np.broadcast_arrays(*(np.asarray(d, dtype=np.float64) for d in deliveries)), axis=-1
        )
        added = factor[..., None] * values.table(span, rows)  # (…, effect, year)
    shape = (len(schemes), len(span), len(pods))
    fractions = len(FRACTION_KINDS)
    groups = [range(fractions), *(range(k, k + 1) for k in range(fractions, len(EFFECT_KINDS)))]
    arrays = [_effect_kinds(values, shape, group, cells, added) for group in groups]
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
    by_kind = {
        name: (values.held if drawn else _laid)(data[..., 0, :, :, :], dims, coords)
        for name, (data, drawn) in zip(EFFECT_KINDS[fractions:], arrays[1:], strict=True)
    }
    cohort_share = values.laid(share, ["cohort", "pod"], {"cohort": cohorts, "pod": pods})
    return EffectInputs(
        fractions=(values.held if arrays[0][1] else _laid)(
            arrays[0][0], ["kind", *dims], {"kind": list(FRACTION_KINDS), **coords}
        ),
        absolute_reduction=by_kind["absolute_reduction"],
        absolute_avoided=by_kind["absolute_avoided"],
        direct_released=by_kind["direct_released"],
        direct_immediate=by_kind["direct_immediate"],
        scheme_cohort=_laid(membership, ["scheme", "cohort"], {"scheme": schemes, "cohort": cohorts}),
        cohort_share=cast("xr.DataArray", cohort_share),
        **cohort_regions(scenario, span, values, cohort_share.values, activity),
    )


def _effect_kinds(
    values: InputValues,
    shape: tuple[int, int, int],
    kinds: range,
    cells: Sequence[tuple[int, int, int]],
    added: Floats | None,
) -> tuple[Floats, bool]:
    """The effects of the kinds ``kinds`` of :data:`EFFECT_KINDS` (…, kind, scheme, year, pod), each cell
    the sum of the effects ``added`` (…, effect, year) at their ``cells`` (kind, scheme, POD) in the order
    written, and whether it was made with draws: kinds no effect has are zeros without draws (a Monte Carlo
    chunk neither zeroes nor scans a draw axis no effect reaches)."""
    mine = [r for r, cell in enumerate(cells) if cell[0] in kinds]
    if not mine or added is None:
        return np.zeros((len(kinds), *shape)), False
    data = values.zeros((len(kinds), *shape))
    by_cell = np.moveaxis(data, (-4, -3, -1), (0, 1, 2))  # a view (kind, scheme, pod, …, year)
    at = [(cells[r][0] - kinds.start, cells[r][1], cells[r][2]) for r in mine]
    if len(set(at)) == len(at):
        kind, scheme, pod = (np.array(axis, dtype=np.intp) for axis in zip(*at, strict=True))
        by_cell[kind, scheme, pod] += np.moveaxis(added[..., mine, :], -2, 0)
    else:  # effects of a kind on the same scheme and POD add up, in the order written
        for r, (k, i, j) in zip(mine, at, strict=True):
            by_cell[k, i, j] += added[..., r, :]
    return data, values.draws is not None


def cohort_regions(
    scenario: Scenario, span: YearRange, values: InputValues, cohort_share: Floats, activity: ActivityInputs
) -> dict[str, Any]:
    """The fields of :class:`EffectInputs` for cohorts whose shares change or overlap: each cohort's share by
    year (docs/demand.md §4) and the regions of the overlap rule (§5), every cohort outside its declared
    intersections, then every declared intersection; none for disjoint cohorts with constant shares.
    ``cohort_share`` (…, cohort, pod). As written, made once for each scenario (:func:`kept_for`)."""
    changing = any(c.share_by_year or c.headcount is not None for c in scenario.cohorts)
    if not scenario.cohort_overlaps and not changing:
        return {}  # disjoint cohorts with constant shares: the specification's §4 as it stands
    if as_written(values):
        return _regions_as_written(scenario, span, cohort_share, activity)
    return _regions(scenario, span, values, cohort_share, activity)


def _regions_as_written(
    scenario: Scenario, span: YearRange, cohort_share: Floats, activity: ActivityInputs
) -> dict[str, Any]:
    """:func:`_regions` of the numbers as written, made once for each scenario and years (:func:`kept_for`;
    ``cohort_share`` and ``activity`` are compiled from it), as the people of a population are
    (:func:`_people_as_written`)."""
    return kept_for(
        scenario,
        "regions",
        lambda: _regions(scenario, span, InputValues(), cohort_share, activity),
    )


def as_written(values: InputValues) -> bool:
    """Whether ``values`` reads every number as written, without draws: what a run reads from a scenario is
    then the same in every run of it (:func:`kept_for`)."""
    return values.draws is None and type(values).number is InputValues.number


Kept = TypeVar("Kept")

_KEPT: dict[int, tuple[weakref.ref[Scenario], dict[Hashable, object]]] = {}


def kept_for(scenario: Scenario, key: Hashable, make: Callable[[], Kept]) -> Kept:
    """``make()``, made once for each scenario and ``key`` and kept while the scenario lives: what the runs
    read from a scenario's numbers as written (:func:`as_written`) is the same in each run of it, since its
    models are frozen. Every array made is made read-only (:func:`_read_only`): the runs share them."""
    held = _KEPT.get(id(scenario))
    if held is None or held[0]() is not scenario:
        if len(_KEPT) >= 64:
            _KEPT.clear()
        held = (weakref.ref(scenario), {})
        _KEPT[id(scenario)] = held
    found = held[1]
    if key in found:
        return cast("Kept", found[key])
    made = make()
    _read_only(made)
    found[key] = made
    return made


def _read_only(made: object) -> None:
    """Make every array of ``made`` read-only: ``made`` itself, or those inside its dicts, lists, tuples,
    :class:`Laid` arrays and dataclasses."""
    if isinstance(made, np.ndarray):
        made.flags.writeable = False
    elif isinstance(made, Laid):
        made.values.flags.writeable = False
    elif isinstance(made, Mapping):
        for item in made.values():
            _read_only(item)
    elif isinstance(made, list | tuple):
        for item in made:
            _read_only(item)
    elif is_dataclass(made) and not isinstance(made, type):
        for item in fields(made):
            _read_only(getattr(made, item.name))


def _regions(
    scenario: Scenario, span: YearRange, values: InputValues, cohort_share: Floats, activity: ActivityInputs
) -> dict[str, Any]:
    """The fields :func:`cohort_regions` sets: each cohort's share by year, the regions' members and shares
    and the cohorts' headcounts."""
    pods = [p.id for p in scenario.pods]
    years = span.labels
    cohorts = [ALL_COHORT, *(c.id for c in scenario.cohorts)]  # as effects.cohort_share
    base_share = cohort_share
    share = np.broadcast_to(
        base_share[..., :, None, :], (*base_share.shape[:-1], len(years), len(pods))
    ).copy()
    demographic = unlabelled(activity, "demographic")
    if demographic is not None:
        index = np.cumprod(1 + ordered(demographic, ("year", "pod")), axis=-2)
    else:
        index = np.ones((len(years), len(pods)))
    base_activity = unlabelled(activity, "base").values
    heads_of: dict[str, Floats] = {}
    for c, cohort in enumerate(scenario.cohorts, start=1):
        path: Path = ("cohorts", c - 1)
        by_year = cohort.share_by_year or {}
        for pod_id, given in by_year.items():
            j = pods.index(pod_id)
            start = values.number((*path, "shares", pod_id), cohort.shares.get(pod_id, 0.0))
            numbers = {
                str(label): values.number((*path, "share_by_year", pod_id, str(label)), float(v))
                for label, v in given.items()
            }
            series = span.expand_numbers({years[0]: start, **numbers})
            share = _with_column(share, c, j, series)
        if cohort.headcount is None:
            continue
        heads = _interpolated(span, values, (*path, "headcount"), cohort.headcount)
        heads_of[cohort.id] = heads
        growth = heads / np.where(heads[..., :1] != 0, heads[..., :1], 1.0)
        for pod_id in [*cohort.shares, *(p for p in cohort.rates or {} if p not in cohort.shares)]:
            if pod_id in by_year:
                continue
            j = pods.index(pod_id)
            rate = (cohort.rates or {}).get(pod_id)
            if rate is not None:
                a0 = base_activity[..., j : j + 1]
                per_head = _column(values.number((*path, "rates", pod_id), rate))
                start = per_head * heads[..., :1] / np.where(a0 != 0, a0, np.nan)
            else:
                start = _column(values.number((*path, "shares", pod_id), cohort.shares[pod_id]))
            share = _with_column(share, c, j, start * growth / index[..., :, j])
    pairs = [(o.cohorts[0], o.cohorts[1], o) for o in scenario.cohort_overlaps if len(o.cohorts) == 2]
    regions = [*cohorts, *(f"{a}&{b}" for a, b, _ in pairs)]
    member = np.zeros((len(regions), len(cohorts)))
    member[: len(cohorts), :] = np.eye(len(cohorts))
    lead = share.shape[:-3]
    region_share = np.zeros((*lead, len(regions), len(years), len(pods)))
    region_share[..., : len(cohorts), :, :] = share
    for r, (first, second, overlap) in enumerate(pairs, start=len(cohorts)):
        k = scenario.cohort_overlaps.index(overlap)
        for c in (cohorts.index(first), cohorts.index(second)):
            member[r, c] = 1.0
        for pod_id, x in overlap.shares.items():
            j = pods.index(pod_id)
            value = _column(values.number(("cohort_overlaps", k, "shares", pod_id), x))
            region_share[..., r, :, j] = value
            for name in (first, second):
                region_share[..., cohorts.index(name), :, j] = (
                    region_share[..., cohorts.index(name), :, j] - value
                )
    coords = {"cohort": cohorts, "year": years, "pod": pods}
    headcount = None
    if heads_of:
        rows = list(heads_of.values())  # (…, cohort, year):
        one = len(rows) == 1
        heads = rows[0][..., None, :] if one else np.stack(np.broadcast_arrays(*rows), axis=-2)
        if values.draws is not None and heads.ndim == 2:
            heads = np.broadcast_to(heads, (values.draws, *heads.shape)).copy()
        headcount = values.held(heads, ["cohort", "year"], {"cohort": list(heads_of), "year": years})
    return {
        "cohort_headcount": headcount,
        "cohort_share_by_year": values.held(_with_draws(values, share), ["cohort", "year", "pod"], coords),
        "region_member": member,
        "region_share": values.kept(_with_draws(values, region_share))[0],
    }


def _with_column(share: Floats, c: int, j: int, series: Floats) -> Floats:
    """``share`` (…, cohort, year, pod) with the years of cohort ``c`` on POD ``j`` set to ``series``,
    gaining a leading draw axis when ``series`` has one."""
    series = np.asarray(series, dtype=np.float64)
    if series.ndim > 1 and share.ndim == 3:
        share = np.broadcast_to(share, (series.shape[0], *share.shape)).copy()
    share[..., c, :, j] = series
    return share


def _with_draws(values: InputValues, data: Floats) -> Floats:
    """``data`` with a leading draw axis when the run has draws (as :meth:`InputValues.labelled` wants)."""
    if values.draws is None or data.ndim == 4:
        return data
    return np.broadcast_to(data, (values.draws, *data.shape)).copy()


def _interpolated(span: YearRange, values: InputValues, path: Path, given: Mapping[object, float]) -> Floats:
    """A value by year interpolated linearly between the years given (any years, also before the base) and
    held beyond them (docs/demand.md §4)."""
    points = sorted((_year(str(label)), str(label), float(v)) for label, v in given.items())
    starts = [start for start, _, _ in points]
    numbers = [values.number((*path, label), v) for _, label, v in points]
    plain = [number for number in numbers if isinstance(number, float)]
    if len(plain) == len(numbers):  # as written: one number a year
        return np.array([_between(starts, plain, at) for at in _years(tuple(span.labels))])
    columns = np.stack(np.broadcast_arrays(*(np.asarray(number) for number in numbers)), axis=-1)
    return np.stack([_between(starts, columns, at) for at in _years(tuple(span.labels))], axis=-1)


def _between(starts: list[int], numbers: Floats | list[float], at: int) -> Floats | float:
    """The number (…) in the year starting ``at``, between the years ``starts`` of ``numbers`` (…, point)
    (a list of numbers, or their draws as columns)."""
    if at <= starts[0]:
        return numbers[..., 0] if isinstance(numbers, np.ndarray) else numbers[0]
    if at >= starts[-1]:
        return numbers[..., -1] if isinstance(numbers, np.ndarray) else numbers[-1]
    i = bisect_right(starts, at) - 1
    w = (at - starts[i]) / (starts[i + 1] - starts[i])
    if isinstance(numbers, np.ndarray):
        return (1 - w) * numbers[..., i] + w * numbers[..., i + 1]
    return (1 - w) * numbers[i] + w * numbers[i + 1]


_year = lru_cache(maxsize=1024)(parse_year)
""":func:`parse_year`, made once for each label."""


@lru_cache(maxsize=64)
def _years(labels: tuple[str, ...]) -> tuple[int, ...]:
    """The year each of ``labels`` starts."""
    return tuple(_year(label) for label in labels)


def providers(scenario: Scenario) -> list[str]:
    """Providers that receive savings: organisations in scenario order that provide a POD, then `other`."""
    named = {org for pod in scenario.pods for org in pod.providers}
    ordered = [o.id for o in scenario.organisations if o.id in named]
    return [*ordered, OTHER_PROVIDER] if OTHER_PROVIDER in named else ordered


def _prices(scenario: Scenario, span: YearRange, values: InputValues) -> PriceInputs:
    pods = [p.id for p in scenario.pods]
    provider_ids = providers(scenario)
    provider_index = {org: k for k, org in enumerate(provider_ids)}
    n = len(span)
    rows: list[tuple[Path, YearValue | None, Fill]] = []  # the price or uplift by year of each priced POD
    priced: list[int] = []
    uplifted: list[tuple[int, float | Floats]] = []  # (row, base price) of each price given by an uplift
    split = [[0.0] * len(provider_ids) for _ in pods]
    release = [[0.0] * n for _ in pods]
    for j, pod in enumerate(scenario.pods):
        path: Path = ("pods", j, "price")
        if isinstance(pod.price, PriceUplift):
            uplifted.append((len(rows), values.number((*path, "base"), pod.price.base)))
            rows.append(((*path, "uplift"), pod.price.uplift, Fill.HELD))
            priced.append(j)
        elif pod.price is not None:
            rows.append((path, pod.price, Fill.PRICE))
            priced.append(j)
        for org, share in pod.providers.items():
            split[j][provider_index[org]] = share
        structure = pod.cost_release
        row = release[j]
        for component in COMPONENTS:
            share = getattr(structure, component)
            for t in range(n)[getattr(structure.lags, component) :]:
                row[t] += share
    table = values.table(span, rows)  # (…, priced POD, year)
    for r, base in uplifted:
        uplift = table[..., r, :].copy()
        uplift[..., 0] = 0.0
        table[..., r, :] = _column(base) * np.cumprod(1 + uplift, axis=-1)
    price = values.zeros((n, len(pods)))
    price[..., :, priced] = np.swapaxes(table, -1, -2)
    profile = np.array(release, dtype=np.float64).reshape(len(pods), n)
    return PriceInputs(
        price=values.held(price, ["year", "pod"], {"year": span.labels, "pod": pods}),
        provider_split=_laid(
            np.array(split, dtype=np.float64).reshape(len(pods), len(provider_ids)),
            ["pod", "provider"],
            {"pod": pods, "provider": provider_ids},
        ),
        release=_laid(profile, ["pod", "lag"], {"pod": pods, "lag": list(range(n))}),
        kernel=_laid(
            release_kernel_values(profile),
            ["part", "pod", "year", "from_year"],
            {"part": list(PARTS), "pod": pods, "year": span.labels, "from_year": span.labels},
        ),
    )


def scheme_investment_line(scenario: Scenario, index: int) -> str | None:
    """The statement line a scheme's investment is shown in; None for a scheme without investment."""
    investment = scenario.schemes[index].investment
    if investment is None:
        return None
    return investment.line or "Scheme investment"


def _finance(scenario: Scenario, span: YearRange, values: InputValues) -> FinanceInputs:
    years = span.labels

    def by_year(name: str, ids: list[str], rows: list[tuple[Path, YearValue | None, Fill]]) -> xr.DataArray:
        return values.held(values.table(span, rows), [name, "year"], {name: ids, "year": years})

    def fill_of(non_recurrent: bool) -> Fill:
        return Fill.ONE_OFF if non_recurrent else Fill.HELD

    schemes = scenario.schemes
    investments = scenario.investments
    funding = scenario.funding
    orgs = [o.id for o in scenario.organisations]
    plan = scenario.positions.plan_lines
    window = np.ones(len(span))
    if scenario.statement.savings_from:
        window[: span.index(scenario.statement.savings_from)] = 0.0
    invested = [s.investment for s in schemes]
    do_nothing = scenario.positions.do_nothing
    return FinanceInputs(
        scheme_recurrent=by_year(
            "scheme",
            [s.id for s in schemes],
            [
                (("schemes", i, "investment", "recurrent"), None if v is None else v.recurrent, Fill.HELD)
                for i, v in enumerate(invested)
            ],
        ),
        scheme_non_recurrent=by_year(
            "scheme",
            [s.id for s in schemes],
            [
                (
                    ("schemes", i, "investment", "non_recurrent"),
                    None if v is None else v.non_recurrent,
                    Fill.ONE_OFF,
                )
                for i, v in enumerate(invested)
            ],
        ),
        scheme_line=[scheme_investment_line(scenario, i) for i in range(len(schemes))],
        investment=by_year(
            "investment",
            [i.id for i in investments],
            [
                (("investments", k, "amount"), i.amount, fill_of(i.kind == "non_recurrent"))
                for k, i in enumerate(investments)
            ],
        ),
        investment_line=[i.line or i.name for i in investments],
        funding=by_year(
            "funding",
            [f.id for f in funding],
            [
                (("funding", k, "amount"), f.amount, fill_of(f.kind == "non_recurrent"))
                for k, f in enumerate(funding)
            ],
        ),
        do_nothing=by_year(
            "org", orgs, [(("positions", "do_nothing", o), do_nothing.get(o), Fill.HELD) for o in orgs]
        ),
        plan_value=by_year(
            "plan_line",
            [p.id for p in plan],
            [
                (("positions", "plan_lines", k, "value"), p.value, fill_of(p.non_recurrent))
                for k, p in enumerate(plan)
            ],
        ),
        savings_window=_laid(window, ["year"], {"year": years}),
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
