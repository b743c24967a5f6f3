"""Side files — the files a scenario names beside itself — read from its folder or from bytes given by name,
each file read kept, and the digest of a scenario with them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import load_scenario, load_scenario_text
from carebridge.scenario.side_files import STORED, SideFiles, scenario_digest
from tests.conftest import EXAMPLES

STP = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"
DEMAND = EXAMPLES / "stockport-2017" / "demand.yaml"
RIGHTCARE = EXAMPLES / "outcomes" / "rightcare-2016.yaml"
POPULATION = EXAMPLES / "stockport-2017" / "population-two-las.csv"


def test_a_folder_gives_its_files_and_keeps_each_file_read(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"x")
    files = SideFiles(folder=tmp_path)
    assert files.read("a.csv") == b"x"
    assert files.read("b.csv") is None
    assert files.used == {"a.csv": b"x"}
    assert files.shown("a.csv") == str(tmp_path / "a.csv")


def test_given_files_are_found_by_the_name_written_else_by_their_own_name() -> None:
    files = SideFiles(given={"outcomes/./r.yaml": b"r", "p.csv": b"p", "x/q.csv": b"1", "y/q.csv": b"2"})
    assert files.read("outcomes/r.yaml") == b"r"
    assert files.read("../outcomes/r.yaml") == b"r"  # uploaded beside the scenario: its own name only
    assert files.read("data\\p.csv") == b"p"
    assert files.read("q.csv") is None  # two files of that name: neither is guessed
    assert files.read("x/q.csv") == b"1"
    assert files.used == {
        "outcomes/r.yaml": b"r",
        "../outcomes/r.yaml": b"r",
        "data\\p.csv": b"p",
        "x/q.csv": b"1",
    }


def test_the_digest_is_the_texts_without_files_and_covers_each_file_with_them() -> None:
    text = hashlib.sha256(b"scenario").hexdigest()
    assert scenario_digest(text, {}) == text
    one = scenario_digest(text, {"p.csv": b"1"})
    assert one != text
    assert scenario_digest(text, {"p.csv": b"2"}) != one
    assert scenario_digest(text, {"q.csv": b"1"}) != one
    assert scenario_digest(text, {"p.csv": b"1", "q.csv": b"1"}) == scenario_digest(
        text, {"q.csv": b"1", "p.csv": b"1"}
    )


@pytest.mark.parametrize(
    ("path", "given"),
    [
        (STP, {"rightcare-2016.yaml": RIGHTCARE.read_bytes()}),
        (DEMAND, {"population-two-las.csv": POPULATION.read_bytes()}),
    ],
    ids=["stp", "stockport-demand"],
)
def test_a_text_with_its_files_given_loads_as_its_file(path: Path, given: dict[str, bytes]) -> None:
    from_file = load_scenario(path)
    from_text = load_scenario_text(path.read_text(encoding="utf-8"), "upload.yaml", given)
    assert from_text.scenario == from_file.scenario
    assert list(from_text.side_files.values()) == list(given.values())
    assert dict(from_text.side_files) == dict(from_file.side_files)  # by the name the scenario writes


def test_a_text_reads_no_file_from_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scenario given as text, even named as if in the examples' folder, finds no side file on disk."""
    monkeypatch.chdir(STP.parent)
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(STP.read_text(encoding="utf-8"), str(STP))
    (problem,) = error.value.problems
    assert f"{STP}:{line_of(STP, 'file: ../outcomes')} benchmarks[0].file: " in str(problem)
    assert "no programme budget file '../outcomes/rightcare-2016.yaml' was uploaded with the scenario" in str(
        problem
    )
    assert "upload 'rightcare-2016.yaml' beside the scenario, or a zip of the scenario's folder" in str(
        problem
    )


def test_a_missing_population_file_names_the_field_and_the_file() -> None:
    text = DEMAND.read_text(encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(text, "demand.yaml", {"other.csv": b"x"})
    (problem,) = error.value.problems
    assert str(problem) == (
        f"demand.yaml:{line_of(DEMAND, 'file: population')} demography.file: no population file "
        "'population-two-las.csv' was uploaded with the scenario (files given: other.csv); expected a "
        "population projection (CSV, ONS layout): upload 'population-two-las.csv' beside the scenario, or a "
        "zip of the scenario's folder"
    )
    with pytest.raises(ScenarioError) as stored:
        load_scenario_text(text, "Demand (version 1)", {}, STORED)
    assert "is stored with the plan" in str(stored.value.problems[0])


def test_a_bad_file_given_is_located_in_that_file() -> None:
    given = {"population-two-las.csv": b"area_code,sex,age,year,persons\nE08000007,female,0,2016,-5\n"}
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(DEMAND.read_text(encoding="utf-8"), "demand.yaml", given)
    assert any(
        str(p).startswith("population-two-las.csv:2") and "cannot be negative" in str(p)
        for p in error.value.problems
    )
    budget = {"rightcare-2016.yaml": b"\xff\xfe"}
    with pytest.raises(ScenarioError) as bad:
        load_scenario_text(STP.read_text(encoding="utf-8"), "stp.yaml", budget)
    assert str(bad.value.problems[0]).startswith(
        "../outcomes/rightcare-2016.yaml: the file is not UTF-8 text"
    )


def line_of(path: Path, words: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if words in line)
