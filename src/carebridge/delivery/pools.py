"""Pooled budgets under Section 75: which service lines go in a cohort's pool, partners' contributions, and
how an overspend or underspend is shared.

The inclusion rules are NHS Stockport CCG's for its proposed 65+ pool with Stockport MBC (Governing Body,
July 2015, seed ``003_…`` paragraphs 5.1–5.2). Each service line is decided by the **first** rule that
applies:

1. ``existing_section_75`` — already in the existing Section 75 pool: in (it carries forward).
2. ``gp_contract_without_delegation`` — a GMS/PMS core GP contract: out, unless the CCG holds full
   delegated powers for primary care.
3. ``aligned_budget`` — prescribing and GP out of hours: out (kept as an aligned budget; spend on the cohort
   "cannot be easily determined").
4. ``payment_by_results`` — spend identified through payment by results as the cohort's: in, at the cohort's
   spend.
5. ``block_exclusive`` — a block contract exclusively or almost exclusively for the cohort: in.
6. ``block_threshold`` — a whole-population block with at least 75% (configurable) of its spend on the
   cohort: in; ``block_below_threshold`` — with a known share below it: out.
7. ``continuing_health_care`` — adult continuing health care and funded nursing care: in.
8. Where the spend on the cohort is uncertain: ``uncertain_included`` — prevention, primary and community
   care (including intermediate care): in; ``uncertain_excluded`` — secondary care and anything else: out.

An included line is pooled at its cohort spend when the source identifies it, otherwise at its whole spend
(a block contract is not split). Money is in £'000, as everywhere in the tool; a file may say ``unit: £m``
(the seed's tables are in £m) and :func:`load_pool` turns its amounts into £'000 as it reads them.

**Gross and affordability.** The partners' contributions are the pool's *gross* budget. The seed's Table 2
values "represent the gross spend budgets before QiPP (savings target) has been applied … these values will
be amended to reflect QiPP target in moving to an 'affordability' basis" (§5.4): a partner's affordability
contribution is ``gross − QIPP`` (its ``qipp`` that year), and the pool's affordability budget their sum.

An overspend (outturn above the pool's budget, the partners' contributions for the year, on either basis) or
an underspend is shared by the agreed shares; when none are agreed, in proportion to the partners'
contributions that year on that basis.

**Monthly monitoring** (:func:`pool_status`). A year's budget is phased over its twelve months by the
pool's ``phasing`` (even, 1/12 a month, when none is given). As at month ``m``: ``plan YTD = budget ×
Σ phasing[1..m]``, ``actual YTD = Σ spend[1..m]``, and the forecast outturn runs the year to date on at
the phasing: ``forecast = actual YTD / Σ phasing[1..m]`` (a run rate); the forecast variance ``forecast −
budget`` is shared under the pool's risk-share terms as above.
"""

from __future__ import annotations

import math
import pathlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from carebridge.delivery.actuals_tables import RowProblem, RowProblemsError
from carebridge.delivery.months import Month, MonthError, months_of_year
from carebridge.delivery.risks import Model
from carebridge.engine.share import TraceStep, split
from carebridge.scenario.bounds import MAX_MONEY, beyond_bound
from carebridge.scenario.errors import Path, PoolError, Problem, ScenarioError, did_you_mean
from carebridge.scenario.loader import load_model
from carebridge.scenario.years import YearError, parse_year

Setting = Literal[
    "secondary",
    "mental_health",
    "community",
    "intermediate",
    "prevention",
    "primary",
    "continuing_health_care",
    "prescribing",
    "gp_out_of_hours",
    "social_care",
    "other",
]
Contract = Literal["payment_by_results", "block", "gp_core_contract", "other"]
Unit = Literal["£m", "£'000"]
THOUSANDS: Unit = "£'000"
Basis = Literal["gross", "affordability"]
BASES: tuple[Basis, ...] = ("gross", "affordability")
Fraction = Annotated[float, Field(ge=0, le=1)]
Money = Annotated[float, Field(ge=0)]


