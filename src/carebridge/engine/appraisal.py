"""Green Book appraisal of a run: real terms, discounting, NPV, BCR, ROI, payback and optimism bias.

Follows HM Treasury, *The Green Book: central government guidance on appraisal and evaluation* (2022):
costs and benefits are valued in real terms at the prices of a base year (nominal values divided by a GDP
deflator index, section 5 and Annex A6: "base year prices … the first year of the proposal"), then
discounted to year 0 at the social time preference rate — 3.5% a year for years 0–30, declining for longer
horizons (Annex A6, Table 8: 3.0% for 31–75, 2.5% for 76–125, 2.0% for 126–200, 1.5% for 201–300, 1.0%
from 301): the ``standard`` schedule. The ``health`` schedule is Table 8's lower rate for health and life
values, which leaves out the wealth effect: 1.5% for years 0–30, then 1.29%, 1.07%, 0.86%, 0.64% and 0.43%
over the same bands. Optimism bias (the Green Book's supplementary guidance on optimism bias) raises each
scheme's investment by a fraction before discounting.

Values are deflated only when they are in cash (nominal) terms: when the scenario's prices or costs carry
inflation (a price uplift or an expenditure inflation that is not zero), or when the parameters say so
(``prices: nominal``); otherwise they are taken as already at base-year prices. The deflator is HM
Treasury's GDP deflator series given to :func:`appraise` (CareBridge ships one:
:func:`carebridge.scenario.deflators.shipped_deflator`) or an index given in the parameters.

Signs: in :class:`~carebridge.engine.Results` a saving is negative. Here a **benefit** is the saving with
its sign turned, ``B = −saving``, so that benefits and **costs** (investment, ``C``) are both positive, and
net benefit is ``B − C``. Years before the discount base year are sunk and left out.

The functions below take and return arrays (numpy or xarray with a ``year`` dimension) and broadcast over
any other dimension (``scheme``, ``basis``, a Monte Carlo ``draw``); :func:`appraise` applies them to a run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from carebridge.engine.arrays import Coordinate, labelled, labelled_dataset
from carebridge.engine.finance import TOTAL_INVESTMENT
from carebridge.engine.labels import MONEY
from carebridge.engine.results import Results
from carebridge.engine.view import View, laid_view, laid_views
from carebridge.scenario.deflators import GdpDeflator
from carebridge.scenario.errors import Problem, did_you_mean
from carebridge.scenario.schema import PriceUplift, Scenario
from carebridge.scenario.years import YearRange

if TYPE_CHECKING:
    import xarray as xr

PROGRAMME = "programme"
"""The label, after the schemes, of the whole programme: every scheme and other investment."""
NEVER = -1
"""Payback index of a scheme whose cumulative discounted net benefit never reaches zero."""
PAYBACK_TOLERANCE = 1e-9
"""£'000: a cumulative discounted net benefit above ``−PAYBACK_TOLERANCE`` counts as reached zero."""

FloatArray = npt.NDArray[np.float64]


class RateBand(BaseModel):
    """A discount rate in force from a year of the appraisal period (0 = the discount base year) on."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    start: int = Field(alias="from", ge=0, description="First year (0 = base year) the rate applies to.")
    rate: float = Field(ge=0.0, lt=1.0, description="Annual discount rate, a fraction: 0.035 is 3.5%.")


GREEN_BOOK_RATES: tuple[RateBand, ...] = tuple(
    RateBand(start=start, rate=rate)
    for start, rate in ((0, 0.035), (31, 0.030), (76, 0.025), (126, 0.020), (201, 0.015), (301, 0.010))
)
"""HM Treasury Green Book (2022), Annex A6, Table 8: the declining long-term discount rate (standard)."""
HEALTH_RATES: tuple[RateBand, ...] = tuple(
    RateBand(start=start, rate=rate)
    for start, rate in ((0, 0.015), (31, 0.0129), (76, 0.0107), (126, 0.0086), (201, 0.0064), (301, 0.0043))
)
"""HM Treasury Green Book (2022), Annex A6, Table 8: the discount rate for health and life values (1.5%,
the standard rate less the wealth effect), declining over the same bands."""
DiscountSchedule = Literal["standard", "health"]
DISCOUNT_SCHEDULES: dict[str, tuple[RateBand, ...]] = {"standard": GREEN_BOOK_RATES, "health": HEALTH_RATES}
"""The Green Book's named discount rate schedules: ``standard`` (3.5%) and ``health`` (1.5%)."""
SCHEDULE_NAMES: dict[str, str] = {
    "standard": "the Green Book standard discount rate (3.5% for years 0–30, declining after)",
    "health": "the Green Book discount rate for health (1.5% for years 0–30, declining after)",
}
PriceBasisChoice = Literal["auto", "nominal", "real"]


