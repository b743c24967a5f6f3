"""Choosing what to fund: weighted scores, overrides, and selection within an investment envelope per year.

The method of the Stockport PCT Strategic Plan 2007/08–2009/10 (section 5.2, Figures 9 and 10): criteria
(the PCT's priorities) carry weights; each candidate intervention is scored against each criterion; the
**weighted score** of candidate ``i`` is ``S_i = Σ_c w_c s_ic / (M Σ_c w_c)``, a fraction of the best
possible, for criterion weights ``w_c``, scores ``s_ic`` in ``[0, M]``. A candidate may give a score already
weighted (as the plan publishes them) on a named scale instead: ``S_i = score_i / maximum of its scale``.

**Overrides** are funded whatever their score, before the envelope is shared, in this order: must-do
(national targets and statutory duties), contractual commitment, invest to save (plan section 5.2.4). The
rest are funded from what the overrides leave of the **envelope** ``E_y`` in each year ``y``, by one of:

- ``score`` — in order of weighted score, highest first, each funded if it fits what is left in every year
  (greedy; the plan's "ranking of investments", section 5.2.3);
- ``score-per-pound`` — the same greedy rule in order of value per pound, ``v_i / Σ_y c_iy``;
- ``optimal`` — the combination of greatest total value ``Σ_i v_i x_i`` with ``Σ_i c_iy x_i ≤ E'_y`` in
  every year, ``x_i ∈ {0, 1}``: a 0/1 knapsack with one constraint per year, solved exactly
  (:func:`best_combination`).

The value ``v_i`` is the weighted score, or the candidate's NPV when the objective is ``npv``. Candidates
below the threshold, or with an NPV that is not positive under the ``npv`` objective, are excluded first.
Every excluded candidate carries its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from carebridge.scenario.errors import Problem, did_you_mean
from carebridge.scenario.years import YearError, parse_year

Override = Literal["must_do", "contractual", "invest_to_save"]
OVERRIDES: tuple[Override, ...] = ("must_do", "contractual", "invest_to_save")
OVERRIDE_NAMES: dict[Override, str] = {
    "must_do": "must-do",
    "contractual": "contractual commitment",
    "invest_to_save": "invest to save",
}
Method = Literal["score", "score-per-pound", "optimal"]
METHODS: tuple[Method, ...] = ("score", "score-per-pound", "optimal")
Objective = Literal["score", "npv"]
FRACTION = "fraction"
"""The default scale of a published score: a fraction, 0 to 1 (a percentage written 0.62)."""
TOLERANCE = 1e-9
"""£'000: a candidate fits if its cost is at most what is left plus this."""

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Criterion(_Model):
    """A priority candidates are scored against, with its weight."""

    id: str
    name: str
    weight: float | None = Field(
        None, gt=0, description="Relative weight (weights need not sum to 1); needed to weight scores."
    )
    description: str = ""


class ScoreScale(_Model):
    """A scale published scores are written on."""

    maximum: float = Field(gt=0, description="The best possible score on the scale.")
    description: str = ""


class Candidate(_Model):
    """A scheme or intervention asking for funding."""

    id: str
    name: str
    group: str | None = None
    investment: float | dict[str, float] = Field(
        description="£'000 by year of the envelope; a number is the same in every year, a map gives 0 in "
        "the years it omits."
    )
    scores: dict[str, float] | None = Field(None, description="Score by criterion id, 0 to the maximum.")
    score: float | None = Field(None, description="A weighted score already computed, on `scale`.")
    scale: str = Field(FRACTION, description="The scale of `score` (one of `scales`, or 'fraction').")
    override: Override | None = Field(None, description="must_do, contractual or invest_to_save.")
    addresses: list[str] = Field(
        default_factory=list, description="Criteria it delivers on (for the record)."
    )
    npv: float | None = Field(None, description="Net present value, £'000, for the npv objective.")
    published: Literal["funded", "excluded"] | None = Field(
        None, description="What the source decided, to compare with."
    )
    note: str = ""


