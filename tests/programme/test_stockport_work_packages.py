"""Stockport Together's 30 work packages under its four boards (seed 000, section 7): every scheme and plan
line of the scenario in exactly one, and the roll-up adding to the bridge exactly in every year."""

from __future__ import annotations

import re

import pytest

from carebridge.delivery.programme_rollup import bridge_difference, rollup
from carebridge.engine import Results
from carebridge.scenario.programme import Programme, load_programme, workstreams
from carebridge.scenario.schema import Scenario
from tests.conftest import EXAMPLES

PROGRAMME = EXAMPLES / "stockport-2017" / "programme.yaml"
SEED = EXAMPLES.parent.parent / "shared" / "seeds" / "000_36716439c1985ee9.txt"
BOARDS = [
    "Chief Executives Group",
    "Stockport Together Programme Board",
    "Provider Alliance Board",
    "Operational Implementation Board",
]


@pytest.fixture(scope="module")
def programme(stockport_scenario: Scenario) -> Programme:
    return load_programme(PROGRAMME, stockport_scenario)


def test_thirty_work_packages_under_the_four_boards_the_seed_names(programme: Programme) -> None:
    if SEED.is_file():  # the seeds sit beside the repository (../shared) in a worktree
        seed = SEED.read_text(encoding="utf-8")
        assert "30 discrete packages of work" in seed
        assert all(f"**{board}**" in seed for board in BOARDS)
    (objective,) = programme.objectives
    assert [board.name for board in objective.programmes] == BOARDS
    views = workstreams(programme)
    assert len(views) == 30
    assert [view.name.split(". ")[0] for view in views] == [str(n) for n in range(1, 31)]
    # each name says where it comes from: the seed's words (its line), a business case, a plan line, or
    # SYNTHETIC
    sources = re.compile(r"seed|business case|plan line|SYNTHETIC")
    assert all(sources.search(view.workstream.note or "") for view in views)


def test_each_business_case_is_in_one_work_package(
    programme: Programme, stockport_scenario: Scenario
) -> None:
    held = [scheme for view in workstreams(programme) for scheme in view.workstream.schemes]
    assert sorted(held) == sorted(scheme.id for scheme in stockport_scenario.schemes)
    lines = [line for view in workstreams(programme) for line in view.workstream.lines]
    assert sorted(lines) == sorted(line.id for line in stockport_scenario.positions.plan_lines)


@pytest.mark.parametrize("year", ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21"])
def test_the_work_packages_add_to_the_bridge_exactly(
    programme: Programme, stockport: Results, year: str
) -> None:
    rolled = rollup(programme, stockport, year)
    assert bridge_difference(rolled) == pytest.approx(0.0, abs=1e-6)
    boards = {row.name: row.amounts.net for row in rolled.programmes}
    assert sum(boards.values()) == pytest.approx(rolled.total.amounts.net, abs=1e-6)
