"""The Monte Carlo, targets and risk pages: read-only views for everyone signed in, linked from the
navigation, cached by the scenario text."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from carebridge.delivery.months import Month
from carebridge.delivery.risks import load_risk_register
from carebridge.delivery.target_actuals import ActualRow
from carebridge.delivery.targets import load_targets
from carebridge.scenario.loader import LoadedScenario
from carebridge.store import Store
from carebridge.store.registers import save_risks, save_target_actuals, save_targets
from carebridge.web import uncertainty
from tests.conftest import EXAMPLES
from tests.web.conftest import sign_in

DELIVERY = EXAMPLES / "delivery"
AE = "ae_4_hours_stockport"


def _specs(page: str) -> dict[str, dict[str, Any]]:
    found = re.findall(r'<script type="application/json" class="chart-spec">(.*?)</script>', page, re.S)
    return {spec["id"]: spec for spec in map(json.loads, found)}


def test_the_monte_carlo_page_shows_the_fan_the_balance_and_the_tornado(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    assert 'href="/scenarios/1/monte-carlo"' in client.get("/scenarios/1").text
    response = client.get("/scenarios/1/monte-carlo")
    assert response.status_code == 200
    page = response.text
    specs = _specs(page)
    assert {"chart-fan-position", "chart-fan-net-saving-tariff", "chart-tornado"} <= set(specs)
    assert 'id="position-fixed"' in page  # Stockport's positions are plan lines with no uncertain input
    assert not [trace for trace in specs["chart-fan-position"]["data"] if trace.get("fill")]  # no fake band
    net = specs["chart-fan-net-saving-tariff"]["data"]
    bands = [trace for trace in net if trace.get("fill") == "tonexty"]
    assert [band["name"] for band in bands] == ["P10 to P90", "P25 to P75"]
    low, high = net[0]["y"], net[1]["y"]  # the P10 and P90 edges of the outer band
    assert high[-1] - low[-1] > 100  # ± 20% on the schemes spreads the net saving by more than £100k
    assert max(high) < 0  # a net saving, negative as in every table
    assert net[0]["x"][0] == "2018/19"  # the statement counts savings from 2018/19: no band before
    assert "2,000 draws (seed 1)" in page
    assert "triangular ± 20%" in page  # Stockport has no distributions: the CLI's --spread
    assert "positive a saving" not in page  # the page's footer says the signs once, as every page's
    assert "a deficit positive" in specs["chart-fan-position"]["layout"]["yaxis"]["title"]["text"]
    assert re.search(r"P\(balance\) in 2020/21: \d+\.\d%", page)  # the report's year, stated
    rows = re.findall(r"<tr><th scope=\"row\">(\d{4}/\d{2})</th><td>(\d+\.\d)%</td></tr>", page)
    assert [year for year, _ in rows][:2] == ["2016/17", "2017/18"]
    assert all(0.0 <= float(share) <= 100.0 for _, share in rows)
    assert 'id="table-balance"' in page
    assert 'id="table-position"' in page
    tornado = specs["chart-tornado"]
    assert "net saving (tariff basis) in 2020/21" in tornado["layout"]["title"]["text"]
    names = tornado["data"][0]["y"]
    assert "Neighbourhood: Non Elective deflection, 2020/21" in names
    assert not [name for name in names if "schemes." in name or "pods." in name]
    for name in ("sft", "acute_interface", "neighbourhood.effects"):
        assert name not in page


def test_the_monte_carlo_view_is_cached_by_the_scenario_text(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, "viewer@smbc.test")
    calls: list[str] = []
    original = uncertainty.monte_carlo_now

    def counting(loaded: LoadedScenario, draws: int = uncertainty.DRAWS, seed: int = uncertainty.SEED) -> Any:
        calls.append("run")
        return original(loaded, draws, seed)

    monkeypatch.setattr(uncertainty, "monte_carlo_now", counting)
    first = client.get("/scenarios/1/monte-carlo").text
    second = client.get("/scenarios/1/monte-carlo").text
    assert calls == ["run"]
    assert _specs(first) == _specs(second)


def test_the_monte_carlo_page_of_a_missing_plan_is_404(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    assert client.get("/scenarios/99/monte-carlo").status_code == 404


# --- targets and risks -----------------------------------------------------------------------------------


def _load_registers(store: Store, with_actuals: bool) -> None:
    with store.session() as session:
        save_targets(session, load_targets(DELIVERY / "targets.yaml"), "targets.yaml")
        save_risks(session, load_risk_register(DELIVERY / "risks.yaml"), None, "risks.yaml")
        if with_actuals:
            values = {"2016/17-M09": 80.0, "2016/17-M10": 79.0, "2016/17-M11": 78.0, "2016/17-M12": 77.0}
            rows = [ActualRow(n, AE, Month.parse(m), v) for n, (m, v) in enumerate(values.items(), start=2)]
            save_target_actuals(session, rows, "ae.csv", "0" * 64)


def test_the_targets_page_says_when_there_are_none(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/targets").text
    assert "No targets in the store yet" in page
    assert "No risks in the store yet" in client.get("/scenarios/1/risks").text


def test_the_targets_page_shows_each_target_against_its_trajectory(client: TestClient, store: Store) -> None:
    _load_registers(store, with_actuals=True)
    sign_in(client, "viewer@smbc.test")
    for link in ("targets", "risks"):
        assert f'href="/scenarios/1/{link}"' in client.get("/scenarios/1").text
    page = client.get("/scenarios/1/targets").text
    assert 'id="table-targets"' in page
    assert "as at Mar 2017 (2016/17-M12)" in page
    row = re.search(rf'<tr id="target-{AE}">(.*?)</tr>', page, re.S)
    assert row, "the A&E target has no row"
    assert "rag-red" in row.group(1) and ">alert<" in row.group(
        1
    )  # falling away from 80% → 95%, 2 months off
    specs = _specs(page)
    chart = specs[f"chart-target-{AE}"]
    names = [trace["name"] for trace in chart["data"]]
    assert names == ["Trajectory", "Actual"]
    actual = chart["data"][1]
    assert actual["y"] == [80.0, 79.0, 78.0, 77.0]
    earlier = client.get("/scenarios/1/targets", params={"month": "2016/17-M10"}).text
    assert "as at Jan 2017 (2016/17-M10)" in earlier
    assert client.get("/scenarios/1/targets", params={"month": "June"}).status_code == 422


def test_the_risk_page_shows_both_heat_maps_and_the_overdue_reviews(client: TestClient, store: Store) -> None:
    _load_registers(store, with_actuals=False)
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/risks", params={"month": "2030/31-M01"}).text
    assert page.count('class="risk-heat-map"') == 2
    assert "Risks before mitigation, by likelihood and impact" in page
    assert "Risks after mitigation, by likelihood and impact" in page
    assert 'id="table-overdue"' in page  # every review date in the example is long past by 2030
    early = client.get("/scenarios/1/risks", params={"month": "2000/01-M01"}).text
    assert 'id="no-overdue"' in early
    assert client.get("/scenarios/1/risks", params={"month": "nonsense"}).status_code == 422


def test_the_register_pages_change_nothing_and_take_no_posts(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    for page in ("monte-carlo", "targets", "risks"):
        assert client.post(f"/scenarios/1/{page}").status_code == 405
