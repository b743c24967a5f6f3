"""The Stockport PCT plan's 2007/08 investment decisions (seed 001, Figures 9 and 10), reproduced.

What the published data allow is stated in ``examples/stockport-pct-2007/README.md``: the funded and the
excluded lists are reproduced by the plan's own rule — overrides first, then the ranking by priority score
within the envelope — as long as Figure 10's points scale has a maximum above 276.4 / 0.54 = 511.9.
"""

from __future__ import annotations

import pytest

from carebridge.engine.prioritise import Portfolio, ScoreScale, Selection, select, weighted_scores
from carebridge.usecases.appraisal import load_portfolio
from tests.appraisal.conftest import CANDIDATES

pytestmark = pytest.mark.unit
FIGURE_9_COSTED = 24
FIGURE_10 = 18


@pytest.fixture(scope="module")
def seed() -> Portfolio:
    return load_portfolio(CANDIDATES)


def mismatches(selection: Selection) -> list[str]:
    """Candidates whose decision differs from the seed's."""
    return [d.id for d in selection.funded if d.published != "funded"] + [
        d.id for d in selection.excluded if d.published != "excluded"
    ]


def with_maximum(portfolio: Portfolio, maximum: float) -> Portfolio:
    scales = {"figure_10": ScoreScale(maximum=maximum)}
    return portfolio.model_copy(update={"scales": scales})


def test_the_example_holds_figures_9_and_10(seed: Portfolio) -> None:
    funded = [c for c in seed.candidates if c.published == "funded"]
    excluded = [c for c in seed.candidates if c.published == "excluded"]
    assert (len(funded), len(excluded)) == (FIGURE_9_COSTED, FIGURE_10)
    assert sum(one_off(c.investment) for c in excluded) == 1548.0  # Figure 10 total
    assert sum(one_off(c.investment) for c in funded) == seed.envelope["2007/08"] == 13906.0


def one_off(investment: float | dict[str, float]) -> float:
    """The seed's candidates each ask for one sum (no phasing by year)."""
    assert not isinstance(investment, dict), investment
    return float(investment)


def test_the_score_ranking_reproduces_the_published_split(seed: Portfolio) -> None:
    selection = select(seed, "score")
    assert mismatches(selection) == []
    assert len(selection.funded) == FIGURE_9_COSTED
    assert selection.left == (0.0,)
    overrides = [d.id for d in selection.funded if "whatever its score" in d.reason]
    assert overrides[:3] == ["rtt_hospital_capacity", "rtt_diagnostics_cats", "audiology"]
    assert len(overrides) == 15
    assert all(d.reason.startswith("over envelope: needs") for d in selection.excluded)


def test_low_scoring_must_dos_are_funded_above_higher_scoring_exclusions(seed: Portfolio) -> None:
    # Plan section 6.1.3: some interventions commissioned do not score highly (national targets).
    scores = dict(zip([c.id for c in seed.candidates], weighted_scores(seed), strict=True))
    assert scores["chlamydia_screening"] < scores["contraception"]
    funded = {d.id for d in select(seed, "score").funded}
    assert "chlamydia_screening" in funded and "contraception" not in funded


@pytest.mark.parametrize(
    ("maximum", "reproduced"), [(511.0, False), (512.0, True), (600.0, True), (5000.0, True)]
)
def test_the_split_depends_on_figure_10s_unpublished_maximum(
    seed: Portfolio, maximum: float, reproduced: bool
) -> None:
    # Reproduced exactly when the top excluded score, 276.4 points, falls below CAMHS's 54%.
    assert (mismatches(select(with_maximum(seed, maximum), "score")) == []) is reproduced


def test_score_per_pound_and_the_optimum_would_have_funded_the_cheap_exclusions(seed: Portfolio) -> None:
    per_pound = select(seed, "score-per-pound")
    optimal = select(seed, "optimal")
    assert "pbc_incentives" not in {d.id for d in per_pound.funded}
    assert {"ae_pilot_week", "looked_after_children"} <= {d.id for d in per_pound.funded}
    assert sum(d.value or 0 for d in optimal.funded) > sum(d.value or 0 for d in select(seed, "score").funded)
