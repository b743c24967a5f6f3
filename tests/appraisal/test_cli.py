"""``carebridge appraise`` and ``carebridge prioritise`` end to end, as a user runs them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.appraisal.conftest import CANDIDATES, write
from tests.conftest import STOCKPORT

pytestmark = pytest.mark.e2e


def carebridge(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_appraise_writes_every_output_and_prints_the_summary(tmp_path: Path) -> None:
    parameters = write(
        tmp_path,
        "appraisal.yaml",
        "optimism_bias: {default: 0.1, schemes: {neighbourhood: 0.25}}\n",
    )
    out = tmp_path / "out"
    done = carebridge("appraise", str(STOCKPORT), "--parameters", str(parameters), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.iterdir()} == {
        "appraisal.csv",
        "appraisal_by_year.csv",
        "appraisal.html",
        "appraisal.xlsx",
        "appraisal.json",
    }
    assert "Green Book appraisal, cost basis" in done.stdout
    assert "Neighbourhood" in done.stdout and "Programme" in done.stdout
    with (out / "appraisal.csv").open() as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 10  # four schemes and the programme, on two bases
    assert {"scheme", "basis", "npv", "bcr", "roi", "payback_year"} <= set(rows[0])
    html = (out / "appraisal.html").read_text(encoding="utf-8")
    assert "chart-appraisal-cost" in html and "Green Book appraisal by scheme" in html
    record = json.loads((out / "appraisal.json").read_text())
    assert record["parameters"]["optimism_bias"]["schemes"] == {"neighbourhood": 0.25}


def test_appraise_reports_a_mistake_located_without_a_traceback(tmp_path: Path) -> None:
    parameters = write(tmp_path, "appraisal.yaml", "discount_rate: 0.03\n")
    done = carebridge("appraise", str(STOCKPORT), "-p", str(parameters), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert (
        f"{parameters}:1 discount_rate: unknown field 'discount_rate' in appraisal parameters; did you "
        "mean 'discount_rates'?" in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_prioritise_the_pct_example(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = carebridge("prioritise", str(CANDIDATES), "--method", "score", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.iterdir()} == {
        "prioritisation.csv",
        "prioritisation.html",
        "prioritisation.xlsx",
    }
    assert "Funded (24)" in done.stdout and "Excluded (18)" in done.stdout
    with (out / "prioritisation.csv").open() as file:
        rows = list(csv.DictReader(file))
    assert all(row["decision"] == row["published"] for row in rows)
    contraception = next(row for row in rows if row["id"] == "contraception")
    assert contraception["reason"].startswith("over envelope: needs 148 in 2007/08; 0 left")


def test_prioritise_a_wrong_method() -> None:
    wrong = carebridge("prioritise", str(CANDIDATES), "-m", "optimel")
    assert wrong.returncode == 2
    assert "--method: 'optimel' is not a method; did you mean 'optimal'?" in wrong.stderr


def test_prioritise_reports_a_mistake_located(tmp_path: Path) -> None:
    path = write(tmp_path, "candidates.yaml", "name: x\nenvelope: {2007/08: 10}\ncandidates:\n  - {id: a}\n")
    done = carebridge("prioritise", str(path), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "1 problem in the candidates file:" not in done.stderr  # two problems: name and investment
    assert f"{path}:4 candidates[0]: missing field 'name'" in done.stderr
    assert "Traceback" not in done.stderr
