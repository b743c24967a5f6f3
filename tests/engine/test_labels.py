"""Labels and units on a run's arrays: set once by the engine, read by the reports from the results."""

from __future__ import annotations

import re
from pathlib import Path

from carebridge.engine import Results
from carebridge.engine.labels import LABEL_COORDS, MONEY, plain
from carebridge.report.tidy import TABLES
from carebridge.scenario.schema import Scenario

REPORT = Path(__file__).resolve().parents[2] / "src" / "carebridge" / "report"


def test_organisations_have_names_and_sectors(stockport: Results, stockport_scenario: Scenario) -> None:
    positions = stockport.positions
    names = dict(zip(positions.org.values, positions.org_name.values, strict=True))
    sectors = dict(zip(positions.org.values, positions.sector.values, strict=True))
    assert names == {org.id: org.name for org in stockport_scenario.organisations} | {"system": "System"}
    assert names["smbc"] == "Stockport MBC"
    assert sectors["smbc"] == "social_care"
    assert sectors["ccg"] == sectors["sft"] == "nhs"
    assert sectors["system"] == "system"
    assert stockport.org_label("smbc") == "Stockport MBC"
    assert stockport.org_label("other") == "Other providers"


def test_pods_schemes_and_lines_carry_their_names(stockport: Results, stockport_scenario: Scenario) -> None:
    pods = {pod.id: (pod.name, pod.unit) for pod in stockport_scenario.pods}
    savings = stockport.savings
    found = zip(savings.pod.values, savings.pod_name.values, savings.pod_unit.values, strict=True)
    assert {pod: (name, unit) for pod, name, unit in found} == pods
    schemes = {scheme.id: (scheme.name, scheme.group or "") for scheme in stockport_scenario.schemes}
    summary = stockport.scheme_summary
    found = zip(summary.scheme.values, summary.scheme_name.values, summary.scheme_group.values, strict=True)
    assert {scheme: (name, group) for scheme, name, group in found} == schemes
    assert stockport.schemes == list(schemes)
    lines = {line.id: line.name for line in stockport_scenario.positions.plan_lines}
    lines |= {"do_nothing": "Do-nothing gap", "do_something": "Do-something position"}
    positions = stockport.positions
    assert dict(zip(positions.line.values, positions.line_name.values, strict=True)) == lines


def test_the_savings_line_of_the_statement_is_named_by_basis(
    stockport: Results, stockport_scenario: Scenario
) -> None:
    labels = stockport_scenario.statement.savings_line
    printed = stockport.statement.line_name
    assert printed.sel(basis="tariff", line="savings") == labels.tariff
    assert printed.sel(basis="cost", line="savings") == labels.cost
    assert stockport.statement_label("cost", "net") == "Total net saving"


def test_money_and_activity_say_their_units(stockport: Results) -> None:
    for array in (stockport.savings, stockport.positions, stockport.statement):
        assert array.attrs["units"] == MONEY
    assert stockport.scheme_summary.net.attrs["units"] == MONEY
    assert stockport.activity.do_nothing.attrs["units"] == "per POD: pod_unit"
    assert stockport.activity.deflection_pct.attrs["units"] == "%"


def test_plain_drops_every_label_and_the_tidy_tables_gain_no_column(stockport: Results) -> None:
    assert not set(LABEL_COORDS) & set(plain(stockport.positions).coords)
    for name, table in TABLES.items():
        assert not set(LABEL_COORDS) & set(table(stockport).columns), name


def test_no_report_module_looks_a_label_up_in_the_scenario() -> None:
    looked_up = re.compile(
        r"scenario\.(organisations|pods|schemes|positions\.plan_lines|statement\.savings_line)"
    )
    found = [
        f"{path.name}:{number}"
        for path in sorted(REPORT.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if looked_up.search(line)
    ]
    assert found == []
