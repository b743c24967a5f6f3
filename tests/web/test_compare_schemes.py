"""The web app's changes against the approved plan show each organisation's position from the schemes, in
the first year an edit changed (issue 21): halving the Neighbourhood scheme's emergency deflection in 2018/19
moves the CCG's position although every typed Stockport position stays put."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import sign_in

NEIGHBOURHOOD_NEL_2018 = 2581.7  # the Neighbourhood scheme's emergency (nel) reduction in 2018/19, effect 2


def _table(page: str, table_id: str) -> str:
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert found, f"no table {table_id} on the page"
    return found.group(0)


def _row(table: str, label: str) -> str:
    found = re.search(rf"<tr[^>]*>\s*<th[^>]*>{re.escape(label)}</th>.*?</tr>", table, re.S)
    assert found, f"no row {label!r}"
    return found.group(0)


def test_halving_a_schemes_deflection_moves_the_organisations_positions_in_that_year(
    client: TestClient,
) -> None:
    token = sign_in(client, "editor@ccg.test")
    response = client.post(
        "/scenarios/1/schemes/neighbourhood",
        data={"csrf_token": token, "effect-2-2018/19": str(NEIGHBOURHOOD_NEL_2018 / 2)},
    )
    assert response.status_code == 200, response.text
    page = client.get("/scenarios/1/compare").text
    assert "System bridge, 2018/19" in page  # the first year that changed, not the bridge year 2020/21
    holders = _table(page, "table-holders_2018_19")
    assert "Stockport CCG" in holders
    assert not re.search(r">(ccg|sft|smbc)<", holders)  # names, never ids
    assert 'class="flag"' in _row(holders, "Stockport CCG")
    assert 'class="flag"' in _row(holders, "System")
    steps = _table(page, "bridge-changes")
    assert 'class="flag"' in _row(steps, "Do-something position from the schemes")
