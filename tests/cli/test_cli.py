"""The installed ``carebridge`` command, end to end, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, STOCKPORT

CHECK_STOCKPORT = ROOT.parent / "shared" / "tools" / "check_stockport.py"
pytestmark = pytest.mark.e2e


def carebridge(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def stockport_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("stockport")
    return out, carebridge("run", str(STOCKPORT), "--out", str(out))


def test_run_writes_every_output(stockport_out: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, done = stockport_out
    assert done.returncode == 0, done.stderr
    names = {p.name for p in out.iterdir()}
    assert {
        "report.html",
        "report.xlsx",
        "activity.csv",
        "scheme_activity.csv",
        "savings.csv",
        "statement.csv",
        "positions.csv",
        "run.json",
    } <= names
    assert not [n for n in names if n.startswith(".")], "no temporary files left behind"


def test_run_prints_headline_tables_in_thousands_with_brackets(
    stockport_out: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, done = stockport_out
    assert "(26,674)" in done.stdout  # Table 6 net saving 2020/21
    assert "156,784" in done.stdout  # Table 1 total 2020/21


@pytest.mark.skipif(not CHECK_STOCKPORT.exists(), reason="the shared check script is not beside the repo")
def test_shared_check_reproduces_every_published_cell(
    stockport_out: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, _ = stockport_out
    check = subprocess.run(
        [sys.executable, str(CHECK_STOCKPORT), str(out)], capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 0, check.stdout
    assert "201 of 201 published cells reproduced" in check.stdout


def test_validate_accepts_the_example() -> None:
    done = carebridge("validate", str(STOCKPORT))
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stdout


def test_validate_reports_every_problem_with_exit_code_2(tmp_path: Path) -> None:
    text = STOCKPORT.read_text()
    text = text.replace("  - {kind: absolute, pod: nel,", "  - {kind: absolute, pod: nell,", 1)
    text = text.replace("base_year: 2016/17", "base_year: 2016-17")
    bad = tmp_path / "scenario.yaml"
    bad.write_text(text)
    done = carebridge("validate", str(bad))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "'nell' is not a POD; did you mean 'nel'?" in done.stderr
    assert "'2016-17' is not a financial year" in done.stderr
    assert f"{bad}:" in done.stderr


def test_run_with_bad_input_writes_nothing_and_keeps_earlier_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert carebridge("run", str(STOCKPORT), "--out", str(out), "--quiet").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.yaml"
    bad.write_text("[1, 2, 3]\n")
    done = carebridge("run", str(bad), "--out", str(out))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    done = carebridge("run", str(tmp_path / "nope.yaml"))
    assert done.returncode == 2
    assert "nope.yaml" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [[], ["run"], ["validate"]])
def test_help_is_complete_with_an_example(command: list[str]) -> None:
    done = carebridge(*command, "--help")
    assert done.returncode == 0
    assert "Example" in done.stdout
    assert "carebridge" in done.stdout


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "carebridge", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout.startswith("carebridge ")


def test_bridge_year_can_be_chosen(tmp_path: Path) -> None:
    done = carebridge("run", str(STOCKPORT), "--out", str(tmp_path), "--bridge-year", "2019/20")
    assert done.returncode == 0, done.stderr
    assert "System financial bridge, 2019/20" in done.stdout
    assert "System financial bridge, 2019/20" in (tmp_path / "report.html").read_text()


def test_a_bridge_year_outside_the_scenario_is_refused(tmp_path: Path) -> None:
    done = carebridge("run", str(STOCKPORT), "--out", str(tmp_path / "o"), "--bridge-year", "2030/31")
    assert done.returncode == 2
    assert (
        done.stderr.strip() == "--bridge-year: '2030/31' is outside the scenario's years 2016/17 to 2024/25"
    )
    assert not (tmp_path / "o").exists()


OVERDRAWN = """\
format_version: 1
name: Overdrawn
base_year: 2016/17
end_year: 2018/19
organisations: [{id: ccg, name: CCG}]
pods: [{id: nel, name: NEL, activity: {base: 100}, price: 10}]
schemes:
  - id: s1
    name: S1
    effects:
      - {kind: reduce, pod: nel, fraction: 0.7, basis: do_nothing}
      - {kind: reduce, pod: nel, fraction: 0.9}
  - id: s2
    name: S2
    effects: [{kind: absolute, pod: nel, activity: {2018/19: 50}}]
"""


def test_reductions_that_remove_more_than_a_cell_holds_are_located(tmp_path: Path) -> None:
    path = tmp_path / "overdrawn.yaml"
    path.write_text(OVERDRAWN)
    done = carebridge("validate", str(path))
    assert done.returncode == 2
    assert done.stderr.splitlines()[1:] == [
        f"  - {path}:11 schemes[0].effects[0]: the effects of scheme 's1' remove more of POD 'nel' than it "
        "holds in 2016/17 to 2018/19 (in 2016/17: 160 removed from 100); lower the fractions",
        f"  - {path}:11 schemes[0].effects[0]: the effects of schemes 's1', 's2' take do-something activity "
        "of POD 'nel' below zero in 2016/17 to 2018/19 (in 2016/17: -60)",
    ]
