"""The region pages (issue 15): a region in the store (``carebridge region add``), the regions a user sees,
a region's consolidated bridge, its places with drill-down to their dashboards, the payments between places
eliminated and the reconciliation — on the two-places example, checked by hand in its README."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carebridge.engine import Results
from carebridge.store import Store
from carebridge.store.regions import list_regions
from carebridge.usecases.edits import edit_value
from carebridge.usecases.plans import save_draft, stored_scenario
from carebridge.usecases.regions_store import add_region_file
from carebridge.web.app import create_app
from carebridge.web.auth import UserError, add_user
from tests.conftest import EXAMPLES
from tests.web.conftest import PASSWORD, seed_store, sign_in

REGION = EXAMPLES / "two-places" / "region.yaml"
NORTH_ONLY = "north@ccg.test"
"""A user of Northvale's CCG only (the role names it as the region does: ``north.ccg``)."""
TRUST = "lead@vale.test"
"""A user of the acute trust the two places share."""
BOTH_CCGS = "lead@ccg.test"
"""A user of ``ccg`` as the plans name it: the CCG of every plan that has one, here of both places."""
NO_PLACE = "editor@sft.test"
"""A user of Stockport's foundation trust, which serves no place of the region."""
ADMIN = "admin@carebridge.test"


def add_region(store: Store) -> None:
    """The two-places region added (its places approved as plans 2 and 3) and a user of each kind."""
    add_region_file(store, REGION)
    add_user(store, NORTH_ONLY, PASSWORD, {"north.ccg": "editor"})
    add_user(store, TRUST, PASSWORD, {"acute": "finance_lead"})


@pytest.fixture
def region_store(tmp_path: Path, stockport: Results) -> Iterator[Store]:
    with seed_store(tmp_path / "carebridge.db", stockport) as store:
        add_region(store)
        yield store


@pytest.fixture
def app_client(region_store: Store) -> TestClient:
    return TestClient(create_app(region_store), base_url="http://127.0.0.1")


def places_table(page: str) -> str:
    found = re.search(r'<table id="table-places">.*?</table>', page, re.S)
    assert found, "the page has no table of places"
    return found.group(0)


def row(page: str, table: str, label: str) -> list[str]:
    """The cells of the row labelled ``label`` in the table ``table`` of the page."""
    found = re.search(rf'<table id="{table}".*?</table>', page, re.S)
    assert found, f"no table {table}"
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(0), re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        if cells and cells[0] == label:
            return cells[1:]
    raise AssertionError(f"no row {label!r} in {table}")


def test_region_add_approves_each_place_as_a_plan_and_keeps_the_region_once(region_store: Store) -> None:
    (region,) = list_regions(region_store)
    assert region.name == "Vale region"
    assert region.number == 1
    assert [(p.place, p.plan_name, p.path) for p in region.places] == [
        ("north", "Northvale place", "north.yaml"),
        ("south", "Southdale place", "south.yaml"),
    ]
    again = add_region_file(region_store, REGION)
    assert not again.region.created
    assert [approval.created for _, approval in again.places] == [False, False]


@pytest.mark.parametrize(
    ("email", "places"),
    [
        (NORTH_ONLY, ["Northvale place"]),
        (TRUST, ["Northvale place", "Southdale place"]),
        (BOTH_CCGS, ["Northvale place", "Southdale place"]),
        (ADMIN, ["Northvale place", "Southdale place"]),
    ],
    ids=["one-place", "shared-trust", "plain-ccg", "admin"],
)
def test_who_sees_which_places(app_client: TestClient, email: str, places: list[str]) -> None:
    sign_in(app_client, email)
    listed = app_client.get("/regions")
    assert listed.status_code == 200
    assert "Vale region" in listed.text
    region = re.search(r"Your places: (.*?)</p>", listed.text, re.S)
    assert region and re.findall(r">([^<]+)</a>", region.group(1)) == places
    page = app_client.get("/regions/1")
    assert page.status_code == 200, page.text
    shown = re.findall(r'<th scope="row"><a href="/scenarios/(\d+)">([^<]+)</a>', places_table(page.text))
    assert [name for _, name in shown] == places
    plan_ids = {"Northvale place": "2", "Southdale place": "3"}
    assert [plan for plan, _ in shown] == [plan_ids[name] for name in places]


