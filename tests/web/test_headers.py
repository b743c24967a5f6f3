"""What a real ``carebridge serve`` says about itself: HSTS behind ``--secure-cookies`` only, a
Permissions-Policy on every answer, no Server header naming the framework, and the login lock set by its
flags."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carebridge.engine import Results
from carebridge.store import Store
from carebridge.web.app import create_app
from tests.web.conftest import PASSWORD, seed_store
from tests.web.server import serving


def get(url: str, data: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """The status, headers (lower-case names) and text of a request to the loopback server."""
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode() if data is not None else None,
        headers={"Content-Type": "application/json"} if data is not None else {},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


@pytest.mark.e2e
def test_a_secure_server_sends_hsts_and_a_permissions_policy_and_no_server_name(
    tmp_path: Path, stockport: Results
) -> None:
    db = tmp_path / "carebridge.db"
    seed_store(db, stockport).close()
    options = ["--secure-cookies", "--login-failures", "2", "--login-lock-minutes", "7"]
    with serving(db, options=options) as base:
        for path in ("/login", "/static/app.css", "/api/scenarios", "/nowhere"):
            status, headers, _ = get(base + path)
            assert status in (200, 303, 401), path
            assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains", path
            assert "camera=()" in headers["permissions-policy"], path
            assert "uvicorn" not in headers.get("server", "").lower(), path
            assert "server" not in headers, path
        wrong = {"email": "editor@sft.test", "password": "wrong password!"}
        assert [get(f"{base}/api/login", wrong)[0] for _ in range(2)] == [401, 401]
        status, _, text = get(f"{base}/api/login", {"email": "editor@sft.test", "password": PASSWORD})
        assert status == 429
        assert json.loads(text)["detail"] == "Too many failed sign-ins: try again in 7 minutes."


def test_hsts_is_sent_only_behind_https(store: Store) -> None:
    for secure in (False, True):
        client = TestClient(create_app(store, secure_cookies=secure), base_url="http://127.0.0.1")
        headers = client.get("/login").headers
        assert ("strict-transport-security" in headers) is secure
        assert "geolocation=()" in headers["permissions-policy"]
