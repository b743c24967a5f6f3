"""The Staffordshire & Stoke-on-Trent STP by organisation (issue 21): every system line allocated, and the
councils' social care bridges beside the NHS's.

README.md ("Each organisation's bridge", "The councils' social care bridges") gives the basis of each line and
the seed's social care figures. These tests check that the organisations add up to the system in every year
and every line, that the bases are the ones the README documents, that the whole-system NHS bridge still
matches the seed, and that the councils' bridges, the sectors and the system are the seed's where it prints
them.
"""

from __future__ import annotations

import numpy as np
import pytest

from carebridge.engine import Results, run
from carebridge.engine.compare import positions_by_holder
from carebridge.report.reconcile import reconcile
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import Scenario
from tests.conftest import EXAMPLES
from tests.examples.seeds import STP_SEED

STP = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"
YEARS: list[str] = STP_SEED["years"]
PROVIDERS = ["uhnm", "bhft", "ssotp", "sssft", "nscht"]
ACUTE = ["uhnm", "bhft"]
BY_PROVIDER_EXPENDITURE = {"cip": PROVIDERS, "workforce": PROVIDERS, "estates": PROVIDERS}
ACUTE_LINES = ("urgent_care", "frailty_ltc", "planned_care", "cancer_eolc", "system_reconfiguration")
BY_ACUTE_EXPENDITURE = dict.fromkeys(ACUTE_LINES, ACUTE)
COUNCIL_LINES = {"staffordshire_social_care": "staffordshire_cc", "stoke_social_care_proposals": "stoke_cc"}
TO_ONE = {
    "right_care": "ccgs",
    "prevention": "ccgs",
    "system_governance": "ccgs",
    "stf": "ccgs",
    "primary_community": "ssotp",
    "community_hospitals": "ssotp",
}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(STP).scenario


@pytest.fixture(scope="module")
def stp(scenario: Scenario) -> Results:
    return run(scenario)


def orgs(scenario: Scenario) -> list[str]:
    return [org.id for org in scenario.organisations]


def test_every_system_line_is_allocated(scenario: Scenario) -> None:
    lines = [line for line in scenario.positions.plan_lines if line.org is None]
    assert all(line.allocation is not None for line in lines)
    assert {line.id for line in lines} == {*BY_PROVIDER_EXPENDITURE, *BY_ACUTE_EXPENDITURE, *TO_ONE}
    councils = {line.id: line.org for line in scenario.positions.plan_lines if line.org is not None}
    assert councils == COUNCIL_LINES


def test_the_organisations_add_up_to_the_system_every_year_and_line(stp: Results, scenario: Scenario) -> None:
    positions = stp.positions.sel(year=YEARS)
    by_org = positions.sel(org=orgs(scenario)).sum("org")
    system = positions.sel(org="system")
    assert np.allclose(by_org.values, system.values, atol=1e-6)


def test_lines_by_expenditure_follow_each_organisations_expenditure(stp: Results) -> None:
    expenditure = stp.finance.expenditure.sel(year=YEARS)  # type: ignore[union-attr]
    for line, sharing in {**BY_PROVIDER_EXPENDITURE, **BY_ACUTE_EXPENDITURE}.items():
        total = stp.positions.sel(line=line, org="system", year=YEARS)
        basis = expenditure.sel(org=sharing)
        for org in sharing:
            want = total * basis.sel(org=org) / basis.sum("org")
            got = stp.positions.sel(line=line, org=org, year=YEARS)
            assert np.allclose(got.values, want.values, atol=1e-6), (line, org)
        others = [o for o in map(str, stp.positions.org.values) if o not in {*sharing, "system"}]
        assert np.allclose(stp.positions.sel(line=line, org=others, year=YEARS).values, 0.0)


def test_lines_given_to_one_organisation(stp: Results) -> None:
    for line, org in TO_ONE.items():
        got = stp.positions.sel(line=line, org=org, year=YEARS).values
        assert np.allclose(got, stp.positions.sel(line=line, org="system", year=YEARS).values), line


