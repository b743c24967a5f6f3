"""The server's limits: a request's body is refused by its Content-Length, or by its size as it streams,
before it is read; a change is authorised (session, role, CSRF) before its body is read; a request that
takes too long is answered 408. Against a real ``carebridge serve`` on loopback: the test sends only the
headers (or a part of the body) and waits for the answer, which never comes if the server waits for
the body."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from carebridge.engine import Results
from carebridge.store import Store
from carebridge.store.models import ScenarioDraft
from carebridge.web.app import create_app
from carebridge.web.limits import FORM_ALLOWANCE, Limits
from tests.web.conftest import PASSWORD, api_sign_in, csrf_of, seed_store, sign_in
from tests.web.server import serving

pytestmark = pytest.mark.e2e
SCHEME = "/api/scenarios/1/schemes/acute_interface"
ANSWER_WITHIN = 20.0
"""Seconds the test waits for an answer before it fails (the server should answer at once)."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, stockport: Results) -> Iterator[str]:
    db = tmp_path_factory.mktemp("limits") / "carebridge.db"
    seed_store(db, stockport).close()
    with serving(db) as base:
        yield base


def connect(base: str) -> http.client.HTTPConnection:
    address = urlsplit(base)
    assert address.hostname == "127.0.0.1"
    return http.client.HTTPConnection(address.hostname, address.port, timeout=ANSWER_WITHIN)


def session_of(base: str, email: str) -> tuple[str, str]:
    """Sign in through the API: the session cookie and the CSRF token."""
    connection = connect(base)
    body = json.dumps({"email": email, "password": PASSWORD})
    connection.request("POST", "/api/login", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 200, response.read()
    cookie = response.getheader("set-cookie", "").split(";")[0]
    token = json.loads(response.read())["csrf_token"]
    connection.close()
    return cookie, token


def headers_only(base: str, method: str, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """Send a request's headers and none of its body; the status and text of the answer."""
    connection = connect(base)
    connection.putrequest(method, path)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, text


def test_a_viewers_400_mb_put_is_refused_by_its_content_length_before_it_is_read(server: str) -> None:
    cookie, _ = session_of(server, "viewer@smbc.test")
    status, text = headers_only(
        server,
        "PUT",
        SCHEME,
        {"Cookie": cookie, "Content-Type": "application/json", "Content-Length": str(400_000_000)},
    )
    assert status == 413
    assert "larger than 1 MB" in json.loads(text)["detail"]


def test_a_change_is_authorised_before_its_body_is_read(server: str) -> None:
    """A body within the limit is still not read for a viewer, nor without the CSRF token, nor signed out."""
    small = {"Content-Type": "application/json", "Content-Length": "500000"}
    viewer, _ = session_of(server, "viewer@smbc.test")
    status, text = headers_only(server, "PUT", SCHEME, {**small, "Cookie": viewer})
    assert status == 403
    assert "change nothing (a viewer)" in text
    editor, _ = session_of(server, "editor@sft.test")
    status, text = headers_only(server, "PUT", SCHEME, {**small, "Cookie": editor})
    assert status == 403
    assert "CSRF" in text
    status, _ = headers_only(server, "PUT", SCHEME, small)
    assert status == 401
    upload = {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": "4000000"}
    status, text = headers_only(server, "POST", "/scenarios/1/actuals", {**upload, "Cookie": viewer})
    assert status == 403


def test_a_streamed_upload_is_refused_once_it_passes_the_limit(server: str) -> None:
    """No Content-Length (chunked): the server counts what arrives and answers 413 as soon as the upload
    passes 5 MB, without waiting for the rest of a 1 GB file."""
    cookie, token = session_of(server, "editor@sft.test")
    connection = connect(server)
    connection.putrequest("POST", "/api/scenarios/1/actuals")
    for name, value in {
        "Cookie": cookie,
        "X-CSRF-Token": token,
        "Content-Type": "multipart/form-data; boundary=b0undary",
        "Transfer-Encoding": "chunked",
    }.items():
        connection.putheader(name, value)
    connection.endheaders()
    head = b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
    chunk = b"month,pod,provider,activity\n" * 10_000
    sent = 0
    for part in [head] + [chunk] * ((5_000_000 + FORM_ALLOWANCE) // len(chunk) + 1):
        connection.send(b"%x\r\n%s\r\n" % (len(part), part))
        sent += len(part)
    assert sent < 6_000_000  # a 1 GB file would go on; the server has had enough
    response = connection.getresponse()
    assert response.status == 413
    assert "larger than 5 MB" in json.loads(response.read())["detail"]
    connection.close()


def test_a_request_whose_body_trickles_is_answered_408(tmp_path: Path, stockport: Results) -> None:
    db = tmp_path / "carebridge.db"
    seed_store(db, stockport).close()
    with serving(db, options=["--request-timeout", "1"]) as base:
        connection = connect(base)
        connection.putrequest("POST", "/api/login")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", "100")
        connection.endheaders()
        connection.send(b'{"email": ')  # and nothing more
        response = connection.getresponse()
        assert response.status == 408
        assert "did not arrive within 1 s" in json.loads(response.read())["detail"]


def test_an_upload_over_the_limit_is_refused_and_nothing_is_imported(store: Store) -> None:
    client = TestClient(create_app(store, limits=Limits(upload_bytes=2_000)), base_url="http://127.0.0.1")
    headers = api_sign_in(client, "editor@sft.test")
    rows = "month,pod,provider,activity\n" + "2018/19-M01,ae,sft,5307\n" * 3_000
    response = client.post(
        "/api/scenarios/1/actuals", files={"file": ("activity.csv", rows, "text/csv")}, headers=headers
    )
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "the upload is larger than 0.002 MB, the most this server accepts (carebridge serve --max-upload-mb)"
    )
    body = TestClient(create_app(store, limits=Limits(body_bytes=1_000)), base_url="http://127.0.0.1")
    headers = api_sign_in(body, "editor@sft.test")
    edit = {"effects": {"0": {f"{year}": "1" for year in range(2_000)}}}
    assert body.put(SCHEME, json=edit, headers=headers).status_code == 413
    with store.session() as session:
        assert session.get(ScenarioDraft, 1) is None


def test_a_forms_csrf_token_is_read_before_its_file(client: TestClient, store: Store) -> None:
    """A page's upload carries the token as its first field; a form whose first field is the file is
    refused before the file is read."""
    token = sign_in(client, "editor@sft.test")
    rows = "month,pod,provider,activity\n2018/19-M01,ae,sft,5307\n"
    first = client.post(
        "/scenarios/1/actuals",
        data={"csrf_token": token},
        files={"file": ("activity.csv", rows, "text/csv")},
    )
    assert first.status_code == 200, first.text
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n{rows}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f"--{boundary}--\r\n"
    )
    late = client.post(
        "/scenarios/1/actuals",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert late.status_code == 403
    assert "CSRF" in late.text
    assert csrf_of(client.get("/").text) == token
