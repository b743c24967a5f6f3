"""The neighbourhoods file, each neighbourhood's cohort, enrolment capped by capacity, the scheme's effect."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from carebridge.cli import app
from carebridge.scenario.reading import parse
from carebridge.scenario.source_map import SourceMap
from carebridge.strat.disclosure import DisclosureRule
from carebridge.strat.neighbourhood_cohort import (
    effect_fragment,
    enrolment,
    monthly_enrolment,
    neighbourhood_cohorts,
    scheme_effect,
)
from carebridge.strat.neighbourhoods import NeighbourhoodsError, NeighbourhoodsFile, load_neighbourhoods

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "stockport-2017" / "neighbourhoods"
FILE = EXAMPLE / "neighbourhoods.yaml"
PATIENTS = ROOT / "examples" / "synthetic-population" / "patients.parquet"

SMALL = """\
name: Two teams
caseload_per_wte: {case_manager: 50, matron: 80}
scheme:
  id: neighbourhood
  name: Neighbourhood
  effects:
    - {pod: nel, measure: nel, deflection: 0.2}
neighbourhoods:
  - name: North
    practices: [P01, P02]
    case_managers: 2
    matrons: 0.5
    enrolment: {2017/18: 0.5, 2018/19: 1.0}
    care_plans: 0.8
  - name: South
    practices: [P03]
    case_managers: 1
    enrolment: {2017/18: 0.5, 2018/19: 1.0}
    care_plans: 1.0