class OptimismBias(BaseModel):
    """Optimism-bias uplifts on investment, fractions (0.2 raises investment by 20%)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    default: float = Field(0.0, ge=0.0, description="Uplift of any scheme not listed under `schemes`.")
    programme: float | None = Field(
        None, ge=0.0, description="Uplift of investment not attached to a scheme [default: `default`]."
    )
    schemes: dict[str, float] = Field(default_factory=dict, description="Uplift by scheme id.")

    def of_scheme(self, scheme: str) -> float:
        return self.schemes.get(scheme, self.default)

    @property
    def of_programme(self) -> float:
        return self.default if self.programme is None else self.programme


class AppraisalParameters(BaseModel):
    """The parameters of a Green Book appraisal (the ``appraisal.yaml`` beside a scenario)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    discount_base_year: str | None = Field(
        None, description="Year 0 of discounting, e.g. '2016/17' [default: the scenario's base year]."
    )
    price_base_year: str | None = Field(
        None, description="Year whose prices values are expressed in [default: the discount base year]."
    )
    discount: DiscountSchedule = Field(
        "standard",
        description="The Green Book discount rate schedule: `standard` (3.5% for years 0–30, declining "
        "after) or `health` (1.5%, declining after; for health and life values).",
    )
    discount_rates: list[RateBand] | None = Field(
        None,
        description="Discount rate bands of your own, the first from year 0, instead of a named `discount` "
        "schedule.",
    )
    prices: PriceBasisChoice = Field(
        "auto",
        description="`nominal`: the scenario's money is in cash terms and is deflated to base-year prices "
        "with the GDP deflator; `real`: it is already at base-year prices; `auto`: nominal when any price "
        "uplift or expenditure inflation is not zero, else real.",
    )
    deflator: dict[str, float] | None = Field(
        None, description="GDP deflator index by year, instead of the GDP deflator file."
    )
    deflator_file: str | None = Field(
        None,
        description="A GDP deflator file (CSV, as the shipped one) to use instead of the shipped series; "
        "relative to this file.",
    )
    optimism_bias: OptimismBias = Field(default_factory=OptimismBias)

    @property
    def rates(self) -> tuple[RateBand, ...]:
        """The bands in force: ``discount_rates`` when given, else the named ``discount`` schedule."""
        if self.discount_rates is not None:
            return tuple(self.discount_rates)
        return DISCOUNT_SCHEDULES[self.discount]

    @property
    def schedule_name(self) -> str:
        """The words a report prints for the discount rates used."""
        if self.discount_rates is None:
            return SCHEDULE_NAMES[self.discount]
        bands = ", ".join(f"{band.rate:.2%} from year {band.start}" for band in self.discount_rates)
        return f"the discount rates given ({bands})"


def check_parameters(
    parameters: AppraisalParameters, years: Sequence[str], schemes: Sequence[str]
) -> list[Problem]:
    """Problems with ``parameters`` for a run over ``years`` with scheme ids ``schemes``: base years that are
    not modelled, rate bands not starting at 0 or not increasing, deflator years missing or not positive,
    optimism bias for an unknown scheme."""
    problems: list[Problem] = []
    for name in ("discount_base_year", "price_base_year"):
        year = getattr(parameters, name)
        if year is not None and year not in years:
            message = f"'{year}' is not a year of the scenario; expected one of {years[0]} to {years[-1]}"
            problems.append(Problem((name,), message))
    if parameters.discount_rates is not None and "discount" in parameters.model_fields_set:
        message = "give a named schedule (discount: standard or health) or discount_rates, not both"
        problems.append(Problem(("discount",), message))
    starts = [band.start for band in parameters.rates]
    if not starts or starts[0] != 0:
        problems.append(Problem(("discount_rates",), "the first band must start at year 0 (from: 0)"))
    for index in range(1, len(starts)):
        if starts[index] <= starts[index - 1]:
            message = f"bands must start in increasing years; {starts[index]} follows {starts[index - 1]}"
            problems.append(Problem(("discount_rates", index, "from"), message))
    if parameters.deflator is not None:
        needed = deflated_years(years, parameters)
        problems += _deflator_problems(parameters.deflator, years, needed)
        if parameters.deflator_file is not None:
            message = "give a deflator index or a deflator_file, not both"
            problems.append(Problem(("deflator_file",), message))
    for scheme in parameters.optimism_bias.schemes:
        if scheme not in schemes:
            message = f"no scheme '{scheme}' in the scenario{did_you_mean(scheme, schemes)}"
            problems.append(Problem(("optimism_bias", "schemes", scheme), message))
    return problems


