"""Benefits realisation: actual activity against the approved plan, and the savings it realises.

All functions are pure: plain tables in, tables out. For the financial year of the month ``M`` monitored
(model spec section 10):

**Activity.** Year to date counts the months up to ``M`` that have actuals. For a POD,

    planned deflection (YTD) = Σ_m (do-nothing − do-something plan)[m]
    actual deflection  (YTD) = Σ_m do-nothing[m] − Σ_m actual[m]
    realisation        (YTD) = actual deflection / planned deflection

A POD's actual for a month is its total row, or the sum of its provider rows when it has no total.

**Forecast outturn.** The user's own full-year forecast of a POD (the latest made in the year up to ``M``),
otherwise the run rate ``actual YTD / plan YTD × full-year plan``; the forecast realisation is
``(full-year do-nothing − forecast) / full-year planned deflection``.

**Savings realised (the rule).** Actuals are counted by POD (and provider), not by scheme, so a POD's
realisation is applied to every scheme acting on it:

    realised saving[k, p, o] = planned saving[k, p, o] × realisation[p, o]

on the tariff and the cost basis alike, year to date (the planned saving to date being the full-year saving
times the share of the POD's profile elapsed) and for the forecast. Why: tariff savings are activity times
price, so scaling them by the activity actually deflected is exact for the tariff basis whatever the price;
schemes sharing a POD are credited in proportion to their planned deflection, the attribution the overlap
rule (spec section 4) already uses; and the cost basis scales the same way because cost released in the
year is proportional to the activity removed. The realisation may exceed 1 (over-delivery) or fall below 0
(activity above the do-nothing level: a loss); neither is capped. Direct savings (no activity to measure)
count as planned, and say so in the ``evidence`` column; so does a POD with no actuals yet.

Signs as in every CareBridge table: savings negative. ``B`` (benefit) in :class:`ProgrammeForecast` is
positive, as the risk share reads it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from carebridge.delivery.actuals import ALL_PROVIDERS
from carebridge.delivery.baseline import PlanBaseline, records
from carebridge.delivery.months import MONTHS_IN_YEAR, Month
from carebridge.delivery.trajectory import FLAT, Profile, elapsed_share

TINY = 1e-9
POSITION_COLUMNS = (
    "pod",
    "months_reported",
    "do_nothing_ytd",
    "plan_ytd",
    "actual_ytd",
    "variance_ytd",
    "planned_deflection_ytd",
    "actual_deflection_ytd",
    "realisation_ytd",
    "do_nothing_full_year",
    "plan_full_year",
    "forecast_full_year",
    "forecast_method",
    "planned_deflection_full_year",
    "forecast_deflection_full_year",
    "realisation_forecast",
)
SAVINGS_COLUMNS = (
    "scheme",
    "owner",
    "pod",
    "provider",
    "source",
    "basis",
    "planned_full_year",
    "planned_ytd",
    "realised_ytd",
    "forecast_full_year",
    "evidence",
)
EVIDENCE_ACTUALS = "actual activity"
EVIDENCE_PROVIDER = "actual activity of the provider"
EVIDENCE_DIRECT = "direct saving: no activity to measure, counted as planned"
EVIDENCE_NONE = "no actuals yet: counted as planned"
EVIDENCE_NOTHING_PLANNED = "no deflection planned"


def pod_totals(actual_activity: pd.DataFrame) -> pd.DataFrame:
    """(pod, month, activity): each POD's total row, or the sum of its provider rows when it has none."""
    if actual_activity.empty:
        return pd.DataFrame({"pod": [], "month": [], "activity": []})
    is_total = actual_activity["provider"] == ALL_PROVIDERS
    totals = actual_activity.loc[is_total, ["pod", "month", "activity"]]
    split = (
        actual_activity.loc[~is_total]
        .groupby(["pod", "month"], as_index=False)
        .agg(activity=("activity", "sum"))
    )
    covered = set(zip(totals["pod"], totals["month"], strict=True))
    keep = [key not in covered for key in zip(split["pod"], split["month"], strict=True)]
    return pd.concat([totals, split.loc[keep]], ignore_index=True)


