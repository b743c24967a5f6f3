"""The pooled budgets page: read by every role, spend imported only by an editor (all or nothing, every bad
row listed on the page, named by the uploaded file's own name)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from carebridge.delivery.pools import load_pool
from carebridge.store import Store
from carebridge.usecases.pools import load_pools
from tests.conftest import EXAMPLES
from tests.web.conftest import sign_in

POOLS = EXAMPLES / "stockport-2017" / "pools"
SPEND = (POOLS / "spend-2016-17.csv").read_bytes()


def _load(store: Store) -> None:
    path = POOLS / "pool-65-plus-2016-17.yaml"
    load_pools(store, [(load_pool(path), path)])


def test_every_role_reads_the_page(client: TestClient, store: Store) -> None:
    sign_in(client, "viewer@smbc.test")
    empty = client.get("/pools")
    assert empty.status_code == 200 and "No pools in the store yet" in empty.text
    _load(store)
    page = client.get("/pools")
    assert "Stockport pooled budget for people aged 65+" in page.text and "No spend imported yet" in page.text
    assert "Only an organisation's editors import pool spend." in page.text
    assert 'action="/pools"' not in page.text


def test_a_viewer_may_not_import(client: TestClient, store: Store) -> None:
    _load(store)
    token = sign_in(client, "viewer@smbc.test")
    refused = client.post(
        "/pools", data={"csrf_token": token}, files={"file": ("spend.csv", SPEND, "text/csv")}
    )
    assert refused.status_code == 403
    assert "No spend imported yet" in client.get("/pools").text


def test_an_editor_imports_spend_and_sees_the_overspend(client: TestClient, store: Store) -> None:
    _load(store)
    token = sign_in(client, "editor@sft.test")
    bad = b"pool,month,service_area,spend\nage_65_plus,2016/17-M01,planed,10\nage_65_plus,2016/17-M02,ae,x\n"
    page = client.post("/pools", data={"csrf_token": token}, files={"file": ("mine.csv", bad, "text/csv")})
    assert page.status_code == 422
    assert "2 problem(s) in mine.csv; nothing was imported" in page.text
    assert "mine.csv, row 2, column service_area: the pool has no service area &#39;planed&#39;" in page.text
    assert "carebridge-web-" not in page.text  # the server's folder is not shown
    done = client.post("/pools", data={"csrf_token": token}, files={"file": ("spend.csv", SPEND, "text/csv")})
    assert done.status_code == 200 and "spend.csv: 96 new, 0 replaced, 0 unchanged" in done.text
    shown = client.get("/pools", params={"month": "2016/17-M06"}).text
    assert "Forecast variance, affordability basis" in shown and "3,670" in shown and "(330)" in shown
    assert client.get("/pools", params={"month": "June"}).status_code == 422
