"""Benefits realisation: the monthly trajectory, year to date, the forecast and the savings realised."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.benefits import (
    EVIDENCE_DIRECT,
    activity_position,
    pod_totals,
    programme_forecast,
    realisation_by_provider,
    realised_savings,
    summarise,
)
from carebridge.delivery.months import Month
from carebridge.delivery.trajectory import ProfileError, monthly_trajectory, profiles_from_table
from tests.delivery.conftest import YEAR, actuals_at

SEPTEMBER = Month(2018, 6)


def annual(baseline: PlanBaseline, pod: str, column: str) -> float:
    frame = baseline.activity
    return float(frame.loc[(frame["year"] == YEAR) & (frame["pod"] == pod), column].iloc[0])


def test_the_months_add_up_to_the_year_flat_or_seasonal(stockport_baseline: PlanBaseline) -> None:
    weights = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 1.2, 1.3, 1.4, 1.1, 1.2]
    table = pd.DataFrame({"pod": ["nel"] * 12, "period": range(1, 13), "weight": weights})
    profiles = profiles_from_table(table, stockport_baseline.activity_pods)
    for chosen in (None, profiles):
        trajectory = monthly_trajectory(stockport_baseline, YEAR, chosen)
        for pod in stockport_baseline.activity_pods:
            months = trajectory[trajectory["pod"] == pod]
            assert len(months) == 12
            assert months["do_something"].sum() == pytest.approx(
                annual(stockport_baseline, pod, "do_something")
            )
    nel = monthly_trajectory(stockport_baseline, YEAR, profiles).query("pod == 'nel'")
    assert nel["do_something"].iloc[9] / nel["do_something"].iloc[0] == pytest.approx(1.4)


def test_a_profile_must_have_every_month_and_weight(stockport_baseline: PlanBaseline) -> None:
    short = pd.DataFrame({"pod": ["ae"] * 11, "period": range(1, 12), "weight": [1.0] * 11})
    with pytest.raises(ProfileError, match="the profile of POD ae has no weight for M12"):
        profiles_from_table(short, stockport_baseline.activity_pods)
    zero = pd.DataFrame({"pod": ["ae"] * 12, "period": range(1, 13), "weight": [0.0] * 12})
    with pytest.raises(ProfileError, match="weights adding up to 0"):
        profiles_from_table(zero, stockport_baseline.activity_pods)


def test_on_plan_realises_every_deflection_and_forecasts_the_plan(stockport_baseline: PlanBaseline) -> None:
    trajectory = monthly_trajectory(stockport_baseline, YEAR)
    position = activity_position(trajectory, actuals_at(stockport_baseline, {}, 6), SEPTEMBER).set_index(
        "pod"
    )
    assert list(position["months_reported"]) == [6, 6, 6, 6]
    assert position["realisation_ytd"].tolist() == pytest.approx([1.0] * 4)
    assert position.at["ae", "plan_ytd"] == pytest.approx(
        annual(stockport_baseline, "ae", "do_something") / 2
    )
    assert position.at["ae", "forecast_full_year"] == pytest.approx(
        annual(stockport_baseline, "ae", "do_something")
    )
    assert set(position["forecast_method"]) == {"run rate"}


def test_the_run_rate_is_actual_over_plan_to_date_times_the_full_year_plan(
    stockport_baseline: PlanBaseline,
) -> None:
    trajectory = monthly_trajectory(stockport_baseline, YEAR)
    actual = actuals_at(stockport_baseline, {"ae": 0.5}, 3)
    position = activity_position(trajectory, actual, Month(2018, 3)).set_index("pod")
    plan_ytd = annual(stockport_baseline, "ae", "do_something") / 4
    actual_ytd = float(actual.loc[actual["pod"] == "ae", "activity"].sum())
    expected = actual_ytd / plan_ytd * annual(stockport_baseline, "ae", "do_something")
    assert position.at["ae", "forecast_full_year"] == pytest.approx(expected)
    assert position.at["ae", "realisation_ytd"] == pytest.approx(0.5)
    deflection = annual(stockport_baseline, "ae", "do_nothing") - expected
    planned = annual(stockport_baseline, "ae", "do_nothing") - annual(
        stockport_baseline, "ae", "do_something"
    )
    assert position.at["ae", "realisation_forecast"] == pytest.approx(deflection / planned)


def test_the_users_latest_forecast_replaces_the_run_rate(stockport_baseline: PlanBaseline) -> None:
    trajectory = monthly_trajectory(stockport_baseline, YEAR)
    forecasts = pd.DataFrame(
        {
            "month": ["2018/19-M04", "2018/19-M05", "2018/19-M09"],
            "pod": ["op"] * 3,
            "forecast": [1.0, 2.0, 3.0],
        }
    )
    position = activity_position(trajectory, actuals_at(stockport_baseline, {}, 6), SEPTEMBER, forecasts)
    op = position.set_index("pod").loc["op"]
    assert (op["forecast_full_year"], op["forecast_method"]) == (2.0, "user forecast")


def test_a_total_row_wins_over_provider_rows() -> None:
    actual = pd.DataFrame(
        {
            "month": ["2018/19-M01"] * 3 + ["2018/19-M02"] * 2,
            "pod": ["ae"] * 5,
            "provider": ["all", "sft", "other", "sft", "other"],
            "activity": [100.0, 70.0, 20.0, 60.0, 30.0],
        }
    )
    totals = pod_totals(actual).sort_values("month")
    assert totals["activity"].tolist() == [100.0, 90.0]


def test_realised_savings_are_planned_savings_times_the_deflection_achieved(
    stockport_baseline: PlanBaseline,
) -> None:
    trajectory = monthly_trajectory(stockport_baseline, YEAR)
    actual = actuals_at(stockport_baseline, {"ae": 0.5, "op": 0.25}, 6)
    position = activity_position(trajectory, actual, SEPTEMBER)
    ratios = realisation_by_provider(stockport_baseline, trajectory, actual, position, SEPTEMBER)
    savings = realised_savings(stockport_baseline, SEPTEMBER, ratios)
    for basis in ("tariff", "cost"):
        chosen = savings[savings["basis"] == basis]
        ae = chosen[chosen["pod"] == "ae"]
        assert ae["planned_ytd"].sum() == pytest.approx(ae["planned_full_year"].sum() / 2)
        assert ae["realised_ytd"].sum() == pytest.approx(0.5 * ae["planned_ytd"].sum())
        assert ae["forecast_full_year"].sum() == pytest.approx(0.5 * ae["planned_full_year"].sum())
        op = chosen[chosen["pod"] == "op"]
        assert op["realised_ytd"].sum() == pytest.approx(0.25 * op["planned_ytd"].sum())
        direct = chosen[chosen["evidence"] == EVIDENCE_DIRECT]
        assert set(direct["pod"]) == {"prescribing", "res_nursing"}
        assert (direct["realised_ytd"] == direct["planned_ytd"]).all()
    by_scheme = summarise(savings, "scheme", "tariff").set_index("scheme")
    assert by_scheme.at["neighbourhood", "realisation_ytd"] == pytest.approx(1.0)
    assert by_scheme.at["intermediate_care", "realisation_forecast"] == pytest.approx(1.0)


def test_providers_reported_apart_realise_apart(stockport_baseline: PlanBaseline) -> None:
    trajectory = monthly_trajectory(stockport_baseline, YEAR)
    totals = actuals_at(stockport_baseline, {}, 2)
    rows = []
    share = stockport_baseline.pod("ae").providers
    plan = trajectory[trajectory["pod"] == "ae"]
    for record in plan.to_dict(orient="records")[:2]:
        rows.append((record["month"], "ae", "sft", share["sft"] * record["do_something"]))
        rows.append((record["month"], "ae", "other", share["other"] * record["do_nothing"]))
    actual = pd.concat([totals[totals["pod"] != "ae"], pd.DataFrame(rows, columns=list(totals.columns))])
    position = activity_position(trajectory, actual, Month(2018, 2))
    ratios = realisation_by_provider(stockport_baseline, trajectory, actual, position, Month(2018, 2))
    ae = ratios[ratios["pod"] == "ae"].set_index("provider")
    assert ae.at["sft", "realisation_ytd"] == pytest.approx(1.0)
    assert ae.at["other", "realisation_ytd"] == pytest.approx(0.0)
    assert position.set_index("pod").at["ae", "realisation_ytd"] == pytest.approx(share["sft"])


def test_the_programme_forecast_counts_spend_to_date_and_the_plan_after(
    stockport_baseline: PlanBaseline,
) -> None:
    trajectory = monthly_trajectory(stockport_baseline, YEAR)
    actual = actuals_at(stockport_baseline, {}, 6)
    position = activity_position(trajectory, actual, SEPTEMBER)
    ratios = realisation_by_provider(stockport_baseline, trajectory, actual, position, SEPTEMBER)
    savings = realised_savings(stockport_baseline, SEPTEMBER, ratios)
    spend = pd.DataFrame(
        {"month": ["2018/19-M01", "2018/19-M03"], "scheme": ["outpatients"] * 2, "spend": [100.0, 50.0]}
    )
    forecast = programme_forecast(stockport_baseline, savings, spend, SEPTEMBER, "tariff")
    assert forecast.planned_benefit == pytest.approx(26150, abs=1)  # Stockport Table 5 total, 2018/19
    assert forecast.planned_investment == pytest.approx(19343, abs=1)  # Table 5 investment
    assert forecast.forecast_investment == pytest.approx(150 + 19343 * 9 / 12, abs=1)
    assert forecast.forecast_loss == 0 and math.isclose(forecast.shortfall, 0, abs_tol=1e-6)
