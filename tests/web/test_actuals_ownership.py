"""Issue 13, item 1: one organisation may not overwrite another's actuals through the web app's API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from carebridge.store import Store
from carebridge.store.monitoring import read_actuals
from tests.web.conftest import PLAN, api_sign_in

HEADER = "month,pod,provider,activity"


def post(client: TestClient, headers: dict[str, str], name: str, *rows: str) -> tuple[int, dict[str, object]]:
    body = "\n".join([HEADER, *rows]) + "\n"
    response = client.post(
        "/api/scenarios/1/actuals", files={"file": (name, body, "text/csv")}, headers=headers
    )
    return response.status_code, response.json()


def test_the_ccgs_total_may_not_replace_sfts_rows(client: TestClient, store: Store) -> None:
    sft = api_sign_in(client, "editor@sft.test")
    status, _ = post(client, sft, "sft.csv", "2018/19-M01,ae,sft,1894.6", "2018/19-M01,ae,other,534")
    assert status == 200
    before = read_actuals(store, PLAN).activity
    ccg = api_sign_in(client, "editor@ccg.test")
    status, body = post(client, ccg, "total.csv", "2018/19-M01,ae,,8697.6")
    assert status == 403
    problems = body["problems"]
    assert isinstance(problems, list)
    (problem,) = problems
    assert isinstance(problem, str)
    assert problem.startswith("total.csv, row 2, column provider: the total of A&E in 2018/19-M01")
    assert "Stockport FT" in problem and "sft.csv" in problem
    assert read_actuals(store, PLAN).activity.equals(before)
