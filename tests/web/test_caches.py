"""The web app's caches live on the app's state, made by the app factory: two apps share none."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from carebridge.store import Store
from carebridge.web.app import create_app
from carebridge.web.cache import WebCaches
from tests.web.conftest import sign_in


def test_each_app_has_its_own_caches_and_fills_only_those(store: Store) -> None:
    first, second = create_app(store), create_app(store)
    caches: WebCaches = first.state.caches
    assert isinstance(caches, WebCaches) and caches is not second.state.caches
    client = TestClient(first, base_url="http://127.0.0.1")
    sign_in(client, "viewer@smbc.test")
    assert client.get("/scenarios/1").status_code == 200
    assert len(caches.runs) == 1 and len(caches.dashboards) == 1
    assert client.get("/scenarios/1", params={"year": "2019/20"}).status_code == 200
    assert len(caches.runs) == 1 and len(caches.dashboards) == 2  # one run, a dashboard for each year
    assert client.get("/scenarios/1/fews").status_code == 200
    assert len(caches.fews) == 1
    other: WebCaches = second.state.caches
    assert len(other.runs) == 0 and len(other.dashboards) == 0 and len(other.fews) == 0


def test_a_bridge_year_outside_the_plan_is_refused_by_both_faces_alike(store: Store) -> None:
    client = TestClient(create_app(store), base_url="http://127.0.0.1")
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1", params={"year": "2030/31"})
    api = client.get("/api/scenarios/1", params={"year": "2030/31"})
    assert page.status_code == api.status_code == 422
    message = (
        "'2030/31' is outside the scenario's years 2016/17 to 2024/25"  # as carebridge run --bridge-year
    )
    assert message in html.unescape(page.text) and api.json()["detail"] == message
