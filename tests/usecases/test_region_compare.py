"""Comparing regions (usecases/region_compare.py): two versions of a region file, and each variant of a
region applied to every place that has what it changes; a change no place has, or that a place cannot
take, is a problem at its line of the region file."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from carebridge.engine.region_compare import REGION, org_key, place_key, sector_key
from carebridge.scenario.region import RegionError
from carebridge.scenario.schema import Change
from carebridge.usecases.errors import NoVariantsError, UnknownVariantsError
from carebridge.usecases.region import run_region
from carebridge.usecases.region_compare import compare_region_variants, compare_region_versions, has_path
from tests.conftest import EXAMPLES

TWO_PLACES = EXAMPLES / "two-places"
REGION_FILE = TWO_PLACES / "region.yaml"
JUNE = TWO_PLACES / "region-june.yaml"
LAST = "2019/20"


def test_two_versions_differ_by_the_fund_as_worked_out_by_hand() -> None:
    """June's fund is (800) from 2018/19, shared 60:40, against (500) shared 50:50: Northvale CCG
    0.6 × (800) − 0.5 × (500) = (230); Southdale CCG 0.4 × (800) − 0.5 × (500) = (70); the region (300)."""
    found = compare_region_versions(REGION_FILE, JUNE, mode="serial")
    assert (found.base_name, found.other_names) == ("Vale region", ["Vale region, June revision"])
    [item] = found.items
    change = item.comparison.positions.difference.sel(measure="do_something", year=LAST)
    assert float(change.sel(holder=org_key("north.ccg"))) == pytest.approx(-230.0)
    assert float(change.sel(holder=org_key("south.ccg"))) == pytest.approx(-70.0)
    assert float(change.sel(holder=org_key("acute"))) == pytest.approx(0.0)
    assert float(change.sel(holder=sector_key("nhs"))) == pytest.approx(-300.0)
    assert float(change.sel(holder=place_key("north"))) == pytest.approx(0.0)
    assert float(change.sel(holder=REGION)) == pytest.approx(-300.0)
    fund = item.comparison.bridge.sel(line="region.fund", year=LAST)
    assert (float(fund.base), float(fund.other), float(fund.difference)) == pytest.approx((-500, -800, -300))
    assert float(item.comparison.positions.base.sel(measure="do_something", holder=REGION, year=LAST)) == (
        pytest.approx(2500.0)
    )


def test_each_variant_is_applied_to_every_place_that_has_what_it_changes() -> None:
    found = compare_region_variants(REGION_FILE, mode="serial")
    assert [item.label for item in found.items] == [
        "Non-elective tariff 5% higher",
        "Northvale frailty service delivers half",
    ]
    assert [change.partition(":")[0] for change in found.changes] == [
        "dearer_spells in north",
        "dearer_spells in south",
        "frailty_half in north",
    ]
    dearer = found.items[0].comparison.positions.difference.sel(measure="do_something", year=LAST)
    assert float(dearer.sel(holder=place_key("north"))) == pytest.approx(-100.0)
    assert float(dearer.sel(holder=place_key("south"))) == pytest.approx(-60.0)
    assert float(dearer.sel(holder=org_key("acute"))) == pytest.approx(60.0)  # a payment between places
    assert float(dearer.sel(holder=REGION)) == pytest.approx(-100.0)
    frailty = found.items[1].comparison.positions.difference.sel(measure="do_something", year=LAST)
    assert float(frailty.sel(holder=place_key("south"))) == pytest.approx(0.0)
    assert float(frailty.sel(holder=place_key("north"))) == pytest.approx(1000.0)  # half of 1,000 spells
    assert float(frailty.sel(holder=REGION)) == pytest.approx(1000.0)
    only = compare_region_variants(REGION_FILE, ["frailty_half"], mode="serial")
    assert [item.label for item in only.items] == ["Northvale frailty service delivers half"]


def test_a_variant_gives_the_region_of_its_places_varied_by_hand(tmp_path: Path) -> None:
    """The tariff 5% higher in both places, written into copies of their files, makes the same region."""
    for name in ("north.yaml", "south.yaml"):
        text = (TWO_PLACES / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("price: 2000", "price: 2100"), encoding="utf-8")
    text = REGION_FILE.read_text(encoding="utf-8")
    (tmp_path / "region.yaml").write_text(text.partition("\nvariants:")[0] + "\n", encoding="utf-8")
    by_hand = run_region(tmp_path / "region.yaml", mode="serial").consolidation
    varied = compare_region_variants(REGION_FILE, ["dearer_spells"], mode="serial").items[0].other
    assert varied.orgs == by_hand.orgs
    np.testing.assert_allclose(varied.org_positions, by_hand.org_positions, atol=1e-9)
    np.testing.assert_allclose(varied.bridge, by_hand.bridge, atol=1e-9)


def test_a_region_without_variants_or_without_the_one_asked_for_is_refused() -> None:
    with pytest.raises(NoVariantsError):
        compare_region_variants(JUNE, mode="serial")
    with pytest.raises(UnknownVariantsError) as raised:
        compare_region_variants(REGION_FILE, ["nope"], mode="serial")
    assert raised.value.known == ("dearer_spells", "frailty_half")


BAD_VARIANT = """  - id: nowhere
    name: Changes no place can take
    changes:
      - {path: schemes.virtual_wards.delivery, set: 0.5}
      - {path: pods.nel.price, set: -5}
"""


def test_a_change_no_place_has_and_one_a_place_cannot_take_are_located(tmp_path: Path) -> None:
    for name in ("north.yaml", "south.yaml"):
        shutil.copy(TWO_PLACES / name, tmp_path / name)
    text = REGION_FILE.read_text(encoding="utf-8") + BAD_VARIANT
    (tmp_path / "region.yaml").write_text(text, encoding="utf-8")
    lines = text.splitlines()
    path_line = 1 + next(i for i, line in enumerate(lines) if "virtual_wards" in line)
    with pytest.raises(RegionError) as raised:
        compare_region_variants(tmp_path / "region.yaml", mode="serial")
    message = str(raised.value)
    assert (
        f"region.yaml:{path_line} variants[2].changes[0].path: no place has 'schemes.virtual_wards.delivery'"
        in message
    )
    assert (
        "in place 'north': after this variant's changes, pods[0].price: a unit price cannot be negative"
        in (message)
    )
    assert "in place 'south'" in message


@pytest.mark.parametrize(
    ("change", "has"),
    [
        (Change(path="pods.nel.price", scale=1.1), True),
        (Change(path="schemes.frailty.effects.0.fraction", scale=0.5), True),
        (Change(path="schemes.home_first.effects.0.fraction", scale=0.5), False),
        (Change(path="schemes.frailty.delivery", set=0.8), True),  # a field written nowhere has its default
        (Change(path="positions.do_nothing.acute", set=10), True),
        (Change(path="positions.plan_lines", add={"id": "x", "name": "X", "value": 1}), True),
        (Change(path="pods.ae.price", scale=1.1), False),
    ],
)
def test_what_a_place_has(change: Change, has: bool) -> None:
    from carebridge.usecases.planning import load
    from carebridge.usecases.region_compare import _full_data

    north = _full_data(load(TWO_PLACES / "north.yaml").scenario)
    assert has_path(north, change) is has
