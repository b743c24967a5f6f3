"""Green Book appraisal of a run: real terms, discounting, NPV, BCR, ROI, payback and optimism bias.

Follows HM Treasury, *The Green Book: central government guidance on appraisal and evaluation* (2022):
costs and benefits are valued in real terms at the prices of a base year (nominal values divided by a GDP
deflator index, section 5 and Annex A6), then discounted to year 0 at the social time preference rate —
3.5% a year for years 0–30, declining for longer horizons (Annex A6, Table 8: 3.0% for 31–75, 2.5% for
76–125, 2.0% for 126–200, 1.5% for 201–300, 1.0% from 301). Optimism bias (the Green Book's supplementary
guidance on optimism bias) raises each scheme's investment by a fraction before discounting.

Signs: in :class:`~carebridge.engine.Results` a saving is negative. Here a **benefit** is the saving with
its sign turned, ``B = −saving``, so that benefits and **costs** (investment, ``C``) are both positive, and
net benefit is ``B − C``. Years before the discount base year are sunk and left out.

The functions below take and return arrays (numpy or xarray with a ``year`` dimension) and broadcast over
any other dimension (``scheme``, ``basis``, a Monte Carlo ``draw``); :func:`appraise` applies them to a run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xarray as xr
from pydantic import BaseModel, ConfigDict, Field

from carebridge.engine.finance import TOTAL_INVESTMENT
from carebridge.engine.labels import plain
from carebridge.engine.results import Results
from carebridge.scenario.errors import Problem, did_you_mean

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
"""HM Treasury Green Book (2022), Annex A6, Table 8: the declining long-term discount rate."""


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
    discount_rates: list[RateBand] = Field(
        default_factory=lambda: list(GREEN_BOOK_RATES),
        description="Discount rate bands, the first from year 0 [default: Green Book].",
    )
    deflator: dict[str, float] | None = Field(
        None,
        description="GDP deflator index by year; when omitted, values are taken as already at base-year "
        "prices.",
    )
    optimism_bias: OptimismBias = Field(default_factory=OptimismBias)


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
    starts = [band.start for band in parameters.discount_rates]
    if not starts or starts[0] != 0:
        problems.append(Problem(("discount_rates",), "the first band must start at year 0 (from: 0)"))
    for index in range(1, len(starts)):
        if starts[index] <= starts[index - 1]:
            message = f"bands must start in increasing years; {starts[index]} follows {starts[index - 1]}"
            problems.append(Problem(("discount_rates", index, "from"), message))
    if parameters.deflator is not None:
        appraised = appraised_years(years, parameters.discount_base_year)
        price = parameters.price_base_year
        needed = appraised if price is None or price in appraised else [price, *appraised]
        problems += _deflator_problems(parameters.deflator, years, needed)
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
    :data:`PAYBACK_TOLERANCE`) at or after the scheme starts (``started``: true from the first year with
    any cost or benefit on), or :data:`NEVER` (−1) when there is none — also for a scheme with no cost or
    benefit at all. Before it starts a scheme's ``N_t`` is 0, which is not a payback."""
    reached = (cumulative >= -PAYBACK_TOLERANCE) & started
    first = reached.argmax("year")
    return first.where(reached.any("year"), NEVER).astype(int)


def started(benefit: xr.DataArray, cost: xr.DataArray) -> xr.DataArray:
    """True in each year from the first with a cost or a benefit (``B_t ≠ 0`` or ``C_t ≠ 0``) on."""
    return ((benefit != 0) | (cost != 0)).cumsum("year") > 0


# ---- a run appraised --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Appraisal:
    """A run appraised: by year and in summary, for each scheme and the programme, on each basis."""

    by_year: xr.Dataset
    """(scheme, basis, year): benefit, cost, optimism_bias (the part of cost it adds), net, discounted_net,
    cumulative_net; (year): price_factor, discount_rate, discount_factor. £'000 at base-year prices. The
    ``scheme`` dimension ends with :data:`PROGRAMME`."""
    summary: xr.Dataset
    """(scheme, basis): pv_benefit, pv_cost, npv, bcr, roi, payback (index from year 0, −1 never)."""
    names: dict[str, str]
    """Printed name of each scheme and of the programme."""
    uplift: dict[str, float]
    """Optimism-bias uplift of each scheme's investment and of the investment not in a scheme."""
    parameters: AppraisalParameters
    discount_base_year: str
    price_base_year: str

    @property
    def years(self) -> list[str]:
        return [str(year) for year in self.by_year.year.values]

    @property
    def schemes(self) -> list[str]:
        """The schemes appraised, then :data:`PROGRAMME`."""
        return [str(scheme) for scheme in self.by_year.scheme.values]

    def payback_year(self, scheme: str, basis: str) -> str | None:
        """The label of the payback year, or ``None`` when it never pays back."""
        index = int(self.summary.payback.sel(scheme=scheme, basis=basis))
        return None if index == NEVER else self.years[index]


