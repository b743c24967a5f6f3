"""``carebridge region add`` and ``carebridge region list`` as installed commands, and the region tables of
the store: immutable versions, a version only when the region or a place changed, located errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from carebridge.store import Store
from carebridge.store.models import RegionVersion
from carebridge.store.regions import list_regions
from carebridge.web.region_roles import own_orgs, places_served
from carebridge.web.roles import Principal
from tests.conftest import EXAMPLES

CAREBRIDGE = str(Path(sys.executable).with_name("carebridge"))
TWO_PLACES = EXAMPLES / "two-places"


def carebridge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CAREBRIDGE, *args], capture_output=True, text=True, timeout=120, check=False)


def copy_example(folder: Path) -> Path:
    for file in TWO_PLACES.glob("*.yaml"):
        shutil.copy(file, folder / file.name)
    return folder / "region.yaml"


def test_region_add_then_a_changed_place_makes_new_versions(tmp_path: Path) -> None:
    db = str(tmp_path / "carebridge.db")
    region = copy_example(tmp_path)
    first = carebridge("region", "add", str(region), "--db", db, "--by", "lead@ccg.test")
    assert first.returncode == 0, first.stderr
    assert "Place north: approved as 'Northvale place' version 1" in first.stdout
    assert "Added region 'Vale region' version 1 (2 places)" in first.stdout
    again = carebridge("region", "add", str(region), "--db", db)
    assert again.returncode == 0, again.stderr
    assert "nothing changed" in again.stdout
    south = tmp_path / "south.yaml"
    south.write_text(south.read_text(encoding="utf-8").replace("base: 6000", "base: 6500"), encoding="utf-8")
    changed = carebridge("region", "add", str(region), "--db", db)
    assert changed.returncode == 0, changed.stderr
    assert "Place south: approved as 'Southdale place' version 2" in changed.stdout
    assert "Place north: already holds this scenario" in changed.stdout
    listed = carebridge("region", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert "Vale region: version 1, added by lead@ccg.test" in listed.stdout
    assert "north ('Northvale place'), south ('Southdale place')" in listed.stdout


def test_bad_regions_are_located_errors_and_store_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "carebridge.db")
    region = copy_example(tmp_path)
    region.write_text(
        region.read_text(encoding="utf-8").replace("scenario: south.yaml", "scenario: sooth.yaml"),
        encoding="utf-8",
    )
    missing = carebridge("region", "add", str(region), "--db", db)
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert f"{region}:12 places[1].scenario: no place file" in missing.stderr
    region.write_text(
        region.read_text(encoding="utf-8").replace("sooth.yaml", "south.yaml"), encoding="utf-8"
    )
    south = tmp_path / "south.yaml"
    south.write_text(south.read_text(encoding="utf-8").replace("price: 2000", "price: -5"), encoding="utf-8")
    bad_place = carebridge("region", "add", str(region), "--db", db)
    assert bad_place.returncode == 2
    assert f"{south}:24 pods[0].price" in bad_place.stderr
    nothing = carebridge("region", "add", str(tmp_path / "nowhere.yaml"), "--db", db)
    assert nothing.returncode == 2
    assert "nowhere.yaml: no such file" in nothing.stderr
    scenario = carebridge("region", "add", str(south), "--db", db)
    assert scenario.returncode == 2
    assert "this is a scenario" in scenario.stderr
    assert "No regions yet" in carebridge("region", "list", "--db", db).stdout


def test_region_versions_are_append_only(tmp_path: Path) -> None:
    db = str(tmp_path / "carebridge.db")
    assert carebridge("region", "add", str(copy_example(tmp_path)), "--db", db).returncode == 0
    with Store.open(db, actor="tests") as store:
        (region,) = list_regions(store)
        for statement in (
            update(RegionVersion).values(region_text="changed"),
            text("DELETE FROM region_places"),
        ):
            with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
                connection.execute(statement)
        assert list_regions(store) == [region]


SHARED = {"acute": ("north", "south")}
PLACES = {"north": ("ccg", "acute", "council", "other"), "south": ("ccg", "council", "other")}


@pytest.mark.parametrize(
    ("roles", "admin", "served", "north_orgs"),
    [
        ({"north.ccg": "editor"}, False, ("north",), ("north.ccg",)),
        ({"south.council": "viewer"}, False, ("south",), ()),
        ({"acute": "editor"}, False, ("north", "south"), ("acute",)),
        ({"ccg": "finance_lead"}, False, ("north", "south"), ("north.ccg",)),
        ({"sft": "editor"}, False, (), ()),
        ({}, True, ("north", "south"), ()),
        ({"north.acute": "editor"}, False, (), ()),
    ],
    ids=["one-place", "one-place-council", "shared", "plain-id", "no-place", "admin", "shared-by-place-id"],
)
def test_who_sees_which_place(
    roles: dict[str, str], admin: bool, served: tuple[str, ...], north_orgs: tuple[str, ...]
) -> None:
    user = Principal(1, "someone@test", admin, roles)
    assert places_served(user, PLACES, SHARED) == served
    assert own_orgs(user, "north", PLACES["north"], SHARED) == north_orgs
    if "acute" in roles:
        assert own_orgs(user, "south", PLACES["south"], SHARED) == ("acute",)
