"""The web app's Monte Carlo page with the store's risk register in pounds: the system's position with and
without the risks (a fan chart, a histogram, the means by year, each risk's contribution); a stored risk the
scenario cannot hold listed by its code, and nothing drawn."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from carebridge.delivery.risks import load_risk_register
from carebridge.store import Store
from carebridge.store.registers import save_risks
from tests.conftest import EXAMPLES
from tests.web.conftest import sign_in


def _specs(page: str) -> dict[str, dict[str, Any]]:
    found = re.findall(r'<script type="application/json" class="chart-spec">(.*?)</script>', page, re.S)
    return {spec["id"]: spec for spec in map(json.loads, found)}


def _row(page: str, label: str) -> list[float]:
    found = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(label)}</th>(.*?)</tr>", page, re.S)
    assert found, f"no row {label}"
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", found.group(1))
    return [float(c.replace(",", "").replace("(", "-").replace(")", "")) for c in cells]


def test_the_monte_carlo_page_shows_the_stored_risks_pounds(client: TestClient, store: Store) -> None:
    sign_in(client, "viewer@smbc.test")
    before = client.get("/scenarios/1/monte-carlo").text
    assert 'id="risks-in-pounds"' not in before
    with store.session() as session:
        save_risks(
            session, load_risk_register(EXAMPLES / "stockport-2017" / "risks-pounds.yaml"), 1, "r.yaml"
        )
    page = client.get("/scenarios/1/monte-carlo").text
    assert 'id="risks-in-pounds"' in page
    specs = _specs(page)
    assert {"chart-fan-risks", "chart-histogram-risks"} <= set(specs)
    assert "Stockport CCG" in page and "R1: Demand for acute care not curbed" in page
    years = ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    without = dict(zip(years, _row(page, "Mean without the risks"), strict=False))
    with_risks = dict(zip(years, _row(page, "Mean with the risks"), strict=False))
    assert with_risks["2016/17"] == without["2016/17"]  # no risk applies before 2018/19
    # R1, R2 and R3 apply in 2019/20: their triangular means are 1,833, 1,167 and 633
    assert with_risks["2019/20"] - without["2019/20"] == pytest.approx(3633, abs=120)
    assert re.search(r"P\(balance\) in 2020/21 with the risks: \d+\.\d%", page)


def test_stored_risks_the_scenario_cannot_hold_are_listed_not_drawn(client: TestClient, store: Store) -> None:
    bad = load_risk_register(EXAMPLES / "stockport-2017" / "risks-pounds.yaml")
    first = bad.risks[0]
    assert first.financial is not None
    moved = first.model_copy(update={"financial": first.financial.model_copy(update={"org": "cgc"})})
    bad = bad.model_copy(update={"risks": [moved]})
    with store.session() as session:
        save_risks(session, bad, None, "bad.yaml")
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/monte-carlo").text
    assert 'id="risk-problems"' in page
    assert "risk R1.financial.org: the scenario has no organisation &#39;cgc&#39;" in page.replace(
        "&#x27;", "&#39;"
    )
    assert "chart-fan-risks" not in page


def test_the_dashboard_shows_the_probability_of_balance_once_a_monte_carlo_with_risks_ran(
    client: TestClient, store: Store
) -> None:
    with store.session() as session:
        save_risks(
            session, load_risk_register(EXAMPLES / "stockport-2017" / "risks-pounds.yaml"), 1, "r.yaml"
        )
    sign_in(client, "viewer@smbc.test")
    assert 'id="tile-balance-none"' in client.get("/scenarios/1").text
    page = client.get("/scenarios/1/monte-carlo").text
    assert 'id="risks-in-pounds"' in page
    assert re.search(r'id="tile-balance">[\d.]+%<', client.get("/scenarios/1").text), "no P(balance) tile"