"""


def invoke(*args: str) -> tuple[int, str]:
    done = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))  # one wide terminal, wherever it runs
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.output


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "neighbourhoods.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_loads_with_eight_neighbourhoods() -> None:
    plan, _ = load_neighbourhoods(FILE)
    assert len(plan.neighbourhoods) == 8
    assert plan.caseload_per_wte.case_manager == 50
    assert plan.years() == ["2017/18", "2018/19", "2019/20", "2020/21"]


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        ("case_manager: 50", "case_manager: 0", 2, "caseload_per_wte.case_manager: a caseload of 0"),
        ("[P03]", "[P02]", 16, "practice 'P02' is already in North"),
        ("deflection: 0.2", "deflection: 1.2", 7, "deflection"),
        ("measure: nel", "measure: nell", 7, "did you mean 'nel'?"),
        (
            "2017/18: 0.5, 2018/19: 1.0}\n    care_plans: 1.0",
            "2017/19: 0.5}\n    care_plans: 1.0",
            18,
            "2017/19",
        ),
    ],
)
def test_bad_input_is_a_located_error_and_exit_2(
    tmp_path: Path, old: str, new: str, line: int, expected: str
) -> None:
    assert old in SMALL
    path = written(tmp_path, SMALL.replace(old, new))
    with pytest.raises(NeighbourhoodsError) as raised:
        load_neighbourhoods(path)
    message = str(raised.value)
    assert f"{path}:{line}" in message and expected in message, message
    code, output = invoke("neighbourhoods", "check", str(path))
    assert code == 2 and expected in output and "Traceback" not in output


def test_an_unknown_practice_is_located(tmp_path: Path) -> None:
    path = written(tmp_path, SMALL.replace("[P03]", "[P03, X99]"))
    code, output = invoke("neighbourhoods", "cohort", str(path), str(PATIENTS))
    assert code == 2, output
    assert f"{path}:16" in output and "practice 'X99' is not in the patient table" in output


def cohorts_table() -> pd.DataFrame:
    practices = pd.DataFrame(
        {
            "practice": ["P01", "P02", "P03", "P04"],
            "population": [1000, 1000, 800, 500],
            "cohort": [150, 150, 120, 75],
            "nel": [120.0, 150.0, 60.0, 30.0],
        }
    )
    plan, _ = load_neighbourhoods_text(SMALL)
    return neighbourhood_cohorts(plan, practices, ["nel"])


def load_neighbourhoods_text(text: str) -> tuple[NeighbourhoodsFile, SourceMap]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return load_neighbourhoods(written(Path(folder), text))


def test_enrolment_is_capped_by_capacity_and_the_effect_is_enrolled_times_rate_times_deflection() -> None:
    plan, _ = load_neighbourhoods_text(SMALL)
    cohorts = cohorts_table()
    north = cohorts.iloc[0]
    assert (north["population"], north["cohort"], north["capacity"]) == (2000, 300, 2 * 50 + 0.5 * 80)
    enrolled = enrolment(plan, cohorts)
    by = {(r["neighbourhood"], r["year"]): r for r in enrolled.to_dict("records")}
    assert by[("North", "2017/18")]["enrolled"] == 140 and by[("North", "2017/18")]["capped"]  # 150 > 140
    assert by[("South", "2017/18")]["enrolled"] == 50 and by[("South", "2017/18")]["capped"]  # 60 > 50
    assert by[("North", "2017/18")]["care_plans"] == pytest.approx(112)
    effect = scheme_effect(plan, cohorts, enrolled, {"nel": 1000.0})
    first = effect[effect["year"] == "2017/18"].iloc[0]
    # North: 140 × (270 / 300) × 0.2; South: 50 × (60 / 120) × 0.2
    assert first["removed"] == pytest.approx(140 * 0.9 * 0.2 + 50 * 0.5 * 0.2)
    assert first["fraction"] == pytest.approx(first["removed"] / 1000)


def test_the_fragment_is_effects_a_scenario_takes(tmp_path: Path) -> None:
    plan, _ = load_neighbourhoods_text(SMALL)
    cohorts = cohorts_table()
    enrolled = enrolment(plan, cohorts)
    effect = scheme_effect(plan, cohorts, enrolled, {"nel": 1000.0})
    text = effect_fragment(plan, effect, DisclosureRule(), ["test"])
    assert "# nel 2017/18: 190 enrolled × their nel rate × 0.2 deflection" in text
    effects = parse(text, "fragment.yaml").data["effects"]
    assert effects[0]["kind"] == "reduce" and effects[0]["fraction"]["2017/18"] == pytest.approx(0.0302)

    from carebridge.scenario.loader import load_scenario_data

    scenario_file = ROOT / "examples" / "stockport-2017" / "scenario.yaml"
    data = parse(scenario_file.read_text(encoding="utf-8"), str(scenario_file)).data
    scheme = next(s for s in data["schemes"] if s["id"] == plan.scheme.id)
    scheme["effects"] = effects
    loaded = load_scenario_data(data, SourceMap(str(scenario_file)))
    assert loaded.scenario.schemes


def test_the_example_cohort_and_effect_on_the_synthetic_borough(tmp_path: Path) -> None:
    code, output = invoke("neighbourhoods", "cohort", str(FILE), str(PATIENTS))
    assert code == 0, output
    assert "Stockport Central" in output and "capped" in output
    assert "Disclosure control: counts below 10 are suppressed" in output
    emitted = tmp_path / "effects.yaml"
    code, output = invoke("neighbourhoods", "effect", str(FILE), str(PATIENTS), "--emit", str(emitted))
    assert code == 0, output
    counts = [
        int(n.replace(",", ""))
        for n in re.findall(r"# nel \d{4}/\d{2}: ([\d,]+) enrolled", emitted.read_text())
    ]
    assert counts and all(n % 5 == 0 for n in counts)


RAMP = SMALL.replace(
    "    enrolment: {2017/18: 0.5, 2018/19: 1.0}\n    care_plans: 0.8",
    "    trajectory:\n      ramp: {start: 2017/18-M04, per_month: 20}\n    care_plans: 0.8",
)
SERIES = SMALL.replace(
    "    enrolment: {2017/18: 0.5, 2018/19: 1.0}\n    care_plans: 1.0",
    "    trajectory:\n      monthly: {2017/18-M01: 12, 2017/18-M07: 30, 2018/19-M01: 48}\n"
    "    care_plans: 1.0",
)


def test_a_ramp_grows_month_by_month_to_the_cap_and_the_year_is_its_mean() -> None:
    plan, _ = load_neighbourhoods_text(RAMP)
    cohorts = cohorts_table()
    months = monthly_enrolment(plan, cohorts)
    north = months[months["neighbourhood"] == "North"]
    first = north[north["year"] == "2017/18"]
    # July 2017 is the first month: none before; 20 more each month; capacity 140 from December (6 × 20)
    assert list(first["enrolled"])[:6] == [0, 0, 0, 20, 40, 60]
    assert list(first["enrolled"])[-1] == 140 and bool(first["capped"].iloc[-1])
    assert not first["capped"].iloc[9] and first["capped"].iloc[10]  # 160 > 140 in February 2018
    enrolled = enrolment(plan, cohorts)
    by = {(r["neighbourhood"], r["year"]): r for r in enrolled.to_dict("records")}
    mean = sum([0, 0, 0, 20, 40, 60, 80, 100, 120, 140, 140, 140]) / 12
    assert by[("North", "2017/18")]["enrolled"] == pytest.approx(mean)
    assert by[("North", "2018/19")]["enrolled"] == pytest.approx(140) and by[("North", "2018/19")]["capped"]
    # the effect follows the monthly enrolment: the year's mean × rate × deflection
    effect = scheme_effect(plan, cohorts, enrolled, {"nel": 1000.0})
    first_year = effect[effect["year"] == "2017/18"].iloc[0]
    assert first_year["removed"] == pytest.approx(mean * 0.9 * 0.2 + 50 * 0.5 * 0.2)


def test_a_series_holds_each_month_until_the_next_and_is_capped_by_the_cohort() -> None:
    plan, _ = load_neighbourhoods_text(SERIES)
    assert plan.years() == ["2017/18", "2018/19"]
    months = monthly_enrolment(plan, cohorts_table())
    south = list(months[months["neighbourhood"] == "South"]["enrolled"])
    assert south[:12] == [12] * 6 + [30] * 6
    assert south[12:] == [48] * 12  # within the capacity of 50 and the cohort of 120


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    [
        (
            SERIES,
            "2018/19-M01: 48",
            "2018/19-M01: 60",
            "neighbourhoods[1].trajectory.monthly.2018/19-M01: South: 60 patients enrolled, above the teams' "
            "capacity of 50",
        ),
        (SERIES, "2017/18-M07: 30", "2017/18-M07: -5", "South: -5 patients; enrolment cannot go negative"),
        (SERIES, "2017/18-M07: 30", "2017/18-M13: 30", "'2017/18-M13'; expected a financial month"),
        (RAMP, "per_month: 20", "per_month: -20", "North: -20 patients a month; expected more than 0"),
        (RAMP, "start: 2017/18-M04", "start: July 2017", "'July 2017'; expected a financial month"),
        (RAMP, "ramp: {start: 2017/18-M04, per_month: 20}", "{}", "give one of ramp"),
    ],
)
def test_a_bad_trajectory_is_a_located_error(
    tmp_path: Path, text: str, old: str, new: str, expected: str
) -> None:
    assert old in text
    path = written(tmp_path, text.replace(old, new))
    code, output = invoke("neighbourhoods", "check", str(path))
    assert code == 2 and "Traceback" not in output, output
    assert expected in " ".join(output.split()), output
    assert re.search(rf"{re.escape(str(path))}:\d+ ", output)


def test_a_neighbourhood_with_no_enrolment_is_refused(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        SMALL.replace(
            "    enrolment: {2017/18: 0.5, 2018/19: 1.0}\n    care_plans: 1.0", "    care_plans: 1.0"
        ),
    )
    code, output = invoke("neighbourhoods", "check", str(path))
    assert code == 2 and "South has no enrolment" in output and f"{path}:15" in output


def test_the_example_prints_its_trajectories_month_by_month() -> None:
    code, output = invoke("neighbourhoods", "cohort", str(FILE), str(PATIENTS), "--monthly")
    assert code == 0, output
    assert "Enrolment month by month" in output
    marple = [line for line in output.splitlines() if re.match(r"\s*Marple\s+2018/19-M06\s", line)]
    assert marple and "capped" in marple[0]
