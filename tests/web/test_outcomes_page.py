"""The outcomes page of the web app: the store's outcomes registers drawn as the report draws them, small
counts controlled; a page that says how to load a register when there is none."""

from __future__ import annotations

from fastapi.testclient import TestClient

from carebridge.store import Store
from carebridge.usecases.outcomes import import_outcome_values, load_outcomes_register
from tests.conftest import EXAMPLES
from tests.web.conftest import sign_in

FOLDER = EXAMPLES / "outcomes"


def test_without_a_register_the_page_says_how_to_load_one(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/outcomes")
    assert page.status_code == 200
    assert "carebridge outcomes load FILE.yaml" in page.text
    assert 'href="/scenarios/1/outcomes"' in page.text


def test_the_page_draws_the_register(client: TestClient, store: Store) -> None:
    load_outcomes_register(store, FOLDER / "register.yaml")
    import_outcome_values(store, FOLDER / "values.csv")
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/outcomes").text
    assert "Stockport PCT outcomes 2007-10" in page
    assert "Circulatory disease mortality under 75" in page and "AMBER" in page
    assert "counts below 10 are suppressed" in page
    assert "<td>*</td>" in page  # 7 under-18 conceptions in the least deprived quintile, 2005/06


def test_the_page_needs_a_sign_in(client: TestClient) -> None:
    response = client.get("/scenarios/1/outcomes", follow_redirects=False)
    assert response.status_code in (303, 401)
