"""``carebridge outcomes`` end to end on a SQLite store: the example register loads and its values import
once, status prints RAG and writes the page with small counts controlled; each kind of bad input is a located
message, exit 2, no traceback, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from carebridge.cli import app
from tests.conftest import EXAMPLES

FOLDER = EXAMPLES / "outcomes"
REGISTER = FOLDER / "register.yaml"
VALUES = FOLDER / "values.csv"
BUDGET = FOLDER / "programme-budget-2005.yaml"


def run(db: Path, *args: str) -> Result:
    return CliRunner(env={"CAREBRIDGE_DB": str(db), "COLUMNS": "200"}).invoke(app, list(args))


def refused(db: Path, *args: str) -> str:
    done = run(db, *args)
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output
    return done.output


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("outcomes") / "carebridge.db"
    assert "added, 6 measures" in run(path, "outcomes", "load", str(REGISTER)).output
    assert "761 new, 0 replaced, 0 unchanged" in run(path, "outcomes", "import", str(VALUES)).output
    return path


def test_importing_again_changes_nothing(db: Path) -> None:
    assert "0 new, 0 replaced, 761 unchanged" in run(db, "outcomes", "import", str(VALUES)).output
    assert "unchanged, 6 measures" in run(db, "outcomes", "load", str(REGISTER)).output


def test_status_and_page(db: Path, tmp_path: Path) -> None:
    done = run(db, "outcomes", "status", "--out", str(tmp_path / "out"))
    assert done.exit_code == 0, done.output
    assert "Circulatory disease mortality under 75" in done.output and "AMBER" in done.output
    assert "counts below 10 are suppressed" in done.output
    page = (tmp_path / "out" / "outcomes.html").read_text(encoding="utf-8")
    assert "Life expectancy at birth, men" in page and "Dobson" in page
    conceptions = (tmp_path / "out" / "outcome-conceptions_u18.csv").read_text(encoding="utf-8")
    assert conceptions.startswith("# Disclosure control")
    lines = conceptions.splitlines()
    # 7 conceptions: the count and its rate suppressed; 132 shown as 130
    assert '2005/06,Quintile 5,*,"1,200",*,,synthetic' in lines
    assert lines[2].startswith("2005/06,Whole population,130,")


def _edited(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_rate_with_a_zero_denominator(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "values.csv"
    bad.write_text(
        "measure,period,breakdown,group,numerator,denominator\nsmoking,2006/07,all,all,10,0\n", "utf-8"
    )
    out = refused(db, "outcomes", "import", str(bad))
    assert f"{bad}, row 2, column denominator: 0: a proportion with a denominator of 0" in out
    assert "nothing was imported" in out


def test_a_quintile_outside_one_to_five(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "values.csv"
    bad.write_text(
        "measure,period,breakdown,group,numerator,denominator\nconceptions_u18,2006/07,quintile,7,10,1000\n",
        "utf-8",
    )
    assert "row 2, column group: quintile '7'; expected 1 (most deprived) to 5" in refused(
        db, "outcomes", "import", str(bad)
    )


def test_a_target_year_before_the_baseline(db: Path, tmp_path: Path) -> None:
    bad = _edited(tmp_path, REGISTER, "{period: 2006-08, value: 101.8}", "{period: 2001-03, value: 101.8}")
    out = refused(db, "outcomes", "load", str(bad))
    assert f"{bad}:" in out and "measures[3].targets[0].period" in out
    assert "not after the baseline 2003-05" in out


def test_a_category_not_in_the_list(tmp_path: Path) -> None:
    bad = _edited(tmp_path, BUDGET, '      "4a": 1878.531', '      "4b": 1878.531')
    out = refused(tmp_path / "x.db", "outcomes", "benchmark", str(bad))
    assert "areas[0].spend.4b" in out and "category '4b' is not in the list" in out


def test_a_population_of_zero(tmp_path: Path) -> None:
    bad = _edited(tmp_path, BUDGET, "    population: 152000", "    population: 0")
    out = refused(tmp_path / "x.db", "outcomes", "benchmark", str(bad))
    assert "areas[1].population: expected a number above 0; found 0" in out


def test_peers_with_different_years(tmp_path: Path) -> None:
    text = BUDGET.read_text(encoding="utf-8")
    at = text.index("Peer C (synthetic)")
    bad = tmp_path / "budget.yaml"
    bad.write_text(text[:at] + text[at:].replace("year: 2005/06", "year: 2004/05", 1), encoding="utf-8")
    out = refused(tmp_path / "x.db", "outcomes", "benchmark", str(bad))
    assert "areas[3].year" in out and "Peer C (synthetic) is for 2004/05" in out


def test_a_bad_comparator_names_the_option(tmp_path: Path) -> None:
    assert "--comparator: 'median'" in refused(
        tmp_path / "x.db", "outcomes", "benchmark", str(BUDGET), "--comparator", "median"
    )


def test_status_before_any_register(tmp_path: Path) -> None:
    assert "no outcomes register yet" in refused(tmp_path / "empty.db", "outcomes", "status")


def test_the_programme_page_draws_the_quadrants(tmp_path: Path) -> None:
    done = run(tmp_path / "x.db", "outcomes", "benchmark", str(BUDGET), "--out", str(tmp_path / "pb"))
    assert done.exit_code == 0, done.output
    review = (
        "Review areas (a material variance with a worse outcome than the peers): Mental health disorders, "
    )
    assert review + "Problems of circulation." in done.output
    page = (tmp_path / "pb" / "programme-budget.html").read_text(encoding="utf-8")
    assert 'Plotly.newPlot("programme-quadrants"' in page
    assert "After the plan&#x27;s investments and savings" in page and "<script src=" not in page


def test_the_opportunity_as_the_stps_parameter(tmp_path: Path) -> None:
    """The parameter the benchmark writes is the STP's `opportunity.rightcare` (55,000 £'000, × its
    realisation 0.5 in the Right Care line), which the loader computes from the same file."""
    from carebridge.scenario.loader import load_scenario
    from carebridge.scenario.reading import parse

    emitted = tmp_path / "rightcare.yaml"
    args = [
        "--top",
        "6",
        "--realisation",
        "0.5",
        "--parameter",
        "rightcare_opportunity",
        "--emit",
        str(emitted),
    ]
    done = run(tmp_path / "x.db", "outcomes", "benchmark", str(FOLDER / "rightcare-2016.yaml"), *args)
    assert done.exit_code == 0, done.output
    assert "the plan line is 27,500 £'000" in done.output
    fragment = parse(emitted.read_text(encoding="utf-8"), str(emitted)).data["parameters"][
        "rightcare_opportunity"
    ]
    scenario = load_scenario(EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml").scenario
    stp = scenario.parameters["opportunity.rightcare"]
    assert not isinstance(stp, float | dict)
    assert (fragment["value"], fragment["unit"]) == (pytest.approx(stp.value, abs=0.5), stp.unit)


def test_emit_needs_its_options(tmp_path: Path) -> None:
    out = refused(tmp_path / "x.db", "outcomes", "benchmark", str(BUDGET), "--emit", str(tmp_path / "p.yaml"))
    assert "--emit: give --emit FILE with --parameter NAME and --top N" in out


def test_status_prints_the_slope_index_with_its_interval(db: Path) -> None:
    done = run(db, "outcomes", "status")
    assert done.exit_code == 0, done.output
    assert "Slope index 95% CI" in done.output
    assert "10.3 to 12.5" in done.output  # men's life expectancy, 2003-05: 11.4


def test_save_keeps_the_budget_for_the_web_app(tmp_path: Path) -> None:
    from carebridge.store import Store
    from carebridge.usecases.outcomes import stored_budget_names, stored_programme_benchmark

    db = tmp_path / "kept.db"
    done = run(db, "outcomes", "benchmark", str(BUDGET), "--save")
    assert done.exit_code == 0, done.output
    assert "programme budget 'Stockport PCT programme budget 2005/06' added in the store" in done.output
    assert "unchanged in the store" in run(db, "outcomes", "benchmark", str(BUDGET), "--save").output
    store = Store.open(str(db))
    try:
        assert stored_budget_names(store) == ["Stockport PCT programme budget 2005/06"]
        kept = stored_programme_benchmark(store, None)
    finally:
        store.close()
    assert kept.after is not None and {row.code for row in kept.before.rows if row.review} == {"5", "10"}


def test_comparisons_with_the_region_and_england(tmp_path: Path) -> None:
    """Seed 002: Stoke-on-Trent's life expectancy 2.3 years below the West Midlands', untested (no
    interval); the variation between the two places."""
    db = tmp_path / "stp.db"
    assert run(db, "outcomes", "load", str(FOLDER / "stp-register.yaml")).exit_code == 0
    assert "20 new" in run(db, "outcomes", "import", str(FOLDER / "stp-values.csv")).output
    done = run(db, "outcomes", "status")
    assert done.exit_code == 0, done.output
    assert (
        "Against peers, the region and England" in done.output and "Variation between places" in done.output
    )
    line = next(
        text
        for text in done.output.splitlines()
        if "Life expectancy at birth, men" in text and "Stoke-on-Trent" in text and "West Midlands" in text
    )
    assert "-2.3" in line and "worse (untested)" in line
