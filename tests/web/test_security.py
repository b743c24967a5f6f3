"""Security of the web app: the sign-in gate, cookies, CSRF, the login rate limit, argon2 hashes and
roles per organisation (an editor of one organisation cannot change another's lines)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from carebridge.store import Store
from carebridge.store.models import AuditEntry, ScenarioDraft, User
from carebridge.web.app import create_app
from carebridge.web.auth import MAX_FAILURES
from carebridge.web.routes.pages_auth import LOGIN_CSRF_COOKIE
from tests.web.conftest import PASSWORD, api_sign_in, csrf_of, login_token, post_login, sign_in

EXAMPLE_PATHS = {"plan_id": "1", "item_id": "acute_interface", "kind": "schemes"}


def every_route(routes: list[Any]) -> list[Any]:
    """The routes of an app, those of included routers too."""
    found = []
    for route in routes:
        included = getattr(route, "original_router", None)
        found.extend(every_route(included.routes) if included is not None else [route])
    return found


def concrete(path: str) -> str:
    for name, value in EXAMPLE_PATHS.items():
        path = path.replace("{" + name + "}", value)
    return path


def test_an_anonymous_request_reaches_nothing_but_the_login_page(client: TestClient) -> None:
    routes = [route for route in every_route(client.app.routes) if getattr(route, "methods", None)]  # type: ignore[attr-defined]
    checked = 0
    for route in routes:
        path = concrete(route.path)
        for method in sorted(route.methods):
            if method == "HEAD":
                continue
            response = client.request(method, path, follow_redirects=False)
            if path in ("/login", "/api/login", "/static/plotly.min.js"):
                continue
            checked += 1
            if path.startswith("/api/") or path == "/openapi.json":
                assert response.status_code == 401, (method, path)
            else:
                assert response.status_code == 303, (method, path)
                assert response.headers["location"] == "/login"
    assert checked >= 15
    assert client.get("/login").status_code == 200
    assert client.get("/static/htmx.min.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200


def test_the_session_cookie_is_httponly_and_samesite_lax_and_secure_when_asked(store: Store) -> None:
    for secure in (False, True):
        client = TestClient(create_app(store, secure_cookies=secure), base_url="https://127.0.0.1")
        page = client.get("/login")
        (login_cookie,) = page.headers.get_list("set-cookie")
        response = post_login(client, "editor@sft.test")
        (cookie,) = [
            c for c in response.headers.get_list("set-cookie") if c.startswith("carebridge_session=")
        ]
        for flags in (cookie, login_cookie):
            assert "HttpOnly" in flags
            assert "SameSite=lax" in flags
            assert ("Secure" in flags) is secure
        assert login_cookie.startswith(f"{LOGIN_CSRF_COOKIE}=")


def test_a_login_without_the_login_csrf_token_is_refused(client: TestClient) -> None:
    credentials = {"email": "editor@sft.test", "password": PASSWORD}
    missing = client.post("/login", data=credentials, follow_redirects=False)
    assert missing.status_code == 400
    assert "did not come from CareBridge (CSRF)" in missing.text
    client.cookies.clear()
    token = login_token(client)
    forged = client.post("/login", data={**credentials, "login_csrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 400
    client.cookies.clear()
    no_cookie = client.post("/login", data={**credentials, "login_csrf": token}, follow_redirects=False)
    assert no_cookie.status_code == 400
    assert client.get("/", follow_redirects=False).status_code == 303  # still signed out
    assert post_login(client, "editor@sft.test").status_code == 303


def test_pages_carry_security_headers(client: TestClient) -> None:
    headers = client.get("/login").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_a_form_without_the_session_csrf_token_is_refused(client: TestClient, store: Store) -> None:
    sign_in(client, "editor@sft.test")
    for token in ("", "forged"):
        response = client.post(
            "/scenarios/1/schemes/acute_interface",
            data={"csrf_token": token, "effect-0-2018/19": "9000"},
            follow_redirects=False,
        )
        assert response.status_code in (403, 422)
    with store.session() as session:
        assert session.get(ScenarioDraft, 1) is None


def test_an_api_change_from_a_browser_session_needs_the_csrf_header(client: TestClient) -> None:
    sign_in(client, "editor@sft.test")
    body = {"effects": {"0": {"2018/19": "9000"}}}
    assert client.put("/api/scenarios/1/schemes/acute_interface", json=body).status_code == 403
    token = csrf_of(client.get("/").text)
    response = client.put(
        "/api/scenarios/1/schemes/acute_interface", json=body, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 200, response.text


def test_logins_are_rate_limited_per_account(client: TestClient) -> None:
    for _ in range(MAX_FAILURES):
        response = post_login(client, "editor@sft.test", "wrong password!")
        assert response.status_code == 401
    locked = post_login(client, "editor@sft.test")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    api = client.post("/api/login", json={"email": "editor@sft.test", "password": PASSWORD})
    assert api.status_code == 429


def test_logins_are_rate_limited_per_address(client: TestClient) -> None:
    for number in range(MAX_FAILURES):
        post_login(client, f"nobody{number}@x.test", "wrong password!")
    assert post_login(client, "editor@ccg.test").status_code == 429


def test_passwords_are_kept_as_argon2_hashes_and_never_audited(store: Store) -> None:
    with store.session() as session:
        hashes = list(session.scalars(select(User.password_hash)))
        logged = " ".join(str(e.new_value) for e in session.scalars(select(AuditEntry)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert PASSWORD not in logged
    assert "argon2" not in logged


def test_an_editor_of_one_organisation_cannot_change_anothers_lines(client: TestClient, store: Store) -> None:
    token = sign_in(client, "editor@ccg.test")  # neighbourhood is the CCG's; acute_interface is SFT's
    page = client.post(
        "/scenarios/1/schemes/acute_interface",
        data={"csrf_token": token, "effect-0-2018/19": "9000"},
        follow_redirects=False,
    )
    assert page.status_code == 403
    assert "only an editor of sft may change the scheme acute_interface" in page.text
    line = client.post(
        "/scenarios/1/lines/sft_savings",
        data={"csrf_token": token, "effect-0-2018/19": "-1"},
        follow_redirects=False,
    )
    assert line.status_code == 403
    system_line = client.put(
        "/api/scenarios/1/lines/gm_themes",
        json={"effects": {"0": {"2018/19": "-1"}}},
        headers={"X-CSRF-Token": token},
    )
    assert system_line.status_code == 403
    api = client.put(
        "/api/scenarios/1/schemes/acute_interface",
        json={"effects": {"0": {"2018/19": "9000"}}},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 403
    with store.session() as session:
        assert session.get(ScenarioDraft, 1) is None
    own = client.post(
        "/scenarios/1/schemes/neighbourhood",
        data={"csrf_token": token, "effect-0-2018/19": "2000"},
        follow_redirects=False,
    )
    assert own.status_code == 303


def test_an_editor_cannot_import_another_organisations_actuals(client: TestClient, tmp_path: Path) -> None:
    headers = api_sign_in(client, "editor@ccg.test")
    rows = "month,pod,provider,activity\n2018/19-M01,ae,sft,5307\n"
    response = client.post(
        "/api/scenarios/1/actuals", files={"file": ("activity.csv", rows, "text/csv")}, headers=headers
    )
    assert response.status_code == 403
    assert "Stockport FT" in response.json()["detail"]  # the organisation by name, never its id


def test_a_viewer_reads_everything_and_changes_nothing(client: TestClient) -> None:
    headers = api_sign_in(client, "viewer@smbc.test")
    assert client.get("/api/scenarios/1").status_code == 200
    assert client.get("/scenarios/1").status_code == 200
    rows = "month,pod,provider,activity\n2018/19-M01,ae,other,1497\n"
    upload = client.post(
        "/api/scenarios/1/actuals", files={"file": ("activity.csv", rows, "text/csv")}, headers=headers
    )
    assert upload.status_code == 403
    assert client.post("/api/scenarios/1/approve", headers=headers).status_code == 403


def test_only_a_finance_lead_approves_and_every_change_is_audited(client: TestClient, store: Store) -> None:
    editor = api_sign_in(client, "editor@sft.test")
    edited = client.put(
        "/api/scenarios/1/schemes/acute_interface",
        json={"effects": {"0": {"2018/19": "9000"}}},
        headers=editor,
    )
    assert edited.status_code == 200
    assert edited.json()["source"] == "draft"
    assert client.post("/api/scenarios/1/approve", headers=editor).status_code == 403
    lead = api_sign_in(client, "lead@ccg.test")
    approved = client.post("/api/scenarios/1/approve", headers=lead)
    assert approved.status_code == 200, approved.text
    assert approved.json()["number"] == 2
    assert approved.json()["approved_by"] == "lead@ccg.test"
    with store.session() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    drafts = [e for e in entries if e.entity == "scenario_drafts"]
    assert any(e.actor == "editor@sft.test" and e.action == "insert" for e in drafts)
    assert any(e.actor == "lead@ccg.test" and e.action == "approve" for e in entries)
