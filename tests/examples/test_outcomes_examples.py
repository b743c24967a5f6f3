"""The outcomes example (examples/outcomes) against the seeds: the Stockport PCT plan's programme budget
(Figure 5) and the direction of its conclusions (Figures 6–7), Stockport Together's Table 13, and the STP's
RightCare line from a benchmark's opportunity."""

from __future__ import annotations

from pathlib import Path

import pytest

from carebridge.delivery import programme_budgets as pb
from carebridge.scenario.loader import load_scenario
from carebridge.usecases import planning
from carebridge.usecases.outcomes import benchmark_programme_budget
from tests.conftest import EXAMPLES

FOLDER = EXAMPLES / "outcomes"


@pytest.fixture(scope="module")
def stockport() -> pb.ProgrammeBudget:
    return pb.load_programme_budget(FOLDER / "programme-budget-2005.yaml")


def test_figure_5_has_the_23_categories_and_137_5m(stockport: pb.ProgrammeBudget) -> None:
    """Figure 5: 24 lines (the 23 categories with 4a Diabetes apart), net spend per 100,000: 137,549,309."""
    system = stockport.areas[0]
    assert len(system.spend) == 24 and set(system.spend) == {code for code, _ in pb.PROGRAMME_CATEGORIES}
    bench = pb.benchmark(stockport)
    per_100000 = sum(row.per_head for row in bench.rows) * 100_000 / 1000
    assert per_100000 == pytest.approx(137_549.309)
    assert pb.by_code(bench)["10"].outcome == 103.9  # SMR 2002-04, Figure 5


def test_figure_6_directions_and_the_review_areas(stockport: pb.ProgrammeBudget) -> None:
    """ "Significantly above peer group average investment for Cardio vascular disease, Healthy Individuals,
    Maternity, Cancer, with a below average investment for Mental Health"; "priority to Circulatory Disease
    and Mental Health as whole review and reform areas"."""
    bench = pb.benchmark(stockport)
    above = {row.code for row in bench.rows if row.position == "above"}
    below = {row.code for row in bench.rows if row.position == "below"}
    assert above == {"10", "21", "18", "2"} and below == {"5"}
    assert {row.code for row in bench.rows if row.review} == {"10", "5"}
    rows = pb.by_code(bench)
    assert rows["10"].quadrant == "higher spend, worse outcome"
    assert rows["5"].quadrant == "lower spend, worse outcome"


def test_figure_7_the_plan_moves_toward_the_peers(stockport: pb.ProgrammeBudget) -> None:
    before = pb.by_code(pb.benchmark(stockport))
    after = pb.by_code(pb.benchmark(stockport, after_plan=True))
    for code in ("10", "5", "2", "18"):
        assert abs(after[code].variance_per_head or 0) < abs(before[code].variance_per_head or 0)


def test_table_13_stockport_against_greater_manchester() -> None:
    """Table 13: (£3.95) £1.94 £0.91 (£0.97) (£0.01) (£3.04) (£0.31), (£5.43) per weighted head in all."""
    bench = pb.benchmark(pb.load_programme_budget(FOLDER / "gp-funding-2017.yaml"))
    assert bench.basis == "weighted head" and bench.comparator == "Greater Manchester"
    assert [round(row.variance_per_head or 0, 2) for row in bench.rows] == [
        -3.95,
        1.94,
        0.91,
        -0.97,
        -0.01,
        -3.04,
        -0.31,
    ]
    assert round(sum(row.variance_per_head or 0 for row in bench.rows), 2) == -5.43


def test_table_15_the_plan_from_the_stockport_run() -> None:
    """Tables 14–15 (amounts synthetic): the business cases' investment and savings in 2020/21, cost basis,
    from the Stockport scenario's run, shared among programmes; the total moves by their net."""
    result = benchmark_programme_budget(FOLDER / "programme-budget-2017.yaml")
    assert result.after is not None
    run = planning.run(planning.load(EXAMPLES / "stockport-2017" / "scenario.yaml"))
    summary = run.scheme_summary.sel(basis="cost", year="2020/21")
    net = float(summary.investment.sum() + summary.benefit.sum())
    assert result.after.total_spend - result.before.total_spend == pytest.approx(net)
    assert {change.scheme for change in result.budget.plan} == {
        "Acute Interface",
        "Intermediate Care",
        "Neighbourhood",
        "Outpatients",
    }
    circulation = (pb.by_code(result.before)["10"], pb.by_code(result.after)["10"])
    assert circulation[0].position == "above" and circulation[1].position == "similar"


def test_a_scheme_the_scenario_lacks_is_located(tmp_path: Path) -> None:
    text = (FOLDER / "programme-budget-2017.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "budget.yaml"
    bad.write_text(
        text.replace("../stockport-2017/", str(EXAMPLES / "stockport-2017") + "/").replace(
            "    outpatients:", "    outpatient:"
        ),
        encoding="utf-8",
    )
    with pytest.raises(pb.ProgrammeBudgetError) as caught:
        benchmark_programme_budget(bad)
    (problem,) = caught.value.problems
    assert problem.path == ("plan_from", "schemes", "outpatient") and problem.line is not None
    assert "'outpatient' is not a scheme of the scenario" in problem.message


def test_the_stps_rightcare_line_is_the_benchmarks_opportunity() -> None:
    """Seed 002, line 1048: "the top six opportunity areas … a total opportunity of £55m … only 50% …
    realised".
    The STP scenario's `opportunity.rightcare` is the benchmark's top six; at its realisation the line is
    27,500 gross."""
    bench = pb.benchmark(pb.load_programme_budget(FOLDER / "rightcare-2016.yaml"))
    assert bench.top_opportunity(6) == pytest.approx(55_000, abs=0.5)
    scenario = load_scenario(EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml").scenario
    parameter = scenario.parameters["opportunity.rightcare"]
    assert not isinstance(parameter, float | dict)
    assert parameter.value == pytest.approx(bench.top_opportunity(6), abs=0.5)
    line = next(line for line in scenario.positions.plan_lines if line.id == "right_care")
    assert line.formula == "-opportunity.rightcare"
    assert pb.opportunity_line(bench, 6, line.realisation) == pytest.approx(27_500, abs=0.5)