def appraised_years(years: Sequence[str], discount_base_year: str | None) -> list[str]:
    """The years appraised: the discount base year (year 0) to the last year; earlier years are sunk."""
    if discount_base_year in years:
        return list(years[years.index(discount_base_year) :])
    return list(years)


def deflated_years(years: Sequence[str], parameters: AppraisalParameters) -> list[str]:
    """The years a deflator must index: the price base year and every year appraised."""
    appraised = appraised_years(years, parameters.discount_base_year)
    price = parameters.price_base_year
    return appraised if price is None or price in appraised else [price, *appraised]


def series_problems(series: GdpDeflator, needed: Sequence[str]) -> list[Problem]:
    """Problems with a GDP deflator file for an appraisal that needs ``needed``: years it has no index
    for, reported against the file."""
    missing = [year for year in needed if year not in series.index]
    if not missing:
        return []
    have = sorted(series.index)
    message = (
        f"no index for {', '.join(missing)}; the series runs {have[0]} to {have[-1]}: give a newer file "
        "(--deflator FILE, or deflator_file in the appraisal parameters)"
    )
    return [Problem((), message, file=series.file)]


def _deflator_problems(
    deflator: Mapping[str, float], years: Sequence[str], needed: list[str]
) -> list[Problem]:
    problems = []
    missing = [year for year in needed if year not in deflator]
    if missing:
        message = f"no index for {', '.join(missing)}; expected an index for every year appraised"
        problems.append(Problem(("deflator",), message))
    for year, index in deflator.items():
        if year not in years:
            message = f"'{year}' is not a year of the scenario; expected {years[0]} to {years[-1]}"
            problems.append(Problem(("deflator", year), message))
        elif index <= 0:
            problems.append(Problem(("deflator", year), f"expected a positive index; found {index:g}"))
    return problems


# ---- the formulas -----------------------------------------------------------------------------------------


def discount_rates(periods: int, bands: Sequence[RateBand] = GREEN_BOOK_RATES) -> FloatArray:
    """The rate ``r_t`` in force in each year ``t = 0 … periods − 1``: the rate of the last band whose
    ``start ≤ t``. ``r_0`` is reported but never used (year 0 is not discounted)."""
    starts = np.array([band.start for band in bands])
    rates = np.array([band.rate for band in bands], dtype=np.float64)
    band = np.searchsorted(starts, np.arange(periods), side="right") - 1
    return rates[np.clip(band, 0, None)]


def discount_factors(periods: int, bands: Sequence[RateBand] = GREEN_BOOK_RATES) -> FloatArray:
    """Green Book discount factors ``D_0 = 1`` and ``D_t = D_{t−1} / (1 + r_t)``.

    With one rate ``r`` this is ``D_t = (1 + r)^−t``; with the declining schedule a year in a later band is
    discounted at that band's rate from the end of the band before (Annex A6: ``D_31 = D_30 / 1.03``).
    """
    rates = discount_rates(periods, bands)
    growth = np.concatenate([[1.0], 1.0 + rates[1:]]) if periods else np.empty(0)
    return np.asarray(1.0 / np.cumprod(growth), dtype=np.float64)


def price_factors(deflator: xr.DataArray, price_base_year: str) -> xr.DataArray:
    """The factor that turns a year's cash into base-year prices: ``k_t = P_base / P_t`` for the GDP
    deflator index ``P`` (by ``year``), so that ``real_t = k_t × nominal_t``."""
    return deflator.sel(year=price_base_year) / deflator


def real_terms(nominal: xr.DataArray, factors: xr.DataArray) -> xr.DataArray:
    """Values at base-year prices: ``real_t = k_t × nominal_t`` (see :func:`price_factors`)."""
    return nominal * factors


def with_optimism_bias(investment: xr.DataArray, uplift: xr.DataArray | float) -> xr.DataArray:
    """Investment raised by optimism bias: ``C = I × (1 + u)`` for an uplift ``u`` (0.2 is 20%)."""
    return investment * (1.0 + uplift)


def present_value(values: xr.DataArray, factors: xr.DataArray) -> xr.DataArray:
    """``PV = Σ_t D_t × X_t`` over ``year``."""
    return (values * factors).sum("year")


def net_present_value(benefit: xr.DataArray, cost: xr.DataArray, factors: xr.DataArray) -> xr.DataArray:
    """``NPV = PV(B) − PV(C) = Σ_t D_t (B_t − C_t)``."""
    return present_value(benefit - cost, factors)


def benefit_cost_ratio(pv_benefit: xr.DataArray, pv_cost: xr.DataArray) -> xr.DataArray:
    """``BCR = PV(B) / PV(C)``; not a number (NaN) where ``PV(C) = 0``."""
    return pv_benefit / pv_cost.where(pv_cost != 0)