def test_cip_at_uhnm_in_2020_21(stp: Results) -> None:
    """CIP 130,447 in 2020/21 shared by 2020/21 expenditure: UHNM's share is 47.1% (README)."""
    got = float(stp.positions.sel(line="cip", org="uhnm", year="2020/21"))
    assert round(got) == -61469


def test_the_nhs_bridge_still_matches_the_seed(stp: Results) -> None:
    nhs = positions_by_holder(stp).sel(holder="nhs", year=YEARS)
    bridge = STP_SEED["bridge"]
    assert np.all(np.abs(nhs.sel(line="do_nothing").values + np.asarray(bridge["do_nothing"])) <= 1.0)
    assert np.all(np.abs(nhs.sel(line="do_something").values + np.asarray(bridge["do_something"])) <= 2.0)
    for line, values in bridge["solutions"].items():
        assert np.all(np.abs(nhs.sel(line=line).values + np.asarray(values)) <= 1.0), line


# --- The councils' social care bridges (seed lines 122, 264, 308, 331-335) ---------------------------------


def value(stp: Results, line: str, holder: str, year: str) -> float:
    return float(positions_by_holder(stp).sel(line=line, holder=holder, year=year))


def test_staffordshire_225m_do_nothing_reduced_to_78m(stp: Results) -> None:
    assert value(stp, "do_nothing", "staffordshire_cc", "2015/16") == pytest.approx(20000)  # IBP overspend
    assert value(stp, "do_nothing", "staffordshire_cc", "2020/21") == pytest.approx(225000)
    assert value(stp, "staffordshire_social_care", "staffordshire_cc", "2020/21") == pytest.approx(-147000)
    assert value(stp, "do_something", "staffordshire_cc", "2020/21") == pytest.approx(78000)


def test_stoke_on_trent_38m_gap_with_no_quantified_solutions(stp: Results) -> None:
    assert value(stp, "do_nothing", "stoke_cc", "2015/16") == pytest.approx(4000)  # IBP overspend
    for year in YEARS:
        assert value(stp, "stoke_social_care_proposals", "stoke_cc", year) == pytest.approx(0.0)
        do_nothing = value(stp, "do_nothing", "stoke_cc", year)
        assert value(stp, "do_something", "stoke_cc", year) == pytest.approx(do_nothing)
    assert value(stp, "do_nothing", "stoke_cc", "2020/21") == pytest.approx(38000)


def test_nhs_social_care_and_the_system(stp: Results) -> None:
    """The system is the NHS plus social care every year; the NHS sector is the STP's bridge and the social
    care sector the two councils: £263m (the seed's "£256m" predates Stoke-on-Trent's £38m)."""
    holders = positions_by_holder(stp).sel(line=["do_nothing", "do_something"], year=YEARS)
    both = holders.sel(holder="nhs") + holders.sel(holder="social_care")
    assert np.allclose(both.values, holders.sel(holder="system").values, atol=1e-6)
    councils = holders.sel(holder=list(COUNCIL_LINES.values())).sum("holder")
    assert np.allclose(councils.values, holders.sel(holder="social_care").values, atol=1e-6)
    assert value(stp, "do_nothing", "social_care", "2020/21") == pytest.approx(263000)
    assert value(stp, "do_something", "social_care", "2020/21") == pytest.approx(116000)
    assert round(value(stp, "do_nothing", "system", "2020/21")) == 548402
    assert round(value(stp, "do_something", "system", "2020/21")) == 114581


def test_the_social_care_figures_are_reconciled(stp: Results) -> None:
    rows = [row for row in reconcile(stp) if row.source.startswith(("Social care, ", "NHS and social care"))]
    assert len(rows) == 7
    by_source = {row.source.split(":")[0]: row for row in rows}
    named = ("Social care, Staffordshire", "Social care, Stoke")
    councils = [row for row in rows if row.source.startswith(named)]
    assert len(councils) == 5
    assert not any(row.flagged for row in councils)
    assert by_source["Social care, both councils"].difference == pytest.approx(7000)
    assert by_source["NHS and social care"].difference == pytest.approx(6402, abs=1)
    assert by_source["NHS and social care"].measure == "position: Do-nothing gap, System"
    assert by_source["Social care, both councils"].measure == "position: Do-nothing gap, Social care"
