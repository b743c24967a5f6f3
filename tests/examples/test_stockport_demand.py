"""The Stockport demand variant (examples/stockport-2017/demand.yaml, docs/demand.md): growth from a
population by age and sex split into its two parts, the 65+ cohort growing with its headcount, and the two
illustrative schemes combining on the declared top-15% × 65+ intersection."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from carebridge.engine import run
from carebridge.engine.inputs import compile_inputs
from carebridge.scenario.loader import load_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "stockport-2017"
CARE = [str(Path(sys.executable).parent / "carebridge")]


@pytest.fixture(scope="module")
def loaded():  # type: ignore[no-untyped-def]
    return load_scenario(EXAMPLE / "demand.yaml")


def test_the_do_nothing_reaches_table_10_and_splits_its_growth(loaded) -> None:  # type: ignore[no-untyped-def]
    results = run(loaded.scenario)
    nel = results.activity.sel(pod="nel")
    assert float(nel["do_nothing"].sel(year="2020/21")) == pytest.approx(44_645, abs=10)  # Table 10
    split = nel["demographic_growth"] + nel["non_demographic_growth"]
    np.testing.assert_allclose(split.values, (nel["do_nothing"] - 41_286).values, atol=1e-6)
    assert (
        0
        < float(nel["demographic_growth"].sel(year="2020/21"))
        < float(nel["non_demographic_growth"].sel(year="2020/21"))
    )
    ae = results.activity.sel(pod="ae")  # a trajectory: all of its growth is non-demographic
    assert (ae["demographic_growth"].values == 0).all()


def test_the_65_plus_share_of_emergency_admissions_rises(loaded) -> None:  # type: ignore[no-untyped-def]
    share = compile_inputs(loaded.scenario).effects.cohort_share_by_year
    assert share is not None
    nel = share.labelled().sel(cohort="over65", pod="nel").values
    assert nel[0] == pytest.approx(0.55)
    assert (np.diff(nel[:5]) > 0).all()


def test_the_two_schemes_combine_on_the_intersection(loaded) -> None:  # type: ignore[no-untyped-def]
    """2018/19: top-15% only 34%, 65+ only (s − 45%), both 45% at 1 − 0.95² (docs/demand.md §5)."""
    scenario = loaded.scenario
    results = run(scenario)
    share = compile_inputs(scenario).effects.cohort_share_by_year
    assert share is not None
    over65 = float(share.labelled().sel(cohort="over65", pod="nel", year="2018/19"))
    do_nothing = float(results.activity["do_nothing"].sel(pod="nel", year="2018/19"))
    expected = (0.05 * 0.34 + 0.05 * (over65 - 0.45) + (1 - 0.95**2) * 0.45) * do_nothing
    by_scheme = results.scheme_activity["reduction"].sel(pod="nel", year="2018/19")
    found = -float(by_scheme.sel(scheme=["case_management", "falls_service"]).sum())
    assert found == pytest.approx(expected, rel=1e-12)
    assert found == pytest.approx(2_843.7, abs=0.1)


def test_cohorts_without_a_declared_intersection_are_warned_about_by_validate(tmp_path: Path) -> None:
    for name in ("demand.yaml", "population-two-las.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    scenario = tmp_path / "demand.yaml"
    text = scenario.read_text()
    start = text.index("cohort_overlaps:")
    scenario.write_text(text[:start] + text[text.index("demography:") :])
    done = subprocess.run([*CARE, "validate", str(scenario)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    line = next(n for n, row in enumerate(scenario.read_text().splitlines(), 1) if "cohort: over65" in row)
    assert done.stderr.splitlines() == [
        f"warning: {scenario}:{line} schemes[5].cohort: cohorts 'Top 15% at risk of admission' and 'People "
        "aged 65 and over' both have schemes on POD 'Non Elective' but no declared intersection; they are "
        "taken as disjoint — declare cohort_overlaps (0 if they are)"
    ]