def return_on_investment(pv_benefit: xr.DataArray, pv_cost: xr.DataArray) -> xr.DataArray:
    """``ROI = (PV(B) − PV(C)) / PV(C) = NPV / PV(C) = BCR − 1``; NaN where ``PV(C) = 0``."""
    return (pv_benefit - pv_cost) / pv_cost.where(pv_cost != 0)


def cumulative_discounted_net(
    benefit: xr.DataArray, cost: xr.DataArray, factors: xr.DataArray
) -> xr.DataArray:
    """``N_t = Σ_{k ≤ t} D_k (B_k − C_k)``, the cumulative discounted net benefit to each year."""
    return ((benefit - cost) * factors).cumsum("year")


def payback_index(cumulative: xr.DataArray, started: xr.DataArray) -> xr.DataArray:
    """The payback year as an index from year 0: the first ``t`` with ``N_t ≥ 0`` (within
    :data:`PAYBACK_TOLERANCE`) at or after the investment starts (``started``, :func:`started`), or
    :data:`NEVER` (−1) when there is none — also for a scheme with no cost or benefit at all. Savings before
    the investment count in ``N_t`` but cannot make a payback before it: a scheme saving 30 a year from
    year 0 and investing 100 in year 2 has ``N_2 = 30 + 30/1.035 − 70/1.035² = −6.36`` and pays back in
    year 3, not year 0."""
    reached = (cumulative >= -PAYBACK_TOLERANCE) & started
    first = reached.argmax("year")
    return first.where(reached.any("year"), NEVER).astype(int)


def started(benefit: xr.DataArray, cost: xr.DataArray) -> xr.DataArray:
    """True in each year from the first year of investment (``C_t ≠ 0``) on; for a scheme with no cost at
    all, from its first year with a benefit (``B_t ≠ 0``)."""
    invested = (cost != 0).cumsum("year") > 0
    benefited = (benefit != 0).cumsum("year") > 0
    return invested.where(invested.any("year"), benefited)


def start_index(started: xr.DataArray) -> xr.DataArray:
    """The index of the first year of investment (:func:`started`), or :data:`NEVER` without one."""
    return started.argmax("year").where(started.any("year"), NEVER).astype(int)


def payback_years(payback: xr.DataArray, start: xr.DataArray) -> xr.DataArray:
    """Years from the first year of investment to the payback year, ``payback − start`` (0: it pays back
    in the year it invests), or :data:`NEVER` when it never pays back."""
    return (payback - start).where(payback != NEVER, NEVER).astype(int)


# ---- a run appraised --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceBasis:
    """Whether an appraisal deflated its money to base-year prices, with what, and why."""

    nominal: bool
    """True when the money was taken to be in cash terms (it carries inflation) and deflated."""
    reasons: tuple[str, ...]
    """Why: the prices and costs that carry inflation (``price uplift of A&E attendances``), or the choice
    made in the parameters."""
    deflator: str
    """The series used (its citation), or ``""`` when none was used."""
    price_base_year: str
    missing: tuple[str, ...] = ()
    """Years the series has no index for, when it was not used for want of them."""

    @property
    def words(self) -> str:
        """The sentence a report prints."""
        shown = list(self.reasons[:3])
        if len(self.reasons) > 3:
            shown.append(f"and {len(self.reasons) - 3} more")
        why = f" ({'; '.join(shown)})" if shown else ""
        if self.nominal and self.missing:
            return (
                f"Cash values{why} not deflated: the GDP deflator ({self.deflator}) has no index for "
                f"{', '.join(self.missing)}"
            )
        if self.nominal and self.deflator:
            return (
                f"Real terms: cash values{why} deflated to {self.price_base_year} prices with the GDP "
                f"deflator ({self.deflator})"
            )
        if self.nominal:
            return f"Cash values{why} not deflated: no GDP deflator was given"
        return f"Real terms: values taken as at {self.price_base_year} prices{why}"


def inflation_carried(scenario: Scenario) -> list[str]:
    """What in ``scenario`` carries inflation, in words: each POD whose price has an uplift that is not
    zero, each organisation's expenditure category with inflation that is not zero."""
    found = [
        f"price uplift of {pod.name}"
        for pod in scenario.pods
        if isinstance(pod.price, PriceUplift) and _not_zero(pod.price.uplift)
    ]
    for organisation in scenario.organisations:
        categories = organisation.finance.expenditure if organisation.finance is not None else []
        for category in categories:
            if _not_zero(category.inflation):
                found.append(f"inflation of {organisation.name} {category.name or category.id}")
    return found


def _not_zero(value: object) -> bool:
    """True when a value by year (a number, a map by year, a distribution) is anything but zero."""
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, Mapping):
        return any(_not_zero(item) for item in value.values())
    return True


