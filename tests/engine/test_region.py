"""Consolidating a region (engine/region.py): the region is the sum of its places less the payments between
places plus its own lines, every year; the organisations add up to the region; the order of the places does
not matter."""

from __future__ import annotations

from random import Random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from carebridge.engine.region import (
    BRIDGE_LINES,
    NOT_ALLOCATED,
    ORG_COLUMNS,
    RECONCILIATION,
    OutsidePayment,
    PlaceFigures,
    RegionLineValues,
    consolidate,
    place_figures,
)
from carebridge.scenario.loader import load_scenario
from tests.conftest import EXAMPLES

YEARS = ("2017/18", "2018/19", "2019/20")
POSITION = BRIDGE_LINES.index("place.do_something")


def figures(place: str, orgs: list[str], steps: np.ndarray, outside: list[OutsidePayment]) -> PlaceFigures:
    """A place whose organisations hold ``steps`` (org, step, year); the system holds their sum and one
    system line not allocated."""
    lines = len(BRIDGE_LINES)
    positions = np.zeros((lines, len(orgs) + 1, len(YEARS)))
    positions[: lines - 1, : len(orgs)] = np.moveaxis(steps, 0, 1)
    positions[: lines - 1, -1] = positions[: lines - 1, : len(orgs)].sum(axis=1)
    positions[BRIDGE_LINES.index("place.not_allocated"), -1] += 7.0
    positions[-1] = positions[:-1].sum(axis=0)
    names = tuple(f"{org.title()} of {place}" for org in orgs)
    return PlaceFigures(place, place.title(), YEARS, tuple(orgs), names, positions, tuple(outside))


def payment(payer: str, values: list[float]) -> OutsidePayment:
    return OutsidePayment(payer, "other", "nel", "Non-elective spells", np.array(values))


def test_the_region_is_its_places_less_the_payments_between_them_every_year() -> None:
    north = figures("north", ["ccg", "acute"], np.full((2, len(BRIDGE_LINES) - 1, 3), 10.0), [])
    south = figures(
        "south", ["ccg"], np.full((1, len(BRIDGE_LINES) - 1, 3), 5.0), [payment("ccg", [0, -600, -1200])]
    )
    fund = RegionLineValues("fund", "Transformation fund", np.array([0, -500, -500]), {"north.ccg": 1.0})
    region = consolidate([north, south], {"acute": ""}, [fund], {("south", "nel"): "acute"})
    rows = {row: region.reconciliation[i] for i, row in enumerate(RECONCILIATION)}
    places = north.positions[-1, -1] + south.positions[-1, -1]
    np.testing.assert_allclose(rows["places"], places)
    np.testing.assert_allclose(rows["eliminations"], [0, 600, 1200])
    np.testing.assert_allclose(
        rows["expected"], places + np.array([0, 600, 1200]) + np.array([0, -500, -500])
    )
    np.testing.assert_allclose(rows["organisations"], rows["expected"])
    np.testing.assert_allclose(rows["bridge"], rows["expected"])
    np.testing.assert_allclose(rows["difference"], 0.0, atol=1e-9)
    [eliminated] = region.eliminations
    assert (eliminated.place, eliminated.payer, eliminated.provider) == ("south", "south.ccg", "acute")
    acute = region.orgs.index("acute")
    lost = ORG_COLUMNS.index("eliminations")
    np.testing.assert_allclose(region.org_positions[acute, lost], [0, 600, 1200])
    assert region.org_names[acute] == "Acute of north"
    assert region.orgs[-1] == NOT_ALLOCATED
    not_allocated = region.org_positions[-1, ORG_COLUMNS.index("do_something")]
    np.testing.assert_allclose(not_allocated, 14.0)  # each place's system line not allocated