class Portfolio(_Model):
    """Candidates, criteria and the envelope (the ``candidates.yaml`` file)."""

    name: str
    description: str = ""
    source: str = ""
    envelope: dict[str, float] = Field(description="£'000 available by year, e.g. {2007/08: 13906}.")
    criteria: list[Criterion] = Field(default_factory=list)
    criterion_maximum: float = Field(5.0, gt=0, description="The best score against one criterion.")
    scales: dict[str, ScoreScale] = Field(default_factory=dict)
    threshold: float | None = Field(
        None, ge=0, le=1, description="Lowest weighted score (a fraction) a candidate may be funded with."
    )
    candidates: list[Candidate]

    @property
    def years(self) -> list[str]:
        return list(self.envelope)


def check_portfolio(portfolio: Portfolio) -> list[Problem]:
    """Problems of meaning in a portfolio: ids repeated, years not financial years or not in the envelope,
    amounts negative, scores for unknown criteria or out of range, a candidate with no way to score it."""
    problems = _duplicates([c.id for c in portfolio.criteria], "criteria")
    problems += _duplicates([c.id for c in portfolio.candidates], "candidates")
    for year, amount in portfolio.envelope.items():
        problems += _year_problems(year, ("envelope", year))
        if amount < 0:
            problems.append(
                Problem(("envelope", year), f"expected an amount of at least 0; found {amount:g}")
            )
    for index, candidate in enumerate(portfolio.candidates):
        problems += _candidate_problems(portfolio, candidate, ("candidates", index))
    if any(candidate.scores is not None for candidate in portfolio.candidates):
        for index, criterion in enumerate(portfolio.criteria):
            if criterion.weight is None:
                message = "no weight; every criterion needs one when candidates are scored by criterion"
                problems.append(Problem(("criteria", index), message))
    return problems


