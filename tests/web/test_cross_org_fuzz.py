"""Fuzzing the API's writes across organisations: for every write endpoint, requests generated from its
OpenAPI schema (schemathesis) and well-formed changes generated here (hypothesis) — each sent by an editor
of one organisation at another organisation's data — are refused (403; or 422 when the request does not
match the schema, before any handler runs), and the store's SQL dump never changes. Never a 2xx, never a
5xx.

Runs in process on a copy of the corpus's store (the Stockport plan approved, a month of SFT's actuals).
A few examples per endpoint run in the default suite; the ``slow`` run tries many more.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carebridge.store import Store
from carebridge.web.app import create_app
from tests.corpus.conftest import seeded  # noqa: F401 (the store the corpus starts from)
from tests.corpus.runner import dump
from tests.web.conftest import api_sign_in
from tests.web.test_cross_org import ATTEMPTS

SCHEMA = schemathesis.openapi.from_dict(create_app(Store.open("sqlite:///:memory:")).openapi())
EDIT = "/api/scenarios/{plan_id}/{kind}/{item_id}"
ACTUALS = "/api/scenarios/{plan_id}/actuals"
APPROVE = "/api/scenarios/{plan_id}/approve"
RETURNS = "/api/efficiency/organisations/{org}/returns"
OTHERS_ORG = {"editor@ccg.test": "sft", "editor@sft.test": "ccg"}
"""For each editor, another organisation whose monthly return it must not submit."""

OTHERS_ITEMS = {
    "editor@ccg.test": ["/api/scenarios/1/schemes/acute_interface", "/api/scenarios/1/lines/sft_savings"],
    "editor@sft.test": ["/api/scenarios/1/schemes/neighbourhood", "/api/scenarios/1/lines/ccg_savings"],
}
"""For each editor, items of the plan another organisation owns (SFT's, the CCG's)."""
EDITORS = sorted(OTHERS_ITEMS)

FAST = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


class Api:
    """The app on a copy of the seeded store, an editor of each organisation signed in."""

    def __init__(self, seeded: Path, folder: Path) -> None:  # noqa: F811
        self.db = folder / "carebridge.db"
        shutil.copy(seeded, self.db)
        self.store = Store.open(str(self.db), actor="tests")
        self.client = TestClient(create_app(self.store), base_url="http://127.0.0.1")
        self.headers: dict[str, dict[str, str]] = {}
        for email in EDITORS:
            self.client.cookies.clear()
            self.headers[email] = api_sign_in(self.client, email) | {"Cookie": self._cookie()}
        self.client.cookies.clear()
        self.before = dump(self.db)

    def _cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.client.cookies.items())

    def send(self, email: str, method: str, path: str, **request: Any) -> int:
        self.client.cookies.clear()  # the session is the one in the editor's Cookie header
        response = self.client.request(method, path, headers=self.headers[email], **request)
        assert response.status_code < 500, (email, method, path, response.text[:500])
        assert dump(self.db) == self.before, (email, method, path, "the store changed", response.text[:500])
        status: int = response.status_code
        return status


@pytest.fixture
def api(seeded: Path, tmp_path: Path) -> Iterator[Api]:  # noqa: F811
    opened = Api(seeded, tmp_path)
    yield opened
    opened.store.close()


def test_every_write_endpoint_is_fuzzed() -> None:
    assert {path for _, path in ATTEMPTS} == {EDIT, ACTUALS, APPROVE, RETURNS}


# --- from the schema (schemathesis) ------------------------------------------------------------------------


def schema_cases(path: str, method: str) -> st.SearchStrategy[Any]:
    return SCHEMA[path][method].as_strategy()


def from_schema(api: Api, email: str, case: Any, path: str, multipart: bool = False) -> int:
    if multipart:
        body = case.body if isinstance(case.body, dict) else {}
        content = body.get("file", b"")
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else bytes(content or b"")
        return api.send(email, "POST", path, files={"file": ("fuzz.csv", data, "text/csv")})
    return api.send(email, case.method, path, json=case.body)


def _edit(api: Api, email: str, case: Any, index: int) -> None:
    items = OTHERS_ITEMS[email]
    status = from_schema(api, email, case, items[index % len(items)])
    assert status in (403, 422), status


def _actuals(api: Api, email: str, case: Any) -> None:
    assert from_schema(api, email, case, "/api/scenarios/1/actuals", multipart=True) in (403, 422)


def _approve(api: Api, email: str, case: Any) -> None:
    assert api.send(email, "POST", "/api/scenarios/1/approve") == 403


def _fuzz_schema(api: Api, the_settings: settings) -> None:
    @the_settings
    @given(st.sampled_from(EDITORS), schema_cases(EDIT, "PUT"), st.integers(0, 1))
    def edits(email: str, case: Any, index: int) -> None:
        _edit(api, email, case, index)

    @the_settings
    @given(st.sampled_from(EDITORS), schema_cases(ACTUALS, "POST"))
    def uploads(email: str, case: Any) -> None:
        _actuals(api, email, case)

    @the_settings
    @given(st.sampled_from(EDITORS), schema_cases(APPROVE, "POST"))
    def approvals(email: str, case: Any) -> None:
        _approve(api, email, case)

    @the_settings
    @given(st.sampled_from(EDITORS), schema_cases(RETURNS, "POST"))
    def returns(email: str, case: Any) -> None:
        path = RETURNS.format(org=OTHERS_ORG[email])
        assert from_schema(api, email, case, path) == 403  # refused before the body is read

    edits()
    uploads()
    approvals()
    returns()


def test_schema_generated_writes_to_another_organisations_data_are_refused(api: Api) -> None:
    _fuzz_schema(api, FAST)


@pytest.mark.slow
def test_many_schema_generated_writes_to_another_organisations_data_are_refused(api: Api) -> None:
    _fuzz_schema(api, SLOW)


# --- well-formed changes (hypothesis): they reach the ownership check, which must say 403 ----------------

YEARS = [f"{year}/{(year + 1) % 100:02d}" for year in range(2016, 2025)]
VALUE = st.one_of(st.integers(-10_000, 10_000).map(str), st.floats(-1e4, 1e4, allow_nan=False).map(repr))
EFFECTS = st.dictionaries(
    st.integers(0, 3).map(str),
    st.dictionaries(st.sampled_from(["all", *YEARS]), VALUE, min_size=1, max_size=3),
    min_size=1,
    max_size=2,
)
PODS = ["ae", "nel", "el", "op"]
MONTHS = st.builds(lambda month: f"2018/19-M{month:02d}", st.integers(1, 12))
NUMBER = st.floats(0, 1e5, allow_nan=False).map(lambda value: f"{value:.1f}")
SFT_ACTIVITY = st.lists(
    st.one_of(
        st.builds(
            lambda month, pod, value: f"{month},{pod},sft,{value}", MONTHS, st.sampled_from(PODS), NUMBER
        ),
        st.builds(lambda pod, value: f"2018/19-M01,{pod},,{value}", st.sampled_from(PODS), NUMBER),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda row: tuple(row.split(",")[:2]),
).map(lambda rows: "month,pod,provider,activity\n" + "\n".join(rows) + "\n")
CCG_SPEND = st.lists(
    st.builds(lambda month, value: f"{month},neighbourhood,{value}", MONTHS, NUMBER),
    min_size=1,
    max_size=3,
    unique_by=lambda row: row.split(",")[0],
).map(lambda rows: "month,scheme,spend\n" + "\n".join(rows) + "\n")
WELL_FORMED_UPLOADS = {"editor@ccg.test": SFT_ACTIVITY, "editor@sft.test": CCG_SPEND}
"""Files of another organisation's actuals: SFT's activity (by provider, or a total over SFT's rows of
2018/19-M01 — issue 13 item 1) from the CCG's editor; the CCG's scheme spend from SFT's editor."""


