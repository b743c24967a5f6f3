"""The enrolled cohort's utilisation against a comparison group, and the FEWS's neighbourhood set."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carebridge.cli import app
from carebridge.delivery.benefits import ProgrammeForecast
from carebridge.delivery.fews import FewsSettings, FewsStatus, Indicator, Thresholds
from carebridge.delivery.months import Month
from carebridge.delivery.neighbourhoods import (
    monthly_utilisation,
    utilisation_indicators,
    with_neighbourhoods,
)
from carebridge.strat.disclosure import DisclosureRule
from carebridge.strat.neighbourhoods import NeighbourhoodsError, UtilisationRow, read_utilisation

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "stockport-2017" / "neighbourhoods"
NAMES = ["North", "South"]
THRESHOLDS = Thresholds(0.95, 0.85)


def rows(south_enrolled_admissions: int) -> list[UtilisationRow]:
    out = []
    for month in ("2018/19-M01", "2018/19-M02"):
        out += [
            UtilisationRow(month, "North", "enrolled", 100, 6),
            UtilisationRow(month, "North", "comparison", 200, 16),
            UtilisationRow(month, "South", "enrolled", 100, south_enrolled_admissions),
            UtilisationRow(month, "South", "comparison", 200, 16),
        ]
    return out


def test_rates_and_the_reduction_against_planned() -> None:
    table = monthly_utilisation(rows(8), NAMES)
    assert list(table["neighbourhood"])[:2] == NAMES
    assert table["enrolled_rate"].iloc[0] == pytest.approx(60.0)  # 6 / 100 per 1,000
    assert table["reduction"].iloc[0] == pytest.approx(1 - 60 / 80)
    north, south = utilisation_indicators(
        table, NAMES, 0.2, Month.parse("2018/19-M02"), THRESHOLDS, DisclosureRule()
    )
    # a 25% reduction against 20% planned; the admissions avoided (4 of 3.2 planned) are below 10: not shown
    assert north.ratio == pytest.approx(1.25) and north.status == "green"
    assert math.isnan(north.planned) and math.isnan(north.achieved)
    assert "a 25% reduction against 20% planned" in north.note and "not shown" in north.note
    assert south.ratio == pytest.approx(0.0) and south.status == "red"
    assert "2 months" in north.note


def test_admissions_avoided_are_controlled_and_the_ratio_is_the_reduction_over_the_deflection() -> None:
    big = [
        UtilisationRow("2018/19-M01", "North", "enrolled", 1000, 61),
        UtilisationRow("2018/19-M01", "North", "comparison", 1000, 83),
    ]
    (north,) = utilisation_indicators(
        monthly_utilisation(big, ["North"]),
        ["North"],
        0.2,
        Month.parse("2018/19-M01"),
        THRESHOLDS,
        DisclosureRule(),
    )
    # the enrolled would have had 83 at the comparison's rate: 16.6 avoided planned, 22 achieved
    assert north.planned == 15 and north.achieved == 20
    assert north.ratio == pytest.approx(22 / 16.6) and north.status == "green"


def test_a_group_with_fewer_than_ten_admissions_to_date_has_no_status() -> None:
    table = monthly_utilisation(rows(4), NAMES)
    _, south = utilisation_indicators(
        table, NAMES, 0.2, Month.parse("2018/19-M02"), THRESHOLDS, DisclosureRule()
    )
    assert south.status == "none" and math.isnan(south.ratio) and "suppressed" in south.note
    # the first month alone: 6 admissions in North's enrolled group, fewer than 10
    north, _ = utilisation_indicators(
        table, NAMES, 0.2, Month.parse("2018/19-M01"), THRESHOLDS, DisclosureRule()
    )
    assert north.status == "none"


def test_the_neighbourhood_set_turns_the_whole_fews_red() -> None:
    forecast = ProgrammeForecast("2018/19", "tariff", 0.0, 0.0, 0.0, 0.0, 0.0, None, 0.0)
    green = Indicator("benefits", "programme", "Programme", 1.0, 1.0, 1.0, "green")
    status = FewsStatus(Month.parse("2018/19-M02"), FewsSettings(), (green,), forecast)
    assert status.overall == "green" and status.set_status("neighbourhoods") == "none"
    table = monthly_utilisation(rows(8), NAMES)
    added = with_neighbourhoods(
        status, utilisation_indicators(table, NAMES, 0.2, status.month, THRESHOLDS, DisclosureRule())
    )
    assert added.set_status("neighbourhoods") == "red" and added.overall == "red"


def test_a_bad_utilisation_row_is_located(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(
        "month,neighbourhood,group,patients,admissions\n"
        "2018/19-M01,North,enrolled,100,6\n"
        "2018/19-M13,Nort,treated,-1,x\n"
        "2018/19-M01,North,enrolled,100,7\n",
        encoding="utf-8",
    )
    with pytest.raises(NeighbourhoodsError) as raised:
        read_utilisation(path, NAMES)
    message = str(raised.value)
    assert f"{path}:3 month" in message and "did you mean 'North'?" in message
    assert (
        f"{path}:3 group" in message and f"{path}:3 patients" in message and f"{path}:3 admissions" in message
    )


def test_the_example_year_shows_stockport_central_falling_behind() -> None:
    done = CliRunner().invoke(
        app,
        [
            "neighbourhoods",
            "utilisation",
            str(EXAMPLE / "neighbourhoods.yaml"),
            str(EXAMPLE / "utilisation.csv"),
            "--month",
            "2018/19-M12",
            "--monthly",
        ],
        env={"COLUMNS": "200"},  # a wide console, as the other CLI tests: a narrow one cuts the table
    )
    assert done.exit_code == 0, done.output
    lines = [
        line
        for line in done.output.splitlines()
        if line.strip().startswith(("Stockport Central", "Cheadle "))
    ]
    statuses = {line.split()[0] + line.split()[1]: line for line in lines if "%" in line and "months" in line}
    assert any("red" in line for key, line in statuses.items() if key.startswith("Stockport"))
    assert any("green" in line for key, line in statuses.items() if key.startswith("Cheadle"))
    assert "RED" in done.output and "*" in done.output  # months of fewer than 10 admissions suppressed


@pytest.mark.parametrize(
    ("csv_text", "month", "expected"),
    [
        ("month,neighbourhood,group,patients\n", "2018/19-M01", "the header lacks admissions"),
        (
            "month,neighbourhood,group,patients,admissions\n2018/19-M01,Marple,enrolled,9,x\n",
            "2018/19-M01",
            ":2 ",
        ),
        (
            "month,neighbourhood,group,patients,admissions\n2018/19-M01,Marple,enrolled,90,6\n",
            "2018/19-M14",
            "--month 2018/19-M14",
        ),
    ],
)
def test_bad_utilisation_input_exits_2_without_a_traceback(
    tmp_path: Path, csv_text: str, month: str, expected: str
) -> None:
    path = tmp_path / "utilisation.csv"
    path.write_text(csv_text, encoding="utf-8")
    done = CliRunner().invoke(
        app,
        ["neighbourhoods", "utilisation", str(EXAMPLE / "neighbourhoods.yaml"), str(path), "--month", month],
    )
    assert done.exit_code == 2, done.output
    assert expected in done.output and "Traceback" not in done.output
