"""The worked example of docs/scenario-format.md: it loads cleanly, and the page documents every field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from carebridge.scenario import schema
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import Absolute, AvoidGrowth, DirectSaving, PriceUplift, Reduce

ROOT = Path(__file__).resolve().parents[2]
WORKED_EXAMPLE = Path(__file__).parent / "fixtures" / "worked_example.yaml"
REFERENCE = ROOT / "docs" / "scenario-format.md"

DOCUMENTED_MODELS: list[type[BaseModel]] = [
    schema.Scenario,
    schema.Organisation,
    schema.Pod,
    schema.Activity,
    schema.PriceUplift,
    schema.CostRelease,
    schema.ReleaseLags,
    schema.Cohort,
    schema.Scheme,
    schema.AvoidGrowth,
    schema.Reduce,
    schema.Absolute,
    schema.DirectSaving,
    schema.Shift,
    schema.LengthOfStay,
    schema.WorkforceEffect,
    schema.WorkforceGroup,
    schema.SchemeInvestment,
    schema.NonCashBenefit,
    schema.ProgrammeInvestment,
    schema.FundingSource,
    schema.Positions,
    schema.PlanLine,
    schema.FromSchemes,
    schema.Allocation,
    schema.Contract,
    schema.StrandedCompensation,
    schema.Statement,
    schema.SavingsLabels,
    schema.Published,
    schema.PositionRef,
    schema.StatementRef,
    schema.SavingsRef,
    schema.InvestmentRef,
    schema.ActivityRef,
    schema.ReportOptions,
]


def test_the_worked_example_loads_cleanly() -> None:
    scenario = load_scenario(WORKED_EXAMPLE).scenario
    assert [org.id for org in scenario.organisations] == ["ccg", "riverside_ft"]
    assert [pod.id for pod in scenario.pods] == ["ae", "nel", "prescribing"]
    assert isinstance(scenario.pods[1].price, PriceUplift)
    effects = [type(effect) for scheme in scenario.schemes for effect in scheme.effects]
    assert set(effects) == {AvoidGrowth, Reduce, Absolute, DirectSaving}
    assert any(line.from_schemes is not None for line in scenario.positions.plan_lines)


def test_the_reference_shows_the_worked_example_as_it_is() -> None:
    page = REFERENCE.read_text(encoding="utf-8")
    example = page.split("## Worked example", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", example, re.DOTALL)
    assert block is not None
    assert block.group(1) == WORKED_EXAMPLE.read_text(encoding="utf-8")


def _documented_fields(page: str, model: type[BaseModel]) -> list[str]:
    """The first column of the table under the heading ``### `Model```."""
    section = page.split(f"### `{model.__name__}`\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", section, re.MULTILINE)


@pytest.mark.parametrize("model", DOCUMENTED_MODELS, ids=lambda model: model.__name__)
def test_the_reference_documents_every_field(model: type[BaseModel]) -> None:
    page = REFERENCE.read_text(encoding="utf-8")
    assert f"### `{model.__name__}`\n" in page
    assert sorted(_documented_fields(page, model)) == sorted(model.model_fields)
