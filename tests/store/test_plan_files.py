"""A plan is stored with the files its scenario names beside itself (the STP's benchmark file two folders up,
Stockport's population projection) and read again from the store alone, giving the file run's results."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from carebridge.report.tidy import tidy_tables
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.side_files import STORED, scenario_digest
from carebridge.store import Store
from carebridge.store.models import AuditEntry, PlanFile
from carebridge.store.plans import sha256_text
from carebridge.usecases import plans
from carebridge.usecases.planning import CheckedScenario, check_file, check_text
from tests.conftest import EXAMPLES, STOCKPORT

STP = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"
DEMAND = EXAMPLES / "stockport-2017" / "demand.yaml"
SIDE_FILES = {STP: ["../outcomes/rightcare-2016.yaml"], DEMAND: ["population-two-las.csv"]}


@pytest.fixture(scope="module")
def checked() -> dict[Path, CheckedScenario]:
    """The two examples with side files, each loaded and run from its file once."""
    return {path: check_file(path) for path in SIDE_FILES}


def assert_same_run(first: CheckedScenario, second: CheckedScenario) -> None:
    """Every tidy table of the two runs the same, numbers to 1e-9."""
    one, two = tidy_tables(first.results), tidy_tables(second.results)
    assert one.keys() == two.keys()
    for name, table in one.items():
        pd.testing.assert_frame_equal(table, two[name], check_exact=False, rtol=0, atol=1e-9, obj=name)


@pytest.mark.parametrize("path", list(SIDE_FILES), ids=["stp", "stockport-demand"])
def test_a_plan_read_again_from_the_store_runs_as_its_files(
    store: Store, checked: dict[Path, CheckedScenario], path: Path
) -> None:
    from_file = checked[path]
    assert sorted(from_file.loaded.side_files) == SIDE_FILES[path]
    approval = plans.approve(store, "Plan", from_file)
    assert approval.created
    stored = plans.stored_scenario(store, plans.id_of(store, "Plan"))
    expected = {name: (path.parent / name).resolve().read_bytes() for name in SIDE_FILES[path]}
    assert dict(stored.files) == expected
    assert [(f.name, f.size, f.sha256) for f in stored.file_list] == [
        (name, len(data), hashlib.sha256(data).hexdigest()) for name, data in sorted(expected.items())
    ]
    again = stored.check()
    assert_same_run(from_file, again)
    assert again.sha256 == stored.sha256 == approval.version.sha256
    assert dict(again.loaded.side_files) == expected


def test_the_digest_covers_the_side_files(store: Store, tmp_path: Path) -> None:
    """The version's digest is that of the scenario with its files: the same files add no version; a
    changed population file makes a new one, with its own digest."""
    folder = tmp_path / "stockport"
    folder.mkdir()
    for name in ("demand.yaml", "population-two-las.csv"):
        shutil.copy(DEMAND.parent / name, folder / name)
    first = plans.approve(store, "Demand", check_file(folder / "demand.yaml"))
    scenario_sha = hashlib.sha256((folder / "demand.yaml").read_bytes()).hexdigest()
    population = (folder / "population-two-las.csv").read_bytes()
    assert first.version.sha256 == scenario_digest(scenario_sha, {"population-two-las.csv": population})
    assert first.version.sha256 != scenario_sha
    assert not plans.approve(store, "Demand", check_file(folder / "demand.yaml")).created
    lines = population.decode("utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("E08000007,"))
    head, persons = lines[row].rstrip("\n").rsplit(",", 1)
    lines[row] = f"{head},{float(persons) + 100}\n"
    (folder / "population-two-las.csv").write_text("".join(lines), encoding="utf-8")
    second = plans.approve(store, "Demand", check_file(folder / "demand.yaml"))
    assert second.created and second.version.number == 2
    assert second.version.sha256 not in (first.version.sha256, scenario_sha)
    stored = plans.stored_scenario(store, plans.id_of(store, "Demand"))
    assert stored.files["population-two-las.csv"] == "".join(lines).encode("utf-8")


def test_side_files_are_append_only_and_in_the_audit_log(
    store: Store, checked: dict[Path, CheckedScenario]
) -> None:
    plans.approve(store, "Demand", checked[DEMAND])
    for statement in ("UPDATE plan_files SET size = 0", "DELETE FROM plan_files"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))
    with store.session() as session:
        assert (
            session.scalar(select(PlanFile.size)) == (DEMAND.parent / "population-two-las.csv").stat().st_size
        )
        details = [e.detail or "" for e in session.scalars(select(AuditEntry)) if e.action == "approve"]
    assert any("side files: population-two-las.csv (sha256 " in detail for detail in details)


def test_a_plan_without_side_files_keeps_the_digest_of_its_text(store: Store) -> None:
    scenario = STOCKPORT.read_text(encoding="utf-8")
    approval = plans.approve(store, "Stockport", check_text(scenario, "scenario.yaml"))
    stored = plans.stored_scenario(store, plans.id_of(store, "Stockport"))
    assert approval.version.sha256 == stored.sha256 == sha256_text(scenario)
    assert dict(stored.files) == {} and stored.file_list == ()


def test_a_draft_of_a_stored_plan_keeps_its_side_files(
    store: Store, checked: dict[Path, CheckedScenario]
) -> None:
    """Editing a stored plan (a draft, then its approval) keeps the version's side files."""
    from carebridge.usecases.edits import edit_value

    plans.approve(store, "Demand", checked[DEMAND])
    plan = plans.id_of(store, "Demand")
    stored = plans.stored_scenario(store, plan)
    scheme = stored.check().loaded.scenario.schemes[0].id
    draft = edit_value(store, stored, "schemes", scheme, {0: {"2018/19": "123"}})
    assert dict(draft.loaded.side_files) == dict(stored.files)
    current = plans.stored_scenario(store, plan)
    assert current.is_draft and dict(current.files) == dict(stored.files)
    approval = plans.approve_draft(store, current, current.check(), "Demand (web draft)")
    assert approval.created and approval.version.number == 2
    assert dict(plans.stored_scenario(store, plan).files) == dict(stored.files)


def test_a_side_file_missing_from_the_store_is_located_at_its_field(
    checked: dict[Path, CheckedScenario],
) -> None:
    with pytest.raises(ScenarioError) as error:
        check_text(checked[DEMAND].text, "Demand (version 1)", {}, STORED)
    (problem,) = error.value.problems
    assert str(problem).startswith("Demand (version 1):101 demography.file: no population file ")
    assert "'population-two-las.csv' is stored with the plan" in str(problem)
