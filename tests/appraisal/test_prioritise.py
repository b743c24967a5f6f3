"""Choosing what to fund: weighted scores, overrides, the greedy rules and the exact optimum."""

from __future__ import annotations

import itertools
from typing import Any

import hypothesis.strategies as st
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings

from carebridge.engine.prioritise import (
    Portfolio,
    best_combination,
    check_portfolio,
    greedy_fill,
    select,
    weighted_score,
    weighted_scores,
)

pytestmark = pytest.mark.unit
FloatArray = npt.NDArray[np.float64]


def portfolio(
    candidates: list[dict[str, Any]], envelope: dict[str, float] | None = None, **extra: Any
) -> Portfolio:
    data = {"name": "test", "envelope": envelope or {"2020/21": 100.0}, "candidates": candidates, **extra}
    return Portfolio.model_validate(data, strict=True)


def candidate(
    id: str, investment: float | dict[str, float], score: float | None = None, **extra: Any
) -> dict[str, Any]:
    return {"id": id, "name": id.capitalize(), "investment": investment, "score": score, **extra}


def brute_force(values: FloatArray, costs: FloatArray, capacity: FloatArray) -> float:
    """The best total value by trying every subset (2^n)."""
    subsets = np.array(list(itertools.product([0.0, 1.0], repeat=len(values)))).reshape(-1, len(values))
    feasible = np.all(subsets @ costs <= capacity + 1e-9, axis=1)
    return float(np.max(subsets[feasible] @ values))


def test_weighted_score_by_hand() -> None:
    # weights 2 and 1, scores 5 and 2 out of 5: (2×5 + 1×2) / (5 × 3) = 0.8
    assert weighted_score(np.array([[5.0, 2.0]]), np.array([2.0, 1.0]), 5.0)[0] == pytest.approx(0.8)
    criteria = [
        {"id": "access", "name": "Access", "weight": 2.0},
        {"id": "quality", "name": "Quality", "weight": 1.0},
    ]
    chosen = portfolio(
        [
            {"id": "a", "name": "A", "investment": 10.0, "scores": {"access": 5.0, "quality": 2.0}},
            candidate("b", 10.0, 276.4, scale="points"),
            candidate("c", 10.0, override="must_do"),
        ],
        criteria=criteria,
        scales={"points": {"maximum": 600.0}},
    )
    scores = weighted_scores(chosen)
    assert scores[:2] == pytest.approx([0.8, 276.4 / 600])
    assert np.isnan(scores[2])


def test_overrides_are_funded_first_in_order_even_over_the_envelope() -> None:
    chosen = select(
        portfolio(
            [
                candidate("high", 10.0, 0.9),
                candidate("saver", 40.0, 0.1, override="invest_to_save"),
                candidate("contract", 30.0, override="contractual"),
                candidate("national", 50.0, 0.2, override="must_do"),
            ]
        )
    )
    assert [d.id for d in chosen.funded] == ["national", "contract", "saver"]
    assert chosen.funded[0].reason == "must-do: funded whatever its score"
    assert [d.id for d in chosen.excluded] == ["high"]
    assert chosen.excluded[0].reason == (
        "over envelope: needs 10 in 2020/21; 0 left after those ranked above (ranked 1 by weighted score)"
    )
    assert chosen.overdrawn == ["2020/21"]
    assert chosen.left == (-20.0,)


def test_threshold_excludes_with_its_reason() -> None:
    chosen = select(portfolio([candidate("a", 10.0, 0.6), candidate("b", 10.0, 0.3)], threshold=0.5))
    assert [d.id for d in chosen.funded] == ["a"]
    assert chosen.excluded[0].reason == "below threshold: weighted score 30.0% is under 50.0%"


