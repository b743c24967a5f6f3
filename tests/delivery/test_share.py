"""Risk share and gain share settlement (spec section 9; Stockport seed section 6).

The Stockport example settles the final business cases of Table 4 (investment and recurrent saving by year)
with the proposed one third each; its net saving row is the gain each year. The provider alliance's backing
shares are not in the seed ("a formula to be agreed"): the 0.6 / 0.25 / 0.15 used here is illustrative.
"""

from __future__ import annotations

import math

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from carebridge.engine.share import (
    BackingAgreement,
    BenefitsMaximisationAction,
    ProgrammeYear,
    ShareAgreement,
    agreement_problems,
    settle,
    settle_years,
)
from carebridge.scenario.errors import ScenarioError

THIRD = 1 / 3
THIRDS = {"ccg": THIRD, "smbc": THIRD, "providers": THIRD}
PROVIDER_ALLIANCE = BackingAgreement(
    party="providers",
    gain_shares={"stockport_ft": 0.6, "pennine_care": 0.25, "viaduct_care": 0.15},
    risk_shares={"stockport_ft": 0.6, "pennine_care": 0.25, "viaduct_care": 0.15},
)
STOCKPORT = ShareAgreement(gain_shares=THIRDS, risk_shares=THIRDS, stop_loss_threshold=2_000.0)

# Stockport Table 4, final business cases: (year, recurrent saving, investment, published net saving), £'000.
TABLE_4 = [
    ("2018/19", 26_150, 19_344, 6_806),
    ("2019/20", 34_149, 18_223, 15_926),
    ("2020/21", 43_049, 16_375, 26_674),
]


@pytest.mark.parametrize(("year", "saving", "investment", "net_saving"), TABLE_4)
def test_stockport_gain_is_table_4_net_saving_shared_in_thirds(
    year: str, saving: float, investment: float, net_saving: float
) -> None:
    settlement = settle(STOCKPORT, ProgrammeYear(year, benefit=saving, investment=investment))
    assert settlement.outcome == "gain"
    assert settlement.reinvestment == investment
    assert settlement.gain == net_saving
    assert [line.organisation for line in settlement.lines] == ["ccg", "smbc", "providers"]
    for line in settlement.lines:
        assert line.gain_share == pytest.approx(net_saving / 3)
        assert line.risk_share == 0


def test_2020_21_gain_of_26_674_gives_8_891_each() -> None:
    settlement = settle(STOCKPORT, ProgrammeYear("2020/21", 43_049, 16_375))
    assert round(settlement.line("smbc").gain_share, 1) == 8_891.3
    assert not settlement.stop_loss_breached


def test_residual_loss_after_benefits_maximisation_is_shared_by_risk_shares() -> None:
    agreement = ShareAgreement(
        gain_shares=THIRDS,
        risk_shares={"ccg": 0.4, "smbc": 0.2, "providers": 0.4},
        stop_loss_threshold=2_000.0,
    )
    action = BenefitsMaximisationAction("defer the second wave of neighbourhood posts", "stockport_ft", 1_000)
    year = ProgrammeYear("2018/19", benefit=15_690, investment=19_344, basis="realised", actions=(action,))
    settlement = settle(agreement, year)
    assert settlement.outcome == "loss"
    assert settlement.loss == 3_654
    assert settlement.mitigation == 1_000
    assert settlement.residual_loss == 2_654
    assert settlement.stop_loss_breached
    assert [round(line.risk_share, 1) for line in settlement.lines] == [1_061.6, 530.8, 1_061.6]
    assert all(line.gain_share == 0 for line in settlement.lines)


def test_actions_never_turn_a_loss_into_a_gain() -> None:
    action = BenefitsMaximisationAction("extra non-recurrent funding", "ccg", 5_000)
    settlement = settle(STOCKPORT, ProgrammeYear("2018/19", 18_000, 19_000, actions=(action,)))
    assert settlement.mitigation == 1_000
    assert settlement.residual_loss == 0
    assert all(line.net == 0 for line in settlement.lines)


def test_stop_loss_is_judged_on_the_loss_before_benefits_maximisation() -> None:
    action = BenefitsMaximisationAction("management action", "ccg", 2_500)
    settlement = settle(STOCKPORT, ProgrammeYear("2018/19", 16_000, 19_000, actions=(action,)))
    assert settlement.loss == 3_000
    assert settlement.residual_loss == 500
    assert settlement.stop_loss_breached


def test_backing_agreement_splits_the_providers_third() -> None:
    agreement = ShareAgreement(THIRDS, THIRDS, backing=(PROVIDER_ALLIANCE,))
    settlement = settle(agreement, ProgrammeYear("2020/21", 43_049, 16_375))
    organisations = [line.organisation for line in settlement.lines]
    assert organisations == ["ccg", "smbc", "stockport_ft", "pennine_care", "viaduct_care"]
    assert settlement.line("pennine_care").party == "providers"
    assert settlement.line("pennine_care").gain_share == pytest.approx(26_674 / 3 * 0.25)
    assert math.fsum(line.share for line in settlement.lines) == pytest.approx(1)


def test_trace_shows_how_the_number_was_reached() -> None:
    settlement = settle(ShareAgreement(THIRDS, THIRDS, backing=(PROVIDER_ALLIANCE,)), TABLE_4_YEAR)
    rules = [step.rule for step in settlement.trace]
    assert rules[:5] == ["benefit", "investment", "scope", "reinvestment", "gain"]
    assert rules.count("gain_share") == 3
    assert rules.count("backing_gain_share") == 3
    gain = next(step for step in settlement.trace if step.rule == "gain")
    assert gain.text == "gain to share: B − I = 43,049.0 − 16,375.0"
    assert gain.amount == 26_674