NON_CASH_KINDS = ("fiscal", "economic", "social")
"""The Greater Manchester CBA model's split of public value beyond cash."""


@dataclass(frozen=True)
class NonCashLine:
    """One benefit beyond cash of one scheme, valued: who benefits, who pays, PV at base-year prices."""

    scheme: str
    scheme_name: str
    name: str
    kind: str
    beneficiary: str
    payer: str
    values: tuple[float, ...]
    """£'000 at base-year prices in each year appraised (QALYs × value per QALY / 1,000)."""
    present_value: float


@dataclass(frozen=True)
class PublicValue:
    """The schemes' benefits beyond cash, apart from the cash appraisal: by year, in present value, by
    kind (fiscal, economic, social), and line by line with who benefits and who pays. Held as numpy
    (``values``, ``discount``); the labelled arrays are built when first read, and :meth:`view` reads them
    without building them."""

    values: FloatArray
    """(scheme, kind, year): £'000 at base-year prices; the schemes then the programme."""
    discount: FloatArray
    """(year): the appraisal's discount factors ``D_t``."""
    schemes: list[str]
    years: list[str]
    lines: tuple[NonCashLine, ...]

    @cached_property
    def present_values(self) -> FloatArray:
        """(scheme, kind): ``Σ_t D_t V_t``."""
        summed: FloatArray = np.nansum(self.values * self.discount, axis=-1)
        return summed

    @cached_property
    def totals(self) -> FloatArray:
        """(scheme,): the present value of every benefit beyond cash."""
        summed: FloatArray = np.nansum(self.present_values, axis=-1)
        return summed

    def _coords(self, dims: Sequence[str] = ("scheme", "kind", "year")) -> dict[str, Coordinate]:
        every: dict[str, Coordinate] = {
            "scheme": [*self.schemes, PROGRAMME],
            "kind": list(NON_CASH_KINDS),
            "year": list(self.years),
        }
        return {dim: every[dim] for dim in dims}

    @cached_property
    def by_year(self) -> xr.DataArray:
        """(scheme, kind, year): £'000 at base-year prices; the ``scheme`` dimension ends with the
        programme."""
        return labelled(self.values, ["scheme", "kind", "year"], self._coords())

    @cached_property
    def present_value(self) -> xr.DataArray:
        """(scheme, kind): ``Σ_t D_t V_t``."""
        return labelled(self.present_values, ["scheme", "kind"], self._coords(("scheme", "kind")))

    @property
    def total(self) -> xr.DataArray:
        """(scheme,): the present value of every benefit beyond cash."""
        return labelled(self.totals, ["scheme"], self._coords(("scheme",)))

    def view(self, name: str) -> View:
        """``by_year``, ``present_value`` or ``total`` as a view (:mod:`carebridge.engine.view`)."""
        found = {
            "by_year": (self.values, ("scheme", "kind", "year")),
            "present_value": (self.present_values, ("scheme", "kind")),
            "total": (self.totals, ("scheme",)),
        }
        if name not in found:
            raise KeyError(f"{name!r} is not an array of the benefits beyond cash")
        values, dims = found[name]
        return laid_view(values, dims, self._coords())


def non_cash_values(scenario: Scenario, years: Sequence[str]) -> dict[tuple[str, int], FloatArray]:
    """Each scheme's benefits beyond cash by year appraised, £'000: ``amount`` for measure ``value``, and
    ``amount × value_per_qaly / 1,000`` for measure ``qalys`` (QALYs valued in £, shown in £'000); held
    after the last year given, as savings are. Keyed by (scheme id, position in its list)."""
    span = YearRange.from_labels(scenario.base_year, scenario.end_year)
    chosen = [span.index(year) for year in years]
    values = {}
    for scheme in scenario.schemes:
        for position, benefit in enumerate(scheme.non_cash_benefits):
            amount = span.expand(benefit.amount)[chosen]
            if benefit.measure == "qalys":
                amount = amount * (benefit.value_per_qaly or 0.0) / 1000.0
            values[(scheme.id, position)] = amount
    return values


def public_value(scenario: Scenario, years: Sequence[str], discount: FloatArray) -> PublicValue:
    """The benefits beyond cash of ``scenario``'s schemes over ``years``, discounted by ``discount`` (the
    appraisal's factors ``D_t``). They are stated at base-year prices and are not deflated."""
    schemes = [scheme.id for scheme in scenario.schemes]
    names = {org.id: org.name for org in scenario.organisations}
    values = non_cash_values(scenario, years)
    by_year = np.zeros((len(schemes) + 1, len(NON_CASH_KINDS), len(years)))
    factors = np.asarray(discount, dtype=np.float64)
    lines = []
    for i, scheme in enumerate(scenario.schemes):
        spender = scheme.investment.org if scheme.investment and scheme.investment.org else scheme.owner
        for position, benefit in enumerate(scheme.non_cash_benefits):
            amount = values[(scheme.id, position)]
            by_year[i, NON_CASH_KINDS.index(benefit.kind)] += amount
            payer = benefit.payer or spender
            lines.append(
                NonCashLine(
                    scheme.id,
                    scheme.name,
                    benefit.name,
                    benefit.kind,
                    names.get(benefit.beneficiary, benefit.beneficiary),
                    names.get(payer, payer) if payer else "not given",
                    tuple(float(v) for v in amount),
                    float(amount @ factors),
                )
            )
    by_year[-1] = by_year[:-1].sum(axis=0)
    return PublicValue(by_year, factors, schemes, list(years), tuple(lines))


