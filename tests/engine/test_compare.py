"""Comparing runs shows the positions from the schemes beside the typed positions (issue 21): an edit of a
scheme's effect or of a contract's rate moves something even where every typed position stays put."""

from __future__ import annotations

from typing import Any

import pytest

from carebridge.engine import Results, run
from carebridge.engine.compare import compare_positions, first_changed_year
from carebridge.report.compare import compared, holders_year_table, variant_table, versions_table
from carebridge.scenario.schema import Scenario
from carebridge.scenario.variants import apply_variant

NEIGHBOURHOOD_REDUCTION = "schemes.neighbourhood.effects.2.activity"  # the emergency (nel) deflection


def varied(scenario: Scenario, *changes: dict[str, Any]) -> Results:
    """``scenario`` run under one variant made of ``changes``."""
    variant = {"id": "test", "name": "Test variant", "changes": list(changes)}
    with_variant = scenario.model_validate({**scenario.model_dump(), "variants": [variant]})
    return run(apply_variant(with_variant, 0).scenario)


@pytest.fixture(scope="module")
def halved(stockport_scenario: Scenario) -> Results:
    return varied(stockport_scenario, {"path": NEIGHBOURHOOD_REDUCTION, "scale": 0.5})


@pytest.fixture(scope="module")
def uncompensated(stockport_scenario: Scenario) -> Scenario:
    """Stockport with no compensating payment on the CCG–SFT contract: SFT carries its stranded cost."""
    return apply_variant(
        stockport_scenario.model_validate(
            {
                **stockport_scenario.model_dump(),
                "variants": [
                    {
                        "id": "none",
                        "name": "No compensating payment",
                        "changes": [{"path": "contracts.ccg_sft.compensating", "remove": True}],
                    }
                ],
            }
        ),
        0,
    ).scenario


@pytest.fixture(scope="module")
def lower_rate(stockport_scenario: Scenario) -> Results:
    return varied(stockport_scenario, {"path": "contracts.ccg_sft.rate", "set": 0.5})


def test_halving_a_schemes_reduction_moves_the_payer_and_provider_positions_from_the_schemes(
    uncompensated: Scenario,
) -> None:
    base = run(uncompensated)
    halved = varied(uncompensated, {"path": NEIGHBOURHOOD_REDUCTION, "scale": 0.5})
    change = compare_positions(base, halved).difference.sel(year="2018/19")
    typed = change.sel(line="do_something")
    assert float(abs(typed).max()) == pytest.approx(0.0)  # Stockport's positions are typed: they do not move
    held = change.sel(line="schemes.position")
    # Less deflection: the CCG pays more for emergency activity (worse); SFT keeps income it would have lost,
    # less the cost it would have released (better)
    assert float(held.sel(holder="ccg")) > 100
    assert float(held.sel(holder="sft")) < -100
    assert float(held.sel(holder="system")) > 100  # the cost SFT no longer releases
    assert float(held.sel(holder="nhs")) == pytest.approx(float(held.sel(holder="system")))
    explained = change.sel(line="schemes.not_explained")
    assert float(explained.sel(holder="ccg")) == pytest.approx(-float(held.sel(holder="ccg")))


def test_with_a_stranded_compensating_payment_the_payer_carries_the_change(
    stockport: Results, halved: Results
) -> None:
    change = compare_positions(stockport, halved).difference.sel(year="2018/19", holder="sft")
    assert float(change.sel(line="schemes.income")) < -100  # SFT's flows move …
    assert float(change.sel(line="schemes.cost")) > 100
    assert float(change.sel(line="schemes.compensating_payment")) > 100
    assert float(change.sel(line="schemes.position")) == pytest.approx(0.0, abs=1e-6)  # … and net to nothing
    ccg = compare_positions(stockport, halved).difference.sel(year="2018/19", holder="ccg")
    assert float(ccg.sel(line="schemes.position")) > 100


def test_a_contract_rate_moves_the_payer_and_provider_but_not_the_system(
    stockport: Results, lower_rate: Results
) -> None:
    change = compare_positions(stockport, lower_rate).difference.sel(line="schemes.position")
    for year in ("2018/19", "2019/20", "2020/21"):
        ccg, sft = (float(change.sel(holder=h, year=year)) for h in ("ccg", "sft"))
        assert abs(ccg) > 100, year
        assert ccg == pytest.approx(-sft), year  # both inside: money moves between them only
        assert float(change.sel(holder="system", year=year)) == pytest.approx(0.0, abs=1e-6)
        assert float(change.sel(holder="nhs", year=year)) == pytest.approx(0.0, abs=1e-6)


def test_the_first_changed_year_is_the_first_year_an_edit_touches(stockport_scenario: Scenario) -> None:
    later = varied(stockport_scenario, {"path": f"{NEIGHBOURHOOD_REDUCTION}.2019/20", "set": 1000})
    base = run(stockport_scenario)
    assert first_changed_year(base, later) == "2019/20"
    assert first_changed_year(base, base) is None


def test_the_tables_show_the_positions_from_the_schemes_by_name(stockport: Results, halved: Results) -> None:
    item = compared("Half the Neighbourhood deflection", stockport, halved)
    table = variant_table(item)
    labels = [row.label for row in table.rows]
    assert "Do-something position from the schemes" in labels
    names = {o.name for o in stockport.scenario.organisations}
    assert names <= set(labels)
    assert not {"ccg", "sft", "smbc"} & set(labels)
    in_year = holders_year_table(item, "2018/19", "Approved", "Draft")
    moved = {row.label for row in in_year.rows if any(row.flags)}
    assert moved and not {"ccg", "sft"} & moved
    versions = versions_table(item, "Base", "Variant")
    system = {row.label: row.values for row in versions.rows}
    assert "Do-something position from the schemes" in system
    assert "schemes.do_nothing" not in system and "Do-nothing gap" in system
