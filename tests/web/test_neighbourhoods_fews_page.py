"""The web FEWS page shows the neighbourhood set from the store: Stockport Central falling behind."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from carebridge.store import Store
from carebridge.usecases.neighbourhoods import import_utilisation
from tests.conftest import EXAMPLES
from tests.web.conftest import sign_in

FOLDER = EXAMPLES / "stockport-2017" / "neighbourhoods"
ACTUALS = EXAMPLES / "stockport-2017" / "actuals"


def test_the_web_fews_page_shows_the_neighbourhood_set(client: TestClient, store: Store) -> None:
    import_utilisation(store, FOLDER / "neighbourhoods.yaml", FOLDER / "utilisation.csv")
    token = sign_in(client, "editor@sft.test")
    for month in range(1, 13):
        path = ACTUALS / f"activity-2018-19-M{month:02d}.csv"
        client.post(
            "/scenarios/1/actuals",
            data={"csrf_token": token},
            files={"file": (path.name, path.read_bytes(), "text/csv")},
        )
    page = client.get("/scenarios/1/fews?month=2018/19-M12").text
    assert 'id="set-neighbourhoods"' in page
    assert re.search(r'class="rag rag-red" id="set-neighbourhoods"', page)
    central = page[page.index('<th scope="row">Stockport Central</th>') :][:600]
    assert "rag-red" in central and "a 7% reduction against 20% planned" in central
    trend = page[page.index('id="table-trend"') :]
    trend = trend[: trend.index("</table>")]
    assert "Neighbourhood case management" in trend
    fews = client.get("/api/scenarios/1/fews?month=2018/19-M12").json()
    assert fews["overall"] == "red"
    assert {i["label"] for i in fews["indicators"] if i["set"] == "neighbourhoods"} >= {"Stockport Central"}
