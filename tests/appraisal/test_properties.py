"""Properties of the appraisal formulas over random rates and cash flows (hypothesis)."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings

from carebridge.engine.appraisal import (
    NEVER,
    PAYBACK_TOLERANCE,
    RateBand,
    cumulative_discounted_net,
    discount_factors,
    net_present_value,
    payback_index,
    present_value,
    started,
)
from carebridge.scenario.years import format_year

pytestmark = pytest.mark.property
FAST = settings(max_examples=60, deadline=None)

amounts = st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False)


@st.composite
def schedules(draw: st.DrawFn, positive: bool = True) -> tuple[RateBand, ...]:
    """Rate bands from year 0, starting in increasing years."""
    starts = sorted(draw(st.sets(st.integers(1, 200), max_size=5)))
    low = 1e-4 if positive else 0.0
    rates = draw(st.lists(st.floats(low, 0.2), min_size=len(starts) + 1, max_size=len(starts) + 1))
    return tuple(RateBand(start=s, rate=r) for s, r in zip([0, *starts], rates, strict=True))


@st.composite
def flows(draw: st.DrawFn) -> tuple[xr.DataArray, xr.DataArray]:
    """Benefit and cost over the same random run of years."""
    years = draw(st.integers(1, 40))
    labels = [format_year(2016 + t) for t in range(years)]
    benefit = draw(st.lists(amounts, min_size=years, max_size=years))
    cost = draw(st.lists(amounts, min_size=years, max_size=years))
    coords = {"year": labels}
    return xr.DataArray(benefit, coords=coords), xr.DataArray(cost, coords=coords)


def factors_for(values: xr.DataArray, bands: tuple[RateBand, ...]) -> xr.DataArray:
    return xr.DataArray(discount_factors(values.sizes["year"], bands), coords={"year": values.year})


@FAST
@given(schedules(), st.integers(1, 400))
def test_discount_factors_are_positive_and_decreasing(bands: tuple[RateBand, ...], periods: int) -> None:
    factors = discount_factors(periods, bands)
    assert factors[0] == 1.0
    assert np.all(factors > 0)
    assert np.all(np.diff(factors) < 0)


@FAST
@given(flows())
def test_zero_rate_gives_undiscounted_sums(flow: tuple[xr.DataArray, xr.DataArray]) -> None:
    benefit, cost = flow
    factors = factors_for(benefit, (RateBand(start=0, rate=0.0),))
    assert np.all(factors == 1.0)
    assert float(present_value(benefit, factors)) == pytest.approx(float(benefit.sum()), rel=1e-12, abs=1e-9)
    npv = float(net_present_value(benefit, cost, factors))
    assert npv == pytest.approx(float(benefit.sum() - cost.sum()), rel=1e-9, abs=1e-6)


@FAST
@given(flows(), schedules())
def test_npv_of_a_zero_scheme_is_zero(
    flow: tuple[xr.DataArray, xr.DataArray], bands: tuple[RateBand, ...]
) -> None:
    zero = xr.zeros_like(flow[0])
    factors = factors_for(zero, bands)
    assert float(net_present_value(zero, zero, factors)) == 0.0
    assert int(payback_index(cumulative_discounted_net(zero, zero, factors), started(zero, zero))) == NEVER


@FAST
@given(flows(), schedules())
def test_npv_is_pv_of_benefit_less_pv_of_cost(
    flow: tuple[xr.DataArray, xr.DataArray], bands: tuple[RateBand, ...]
) -> None:
    benefit, cost = flow
    factors = factors_for(benefit, bands)
    npv = float(net_present_value(benefit, cost, factors))
    difference = float(present_value(benefit, factors) - present_value(cost, factors))
    assert npv == pytest.approx(difference, rel=1e-9, abs=1e-6)
    cumulative = cumulative_discounted_net(benefit, cost, factors)
    assert float(cumulative[-1]) == pytest.approx(npv, rel=1e-9, abs=1e-6)


@FAST
@given(flows(), schedules())
def test_payback_is_the_first_year_cumulative_net_benefit_reaches_zero(
    flow: tuple[xr.DataArray, xr.DataArray], bands: tuple[RateBand, ...]
) -> None:
    benefit, cost = flow
    cumulative = cumulative_discounted_net(benefit, cost, factors_for(benefit, bands))
    index = int(payback_index(cumulative, started(benefit, cost)))
    values = cumulative.values
    # Payback counts from the first year of investment; a scheme with no cost, from its first benefit.
    invested = [bool(c) for c in cost.values]
    active = invested if any(invested) else [bool(b) for b in benefit.values]
    first_active = active.index(True) if True in active else len(values)
    expected = next(
        (t for t in range(first_active, len(values)) if values[t] >= -PAYBACK_TOLERANCE),
        NEVER,
    )
    assert index == expected