class ServiceLine(Model):
    """A line of spend that may go in the pool."""

    id: str
    name: str
    service_area: str | None = Field(
        None, description="Id of the service area (table row) the line is reported in; none if left out."
    )
    setting: Setting
    contract: Contract
    spend: Money | None = Field(None, description="The line's whole spend a year (None when not known).")
    cohort_spend: Money | None = Field(
        None, description="Spend identified as the cohort's (e.g. through payment by results)."
    )
    cohort_share: Fraction | None = Field(
        None, description="For a whole-population block: the share of its spend on the cohort, if known."
    )
    exclusive: bool = Field(False, description="A block exclusively or almost exclusively for the cohort.")
    existing_pool: bool = Field(False, description="Already in the existing Section 75 pool.")
    source: str | None = None
    pods: list[str] = Field(
        default_factory=list, description="Ids of the plan's PODs the line's activity is counted in."
    )


class ServiceArea(Model):
    """A row of the pool table, in the order it is printed."""

    id: str
    name: str


ALIGNED_SETTINGS: tuple[Setting, ...] = ("prescribing", "gp_out_of_hours")
"""Kept outside the pool as aligned budgets (seed 5.2)."""
UNCERTAIN_INCLUDED: tuple[Setting, ...] = ("prevention", "primary", "community", "intermediate")
"""Pooled even when the cohort's spend is uncertain (seed 5.1)."""


class InclusionRules(Model):
    """The agreement's switches on the inclusion rules."""

    block_threshold: Fraction = Field(0.75, description="Share of a block's spend on the cohort to pool it.")
    delegated_primary_care: bool = Field(False, description="Full delegated powers for GMS/PMS contracts.")
    aligned_settings: list[Setting] = Field(
        default_factory=lambda: list(ALIGNED_SETTINGS),
        description="Settings kept outside the pool as aligned budgets.",
    )
    uncertain_included: list[Setting] = Field(
        default_factory=lambda: list(UNCERTAIN_INCLUDED),
        description="Settings pooled even when the cohort's spend is uncertain.",
    )


class Contribution(Model):
    """A partner's contribution to the pool by financial year."""

    partner: str
    name: str
    by_year: dict[str, Money]
    note: str | None = None


class Qipp(Model):
    """A partner's QIPP (savings target) on the pooled services by financial year: what moves its gross
    contribution to the affordability basis (seed 003 §5.4)."""

    partner: str
    by_year: dict[str, Money]
    note: str | None = None


class Cohort(Model):
    id: str
    name: str


class PoolDefinition(Model):
    """A pooled budget for a cohort: its service lines, the rules that decide them, and the contributions."""

    id: str | None = Field(None, description="Short id the store keeps the pool under, e.g. `age_65_plus`.")
    name: str
    source: str | None = None
    unit: Unit = THOUSANDS
    year: str = Field(description="The year the table is for, e.g. `2016/17`.")
    cohort: Cohort
    rules: InclusionRules = Field(default_factory=InclusionRules)
    service_areas: list[ServiceArea]
    lines: list[ServiceLine]
    contributions: list[Contribution] = Field(default_factory=list)
    overspend_shares: dict[str, Fraction] | None = Field(None, description="Default: by contributions.")
    underspend_shares: dict[str, Fraction] | None = Field(None, description="Default: by contributions.")
    qipp: list[Qipp] = Field(
        default_factory=list, description="QIPP by partner and year: gross less QIPP is affordability."
    )
    phasing: list[Fraction] | None = Field(
        None, description="Twelve monthly shares of a year's budget, adding to 1 [default: 1/12 each]."
    )


# --- the inclusion rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InclusionDecision:
    """A service line in or out of the pool, the rule that decided it, and the amount pooled."""

    line: ServiceLine
    included: bool
    rule: str
    reason: str
    amount: float | None
    """The amount pooled (0 when out; ``None`` when in but the line gives no spend)."""


Rule = Callable[[ServiceLine, InclusionRules], InclusionDecision | None]


def _in(line: ServiceLine, rule: str, reason: str) -> InclusionDecision:
    """An inclusion at the line's cohort spend when identified, otherwise its whole spend."""
    amount = line.cohort_spend if line.cohort_spend is not None else line.spend
    return InclusionDecision(line, True, rule, reason, amount)


def _out(line: ServiceLine, rule: str, reason: str) -> InclusionDecision:
    return InclusionDecision(line, False, rule, reason, 0.0)


def existing_section_75(line: ServiceLine, rules: InclusionRules) -> InclusionDecision | None:
    """In: the line is already in the existing Section 75 pool."""
    if line.existing_pool:
        return _in(line, "existing_section_75", "already in the existing Section 75 pool")
    return None


