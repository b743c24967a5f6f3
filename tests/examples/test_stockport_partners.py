"""Stockport 2017: money between the partners (issue 21) as the seed describes it.

Seed 000, section 5: "the 2017/18 and 2018/19 contract agreement between the CCG and SFT … a compensating
payment to SFT in acknowledgement that costs will reduce at a slower rate than tariff activity" — so the CCG
makes SFT's stranded cost good in those two years only. Table 25 (SFT's savings) has no residential and
nursing row: the placements are the council's, which pays for them and banks the saving (README, "Money
between the partners").
"""

from __future__ import annotations

import pytest

from carebridge.engine import Results
from carebridge.scenario.schema import Scenario, StrandedCompensation

AGREEMENT = ["2017/18", "2018/19"]
AFTER = ["2019/20", "2020/21", "2021/22", "2022/23"]


def flow(results: Results, org: str, kind: str, year: str, pod: str | None = None) -> float:
    flows = results.flows
    assert flows is not None
    chosen = (flows.org == org) & (flows.flow == kind)
    if pod is not None:
        chosen = chosen & (flows.pod == pod)
    return float(flows.sel(year=year).where(chosen, 0.0).sum())


def test_the_compensating_payment_covers_the_years_of_the_agreement(stockport_scenario: Scenario) -> None:
    (contract,) = stockport_scenario.contracts
    assert contract.compensating == StrandedCompensation(stranded=True, years=AGREEMENT)


def test_the_ccg_makes_sfts_stranded_cost_good_in_2017_18_and_2018_19_only(stockport: Results) -> None:
    for year in AGREEMENT:
        stranded = flow(stockport, "sft", "stranded_cost", year)
        assert stranded > 0
        assert flow(stockport, "ccg", "compensating_payment", year) == pytest.approx(stranded)
        assert flow(stockport, "sft", "compensating_payment", year) == pytest.approx(-stranded)
    for year in AFTER:
        assert flow(stockport, "sft", "stranded_cost", year) > 0, year  # cost still falls slower than income
        assert flow(stockport, "ccg", "compensating_payment", year) == pytest.approx(0.0), year
        assert flow(stockport, "sft", "compensating_payment", year) == pytest.approx(0.0), year


def test_the_council_pays_for_placements_and_banks_their_saving(
    stockport: Results, stockport_scenario: Scenario
) -> None:
    placements = next(pod for pod in stockport_scenario.pods if pod.id == "res_nursing")
    assert placements.payer == "smbc"
    for year in ("2018/19", "2020/21"):  # Table 24: (2,300) from 2018/19
        assert flow(stockport, "smbc", "direct_saving", year, "res_nursing") == pytest.approx(-2300)
        assert flow(stockport, "sft", "direct_saving", year) == pytest.approx(0.0)
