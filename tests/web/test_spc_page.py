"""The FEWS page shows each POD's SPC chart with Making Data Count's variation and assurance icons (inline SVG
named in words, the words beside them)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import EXAMPLES
from tests.web.conftest import sign_in

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
