"""The bad-request corpus: every request under ``tests/corpus/web/`` — a JSON body, an upload, a form, a query
string — is refused by the real app on a copy of a real SQLite store (the one ``test_corpus.py`` seeds) with
its 4xx status, no traceback, a message naming the request's field or the uploaded file and its place, in
under 10 s of CPU and 500 MB, and the store's SQL dump unchanged.

A case is a YAML file::

    why: what is wrong
    user: editor@ccg.test          # signed in through the API (its CSRF token sent), or null
    method: PUT
    path: /api/scenarios/1/schemes/neighbourhood
    query: {month: 2018-05}        # optional
    json: {effects: {...}}         # or body + content_type, or form (``{csrf}`` is the session's token),
    upload: {name: a.csv, text: "..."}   # or upload: {corpus: actuals/short_row.csv}
    csrf: false                    # optional: send no CSRF token
    status: 422
    at: the place the message names (a field, or the file's name and row)
    expect: what it says
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from fastapi.testclient import TestClient

from carebridge.store import Store
from carebridge.web.app import create_app
from tests.corpus.runner import CORPUS, Expected, assert_unchanged, check_message, dump, guarded
from tests.web.conftest import api_sign_in

CASES = sorted((CORPUS / "web").glob("*.yaml"))


def request_of(case: dict[str, Any], token: str | None) -> dict[str, Any]:
    """The keyword arguments of ``TestClient.request`` for a case."""
    request: dict[str, Any] = {"params": case.get("query"), "headers": {}}
    if token is not None and case.get("csrf", True):
        request["headers"]["X-CSRF-Token"] = token
    if "json" in case:
        request["json"] = case["json"]
    if "body" in case:
        request["content"] = case["body"].encode("utf-8")
        request["headers"]["Content-Type"] = case.get("content_type", "application/json")
    if "headers" in case:
        request["headers"].update(case["headers"])
    if "form" in case:
        request["data"] = {
            key: str(value).replace("{csrf}", token or "") for key, value in case["form"].items()
        }
    upload = case.get("upload")
    if upload is not None:
        data = (
            (CORPUS / upload["corpus"]).read_bytes() if "corpus" in upload else upload["text"].encode("utf-8")
        )
        name = upload.get("name") or Path(upload["corpus"]).name
        request["files"] = {upload.get("field", "file"): (name, data, upload.get("type", "text/csv"))}
    return request


@pytest.mark.parametrize("path", CASES, ids=[path.name for path in CASES])
def test_each_bad_request_is_refused_with_its_place(path: Path, seeded: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    wanted = Expected(at=case["at"], text=case["expect"], refused=case.get("refuse"), why=case["why"])
    db = tmp_path / "carebridge.db"
    shutil.copy(seeded, db)
    with Store.open(str(db), actor="tests") as store:
        client = TestClient(create_app(store), base_url="http://127.0.0.1")
        token = api_sign_in(client, case["user"])["X-CSRF-Token"] if case.get("user") else None
        before = dump(db)  # signing in writes a session: compare after it
        with guarded(path.name):
            response = client.request(case["method"], case["path"], **request_of(case, token))
    assert 400 <= response.status_code < 500 and response.status_code == case["status"], (
        response.status_code,
        response.text[:2000],
    )
    check_message(response.text, "", wanted)
    assert_unchanged(db, before, path.name)


def test_the_web_corpus_covers_every_kind_of_request() -> None:
    cases = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in CASES]
    kinds = {kind for case in cases for kind in ("json", "body", "form", "upload", "query") if case.get(kind)}
    assert kinds == {"json", "body", "form", "upload", "query"}
    assert {case["method"] for case in cases} >= {"GET", "POST", "PUT"}
