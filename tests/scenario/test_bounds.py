"""Issue 13 item 5: no silently wrong numbers. A price of 1e308 validated and ran with exit 0, leaving
savings cells blank. Validation refuses sizes no plan can have (documented bounds, located), and a value the
engine gives that is not finite is an error naming the input behind it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from carebridge.cli import app
from carebridge.engine import run
from carebridge.engine.errors import ModelError
from carebridge.scenario.bounds import BOUNDS, KINDS
from carebridge.scenario.schema import Scenario
from tests.scenario.test_loader_errors import at, minimal, problems


@pytest.mark.parametrize(
    ("old", "new", "fragment", "message"),
    [
        (
            "    price: 100\n",
            "    price: 1e308\n",
            "price: 1e308",
            "pods[0].price: expected a unit price of at most £10,000,000; found 1e+308",
        ),
        (
            "      base: 1500\n",
            "      base: 2e7\n",
            "base: 2e7",
            "pods[1].price.base: expected a unit price of at most £10,000,000; found 2e+07",
        ),
        (
            "      base: 1000\n",
            "      base: 1e11\n",
            "base: 1e11",
            "pods[0].activity.base: expected activity of at most 10,000,000,000 a year; found 1e+11",
        ),
        (
            "      growth: 0.02\n",
            "      growth: 50\n",
            "growth: 50",
            "pods[0].activity.growth: expected a rate of at most 10 (1,000% a year); found 50",
        ),
        (
            "        saving: 100\n",
            "        saving: -1e9\n",
            "saving: -1e9",
            "schemes[1].effects[0].saving: expected an amount in £'000 of at most 100,000,000 (£100bn) in "
            "size; found -1e+09",
        ),
        (
            "      value: -300\n",
            "      value: {2017/18: 1e300}\n",
            "value: {2017/18: 1e300}",
            "positions.plan_lines[0].value.2017/18: expected an amount in £'000 of at most 100,000,000 "
            "(£100bn) in size; found 1e+300",
        ),
        (
            "    ccg: 1000\n",
            "    ccg: 1.5e8\n",
            "ccg: 1.5e8",
            "positions.do_nothing.ccg: expected an amount in £'000 of at most 100,000,000 (£100bn) in size; "
            "found 1.5e+08",
        ),
    ],
)
def test_a_size_no_plan_has_is_refused_with_its_place(
    old: str, new: str, fragment: str, message: str
) -> None:
    text = minimal((old, new))
    assert at(text, fragment, message) in problems(text)


def test_numbers_of_fields_without_a_kind_are_bounded_too() -> None:
    text = minimal(append="parameters:\n  huge: 1e200\n")
    assert at(
        text,
        "huge: 1e200",
        "parameters.huge: expected a number of at most 1,000,000,000,000 in size; found 1e+200",
    ) in problems(text)


def test_every_kind_of_bound_is_documented() -> None:
    documented = (Path(__file__).parents[2] / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    for bound in BOUNDS.values():
        assert f"{bound.largest:,.0f}" in documented
    assert set(KINDS.values()) <= set(BOUNDS)


def test_the_examples_are_within_the_bounds() -> None:
    for path in (Path(__file__).parents[2] / "examples").glob("*/scenario.yaml"):
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code == 0, result.output


def test_the_command_refuses_a_price_of_1e308_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(minimal(("    price: 100\n", "    price: 1e308\n")), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert f"{path}:19 pods[0].price: expected a unit price of at most £10,000,000" in result.stderr
    assert not (tmp_path / "out").exists()


def unvalidated(text: str) -> Scenario:
    """A scenario built without the checks of meaning (as a caller of the engine could)."""
    data: Any = YAML(typ="safe").load(text)
    return Scenario.model_validate(data)


def test_the_engine_refuses_a_value_that_is_not_finite_and_names_the_input() -> None:
    scenario = unvalidated(minimal(("    price: 100\n", "    price: 1e308\n")))
    with pytest.raises(ModelError) as raised:
        run(scenario)
    messages = [f"{problem.path}: {problem.message}" for problem in raised.value.problems]
    savings = next(message for message in messages if "in savings" in message)
    assert savings.startswith("('schemes', 0): the run gives a value that is ")
    assert "for scheme 'Redirect A&E', POD 'A&E attendances', provider 'The acute trust'" in savings


def test_a_finite_run_passes_the_check() -> None:
    results = run(unvalidated(minimal()))
    assert float(abs(results.savings).sum()) > 0