def appraise(results: Results, parameters: AppraisalParameters) -> Appraisal:
    """Appraise each scheme and the programme of a run; ``parameters`` checked by :func:`check_parameters`.

    For scheme ``s``: ``B_s,t = −k_t × saving_s,t`` on each basis and ``C_s,t = k_t × I_s,t × (1 + u_s)``.
    The programme: ``B = Σ_s B_s`` (savings in every year, not only the statement's window) and
    ``C = Σ_s C_s + k_t × J_t × (1 + u_programme)``, where ``J`` is the investment not attached to a scheme
    (the statement's total investment less the schemes' investment it holds).
    """
    years = appraised_years(results.years, parameters.discount_base_year)
    base, price_base = years[0], parameters.price_base_year or years[0]
    factors = _price_factors(parameters, years, price_base)
    schemes = [str(scheme) for scheme in results.scheme_summary.scheme.values]
    summary = plain(results.scheme_summary).sel(year=years)
    uplift = {scheme: parameters.optimism_bias.of_scheme(scheme) for scheme in schemes}
    uplift[PROGRAMME] = parameters.optimism_bias.of_programme
    invested = xr.concat([summary.investment, _unattached_investment(results).sel(year=years)], "scheme")
    uplifts = xr.DataArray([uplift[str(item)] for item in invested.scheme.values], dims="scheme")
    own_cost = real_terms(with_optimism_bias(invested, uplifts), factors)
    own_bias = real_terms(invested * uplifts, factors)
    is_programme = invested.scheme == PROGRAMME
    cost = own_cost + own_cost.sel(scheme=schemes).sum("scheme") * is_programme
    bias = own_bias + own_bias.sel(scheme=schemes).sum("scheme") * is_programme
    scheme_benefit = real_terms(-summary.benefit, factors)
    benefit = xr.concat(
        [scheme_benefit, scheme_benefit.sum("scheme").expand_dims(scheme=[PROGRAMME])], "scheme"
    )
    cost, bias = (cost.broadcast_like(benefit), bias.broadcast_like(benefit))
    discount = xr.DataArray(discount_factors(len(years), parameters.discount_rates), coords={"year": years})
    rates = xr.DataArray(discount_rates(len(years), parameters.discount_rates), coords={"year": years})
    cumulative = cumulative_discounted_net(benefit, cost, discount)
    by_year = xr.Dataset(
        {
            "benefit": benefit,
            "cost": cost,
            "optimism_bias": bias,
            "net": benefit - cost,
            "discounted_net": (benefit - cost) * discount,
            "cumulative_net": cumulative,
            "price_factor": factors,
            "discount_rate": rates,
            "discount_factor": discount,
        }
    ).transpose("scheme", "basis", "year")
    pv_benefit, pv_cost = present_value(benefit, discount), present_value(cost, discount)
    appraised = xr.Dataset(
        {
            "pv_benefit": pv_benefit,
            "pv_cost": pv_cost,
            "npv": net_present_value(benefit, cost, discount),
            "bcr": benefit_cost_ratio(pv_benefit, pv_cost),
            "roi": return_on_investment(pv_benefit, pv_cost),
            "payback": payback_index(cumulative, started(benefit, cost)),
        }
    ).transpose("scheme", "basis")
    names = {scheme: results.scheme_label(scheme) for scheme in schemes}
    names[PROGRAMME] = "Programme"
    return Appraisal(by_year, appraised, names, uplift, parameters, base, price_base)


def _price_factors(parameters: AppraisalParameters, years: list[str], price_base: str) -> xr.DataArray:
    """``k_t`` for the appraised years; 1 in every year when no deflator is given."""
    if parameters.deflator is None:
        return xr.DataArray(np.ones(len(years)), coords={"year": years})
    needed = [*years, *([price_base] if price_base not in years else [])]
    index = xr.DataArray([parameters.deflator[year] for year in needed], coords={"year": needed})
    return price_factors(index, price_base).sel(year=years)


def _unattached_investment(results: Results) -> xr.DataArray:
    """``J_t``: the statement's total investment less the investment of the schemes that have a statement
    line (a scheme without one is not in the statement), by year, with a ``scheme`` dimension of length 1."""
    total = results.statement.sel(line=TOTAL_INVESTMENT).isel(basis=0, drop=True)
    schemes = results.scenario.schemes
    on_lines = [scheme.id for scheme in schemes if scheme.investment and scheme.investment.line is not None]
    in_statement = results.scheme_summary.investment.sel(scheme=on_lines).sum("scheme")
    unattached: xr.DataArray = (total - in_statement).reset_coords(drop=True)
    return unattached.expand_dims(scheme=[PROGRAMME])