def _return_row(month: str, value: str) -> dict[str, str]:
    return {"month": month, "scheme": "sft_agency", "recurrent": value}


def _fuzz_well_formed(api: Api, the_settings: settings) -> None:
    @the_settings
    @given(st.sampled_from(EDITORS), st.integers(0, 1), EFFECTS)
    def edits(email: str, index: int, effects: dict[str, dict[str, str]]) -> None:
        path = OTHERS_ITEMS[email][index]
        assert api.send(email, "PUT", path, json={"effects": effects}) == 403

    @the_settings
    @given(st.data())
    def uploads(data: st.DataObject) -> None:
        email = data.draw(st.sampled_from(EDITORS))
        text = data.draw(WELL_FORMED_UPLOADS[email])
        files = {"file": ("actuals.csv", text.encode("utf-8"), "text/csv")}
        status = api.send(email, "POST", "/api/scenarios/1/actuals", files=files)
        assert status == 403, text

    @the_settings
    @given(st.sampled_from(EDITORS), st.lists(st.builds(_return_row, MONTHS, NUMBER), min_size=1, max_size=3))
    def returns(email: str, rows: list[dict[str, str]]) -> None:
        path = RETURNS.format(org=OTHERS_ORG[email])
        assert api.send(email, "POST", path, json={"efficiency": rows}) == 403

    edits()
    uploads()
    returns()


def test_well_formed_writes_to_another_organisations_data_get_403(api: Api) -> None:
    _fuzz_well_formed(api, FAST)


@pytest.mark.slow
def test_many_well_formed_writes_to_another_organisations_data_get_403(api: Api) -> None:
    _fuzz_well_formed(api, SLOW)