def _months_to_date(as_at: Month) -> list[str]:
    return [Month(as_at.start_year, n).label for n in range(1, as_at.number + 1)]


def _position(
    plan: pd.DataFrame, actual: Mapping[str, float], as_at: Month, forecast: float | None
) -> dict[str, Any]:
    """The YTD and full-year comparison of one series: ``plan`` has a row per month of the year (month,
    do_nothing, do_something, planned_deflection); ``actual`` maps months to activity."""
    reported = [m for m in _months_to_date(as_at) if m in actual]
    to_date = plan[plan["month"].isin(reported)]
    do_nothing_ytd = float(to_date["do_nothing"].sum())
    plan_ytd = float(to_date["do_something"].sum())
    planned_deflection_ytd = float(to_date["planned_deflection"].sum())
    actual_ytd = math.fsum(actual[m] for m in reported)
    actual_deflection_ytd = do_nothing_ytd - actual_ytd
    do_nothing_fy = float(plan["do_nothing"].sum())
    plan_fy = float(plan["do_something"].sum())
    planned_deflection_fy = float(plan["planned_deflection"].sum())
    if forecast is not None:
        forecast_fy, method = forecast, "user forecast"
    elif reported and plan_ytd > TINY:
        forecast_fy, method = actual_ytd / plan_ytd * plan_fy, "run rate"
    else:
        forecast_fy, method = plan_fy, "plan (no actuals)"
    forecast_deflection = do_nothing_fy - forecast_fy
    return {
        "months_reported": len(reported),
        "do_nothing_ytd": do_nothing_ytd,
        "plan_ytd": plan_ytd,
        "actual_ytd": actual_ytd if reported else math.nan,
        "variance_ytd": actual_ytd - plan_ytd if reported else math.nan,
        "planned_deflection_ytd": planned_deflection_ytd,
        "actual_deflection_ytd": actual_deflection_ytd if reported else math.nan,
        "realisation_ytd": _ratio(actual_deflection_ytd, planned_deflection_ytd) if reported else math.nan,
        "do_nothing_full_year": do_nothing_fy,
        "plan_full_year": plan_fy,
        "forecast_full_year": forecast_fy,
        "forecast_method": method,
        "planned_deflection_full_year": planned_deflection_fy,
        "forecast_deflection_full_year": forecast_deflection,
        "realisation_forecast": _ratio(forecast_deflection, planned_deflection_fy)
        if reported or forecast is not None
        else math.nan,
    }


def _ratio(achieved: float, planned: float) -> float:
    return achieved / planned if abs(planned) > TINY else math.nan


def latest_forecasts(forecasts: pd.DataFrame, as_at: Month) -> dict[str, float]:
    """Each POD's latest full-year forecast made in the year of ``as_at``, up to ``as_at``."""
    if forecasts.empty:
        return {}
    made = forecasts[forecasts["month"].isin(_months_to_date(as_at))].sort_values("month")
    return {str(pod): float(rows["forecast"].iloc[-1]) for pod, rows in made.groupby("pod")}


