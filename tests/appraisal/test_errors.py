"""Mistakes in appraisal.yaml and candidates.yaml: every one located (file:line field: found, expected)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carebridge.engine.results import Results
from carebridge.scenario.errors import InputError
from carebridge.usecases.appraisal import load_parameters, load_portfolio
from tests.appraisal.conftest import write

pytestmark = pytest.mark.unit


def problems_of(error: pytest.ExceptionInfo[InputError], folder: Path) -> list[str]:
    return [str(problem).replace(str(folder) + "/", "") for problem in error.value.problems]


def test_candidates_shape_problems_are_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "candidates.yaml",
        """name: Bad
envelope: {2007/08: 100}
candidates:
  - id: a
    name: A
    investment: lots
    score: "0.5"
    overide: must_do
  - id: b
    name: B
    investment: {2007/08: x}
    override: must
  - id: c
    investment: 5
""",
    )
    with pytest.raises(InputError) as error:
        load_portfolio(path)
    assert problems_of(error, tmp_path) == [
        "candidates.yaml:6 candidates[0].investment: expected a number or a map from years (YYYY/YY) to "
        "numbers; found 'lots'",
        "candidates.yaml:7 candidates[0].score: expected a number; found '0.5' (text, because of the quotes; "
        "write the number without them)",
        "candidates.yaml:8 candidates[0].overide: unknown field 'overide' in a candidate; did you mean "
        "'override'?",
        "candidates.yaml:11 candidates[1].investment.2007/08: expected a number; found 'x'",
        "candidates.yaml:12 candidates[1].override: expected one of 'must_do', 'contractual', "
        "'invest_to_save'; found 'must'; did you mean 'must_do'?",
        "candidates.yaml:13 candidates[2]: missing field 'name': expected text",
    ]


def test_candidates_meaning_problems_are_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "candidates.yaml",
        """name: Bad
envelope: {2007/08: 100}
candidates:
  - {id: a, name: A, investment: {2008/09: 5}, score: 0.4}
  - {id: b, name: B, investment: 5, score: 300, scale: figure10}
""",
    )
    with pytest.raises(InputError) as error:
        load_portfolio(path)
    assert problems_of(error, tmp_path) == [
        "candidates.yaml:4 candidates[0].investment.2008/09: '2008/09' is not a year of the envelope "
        "(2007/08); did you mean '2007/08'?",
        "candidates.yaml:5 candidates[1].scale: no scale 'figure10'; expected one of fraction",
    ]


def test_a_file_that_is_not_a_map_or_not_yaml(tmp_path: Path) -> None:
    for text, expected in (
        ("- a\n- b\n", "candidates.yaml:1: the top level is a list; expected a candidates file"),
        ("name: [\n", "candidates.yaml:2: not valid YAML"),
        ("name: a\nname: b\n", "candidates.yaml:2 name: duplicate key 'name' (first given at line 1)"),
    ):
        path = write(tmp_path, "candidates.yaml", text)
        with pytest.raises(InputError) as error:
            load_portfolio(path)
        assert problems_of(error, tmp_path)[0].startswith(expected)
    with pytest.raises(InputError) as error:
        load_portfolio(tmp_path / "missing.yaml")
    assert problems_of(error, tmp_path) == [
        "missing.yaml: the file does not exist; expected a candidates file with name, envelope and "
        "candidates (YAML)"
    ]


def test_parameters_problems_are_located(tmp_path: Path, stockport: Results) -> None:
    path = write(
        tmp_path,
        "appraisal.yaml",
        """discount_rates:
  - {from: 0, rate: -0.035}
  - {form: 31, rate: 0.03}
""",
    )
    with pytest.raises(InputError) as error:
        load_parameters(path, stockport.scenario, stockport.years)
    assert problems_of(error, tmp_path) == [
        "appraisal.yaml:2 discount_rates[0].rate: expected a number of at least 0; found -0.035",
        "appraisal.yaml:3 discount_rates[1]: missing field 'from': expected a whole number — first year "
        "(0 = base year) the rate applies to",
        "appraisal.yaml:3 discount_rates[1].form: unknown field 'form' in a rate band; did you mean 'from'?",
    ]
    write(
        tmp_path,
        "appraisal.yaml",
        """discount_base_year: 2016/17
optimism_bias:
  schemes: {neighbourhod: 0.2}
deflator: {2016/17: 100, 2017/18: 0}
""",
    )
    with pytest.raises(InputError) as error:
        load_parameters(path, stockport.scenario, stockport.years)
    assert problems_of(error, tmp_path) == [
        "appraisal.yaml:3 optimism_bias.schemes.neighbourhod: no scheme 'neighbourhod' in the scenario; "
        "did you mean 'neighbourhood'?",
        "appraisal.yaml:4 deflator: no index for 2018/19, 2019/20, 2020/21, 2021/22, 2022/23, 2023/24, "
        "2024/25; expected an index for every year appraised",
        "appraisal.yaml:4 deflator.2017/18: expected a positive index; found 0",
    ]
