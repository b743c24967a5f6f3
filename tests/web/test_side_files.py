"""A scenario uploaded to the web app with the files it names beside itself (or a zip of its folder) is stored
with them, read again from the store alone, edited and approved with them; a missing file is named at its
field; the scenario's warnings are shown on upload and on its dashboard."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import httpx
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from carebridge.report.tidy import tidy_tables
from carebridge.store import Store
from carebridge.usecases.planning import CheckedScenario, check_file
from carebridge.web import scenarios
from carebridge.web.auth import add_user
from tests.conftest import EXAMPLES
from tests.web.conftest import PASSWORD, sign_in
from tests.web.server import serving

STP = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"
RIGHTCARE = EXAMPLES / "outcomes" / "rightcare-2016.yaml"
STOCKPORT = EXAMPLES / "stockport-2017"
DEMAND = STOCKPORT / "demand.yaml"
POPULATION = STOCKPORT / "population-two-las.csv"
LEAD = "lead@ccg.test"


@pytest.fixture(scope="module")
def from_files() -> dict[str, CheckedScenario]:
    return {"stp": check_file(STP), "demand": check_file(DEMAND)}


def folder_zip(folder: Path) -> bytes:
    """The folder as a person zips it: every file under a top folder of its name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


Part = tuple[str, bytes, str]


def import_plan(
    client: TestClient,
    token: str,
    name: str,
    file: Part,
    side: Sequence[Part] = (),
    scenario_in_zip: str = "",
) -> httpx.Response:
    """Post the import form as a browser does: the scenario (or a zip), the side files, the fields."""
    data = {"csrf_token": token, "name": name, "scenario_in_zip": scenario_in_zip}
    files = [("file", file), *(("side_files", part) for part in side)]
    response: httpx.Response = client.post(
        "/scenarios/import", data=data, files=files, follow_redirects=False
    )
    return response


def plan_id_of(client: TestClient, name: str) -> int:
    plans = client.get("/api/scenarios").json()
    return int(next(plan["id"] for plan in plans if plan["name"] == name))


def assert_runs_as_file(client: TestClient, store: Store, plan: int, from_file: CheckedScenario) -> None:
    """The plan as the app shows it — its API figures, and every tidy table of the app's run — equals the run
    of its files, numbers to 1e-9; its digest is that of the scenario and its files."""
    shown = client.get(f"/api/scenarios/{plan}").json()
    assert shown["sha256"] == from_file.sha256
    expected = from_file.results.positions.sel(line="do_something")
    for position in shown["positions"]:
        for year, value in position["values"].items():
            assert value == pytest.approx(
                float(expected.sel(org=position["org"], year=year)), rel=0, abs=1e-9
            )
    state = scenarios.current(client.app.state.caches.runs, store, plan)  # type: ignore[attr-defined]
    ours, theirs = tidy_tables(state.results), tidy_tables(from_file.results)
    for name, table in theirs.items():
        pd.testing.assert_frame_equal(ours[name], table, check_exact=False, rtol=0, atol=1e-9, obj=name)


def test_the_stp_uploaded_with_its_benchmark_file_reads_again_from_the_store(
    client: TestClient, store: Store, from_files: dict[str, CheckedScenario]
) -> None:
    token = sign_in(client, LEAD)
    scenario = ("scenario.yaml", STP.read_bytes(), "application/yaml")
    side = [(RIGHTCARE.name, RIGHTCARE.read_bytes(), "application/yaml")]
    response = import_plan(client, token, "STP", file=scenario, side=side)
    assert response.status_code == 303, response.text
    plan = plan_id_of(client, "STP")
    assert_runs_as_file(client, store, plan, from_files["stp"])
    page = client.get(f"/scenarios/{plan}").text
    assert "Files kept with the plan: ../outcomes/rightcare-2016.yaml (7,998 bytes" in html.unescape(page)
    assert from_files["stp"].sha256[:12] in page


def test_a_zip_of_the_folder_gives_the_population_file(
    client: TestClient, store: Store, from_files: dict[str, CheckedScenario]
) -> None:
    token = sign_in(client, LEAD)
    archive = ("stockport-2017.zip", folder_zip(STOCKPORT), "application/zip")
    several = import_plan(client, token, "Demand", file=archive)
    assert several.status_code == 422
    assert (
        "the zip holds 2 scenarios (stockport-2017/demand.yaml, stockport-2017/scenario.yaml); name the one "
        "to import in &#39;Scenario in the zip&#39;" in several.text
    )
    response = import_plan(client, token, "Demand", file=archive, scenario_in_zip="demand.yaml")
    assert response.status_code == 303, response.text
    assert_runs_as_file(client, store, plan_id_of(client, "Demand"), from_files["demand"])


def test_a_missing_side_file_is_named_at_its_field(client: TestClient) -> None:
    token = sign_in(client, LEAD)
    response = import_plan(client, token, "Demand", file=("demand.yaml", DEMAND.read_bytes(), "text/yaml"))
    assert response.status_code == 422
    line = next(i for i, text in enumerate(DEMAND.read_text().splitlines(), 1) if "file: population" in text)
    assert (
        f"demand.yaml:{line} demography.file: no population file &#39;population-two-las.csv&#39; was "
        "uploaded with the scenario (files given: none)" in response.text
    )
    assert "Demand" not in [plan["name"] for plan in client.get("/api/scenarios").json()]