def test_a_shared_organisation_is_one_organisation_summed_over_its_places() -> None:
    north = figures("north", ["ccg", "council"], np.full((2, len(BRIDGE_LINES) - 1, 3), 1.0), [])
    south = figures("south", ["ccg", "council"], np.full((2, len(BRIDGE_LINES) - 1, 3), 2.0), [])
    region = consolidate([north, south], {"ccg": "Vale CCG"})
    assert region.orgs == ("ccg", "north.council", "south.council", NOT_ALLOCATED)
    assert region.org_names[0] == "Vale CCG"
    assert region.org_places[0] == ("north", "south")
    something = ORG_COLUMNS.index("do_something")
    np.testing.assert_allclose(region.org_positions[0, something], 3 * (len(BRIDGE_LINES) - 1))


def test_an_unmatched_outside_payment_is_not_eliminated() -> None:
    south = figures(
        "south", ["ccg"], np.zeros((1, len(BRIDGE_LINES) - 1, 3)), [payment("ccg", [0, -600, -1200])]
    )
    region = consolidate([south], {})
    assert region.eliminations == ()


Case = tuple[list[PlaceFigures], dict[str, str], list[RegionLineValues], dict[tuple[str, str], str]]
place_count = st.integers(min_value=1, max_value=4)
money = st.floats(min_value=-1e5, max_value=1e5, allow_nan=False)


@st.composite
def regions(draw: st.DrawFn) -> Case:
    count = draw(place_count)
    places = []
    paid_from: dict[tuple[str, str], str] = {}
    for p in range(count):
        orgs = ["ccg", "acute"] if p == 0 else draw(st.sampled_from([["ccg"], ["ccg", "council"]]))
        steps = np.array(
            draw(
                st.lists(
                    money,
                    min_size=len(orgs) * (len(BRIDGE_LINES) - 1) * 3,
                    max_size=len(orgs) * (len(BRIDGE_LINES) - 1) * 3,
                )
            )
        ).reshape(len(orgs), len(BRIDGE_LINES) - 1, 3)
        outside = [payment("ccg", draw(st.lists(money, min_size=3, max_size=3)))] if p else []
        if p:
            paid_from[(f"p{p}", "nel")] = "acute"
        places.append(figures(f"p{p}", orgs, steps, outside))
    shared = {"acute": "", **({"ccg": ""} if draw(st.booleans()) else {})}
    lines = [RegionLineValues("fund", "Fund", np.array(draw(st.lists(money, min_size=3, max_size=3))), None)]
    return places, shared, lines, paid_from


@settings(max_examples=60, deadline=None)
@given(regions(), st.randoms(use_true_random=False))
def test_organisations_add_up_to_the_region_whatever_the_order_of_places(case: Case, random: Random) -> None:
    places, shared, lines, paid_from = case
    region = consolidate(places, shared, lines, paid_from)
    something = ORG_COLUMNS.index("do_something")
    np.testing.assert_allclose(
        region.org_positions[:, something].sum(axis=0), region.bridge[-1], rtol=1e-9, atol=1e-6
    )
    np.testing.assert_allclose(region.reconciliation[-1], 0.0, atol=1e-6)
    shuffled = list(places)
    random.shuffle(shuffled)
    again = consolidate(shuffled, shared, lines, paid_from)
    np.testing.assert_allclose(again.bridge, region.bridge, rtol=1e-9, atol=1e-6)
    by_org = dict(zip(region.orgs, region.org_positions, strict=True))
    for org, values in zip(again.orgs, again.org_positions, strict=True):
        np.testing.assert_allclose(values, by_org[org], rtol=1e-9, atol=1e-6)


def test_a_place_bridge_adds_up_to_its_position_from_the_schemes() -> None:
    from carebridge.engine import run

    results = run(load_scenario(EXAMPLES / "stockport-2017" / "scenario.yaml").scenario)
    place = place_figures("stockport", "Stockport", results)
    np.testing.assert_allclose(place.positions[:-1].sum(axis=0), place.positions[-1])
    held = results.scheme_positions
    assert held is not None
    system = held.sel(holder="system")
    loose = place.positions[BRIDGE_LINES.index("place.not_allocated"), -1]
    np.testing.assert_allclose(
        place.positions[POSITION, -1], system.sel(line="schemes.position").values + loose, atol=1e-6
    )