def test_a_user_of_no_place_does_not_see_the_region(app_client: TestClient) -> None:
    sign_in(app_client, NO_PLACE)
    listed = app_client.get("/regions")
    assert listed.status_code == 200
    assert "Vale region" not in listed.text
    assert 'id="no-regions"' in listed.text
    refused = app_client.get("/regions/1")
    assert refused.status_code == 403
    assert "Vale region" not in refused.text


def test_the_region_page_shows_the_hand_checked_consolidation(app_client: TestClient) -> None:
    sign_in(app_client, ADMIN)
    page = app_client.get("/regions/1").text
    # examples/two-places/README.md, 2019/20: Northvale 1,800, Southdale 0; Southdale's (1,200) saving is the
    # trust's lost income, eliminated; the fund (500): the region 2,500; the trust 3,200.
    assert row(page, "table-places", "Northvale place")[-2] == "1,800"
    assert row(page, "table-places", "Southdale place")[-2] in ("0", "–", "-")
    assert row(page, "table-region-bridge", "Do-something position from the schemes")[-1] == "2,500"
    trust = row(page, "table-organisations", "Vale Hospitals NHS Foundation Trust")
    assert trust[-1] == "3,200"
    eliminated = row(page, "table-eliminations", "Total eliminated")
    assert eliminated[-1] == "(1,200)"
    assert row(page, "table-reconciliation", "Difference (organisations − expected)") == ["0", "0", "0"]
    assert 'id="chart-region-bridge"' in page
    assert "to Vale Hospitals NHS Foundation Trust: Non-elective spells" in page


def test_names_never_ids(app_client: TestClient) -> None:
    sign_in(app_client, TRUST)
    page = app_client.get("/regions/1").text
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", page, flags=re.S))
    cells = {cell.strip() for cell in text.split("  ")}
    for identifier in ("north", "south", "acute", "council", "ccg", "fund"):
        assert identifier not in cells, identifier
    assert not re.search(r"\b(north|south)\.[a-z_]+\b|\bccg\b", text)
    assert "Vale Hospitals NHS Foundation Trust" in row(page, "table-places", "Southdale place")[-1]


def test_a_place_edited_in_the_app_moves_the_region(app_client: TestClient, region_store: Store) -> None:
    sign_in(app_client, ADMIN)
    before = row(
        app_client.get("/regions/1").text, "table-region-bridge", "Do-something position from the schemes"
    )[-1]
    north = stored_scenario(region_store, 2)
    edit_value(region_store, north, "schemes", "frailty", {0: {"2019/20": "0.2"}})
    page = app_client.get("/regions/1").text
    after = row(page, "table-region-bridge", "Do-something position from the schemes")[-1]
    assert before == "2,500"
    assert after != before
    assert "draft, not yet approved" in row(page, "table-places", "Northvale place")[0]


def test_the_year_chosen_and_a_year_outside_the_region(app_client: TestClient) -> None:
    sign_in(app_client, ADMIN)
    page = app_client.get("/regions/1", params={"year": "2018/19"})
    assert page.status_code == 200
    assert '<option value="2018/19" selected>' in page.text
    assert "Your places, 2018/19" in page.text
    bad = app_client.get("/regions/1", params={"year": "2030/31"})
    assert bad.status_code == 422
    assert "2030/31" in bad.text
    assert app_client.get("/regions/99").status_code == 404


def test_a_role_may_name_a_place_of_a_region(region_store: Store) -> None:
    add_user(region_store, "council@south.test", PASSWORD, {"south.council": "viewer"})
    with pytest.raises(UserError, match=r"north\.nowhere"):
        add_user(region_store, "nobody@north.test", PASSWORD, {"north.nowhere": "viewer"})


def test_a_place_whose_draft_no_longer_fits_the_region_is_a_located_409(
    app_client: TestClient, region_store: Store
) -> None:
    south = stored_scenario(region_store, 3)
    # a draft in which Southdale's own trust provides its spells: the region's paid_from names no outside
    # provider any more (saved as text, as a draft of any valid scenario may be)
    text = south.text.replace("      other: 1.0", "      ccg: 1.0")
    assert text != south.text
    save_draft(region_store, 3, text)
    sign_in(app_client, ADMIN)
    page = app_client.get("/regions/1")
    assert page.status_code == 409
    assert "region.yaml:" in page.text
    assert "carebridge-region-" not in page.text  # the temporary folder is never shown