def _duplicates(ids: Sequence[str], section: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, name in enumerate(ids):
        if name in seen:
            message = f"id '{name}' is used twice (first at {section}[{seen[name]}]); ids must be unique"
            problems.append(Problem((section, index, "id"), message))
        seen.setdefault(name, index)
    return problems


def _year_problems(year: str, path: tuple[str | int, ...]) -> list[Problem]:
    try:
        parse_year(year)
    except YearError as error:
        return [Problem(path, str(error))]
    return []


def _candidate_problems(
    portfolio: Portfolio, candidate: Candidate, path: tuple[str | int, ...]
) -> list[Problem]:
    problems = []
    years = portfolio.years
    amounts = candidate.investment if isinstance(candidate.investment, dict) else {}
    for year, amount in amounts.items():
        if year not in years:
            message = (
                f"'{year}' is not a year of the envelope ({', '.join(years)}){did_you_mean(year, years)}"
            )
            problems.append(Problem((*path, "investment", year), message))
        elif amount < 0:
            problems.append(Problem((*path, "investment", year), f"expected at least 0; found {amount:g}"))
    if isinstance(candidate.investment, float | int) and candidate.investment < 0:
        problems.append(
            Problem((*path, "investment"), f"expected at least 0; found {candidate.investment:g}")
        )
    if candidate.scores is not None and candidate.score is not None:
        message = "give either scores by criterion or one published score, not both"
        problems.append(Problem((*path, "score"), message))
    elif candidate.scores is None and candidate.score is None and candidate.override is None:
        message = (
            "no scores, score or override; expected scores by criterion, a published score or an override"
        )
        problems.append(Problem(path, message))
    criteria = [criterion.id for criterion in portfolio.criteria]
    for position, name in enumerate(candidate.addresses):
        if name not in criteria:
            hint = did_you_mean(name, criteria) or f"; expected one of {', '.join(criteria) or 'no criteria'}"
            problems.append(Problem((*path, "addresses", position), f"no criterion '{name}'{hint}"))
    if candidate.scores is not None:
        problems += _criterion_score_problems(portfolio, candidate.scores, (*path, "scores"))
    if candidate.score is not None:
        problems += _score_problems(portfolio, candidate, path)
    return problems


def _criterion_score_problems(
    portfolio: Portfolio, scores: dict[str, float], path: tuple[str | int, ...]
) -> list[Problem]:
    criteria = [criterion.id for criterion in portfolio.criteria]
    top = portfolio.criterion_maximum
    problems = []
    for name, value in scores.items():
        if name not in criteria:
            hint = did_you_mean(name, criteria) or f"; expected one of {', '.join(criteria) or 'no criteria'}"
            problems.append(Problem((*path, name), f"no criterion '{name}'{hint}"))
        elif not 0 <= value <= top:
            problems.append(Problem((*path, name), f"expected a score from 0 to {top:g}; found {value:g}"))
    missing = [name for name in criteria if name not in scores]
    if missing:
        problems.append(Problem(path, f"no score for {', '.join(missing)}; expected one for every criterion"))
    return problems


def _score_problems(portfolio: Portfolio, candidate: Candidate, path: tuple[str | int, ...]) -> list[Problem]:
    scales = [FRACTION, *portfolio.scales]
    if candidate.scale not in scales:
        message = f"no scale '{candidate.scale}'{did_you_mean(candidate.scale, scales)}; expected one of "
        return [Problem((*path, "scale"), message + ", ".join(scales))]
    top = scale_maximum(portfolio, candidate.scale)
    score = candidate.score if candidate.score is not None else 0.0
    if not 0 <= score <= top:
        message = (
            f"expected a score from 0 to {top:g} (the maximum of scale '{candidate.scale}'); found {score:g}"
        )
        return [Problem((*path, "score"), message)]
    return []


def scale_maximum(portfolio: Portfolio, scale: str) -> float:
    return 1.0 if scale == FRACTION else portfolio.scales[scale].maximum


# ---- scores and costs -------------------------------------------------------------------------------------


def weighted_score(scores: FloatArray, weights: FloatArray, maximum: float) -> FloatArray:
    """``S_i = Σ_c w_c s_ic / (M Σ_c w_c)`` for scores ``s`` (candidate, criterion) in ``[0, M]``: a
    fraction, 1 for a candidate with the best score against every criterion."""
    return np.asarray(scores @ weights / (maximum * weights.sum()), dtype=np.float64)


def weighted_scores(portfolio: Portfolio) -> FloatArray:
    """Each candidate's weighted score, a fraction; NaN for an override given no score."""
    weights = np.array([criterion.weight or 0.0 for criterion in portfolio.criteria], dtype=np.float64)
    result = np.full(len(portfolio.candidates), np.nan)
    for index, candidate in enumerate(portfolio.candidates):
        if candidate.scores is not None:
            row = np.array([[candidate.scores[c.id] for c in portfolio.criteria]], dtype=np.float64)
            result[index] = weighted_score(row, weights, portfolio.criterion_maximum)[0]
        elif candidate.score is not None:
            result[index] = candidate.score / scale_maximum(portfolio, candidate.scale)
    return result


def investment_matrix(portfolio: Portfolio) -> FloatArray:
    """``c_iy``, £'000, (candidate, year of the envelope)."""
    years = portfolio.years
    rows = []
    for candidate in portfolio.candidates:
        amount = candidate.investment
        rows.append(
            [amount.get(y, 0.0) for y in years] if isinstance(amount, dict) else [amount] * len(years)
        )
    return np.array(rows, dtype=np.float64).reshape(len(portfolio.candidates), len(years))


# ---- the selection rules on arrays ------------------------------------------------------------------------


def greedy_fill(
    order: Sequence[int], costs: FloatArray, capacity: FloatArray
) -> tuple[BoolArray, FloatArray]:
    """Fund candidates in ``order``, each if its cost fits what is left in every year, ``c_iy ≤ L_y``, then
    ``L_y ← L_y − c_iy``. Returns the funded mask and, for each candidate, what was left when its turn
    came (candidate, year)."""
    left = np.maximum(capacity.astype(np.float64), 0.0)
    funded = np.zeros(costs.shape[0], dtype=bool)
    left_at_turn = np.zeros_like(costs)
    for index in order:
        left_at_turn[index] = left
        if np.all(costs[index] <= left + TOLERANCE):
            funded[index] = True
            left = left - costs[index]
    return funded, left_at_turn


def best_combination(values: FloatArray, costs: FloatArray, capacity: FloatArray) -> BoolArray:
    """The exact optimum of ``max Σ_i v_i x_i`` subject to ``Σ_i c_iy x_i ≤ E_y`` for every year ``y``,
    ``x_i ∈ {0, 1}`` — a 0/1 knapsack with one constraint per year.

    Why a MILP solver: with several yearly constraints and costs in pounds, dynamic programming over
    capacity is impractical and greedy rules are not exact; enumeration is ``2^n`` (``10^18`` for 60
    candidates). HiGHS (through :func:`scipy.optimize.milp`) solves the problem by branch and bound with
    LP bounds and proves optimality: with the relative gap set to 0 the answer is exact, up to HiGHS's
    feasibility tolerance (1e-6 in the units of the envelope), and 60 candidates take milliseconds.
    Candidates of value ≤ 0 are never chosen. Negative capacity is treated as 0.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    count = len(values)
    chosen = np.zeros(count, dtype=bool)
    useful = values > 0
    if not useful.any():
        return chosen
    matrix = costs[useful].T
    limit = np.maximum(capacity.astype(np.float64), 0.0)
    constraints = [LinearConstraint(matrix, -np.inf, limit)] if matrix.size else []
    solved = milp(
        c=-values[useful],
        constraints=constraints,
        integrality=np.ones(int(useful.sum())),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    if not solved.success or solved.x is None:
        raise RuntimeError(f"the MILP solver did not prove an optimum: {solved.message}")
    chosen[np.flatnonzero(useful)] = np.round(solved.x) == 1
    if np.any(costs[chosen].sum(axis=0) > limit + 1e-6 * np.maximum(1.0, limit)):
        raise RuntimeError("the MILP solver returned a combination over the envelope")
    return chosen


# ---- the selection of a portfolio -------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """One candidate's outcome."""

    id: str
    name: str
    funded: bool
    reason: str
    weighted_score: float | None
    value: float | None
    """The value ranked or maximised: the weighted score or the NPV (None when the candidate has none)."""
    cost: tuple[float, ...]
    """£'000 by year of the envelope."""
    published: str | None


@dataclass(frozen=True)
class Selection:
    """The funded and the excluded, with the envelope and what is left of it."""

    method: Method
    objective: Objective
    years: list[str]
    envelope: tuple[float, ...]
    funded: list[Decision]
    """Overrides first (in override order), then the rest in the order the method funded them."""
    excluded: list[Decision]
    """In order of value, highest first."""

    @property
    def spent(self) -> tuple[float, ...]:
        return tuple(float(sum(d.cost[y] for d in self.funded)) for y in range(len(self.years)))

    @property
    def left(self) -> tuple[float, ...]:
        return tuple(e - s for e, s in zip(self.envelope, self.spent, strict=True))

    @property
    def overdrawn(self) -> list[str]:
        """Years in which the overrides alone take more than the envelope."""
        return [year for year, left in zip(self.years, self.left, strict=True) if left < -TOLERANCE]


def select(portfolio: Portfolio, method: Method = "score", objective: Objective = "score") -> Selection:
    """Choose what to fund (see the module docstring for the rules and their order). Raises ``ValueError``
    when the objective is ``npv`` and a candidate that is not an override has no ``npv``."""
    candidates = portfolio.candidates
    scores = weighted_scores(portfolio)
    costs = investment_matrix(portfolio)
    capacity = np.array(list(portfolio.envelope.values()), dtype=np.float64)
    values = _values(portfolio, scores, objective)

    def decision(index: int, funded: bool, reason: str) -> Decision:
        candidate = candidates[index]
        score = None if np.isnan(scores[index]) else float(scores[index])
        value = None if np.isnan(values[index]) else float(values[index])
        cost = tuple(float(c) for c in costs[index])
        return Decision(candidate.id, candidate.name, funded, reason, score, value, cost, candidate.published)

    overrides = sorted(
        (i for i, c in enumerate(candidates) if c.override is not None),
        key=lambda i: OVERRIDES.index(candidates[i].override or "must_do"),
    )
    funded = [decision(i, True, _override_reason(candidates[i])) for i in overrides]
    left = capacity - costs[overrides].sum(axis=0)
    excluded: list[Decision] = []
    open_: list[int] = []
    for index, candidate in enumerate(candidates):
        if candidate.override is not None:
            continue
        reason = _screened_out(portfolio, float(scores[index]), float(values[index]), objective)
        if reason:
            excluded.append(decision(index, False, reason))
        else:
            open_.append(index)
    chosen, reasons = _choose(method, objective, open_, values, costs, left, portfolio.years)
    funded += [decision(i, True, reasons[i]) for i in chosen]
    excluded += [decision(i, False, reasons[i]) for i in open_ if i not in chosen]
    excluded.sort(key=lambda d: -(d.value if d.value is not None else -np.inf))
    return Selection(method, objective, portfolio.years, tuple(capacity.tolist()), funded, excluded)


def _override_reason(candidate: Candidate) -> str:
    kind = candidate.override or "must_do"
    return f"{OVERRIDE_NAMES[kind]}: funded whatever its score"


def _values(portfolio: Portfolio, scores: FloatArray, objective: Objective) -> FloatArray:
    if objective == "score":
        return scores
    missing = [c.id for c in portfolio.candidates if c.npv is None and c.override is None]
    if missing:
        raise ValueError(f"the npv objective needs an npv for every candidate; none for {', '.join(missing)}")
    return np.array([np.nan if c.npv is None else c.npv for c in portfolio.candidates], dtype=np.float64)


def _screened_out(portfolio: Portfolio, score: float, value: float, objective: Objective) -> str:
    threshold = portfolio.threshold
    if threshold is not None and score < threshold - TOLERANCE:
        return f"below threshold: weighted score {score:.1%} is under {threshold:.1%}"
    if objective == "npv" and value <= 0:
        return f"NPV not positive ({value:,.0f})"
    return ""


def _choose(
    method: Method,
    objective: Objective,
    open_: list[int],
    values: FloatArray,
    costs: FloatArray,
    left: FloatArray,
    years: list[str],
) -> tuple[list[int], dict[int, str]]:
    """The candidates ``method`` funds from ``open_`` within ``left``, in funding order, and a reason for
    every candidate of ``open_``."""
    if method == "optimal":
        return _choose_optimal(open_, values, costs, left, years)
    order = sorted(open_, key=lambda i: -_ranking_key(method, float(values[i]), costs[i]))
    picked, left_at_turn = greedy_fill(order, costs, left)
    value = "weighted score" if objective == "score" else "NPV"
    basis = value if method == "score" else f"{value} per pound"
    reasons: dict[int, str] = {}
    for rank, index in enumerate(order, start=1):
        if picked[index]:
            reasons[index] = f"ranked {rank} by {basis}; fits the envelope"
        else:
            shortfall = _shortfall(costs[index], left_at_turn[index], years, "after those ranked above")
            reasons[index] = f"over envelope: {shortfall} (ranked {rank} by {basis})"
    return [i for i in order if picked[i]], reasons


def _choose_optimal(
    open_: list[int], values: FloatArray, costs: FloatArray, left: FloatArray, years: list[str]
) -> tuple[list[int], dict[int, str]]:
    """:func:`best_combination` of ``open_``, funded in order of value, with a reason for each candidate."""
    available = np.maximum(left, 0.0)
    picked = best_combination(values[open_], costs[open_], available)
    chosen = sorted((i for i, take in zip(open_, picked, strict=True) if take), key=lambda i: -values[i])
    spare = available - costs[chosen].sum(axis=0)
    reasons: dict[int, str] = {}
    for index in open_:
        if index in chosen:
            reasons[index] = "in the combination of greatest value that fits the envelope"
        elif not np.all(costs[index] <= available + TOLERANCE):
            reasons[index] = "over envelope: " + _shortfall(
                costs[index], available, years, "after the overrides"
            )
        elif not np.all(costs[index] <= spare + TOLERANCE):
            shortfall = _shortfall(costs[index], spare, years, "beside the best combination")
            reasons[index] = f"over envelope: it would displace candidates of more value; {shortfall}"
        else:
            reasons[index] = "adds no value (value 0)"
    return chosen, reasons


def _ranking_key(method: Method, value: float, cost: FloatArray) -> float:
    if method == "score":
        return value
    total = float(cost.sum())
    return value / total if total > 0 else np.inf


def _shortfall(cost: FloatArray, left: FloatArray, years: list[str], when: str) -> str:
    """``needs 540 in 2007/08; 120 left after …`` for the first year it does not fit."""
    year = int(np.argmax(cost > left + TOLERANCE))
    return f"needs {cost[year]:,.0f} in {years[year]}; {max(left[year], 0.0):,.0f} left {when}"