Variables = dict[str, tuple[tuple[str, ...], npt.NDArray[np.generic]]]
"""A dataset not labelled yet: each variable's dimensions and values."""


@dataclass(frozen=True)
class Appraisal:
    """A run appraised: by year and in summary, for each scheme and the programme, on each basis.

    Computed in numpy (:func:`appraise`); ``by_year`` and ``summary`` are labelled when first read, and
    :meth:`view` reads them without labelling them."""

    by_year_values: Variables
    """The variables of :attr:`by_year`, laid out as it holds them."""
    summary_values: Variables
    """The variables of :attr:`summary`, laid out as it holds them."""
    years: list[str]
    """The years appraised."""
    schemes: list[str]
    """The schemes appraised, then :data:`PROGRAMME`."""
    bases: list[str]
    names: dict[str, str]
    """Printed name of each scheme and of the programme."""
    uplift: dict[str, float]
    """Optimism-bias uplift of each scheme's investment and of the investment not in a scheme."""
    parameters: AppraisalParameters
    discount_base_year: str
    price_base_year: str
    prices: PriceBasis
    public: PublicValue
    """Benefits beyond cash, apart from the cash figures above (``summary.public_value_npv`` adds them)."""

    def _coords(self) -> dict[str, Coordinate]:
        return {
            "scheme": np.array(self.schemes, dtype=object),
            "year": list(self.years),
            "basis": list(self.bases),
        }

    @cached_property
    def by_year(self) -> xr.Dataset:
        """(scheme, basis, year): benefit, cost, optimism_bias (the part of cost it adds), net,
        discounted_net, cumulative_net; (year): price_factor, discount_rate, discount_factor. £'000 at
        base-year prices. The ``scheme`` dimension ends with :data:`PROGRAMME`."""
        return _with_units(labelled_dataset(self.by_year_values, self._coords()))

    @cached_property
    def summary(self) -> xr.Dataset:
        """(scheme, basis): pv_benefit, pv_cost, npv, bcr, roi, payback (index from year 0, −1 never),
        payback_years (years from the first year of investment, −1 never); pv_non_cash (the present value of
        benefits beyond cash) and public_value_npv (``NPV + pv_non_cash``), apart from the cash measures."""
        coords = self._coords()
        del coords["year"]
        return _with_units(labelled_dataset(self.summary_values, coords))

    def view(self, name: str) -> dict[str, View]:
        """The dataset ``name`` (``by_year`` or ``summary``) as a view of each variable
        (:mod:`carebridge.engine.view`), made from the numbers without labelling them."""
        if name not in ("by_year", "summary"):
            raise KeyError(f"{name!r} is not a dataset of the appraisal")
        variables: Variables = getattr(self, f"{name}_values")
        return laid_views(variables, self._coords(), {name: _units(name) for name in variables})

    def payback_year(self, scheme: str, basis: str) -> str | None:
        """The label of the payback year, or ``None`` when it never pays back."""
        _, payback = self.summary_values["payback"]
        index = int(payback[self.schemes.index(scheme), self.bases.index(basis)])
        return None if index == NEVER else self.years[index]


def price_basis(
    scenario: Scenario, parameters: AppraisalParameters, deflator: GdpDeflator | None, price_base: str
) -> PriceBasis:
    """Whether ``scenario``'s money is in cash terms (``parameters.prices``, or what carries inflation when
    it is ``auto``) and the series that deflates it: the parameters' own index, else ``deflator``."""
    carried = inflation_carried(scenario)
    if parameters.prices == "auto":
        nominal, reasons = bool(carried), tuple(carried) or ("no price uplift or inflation",)
    else:
        nominal, reasons = parameters.prices == "nominal", (f"prices: {parameters.prices} given",)
    if not nominal:
        return PriceBasis(False, reasons, "", price_base)
    if parameters.deflator is not None:
        return PriceBasis(True, reasons, "the index given in the appraisal parameters", price_base)
    return PriceBasis(True, reasons, deflator.citation if deflator is not None else "", price_base)