def gp_contract_without_delegation(line: ServiceLine, rules: InclusionRules) -> InclusionDecision | None:
    """Out: a GMS/PMS contract while the CCG does not hold full delegated powers."""
    if line.contract == "gp_core_contract" and not rules.delegated_primary_care:
        return _out(line, "gp_contract_without_delegation", "GMS/PMS contract without full delegated powers")
    return None


def aligned_budget(line: ServiceLine, rules: InclusionRules) -> InclusionDecision | None:
    """Out: prescribing, GP out of hours (or another aligned setting), the cohort's spend not determinable."""
    if line.setting in rules.aligned_settings:
        reason = f"{line.setting.replace('_', ' ')} is kept outside the pool as an aligned budget"
        return _out(line, "aligned_budget", reason)
    return None


def payment_by_results(line: ServiceLine, rules: InclusionRules) -> InclusionDecision | None:
    """In, at the cohort's spend: spend identified through payment by results as the cohort's."""
    if line.contract == "payment_by_results" and line.cohort_spend is not None:
        return _in(line, "payment_by_results", "the cohort's spend is identified through payment by results")
    return None


def block_exclusive(line: ServiceLine, rules: InclusionRules) -> InclusionDecision | None:
    """In: a block contract exclusively or almost exclusively for the cohort."""
    if line.contract == "block" and line.exclusive:
        return _in(line, "block_exclusive", "a block contract exclusively for the cohort")
    return None


def block_threshold(line: ServiceLine, rules: InclusionRules) -> InclusionDecision | None:
    """In when a whole-population block spends at least the threshold share on the cohort; out when below."""
    if line.contract != "block" or line.cohort_share is None:
        return None
    share, threshold = line.cohort_share, rules.block_threshold
    if share >= threshold:
        reason = f"a block contract with {share:.0%} of its spend on the cohort (at least {threshold:.0%})"
        return _in(line, "block_threshold", reason)
    reason = f"a block contract with {share:.0%} of its spend on the cohort (below {threshold:.0%})"
    return _out(line, "block_below_threshold", reason)


def continuing_health_care(line: ServiceLine, rules: InclusionRules) -> InclusionDecision | None:
    """In: adult continuing health care and funded nursing care, which align closely to the cohort."""
    if line.setting == "continuing_health_care":
        return _in(line, "continuing_health_care", "continuing health care aligns closely to the cohort")
    return None


def uncertain_spend(line: ServiceLine, rules: InclusionRules) -> InclusionDecision:
    """Where the cohort's spend is uncertain: prevention, primary and community care in; the rest out."""
    setting = line.setting.replace("_", " ")
    if line.setting in rules.uncertain_included:
        return _in(line, "uncertain_included", f"cohort spend uncertain; {setting} care goes in")
    return _out(line, "uncertain_excluded", f"cohort spend uncertain; {setting} care stays out")


RULES: tuple[Rule, ...] = (
    existing_section_75,
    gp_contract_without_delegation,
    aligned_budget,
    payment_by_results,
    block_exclusive,
    block_threshold,
    continuing_health_care,
)
"""The rules in the order they are tried; :func:`uncertain_spend` decides what none of them does."""


def decide(line: ServiceLine, rules: InclusionRules) -> InclusionDecision:
    """The decision of the first rule in :data:`RULES` that applies, else :func:`uncertain_spend`."""
    for rule in RULES:
        decision = rule(line, rules)
        if decision is not None:
            return decision
    return uncertain_spend(line, rules)


def decide_lines(pool: PoolDefinition) -> tuple[InclusionDecision, ...]:
    """Every service line's decision, in the pool's order."""
    return tuple(decide(line, pool.rules) for line in pool.lines)


# --- the pool table --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolTableRow:
    """A service area's amount in the pool (``None`` when no included line is reported in it: a blank)."""

    area: str
    name: str
    amount: float | None


@dataclass(frozen=True)
class PoolTable:
    """The pool by service area, in the published order, and its total."""

    unit: Unit
    rows: tuple[PoolTableRow, ...]
    total: float


def pool_table(pool: PoolDefinition) -> PoolTable:
    """Sum the included lines by service area: ``amount(area) = Σ pooled amounts of its included lines``."""
    decisions = [decision for decision in decide_lines(pool) if decision.included]
    rows = []
    for area in pool.service_areas:
        amounts = [d.amount or 0.0 for d in decisions if d.line.service_area == area.id]
        rows.append(PoolTableRow(area.id, area.name, math.fsum(amounts) if amounts else None))
    total = math.fsum(row.amount for row in rows if row.amount is not None)
    return PoolTable(pool.unit, tuple(rows), total)


