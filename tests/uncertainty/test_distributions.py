"""Distributions: moments, bounds, central values and quantiles."""

from __future__ import annotations

import numpy as np
import pytest

from carebridge.scenario.distributions import (
    AnyDistribution,
    Choice,
    Lognormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
)

DISTRIBUTIONS: list[AnyDistribution] = [
    Triangular(dist="triangular", low=1.0, mode=2.0, high=6.0),
    Pert(dist="pert", low=1.0, mode=2.0, high=6.0),
    Pert(dist="pert", low=0.0, mode=5.0, high=10.0, shape=8.0),
    Normal(dist="normal", mean_=10.0, sd=2.0),
    Normal(dist="normal", mean_=10.0, sd=2.0, low=9.0, high=16.0),
    Normal(dist="normal", mean_=0.5, sd=0.3, low=0.0),
    Lognormal(dist="lognormal", mean_=100.0, sd=30.0),
    Uniform(dist="uniform", low=-3.0, high=5.0),
    Choice(dist="choice", values=[1.0, 2.0, 10.0], weights=[0.5, 0.3, 0.2]),
    Choice(dist="choice", values=[4.0, 8.0]),
]
UNIFORM = (np.arange(200_000) + 0.5) / 200_000  # an even spread of quantiles: moments to within ~0.1%


@pytest.mark.parametrize("dist", DISTRIBUTIONS, ids=lambda d: f"{d.dist}-{d.central()}")
def test_moments_of_the_draws_match_the_formulas(dist: AnyDistribution) -> None:
    values = dist.ppf(UNIFORM)
    scale = np.sqrt(dist.variance()) or 1.0
    assert values.mean() == pytest.approx(dist.mean(), abs=2e-3 * scale)
    assert values.var() == pytest.approx(dist.variance(), rel=5e-3)


@pytest.mark.parametrize("dist", DISTRIBUTIONS, ids=lambda d: f"{d.dist}-{d.central()}")
def test_draws_stay_within_the_bounds_and_rise_with_the_quantile(dist: AnyDistribution) -> None:
    values = dist.ppf(np.random.default_rng(3).random(50_000))
    low, high = dist.bounds()
    if not isinstance(dist, Normal | Lognormal) or (isinstance(dist, Normal) and dist.low is not None):
        assert values.min() >= low
    if isinstance(dist, Triangular | Pert | Uniform | Choice) or (
        isinstance(dist, Normal) and dist.high is not None
    ):
        assert values.max() <= high
    assert np.all(np.diff(dist.ppf(np.linspace(0.001, 0.999, 101))) >= 0)


def test_the_central_value_is_the_mode_of_triangular_and_pert_and_the_mean_otherwise() -> None:
    central = [d.central() for d in DISTRIBUTIONS]
    assert central == pytest.approx([2.0, 2.0, 5.0, 10.0, 10.0, 0.5, 100.0, 1.0, 3.1, 6.0])


def test_quantiles_of_closed_forms() -> None:
    triangle = Triangular(dist="triangular", low=0.0, mode=0.0, high=1.0)
    assert triangle.quantile(0.75) == pytest.approx(0.5)  # F(x) = 1 − (1 − x)²
    assert Uniform(dist="uniform", low=2, high=4).quantile(0.1) == pytest.approx(2.2)
    assert Normal(dist="normal", mean_=0, sd=1).quantile(0.9) == pytest.approx(1.2815515655)
    pert = Pert(dist="pert", low=0, mode=0.5, high=1)
    assert pert.quantile(0.5) == pytest.approx(0.5)


@pytest.mark.parametrize(
    "dist",
    [
        Triangular(dist="triangular", low=3.0, mode=3.0, high=3.0),
        Pert(dist="pert", low=3.0, mode=3.0, high=3.0),
        Normal(dist="normal", mean_=3.0, sd=0.0),
        Uniform(dist="uniform", low=3.0, high=3.0),
        Choice(dist="choice", values=[3.0]),
    ],
    ids=lambda d: d.dist,
)
def test_a_zero_width_distribution_always_gives_its_value(dist: AnyDistribution) -> None:
    assert np.all(dist.ppf(np.linspace(0, 1, 11)) == 3.0)
    assert dist.central() == 3.0
    assert dist.variance() == 0.0


def test_the_range_of_an_unbounded_distribution_is_its_tenth_of_a_percent_quantiles() -> None:
    low, high = Normal(dist="normal", mean_=0, sd=1).bounds()
    assert (low, high) == pytest.approx((-3.0902323, 3.0902323))
    assert Lognormal(dist="lognormal", mean_=1, sd=0.1).bounds()[0] == 0.0
