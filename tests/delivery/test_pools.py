"""Pooled budgets under Section 75: the seed's two pool tables, the inclusion rules, the variance share.

Published cells are typed from seed ``003_785c4005fdc82493.txt`` (Tables 1 and 2, £m) and compared at the
precision printed; blank cells must come out blank. The example files are in £m, as published; the library
reads them into £'000 (× 1,000), so each amount is compared in £m after dividing by 1,000.
"""

from __future__ import annotations

import math
import pathlib
from collections.abc import Mapping

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from carebridge.delivery.pools import (
    Cohort,
    Contribution,
    InclusionRules,
    PoolDefinition,
    ServiceArea,
    ServiceLine,
    decide,
    decide_lines,
    load_pool,
    pool_table,
    share_variance,
)
from carebridge.scenario.errors import PoolError

POOLS = pathlib.Path(__file__).resolve().parents[2] / "examples" / "delivery" / "pools"

TABLE_1 = {  # 2015/16 Pool Contribution (£m), three decimals
    "Non-Acute Services for Older People": 3.808,
    "Learning Disabilities": 1.595,
    "Continuing Health Care Beds": 0.600,
    "Mental Health": 0.289,
    "Better Care Fund": 18.510,
}
TABLE_1_TOTAL = 24.802

TABLE_2 = {  # 15/16 Plan Spend £m, one decimal; None is a blank cell
    "Non-elective hospital activity": 29.1,
    "A&E activity": 3.2,
    "Planned activity (Outpatients and elective admissions)": 32.9,
    "Community Services": 10.1,
    "Mental health services": 8.0,
    "CCG held GP contracts": 5.8,
    "Old Age Psychiatry": None,
    "CHC and FNP": 8.1,
    "Other elements of existing pool not in above (E.g. LD)": None,
}
TABLE_2_TOTAL = 97.2


@pytest.fixture(scope="module")
def pool_2015() -> PoolDefinition:
    return load_pool(POOLS / "pool-2015-16.yaml")


@pytest.fixture(scope="module")
def proposal() -> PoolDefinition:
    return load_pool(POOLS / "proposal-2016-17.yaml")


def published(table: Mapping[str, float | None], places: int, rows: list[tuple[str, float | None]]) -> None:
    assert [name for name, _ in rows] == list(table)
    for name, value in rows:
        expected = table[name]
        assert (None if value is None else round(value / 1000, places)) == expected, name


def test_table_1_the_24_8m_pool_of_2015_16(pool_2015: PoolDefinition) -> None:
    table = pool_table(pool_2015)
    published(TABLE_1, 3, [(row.name, row.amount) for row in table.rows])
    assert round(table.total / 1000, 3) == TABLE_1_TOTAL
    assert {d.rule for d in decide_lines(pool_2015)} == {"existing_section_75"}


def test_table_2_the_97_2m_proposal_by_service_area(proposal: PoolDefinition) -> None:
    table = pool_table(proposal)
    published(TABLE_2, 1, [(row.name, row.amount) for row in table.rows])
    assert round(table.total / 1000, 1) == TABLE_2_TOTAL
    assert table.unit == "£'000"


def test_table_2_rules_decide_each_line(proposal: PoolDefinition) -> None:
    decisions = {d.line.id: (d.included, d.rule) for d in decide_lines(proposal)}
    assert decisions == {
        "non_elective": (True, "payment_by_results"),
        "ae": (True, "payment_by_results"),
        "planned": (True, "payment_by_results"),
        "community": (True, "uncertain_included"),
        "mental_health": (True, "block_exclusive"),
        "gp_contracts": (True, "uncertain_included"),
        "chc_fnc": (True, "continuing_health_care"),
        "prescribing": (False, "aligned_budget"),
        "gp_out_of_hours": (False, "aligned_budget"),
        "gms_pms": (False, "gp_contract_without_delegation"),
        "other_secondary": (False, "uncertain_excluded"),
    }


def test_ccg_2016_17_contribution_is_the_text_c_122m(
    pool_2015: PoolDefinition, proposal: PoolDefinition
) -> None:
    """Paragraph 2.1: "from £24.8m to c£122.0m in 2016-17" = Table 2 + Table 1."""
    assert round(pool_table(proposal).total + pool_table(pool_2015).total) == 122_002
    ccg = next(c for c in proposal.contributions if c.partner == "ccg")
    assert ccg.by_year["2016/17"] == pytest.approx(122_000)


