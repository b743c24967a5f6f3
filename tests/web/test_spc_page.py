"""The FEWS page shows each POD's SPC chart, and the targets page each target's, with Making Data Count's
variation and assurance icons (inline SVG named in words, the words beside them)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from carebridge.store import Store
from tests.conftest import EXAMPLES
from tests.web.conftest import sign_in
from tests.web.test_planning_pages import AE, _load_registers

ACTUALS = EXAMPLES / "stockport-2017" / "actuals"


def test_the_fews_page_shows_the_mdc_icons(client: TestClient) -> None:
    token = sign_in(client, "editor@sft.test")
    for month in ("M01", "M02", "M03", "M04", "M05", "M06"):
        path = ACTUALS / f"activity-2018-19-{month}.csv"
        client.post(
            "/scenarios/1/actuals",
            data={"csrf_token": token},
            files={"file": (path.name, path.read_bytes(), "text/csv")},
        )
    page = client.get("/scenarios/1/fews").text
    table = page[page.index('id="table-spc"') :]
    table = table[: table.index("</table>")]
    assert table.count("<svg") == 8  # four PODs, a variation and an assurance icon each
    assert table.count('role="img"') == 8 and table.count("<title>") == 8
    assert "lower is better" in table
    assert 'class="spc-icon-text"' in table
    assert "Common cause" in table or "Concern" in table or "Improvement" in table


def test_the_targets_page_shows_each_targets_mdc_icons(client: TestClient, store: Store) -> None:
    _load_registers(store, with_actuals=True)
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/targets").text
    row = re.search(rf'<tr id="target-{AE}">(.*?)</tr>', page, re.S)
    assert row, "the A&E target has no row"
    assert 'data-icon="common_cause"' in row.group(1) and 'data-icon="fail"' in row.group(1)
    assert "Consistently fails" in row.group(1)
    assert "fewer than 4 months" in page  # the targets with no actuals