# --- contributions, gross and affordability, and the variance ---------------------------------------------


def qipp_of(pool: PoolDefinition, partner: str, year: str) -> float:
    """The partner's QIPP on the pool in ``year`` (0 when none is given)."""
    return math.fsum(q.by_year.get(year, 0.0) for q in pool.qipp if q.partner == partner)


def contributions_on(pool: PoolDefinition, year: str, basis: Basis = "gross") -> dict[str, float]:
    """Each partner's contribution in ``year``: gross, or ``gross − QIPP`` on the affordability basis."""
    return {
        c.partner: c.by_year.get(year, 0.0)
        - (qipp_of(pool, c.partner, year) if basis == "affordability" else 0)
        for c in pool.contributions
    }


def pool_budget(pool: PoolDefinition, year: str, basis: Basis = "gross") -> float:
    """The pool's budget in ``year``: ``Σ partners' contributions`` that year on ``basis``."""
    return math.fsum(contributions_on(pool, year, basis).values())


def contribution_shares(pool: PoolDefinition, year: str, basis: Basis = "gross") -> dict[str, float]:
    """Each partner's share of the budget in ``year``: ``contribution / Σ contributions``."""
    budget = pool_budget(pool, year, basis)
    if budget <= 0:
        raise ScenarioError([Problem(("contributions",), f"no partner contributes in {year}")])
    return {partner: amount / budget for partner, amount in contributions_on(pool, year, basis).items()}


@dataclass(frozen=True)
class AffordabilityRow:
    """A partner's move from the gross to the affordability basis in a year, £'000."""

    partner: str
    name: str
    gross: float
    qipp: float
    affordability: float
    """``gross − qipp``."""


@dataclass(frozen=True)
class Affordability:
    """The pool's move from the gross to the affordability basis in ``year`` (seed 003 §5.4), partner by
    partner, and the totals."""

    year: str
    rows: tuple[AffordabilityRow, ...]
    gross: float
    qipp: float
    affordability: float


def affordability(pool: PoolDefinition, year: str) -> Affordability:
    """``affordability = gross − QIPP`` for each partner and for the pool."""
    rows = tuple(
        AffordabilityRow(
            c.partner,
            c.name,
            c.by_year.get(year, 0.0),
            qipp_of(pool, c.partner, year),
            c.by_year.get(year, 0.0) - qipp_of(pool, c.partner, year),
        )
        for c in pool.contributions
    )
    gross = math.fsum(row.gross for row in rows)
    qipp = math.fsum(row.qipp for row in rows)
    return Affordability(year, rows, gross, qipp, math.fsum(row.affordability for row in rows))


@dataclass(frozen=True)
class VarianceLine:
    partner: str
    share: float
    amount: float
    """The partner's part of the variance: positive an overspend it funds, negative an underspend it keeps."""


@dataclass(frozen=True)
class PoolVariance:
    """How a year's overspend or underspend against the pool's budget is shared."""

    year: str
    budget: float
    outturn: float
    variance: float
    """``outturn − budget``: positive an overspend, negative an underspend."""
    kind: Literal["overspend", "underspend", "on_budget"]
    lines: tuple[VarianceLine, ...]
    trace: tuple[TraceStep, ...]
    basis: Basis = "gross"


def share_variance(pool: PoolDefinition, year: str, outturn: float, basis: Basis = "gross") -> PoolVariance:
    """Share ``variance = outturn − budget`` (the budget on ``basis``) by the agreed overspend or underspend
    shares (by contributions on that basis when none are agreed): ``partner's part = share × variance``; the
    parts add up to the variance."""
    budget = pool_budget(pool, year, basis)
    variance = outturn - budget
    kind: Literal["overspend", "underspend", "on_budget"] = (
        "overspend" if variance > 0 else "underspend" if variance < 0 else "on_budget"
    )
    agreed = pool.overspend_shares if variance > 0 else pool.underspend_shares
    shares = agreed if agreed is not None else contribution_shares(pool, year, basis)
    share_basis = "agreed" if agreed is not None else "contribution"
    trace = [
        TraceStep("budget", f"pool budget {year} ({basis}): Σ contributions", budget),
        TraceStep("outturn", f"outturn {year}", outturn),
        TraceStep(kind, f"variance: outturn − budget = {outturn:,.3f} − {budget:,.3f}", variance),
    ]
    lines = []
    for partner, amount in split(variance, shares).items():
        share = shares[partner]
        trace.append(TraceStep(f"{share_basis}_share", f"{partner}: {share:.4g} × {variance:,.3f}", amount))
        lines.append(VarianceLine(partner, share, amount))
    return PoolVariance(year, budget, outturn, variance, kind, tuple(lines), tuple(trace), basis)


