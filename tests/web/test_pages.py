"""The pages: scenarios and versions, the dashboard, editing a scheme with the command line's messages,
the changes against the approved plan, actuals with the row-by-row errors, FEWS, report downloads."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import load_scenario_text
from carebridge.store import Store
from carebridge.usecases.edits import edit_scheme
from tests.conftest import EXAMPLES, STOCKPORT
from tests.web.conftest import sign_in

ACTUALS = EXAMPLES / "stockport-2017" / "actuals"


def test_the_scenario_list_shows_each_plan_and_its_versions(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    page = client.get("/").text
    assert "Stockport" in page
    assert "Stockport Together summary economic case 2017" in page
    assert "Import a scenario" not in page  # a viewer imports nothing


def test_a_finance_lead_imports_a_scenario_and_sees_every_problem_of_a_bad_one(client: TestClient) -> None:
    token = sign_in(client, "lead@ccg.test")
    bad = STOCKPORT.read_text(encoding="utf-8").replace("base_year: 2016/17", "base_year: 2016-17")
    response = client.post(
        "/scenarios/import",
        data={"csrf_token": token, "name": "Broken"},
        files={"file": ("broken.yaml", bad, "application/yaml")},
    )
    assert response.status_code == 422
    with pytest.raises(ScenarioError) as expected:
        load_scenario_text(bad, "broken.yaml")
    for problem in expected.value.problems:
        assert str(problem).replace("'", "&#39;") in response.text
    good = client.post(
        "/scenarios/import",
        data={"csrf_token": token, "name": "Second"},
        files={"file": ("scenario.yaml", STOCKPORT.read_bytes(), "application/yaml")},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert "Second" in client.get("/").text


def test_the_dashboard_shows_the_bridge_positions_activity_and_schemes(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1").text
    for expected in ("chart-bridge", "System financial bridge", "Do-something position", "Acute Interface"):
        assert expected in page
    assert 'src="/static/plotly.min.js"' in page
    assert "cdn" not in page.lower()
    fragment = client.get("/scenarios/1/bridge", params={"year": "2018/19"}).text
    assert "System financial bridge, 2018/19" in fragment
    assert client.get("/scenarios/1", params={"year": "1999/00"}).status_code == 422


def test_editing_a_scheme_gives_the_command_lines_messages(client: TestClient, store: Store) -> None:
    token = sign_in(client, "editor@sft.test")
    response = client.post(
        "/scenarios/1/schemes/acute_interface",
        data={"csrf_token": token, "effect-0-2018/19": "lots"},
    )
    assert response.status_code == 422
    text = edit_scheme(STOCKPORT.read_text(encoding="utf-8"), "acute_interface", {0: {"2018/19": "lots"}})
    with pytest.raises(ScenarioError) as expected:
        load_scenario_text(text, "Stockport (draft)")
    message = str(expected.value.problems[0])
    assert "expected a number" in message
    assert message.replace("'", "&#39;") in response.text


def test_a_saved_edit_of_a_line_changes_the_bridge_against_the_approved_plan(client: TestClient) -> None:
    token = sign_in(client, "editor@sft.test")
    before = client.get("/api/scenarios/1", params={"year": "2018/19"}).json()
    response = client.post(
        "/scenarios/1/lines/sft_savings",
        data={"csrf_token": token, "effect-0-2018/19": "-35000"},
    )
    assert response.status_code == 200
    assert "changes against the approved plan" in response.text
    assert 'class="flag"' in response.text
    after = client.get("/api/scenarios/1", params={"year": "2018/19"}).json()
    assert after["source"] == "draft"
    assert after["bridge"][-1]["value"] != pytest.approx(before["bridge"][-1]["value"])


def test_actuals_with_a_bad_row_are_refused_row_by_row(client: TestClient) -> None:
    token = sign_in(client, "editor@sft.test")
    good = (ACTUALS / "activity-2018-19-M01.csv").read_text(encoding="utf-8")
    bad = good.replace("2018/19-M01,nel,sft,2283", "2018/19-M01,nell,sft,2283")
    response = client.post(
        "/scenarios/1/actuals",
        data={"csrf_token": token},
        files={"file": ("activity-M01.csv", bad, "text/csv")},
    )
    assert response.status_code == 422
    assert re.search(r"activity-M01.csv, row 6, column pod: .*nell", response.text)
    assert "nothing was imported" in response.text
    ok = client.post(
        "/scenarios/1/actuals",
        data={"csrf_token": token},
        files={"file": ("activity-M01.csv", good, "text/csv")},
    )
    assert ok.status_code == 200
    assert "8 new" in ok.text


def test_the_fews_shows_rag_once_there_are_actuals(client: TestClient) -> None:
    token = sign_in(client, "editor@sft.test")
    assert "No activity actuals yet" in client.get("/scenarios/1/fews").text
    for month in ("M01", "M02", "M03"):
        path = ACTUALS / f"activity-2018-19-{month}.csv"
        client.post(
            "/scenarios/1/actuals",
            data={"csrf_token": token},
            files={"file": (path.name, path.read_bytes(), "text/csv")},
        )
    page = client.get("/scenarios/1/fews").text
    assert re.search(r'id="fews-overall" class="rag rag-(green|amber|red)"', page)
    assert "Activity deflection" in page
    fews = client.get("/api/scenarios/1/fews").json()
    assert fews["month"] == "2018/19-M03"
    assert fews["overall"] in ("green", "amber", "red")


def test_the_reports_download(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    excel = client.get("/scenarios/1/report.xlsx")
    assert excel.status_code == 200
    assert excel.content[:2] == b"PK"
    html = client.get("/scenarios/1/report.html")
    assert html.status_code == 200
    assert "<html" in html.text
    assert client.get("/scenarios/1/report.pdf").status_code == 404


def test_a_scheme_edit_changes_the_statement_against_the_approved_plan(client: TestClient) -> None:
    token = sign_in(client, "editor@sft.test")
    response = client.post(
        "/scenarios/1/schemes/acute_interface",
        data={"csrf_token": token, "effect-1-2019/20": "34440"},
    )
    assert response.status_code == 200
    effects = client.get("/api/scenarios/1/schemes/acute_interface").json()
    assert effects[1]["values"]["2019/20"] == "34440"
    assert "Statement net saving (tariff basis)" in response.text
