"""The programme budgeting page: a programme budget kept in the store (``outcomes benchmark --save``) drawn
against the comparator a user picks — spend per head by programme, the opportunity in £'000, the spend and
outcome quadrants, the variance after the plan — reached from the outcomes page; people's words only."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from carebridge.delivery import programme_budgets as pb
from carebridge.store import Store
from carebridge.store.outcomes import budget_names, read_budget
from carebridge.usecases.outcomes import keep_programme_budget, read_programme_budget
from tests.conftest import EXAMPLES
from tests.web.conftest import sign_in

FOLDER = EXAMPLES / "outcomes"
PAGE = "/scenarios/1/programme-budgets"


def keep(store: Store, name: str) -> pb.ProgrammeBudget:
    budget = read_programme_budget(FOLDER / name)
    keep_programme_budget(store, FOLDER / name, budget)
    return budget


def test_without_a_budget_the_page_says_how_to_keep_one(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "carebridge outcomes benchmark FILE.yaml --save" in page.text


def test_the_outcomes_page_links_to_it(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    assert f'href="{PAGE}"' in client.get("/scenarios/1/outcomes").text


def test_a_budget_is_kept_whole_and_read_back(store: Store) -> None:
    budget = keep(store, "programme-budget-2005.yaml")
    with store.session() as session:
        assert budget_names(session) == [budget.name]
        assert read_budget(session, None) == budget
    again = keep_programme_budget(store, FOLDER / "programme-budget-2005.yaml", budget)
    assert not again.added and not again.changed


def test_the_page_draws_figure_5_against_the_peers(client: TestClient, store: Store) -> None:
    keep(store, "programme-budget-2005.yaml")
    keep(store, "gp-funding-2017.yaml")
    sign_in(client, "viewer@smbc.test")
    page = client.get(PAGE, params={"budget": "Stockport PCT programme budget 2005/06"}).text
    assert "Problems of circulation" in page and "Mental health disorders" in page
    assert 'id="programme-quadrants"' in page and 'id="programme-opportunity"' in page
    assert "Review areas" in page and "Mental health disorders, Problems of circulation" in page
    assert "below, review</td>" in page and "106.0 (97.8)" in page
    assert "Variance to the peer average before and after the plan" in page  # Table 15's form
    assert "the peer average" in page and "the lowest-spending peer" in page  # the comparators, in words
    assert "peer_average</option>" not in page
    assert "Synthetic, made up to show the arithmetic: the 8 peers." in page
    assert "Outcome: SMR 2002-04, lower is better" in page


def test_the_comparator_and_the_budget_are_chosen(client: TestClient, store: Store) -> None:
    keep(store, "programme-budget-2005.yaml")
    keep(store, "gp-funding-2017.yaml")
    sign_in(client, "viewer@smbc.test")
    best = client.get(PAGE, params={"comparator": "best", "budget": "Stockport PCT programme budget 2005/06"})
    assert best.status_code == 200
    assert re.search(r'<option value="best" selected>', best.text)
    name = "Stockport practices' funding per weighted head against Greater Manchester 2016/17"
    gm = client.get(PAGE, params={"budget": name}).text
    assert "Greater Manchester" in gm and "-5.43" in gm


def test_a_bad_choice_is_a_clear_error(client: TestClient, store: Store) -> None:
    keep(store, "programme-budget-2005.yaml")
    sign_in(client, "viewer@smbc.test")
    unknown = client.get(PAGE, params={"budget": "Nowhere"})
    assert unknown.status_code == 404 and "no programme budget" in unknown.text
    wrong = client.get(PAGE, params={"comparator": "median"})
    assert wrong.status_code == 422 and "peer_average" in wrong.text


def test_the_page_needs_a_sign_in(client: TestClient) -> None:
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code in (303, 401)