def appraise(
    results: Results, parameters: AppraisalParameters, deflator: GdpDeflator | None = None
) -> Appraisal:
    """Appraise each scheme and the programme of a run; ``parameters`` checked by :func:`check_parameters`
    and ``deflator`` (the GDP deflator series, used when the money is in cash terms and the parameters give
    no index of their own) by :func:`series_problems`.

    For scheme ``s``: ``B_s,t = −k_t × saving_s,t`` on each basis and ``C_s,t = k_t × I_s,t × (1 + u_s)``.
    The programme: ``B = Σ_s B_s`` (savings in every year, not only the statement's window) and
    ``C = Σ_s C_s + k_t × J_t × (1 + u_programme)``, where ``J`` is the investment not attached to a scheme
    (the statement's total investment less every scheme's investment, which it holds on the scheme's line or
    the default "Scheme investment" line).
    """

    years = appraised_years(results.years, parameters.discount_base_year)
    base, price_base = years[0], parameters.price_base_year or years[0]
    prices = price_basis(results.scenario, parameters, deflator, price_base)
    index = parameters.deflator if parameters.deflator is not None else deflator.index if deflator else None
    needed = [*years, *([price_base] if price_base not in years else [])]
    missing = tuple(year for year in needed if index is not None and year not in index)
    if prices.nominal and missing:
        prices = replace(prices, missing=missing)
    factors = _price_factors(index if prices.nominal and not missing else None, years, price_base)
    summary = results.view("scheme_summary")
    statement = results.view("statement")
    assert isinstance(summary, dict) and isinstance(statement, View)
    schemes = [str(scheme) for scheme in summary["investment"].labels["scheme"]]
    uplift = {scheme: parameters.optimism_bias.of_scheme(scheme) for scheme in schemes}
    uplift[PROGRAMME] = parameters.optimism_bias.of_programme
    discount = discount_factors(len(years), parameters.rates)
    public = public_value(results.scenario, years, discount)
    by_year, appraised, bases = _appraised(
        summary, statement, results.years, years, schemes, uplift, factors, discount, public.totals
    )
    by_year["discount_rate"] = (("year",), discount_rates(len(years), parameters.rates))
    names = {scheme: results.scheme_label(scheme) for scheme in schemes}
    names[PROGRAMME] = "Programme"
    return Appraisal(
        _in_order(by_year, BY_YEAR),
        _in_order(appraised, SUMMARY),
        years,
        [*schemes, PROGRAMME],
        bases,
        names,
        uplift,
        parameters,
        base,
        price_base,
        prices,
        public,
    )


BY_YEAR = (
    "benefit",
    "cost",
    "optimism_bias",
    "net",
    "discounted_net",
    "cumulative_net",
    "price_factor",
    "discount_rate",
    "discount_factor",
)
"""The variables of :attr:`Appraisal.by_year`, in order."""
SUMMARY = (
    "pv_benefit",
    "pv_cost",
    "npv",
    "bcr",
    "roi",
    "payback",
    "payback_years",
    "pv_non_cash",
    "public_value_npv",
)
"""The variables of :attr:`Appraisal.summary`, in order."""


NOT_MONEY = ("price_factor", "discount_rate", "discount_factor", "pv_non_cash")
"""The variables of an appraisal without ``units`` (£'000 on every other, as the labelled arithmetic on the
run's money gave them)."""


def _units(name: str) -> dict[str, object]:
    return {} if name in NOT_MONEY else {"units": MONEY}


def _with_units(dataset: xr.Dataset) -> xr.Dataset:
    for name in dataset.data_vars:
        dataset.variables[name].attrs.update(_units(str(name)))
    return dataset


def _in_order(variables: Variables, order: Sequence[str]) -> Variables:
    return {name: variables[name] for name in order}