TABLE_4_YEAR = ProgrammeYear("2020/21", 43_049, 16_375)


def test_settle_years_settles_each_year_on_its_own() -> None:
    years = [ProgrammeYear(year, saving, investment) for year, saving, investment, _ in TABLE_4]
    settlements = settle_years(STOCKPORT, years)
    assert [settlement.gain for settlement in settlements] == [net for *_, net in TABLE_4]


# --- problems -----------------------------------------------------------------------------------------------


def test_shares_printed_as_33_3_percent_do_not_add_up_to_one() -> None:
    agreement = ShareAgreement({"ccg": 0.333, "smbc": 0.333, "providers": 0.333}, THIRDS)
    [problem] = agreement_problems(agreement)
    assert str(problem) == (
        "gain_shares: the shares add up to 0.999; they must add up to 1 (write one third as 1/3)"
    )


def test_smbc_may_lose_or_gain_only_once() -> None:
    backing = BackingAgreement("providers", {"stockport_ft": 0.5, "smbc": 0.5}, {"stockport_ft": 1.0})
    agreement = ShareAgreement(THIRDS, THIRDS, backing=(backing,))
    with pytest.raises(ScenarioError) as raised:
        settle(agreement, TABLE_4_YEAR)
    assert [str(problem) for problem in raised.value.problems] == [
        "backing[0].members.smbc: 'smbc' is a party of the main agreement and a member of the backing "
        "agreement of 'providers'; an organisation may lose or gain only once"
    ]


def test_unknown_backing_party_and_bad_numbers_are_all_reported() -> None:
    backing = BackingAgreement("provders", {"stockport_ft": 1.0}, {"stockport_ft": 1.0})
    agreement = ShareAgreement(THIRDS, {"ccg": 1.5}, stop_loss_threshold=-1, backing=(backing,))
    year = ProgrammeYear("2018/19", benefit=-5, investment=math.nan)
    with pytest.raises(ScenarioError) as raised:
        settle(agreement, year)
    assert [str(problem) for problem in raised.value.problems] == [
        "risk_shares.ccg: the share is 1.5; expected a fraction from 0 to 1",
        "stop_loss_threshold: the stop-loss threshold is -1; expected £'000 a year, zero or more",
        "backing[0].party: 'provders' is not a party of the agreement; expected one of ccg, providers, smbc",
        "benefit: the benefit is -5; expected £'000, zero or more (write a saving as positive)",
        "investment: the investment is nan; expected £'000, zero or more (write a saving as positive)",
    ]


# --- properties ---------------------------------------------------------------------------------------------

PROPERTY = settings(max_examples=150, deadline=None)
money = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def shares(draw: st.DrawFn, prefix: str = "org") -> dict[str, float]:
    weights = draw(st.lists(st.floats(min_value=0.01, max_value=100), min_size=1, max_size=6))
    total = math.fsum(weights)
    return {f"{prefix}{index}": weight / total for index, weight in enumerate(weights)}


@st.composite
def agreements(draw: st.DrawFn) -> ShareAgreement:
    gain_shares, risk_shares = draw(shares()), draw(shares())
    parties = sorted(set(gain_shares) | set(risk_shares))
    backing: tuple[BackingAgreement, ...] = ()
    if draw(st.booleans()):
        backing = (BackingAgreement(draw(st.sampled_from(parties)), draw(shares("m")), draw(shares("m"))),)
    threshold = draw(st.none() | money)
    return ShareAgreement(gain_shares, risk_shares, threshold, backing)


@st.composite
def years(draw: st.DrawFn) -> ProgrammeYear:
    amounts = draw(st.lists(money, max_size=3))
    actions = tuple(BenefitsMaximisationAction("action", "org0", amount) for amount in amounts)
    return ProgrammeYear("2018/19", draw(money), draw(money), actions=actions)


@PROPERTY
@given(agreements(), years())
def test_settlement_conserves_money(agreement: ShareAgreement, year: ProgrammeYear) -> None:
    settlement = settle(agreement, year)
    gains = math.fsum(line.gain_share for line in settlement.lines)
    risks = math.fsum(line.risk_share for line in settlement.lines)
    assert gains == pytest.approx(max(year.benefit - year.investment, 0), rel=1e-9, abs=1e-6)
    assert risks == pytest.approx(settlement.residual_loss, rel=1e-9, abs=1e-6)
    assert math.fsum(line.share for line in settlement.lines) == pytest.approx(1)
    assert settlement.reinvestment + settlement.gain == pytest.approx(year.benefit)
    assert settlement.residual_loss + settlement.mitigation == pytest.approx(settlement.loss)
    assert 0 <= settlement.residual_loss <= settlement.loss


@PROPERTY
@given(shares(), money)
def test_shares_sum_to_the_amount_shared(gain_shares: dict[str, float], amount: float) -> None:
    settlement = settle(ShareAgreement(gain_shares, gain_shares), ProgrammeYear("2018/19", amount, 0))
    assert math.fsum(line.gain_share for line in settlement.lines) == pytest.approx(amount, abs=1e-6)


@PROPERTY
@given(agreements(), money)
def test_nothing_is_shared_when_benefit_equals_investment(agreement: ShareAgreement, amount: float) -> None:
    settlement = settle(agreement, ProgrammeYear("2018/19", amount, amount))
    assert settlement.outcome == "break_even"
    assert all(line.gain_share == 0 and line.risk_share == 0 for line in settlement.lines)
    assert not settlement.stop_loss_breached
