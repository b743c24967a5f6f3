"""No partner changes another's data through the JSON API: for every write endpoint (enumerated from the
app, so a new one must join :data:`ATTEMPTS` or this test fails), an editor of one organisation sending a
change to another organisation's data gets 403, and nothing in the store changes — no row of any table."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from carebridge.store import Store
from carebridge.store.models import Base
from tests.web.conftest import api_sign_in
from tests.web.test_security import every_route

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PUBLIC = {("POST", "/api/login")}
CSV = "text/csv"


def edit(effects: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {"json": {"effects": effects}}


def upload(name: str, rows: str) -> dict[str, Any]:
    return {"files": {"file": (name, rows, CSV)}}


SFT_ACTIVITY = "month,pod,provider,activity\n2018/19-M01,ae,sft,5307\n"
CCG_SPEND = "month,scheme,spend\n2018/19-M01,neighbourhood,100\n"
SFT_RETURN = "organisation,month,scheme,recurrent,non_recurrent\nsft,2018/19-M01,sft_agency,100,0\n"
CCG_RETURN = {"efficiency": [{"month": "2018/19-M01", "scheme": "ccg_prescribing", "recurrent": 30}]}
ATTEMPTS: dict[tuple[str, str], list[tuple[str, str, dict[str, Any]]]] = {
    ("PUT", "/api/scenarios/{plan_id}/{kind}/{item_id}"): [
        ("editor@ccg.test", "/api/scenarios/1/schemes/acute_interface", edit({"0": {"all": "1"}})),
        ("editor@ccg.test", "/api/scenarios/1/lines/sft_savings", edit({"0": {"2018/19": "-1"}})),
        ("editor@sft.test", "/api/scenarios/1/schemes/neighbourhood", edit({"0": {"all": "1"}})),
        ("editor@sft.test", "/api/scenarios/1/lines/ccg_savings", edit({"0": {"2018/19": "-1"}})),
        ("editor@ccg.test", "/api/scenarios/1/lines/gm_themes", edit({"0": {"2018/19": "-1"}})),
    ],
    ("POST", "/api/scenarios/{plan_id}/approve"): [
        ("editor@ccg.test", "/api/scenarios/1/approve", {}),
        ("editor@sft.test", "/api/scenarios/1/approve", {}),
    ],
    ("POST", "/api/scenarios/{plan_id}/actuals"): [
        ("editor@ccg.test", "/api/scenarios/1/actuals", upload("activity.csv", SFT_ACTIVITY)),
        ("editor@sft.test", "/api/scenarios/1/actuals", upload("spend.csv", CCG_SPEND)),
    ],
    ("POST", "/api/efficiency/organisations/{org}/returns"): [
        ("editor@ccg.test", "/api/efficiency/organisations/sft/returns", upload("return.csv", SFT_RETURN)),
        ("editor@sft.test", "/api/efficiency/organisations/ccg/returns", {"json": CCG_RETURN}),
    ],
}
"""For each write endpoint: who tries, where, and with what — each a change to another organisation's
data (or, for approval, an editor who is no finance lead)."""


def write_endpoints(client: TestClient) -> set[tuple[str, str]]:
    routes = every_route(client.app.routes)  # type: ignore[attr-defined]
    return {
        (method, route.path)
        for route in routes
        if isinstance(route, APIRoute) and route.path.startswith("/api/")
        for method in (route.methods or set()) & WRITES
    } - PUBLIC


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, to compare before and after."""
    with store.session() as session:
        return {
            table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


def test_every_write_endpoint_of_the_api_has_a_cross_organisation_attempt(client: TestClient) -> None:
    found = write_endpoints(client)
    assert found, "the API has no write endpoint: the enumeration is broken"
    assert found == set(ATTEMPTS), f"add the new write endpoints to ATTEMPTS: {sorted(found - set(ATTEMPTS))}"


@pytest.mark.parametrize("endpoint", sorted(ATTEMPTS))
def test_an_editor_cannot_change_another_organisations_data(
    client: TestClient, store: Store, endpoint: tuple[str, str]
) -> None:
    method, _ = endpoint
    for email, path, request in ATTEMPTS[endpoint]:
        headers = api_sign_in(client, email)  # signing in writes a session: compare after it
        before = snapshot(store)
        response = client.request(method, path, headers=headers, **request)
        assert response.status_code == 403, (email, path, response.text)
        assert snapshot(store) == before, (email, path)