def _appraised(
    summary: Mapping[str, View],
    statement: View,
    run_years: Sequence[str],
    years: Sequence[str],
    schemes: Sequence[str],
    uplift: Mapping[str, float],
    factors: FloatArray,
    discount: FloatArray,
    non_cash: FloatArray,
) -> tuple[Variables, Variables, list[str]]:
    """:func:`appraise`'s arithmetic on numpy: the formulas of :func:`real_terms`, :func:`with_optimism_bias`,
    :func:`present_value`, :func:`cumulative_discounted_net`, :func:`started`, :func:`payback_index` and the
    rest, each array laid out (and each sum taken) as the labelled arithmetic lays them out, so that every
    number is the one it gives. B = bases, P = schemes and the programme, Y = the years appraised."""
    chosen = [list(run_years).index(year) for year in years]
    investment = summary["investment"].transpose("scheme", "year").values  # (S, all years)
    saving = summary["benefit"].transpose("basis", "year", "scheme")
    bases = [str(basis) for basis in saving.labels["basis"]]
    total = statement.sel(line=TOTAL_INVESTMENT).transpose("basis", "year").values[0]
    unattached = (total - np.nansum(investment, axis=0))[chosen]  # J_t
    invested = np.concatenate([investment[:, chosen], unattached[None, :]], axis=0)  # (P, Y)
    uplifts = np.array([uplift[scheme] for scheme in [*schemes, PROGRAMME]], dtype=np.float64)
    own_cost = invested * (1.0 + uplifts)[:, None] * factors
    own_bias = invested * uplifts[:, None] * factors
    is_programme = np.array([scheme == PROGRAMME for scheme in [*schemes, PROGRAMME]])
    n = len(schemes)
    # the programme's own plus every scheme's: (year, scheme) added to (scheme, year), as labelled
    cost = own_cost + (np.nansum(own_cost[:n], axis=0)[:, None] * is_programme[None, :]).T
    bias = own_bias + (np.nansum(own_bias[:n], axis=0)[:, None] * is_programme[None, :]).T
    scheme_benefit = -saving.values[:, chosen, :] * factors[:, None]  # (B, Y, S)
    benefit = np.concatenate([scheme_benefit, np.nansum(scheme_benefit, axis=2)[:, :, None]], axis=2)
    shape = (len(bases), *cost.shape)  # (B, P, Y)
    cost_b, bias_b = np.broadcast_to(cost, shape), np.broadcast_to(bias, shape)
    net = benefit - np.swapaxes(cost_b, 1, 2)  # (B, Y, P)
    discounted = net * discount[:, None]
    cumulative = np.nancumsum(discounted, axis=1)
    by_year: Variables = {
        "benefit": (("scheme", "basis", "year"), np.transpose(benefit, (2, 0, 1))),
        "cost": (("scheme", "basis", "year"), np.transpose(cost_b, (1, 0, 2))),
        "optimism_bias": (("scheme", "basis", "year"), np.transpose(bias_b, (1, 0, 2))),
        "net": (("scheme", "basis", "year"), np.transpose(net, (2, 0, 1))),
        "discounted_net": (("scheme", "basis", "year"), np.transpose(discounted, (2, 0, 1))),
        "cumulative_net": (("scheme", "basis", "year"), np.transpose(cumulative, (2, 0, 1))),
        "price_factor": (("year",), factors),
        "discount_factor": (("year",), discount),
    }
    pv_benefit = np.nansum(benefit * discount[:, None], axis=1)  # (B, P)
    pv_cost = np.nansum(cost_b * discount, axis=2)
    invests = np.cumsum(cost_b != 0, axis=2) > 0  # (B, P, Y)
    benefits = np.cumsum(benefit != 0, axis=1) > 0  # (B, Y, P)
    invested_any = np.asarray(invests.any(axis=2), dtype=bool)
    begun = np.where(invested_any[:, :, None], invests, np.swapaxes(benefits, 1, 2))  # (B, P, Y)
    start = np.where(begun.any(axis=2), begun.argmax(axis=2), NEVER).astype(int)
    reached = (cumulative >= -PAYBACK_TOLERANCE) & np.swapaxes(begun, 1, 2)  # (B, Y, P)
    payback = np.where(reached.any(axis=1), reached.argmax(axis=1), NEVER).astype(int)
    npv = np.nansum(discounted, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        divisor = np.where(pv_cost != 0, pv_cost, np.nan)
        bcr = pv_benefit / divisor
        roi = (pv_benefit - pv_cost) / divisor
    appraised: Variables = {
        "pv_benefit": (("scheme", "basis"), pv_benefit.T),
        "pv_cost": (("scheme", "basis"), pv_cost.T),
        "npv": (("scheme", "basis"), npv.T),
        "bcr": (("scheme", "basis"), bcr.T),
        "roi": (("scheme", "basis"), roi.T),
        "payback": (("scheme", "basis"), payback.T),
        "payback_years": (
            ("scheme", "basis"),
            np.where(payback != NEVER, payback - start, NEVER).astype(int).T,
        ),
        "pv_non_cash": (("scheme", "basis"), np.broadcast_to(non_cash, npv.shape).T),
        "public_value_npv": (("scheme", "basis"), (npv + non_cash).T),
    }
    return by_year, appraised, bases


def _price_factors(index: Mapping[str, float] | None, years: list[str], price_base: str) -> FloatArray:
    """``k_t = P_base / P_t`` for the appraised years (:func:`price_factors`); 1 in every year when the
    money is not deflated."""
    if index is None:
        return np.ones(len(years))
    levels = np.array([index[year] for year in years], dtype=np.float64)
    factors: FloatArray = np.float64(index[price_base]) / levels
    return factors
