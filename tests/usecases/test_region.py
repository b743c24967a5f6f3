"""Running a region (usecases/region.py): the same numbers serially, in a local pool and on dask; every
problem of the region file and of its places at once, each in its own file."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from carebridge.scenario.region import RegionError
from carebridge.usecases.region import RegionRun, run_region
from tests.conftest import EXAMPLES

TWO_PLACES = EXAMPLES / "two-places" / "region.yaml"


def same(one: RegionRun, other: RegionRun) -> None:
    a, b = one.consolidation, other.consolidation
    assert a.orgs == b.orgs and a.bridge_lines == b.bridge_lines
    np.testing.assert_array_equal(a.bridge, b.bridge)
    np.testing.assert_array_equal(a.org_positions, b.org_positions)
    np.testing.assert_array_equal(a.place_bridges, b.place_bridges)
    np.testing.assert_array_equal(a.reconciliation, b.reconciliation)


def test_the_two_places_consolidate_as_checked_by_hand_in_the_readme() -> None:
    done = run_region(TWO_PLACES, mode="serial")
    region = done.consolidation
    last = region.years.index("2019/20")
    assert region.bridge[-1, last] == pytest.approx(2500.0)
    [eliminated] = region.eliminations
    assert eliminated.values.tolist() == pytest.approx([0.0, -600.0, -1200.0])
    acute = region.orgs.index("acute")
    assert region.org_names[acute] == "Vale Hospitals NHS Foundation Trust"
    assert region.org_positions[acute, -1, last] == pytest.approx(3200.0)
    np.testing.assert_allclose(region.reconciliation[-1], 0.0, atol=1e-9)


def test_places_run_in_a_local_pool_give_the_numbers_of_a_serial_run() -> None:
    same(run_region(TWO_PLACES, mode="serial"), run_region(TWO_PLACES, mode="local", workers=2))


def test_places_run_on_dask_give_the_numbers_of_a_serial_run() -> None:
    pytest.importorskip("dask.distributed")
    same(run_region(TWO_PLACES, mode="serial"), run_region(TWO_PLACES, mode="dask", workers=1))


def test_every_problem_of_the_region_and_its_places_at_once(tmp_path: Path) -> None:
    for name in ("north.yaml", "south.yaml"):
        shutil.copy(TWO_PLACES.parent / name, tmp_path / name)
    north = tmp_path / "north.yaml"
    north.write_text(north.read_text().replace("kind: acute", "kind: hospital"), encoding="utf-8")
    south = tmp_path / "south.yaml"
    south.write_text(south.read_text().replace("base: 6000", "base: six thousand"), encoding="utf-8")
    region = TWO_PLACES.read_text().replace("north.ccg: 0.5", "north.ccg: 0.6")
    (tmp_path / "region.yaml").write_text(region, encoding="utf-8")
    with pytest.raises(RegionError) as raised:
        run_region(tmp_path / "region.yaml", mode="serial")
    message = str(raised.value)
    assert f"{tmp_path / 'north.yaml'}:" in message and "organisations[1].kind" in message
    assert f"{tmp_path / 'south.yaml'}:" in message and "pods[0].activity.base" in message
    assert f"{tmp_path / 'region.yaml'}:" in message and "the shares add up to 1.1; expected 1" in message
    assert message.startswith("3 problems")


def test_a_place_folder_lists_every_scenario_in_it(tmp_path: Path) -> None:
    (tmp_path / "places").mkdir()
    for name in ("north.yaml", "south.yaml"):
        shutil.copy(TWO_PLACES.parent / name, tmp_path / "places" / name)
    text = TWO_PLACES.read_text()
    listed = text[text.index("places:") : text.index("shared_organisations:")]
    (tmp_path / "region.yaml").write_text(text.replace(listed, "places_folder: places\n"), encoding="utf-8")
    same(run_region(TWO_PLACES, mode="serial"), run_region(tmp_path / "region.yaml", mode="serial"))
