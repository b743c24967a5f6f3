"""``carebridge synth`` and ``carebridge stratify`` end to end, as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.benchmarks.figures import run_benchmark

pytestmark = pytest.mark.e2e


def carebridge(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_synth_then_stratify_then_emit(tmp_path: Path) -> None:
    data, out, cohort = tmp_path / "p.parquet", tmp_path / "report", tmp_path / "cohort.yaml"
    made = carebridge("synth", "--patients", "20000", "--seed", "3", "--out", str(data))
    assert made.returncode == 0, made.stderr
    assert "Wrote 20,000 synthetic patients" in made.stdout
    done = carebridge("stratify", str(data), "--top", "15", "--emit-cohort", str(cohort), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Top 15% by predicted risk" in done.stdout
    assert "Disclosure control: counts below 10 are suppressed" in done.stdout
    names = {p.name for p in out.iterdir()}
    assert {
        "report.html",
        "cohort.csv",
        "concentration.csv",
        "neighbourhoods.csv",
        "deprivation.csv",
    } <= names
    assert {
        "calibration.csv",
        "model.yaml",
        "concentration.png",
        "calibration.png",
        "risk_distribution.png",
    } <= names
    assert (out / "cohort.csv").read_text().startswith("# Disclosure control:")
    page = (out / "report.html").read_text()
    assert "data:image/png;base64," in page and "http" not in page.replace("http-equiv", "")
    shares = YAML(typ="safe").load(cohort.read_text())["cohorts"][0]["shares"]
    assert set(shares) == {"ae", "nel", "el", "op_first", "op_fu"}
    assert 0.6 < shares["nel"] < 0.9


def test_a_file_with_an_nhs_number_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("patient_id,nhs_number,age\n1,9434765919,40\n")
    done = carebridge("stratify", str(path))
    assert done.returncode == 2
    assert f"{path}, column nhs_number: its name says it holds an NHS number" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stratify", "missing.parquet"], "missing.parquet: no such file"),
        (["stratify", "x.parquet", "--top", "0"], "--top 0: expected a percentage above 0 and at most 100"),
        (["stratify", "x.parquet", "--pod", "ae"], "--pod 'ae': expected POD=MEASURE"),
        (["synth", "--patients", "0", "--out", "p.parquet"], "--patients 0: expected 1 or more"),
        (["synth", "--out", "p.csv"], "--out p.csv: expected a .parquet file"),
    ],
)
def test_user_mistakes_exit_2_with_a_message(args: list[str], message: str) -> None:
    done = carebridge(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_help_has_examples() -> None:
    for command in ("synth", "stratify"):
        done = carebridge(command, "--help")
        assert done.returncode == 0
        assert "Example:" in done.stdout


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The figures of ``benchmarks/stratify.py`` on 1M and 200,000 patients, measured once."""
    folder = tmp_path_factory.mktemp("benchmark")
    return run_benchmark("stratify.py", ["--sizes", "1000000", "200000"], folder, check_stable=False)


@pytest.mark.slow
@pytest.mark.benchmark
def test_the_benchmark_measures_each_size_against_its_floors(benchmark: dict[str, Any]) -> None:
    """Absolute times are printed for people (``python benchmarks/stratify.py --check``, quiet machine).

    The 3x floor against plain pandas (issue 20) holds from 1M patients; below, the ratio is printed without
    a floor. tests/benchmarks asserts it (``--check-stable``)."""
    expected = {"seconds_1000000", "seconds_200000", "memory_1000000", "ratio_pandas_1000000"}
    assert expected | {"ratio_pandas_200000"} <= set(benchmark)
    assert benchmark["seconds_1000000"]["floor"] == 6.0
    assert benchmark["ratio_pandas_1000000"]["floor"] == 3.0
    assert benchmark["ratio_pandas_200000"]["floor"] is None
    assert benchmark["memory_200000"]["ok"]