# --- monthly monitoring ----------------------------------------------------------------------------------


def phasing_of(pool: PoolDefinition) -> tuple[float, ...]:
    """The twelve monthly shares of a year's budget: the pool's ``phasing``, else 1/12 each."""
    return tuple(pool.phasing) if pool.phasing is not None else (1 / 12,) * 12


Spend = Mapping[Month, Mapping[str, float]]
"""The pool's spend by month and service area, £'000."""


@dataclass(frozen=True)
class MonthRow:
    """A month of the year: the plan (the affordability budget phased), the spend, and both to date."""

    month: Month
    plan: float
    actual: float | None
    """``None``: no spend imported for the month, or a month after the one asked about."""
    plan_ytd: float
    actual_ytd: float | None


@dataclass(frozen=True)
class AreaRow:
    """A service area's spend against its gross plan (the pool table's amount, phased), £'000."""

    area: str
    name: str
    plan: float | None
    """The area's amount in the pool table for the pool's year (``None``: blank, or another year)."""
    plan_ytd: float | None
    actual_ytd: float
    forecast: float


@dataclass(frozen=True)
class PoolStatus:
    """A pool as at a month: spend against the budget year to date and forecast, on both bases, and each
    partner's share of the forecast over- or underspend on the affordability basis."""

    pool: PoolDefinition
    month: Month
    year: str
    elapsed: float
    """``Σ phasing[1..m]``: the share of the year's budget planned to be spent by the month."""
    affordability: Affordability
    plan_ytd: float
    """The affordability budget to date."""
    actual_ytd: float
    forecast: float
    variance: PoolVariance
    """The forecast against the affordability budget, shared by the risk-share terms."""
    gross_variance: PoolVariance
    """The forecast against the gross budget (before QIPP), shared the same way."""
    months: tuple[MonthRow, ...]
    areas: tuple[AreaRow, ...]
    missing: tuple[Month, ...]
    """Months up to the month asked about with no spend imported (counted as nothing spent)."""

    @property
    def ytd_variance(self) -> float:
        """``actual YTD − plan YTD``: positive spending ahead of the plan."""
        return self.actual_ytd - self.plan_ytd


def pool_status(pool: PoolDefinition, spend: Spend, month: Month) -> PoolStatus:
    """The pool as at ``month`` (see the module's *Monthly monitoring*); ``spend`` may hold other years."""
    year = month.year
    phasing = phasing_of(pool)
    bridge = affordability(pool, year)
    months = months_of_year(year)
    elapsed = math.fsum(phasing[: month.number])
    rows: list[MonthRow] = []
    plan_to_date = 0.0
    actual_to_date: float | None = 0.0
    for item, share in zip(months, phasing, strict=True):
        plan = bridge.affordability * share
        plan_to_date += plan
        actual = math.fsum(spend[item].values()) if item in spend else None
        if item <= month:
            actual_to_date = (actual_to_date or 0.0) + (actual or 0.0)
            rows.append(MonthRow(item, plan, actual, plan_to_date, actual_to_date))
        else:  # after the month asked about: the plan only
            rows.append(MonthRow(item, plan, None, plan_to_date, None))
    actual_ytd = math.fsum(row.actual or 0.0 for row in rows if row.month <= month)
    forecast = actual_ytd / elapsed if elapsed > 0 else 0.0
    missing = tuple(row.month for row in rows if row.month <= month and row.actual is None)
    return PoolStatus(
        pool=pool,
        month=month,
        year=year,
        elapsed=elapsed,
        affordability=bridge,
        plan_ytd=bridge.affordability * elapsed,
        actual_ytd=actual_ytd,
        forecast=forecast,
        variance=share_variance(pool, year, forecast, "affordability"),
        gross_variance=share_variance(pool, year, forecast, "gross"),
        months=tuple(rows),
        areas=_area_rows(pool, spend, month, elapsed),
        missing=missing,
    )