def test_smbc_contribution_falls(proposal: PoolDefinition) -> None:
    smbc = next(c for c in proposal.contributions if c.partner == "smbc")
    values = list(smbc.by_year.values())
    assert values == sorted(values, reverse=True)
    assert values[-1] < values[0]


# --- the rules one by one ---------------------------------------------------------------------------------


def line(**fields: object) -> ServiceLine:
    base: dict[str, object] = {"id": "x", "name": "x", "service_area": "a", "setting": "secondary"}
    return ServiceLine.model_validate(base | fields)


RULES = InclusionRules()


@pytest.mark.parametrize(
    ("fields", "included", "rule", "amount"),
    [
        (
            {"contract": "payment_by_results", "cohort_spend": 4.0, "spend": 10.0},
            True,
            "payment_by_results",
            4.0,
        ),
        ({"contract": "payment_by_results", "spend": 10.0}, False, "uncertain_excluded", 0.0),
        ({"contract": "block", "exclusive": True, "spend": 6.0}, True, "block_exclusive", 6.0),
        ({"contract": "block", "cohort_share": 0.75, "spend": 6.0}, True, "block_threshold", 6.0),
        ({"contract": "block", "cohort_share": 0.74, "spend": 6.0}, False, "block_below_threshold", 0.0),
        ({"contract": "block", "setting": "community", "spend": 6.0}, True, "uncertain_included", 6.0),
        ({"contract": "block", "setting": "prevention", "spend": 1.0}, True, "uncertain_included", 1.0),
        ({"contract": "block", "setting": "secondary", "spend": 6.0}, False, "uncertain_excluded", 0.0),
        (
            {"contract": "other", "setting": "continuing_health_care", "spend": 2.0},
            True,
            "continuing_health_care",
            2.0,
        ),
        (
            {"contract": "gp_core_contract", "setting": "primary", "spend": 9.0},
            False,
            "gp_contract_without_delegation",
            0.0,
        ),
        ({"contract": "block", "setting": "prescribing", "exclusive": True}, False, "aligned_budget", 0.0),
        ({"contract": "other", "existing_pool": True, "spend": 1.5}, True, "existing_section_75", 1.5),
    ],
)
def test_inclusion_rules(fields: dict[str, object], included: bool, rule: str, amount: float) -> None:
    decision = decide(line(**fields), RULES)
    assert (decision.included, decision.rule, decision.amount) == (included, rule, amount)


def test_gp_contracts_go_in_with_delegated_powers() -> None:
    rules = InclusionRules(delegated_primary_care=True)
    decision = decide(line(contract="gp_core_contract", setting="primary", spend=9.0), rules)
    assert (decision.included, decision.rule) == (True, "uncertain_included")


def test_threshold_is_configurable() -> None:
    rules = InclusionRules(block_threshold=0.5)
    decision = decide(line(contract="block", cohort_share=0.6, spend=6.0), rules)
    assert decision.reason == "a block contract with 60% of its spend on the cohort (at least 50%)"


# --- contributions and the variance -----------------------------------------------------------------------


def test_overspend_shared_by_contributions(proposal: PoolDefinition) -> None:
    variance = share_variance(proposal, "2016/17", outturn=151_200)
    assert variance.kind == "overspend"
    assert variance.budget == pytest.approx(148_200)
    assert variance.variance == pytest.approx(3_000)
    parts = {line.partner: line.amount for line in variance.lines}
    assert parts["ccg"] == pytest.approx(3_000 * 122.0 / 148.2)
    assert parts["smbc"] == pytest.approx(3_000 * 26.2 / 148.2)


def test_underspend_shared_by_agreed_shares(proposal: PoolDefinition) -> None:
    agreed = proposal.model_copy(update={"underspend_shares": {"ccg": 0.5, "smbc": 0.5}})
    variance = share_variance(agreed, "2017/18", outturn=140_900)
    assert variance.kind == "underspend"
    assert [round(line.amount, 2) for line in variance.lines] == [-3_000, -3_000]
    assert variance.trace[-1].text == "smbc: 0.5 × -6,000.000"


