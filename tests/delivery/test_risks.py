"""The risk register: Stockport's Figure 2, ratings and bands, review dates, the heat map and its loader."""

from __future__ import annotations

import datetime as dt
import pathlib

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from carebridge.delivery.risks import (
    ACHIEVABLE_RATINGS,
    DEFAULT_BANDS,
    RatingBand,
    Risk,
    RiskScore,
    band_of,
    band_problems,
    heat_map,
    load_risk_register,
    overdue_risks,
)
from carebridge.scenario.errors import RiskRegisterError

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "delivery"

# Stockport Figure 2: (likelihood, impact, rating) before and after mitigation, as published.
FIGURE_2 = {
    "R1": ((4, 5, 20), (3, 4, 12)),
    "R2": ((4, 5, 20), (3, 4, 12)),
    "R3": ((4, 4, 16), (3, 3, 9)),
    "R4": ((4, 5, 20), (3, 4, 12)),
}


@pytest.fixture(scope="module")
def stockport() -> list[Risk]:
    return load_risk_register(EXAMPLES / "risks.yaml").risks


def test_stockport_figure_2_scores_and_ratings(stockport: list[Risk]) -> None:
    found = {
        risk.id: (
            (risk.before.likelihood, risk.before.impact, risk.before.rating),
            (risk.after.likelihood, risk.after.impact, risk.after.rating) if risk.after else None,
        )
        for risk in stockport
    }
    assert found == FIGURE_2


def test_stockport_bands_extreme_before_high_after(stockport: list[Risk]) -> None:
    assert [band_of(risk.before.rating).name for risk in stockport] == ["extreme"] * 4
    assert [band_of(risk.after.rating).name for risk in stockport if risk.after] == ["high"] * 4


def test_stockport_first_risk_is_demand(stockport: list[Risk]) -> None:
    assert stockport[0].description.startswith("Failure to curb the demand for acute hospital urgent")
    assert len(stockport[1].mitigations) == 8


@pytest.mark.parametrize(
    ("rating", "band"),
    [(1, "low"), (3, "low"), (4, "moderate"), (6, "moderate"), (8, "high"), (12, "high"), (15, "extreme")],
)
def test_default_bands(rating: int, band: str) -> None:
    assert band_of(rating).name == band


def test_default_bands_hold_every_achievable_rating_once() -> None:
    assert band_problems(DEFAULT_BANDS) == []
    assert ACHIEVABLE_RATINGS == (1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25)


def test_bands_with_a_gap_and_an_overlap_are_reported() -> None:
    bands = [
        RatingBand(name="low", low=1, high=4, colour="#fff"),
        RatingBand(name="medium", low=4, high=10, colour="#ff0"),
        RatingBand(name="high", low=15, high=25, colour="#f00"),
    ]
    assert [problem.message for problem in band_problems(bands)] == [
        "the rating 4 is in more than one band (low, medium); expected one",
        "no band holds the rating 12; every rating 1–25 needs one",
    ]


def test_overdue_when_the_review_date_has_passed(stockport: list[Risk]) -> None:
    assert [risk.id for risk in overdue_risks(stockport, dt.date(2017, 7, 1))] == ["R3"]
    assert overdue_risks(stockport, dt.date(2017, 6, 30)) == []


def test_heat_map_counts_stockport(stockport: list[Risk]) -> None:
    before, after = heat_map(stockport, "before"), heat_map(stockport, "after")
    assert before.count(4, 5) == 3
    assert before.count(4, 4) == 1
    assert after.count(3, 4) == 3
    assert after.count(3, 3) == 1
    assert before.total == after.total == 4


scores = st.builds(RiskScore, likelihood=st.integers(1, 5), impact=st.integers(1, 5))


@settings(max_examples=50, deadline=None)
@given(st.lists(scores, max_size=30))
def test_heat_map_counts_every_risk_once_in_its_cell(risk_scores: list[RiskScore]) -> None:
    risks = [
        Risk(id=f"R{index}", title="t", description="d", owner="o", before=score)
        for index, score in enumerate(risk_scores)
    ]
    map_ = heat_map(risks)
    assert map_.total == len(risks)
    for score in risk_scores:
        assert map_.count(score.likelihood, score.impact) >= 1
    assert heat_map(risks, "after").total == 0


# --- the loader's messages ----------------------------------------------------------------------------------

GOOD_RISK = """\
name: Test register
risks:
  - id: R1
    title: Demand
    description: Demand not curbed
    owner: Board
    before: {likelihood: 4, impact: 5}
    after: {likelihood: 3, impact: 4}
    review_date: 2017-09-30
"""


def errors(tmp_path: pathlib.Path, text: str) -> list[str]:
    path = tmp_path / "risks.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RiskRegisterError) as raised:
        load_risk_register(path)
    return [str(problem).replace(str(path), "risks.yaml") for problem in raised.value.problems]


def test_good_register_loads(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "risks.yaml"
    path.write_text(GOOD_RISK, encoding="utf-8")
    [risk] = load_risk_register(path).risks
    assert risk.review_date == dt.date(2017, 9, 30)


def test_score_out_of_range_misspelt_field_and_missing_owner(tmp_path: pathlib.Path) -> None:
    text = (
        GOOD_RISK.replace("likelihood: 4", "likelihood: 6")
        .replace("    owner: Board\n", "")
        .replace("review_date", "review_dat")
    )
    assert errors(tmp_path, text) == [
        "risks.yaml:3 risks[0]: missing field 'owner': expected text — who owns the risk (a person, role or "
        "board)",
        "risks.yaml:6 risks[0].before.likelihood: expected a whole number of at most 5; found 6",
        "risks.yaml:8 risks[0].review_dat: unknown field 'review_dat' in a risk; did you mean 'review_date'?",
    ]


def test_mitigation_that_raises_the_rating_and_a_repeated_id(tmp_path: pathlib.Path) -> None:
    second = GOOD_RISK.split("risks:\n")[1].replace(
        "after: {likelihood: 3, impact: 4}", "after: {likelihood: 5, impact: 5}"
    )
    assert errors(tmp_path, GOOD_RISK + second) == [
        "risks.yaml:10 risks[1].id: the id 'R1' is used by an earlier risk",
        "risks.yaml:15 risks[1].after: the rating after mitigation (25) is above the rating before (20); "
        "mitigation should not raise a risk",
    ]


def test_unknown_field_with_no_near_match_lists_the_fields(tmp_path: pathlib.Path) -> None:
    assert errors(tmp_path, GOOD_RISK.replace("review_date", "colour")) == [
        "risks.yaml:9 risks[0].colour: unknown field 'colour' in a risk; expected one of id, title, "
        "description, owner, schemes, before, after, mitigations, review_date, source, financial"
    ]


def test_not_a_map_and_bad_yaml(tmp_path: pathlib.Path) -> None:
    assert errors(tmp_path, "- R1\n") == [
        "risks.yaml:1: the top level is a list; expected a risk register with name, bands and risks"
    ]
    assert errors(tmp_path, "name: [unclosed\n")[0].startswith("risks.yaml:2: not valid YAML")
