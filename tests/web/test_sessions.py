"""Sessions and the login lock against a client that lies: a new password ends the sessions signed in with
the old one; an X-Forwarded-For header is believed only from a proxy the operator names
(``carebridge serve --trusted-proxy``), so it cannot slip past the per-address lock."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from carebridge.engine import Results
from carebridge.store import Store
from carebridge.store.models import WebSession
from carebridge.web.auth import MAX_FAILURES, add_user
from tests.web.conftest import PASSWORD, seed_store, sign_in
from tests.web.server import serving


def test_a_new_password_ends_the_users_sessions(client: TestClient, store: Store) -> None:
    sign_in(client, "editor@sft.test")
    other = TestClient(client.app, base_url="http://127.0.0.1")
    sign_in(other, "editor@ccg.test")
    assert client.get("/", follow_redirects=False).status_code == 200
    add_user(store, "editor@sft.test", PASSWORD, {"sft": "editor"})  # the same password: a role again
    assert client.get("/", follow_redirects=False).status_code == 200
    add_user(store, "editor@sft.test", "a new long password", {})
    signed_out = client.get("/", follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/login"
    assert client.get("/api/me").status_code == 401
    assert other.get("/", follow_redirects=False).status_code == 200  # another user's session lives
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 1


def api_login(base: str, email: str, password: str, forwarded_for: str) -> int:
    request = urllib.request.Request(
        f"{base}/api/login",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
    )
    assert request.host.startswith("127.0.0.1:")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.e2e
def test_a_forwarded_address_is_ignored_unless_the_proxy_is_named(tmp_path: Path, stockport: Results) -> None:
    db = tmp_path / "carebridge.db"
    seed_store(db, stockport).close()
    with serving(db) as base:
        for number in range(MAX_FAILURES):
            wrong = api_login(base, f"nobody{number}@x.test", "wrong password!", f"198.51.100.{number}")
            assert wrong == 401
        assert api_login(base, "editor@sft.test", PASSWORD, "198.51.100.99") == 429


@pytest.mark.e2e
def test_a_named_proxys_forwarded_address_is_the_client(tmp_path: Path, stockport: Results) -> None:
    db = tmp_path / "carebridge.db"
    seed_store(db, stockport).close()
    with serving(db, options=["--trusted-proxy", "127.0.0.1"]) as base:
        for number in range(MAX_FAILURES):
            assert api_login(base, f"nobody{number}@x.test", "wrong password!", "203.0.113.7") == 401
        assert api_login(base, "editor@sft.test", PASSWORD, "203.0.113.7") == 429  # that client is locked
        assert api_login(base, "editor@sft.test", PASSWORD, "203.0.113.8") == 200  # another is not


def test_the_session_read_on_the_drivers_connection_gives_what_sqlalchemy_gives(
    client: TestClient, store: Store
) -> None:
    """Every request reads its session with :class:`carebridge.web.reads.Read` (a pooled driver connection):
    the same rows, typed the same (the expiry a datetime, not SQLite's text), as a SQLAlchemy connection."""
    from carebridge.web.auth import _SESSION, token_hash

    sign_in(client, "editor@sft.test")
    token = client.cookies["carebridge_session"]
    values = {"token_hash": token_hash(token)}
    with store.engine.connect() as connection:
        expected = [tuple(row) for row in connection.execute(_SESSION.statement, values)]
    read = _SESSION.rows(store.engine, values)
    assert read == expected and len(read) == 1
    assert isinstance(read[0][0], datetime) and isinstance(expected[0][0], datetime)
    assert _SESSION.rows(store.engine, {"token_hash": token_hash("not a session")}) == []