def _area_rows(pool: PoolDefinition, spend: Spend, month: Month, elapsed: float) -> tuple[AreaRow, ...]:
    table = {row.area: row.amount for row in pool_table(pool).rows} if pool.year == month.year else {}
    rows = []
    for area in pool.service_areas:
        actual = math.fsum(
            amounts.get(area.id, 0.0)
            for when, amounts in spend.items()
            if when.year == month.year and when <= month
        )
        plan = table.get(area.id)
        rows.append(
            AreaRow(
                area.id,
                area.name,
                plan,
                None if plan is None else plan * elapsed,
                actual,
                actual / elapsed if elapsed > 0 else 0.0,
            )
        )
    return tuple(rows)


def in_thousands(pool: PoolDefinition) -> PoolDefinition:
    """The pool with every amount in £'000 (a pool in £m has its amounts × 1,000)."""
    if pool.unit == THOUSANDS:
        return pool
    lines = [
        line.model_copy(
            update={
                "spend": None if line.spend is None else line.spend * 1000,
                "cohort_spend": None if line.cohort_spend is None else line.cohort_spend * 1000,
            }
        )
        for line in pool.lines
    ]
    contributions = [
        c.model_copy(update={"by_year": {y: v * 1000 for y, v in c.by_year.items()}})
        for c in pool.contributions
    ]
    qipp = [q.model_copy(update={"by_year": {y: v * 1000 for y, v in q.by_year.items()}}) for q in pool.qipp]
    return pool.model_copy(
        update={"unit": THOUSANDS, "lines": lines, "contributions": contributions, "qipp": qipp}
    )


# --- checking and loading --------------------------------------------------------------------------------


def pool_problems(pool: PoolDefinition) -> list[Problem]:
    """What a well-formed pool can still get wrong: unknown service areas, repeated ids, a cohort spend above
    the line's spend, an included line with no spend, shares not adding up to 1 or naming no partner."""
    problems = _unique_problems("service_areas", [area.id for area in pool.service_areas])
    problems += _unique_problems("lines", [line.id for line in pool.lines])
    problems += _unique_problems("contributions", [c.partner for c in pool.contributions], "partner")
    problems += _year_problems(pool)
    problems += _size_problems(pool)
    areas = [area.id for area in pool.service_areas]
    for index, decision in enumerate(decide_lines(pool)):
        problems += _line_problems(("lines", index), decision, areas)
    partners = [contribution.partner for contribution in pool.contributions]
    problems += _qipp_problems(pool, partners)
    if pool.phasing is not None:
        problems += _phasing_problems(pool.phasing)
    for name in ("overspend_shares", "underspend_shares"):
        shares = getattr(pool, name)
        if shares is not None:
            problems += _shares_problems((name,), shares, partners)
    return problems


def _qipp_problems(pool: PoolDefinition, partners: Sequence[str]) -> list[Problem]:
    """A QIPP of a partner that does not contribute, in a year it does not, or above its contribution."""
    problems = []
    for index, item in enumerate(pool.qipp):
        path: Path = ("qipp", index)
        if item.partner not in partners:
            hint = did_you_mean(item.partner, partners) or f"; expected one of {', '.join(partners)}"
            problems.append(
                Problem((*path, "partner"), f"'{item.partner}' is not a contributing partner{hint}")
            )
            continue
        gross = next(c for c in pool.contributions if c.partner == item.partner).by_year
        for year, amount in item.by_year.items():
            if amount > gross.get(year, 0.0):
                message = (
                    f"the QIPP {amount:,.6g} is above the partner's contribution in {year} "
                    f"({gross.get(year, 0.0):,.6g}); expected at most its contribution"
                )
                problems.append(Problem((*path, "by_year", year), message))
    return problems


def _phasing_problems(phasing: Sequence[float]) -> list[Problem]:
    """Twelve monthly shares adding up to 1."""
    if len(phasing) != 12:
        return [Problem(("phasing",), f"expected 12 monthly shares (April to March); found {len(phasing)}")]
    total = math.fsum(phasing)
    if abs(total - 1) > 1e-6:
        return [Problem(("phasing",), f"the monthly shares add up to {total:.6g}; they must add up to 1")]
    return []


def _year_problems(pool: PoolDefinition) -> list[Problem]:
    """The pool's year and the years of each contribution, each a financial year (a contribution under a
    misspelt year would count for no year)."""
    labels: list[tuple[Path, str]] = [(("year",), pool.year)]
    labels += [
        (("contributions", index, "by_year", year), year)
        for index, contribution in enumerate(pool.contributions)
        for year in contribution.by_year
    ]
    labels += [
        (("qipp", index, "by_year", year), year) for index, q in enumerate(pool.qipp) for year in q.by_year
    ]
    problems = []
    for path, label in labels:
        try:
            parse_year(label)
        except YearError as error:
            problems.append(Problem(path, str(error)))
    return problems


