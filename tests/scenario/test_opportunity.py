"""A programme budget benchmark's opportunity named in a driver formula (``benchmarks:`` and
``opportunity.<id>``, docs/outcomes.md): the name resolves to the benchmark's figure, and a bad name, a
missing file or a category not in the list is a located error (exit 2 from ``carebridge validate``, no
traceback)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from carebridge.engine import run
from carebridge.scenario.benchmarks import (
    ProgrammeBudget,
    ProgrammeBudgetError,
    benchmark,
    budget_problems,
    by_code,
    category_name,
)
from carebridge.scenario.convert import convert
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import load_model, load_scenario
from carebridge.scenario.schema import Parameter
from tests.conftest import EXAMPLES
from tests.scenario.test_loader_errors import minimal

RIGHTCARE = EXAMPLES / "outcomes" / "rightcare-2016.yaml"
VALUE_LINE = "      value: -300\n"

BENCHMARKS = """\
benchmarks:
  - id: rightcare
    file: rightcare-2016.yaml
    comparator: best_five
    top: 6
"""


def _budget() -> ProgrammeBudget:
    return load_model(RIGHTCARE, ProgrammeBudget, ProgrammeBudgetError, budget_problems)[0]


def scenario_file(tmp_path: Path, formula: str, benchmarks: str = BENCHMARKS, copy: bool = True) -> Path:
    """The minimal scenario whose QIPP line is ``formula`` (half realised), beside a copy of the STP's
    RightCare benchmark."""
    if copy:
        shutil.copy(RIGHTCARE, tmp_path / "rightcare-2016.yaml")
    text = minimal((VALUE_LINE, f"      formula: {formula}\n      realisation: 0.5\n"), append=benchmarks)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def value(parameter: object) -> float:
    assert isinstance(parameter, Parameter) and isinstance(parameter.value, float)
    return parameter.value


def test_the_name_is_the_benchmarks_top_six(tmp_path: Path) -> None:
    bench = benchmark(_budget(), "best_five")
    loaded = load_scenario(scenario_file(tmp_path, "-opportunity.rightcare"))
    parameters = loaded.scenario.parameters
    assert value(parameters["opportunity.rightcare"]) == pytest.approx(bench.top_opportunity(6))
    assert value(parameters["opportunity.rightcare"]) == pytest.approx(55_000, abs=0.5)
    circulation = by_code(bench)["10"].opportunity
    assert value(parameters["opportunity.rightcare.c10"]) == pytest.approx(circulation)
    assert category_name("4a") == "c4a" and category_name("contract") == "contract"
    gross = run(loaded.scenario).plan_gross
    assert gross is not None
    assert float(gross.sel(line="qipp", year="2019/20")) == pytest.approx(-27_500, abs=0.5)


def test_a_category_and_the_files_own_comparator(tmp_path: Path) -> None:
    """``opportunity.<id>.<category>`` is one category's opportunity; without ``comparator`` the file's."""
    benchmarks = BENCHMARKS.replace("    comparator: best_five\n", "").replace("    top: 6\n", "")
    loaded = load_scenario(scenario_file(tmp_path, "-opportunity.rightcare.c10", benchmarks))
    bench = benchmark(_budget())
    positive = sum(row.opportunity or 0 for row in bench.rows if (row.opportunity or 0) > 0)
    assert value(loaded.scenario.parameters["opportunity.rightcare"]) == pytest.approx(positive)
    gross = run(loaded.scenario).plan_gross
    assert gross is not None
    line = float(gross.sel(line="qipp", year="2019/20"))
    assert line == pytest.approx(-0.5 * (by_code(bench)["10"].opportunity or 0))


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    return [str(problem) for problem in raised.value.problems]


def line_of(path: Path, fragment: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(fragment)].count("\n") + 1


def test_an_unknown_benchmark_is_located_at_the_formula(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "-opportunity.rightcar")
    assert problems(path) == [
        f"{path}:{line_of(path, 'formula:')} positions.plan_lines[0].formula: formula "
        "'-opportunity.rightcar', at column 2: 'opportunity.rightcar' is not a named input; no benchmark "
        "'rightcar': the benchmarks are rightcare; did you mean 'rightcare'?"
    ]


def test_a_category_not_in_the_list_is_located_at_the_formula(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "-opportunity.rightcare.c99")
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:{line_of(path, 'formula:')} positions.plan_lines[0].formula: ")
    assert "category 'c99' is not in the list of benchmark 'rightcare' (c1, c2, c3, c4, c4a, c5," in problem


def test_an_opportunity_without_benchmarks(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "-opportunity.rightcare", benchmarks="")
    (problem,) = problems(path)
    assert "the scenario names no benchmark (benchmarks: id, file)" in problem


def test_a_missing_file_is_located_at_the_benchmark(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "-opportunity.rightcare", copy=False)
    assert problems(path) == [
        f"{path}:{line_of(path, 'file: rightcare')} benchmarks[0].file: no programme budget file "
        f"'rightcare-2016.yaml' (looked for {tmp_path / 'rightcare-2016.yaml'}); expected a benchmark file, "
        "relative to the scenario's"
    ]


def test_a_bad_comparator_and_a_bad_benchmark_file(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "-opportunity.rightcare", BENCHMARKS.replace("best_five", "best_fiv"))
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:{line_of(path, 'comparator:')} benchmarks[0].comparator: ")
    assert "did you mean 'best_five'?" in problem
    path = scenario_file(tmp_path, "-opportunity.rightcare")
    budget = tmp_path / "rightcare-2016.yaml"
    budget.write_text(budget.read_text(encoding="utf-8").replace('"23": 156363.818', '"99": 1'), "utf-8")
    (problem,) = problems(path)
    assert problem.startswith(f"{budget}:")
    assert "category '99' is not in the list" in problem


def test_validate_exits_2_without_a_traceback(tmp_path: Path) -> None:
    command = str(Path(sys.executable).with_name("carebridge"))
    for formula, copy, words in (
        ("-opportunity.rightcar", True, "no benchmark 'rightcar'"),
        ("-opportunity.rightcare.c99", True, "category 'c99' is not in the list"),
        ("-opportunity.rightcare", False, "no programme budget file 'rightcare-2016.yaml'"),
    ):
        folder = tmp_path / formula.replace(".", "_") / str(copy)
        folder.mkdir(parents=True)
        path = scenario_file(folder, formula, copy=copy)
        done = subprocess.run([command, "validate", str(path)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stdout + done.stderr
        assert words in done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr


def test_the_stps_right_care_line_converts_to_a_workbook_and_back(tmp_path: Path) -> None:
    """The opportunities are the loader's: not written out, and the file still found from the workbook's."""
    stp = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"
    original = load_scenario(stp).scenario
    convert(stp, tmp_path / "plan.xlsx")
    convert(tmp_path / "plan.xlsx", tmp_path / "plan.yaml")
    text = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    assert "opportunity.rightcare.c" not in text
    again = load_scenario(tmp_path / "plan.yaml").scenario
    (benchmark,) = again.benchmarks
    assert (tmp_path / benchmark.file).resolve() == RIGHTCARE.resolve()
    assert again.model_copy(update={"benchmarks": original.benchmarks}) == original
