"""Comparing two consolidations of a region (engine/region_compare.py): a region against itself differs by
nothing; A against B is minus B against A; every holder's difference is its position under B less under A,
and the organisations' differences add up to the region's."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings

from carebridge.engine.region import (
    BRIDGE_LINES,
    NOT_ALLOCATED,
    Consolidation,
    RegionLineValues,
    consolidate,
)
from carebridge.engine.region_compare import (
    REGION,
    compare_regions,
    org_key,
    place_key,
    region_positions,
    sector_key,
)
from tests.engine.test_region import Case, figures, regions


def _consolidated(case: Case) -> Consolidation:
    places, shared, lines, paid_from = case
    return consolidate(places, shared, lines, paid_from)


@settings(max_examples=40, deadline=None)
@given(regions())
def test_a_region_compared_with_itself_differs_by_nothing(case: Case) -> None:
    region = _consolidated(case)
    compared = compare_regions(region, region)
    np.testing.assert_array_equal(compared.positions.difference.values, 0.0)
    np.testing.assert_array_equal(compared.bridge.difference.values, 0.0)
    np.testing.assert_array_equal(compared.positions.base.values, compared.positions.other.values)


@settings(max_examples=40, deadline=None)
@given(regions(), regions())
def test_a_against_b_is_minus_b_against_a(first: Case, second: Case) -> None:
    a, b = _consolidated(first), _consolidated(second)
    forward, backward = compare_regions(a, b), compare_regions(b, a)
    assert set(forward.holders) == set(backward.holders)
    assert set(forward.lines) == set(backward.lines)
    turned = backward.positions.difference.sel(holder=list(forward.holders))
    np.testing.assert_allclose(forward.positions.difference.values, -turned.values, atol=1e-9)
    lines = backward.bridge.difference.sel(line=list(forward.lines))
    np.testing.assert_allclose(forward.bridge.difference.values, -lines.values, atol=1e-9)
    organisations = [h for h in forward.holders if forward.holder_kinds[h] == "organisation"]
    something = forward.positions.difference.sel(measure="do_something")
    np.testing.assert_allclose(
        something.sel(holder=organisations).sum("holder").values,
        something.sel(holder=REGION).values,
        rtol=1e-9,
        atol=1e-6,
    )


def test_every_holder_is_compared_organisations_sectors_places_and_the_region() -> None:
    years = 3
    steps = np.full((2, len(BRIDGE_LINES) - 1, years), 10.0)
    north = replace(figures("north", ["ccg", "council"], steps, []), org_sectors=("nhs", "social_care"))
    south = replace(figures("south", ["ccg"], steps[:1] * 2, []), org_sectors=("nhs",))
    fund = RegionLineValues(
        "fund", "Transformation fund", np.array([0.0, -500.0, -500.0]), {"north.ccg": 1.0}
    )
    base = consolidate([north, south], {})
    other = consolidate([north, south], {}, [fund])
    compared = compare_regions(base, other)
    assert compared.holders == (
        org_key("north.ccg"),
        org_key("north.council"),
        org_key("south.ccg"),
        org_key(NOT_ALLOCATED),
        sector_key("nhs"),
        sector_key("social_care"),
        place_key("north"),
        place_key("south"),
        REGION,
    )
    change = compared.positions.difference.sel(measure="do_something")
    np.testing.assert_allclose(change.sel(holder=org_key("north.ccg")), [0, -500, -500])
    np.testing.assert_allclose(change.sel(holder=sector_key("nhs")), [0, -500, -500])
    np.testing.assert_allclose(change.sel(holder=sector_key("social_care")), 0.0)
    np.testing.assert_allclose(change.sel(holder=place_key("north")), 0.0)  # the places' plans are unchanged
    np.testing.assert_allclose(change.sel(holder=REGION), [0, -500, -500])
    assert compared.lines[-1] == "place.do_something" and "region.fund" in compared.lines
    np.testing.assert_allclose(compared.bridge.base.sel(line="region.fund"), 0.0)  # only B has the fund
    assert compared.line_names["region.fund"] == "Transformation fund"
    assert compared.holder_names[org_key("north.ccg")] == "Ccg of north (North)"
    positions = region_positions(other)
    gap = positions.sel(measure="do_nothing", holder=sector_key("nhs"))
    np.testing.assert_allclose(gap, 10.0 + 20.0)  # the CCGs' do-nothing gaps
