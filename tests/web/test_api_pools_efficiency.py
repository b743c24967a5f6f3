"""The JSON API of pooled budgets and efficiency programmes: the pools and one pool's month, the programmes,
an organisation's and the system's view — private, typed in /openapi.json, the same numbers as the store
holds —; a monthly return submitted as JSON or as a CSV file by an editor or finance lead of its
organisation only (403 otherwise), every bad row located (422) and nothing imported, all or nothing."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from carebridge.delivery.pools import load_pool
from carebridge.store import Store
from carebridge.usecases.efficiency import load
from carebridge.usecases.pools import import_spend, load_pools
from tests.conftest import EXAMPLES
from tests.web.conftest import api_sign_in
from tests.web.test_cross_org import snapshot
from tests.web.test_efficiency_page import PROGRAMME, SFT

POOLS = EXAMPLES / "stockport-2017" / "pools"
GETS = (
    "/api/pools",
    "/api/pools/age_65_plus",
    "/api/efficiency/programmes",
    "/api/efficiency/organisations/ccg",
    "/api/efficiency/system",
)
RETURNS = "/api/efficiency/organisations/{org}/returns"
CCG_RETURN: dict[str, Any] = {
    "income_expenditure": [
        {"month": "2018/19-M01", "category": "other_income", "plan": 1000, "actual": 990, "forecast": 12000},
        {"month": "2018/19-M01", "category": "non_pay", "plan": 1000, "actual": 1030, "forecast": 12300},
    ],
    "efficiency": [
        {"month": "2018/19-M01", "scheme": "ccg_prescribing", "recurrent": 30, "non_recurrent": 5}
    ],
    "risks": [
        {
            "month": "2018/19-M01",
            "item": "prices",
            "kind": "risk",
            "description": "Drug prices",
            "best": 10,
            "likely": 50,
            "worst": 90,
        }
    ],
}


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "programme.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    load(store, path)
    pool = POOLS / "pool-65-plus-2016-17.yaml"
    load_pools(store, [(load_pool(pool), pool)])
    import_spend(store, POOLS / "spend-2016-17.csv")
    return store


def test_the_api_needs_a_session(client: TestClient) -> None:
    for path in GETS:
        assert client.get(path).status_code == 401, path
    assert client.post(RETURNS.format(org="ccg"), json=CCG_RETURN).status_code == 401


def test_the_endpoints_are_typed_in_the_openapi_document(client: TestClient) -> None:
    api_sign_in(client, "viewer@smbc.test")
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    for path, model in (
        ("/api/pools", "PoolsOut"),
        ("/api/pools/{code}", "PoolStatusOut"),
        ("/api/efficiency/organisations/{org}", "EfficiencyStatusOut"),
        ("/api/efficiency/system", "EfficiencyStatusOut"),
    ):
        answer = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer["$ref"].endswith(f"/{model}"), path
    post = paths[RETURNS.replace("{org}", "{org}")]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"403", "422"} <= set(post["responses"])


def test_the_pools_and_one_pools_month(client: TestClient, loaded: Store) -> None:
    api_sign_in(client, "viewer@smbc.test")
    listed = client.get("/api/pools").json()
    assert listed["month"] == "2016/17-M12" and len(listed["months"]) == 12
    (pool,) = listed["pools"]
    assert pool["code"] == "age_65_plus" and pool["budgeted"] is True
    assert pool["name"] == "Stockport pooled budget for people aged 65+"

    answer = client.get("/api/pools/age_65_plus", params={"month": "2016/17-M06"})
    assert answer.status_code == 200, answer.text
    status = answer.json()
    with (POOLS / "spend-2016-17.csv").open(encoding="utf-8") as handle:
        spent = sum(float(row["spend"]) for row in csv.DictReader(handle) if row["month"] <= "2016/17-M06")
    assert status["actual_ytd"] == pytest.approx(spent)  # every row of the file to September, and no other
    assert status["month"] == "2016/17-M06" and [m["month"] for m in status["months"]][:2] == [
        "2016/17-M01",
        "2016/17-M02",
    ]
    assert status["affordability"] == pytest.approx(status["gross"] - status["qipp"])
    shares = status["variance"]["partners"]
    assert sum(p["amount"] for p in shares) == pytest.approx(status["variance"]["variance"])
    assert {p["name"] for p in shares} >= {"NHS Stockport CCG"}  # names, never only ids
    assert status["variance"]["basis"] == "affordability" and status["gross_variance"]["basis"] == "gross"

    unknown = client.get("/api/pools/age_65_plu")
    assert unknown.status_code == 404 and "did you mean 'age_65_plus'" in unknown.json()["detail"]
    assert client.get("/api/pools/age_65_plus", params={"month": "June"}).status_code == 422
    assert client.get("/api/pools", params={"month": "June"}).status_code == 422


def test_a_finance_lead_submits_their_own_return_as_json(client: TestClient, loaded: Store) -> None:
    headers = api_sign_in(client, "lead@ccg.test")
    answer = client.post(RETURNS.format(org="ccg"), json=CCG_RETURN, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["rows"], body["inserted"], body["updated"]) == (4, 4, 0)
    assert [(r["organisation"], r["name"], r["month"]) for r in body["returns"]] == [
        ("ccg", "Stockport CCG", "2018/19-M01")
    ]
    again = client.post(RETURNS.format(org="ccg"), json=CCG_RETURN, headers=headers).json()
    assert (again["inserted"], again["updated"]) == (0, 0)  # the same return twice changes nothing

    ccg = client.get("/api/efficiency/organisations/ccg").json()
    assert ccg["month"] == "2018/19-M01" and ccg["view"]["name"] == "Stockport CCG"
    assert ccg["view"]["recurrent_ytd"] == 30 and ccg["view"]["non_recurrent_ytd"] == 5
    assert ccg["view"]["actual_ytd"] == pytest.approx(1030 - 990)  # expenditure − income
    assert ccg["view"]["unidentified"] == pytest.approx(100)  # QIPP 600 less the identified 500
    assert [r["item"] for r in ccg["risks"]] == ["prices"]
    assert ccg["indicators"] and all(i["item"].split(":")[0] == "ccg" for i in ccg["indicators"])
    system = client.get("/api/efficiency/system").json()
    assert system["view"]["item"] == "system"
    assert system["view"]["recurrent_ytd"] == 30  # the sum of the partners: only the CCG has returned
    assert system["view"]["line"] == pytest.approx(1800)
    programmes = client.get("/api/efficiency/programmes").json()
    assert [(p["name"], p["months"]) for p in programmes] == [
        ("Stockport CIP and QIPP 2018/19", ["2018/19-M01"])
    ]
    assert client.get("/api/efficiency/organisations/gp").status_code == 404
    assert client.get("/api/efficiency/system", params={"month": "2019/20-M01"}).status_code == 422


def test_another_organisations_return_is_forbidden_and_changes_nothing(
    client: TestClient, loaded: Store
) -> None:
    headers = api_sign_in(client, "lead@ccg.test")
    before = snapshot(loaded)
    for request in ({"json": CCG_RETURN}, {"files": {"file": ("sft.csv", SFT, "text/csv")}}):
        answer = client.post(RETURNS.format(org="sft"), headers=headers, **request)
        assert answer.status_code == 403, answer.text
        assert "only the return of an organisation you edit" in answer.json()["detail"]
    viewer = api_sign_in(client, "viewer@smbc.test")
    assert client.post(RETURNS.format(org="smbc"), json=CCG_RETURN, headers=viewer).status_code == 403
    assert snapshot(loaded) == before | {"web_sessions": snapshot(loaded)["web_sessions"]}


def test_every_bad_row_is_located_and_nothing_is_imported(client: TestClient, loaded: Store) -> None:
    headers = api_sign_in(client, "lead@ccg.test")
    bad = {
        "income_expenditure": [
            CCG_RETURN["income_expenditure"][0],
            {"month": "2018/19-M01", "category": "pay", "plan": 10, "actual": -5},
            {"month": "2018/19-M01", "category": "biscuits", "plan": 10, "actual": 5},
        ],
        "efficiency": [
            {"organisation": "sft", "month": "2018/19-M01", "scheme": "sft_agency", "recurrent": 10},
            {"month": "2018/19-M01", "scheme": "ccg_prescribing", "recurrent": 10},
            {"month": "2018/19-M01", "scheme": "ccg_prescribing", "recurrent": 12},
        ],
    }
    before = snapshot(loaded)
    answer = client.post(RETURNS.format(org="ccg"), json=bad, headers=headers)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["detail"].endswith("nothing was imported")
    problems = body["problems"]
    assert [p.split(":")[0] for p in problems] == [
        "income_expenditure[1].actual",
        "income_expenditure[2].category",
        "efficiency[0].organisation",
        "efficiency[2]",
    ]
    assert "Stockport NHS FT" in problems[2] and "repeats row 1" in problems[3]
    assert snapshot(loaded) == before  # all or nothing: the good rows were not imported either

    shape = client.post(
        RETURNS.format(org="ccg"),
        json={"efficiency": [{"scheme": "x", "colour": "red"}], "pay": []},
        headers=headers,
    )
    assert shape.status_code == 422
    assert shape.json()["problems"] == [
        "pay: is not a table of a return; expected income_expenditure, efficiency, risks",
        "efficiency[0].colour: is not a column of efficiency; expected organisation, month, scheme, "
        "recurrent, non_recurrent",
    ]
    not_json = client.post(
        RETURNS.format(org="ccg"), content=b"{", headers={**headers, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 422 and not_json.json()["problems"][0].startswith("request body:")
    text = client.post(
        RETURNS.format(org="ccg"), content=b"x", headers={**headers, "Content-Type": "text/plain"}
    )
    assert text.status_code == 415
    assert snapshot(loaded) == before


def test_an_editor_submits_a_csv_file_and_its_bad_rows_name_the_file(
    client: TestClient, loaded: Store
) -> None:
    headers = api_sign_in(client, "editor@sft.test")
    bad = SFT.replace(",100,0", ",-100,0")
    answer = client.post(
        RETURNS.format(org="sft"), headers=headers, files={"file": ("april.csv", bad, "text/csv")}
    )
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert problem.startswith("april.csv, row 2, column recurrent:") and "carebridge-web-" not in problem
    good = client.post(
        RETURNS.format(org="sft"), headers=headers, files={"file": ("april.csv", SFT, "text/csv")}
    )
    assert good.status_code == 200, good.text
    assert good.json()["message"].startswith("april.csv: 1 rows, 1 new, 0 replaced")
    sft = client.get("/api/efficiency/organisations/sft").json()
    assert sft["view"]["recurrent_ytd"] == 100