def _size_problems(pool: PoolDefinition) -> list[Problem]:
    """Every amount of the pool (a line's spend, its cohort's spend, a contribution) within the bound of
    money in :mod:`carebridge.scenario.bounds` (£100bn), in the pool's unit: ``1e300`` is a mistake."""
    scale = 1000.0 if pool.unit == "£m" else 1.0
    words = f"an amount of at most {MAX_MONEY / scale:,.0f} {pool.unit} (£100bn)"
    amounts: list[tuple[Path, float | None]] = []
    for index, line in enumerate(pool.lines):
        amounts.append((("lines", index, "spend"), line.spend))
        amounts.append((("lines", index, "cohort_spend"), line.cohort_spend))
    for index, contribution in enumerate(pool.contributions):
        amounts += [(("contributions", index, "by_year", y), v) for y, v in contribution.by_year.items()]
    for index, item in enumerate(pool.qipp):
        amounts += [(("qipp", index, "by_year", y), v) for y, v in item.by_year.items()]
    return [
        Problem(path, f"expected {words}; found {amount:,.6g}")
        for path, amount in amounts
        if amount is not None and beyond_bound(amount * scale, "money") is not None
    ]


def _unique_problems(section: str, ids: Sequence[str], field: str = "id") -> list[Problem]:
    problems: list[Problem] = []
    for index, item in enumerate(ids):
        if item in ids[:index]:
            problems.append(Problem((section, index, field), f"'{item}' is given twice; expected it once"))
    return problems


def _line_problems(path: Path, decision: InclusionDecision, areas: Sequence[str]) -> list[Problem]:
    line, problems = decision.line, []
    if line.service_area is None and decision.included:
        message = f"the line goes in the pool by the rule '{decision.rule}' but names no service area"
        problems.append(Problem((*path, "service_area"), message))
    elif line.service_area is not None and line.service_area not in areas:
        hint = did_you_mean(line.service_area, areas) or f"; expected one of {', '.join(areas)}"
        message = f"unknown service area '{line.service_area}'{hint}"
        problems.append(Problem((*path, "service_area"), message))
    if line.spend is not None and line.cohort_spend is not None and line.cohort_spend > line.spend:
        message = f"the cohort's spend {line.cohort_spend:g} is above the line's spend {line.spend:g}"
        problems.append(Problem((*path, "cohort_spend"), message))
    if decision.included and decision.amount is None:
        message = (
            f"the line goes in the pool by the rule '{decision.rule}' but gives no spend; expected its spend"
        )
        problems.append(Problem((*path, "spend"), message))
    return problems


def _shares_problems(path: Path, shares: Mapping[str, float], partners: Sequence[str]) -> list[Problem]:
    problems = [
        Problem(
            (*path, partner), f"'{partner}' is not a contributing partner{did_you_mean(partner, partners)}"
        )
        for partner in shares
        if partner not in partners
    ]
    total = math.fsum(shares.values())
    if abs(total - 1) > 1e-9:
        problems.append(Problem(path, f"the shares add up to {total:.6g}; they must add up to 1"))
    return problems


def load_pool(path: str | pathlib.Path) -> PoolDefinition:
    """Read a pool definition (YAML), its amounts in £'000 (:func:`in_thousands`); raise :class:`PoolError`
    listing every problem, located."""
    return in_thousands(load_model(path, PoolDefinition, PoolError, pool_problems)[0])


# --- monthly spend: the rows of a file checked, every bad row located -------------------------------------

SPEND_COLUMNS = ("pool", "month", "service_area", "spend")
SPEND_BOUND = "an amount of at most 100,000,000 £'000 (£100bn)"


@dataclass(frozen=True)
class SpendRow:
    """A checked row of a file of pool spend: a pool's spend on a service area in a month, £'000."""

    row: int
    pool: str
    month: Month
    service_area: str
    spend: float


class PoolSpendError(RowProblemsError):
    """Every problem of a file of pool spend; nothing of it is imported."""

    what = "the pool spend"