def test_editing_and_approving_a_stored_plan_keeps_its_side_files(client: TestClient, store: Store) -> None:
    token = sign_in(client, LEAD)
    scenario = ("scenario.yaml", STP.read_bytes(), "application/yaml")
    side = [(RIGHTCARE.name, RIGHTCARE.read_bytes(), "application/yaml")]
    assert import_plan(client, token, "STP", file=scenario, side=side).status_code == 303
    plan = plan_id_of(client, "STP")
    before = client.get(f"/api/scenarios/{plan}").json()
    edit = client.post(
        f"/scenarios/{plan}/lines/urgent_care", data={"csrf_token": token, "effect-0-2018/19": "-3000"}
    )
    assert edit.status_code == 200, edit.text  # the redirect to the changes against the approved plan
    assert "Urgent" in edit.text
    draft = client.get(f"/api/scenarios/{plan}").json()
    assert draft["source"] == "draft" and draft["sha256"] != before["sha256"]
    approved = client.post(f"/scenarios/{plan}/approve", data={"csrf_token": token}, follow_redirects=False)
    assert approved.status_code == 303
    state = scenarios.current(client.app.state.caches.runs, store, plan)  # type: ignore[attr-defined]
    assert state.source == "version 2"
    assert dict(state.stored.files) == {"../outcomes/rightcare-2016.yaml": RIGHTCARE.read_bytes()}
    report = client.get(f"/scenarios/{plan}/report.html")
    assert report.status_code == 200
    assert "with ../outcomes/rightcare-2016.yaml (SHA-256 " in html.unescape(report.text)


def without_overlaps(text: str) -> str:
    """Stockport's demand scenario with its declared intersection of cohorts taken out."""
    return re.sub(r"cohort_overlaps:\n(  .*\n)+\n", "", text)


def test_warnings_are_shown_on_upload_and_on_the_dashboard(client: TestClient) -> None:
    token = sign_in(client, LEAD)
    text = without_overlaps(DEMAND.read_text(encoding="utf-8"))
    side = [(POPULATION.name, POPULATION.read_bytes(), "text/csv")]
    response = import_plan(
        client, token, "Demand", file=("demand.yaml", text.encode(), "text/yaml"), side=side
    )
    assert response.status_code == 303
    plan = plan_id_of(client, "Demand")
    assert response.headers["location"] == f"/scenarios/{plan}"  # opens where the warning is shown
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "cohort: over65" in t)
    warning = (
        "Cohorts 'Top 15% at risk of admission' and 'People aged 65 and over' both have schemes on POD "
        "'Non Elective' but no declared intersection; they are taken as disjoint — declare cohort_overlaps "
        "(0 if they are). (The scheme Illustrative falls service for people aged 65 and over, "
        f"line {line} of the scenario.)"
    )
    page = html.unescape(client.get(f"/scenarios/{plan}").text)
    assert "This scenario has a warning" in page
    assert warning in page
    assert "schemes[" not in page  # people's words: no field paths
    overdrawn = text.replace("fraction: {2018/19: 0.05}", "fraction: {2018/19: 1.0}")
    refused = import_plan(
        client, token, "Overdrawn", file=("demand.yaml", overdrawn.encode(), "text/yaml"), side=side
    )
    assert refused.status_code == 422  # the run fails; the warning that explains it is shown with it
    shown = html.unescape(refused.text)
    assert "take do-something activity of POD 'nel' below zero" in shown
    assert "This scenario has a warning" in shown
    assert warning in shown


def test_a_plan_approved_on_the_command_line_is_served_with_its_side_files(
    tmp_path: Path, from_files: dict[str, CheckedScenario]
) -> None:
    """``carebridge plan approve`` keeps the population file; ``carebridge serve`` reads the plan from the
    store alone (the scenario's folder is gone) and gives the file run's figures."""
    folder = tmp_path / "stockport-2017"
    folder.mkdir()
    for path in (DEMAND, POPULATION):
        (folder / path.name).write_bytes(path.read_bytes())
    db = tmp_path / "carebridge.db"
    command = [
        str(Path(sys.executable).with_name("carebridge")),
        "plan",
        "approve",
        str(folder / "demand.yaml"),
    ]
    done = subprocess.run(
        [*command, "--name", "Demand", "--db", str(db)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"(sha256 {from_files['demand'].sha256[:12]}…)" in done.stdout
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    with Store.open(str(db), actor="tests") as store:
        add_user(store, LEAD, PASSWORD, {"ccg": "finance_lead"}, False)
    with serving(db) as url, httpx.Client(base_url=url, timeout=120) as http:
        signed = http.post("/api/login", json={"email": LEAD, "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        (plan,) = http.get("/api/scenarios").json()
        shown = http.get(f"/api/scenarios/{plan['id']}").json()
    assert shown["sha256"] == from_files["demand"].sha256
    expected = from_files["demand"].results.positions.sel(line="do_something")
    for position in shown["positions"]:
        for year, value in position["values"].items():
            assert value == pytest.approx(
                float(expected.sel(org=position["org"], year=year)), rel=0, abs=1e-9
            )
