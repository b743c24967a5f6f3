"""Schemathesis against the JSON API of a real ``carebridge serve``, signed in with the CSRF header as a user
of each of two organisations (the CCG's finance lead, SFT's editor): whatever it sends, the server never
answers with a server error. (That neither changes the other's data is ``test_cross_org_fuzz.py``.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

from carebridge.engine import Results
from carebridge.store import Store
from carebridge.web.app import create_app
from tests.web.conftest import PASSWORD, seed_store
from tests.web.server import serving

pytestmark = pytest.mark.slow

SCHEMA = schemathesis.openapi.from_dict(create_app(Store.open("sqlite:///:memory:")).openapi())


@pytest.fixture(scope="module", params=["lead@ccg.test", "editor@sft.test"])
def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, stockport: Results
) -> Iterator[tuple[str, requests.Session]]:
    db: Path = tmp_path_factory.mktemp("fuzz") / "carebridge.db"
    seed_store(db, stockport).close()
    with serving(db) as base:
        session = requests.Session()
        response = session.post(f"{base}/api/login", json={"email": request.param, "password": PASSWORD})
        response.raise_for_status()
        session.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        yield base, session


@SCHEMA.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_never_fails_with_a_server_error(
    case: schemathesis.Case[Any], api: tuple[str, requests.Session]
) -> None:
    base, session = api
    response = case.call(base_url=base, session=session)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:500]}"
    )