def check_pool_spend(
    name: str, lines: Sequence[Sequence[str]], pools: Mapping[str, PoolDefinition]
) -> tuple[SpendRow, ...]:
    """The checked rows of a CSV file's ``lines`` (its cells, header first: ``pool,month,service_area,
    spend``) against the stored ``pools``; :class:`PoolSpendError` listing every problem. A month must be
    in a year the pool has contributions for; a spend is £'000, zero or more; a pool, month and service area
    is given once."""
    if not lines:
        reason = f"the file is empty: it has no header row; expected the header {','.join(SPEND_COLUMNS)}"
        raise PoolSpendError([RowProblem(name, None, None, reason)])
    header = [cell.strip().lower() for cell in lines[0]]
    problems = _spend_header_problems(name, header)
    if problems:
        raise PoolSpendError(problems)
    rows: list[SpendRow] = []
    seen: dict[tuple[str, Month, str], int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            reason = (
                f"the row has {len(cells)} cells and the header {len(header)} ({','.join(header)}); give "
                "every column"
            )
            problems.append(RowProblem(name, number, None, reason))
            continue
        values = dict(zip(header, (cell.strip() for cell in cells), strict=True))
        row = _spend_row(name, number, values, pools, problems)
        if row is None:
            continue
        earlier = seen.setdefault((row.pool, row.month, row.service_area), number)
        if earlier != number:
            reason = f"{row.pool}, {row.service_area} in {row.month} is given again (first in row {earlier})"
            problems.append(RowProblem(name, number, "service_area", reason))
        rows.append(row)
    if not problems and not rows:
        problems.append(
            RowProblem(name, None, None, "the file has a header row and no rows: nothing to import")
        )
    if problems:
        raise PoolSpendError(problems)
    return tuple(rows)


def _spend_header_problems(name: str, header: list[str]) -> list[RowProblem]:
    expected = f"; expected {', '.join(SPEND_COLUMNS)}"
    problems = [
        RowProblem(
            name, 1, column, f"unknown column '{column}'{did_you_mean(column, SPEND_COLUMNS) or expected}"
        )
        for column in header
        if column not in SPEND_COLUMNS
    ]
    problems += [
        RowProblem(name, 1, column, f"the column is missing; the header must be {','.join(SPEND_COLUMNS)}")
        for column in SPEND_COLUMNS
        if column not in header
    ]
    return problems


def _spend_row(
    name: str,
    number: int,
    values: Mapping[str, str],
    pools: Mapping[str, PoolDefinition],
    problems: list[RowProblem],
) -> SpendRow | None:
    """The checked row, or ``None`` when it is bad (its problems added)."""
    found = len(problems)
    code = values["pool"]
    pool = pools.get(code)
    if pool is None:
        hint = did_you_mean(code, pools) or (f"; expected one of {', '.join(pools)}" if pools else "")
        problems.append(RowProblem(name, number, "pool", f"no pool '{code}' in the store{hint}"))
    month: Month | None = None
    try:
        month = Month.parse(values["month"])
    except MonthError as error:
        problems.append(RowProblem(name, number, "month", str(error)))
    if pool is not None and month is not None and pool_budget(pool, month.year) <= 0:
        years = sorted({year for c in pool.contributions for year in c.by_year})
        reason = f"the pool has no contributions in {month.year}; expected a month of {', '.join(years)}"
        problems.append(RowProblem(name, number, "month", reason))
    area = values["service_area"]
    if pool is not None:
        areas = [item.id for item in pool.service_areas]
        if area not in areas:
            hint = did_you_mean(area, areas) or f"; expected one of {', '.join(areas)}"
            problems.append(
                RowProblem(name, number, "service_area", f"the pool has no service area '{area}'{hint}")
            )
    spend = _spend_amount(name, number, values["spend"], problems)
    if len(problems) > found or pool is None or month is None or spend is None:
        return None
    return SpendRow(number, code, month, area, spend)


def _spend_amount(name: str, number: int, text: str, problems: list[RowProblem]) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        found = f"'{text}'" if text else "nothing"
        problems.append(RowProblem(name, number, "spend", f"expected an amount in £'000; found {found}"))
        return None
    if value < 0:
        reason = f"expected a spend of zero or more (£'000); found {text} (a refund is netted off the month)"
        problems.append(RowProblem(name, number, "spend", reason))
        return None
    beyond = beyond_bound(value, "money", SPEND_BOUND)
    if beyond is not None:
        problems.append(RowProblem(name, number, "spend", beyond))
        return None
    return value
