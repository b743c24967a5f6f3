"""The Staffordshire & Stoke-on-Trent STP by organisation (issue 21): every system line allocated.

README.md ("Each organisation's bridge") gives the basis of each line. These tests check that the
organisations add up to the system in every year and every line, that the bases are the ones the README
documents, and that the whole-system NHS bridge still matches the seed.
"""

from __future__ import annotations

import numpy as np
import pytest

from carebridge.engine import Results, run
from carebridge.engine.compare import positions_by_holder
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
    lines = scenario.positions.plan_lines
    assert all(line.org is None and line.allocation is not None for line in lines)
    assert {line.id for line in lines} == {*BY_PROVIDER_EXPENDITURE, *BY_ACUTE_EXPENDITURE, *TO_ONE}


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
