"""The worked example: a year of synthetic actuals for the Stockport plan in which Acute Interface and
Outpatients fall behind, so the early warning system goes green, amber, then red, and the loss triggers."""

from __future__ import annotations

import csv
import filecmp
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import FewsSettings
from carebridge.delivery.monitor import monitor
from carebridge.delivery.months import Month
from carebridge.store import Store
from carebridge.store.actuals_files import read_actuals
from carebridge.store.imports import import_actuals
from carebridge.store.monitoring import read_actuals as stored_actuals
from carebridge.store.plans import load_baseline
from tests.conftest import EXAMPLES
from tests.examples.seeds import STOCKPORT_SEED
from tests.store.helpers import PLAN, approve_stockport

FOLDER = EXAMPLES / "stockport-2017" / "actuals"
SETTINGS = FewsSettings(loss_threshold=500, basis="cost")


def test_the_generator_reproduces_the_files_shipped(tmp_path: Path) -> None:
    load_generator().main(tmp_path)
    shipped = sorted(p.name for p in FOLDER.glob("*.csv"))
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == shipped
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, FOLDER, shipped, shallow=False)
    assert mismatch == errors == []


# --- the files against figures derived from the seed, not from the code that wrote them ---------------------

SEED = STOCKPORT_SEED
YEAR = "2018/19"
PODS = ("ae", "nel", "el", "op")
NOISE = 0.004
"""The story's monthly noise (a standard deviation, as a fraction of the month's activity)."""


def story() -> ModuleType:
    """The story's fractions (the share of the deflection delivered each month), from the generator."""
    return load_generator()


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_actuals", FOLDER / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def seed_year(table: str, pod: str) -> float:
    """The seed's 2018/19 figure of ``pod`` in ``table`` (Table 9 has five years, Table 24 four)."""
    years = SEED["years"] if table == "table_9_activity" else SEED["table_24_years"]
    return float(SEED[table][pod][years.index(YEAR)])


def profile(pod: str) -> list[float]:
    """The seasonal weights of ``pod`` from profile.csv (flat when it has none), scaled to add up to 1."""
    rows = [row for row in read_csv(FOLDER / "profile.csv") if row["pod"] == pod]
    weights = [float(row["weight"]) for row in sorted(rows, key=lambda row: row["month"])] or [1.0] * 12
    return [weight / sum(weights) for weight in weights]


def activity_by_month() -> dict[str, list[dict[str, float]]]:
    """Each POD's activity by provider, April to March, read from the twelve files."""
    months: dict[str, list[dict[str, float]]] = {pod: [] for pod in PODS}
    for number in range(1, 13):
        path = FOLDER / f"activity-2018-19-M{number:02d}.csv"
        providers: dict[str, dict[str, float]] = {pod: {} for pod in PODS}
        for row in read_csv(path):
            assert row["month"] == f"{YEAR}-M{number:02d}", path
            providers[row["pod"]][row["provider"]] = float(row["activity"])
        for pod in PODS:
            months[pod].append(providers[pod])
    return months


def expected_month(pod: str, number: int, delivered: float) -> float:
    """``(do_nothing − f × deflection) × w``: the seed's do-nothing activity of 2018/19 (Table 9) less the
    share delivered of its deflection (Table 24: avoided growth and activity reductions), by the profile."""
    do_nothing = seed_year("table_9_activity", pod)
    deflection = -(seed_year("table_24_avoided_growth", pod) + seed_year("table_24_reductions", pod))
    return (do_nothing - delivered * deflection) * profile(pod)[number - 1]


def test_each_months_activity_follows_the_seeds_plan_and_the_story() -> None:
    fractions = story().DELIVERY
    activity = activity_by_month()
    for pod in PODS:
        months = [sum(providers.values()) for providers in activity[pod]]
        expected = [expected_month(pod, n, fractions[pod][n - 1]) for n in range(1, 13)]
        for number, (got, want) in enumerate(zip(months, expected, strict=True), start=1):
            assert got == pytest.approx(want, rel=5 * NOISE, abs=2), (pod, number)
        # a year of noise averages out: within 5 standard deviations of the year's sum
        assert sum(months) == pytest.approx(sum(expected), rel=5 * NOISE / 12**0.5), pod


