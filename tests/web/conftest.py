"""Fixtures of the web tests: a real SQLite store with the Stockport plan approved and a user of each
role, and the app on it (in process for the page and API tests; the browser tests start Uvicorn)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from carebridge.delivery.baseline import PlanBaseline
from carebridge.engine import Results
from carebridge.store import Store
from carebridge.store.plans import approve, sha256_text
from carebridge.web.app import create_app
from carebridge.web.auth import add_user
from tests.conftest import STOCKPORT

PASSWORD = "a long test password"
USERS = {
    "admin@carebridge.test": ({}, True),
    "lead@ccg.test": ({"ccg": "finance_lead"}, False),
    "editor@sft.test": ({"sft": "editor"}, False),
    "editor@ccg.test": ({"ccg": "editor"}, False),
    "viewer@smbc.test": ({"smbc": "viewer"}, False),
}
PLAN = "Stockport"


def seed_store(path: Path, results: Results) -> Store:
    """A store at ``path`` with the Stockport plan as version 1 and every test user."""
    store = Store.open(str(path), actor="tests")
    text = STOCKPORT.read_text(encoding="utf-8")
    approve(store, PLAN, text, str(STOCKPORT), PlanBaseline.from_results(results), sha256_text(text))
    for email, (roles, is_admin) in USERS.items():
        add_user(store, email, PASSWORD, roles, is_admin)
    return store


@pytest.fixture
def store(tmp_path: Path, stockport: Results) -> Iterator[Store]:
    with seed_store(tmp_path / "carebridge.db", stockport) as opened:
        yield opened


@pytest.fixture
def client(store: Store) -> TestClient:
    return TestClient(create_app(store), base_url="http://127.0.0.1")


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def login_token(client: TestClient) -> str:
    """Open the login page (which sets the login CSRF cookie); return the token of its hidden field."""
    found = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text)
    assert found, "the login page has no CSRF field"
    return found.group(1)


def post_login(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    """Submit the login form as a browser does: open the page, then post with its token."""
    data = {"email": email, "password": password, "login_csrf": login_token(client)}
    response: httpx.Response = client.post("/login", data=data, follow_redirects=False)
    return response


def sign_in(client: TestClient, email: str) -> str:
    """Sign in through the login form; return the session's CSRF token."""
    response = post_login(client, email)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


def api_sign_in(client: TestClient, email: str) -> dict[str, str]:
    """Sign in through the API; return the header that carries the CSRF token."""
    response = client.post("/api/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}
