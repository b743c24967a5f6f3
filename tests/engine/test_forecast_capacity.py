"""The do-nothing from income and expenditure (model spec §7) and what activity needs in beds and staff, with
numbers worked by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import xarray as xr

from carebridge.engine import Results, forecast, run
from carebridge.scenario.schema import (
    Activity,
    BedBase,
    Capacity,
    ExpenditureCategory,
    FinanceItem,
    Organisation,
    OrgFinance,
    PlanLine,
    Pod,
    Positions,
    PriceUplift,
    Reduce,
    Scenario,
    Scheme,
    StaffGroup,
)
from carebridge.scenario.validate import check
from carebridge.scenario.years import format_year

pytestmark = pytest.mark.unit

YEARS = [format_year(2016 + i) for i in range(5)]  # 2016/17 … 2020/21


def by_year(*values: float) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, dtype=float), dims=["year"], coords={"year": YEARS})


def scenario(organisations: list[Organisation], **changes: Any) -> Scenario:
    """2016/17 to 2020/21: A&E of 1,000 growing 10% a year at £100 (uplifted 5% a year), non-elective
    spells flat at 500 at £2,000, and money-only prescribing; ``changes`` replace top-level fields. The
    scenario must pass the checks."""
    fields: dict[str, Any] = {
        "format_version": 1,
        "name": "Forecast test",
        "base_year": YEARS[0],
        "end_year": YEARS[-1],
        "organisations": organisations,
        "pods": [
            Pod(
                id="ae",
                name="A&E",
                activity=Activity(base=1000, growth=0.1),
                price=PriceUplift(base=100, uplift=0.05),
            ),
            Pod(id="nel", name="NEL", unit="spell", activity=Activity(base=500), price=2000.0),
            Pod(id="drugs", name="Prescribing"),
        ],
    }
    fields.update(changes)
    built = Scenario(**fields)
    assert check(built) == []
    return built


def trust(finance: OrgFinance, **changes: Any) -> Organisation:
    return Organisation(**{"id": "ft", "name": "Trust", "kind": "acute", "finance": finance, **changes})


def category(category_id: str, base: float, **changes: Any) -> ExpenditureCategory:
    return ExpenditureCategory(id=category_id, base=base, **changes)


def table(results: Results, measure: str, org: str = "ft") -> list[float]:
    assert results.finance is not None
    return [float(v) for v in results.finance[measure].sel(org=org).values]


def position(results: Results, line: str, org: str = "system") -> list[float]:
    return [float(v) for v in results.positions.sel(line=line, org=org).values]


# --- compounding -----------------------------------------------------------------------------------------


def test_compound_does_not_grow_the_base_year() -> None:
    grown = forecast.compound(by_year(100, 100, 100, 100, 100), by_year(0.5, 0.1, 0.1, 0.0, -0.5))
    assert grown.values.tolist() == pytest.approx([100, 110, 121, 121, 60.5])


def test_expenditure_multiplies_inflation_and_demand() -> None:
    spend = forecast.expenditure(by_year(*[200] * 5), by_year(*[0.1] * 5), by_year(0, 0.5, 0, 0, 0))
    # (1.1)(1.5) = 1.65 in 2017/18, then 1.1 a year
    assert spend.values.tolist() == pytest.approx([200, 330, 363, 399.3, 439.23])


def test_income_and_expenditure_compound_from_the_base_year() -> None:
    finance = OrgFinance(
        income=1000,
        income_growth={"2017/18": 0.1, "2019/20": 0.0},  # held: 10%, 10%, then none
        expenditure=[
            category("pay", 600, inflation=0.05),
            category("non_pay", 500, demand_growth=0.1),
        ],
    )
    results = run(scenario([trust(finance)]))
    assert table(results, "income") == pytest.approx([1000, 1100, 1210, 1210, 1210])
    pay = [600, 630, 661.5, 694.575, 729.30375]
    non_pay = [500, 550, 605, 665.5, 732.05]
    assert results.expenditure is not None
    by_category = results.expenditure.sel(org="ft")
    assert by_category.sel(category="pay").values.tolist() == pytest.approx(pay)
    assert by_category.sel(category="non_pay").values.tolist() == pytest.approx(non_pay)
    assert table(results, "expenditure") == pytest.approx([p + n for p, n in zip(pay, non_pay, strict=True)])
    gap = [p + n - i for p, n, i in zip(pay, non_pay, [1000, 1100, 1210, 1210, 1210], strict=True)]
    assert table(results, "gap") == pytest.approx(gap)
    assert table(results, "recurrent_gap") == pytest.approx(gap)


def test_demand_growth_from_activity_is_the_growth_of_activity_at_base_prices() -> None:
    """A&E 1,000 × 1.1ᵗ at its base price £100 (not the uplifted price) and NEL 500 at £2,000: the value of
    activity at base prices is 100,000 · 1.1ᵗ + 1,000,000, and expenditure grows with it."""
    finance = OrgFinance(
        income=0,
        expenditure=[
            category("all_pods", 1100, demand_growth="activity"),
            category("ae_only", 100, demand_growth="activity", demand_pods=["ae"]),
            category("inflated", 1100, demand_growth="activity", inflation=0.02),
        ],
    )
    results = run(scenario([trust(finance)]))
    assert results.expenditure is not None
    spend = results.expenditure.sel(org="ft")
    ae = [1000 * 1.1**t for t in range(5)]
    valued = [(a * 100 + 500 * 2000) / 1000 for a in ae]  # £'000, base year 1,100
    assert spend.sel(category="all_pods").values.tolist() == pytest.approx(valued)
    assert spend.sel(category="ae_only").values.tolist() == pytest.approx([a / 10 for a in ae])
    assert spend.sel(category="inflated").values.tolist() == pytest.approx(
        [v * 1.02**t for t, v in enumerate(valued)]
    )


def test_activity_demand_growth_function() -> None:
    do_nothing = xr.DataArray(
        [[100, 10], [110, 10], [121, 20], [121, 20], [0, 0]],
        dims=["year", "pod"],
        coords={"year": YEARS, "pod": ["a", "b"]},
    ).astype(float)
    price = xr.DataArray(
        [[1, 10]] * 5, dims=["year", "pod"], coords={"year": YEARS, "pod": ["a", "b"]}
    ).astype(float)
    growth = forecast.activity_demand_growth(do_nothing, price, ["a", "b"])
    # values 200, 210, 321, 321, 0; the base year's growth is 0
    assert growth.values.tolist() == pytest.approx([0, 0.05, 321 / 210 - 1, 0, -1])
    assert forecast.activity_demand_growth(do_nothing, price, ["a"]).values.tolist() == pytest.approx(
        [0, 0.1, 0.1, 0, -1]
    )


# --- items -----------------------------------------------------------------------------------------------


def test_recurrent_items_are_held_and_non_recurrent_items_count_only_in_their_years() -> None:
    finance = OrgFinance(
        income=1000,
        expenditure=[category("pay", 1000)],
        items=[
            FinanceItem(id="cnst", name="CNST", amount={"2017/18": 10.0, "2019/20": 30.0}),
            FinanceItem(
                id="winter", name="Winter", amount={"2017/18": 5.0, "2019/20": 7.0}, non_recurrent=True
            ),
        ],
    )
    results = run(scenario([trust(finance)]))
    assert table(results, "recurrent_items") == [0, 10, 10, 30, 30]
    assert table(results, "non_recurrent_items") == [0, 5, 0, 7, 0]
    assert table(results, "recurrent_gap") == [0, 10, 10, 30, 30]
    assert table(results, "gap") == [0, 15, 10, 37, 30]


def test_an_item_applies_from_its_start_year() -> None:
    finance = OrgFinance(
        income=900,
        expenditure=[category("pay", 1000)],
        items=[
            FinanceItem(id="new_service", name="New service", amount=50.0, start="2018/19"),
            FinanceItem(
                id="share", name="Share", formula="0.01 * cumulative(expenditure.ft)", start="2019/20"
            ),
        ],
    )
    results = run(scenario([trust(finance)]))
    # 50 from 2018/19; 1% of expenditure counted from 2019/20: 10, 20
    assert table(results, "recurrent_items") == pytest.approx([0, 0, 50, 60, 70])
    assert table(results, "gap") == pytest.approx([100, 100, 150, 160, 170])


def test_a_formula_item_uses_activity_prices_and_parameters() -> None:
    finance = OrgFinance(
        income=0,
        expenditure=[],
        items=[FinanceItem(id="ae_cost", name="A&E cost", formula="activity.ae * price.ae / 1000 * x")],
    )
    results = run(scenario([trust(finance)], parameters={"x": 2.0}))
    expected = [2 * 1000 * 1.1**t * 100 * 1.05**t / 1000 for t in range(5)]
    assert table(results, "gap") == pytest.approx(expected)


# --- the gap feeds the positions -------------------------------------------------------------------------


def test_the_forecast_gap_is_the_do_nothing_of_its_organisation_and_others_keep_their_given_gap() -> None:
    finance = OrgFinance(
        income=1000,
        income_growth=0.02,
        expenditure=[category("pay", 1050, inflation=0.04)],
        items=[FinanceItem(id="once", name="Once", amount={"2018/19": 25.0}, non_recurrent=True)],
    )
    organisations = [
        Organisation(id="ccg", name="CCG", kind="commissioner"),
        trust(finance),
        Organisation(id="council", name="Council", kind="council"),
    ]
    lines = [
        PlanLine(id="cip", name="CIP", org="ft", formula="-0.5 * gap.ft"),
        PlanLine(id="all_gaps", name="All gaps", formula="gap.system * 0 + gap.ccg"),
    ]
    given = {"ccg": {"2017/18": 300.0}}
    results = run(scenario(organisations, positions=Positions(do_nothing=given, plan_lines=lines)))
    gap = [1050 * 1.04**t - 1000 * 1.02**t + (25 if t == 2 else 0) for t in range(5)]
    assert position(results, "do_nothing", "ft") == pytest.approx(gap)
    assert position(results, "do_nothing", "ccg") == [0, 300, 300, 300, 300]
    assert position(results, "do_nothing", "council") == [0] * 5
    assert position(results, "do_nothing") == pytest.approx(
        [g + c for g, c in zip(gap, [0, 300, 300, 300, 300], strict=True)]
    )
    assert position(results, "cip", "ft") == pytest.approx([-g / 2 for g in gap])
    assert position(results, "do_something", "ft") == pytest.approx([g / 2 for g in gap])
    assert position(results, "all_gaps") == [0, 300, 300, 300, 300]
    assert results.finance is not None
    assert results.finance.org.values.tolist() == ["ft"]


def test_without_finance_there_is_no_forecast() -> None:
    results = run(scenario([Organisation(id="ccg", name="CCG", kind="commissioner")]))
    assert results.finance is None and results.expenditure is None


# --- groups and sectors in names -------------------------------------------------------------------------


def test_groups_and_sectors_add_up_their_members_with_finance() -> None:
    def org(org_id: str, kind: Any, income: float, spend: dict[str, float], **changes: Any) -> Organisation:
        expenditure = [category(name, amount) for name, amount in spend.items()]
        finance = OrgFinance(income=income, expenditure=expenditure)
        return Organisation(id=org_id, name=org_id, kind=kind, finance=finance, **changes)

    organisations = [
        org("ccg", "commissioner", 100, {"chc": 10, "pay": 1}),
        org("ft", "acute", 200, {"pay": 20}),
        org("community", "community", 400, {"pay": 40}, sector="social_care"),
        org("council", "council", 800, {"care": 80}),
        Organisation(id="gp", name="GP federation", kind="primary_care"),  # no finance: in no group
    ]
    formulas = {
        "providers": "expenditure.providers",
        "commissioners": "expenditure.commissioners",
        "councils_income": "income.councils",
        "nhs_income": "income.nhs",
        "social_care": "expenditure.social_care",
        "all_pay": "expenditure.all.pay",
        "provider_pay": "expenditure.providers.pay",
        "no_such_category": "expenditure.council.pay",
        "one_org": "income.ft + expenditure.ft.pay",
        "all_income": "income.all",
    }
    lines = [PlanLine(id=line_id, name=line_id, formula=text) for line_id, text in formulas.items()]
    results = run(scenario(organisations, positions=Positions(plan_lines=lines)))
    expected = {
        "providers": 60,  # ft and community (kind), not the GP federation without finance
        "commissioners": 11,
        "councils_income": 800,
        "nhs_income": 300,  # ccg and ft; community is social care by its sector, council by default
        "social_care": 120,
        "all_pay": 61,
        "provider_pay": 60,
        "no_such_category": 0,
        "one_org": 220,
        "all_income": 1500,
    }
    assert {line: position(results, line)[2] for line in formulas} == expected


# --- capacity --------------------------------------------------------------------------------------------

CAPACITY = Capacity(
    beds=[
        BedBase(id="medical", name="Medical", length_of_stay={"nel": {"2016/17": 6.0, "2018/19": 5.0}}),
        BedBase(
            id="short_stay",
            name="Short stay",
            length_of_stay={"ae": 0.1, "nel": 1.0},
            occupancy=0.5,
            days=100,
        ),
    ],
    workforce=[StaffGroup(id="nurses", name="Nurses", per_unit={"ae": 0.01, "nel": {"2017/18": 0.1}})],
)


def capacity_of(results: Results, measure: str, item: str, case: str) -> list[float]:
    data = results.capacity[measure]
    dim = "bed_base" if measure != "wte" else "staff_group"
    return [float(v) for v in data.sel({dim: item, "case": case}).values]


def test_bed_days_beds_and_wte_of_do_nothing_activity() -> None:
    results = run(scenario([Organisation(id="ccg", name="CCG", kind="commissioner")], capacity=CAPACITY))
    ae = [1000 * 1.1**t for t in range(5)]
    medical_days = [3000, 3000, 2500, 2500, 2500]  # 500 spells × 6, then × 5 days
    assert capacity_of(results, "bed_days", "medical", "do_nothing") == pytest.approx(medical_days)
    assert capacity_of(results, "beds", "medical", "do_nothing") == pytest.approx(
        [d / (365 * 0.85) for d in medical_days]
    )
    short_days = [a * 0.1 + 500 for a in ae]
    assert capacity_of(results, "bed_days", "short_stay", "do_nothing") == pytest.approx(short_days)
    assert capacity_of(results, "beds", "short_stay", "do_nothing") == pytest.approx(
        [d / 50 for d in short_days]
    )
    wte = [a * 0.01 + (50 if t >= 1 else 0) for t, a in enumerate(ae)]
    assert capacity_of(results, "wte", "nurses", "do_nothing") == pytest.approx(wte)
    # No schemes: do-something needs the same.
    assert capacity_of(results, "beds", "medical", "do_something") == pytest.approx(
        capacity_of(results, "beds", "medical", "do_nothing")
    )


def test_a_scheme_that_removes_spells_lowers_do_something_beds() -> None:
    scheme = Scheme(
        id="admission_avoidance",
        name="Admission avoidance",
        effects=[Reduce(kind="reduce", pod="nel", fraction={"2018/19": 0.2})],
    )
    results = run(
        scenario(
            [Organisation(id="ccg", name="CCG", kind="commissioner")], capacity=CAPACITY, schemes=[scheme]
        )
    )
    assert capacity_of(results, "bed_days", "medical", "do_something") == pytest.approx(
        [3000, 3000, 2000, 2000, 2000]
    )
    assert capacity_of(results, "beds", "medical", "do_something") == pytest.approx(
        [d / (365 * 0.85) for d in [3000, 3000, 2000, 2000, 2000]]
    )
    do_nothing = capacity_of(results, "beds", "medical", "do_nothing")
    do_something = capacity_of(results, "beds", "medical", "do_something")
    assert all(s < n for s, n in zip(do_something[2:], do_nothing[2:], strict=True))
    ae = [1000 * 1.1**t for t in range(5)]
    assert capacity_of(results, "wte", "nurses", "do_something") == pytest.approx(
        [a * 0.01 + (0 if t == 0 else 50 if t == 1 else 40) for t, a in enumerate(ae)]
    )


def test_no_capacity_block_gives_no_capacity() -> None:
    results = run(scenario([Organisation(id="ccg", name="CCG", kind="commissioner")]))
    assert not results.capacity.data_vars