def test_acute_interface_and_outpatients_fall_behind_the_others_stay_on_plan() -> None:
    activity = activity_by_month()
    for pod in PODS:
        planned = [expected_month(pod, n, 1.0) for n in range(1, 13)]
        months = [sum(providers.values()) for providers in activity[pod]]
        shortfall = [got - want for got, want in zip(months, planned, strict=True)]
        if pod in ("ae", "op"):  # activity above plan, and more so in March than in April
            assert shortfall[-1] > shortfall[0] > -2 * NOISE * months[0], pod
        else:
            assert all(abs(gap) <= 5 * NOISE * got for gap, got in zip(shortfall, months, strict=True)), pod


def test_the_providers_share_each_pod_as_the_seed_splits_it() -> None:
    """Table 21: Stockport NHS FT's share of A&E, non-elective and elective activity."""
    for pod, share in SEED["table_21_provider_split"].items():
        for providers in activity_by_month()[pod]:
            total = sum(providers.values())
            assert providers["sft"] / total == pytest.approx(share, abs=1 / total), pod


def test_the_investment_is_spent_on_plan_a_twelfth_a_month() -> None:
    """Table 5's investment of 2018/19 for each business case, a twelfth a month within 5% (1% noise)."""
    planned = {
        scheme: values[0] for scheme, values in SEED["table_5_investment"].items() if scheme != "total"
    }
    assert SEED["table_5_years"][0] == YEAR
    spent: dict[str, list[float]] = {scheme: [] for scheme in planned}
    for row in read_csv(FOLDER / "spend.csv"):
        spent[row["scheme"]].append(float(row["spend"]))
    for scheme, amount in planned.items():
        assert len(spent[scheme]) == 12, scheme
        assert all(month == pytest.approx(amount / 12, rel=0.05) for month in spent[scheme]), scheme
        assert sum(spent[scheme]) == pytest.approx(amount, rel=0.05 / 12**0.5), scheme


def test_the_december_forecast_is_the_actuals_to_date_and_the_rest_at_decembers_delivery() -> None:
    fractions = story().DELIVERY
    activity = activity_by_month()
    rows = read_csv(FOLDER / "forecast.csv")
    assert [(row["month"], row["pod"]) for row in rows] == [(f"{YEAR}-M09", "ae"), (f"{YEAR}-M09", "op")]
    for row in rows:
        pod = row["pod"]
        to_date = sum(sum(providers.values()) for providers in activity[pod][:9])
        rest = sum(expected_month(pod, n, fractions[pod][8]) for n in range(10, 13))
        # to date: the files' figures, rounded per provider; the rest: the seed's rounded tables
        assert float(row["forecast"]) == pytest.approx(to_date + rest, abs=20), pod


@pytest.fixture
def monitored(store: Store, stockport_baseline: PlanBaseline) -> tuple[PlanBaseline, object]:
    approve_stockport(store, stockport_baseline)
    baseline = load_baseline(store, PLAN)[1]
    for path in sorted(FOLDER.glob("*.csv")):
        import_actuals(store, PLAN, read_actuals(path, baseline))
    return baseline, stored_actuals(store, PLAN)


def test_the_fews_turns_amber_then_red_and_the_loss_triggers(monitored: tuple[PlanBaseline, object]) -> None:
    baseline, actuals = monitored
    statuses = {}
    for number in range(1, 13):
        result = monitor(baseline, actuals, Month(2018, number), SETTINGS)  # type: ignore[arg-type]
        statuses[number] = (result.fews.overall, result.fews.triggered, result.fews.forecast.forecast_loss)
    assert [statuses[n][0] for n in range(1, 13)] == ["green"] + ["amber"] * 3 + ["red"] * 8
    assert [n for n in range(1, 13) if statuses[n][1]] == list(range(7, 13))
    assert statuses[9][2] > statuses[8][2] + 500  # December's own forecast: the schemes will not recover


def test_the_two_schemes_behind_are_the_ones_flagged(monitored: tuple[PlanBaseline, object]) -> None:
    baseline, actuals = monitored
    result = monitor(baseline, actuals, Month(2018, 6), SETTINGS)  # type: ignore[arg-type]
    flagged = {(i.set, i.item) for i in result.fews.indicators if i.status in ("amber", "red")}
    assert flagged >= {
        ("activity", "ae"),
        ("activity", "op"),
        ("benefits", "acute_interface"),
        ("benefits", "outpatients"),
        ("mobilisation", "outpatients"),
    }
    on_plan = {"intermediate_care", "neighbourhood", "nel", "el"}
    assert not {item for _, item in flagged} & on_plan
    assert {"ae", "op"} >= {pod for pod, chart in result.spc.items() if chart.special_cause}
