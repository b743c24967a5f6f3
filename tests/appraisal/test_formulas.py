"""The appraisal formulas against examples computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from carebridge.engine.appraisal import (
    GREEN_BOOK_RATES,
    NEVER,
    PROGRAMME,
    AppraisalParameters,
    OptimismBias,
    RateBand,
    appraise,
    benefit_cost_ratio,
    check_parameters,
    cumulative_discounted_net,
    discount_factors,
    discount_rates,
    net_present_value,
    payback_index,
    present_value,
    price_factors,
    real_terms,
    return_on_investment,
    started,
    with_optimism_bias,
)
from carebridge.engine.results import Results

pytestmark = pytest.mark.unit
YEARS = ["2016/17", "2017/18", "2018/19", "2019/20"]


def by_year(values: list[float]) -> xr.DataArray:
    return xr.DataArray(np.array(values, dtype=float), coords={"year": YEARS[: len(values)]})


def test_green_book_schedule_is_table_8() -> None:
    bands = [(band.start, band.rate) for band in GREEN_BOOK_RATES]
    assert bands == [(0, 0.035), (31, 0.03), (76, 0.025), (126, 0.02), (201, 0.015), (301, 0.01)]


def test_discount_factors_at_three_and_a_half_percent() -> None:
    expected = [1.0, 1 / 1.035, 1 / 1.035**2, 1 / 1.035**3]
    np.testing.assert_allclose(discount_factors(4), expected, rtol=1e-15)
    np.testing.assert_allclose(discount_factors(4)[1:], [0.966183575, 0.933510700, 0.901942706], atol=1e-9)


def test_declining_rate_applies_from_the_end_of_the_band_before() -> None:
    factors = discount_factors(130)
    assert factors[30] == pytest.approx(1.035**-30, rel=1e-12)
    assert factors[31] == pytest.approx(1.035**-30 / 1.03, rel=1e-12)
    assert factors[75] == pytest.approx(1.035**-30 * 1.03**-45, rel=1e-12)
    assert factors[76] == pytest.approx(1.035**-30 * 1.03**-45 / 1.025, rel=1e-12)
    assert factors[126] == pytest.approx(factors[125] / 1.02, rel=1e-12)
    rates = discount_rates(302)
    assert (rates[30], rates[31], rates[75], rates[76], rates[201], rates[301]) == (
        0.035,
        0.03,
        0.03,
        0.025,
        0.015,
        0.01,
    )


def test_npv_bcr_roi_and_payback_of_a_hand_example() -> None:
    # 150 invested in year 0; 100 a year saved in years 1 to 3; at 3.5%:
    # PV(B) = 100 (0.966184 + 0.933511 + 0.901943) = 280.1637; NPV = 130.1637; BCR = 1.8678; ROI = 0.8678.
    benefit, cost = by_year([0, 100, 100, 100]), by_year([150, 0, 0, 0])
    factors = xr.DataArray(discount_factors(4), coords={"year": YEARS})
    pv_benefit, pv_cost = present_value(benefit, factors), present_value(cost, factors)
    assert float(pv_benefit) == pytest.approx(280.16370, abs=1e-5)
    assert float(net_present_value(benefit, cost, factors)) == pytest.approx(130.16370, abs=1e-5)
    assert float(benefit_cost_ratio(pv_benefit, pv_cost)) == pytest.approx(1.867758, abs=1e-6)
    assert float(return_on_investment(pv_benefit, pv_cost)) == pytest.approx(0.867758, abs=1e-6)
    cumulative = cumulative_discounted_net(benefit, cost, factors)
    np.testing.assert_allclose(cumulative, [-150, -53.38164, 39.96943, 130.16370], atol=1e-5)
    assert int(payback_index(cumulative, started(benefit, cost))) == 2


def test_payback_never_and_not_before_the_scheme_starts() -> None:
    factors = xr.DataArray(discount_factors(4), coords={"year": YEARS})
    losing = (by_year([0, 0, 10, 10]), by_year([0, 50, 0, 0]))
    late = (by_year([0, 0, 20, 20]), by_year([0, 0, 5, 5]))
    zero = (by_year([0, 0, 0, 0]), by_year([0, 0, 0, 0]))
    paybacks = [
        int(payback_index(cumulative_discounted_net(b, c, factors), started(b, c)))
        for b, c in (losing, late, zero)
    ]
    assert paybacks == [NEVER, 2, NEVER]


def test_ratios_are_not_a_number_without_cost() -> None:
    assert np.isnan(float(benefit_cost_ratio(xr.DataArray(5.0), xr.DataArray(0.0))))
    assert np.isnan(float(return_on_investment(xr.DataArray(5.0), xr.DataArray(0.0))))


def test_real_terms_and_optimism_bias() -> None:
    deflator = by_year([100.0, 102.0, 104.04, 110.0])
    factors = price_factors(deflator, "2016/17")
    np.testing.assert_allclose(real_terms(by_year([100, 102, 104.04, 220]), factors), [100, 100, 100, 200])
    np.testing.assert_allclose(price_factors(deflator, "2017/18").sel(year="2016/17"), 1.02)
    np.testing.assert_allclose(with_optimism_bias(by_year([100, 50]), 0.2), [120, 60])


def test_appraise_with_no_discounting_gives_the_runs_sums(stockport: Results) -> None:
    appraisal = appraise(stockport, AppraisalParameters(discount_rates=[RateBand(start=0, rate=0.0)]))
    summary = stockport.scheme_summary
    for scheme in [str(s) for s in summary.scheme.values]:
        invested = float(summary.investment.sel(scheme=scheme).sum())
        for basis in ("tariff", "cost"):
            saved = -float(summary.benefit.sel(scheme=scheme, basis=basis).sum())
            cell = appraisal.summary.sel(scheme=scheme, basis=basis)
            assert (float(cell.pv_benefit), float(cell.pv_cost)) == pytest.approx((saved, invested))
            assert float(cell.npv) == pytest.approx(saved - invested)
    programme = appraisal.summary.sel(scheme=PROGRAMME, basis="tariff")
    total_investment = stockport.statement.sel(basis="tariff", line="total_investment").sum()
    assert float(programme.pv_cost) == pytest.approx(float(total_investment))
    assert float(programme.pv_benefit) == pytest.approx(-float(summary.benefit.sel(basis="tariff").sum()))


def test_appraise_programme_adds_schemes_and_applies_uplifts(stockport: Results) -> None:
    bias = OptimismBias(default=0.1, programme=0.5, schemes={"neighbourhood": 0.3})
    plain = appraise(stockport, AppraisalParameters())
    raised = appraise(stockport, AppraisalParameters(optimism_bias=bias))
    ratio = raised.summary.pv_cost / plain.summary.pv_cost
    assert float(ratio.sel(scheme="neighbourhood", basis="cost")) == pytest.approx(1.3)
    assert float(ratio.sel(scheme="outpatients", basis="tariff")) == pytest.approx(1.1)
    schemes = [s for s in raised.schemes if s != PROGRAMME]
    pv = raised.summary.sel(scheme=schemes).sum("scheme")
    programme = raised.summary.sel(scheme=PROGRAMME)
    xr.testing.assert_allclose(pv.pv_benefit, programme.pv_benefit.drop_vars("scheme"))
    other = float(programme.pv_cost.sel(basis="cost") - pv.pv_cost.sel(basis="cost"))
    other_plain = float(plain.summary.pv_cost.sel(scheme=PROGRAMME, basis="cost")) - float(
        plain.summary.pv_cost.sel(scheme=schemes, basis="cost").sum()
    )
    assert other == pytest.approx(1.5 * other_plain)
    uplift = raised.by_year.optimism_bias.sel(scheme="neighbourhood", basis="cost")
    np.testing.assert_allclose(
        uplift, 0.3 / 1.3 * raised.by_year.cost.sel(scheme="neighbourhood", basis="cost")
    )


def test_appraise_from_a_later_base_year_leaves_earlier_years_out(stockport: Results) -> None:
    appraisal = appraise(stockport, AppraisalParameters(discount_base_year="2018/19"))
    assert appraisal.years[0] == "2018/19"
    assert float(appraisal.by_year.discount_factor.sel(year="2018/19")) == 1.0


def test_check_parameters_reports_each_problem() -> None:
    parameters = AppraisalParameters(
        discount_base_year="2015/16",
        discount_rates=[RateBand(start=1, rate=0.03), RateBand(start=1, rate=0.02)],
        deflator={"2016/17": 100.0, "2017/18": -1.0},
        optimism_bias=OptimismBias(schemes={"neighbourhod": 0.2}),
    )
    messages = [str(p) for p in check_parameters(parameters, YEARS, ["neighbourhood"])]
    assert messages == [
        "discount_base_year: '2015/16' is not a year of the scenario; expected one of 2016/17 to 2019/20",
        "discount_rates: the first band must start at year 0 (from: 0)",
        "discount_rates[1].from: bands must start in increasing years; 1 follows 1",
        "deflator: no index for 2018/19, 2019/20; expected an index for every year appraised",
        "deflator.2017/18: expected a positive index; found -1",
        "optimism_bias.schemes.neighbourhod: no scheme 'neighbourhod' in the scenario; did you mean "
        "'neighbourhood'?",
    ]
