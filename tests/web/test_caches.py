"""The web app's caches live on the app's state, made by the app factory: two apps share none."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from carebridge.store import Store
from carebridge.usecases import plans
from carebridge.usecases.planning import check_text
from carebridge.web.app import create_app
from carebridge.web.auth import add_user
from carebridge.web.cache import WebCaches
from tests.conftest import STOCKPORT
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


# --- what the caches may never do: serve a stale plan, or one user's view to another ---------------------


def _tiles(page: str) -> set[str]:
    return set(re.findall(r'id="tiles-([a-z_]+)"', page))


def test_an_edit_in_the_app_is_read_at_once_by_every_user_of_it(store: Store) -> None:
    app = create_app(store)
    editor, viewer = (TestClient(app, base_url="http://127.0.0.1") for _ in range(2))
    token = sign_in(editor, "editor@sft.test")
    sign_in(viewer, "viewer@smbc.test")
    before = viewer.get("/api/scenarios/1").json()
    assert before["source"] == "version 1"
    for path in ("/scenarios/1", "/scenarios/1/compare", "/scenarios/1/bridge?year=2018/19"):
        assert viewer.get(path).status_code == 200  # every view of version 1 cached
    assert 'id="no-draft"' in viewer.get("/scenarios/1/compare").text
    saved = editor.post(
        "/scenarios/1/lines/sft_savings",
        data={"csrf_token": token, "effect-0-2018/19": "-35000"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    after = viewer.get("/api/scenarios/1").json()
    assert after["source"] == "draft" and after["sha256"] != before["sha256"]
    sft = {p["org"]: p["values"] for p in after["positions"]}["sft"]
    assert sft != {p["org"]: p["values"] for p in before["positions"]}["sft"]
    assert "Showing draft" in viewer.get("/scenarios/1").text
    changes = viewer.get("/scenarios/1/compare").text
    assert 'id="no-draft"' not in changes and "Stockport FT savings programme" in changes


def test_a_change_made_outside_the_app_is_read_at_once(store: Store) -> None:
    """The command line (another process, another connection) changes the store: the next page shows it."""
    client = TestClient(create_app(store), base_url="http://127.0.0.1")
    sign_in(client, "viewer@smbc.test")
    assert "Showing version 1" in client.get("/scenarios/1").text
    text = STOCKPORT.read_text(encoding="utf-8")
    edited = text.replace("sft: {2016/17: 34398, 2017/18: 42400,", "sft: {2016/17: 34398, 2017/18: 42000,")
    assert edited != text
    with Store.open(str(store.url), actor="someone@cli.test") as other:
        plans.save_draft(other, 1, edited)
    assert "Showing draft" in client.get("/scenarios/1").text
    changes = client.get("/scenarios/1/compare").text
    assert "2017/18" in changes and 'id="no-draft"' not in changes
    with Store.open(str(store.url), actor="someone@cli.test") as other:
        stored = plans.stored_scenario(other, 1)
        plans.approve_draft(other, stored, check_text(edited, "edited.yaml"), "edited.yaml")
    page = client.get("/scenarios/1").text
    assert "Showing version 2" in page and "approved by someone@cli.test" in page
    add_user(store, "someone@cli.test", "a long enough password", {"ccg": "viewer"})
    page = client.get("/scenarios/1").text  # the approver is now a user of the app: named as the person
    assert "approved by someone@cli.test on" in page and "someone@cli.test (on the command line" not in page


def test_cached_pages_keep_each_users_permissions_and_organisations(store: Store) -> None:
    app = create_app(store)
    ccg, sft = (TestClient(app, base_url="http://127.0.0.1") for _ in range(2))
    sign_in(ccg, "editor@ccg.test")
    sft_token = sign_in(sft, "editor@sft.test")
    first = ccg.get("/scenarios/1").text
    second = sft.get("/scenarios/1").text
    assert _tiles(first) == {"system", "ccg"} and _tiles(second) == {"system", "sft"}
    assert "editor@ccg.test" in first and "editor@ccg.test" not in second

    def editable(page: str) -> set[str]:
        return set(
            re.findall(
                r'href="/scenarios/1/lines/([a-z_]+)">[^<]*</a> <span class="note">[^<]*you may edit', page
            )
        )

    assert editable(first) == {"ccg_savings"} and "sft_savings" in editable(second)
    assert "ccg_savings" not in editable(second)
    refused = sft.post(
        "/scenarios/1/lines/ccg_savings", data={"csrf_token": sft_token, "effect-0-2018/19": "-1"}
    )
    assert refused.status_code == 403
    assert "Showing version 1" in ccg.get("/scenarios/1").text  # nothing saved
    sft.post("/logout", data={"csrf_token": sft_token}, follow_redirects=False)
    assert sft.get("/scenarios/1", follow_redirects=False).status_code in (303, 307)  # signed out at once


def test_the_fews_page_kept_for_a_state_of_the_store_is_read_afresh_after_an_import_elsewhere(
    store: Store,
) -> None:
    """The FEWS page's body is kept by the plan's state and the store's generation: the same page again
    comes from what was kept, and actuals imported by another process are on the next page."""
    from carebridge.store.actuals_files import read_actuals
    from carebridge.store.imports import import_actuals
    from carebridge.store.plans import load_baseline

    actuals = STOCKPORT.parent / "actuals"
    client = TestClient(create_app(store), base_url="http://127.0.0.1")
    sign_in(client, "viewer@smbc.test")
    with Store.open(str(store.url), actor="someone@cli.test") as other:
        baseline = load_baseline(other, "Stockport")[1]
        import_actuals(other, "Stockport", read_actuals(actuals / "activity-2018-19-M01.csv", baseline))
    first = client.get("/scenarios/1/fews").text
    assert 'id="fews-month">Apr 2018' in first and "May 2018" not in first
    assert client.get("/scenarios/1/fews").text == first
    with Store.open(str(store.url), actor="someone@cli.test") as other:
        import_actuals(other, "Stockport", read_actuals(actuals / "activity-2018-19-M02.csv", baseline))
    second = client.get("/scenarios/1/fews").text
    assert 'id="fews-month">May 2018' in second
