"""What the web app tells a user when something is wrong: an upload's problems name the file as the user
knows it (never the server's temporary folder), and every error page has a title."""

from __future__ import annotations

import re
import tempfile

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import api_sign_in, sign_in

BAD_ROW = "month,pod,provider,activity\n2018/19-M01,ae,sft,abc\n"


def title_of(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert found, "the page has no <title>"
    return found.group(1).strip()


def assert_no_server_path(text: str) -> None:
    assert "carebridge-web-" not in text
    assert tempfile.gettempdir() not in text


def test_an_uploads_problems_name_the_users_file_not_the_servers_path(client: TestClient) -> None:
    headers = api_sign_in(client, "editor@sft.test")
    for name, content, expected in (
        ("activity.csv", BAD_ROW, "activity.csv, row 2, column activity: expected a number, found 'abc'"),
        ("bad.xlsx", "not a workbook", "bad.xlsx: is not an Excel workbook that can be read"),
    ):
        api = client.post(
            "/api/scenarios/1/actuals", files={"file": (name, content, "text/csv")}, headers=headers
        )
        assert api.status_code == 422
        assert api.json()["problems"][0].startswith(expected)
        assert_no_server_path(api.text)
    client.cookies.clear()
    token = sign_in(client, "editor@sft.test")
    page = client.post(
        "/scenarios/1/actuals",
        data={"csrf_token": token},
        files={"file": ("../../secret/activity.csv", BAD_ROW, "text/csv")},
    )
    assert page.status_code == 422
    assert "activity.csv, row 2, column activity" in page.text
    assert_no_server_path(page.text)


def test_a_bad_scenario_upload_names_the_users_file(client: TestClient) -> None:
    token = sign_in(client, "lead@ccg.test")
    page = client.post(
        "/scenarios/import",
        data={"csrf_token": token, "name": "Broken"},
        files={"file": ("broken.yaml", "name: [unclosed\n", "text/yaml")},
    )
    assert page.status_code == 422
    assert "broken.yaml" in page.text
    assert_no_server_path(page.text)


@pytest.mark.parametrize(
    ("email", "method", "path", "status", "title"),
    [
        ("viewer@smbc.test", "GET", "/nowhere", 404, "404 Not found"),
        ("viewer@smbc.test", "GET", "/scenarios/99", 404, "404 Not found"),
        ("viewer@smbc.test", "GET", "/scenarios/1?year=1900/01", 422, "422 Cannot be used"),
        ("viewer@smbc.test", "POST", "/scenarios/1/approve", 403, "403 Not allowed"),
        ("editor@ccg.test", "POST", "/scenarios/1/schemes/acute_interface", 403, "403 Not allowed"),
        ("editor@ccg.test", "POST", "/scenarios/1/approve", 403, "403 Not allowed"),
    ],
)
def test_every_error_page_has_a_title(
    client: TestClient, email: str, method: str, path: str, status: int, title: str
) -> None:
    token = sign_in(client, email)
    response = client.request(method, path, data={"csrf_token": token} if method == "POST" else None)
    assert response.status_code == status
    assert title_of(response.text) == f"{title} · CareBridge"
