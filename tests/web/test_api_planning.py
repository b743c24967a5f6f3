"""The JSON API of the Monte Carlo, targets and risk views: the same numbers as their pages, typed in the
OpenAPI document, private like the rest."""

from __future__ import annotations

from fastapi.testclient import TestClient

from carebridge.store import Store
from tests.web.conftest import api_sign_in
from tests.web.test_planning_pages import AE, _load_registers

PATHS = ("monte-carlo", "targets", "risks")


def test_the_planning_api_needs_a_session(client: TestClient) -> None:
    for path in PATHS:
        assert client.get(f"/api/scenarios/1/{path}").status_code == 401


def test_the_planning_api_is_typed_in_the_openapi_document(client: TestClient) -> None:
    api_sign_in(client, "viewer@smbc.test")
    document = client.get("/openapi.json").json()
    for path, model in zip(PATHS, ("MonteCarloOut", "TargetsOut", "RisksOut"), strict=True):
        answer = document["paths"][f"/api/scenarios/{{plan_id}}/{path}"]["get"]["responses"]["200"]
        assert answer["content"]["application/json"]["schema"]["$ref"].endswith(f"/{model}")
    assert {"TornadoBarOut", "TargetOut", "RiskOut"} <= set(document["components"]["schemas"])


def test_the_monte_carlo_api_gives_the_balance_and_the_tornado(client: TestClient) -> None:
    api_sign_in(client, "viewer@smbc.test")
    response = client.get("/api/scenarios/1/monte-carlo")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["draws"], body["seed"], body["spread"]) == (2000, 1, 0.2)
    assert body["position_varies"] is False  # Stockport's positions are fixed plan lines
    assert [row["year"] for row in body["balance"]][:2] == ["2016/17", "2017/18"]
    assert all(0.0 <= row["probability"] <= 1.0 for row in body["balance"])
    bars = body["tornado"]
    assert bars and body["central_net_benefit"] < 0  # the net saving, negative as in every table
    assert bars[0]["input"].endswith(", 2020/21") and "schemes." not in bars[0]["input"]  # in words
    swings = [abs(bar["output_high"] - bar["output_low"]) for bar in bars]
    assert swings == sorted(swings, reverse=True)  # the largest swing first
    assert client.get("/api/scenarios/99/monte-carlo").status_code == 404


def test_the_targets_api_gives_each_target_against_its_trajectory(client: TestClient, store: Store) -> None:
    api_sign_in(client, "viewer@smbc.test")
    assert client.get("/api/scenarios/1/targets").json()["targets"] == []
    _load_registers(store, with_actuals=True)
    body = client.get("/api/scenarios/1/targets").json()
    assert body["month"] == "2016/17-M12"
    assert "2016/17-M09" in body["months"]
    (ae,) = [target for target in body["targets"] if target["id"] == AE]
    assert ae["state"] == "alert" and ae["rag"] == "red"
    assert ae["actual"] == 77.0 and ae["alert"]
    earlier = client.get("/api/scenarios/1/targets", params={"month": "2016/17-M10"}).json()
    assert earlier["month"] == "2016/17-M10"
    assert client.get("/api/scenarios/1/targets", params={"month": "June"}).status_code == 422


def test_the_risks_api_gives_the_scores_and_the_overdue_reviews(client: TestClient, store: Store) -> None:
    _load_registers(store, with_actuals=False)
    api_sign_in(client, "viewer@smbc.test")
    late = client.get("/api/scenarios/1/risks", params={"month": "2030/31-M01"}).json()
    assert late["risks"] and all(risk["overdue"] for risk in late["risks"] if risk["review_date"])
    first = late["risks"][0]
    assert first["before"]["rating"] == first["before"]["likelihood"] * first["before"]["impact"]
    early = client.get("/api/scenarios/1/risks", params={"month": "2000/01-M01"}).json()
    assert not any(risk["overdue"] for risk in early["risks"])
    assert client.get("/api/scenarios/1/risks", params={"month": "nonsense"}).status_code == 422
    assert client.post("/api/scenarios/1/risks").status_code == 405