contributions = st.lists(st.floats(min_value=0.01, max_value=500), min_size=1, max_size=5)


@settings(max_examples=100, deadline=None)
@given(contributions, st.floats(min_value=0, max_value=2_000))
def test_variance_parts_add_up_to_the_variance(amounts: list[float], outturn: float) -> None:
    pool = PoolDefinition(
        name="p",
        year="2016/17",
        cohort=Cohort(id="c", name="c"),
        service_areas=[],
        lines=[],
        contributions=[
            Contribution(partner=f"p{index}", name="p", by_year={"2016/17": amount})
            for index, amount in enumerate(amounts)
        ],
    )
    variance = share_variance(pool, "2016/17", outturn)
    assert math.fsum(line.amount for line in variance.lines) == pytest.approx(variance.variance, abs=1e-9)
    assert math.fsum(line.share for line in variance.lines) == pytest.approx(1)
    assert variance.budget == pytest.approx(math.fsum(amounts))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=8))
def test_pool_total_is_the_sum_of_included_lines(spends: list[float]) -> None:
    lines = [
        ServiceLine(id=f"l{i}", name="l", service_area="a", setting="community", contract="block", spend=s)
        for i, s in enumerate(spends)
    ]
    pool = PoolDefinition(
        name="p",
        year="2016/17",
        cohort=Cohort(id="c", name="c"),
        service_areas=[ServiceArea(id="a", name="A")],
        lines=lines,
    )
    table = pool_table(pool)
    assert table.total == pytest.approx(math.fsum(spends))
    assert table.rows[0].amount == pytest.approx(table.total)


# --- the loader's messages ---------------------------------------------------------------------------------


def errors(tmp_path: pathlib.Path, text: str) -> list[str]:
    path = tmp_path / "pool.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PoolError) as raised:
        load_pool(path)
    return [str(problem).replace(str(path), "pool.yaml") for problem in raised.value.problems]


GOOD_POOL = """\
name: Test pool
year: 2016/17
cohort: {id: age_65_plus, name: People aged 65+}
service_areas:
  - {id: community, name: Community services}
lines:
  - id: dn
    name: District nursing
    service_area: community
    setting: community
    contract: block
    cohort_share: 0.8
    spend: 4.0
contributions:
  - {partner: ccg, name: CCG, by_year: {2016/17: 4.0}}
"""


def test_good_pool_loads(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "pool.yaml"
    path.write_text(GOOD_POOL, encoding="utf-8")
    assert pool_table(load_pool(path)).total == 4.0


def test_wrong_setting_area_share_and_missing_spend(tmp_path: pathlib.Path) -> None:
    text = GOOD_POOL.replace("setting: community", "setting: comunity").replace(
        "cohort_share: 0.8", "cohort_share: 80"
    )
    assert errors(tmp_path, text) == [
        "pool.yaml:10 lines[0].setting: expected one of 'secondary', 'mental_health', 'community', "
        "'intermediate', 'prevention', 'primary', 'continuing_health_care', 'prescribing', "
        "'gp_out_of_hours', 'social_care', 'other'; found 'comunity'; did you mean 'community'?",
        "pool.yaml:12 lines[0].cohort_share: expected a number of at most 1; found 80",
    ]
    text = GOOD_POOL.replace("service_area: community", "service_area: comunity").replace(
        "    spend: 4.0\n", ""
    )
    assert errors(tmp_path, text) == [
        "pool.yaml:7 lines[0].spend: the line goes in the pool by the rule 'block_threshold' but gives no "
        "spend; expected its spend",
        "pool.yaml:9 lines[0].service_area: unknown service area 'comunity'; did you mean 'community'?",
    ]


def test_shares_naming_no_partner(tmp_path: pathlib.Path) -> None:
    text = GOOD_POOL + "overspend_shares: {ccg: 0.5, smcb: 0.4}\n"
    assert errors(tmp_path, text) == [
        "pool.yaml:16 overspend_shares.smcb: 'smcb' is not a contributing partner",
        "pool.yaml:16 overspend_shares: the shares add up to 0.9; they must add up to 1",
    ]