def test_score_and_score_per_pound_rank_differently() -> None:
    # envelope 100: by score, big (0.9, 80) then small1 (0.5, 20); by score per pound the two small ones
    # (0.5/20 = 0.025 and 0.4/20 = 0.02) come before big (0.9/80 = 0.011), and big no longer fits.
    candidates = [candidate("big", 80.0, 0.9), candidate("small1", 20.0, 0.5), candidate("small2", 20.0, 0.4)]
    by_score = select(portfolio(candidates), "score")
    per_pound = select(portfolio(candidates), "score-per-pound")
    optimal = select(portfolio(candidates), "optimal")
    assert [d.id for d in by_score.funded] == ["big", "small1"]
    assert [d.id for d in per_pound.funded] == ["small1", "small2"]
    assert [d.id for d in optimal.funded] == ["big", "small1"]
    assert per_pound.excluded[0].reason == (
        "over envelope: needs 80 in 2020/21; 60 left after those ranked above "
        "(ranked 3 by weighted score per pound)"
    )


def test_optimal_beats_greedy_when_the_greedy_rule_blocks_itself() -> None:
    # by score: a (0.9, 60) first, then neither b nor c (50 each) fits: 0.9. Best: b + c = 1.6.
    candidates = [candidate("a", 60.0, 0.9), candidate("b", 50.0, 0.8), candidate("c", 50.0, 0.8)]
    assert [d.id for d in select(portfolio(candidates), "score").funded] == ["a"]
    optimal = select(portfolio(candidates), "optimal")
    assert sorted(d.id for d in optimal.funded) == ["b", "c"]
    assert optimal.excluded[0].reason == (
        "over envelope: it would displace candidates of more value; needs 60 in 2020/21; "
        "0 left beside the best combination"
    )


def test_several_yearly_envelopes_bind_together() -> None:
    envelope = {"2020/21": 100.0, "2021/22": 50.0}
    candidates = [
        candidate("a", {"2020/21": 60.0, "2021/22": 40.0}, 0.9),
        candidate("b", {"2020/21": 30.0, "2021/22": 20.0}, 0.5),
        candidate("c", 10.0, 0.4),
    ]
    chosen = select(portfolio(candidates, envelope), "score")
    assert [d.id for d in chosen.funded] == ["a", "c"]
    assert chosen.excluded[0].reason.startswith("over envelope: needs 20 in 2021/22; 10 left")
    assert chosen.spent == (70.0, 50.0)


def test_npv_objective_ranks_by_npv_and_drops_negative_npv() -> None:
    candidates = [
        candidate("a", 50.0, 0.9, npv=10.0),
        candidate("b", 50.0, 0.1, npv=300.0),
        candidate("c", 10.0, 0.8, npv=-5.0),
    ]
    chosen = select(portfolio(candidates), "optimal", "npv")
    assert sorted(d.id for d in chosen.funded) == ["a", "b"]
    assert chosen.excluded[0].reason == "NPV not positive (-5)"
    with pytest.raises(ValueError, match="needs an npv for every candidate; none for a"):
        select(portfolio([candidate("a", 5.0, 0.5)]), "optimal", "npv")


def test_greedy_fill_records_what_was_left_at_each_turn() -> None:
    funded, left = greedy_fill([1, 0], np.array([[30.0], [80.0]]), np.array([100.0]))
    assert funded.tolist() == [False, True]
    assert left[:, 0].tolist() == [20.0, 100.0]


