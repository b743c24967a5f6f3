"""Reconciliation with published figures: the look-up by selector, the differences the seed contains, and
the errors for selectors that name nothing."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from carebridge.engine import Results
from carebridge.report.reconcile import ReconciliationError, ReconciliationRow, reconcile
from carebridge.report.table import FormattedTable
from carebridge.scenario.schema import Published
from tests.examples.seeds import STOCKPORT_SEED


def rows_for(results: Results, source_start: str) -> dict[str, ReconciliationRow]:
    return {row.year: row for row in reconcile(results) if row.source.startswith(source_start)}


def with_published(results: Results, *entries: dict[str, object]) -> Results:
    published = [Published.model_validate(entry) for entry in entries]
    return dataclasses.replace(results, scenario=results.scenario.model_copy(update={"published": published}))


def test_table_19_against_table_2_differs_by_700_in_2017_18(results: Results) -> None:
    rows = rows_for(results, "Table 19")
    assert rows["2017/18"].difference == pytest.approx(700)
    assert rows["2017/18"].flagged
    assert not rows["2018/19"].flagged
    assert rows["2018/19"].measure == "position: Stockport Together Saving, System"


def test_business_case_investment_differs_by_784_in_2019_20(results: Results) -> None:
    rows = rows_for(results, "Table 5, total investment")
    assert rows["2019/20"].computed == pytest.approx(17439)
    assert rows["2019/20"].difference == pytest.approx(-784)
    assert rows["2019/20"].flagged
    assert not rows["2020/21"].flagged


def test_reproduced_figures_are_within_tolerance(results: Results) -> None:
    for start in (
        "Table 5, Acute",
        "Table 5, total benefit",
        "Table 8, cost",
        "Table 6, total net",
        "Table 8, total",
    ):
        assert not any(row.flagged for row in rows_for(results, start).values()), start


def test_rows_follow_the_years(results: Results) -> None:
    years = [row.year for row in reconcile(results) if row.entry == 0]
    assert years == ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21"]


def test_formatted_reconciliation_flags_the_differences(tables: dict[str, FormattedTable]) -> None:
    table = tables["reconciliation"]
    differences = [row for row in table.rows if row.label == "Difference"]
    year = [column.header for column in table.columns].index("2017/18")
    assert differences[0].values[year] == pytest.approx(700)
    assert differences[0].flagged(year)
    later = [column.header for column in table.columns].index("2019/20")
    assert differences[1].values[later] == pytest.approx(-784)
    assert differences[1].flagged(later)


def last(*path: str) -> float:
    """The seed's 2020/21 figure at ``path`` in stockport_seed.yaml."""
    node: Any = STOCKPORT_SEED
    for part in path:
        node = node[part]
    return float(node[-1])


@pytest.mark.parametrize(
    ("entry", "value"),
    [
        (
            {"statement": {"basis": "cost", "line": "Cost reduction based on business cases"}},
            last("table_8_cost_statement", "savings"),
        ),
        (
            {"statement": {"basis": "tariff", "line": "total_investment"}},
            last("table_6_tariff_statement", "total_investment"),
        ),
        ({"statement": {"basis": "tariff", "line": "SRG"}}, last("table_6_tariff_statement", "SRG")),
        ({"savings": {"basis": "cost", "provider": "sft"}}, last("table_25_total")),
        (
            {"savings": {"basis": "cost", "source": "avoided_growth"}},
            last("table_24_growth_savings", "total"),
        ),
        (
            {"savings": {"pod": "prescribing", "group": "Neighbourhood"}},
            last("table_24_reduction_savings", "prescribing"),
        ),
        ({"investment": {"scheme": "neighbourhood"}}, last("table_5_investment", "neighbourhood")),
        ({"investment": {"group": "Outpatients"}}, last("table_5_investment", "outpatients")),
        ({"activity": {"pod": "ae", "measure": "do_nothing"}}, last("table_9_activity", "ae")),
        ({"position": {"line": "do_something", "org": "ccg"}}, last("table_3_do_something", "ccg")),
    ],
)
def test_selectors(results: Results, entry: dict[str, object], value: float) -> None:
    changed = with_published(results, {"source": "test", "values": {"2020/21": value}, **entry})
    (row,) = reconcile(changed)
    assert row.computed == pytest.approx(value, abs=1.5)


def test_a_sector_is_the_sum_of_its_organisations(results: Results) -> None:
    """A published figure may be held by a sector: social care is Stockport MBC (a council), the NHS the CCG,
    Stockport FT and Pennine Care."""
    positions = results.positions.sel(year="2020/21")
    nhs = sum(float(positions.sel(line="do_something", org=org)) for org in ("ccg", "sft", "pennine"))
    changed = with_published(
        results,
        {"source": "a", "values": {"2020/21": 0}, "position": {"line": "do_nothing", "org": "social_care"}},
        {"source": "b", "values": {"2020/21": 0}, "position": {"line": "do_something", "org": "nhs"}},
    )
    social_care, health = reconcile(changed)
    assert social_care.computed == pytest.approx(float(positions.sel(line="do_nothing", org="smbc")))
    assert social_care.measure == "position: Do-nothing gap, Social care"
    assert health.computed == pytest.approx(nhs)
    assert health.measure == "position: Do-something position, NHS"


def test_unknown_names_are_reported_together_with_a_near_match(results: Results) -> None:
    changed = with_published(
        results,
        {"source": "a", "values": {"2020/21": 0}, "savings": {"scheme": "neighbourhod"}},
        {"source": "b", "values": {"2030/31": 0}, "investment": {}},
        {"source": "c", "values": {"2020/21": 0}},
        {"source": "d", "values": {"2020/21": 0}, "statement": {"line": "Total net savings"}},
    )
    with pytest.raises(ReconciliationError) as caught:
        reconcile(changed)
    message = str(caught.value)
    assert "4 problems" in message
    assert "published[0].savings.scheme: no scheme 'neighbourhod'" in message
    assert "did you mean 'neighbourhood'?" in message
    assert (
        "published[1].values: year '2030/31' is not modelled (the run covers 2016/17 to 2024/25)" in message
    )
    assert (
        "published[2].values: give exactly one of position, statement, savings, investment, activity"
        in message
    )
    assert "did you mean 'Total net saving'?" in message