def activity_position(
    trajectory: pd.DataFrame,
    actual_activity: pd.DataFrame,
    as_at: Month,
    forecasts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per POD: year to date and forecast full year against the plan (columns
    :data:`POSITION_COLUMNS`). ``trajectory`` is :func:`~carebridge.delivery.trajectory.monthly_trajectory`
    of the year of ``as_at``; ``actual_activity`` has month, pod, provider, activity."""
    totals = pod_totals(actual_activity)
    user = latest_forecasts(forecasts if forecasts is not None else pd.DataFrame(), as_at)
    rows = []
    for pod, plan in trajectory.groupby("pod", sort=False):
        mine = totals[totals["pod"] == pod]
        actual = dict(zip(mine["month"], mine["activity"].astype(float), strict=True))
        rows.append({"pod": pod, **_position(plan, actual, as_at, user.get(str(pod)))})
    return pd.DataFrame(rows, columns=list(POSITION_COLUMNS))


def realisation_by_provider(
    baseline: PlanBaseline,
    trajectory: pd.DataFrame,
    actual_activity: pd.DataFrame,
    position: pd.DataFrame,
    as_at: Month,
) -> pd.DataFrame:
    """(pod, provider, realisation_ytd, realisation_forecast, evidence) for each provider of each POD.

    A POD reported by provider in every month it reported (no total rows) gets a realisation per provider,
    its plan being the POD's plan times the provider's share; otherwise each provider takes the POD's.
    A user forecast, made for the POD, sets the forecast realisation of each of its providers.
    """
    rows = []
    months = set(_months_to_date(as_at))
    for _, pod_row in position.iterrows():
        pod = str(pod_row["pod"])
        reported = actual_activity[(actual_activity["pod"] == pod) & actual_activity["month"].isin(months)]
        by_provider = not reported.empty and bool((reported["provider"] != ALL_PROVIDERS).all())
        plan = trajectory[trajectory["pod"] == pod]
        for provider, share in baseline.pod(pod).providers.items():
            evidence = EVIDENCE_ACTUALS if pod_row["months_reported"] else EVIDENCE_NONE
            ytd, forecast = float(pod_row["realisation_ytd"]), float(pod_row["realisation_forecast"])
            if by_provider:
                mine = reported[reported["provider"] == provider]
                actual = dict(zip(mine["month"], mine["activity"].astype(float), strict=True))
                scaled = plan.assign(
                    do_nothing=plan["do_nothing"] * share,
                    do_something=plan["do_something"] * share,
                    planned_deflection=plan["planned_deflection"] * share,
                )
                own = _position(scaled, actual, as_at, None)
                ytd = float(own["realisation_ytd"])
                if pod_row["forecast_method"] != "user forecast":
                    forecast = float(own["realisation_forecast"])
                evidence = EVIDENCE_PROVIDER if own["months_reported"] else EVIDENCE_NONE
            if abs(float(pod_row["planned_deflection_full_year"])) <= TINY:
                evidence = EVIDENCE_NOTHING_PLANNED
            rows.append((pod, provider, ytd, forecast, evidence))
    columns = ["pod", "provider", "realisation_ytd", "realisation_forecast", "evidence"]
    return pd.DataFrame(rows, columns=columns)


def realised_savings(
    baseline: PlanBaseline,
    as_at: Month,
    realisation: pd.DataFrame,
    profiles: Mapping[str, Profile] | None = None,
) -> pd.DataFrame:
    """The plan's savings of the year, each with what has been realised to date and the forecast
    (columns :data:`SAVINGS_COLUMNS`; negative is a saving) by the rule in this module's docstring."""
    year = as_at.year
    chosen = profiles or {}
    owners = {scheme.id: scheme.owner or "" for scheme in baseline.schemes}
    activity_pods = set(baseline.activity_pods)
    ratios = {
        (str(row["pod"]), str(row["provider"])): (
            row["realisation_ytd"],
            row["realisation_forecast"],
            row["evidence"],
        )
        for row in records(realisation)
    }
    plan = baseline.savings[baseline.savings["year"] == year]
    rows = []
    for row in records(plan):
        pod, provider = str(row["pod"]), str(row["provider"])
        planned = float(row["value"])
        if pod in activity_pods:
            share = elapsed_share(chosen.get(pod, FLAT), as_at)
            ytd, forecast, evidence = ratios.get((pod, provider), (math.nan, math.nan, EVIDENCE_NONE))
        else:
            share = as_at.number / MONTHS_IN_YEAR
            ytd, forecast, evidence = 1.0, 1.0, EVIDENCE_DIRECT
        ytd_ratio = 1.0 if _missing(ytd) else float(ytd)
        forecast_ratio = 1.0 if _missing(forecast) else float(forecast)
        if evidence == EVIDENCE_NOTHING_PLANNED:
            ytd_ratio = forecast_ratio = 1.0
        elif _missing(ytd) and evidence != EVIDENCE_DIRECT:
            evidence = EVIDENCE_NONE
        planned_ytd = planned * share
        rows.append(
            (
                str(row["scheme"]),
                owners.get(str(row["scheme"]), ""),
                pod,
                provider,
                str(row["source"]),
                str(row["basis"]),
                planned,
                planned_ytd,
                planned_ytd * ytd_ratio,
                planned * forecast_ratio,
                evidence,
            )
        )
    return pd.DataFrame(rows, columns=list(SAVINGS_COLUMNS))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def summarise(savings: pd.DataFrame, by: str, basis: str) -> pd.DataFrame:
    """Savings of one basis summed by ``by`` (scheme, owner, pod or provider), with the realisation to date
    and forecast as ratios of the plan."""
    chosen = savings[savings["basis"] == basis]
    numbers = ["planned_full_year", "planned_ytd", "realised_ytd", "forecast_full_year"]
    out = chosen.groupby(by, sort=False, as_index=False)[numbers].sum()
    out["realisation_ytd"] = _safe_divide(out["realised_ytd"], out["planned_ytd"])
    out["realisation_forecast"] = _safe_divide(out["forecast_full_year"], out["planned_full_year"])
    return out


def _safe_divide(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    values = np.where(
        denominator.abs() > TINY, numerator / denominator.where(denominator.abs() > TINY, 1), np.nan
    )
    return pd.Series(values, index=numerator.index, dtype=float)


@dataclass(frozen=True)
class ProgrammeForecast:
    """The programme's year: benefit ``B`` and investment ``I`` (£'000, positive), planned and forecast.

    The forecast investment is the spend reported to date plus the plan for the months after the last month
    reported (investment is committed, so it does not scale with the run rate of activity); with no spend
    reported it is the plan.
    """

    year: str
    basis: str
    planned_benefit: float
    planned_benefit_ytd: float
    realised_benefit_ytd: float
    forecast_benefit: float
    planned_investment: float
    spend_ytd: float | None
    forecast_investment: float

    @property
    def forecast_loss(self) -> float:
        """Spec section 9: the loss ``max(I − B, 0)`` on the forecast."""
        return max(self.forecast_investment - self.forecast_benefit, 0.0)

    @property
    def shortfall(self) -> float:
        """Forecast benefit below the plan's (positive when short)."""
        return self.planned_benefit - self.forecast_benefit


def programme_forecast(
    baseline: PlanBaseline, savings: pd.DataFrame, spend: pd.DataFrame, as_at: Month, basis: str
) -> ProgrammeForecast:
    """Benefit and investment of the programme (every scheme) for the year of ``as_at``."""
    year = as_at.year
    chosen = savings[savings["basis"] == basis]
    investment = baseline.investment[baseline.investment["year"] == year]
    planned_investment = float((investment["recurrent"] + investment["non_recurrent"]).sum())
    months = _months_to_date(as_at)
    reported = spend[spend["month"].isin(months)] if not spend.empty else spend
    if reported.empty:
        spend_ytd, forecast_investment = None, planned_investment
    else:
        spend_ytd = float(reported["spend"].sum())
        last = max(Month.parse(m).number for m in reported["month"])
        forecast_investment = spend_ytd + planned_investment * (MONTHS_IN_YEAR - last) / MONTHS_IN_YEAR
    return ProgrammeForecast(
        year=year,
        basis=basis,
        planned_benefit=-float(chosen["planned_full_year"].sum()),
        planned_benefit_ytd=-float(chosen["planned_ytd"].sum()),
        realised_benefit_ytd=-float(chosen["realised_ytd"].sum()),
        forecast_benefit=-float(chosen["forecast_full_year"].sum()),
        planned_investment=planned_investment,
        spend_ytd=spend_ytd,
        forecast_investment=forecast_investment,
    )