def test_check_portfolio_reports_every_problem() -> None:
    chosen = portfolio(
        [
            candidate("a", {"2020/21": -1.0, "2021/22": 5.0}, 1.5),
            {"id": "a", "name": "B", "investment": 1.0, "scores": {"acess": 3.0}, "addresses": ["quality"]},
            {"id": "c", "name": "C", "investment": 1.0},
            candidate("d", 1.0, 0.5, scale="point"),
        ],
        {"2020/21": 100.0, "2020/2021": 5.0},
        criteria=[{"id": "access", "name": "Access"}],
        scales={"points": {"maximum": 600.0}},
    )
    assert [str(p) for p in check_portfolio(chosen)] == [
        "candidates[1].id: id 'a' is used twice (first at candidates[0]); ids must be unique",
        "envelope.2020/2021: '2020/2021' is not a financial year; expected YYYY/YY, like '2017/18'",
        "candidates[0].investment.2020/21: expected at least 0; found -1",
        "candidates[0].investment.2021/22: '2021/22' is not a year of the envelope (2020/21, 2020/2021); "
        "did you mean '2020/21'?",
        "candidates[0].score: expected a score from 0 to 1 (the maximum of scale 'fraction'); found 1.5",
        "candidates[1].addresses[0]: no criterion 'quality'; expected one of access",
        "candidates[1].scores.acess: no criterion 'acess'; did you mean 'access'?",
        "candidates[1].scores: no score for access; expected one for every criterion",
        "candidates[2]: no scores, score or override; expected scores by criterion, a published score or an "
        "override",
        "candidates[3].scale: no scale 'point'; did you mean 'points'?; expected one of fraction, points",
        "criteria[0]: no weight; every criterion needs one when candidates are scored by criterion",
    ]


# ---- the exact optimum against brute force ---------------------------------------------------------------


@st.composite
def knapsacks(draw: st.DrawFn) -> tuple[FloatArray, FloatArray, FloatArray]:
    count = draw(st.integers(1, 12))
    years = draw(st.integers(1, 3))
    values = (
        np.array(draw(st.lists(st.integers(0, 1000), min_size=count, max_size=count)), dtype=float) / 1000
    )
    cells = draw(st.lists(st.integers(0, 100), min_size=count * years, max_size=count * years))
    costs = np.array(cells, dtype=float).reshape(count, years)
    capacity = np.array(draw(st.lists(st.integers(0, 400), min_size=years, max_size=years)), dtype=float)
    return values, costs, capacity


@pytest.mark.property
@settings(max_examples=80, deadline=None)
@given(knapsacks())
def test_best_combination_equals_brute_force(problem: tuple[FloatArray, FloatArray, FloatArray]) -> None:
    values, costs, capacity = problem
    chosen = best_combination(values, costs, capacity)
    assert np.all(costs[chosen].sum(axis=0) <= capacity + 1e-9)
    assert float(values[chosen].sum()) == pytest.approx(brute_force(values, costs, capacity), abs=1e-9)


@pytest.mark.property
@settings(max_examples=40, deadline=None)
@given(knapsacks())
def test_optimal_selection_is_never_worse_than_the_greedy_rules(
    problem: tuple[FloatArray, FloatArray, FloatArray],
) -> None:
    values, costs, capacity = problem
    years = [f"{2020 + y}/{21 + y}" for y in range(costs.shape[1])]
    candidates = [
        candidate(f"c{i}", dict(zip(years, map(float, costs[i]), strict=True)), float(values[i]))
        for i in range(len(values))
    ]
    chosen = portfolio(candidates, dict(zip(years, map(float, capacity), strict=True)))
    totals = {
        method: sum(d.value or 0.0 for d in select(chosen, method).funded)
        for method in ("score", "score-per-pound", "optimal")
    }
    assert totals["optimal"] >= max(totals["score"], totals["score-per-pound"]) - 1e-9


def test_sixty_candidates_fit_the_envelope_and_beat_the_greedy_rule() -> None:
    """Sixty candidates (2^60 combinations, beyond enumeration); the solver's speed on them is measured by
    ``benchmarks/prioritise.py``, not here."""
    generator = np.random.default_rng(7)
    values = generator.uniform(0.2, 0.9, 60)
    costs = generator.integers(10, 500, (60, 3)).astype(float)
    capacity = costs.sum(axis=0) / 3
    chosen = best_combination(values, costs, capacity)
    assert np.all(costs[chosen].sum(axis=0) <= capacity + 1e-9)
    order = np.argsort(-values / costs.sum(axis=1))
    greedy, _ = greedy_fill(list(order), costs, capacity)
    assert values[chosen].sum() >= values[greedy].sum() - 1e-9
