"""The Greater Manchester region (examples/greater-manchester-2015): the committed localities are what
make_localities.py writes, the two shared trusts are one organisation each, and the region reconciles."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import numpy as np
import pytest

from carebridge.engine.region import ORG_COLUMNS
from carebridge.usecases.region import run_region
from tests.conftest import EXAMPLES

FOLDER = EXAMPLES / "greater-manchester-2015"


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_localities", FOLDER / "make_localities.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_localities_are_what_the_script_writes() -> None:
    made = script()
    for place in made.LOCALITIES:
        assert (FOLDER / "localities" / f"{place}.yaml").read_text(encoding="utf-8") == made.locality(place)


def test_the_localities_add_up_to_the_six_billion() -> None:
    made = script()
    people = sum(p for _, p, _ in made.LOCALITIES.values())
    spend = [made.TOTAL_SPEND * p / people for _, p, _ in made.LOCALITIES.values()]
    assert sum(spend) == pytest.approx(6_000_000)


def test_the_region_reconciles_and_shares_its_trusts() -> None:
    region = run_region(FOLDER / "region.yaml", mode="serial").consolidation
    assert len(region.places) == 10
    np.testing.assert_allclose(region.reconciliation[-1], 0.0, atol=1e-6)
    pennine = region.orgs.index("pennine")
    assert region.org_places[pennine] == ("bury", "oldham", "rochdale")
    assert region.org_places[region.orgs.index("cmft")] == ("manchester", "trafford")
    something = ORG_COLUMNS.index("do_something")
    np.testing.assert_allclose(region.org_positions[:, something].sum(axis=0), region.bridge[-1], atol=1e-6)
