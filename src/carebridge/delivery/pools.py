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
(a block contract is not split). The pool's money is in the unit it declares (the seed's tables are in £m).

An overspend (outturn above the pool's budget, the partners' contributions for the year) or an underspend is
shared by the agreed shares; when none are agreed, in proportion to the partners' contributions that year.
"""

from __future__ import annotations

import math
import pathlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

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


class Cohort(Model):
    id: str
    name: str


class PoolDefinition(Model):
    """A pooled budget for a cohort: its service lines, the rules that decide them, and the contributions."""

    name: str
    source: str | None = None
    unit: Unit = "£m"
    year: str = Field(description="The year the table is for, e.g. `2016/17`.")
    cohort: Cohort
    rules: InclusionRules = Field(default_factory=InclusionRules)
    service_areas: list[ServiceArea]
    lines: list[ServiceLine]
    contributions: list[Contribution] = Field(default_factory=list)
    overspend_shares: dict[str, Fraction] | None = Field(None, description="Default: by contributions.")
    underspend_shares: dict[str, Fraction] | None = Field(None, description="Default: by contributions.")


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


# --- contributions and the variance ----------------------------------------------------------------------


def pool_budget(pool: PoolDefinition, year: str) -> float:
    """The pool's budget in ``year``: ``Σ partners' contributions`` that year."""
    return math.fsum(contribution.by_year.get(year, 0.0) for contribution in pool.contributions)


def contribution_shares(pool: PoolDefinition, year: str) -> dict[str, float]:
    """Each partner's share of the budget in ``year``: ``contribution / Σ contributions``."""
    budget = pool_budget(pool, year)
    if budget <= 0:
        raise ScenarioError([Problem(("contributions",), f"no partner contributes in {year}")])
    return {c.partner: c.by_year.get(year, 0.0) / budget for c in pool.contributions}


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


def share_variance(pool: PoolDefinition, year: str, outturn: float) -> PoolVariance:
    """Share ``variance = outturn − budget`` by the agreed overspend or underspend shares (by contributions
    when none are agreed): ``partner's part = share × variance``; the parts add up to the variance."""
    budget = pool_budget(pool, year)
    variance = outturn - budget
    kind: Literal["overspend", "underspend", "on_budget"] = (
        "overspend" if variance > 0 else "underspend" if variance < 0 else "on_budget"
    )
    agreed = pool.overspend_shares if variance > 0 else pool.underspend_shares
    shares = agreed if agreed is not None else contribution_shares(pool, year)
    basis = "agreed" if agreed is not None else "contribution"
    trace = [
        TraceStep("budget", f"pool budget {year}: Σ contributions", budget),
        TraceStep("outturn", f"outturn {year}", outturn),
        TraceStep(kind, f"variance: outturn − budget = {outturn:,.3f} − {budget:,.3f}", variance),
    ]
    lines = []
    for partner, amount in split(variance, shares).items():
        share = shares[partner]
        trace.append(TraceStep(f"{basis}_share", f"{partner}: {share:.4g} × {variance:,.3f}", amount))
        lines.append(VarianceLine(partner, share, amount))
    return PoolVariance(year, budget, outturn, variance, kind, tuple(lines), tuple(trace))


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
    for name in ("overspend_shares", "underspend_shares"):
        shares = getattr(pool, name)
        if shares is not None:
            problems += _shares_problems((name,), shares, partners)
    return problems


def _year_problems(pool: PoolDefinition) -> list[Problem]:
    """The pool's year and the years of each contribution, each a financial year (a contribution under a
    misspelt year would count for no year)."""
    labels: list[tuple[Path, str]] = [(("year",), pool.year)]
    labels += [
        (("contributions", index, "by_year", year), year)
        for index, contribution in enumerate(pool.contributions)
        for year in contribution.by_year
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
    """Read a pool definition (YAML); raise :class:`PoolError` listing every problem, located."""
    return load_model(path, PoolDefinition, PoolError, pool_problems)[0]
