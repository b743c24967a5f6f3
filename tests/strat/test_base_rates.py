"""Base activity rates by age band × sex per POD from the patient table (docs/demand.md §2): the rates are
activity over people of the table, counts under disclosure control, and a scenario that names the file
grows its PODs with them; every bad input is located, exit 2, no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from carebridge.engine import run
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import load_scenario
from carebridge.strat.disclosure import DisclosureRule
from carebridge.strat.rates import COLUMNS, RatesError, base_rates, controlled_rows, rates_table
from carebridge.strat.synth import synthetic_patients

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = ROOT / "examples" / "synthetic-population" / "patients.parquet"
EXAMPLE = ROOT / "examples" / "stockport-2017"
CARE = [str(Path(sys.executable).parent / "carebridge")]


def test_a_rate_is_the_activity_of_a_band_and_sex_over_its_people() -> None:
    rates = base_rates(PATIENTS, {"nel": "nel", "out": "op"}, ["0-64", "65+"])
    exact = (
        duckdb.connect()
        .execute(
            f"SELECT count(*), sum(nel_prior), sum(op_first_prior + op_fu_prior) FROM '{PATIENTS}' "
            "WHERE sex = 'F' AND age >= 65"
        )
        .fetchone()
    )
    assert exact is not None
    row = rates.table.query("pod == 'nel' and sex == 'female' and band == '65+'").iloc[0]
    assert (row.people, row.activity) == (exact[0], exact[1])
    assert row.rate == pytest.approx(exact[1] / exact[0])
    out = rates.table.query("pod == 'out' and sex == 'female' and band == '65+'").iloc[0]
    assert (out.measure, out.activity) == ("op", exact[2])
    assert len(rates.table) == 2 * 2 * 2


def test_counts_below_10_are_suppressed_others_rounded_to_5_and_rates_suppressed_with_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "few.parquet"
    pq.write_table(synthetic_patients(400, seed=3), path)
    rates = base_rates(path, {"nel": "nel"}, ["0-64", "65-89", "90+"])
    rows = controlled_rows(rates, DisclosureRule())
    assert [row[:4] for row in rows][:3] == [
        ["nel", "nel", "female", "0-64"],
        ["nel", "nel", "female", "65-89"],
        ["nel", "nel", "female", "90+"],
    ]
    exact = rates.table
    for row, people, activity in zip(rows, exact.people, exact.activity, strict=True):
        for shown, count in ((row[4], people), (row[5], activity)):
            if count < 10:
                assert shown == "*"
            else:
                assert int(shown) % 5 == 0 and abs(int(shown) - count) <= 2.5
        assert (row[6] == "*") == (people < 10 or activity < 10)
    assert any(row[6] == "*" for row in rows), "a band of 90+ in 400 patients is suppressed"
    assert rates_table(rates, DisclosureRule()).splitlines()[0] == ",".join(COLUMNS)


def test_bands_that_overlap_and_measures_the_file_lacks_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RatesError, match="--bands: age band '60-70' overlaps '0-64'"):
        base_rates(PATIENTS, {"nel": "nel"}, ["0-64", "60-70"])
    table = synthetic_patients(200, seed=5)
    path = tmp_path / "prior.parquet"
    pq.write_table(table.drop([name for name in table.column_names if name.endswith("_next")]), path)
    with pytest.raises(RatesError, match="has no next-year column for nel"):
        base_rates(path, {"nel": "nel"}, year="next")


def test_the_command_writes_the_example_rates_file(tmp_path: Path) -> None:
    out = tmp_path / "rates.csv"
    done = subprocess.run(
        [*CARE, "base-rates", str(PATIENTS), "--pod", "nel=nel", "--pod", "ae=ae", "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Disclosure control: counts below 10 are suppressed" in done.stdout
    assert out.read_text() == (EXAMPLE / "base-rates.csv").read_text()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--bands", "0-64,65-200"], "--bands: '65-200' is not an age band"),
        (["--pod", "nel=beds"], "--pod 'nel=beds': 'beds' is not a measure"),
        (["--year", "last"], "--year last: expected prior or next"),
    ],
)
def test_bad_options_exit_2_naming_the_option(arguments: list[str], message: str, tmp_path: Path) -> None:
    command = [*CARE, "base-rates", str(PATIENTS), "--out", str(tmp_path / "r.csv"), *arguments]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 2 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_patient_file_exits_2_at_its_row_and_column(tmp_path: Path) -> None:
    table = synthetic_patients(200, seed=5).to_pandas()
    table.loc[4, "age"] = -3
    path = tmp_path / "patients.csv"
    table.to_csv(path, index=False)
    done = subprocess.run(
        [*CARE, "base-rates", str(path), "--out", str(tmp_path / "r.csv")], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "row 5 (line 6), column age" in done.stderr and "Traceback" not in done.stderr


def _example(tmp_path: Path) -> Path:
    for name in ("demand-from-patients.yaml", "population-two-las-ons.csv", "base-rates.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path / "demand-from-patients.yaml"


def test_a_scenario_naming_the_rates_grows_as_with_the_rates_written_in_it(tmp_path: Path) -> None:
    named = load_scenario(_example(tmp_path)).scenario
    nel = next(pod for pod in named.pods if pod.id == "nel")
    assert nel.activity is not None and nel.activity.demographic_rates is not None
    assert sorted(nel.activity.demographic_rates["male"]) == ["0-17", "18-64", "65-74", "75-84", "85+"]
    scenario = tmp_path / "demand-from-patients.yaml"
    text = scenario.read_text().replace("  rates: base-rates.csv", "")
    rates = nel.activity.demographic_rates
    text = text.replace(
        "activity: {base: 41286}", "activity: {base: 41286, demographic_rates: " + repr(rates) + "}"
    )
    text = text.replace("activity: {base: 100133}", "activity: {base: 100133, trajectory: {2020/21: 100133}}")
    scenario.write_text(text)
    inline = load_scenario(scenario).scenario
    named_nel = run(named).activity.do_nothing.sel(pod="nel")
    inline_nel = run(inline).activity.do_nothing.sel(pod="nel")
    assert list(named_nel.values) == pytest.approx(list(inline_nel.values))
    assert float(named_nel.isel(year=-1)) > 41286


def _problems(tmp_path: Path, rows: list[str], pods: str | None = None) -> list[str]:
    scenario = _example(tmp_path)
    if pods is not None:
        scenario.write_text(scenario.read_text().replace("activity: {base: 41286}", pods))
    (tmp_path / "base-rates.csv").write_text("pod,sex,band,rate\n" + "".join(rows))
    with pytest.raises(ScenarioError) as error:
        load_scenario(scenario)
    return [str(problem) for problem in error.value.problems]


def test_a_bad_rates_file_is_located_at_its_line_and_column(tmp_path: Path) -> None:
    rates = tmp_path / "base-rates.csv"
    found = _problems(
        tmp_path,
        [
            "nel,female,0-64,0.07\n",
            "nell,female,65+,0.3\n",
            "nel,female,60-70,0.2\n",
            "nel,persons,65+,0.3\n",
            "nel,male,65+,*\n",
            "nel,male,0-64,-1\n",
            "nel,female,0-64,0.08\n",
        ],
    )
    assert found == [
        f"{rates}:3 pod: 'nell' is not a POD of the scenario; did you mean 'nel'?",
        f"{rates}:4 band: age band '60-70' overlaps '0-64'; a person would count twice (POD 'Non Elective', "
        "female)",
        f"{rates}:5 sex: expected female or male; found 'persons'",
        f"{rates}:6 rate: the rate is suppressed (a count below the disclosure threshold); widen the age "
        "bands (carebridge base-rates --bands) or give this POD's demographic_rates in the scenario",
        f"{rates}:7 rate: activity per head cannot be negative; found -1",
        f"{rates}:8 band: a second rate for POD 'Non Elective', female, 0-64 (first on line 2)",
    ]


def test_a_pod_whose_growth_is_given_otherwise_is_an_error_at_its_first_rate(tmp_path: Path) -> None:
    found = _problems(tmp_path, ["nel,female,0-64,0.07\n"], "activity: {base: 41286, growth: 0.01}")
    assert found == [
        f"{tmp_path / 'base-rates.csv'}:2 pod: POD 'Non Elective' has growth in the scenario; its "
        "demographic growth would replace it — remove it (non_demographic_growth gives growth beyond the "
        "population's)"
    ]


def test_validate_reports_a_bad_rates_file_with_exit_2(tmp_path: Path) -> None:
    scenario = _example(tmp_path)
    (tmp_path / "base-rates.csv").write_text("pod,sex,band,rate\nnel,female,0-64,*\n")
    done = subprocess.run([*CARE, "validate", str(scenario)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert f"{tmp_path / 'base-rates.csv'}:2 rate: the rate is suppressed" in done.stderr
    assert "Traceback" not in done.stderr
