"""The tables of the delivery pack, as plain rows the HTML page, the workbook and the terminal all print
(:mod:`carebridge.report.delivery`).

Each :class:`PackTable` says what each column holds (text, money, activity, a ratio, a RAG status), so every
writer formats it the same way: money in £'000 with savings in brackets, ratios as percentages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pandas as pd

from carebridge.delivery.baseline import records
from carebridge.delivery.benefits import summarise
from carebridge.delivery.fews import SET_TITLES, Action, FewsStatus
from carebridge.delivery.monitor import Monitoring, seasonal_factor
from carebridge.delivery.months import Month
from carebridge.delivery.settlement import SettlementView
from carebridge.delivery.spc import XmrChart

ColumnKind = Literal["text", "money", "activity", "ratio", "status", "count", "variation", "assurance"]
Cell = str | float | int | None


@dataclass(frozen=True)
class PackColumn:
    header: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class PackTable:
    id: str
    title: str
    subtitle: str
    columns: tuple[PackColumn, ...]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    sheet: str = ""
    """Name of its sheet in the workbook (default: the title, shortened)."""

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=[column.header for column in self.columns])


def status_table(monitoring: Monitoring) -> PackTable:
    """The three indicator sets and the whole programme, each with its status."""
    status = monitoring.fews
    rows: list[list[Cell]] = [[SET_TITLES[which], status.set_status(which)] for which in status.sets]
    rows.append(["Programme (the reddest set)", status.overall])
    return PackTable(
        "fews-status",
        f"Financial Early Warning System, {monitoring.month.label} ({monitoring.month.calendar_name})",
        "Status of each indicator set: green, amber or red by the agreed thresholds; none when nothing "
        "is due",
        (PackColumn("Indicator set"), PackColumn("Status", "status")),
        rows,
        sheet="FEWS status",
    )


def indicator_table(monitoring: Monitoring) -> PackTable:
    status = monitoring.fews
    rows: list[list[Cell]] = []
    for indicator in status.indicators:
        rows.append(
            [
                SET_TITLES[indicator.set],
                indicator.label,
                indicator.planned,
                indicator.achieved,
                indicator.ratio,
                indicator.status,
                indicator.note,
            ]
        )
    settings = status.settings
    thresholds = "; ".join(
        f"{which}: amber below {settings.thresholds(which).amber:.0%}, "
        f"red below {settings.thresholds(which).red:.0%}"
        for which in status.sets
    )
    return PackTable(
        "fews-indicators",
        "FEWS indicators, year to date",
        "Planned and achieved: milestones due and done; deflection in the POD's unit; savings in £'000 "
        f"({settings.basis} basis, a saving positive)"
        + (
            "; neighbourhoods: emergency admissions of the enrolled cohort avoided against the comparison "
            "group (below 10 left blank, others rounded to 5)"
            if "neighbourhoods" in status.sets
            else ""
        )
        + f". Thresholds — {thresholds}",
        (
            PackColumn("Set"),
            PackColumn("Indicator"),
            PackColumn("Planned", "activity"),
            PackColumn("Achieved", "activity"),
            PackColumn("Achieved ÷ planned", "ratio"),
            PackColumn("Status", "status"),
            PackColumn("Note"),
        ),
        rows,
        sheet="FEWS indicators",
    )


def forecast_table(monitoring: Monitoring) -> PackTable:
    """The programme's forecast outturn, the loss and the trigger."""
    status: FewsStatus = monitoring.fews
    forecast = status.forecast
    rows: list[list[Cell]] = [
        ["Planned benefit B (full year)", forecast.planned_benefit],
        ["Planned benefit to date", forecast.planned_benefit_ytd],
        ["Realised benefit to date", forecast.realised_benefit_ytd],
        ["Forecast benefit (full year)", forecast.forecast_benefit],
        ["Shortfall against the plan", forecast.shortfall],
        ["Planned investment I (full year)", forecast.planned_investment],
        ["Investment spent to date", forecast.spend_ytd],
        ["Forecast investment (full year)", forecast.forecast_investment],
        ["Forecast programme loss max(I − B, 0)", forecast.forecast_loss],
        ["Agreed loss threshold", status.settings.loss_threshold],
        ["Benefits-maximisation actions (agreed or done)", status.mitigation],
        ["Residual loss", status.residual_loss],
    ]
    verdict = "TRIGGERED: the forecast loss breaches the threshold" if status.triggered else "not triggered"
    return PackTable(
        "forecast",
        f"Forecast outturn {forecast.year} and the trigger",
        f"£'000, {forecast.basis} basis; benefit and investment positive. The loss triggers intervention "
        "when "
        "it is above the agreed threshold (spec sections 9 and 10)",
        (PackColumn("Line"), PackColumn("£'000", "money")),
        rows,
        sheet="Forecast",
        note=f"Intervention: {verdict}.",
    )


def activity_table(monitoring: Monitoring) -> PackTable:
    baseline = monitoring.baseline
    rows: list[list[Cell]] = []
    for row in records(monitoring.position):
        pod = str(row["pod"])
        rows.append(
            [
                baseline.pod_name(pod),
                baseline.pod(pod).unit,
                int(row["months_reported"]),
                row["plan_ytd"],
                row["actual_ytd"],
                row["variance_ytd"],
                row["planned_deflection_ytd"],
                row["actual_deflection_ytd"],
                row["realisation_ytd"],
                row["plan_full_year"],
                row["forecast_full_year"],
                str(row["forecast_method"]),
                row["realisation_forecast"],
            ]
        )
    return PackTable(
        "activity",
        f"Activity against the plan, year to date and forecast ({monitoring.month.year})",
        "Plan: do-something activity spread by the monthly profile; deflection: do-nothing less activity; "
        "forecast: the user's own, or the run rate (actual YTD ÷ plan YTD × full-year plan)",
        (
            PackColumn("POD"),
            PackColumn("Unit"),
            PackColumn("Months", "count"),
            PackColumn("Plan YTD", "activity"),
            PackColumn("Actual YTD", "activity"),
            PackColumn("Variance", "activity"),
            PackColumn("Planned deflection YTD", "activity"),
            PackColumn("Actual deflection YTD", "activity"),
            PackColumn("Deflection achieved", "ratio"),
            PackColumn("Plan full year", "activity"),
            PackColumn("Forecast full year", "activity"),
            PackColumn("Forecast by"),
            PackColumn("Forecast deflection achieved", "ratio"),
        ),
        rows,
        sheet="Activity",
    )


def savings_table(monitoring: Monitoring, by: str, basis: str) -> PackTable:
    """Savings planned, realised to date and forecast, summed by scheme, POD, provider or organisation."""
    baseline = monitoring.baseline
    names = {
        "scheme": ("Scheme", baseline.scheme_name),
        "pod": ("POD", baseline.pod_name),
        "provider": ("Provider", baseline.org_name),
        "owner": ("Organisation (scheme owner)", baseline.org_name),
    }
    header, label = names[by]
    summary = summarise(monitoring.savings, by, basis)
    rows: list[list[Cell]] = [
        [
            label(str(row[by])) if str(row[by]) else "(no owner)",
            row["planned_full_year"],
            row["planned_ytd"],
            row["realised_ytd"],
            row["realisation_ytd"],
            row["forecast_full_year"],
            row["realisation_forecast"],
        ]
        for row in records(summary)
    ]
    chosen = monitoring.savings[monitoring.savings["basis"] == basis]
    totals = [
        float(chosen[c].sum())
        for c in ("planned_full_year", "planned_ytd", "realised_ytd", "forecast_full_year")
    ]
    rows.append(
        [
            "Total",
            totals[0],
            totals[1],
            totals[2],
            totals[2] / totals[1] if totals[1] else None,
            totals[3],
            totals[3] / totals[0] if totals[0] else None,
        ]
    )
    what = {"scheme": "scheme", "pod": "POD", "provider": "provider", "owner": "organisation"}[by]
    return PackTable(
        f"savings-{by}-{basis}",
        f"Savings realised by {what}, {basis} basis ({monitoring.month.year})",
        "£'000, a saving negative. Realised = planned × the POD's deflection achieved; direct savings and "
        "PODs "
        "without actuals count as planned",
        (
            PackColumn(header),
            PackColumn("Planned full year", "money"),
            PackColumn("Planned YTD", "money"),
            PackColumn("Realised YTD", "money"),
            PackColumn("Realised ÷ planned", "ratio"),
            PackColumn("Forecast full year", "money"),
            PackColumn("Forecast ÷ planned", "ratio"),
        ),
        rows,
        sheet=f"Savings by {what} ({basis})",
    )


def monthly_table(monitoring: Monitoring) -> PackTable:
    """The trajectory month by month: plan, do-nothing, actual, SPC centre and limits."""
    baseline = monitoring.baseline
    totals = monitoring.actual_totals
    actual = {
        (str(p), str(m)): float(v)
        for p, m, v in zip(totals["pod"], totals["month"], totals["activity"], strict=True)
    }
    rows: list[list[Cell]] = []
    for row in records(monitoring.trajectory):
        pod, month = str(row["pod"]), str(row["month"])
        chart = monitoring.spc.get(pod)
        point = next((p for p in chart.points if p.label == month), None) if chart else None
        factor = seasonal_factor(monitoring, pod, month)
        lines = (point.centre, point.lower, point.upper) if point else _current_lines(chart)
        rows.append(
            [
                baseline.pod_name(pod),
                Month.parse(month).calendar_name,
                row["do_nothing"],
                row["do_something"],
                actual.get((pod, month)),
                *(line * factor if line is not None else None for line in lines),
                point.reason if point else "",
            ]
        )
    return PackTable(
        "monthly",
        f"Monthly trajectory and actuals, {monitoring.month.year}",
        "Activity in the POD's unit. SPC: XmR centre line and limits (± 2.66 × mean moving range) of the "
        "actuals to date, seasonally adjusted by the profile and shown in the month's terms, and the "
        "special cause of each month (Making Data Count's rules)",
        (
            PackColumn("POD"),
            PackColumn("Month"),
            PackColumn("Do nothing", "activity"),
            PackColumn("Plan", "activity"),
            PackColumn("Actual", "activity"),
            PackColumn("SPC centre", "activity"),
            PackColumn("SPC lower", "activity"),
            PackColumn("SPC upper", "activity"),
            PackColumn("Special cause"),
        ),
        rows,
        sheet="Monthly",
    )


def _current_lines(chart: XmrChart | None) -> tuple[float | None, float | None, float | None]:
    """A month with no actual yet: the lines of the chart's latest period."""
    return (chart.centre, chart.lower, chart.upper) if chart else (None, None, None)


def _day(value: object) -> str:
    """``30 Sep 2017`` for a date; blank for none."""
    return f"{value:%d %b %Y}" if isinstance(value, date) else str(value or "")


def _month_name(label: str) -> str:
    """``Sep 2018`` for ``2018/19-M06``."""
    return Month.parse(label).calendar_name


def actions_table(actions: Sequence[Action]) -> PackTable:
    rows: list[list[Cell]] = [
        [
            _month_name(a.month),
            a.category.replace("_", " "),
            a.scheme or "",
            a.description,
            a.owner,
            a.amount,
            a.status.replace("_", " "),
        ]
        for a in actions
    ]
    return PackTable(
        "actions",
        "Benefits-maximisation actions",
        "Recorded after the FEWS triggered (seed section 6, step 2); £'000 of loss each is expected to "
        "recover",
        (
            PackColumn("Month"),
            PackColumn("Category"),
            PackColumn("Scheme"),
            PackColumn("Action"),
            PackColumn("Owner"),
            PackColumn("£'000", "money"),
            PackColumn("Status"),
        ),
        rows,
        sheet="Actions",
        note="" if rows else "No actions recorded for the year.",
    )


def risks_table(risks: Sequence[object], scheme_name: Callable[[str], str] = str) -> PackTable:
    """The register: each risk's scores before and after mitigation, its schemes by name (``scheme_name``
    of each id) and the day of its next review."""
    rows: list[list[Cell]] = []
    for risk in risks:
        rows.append(
            [
                getattr(risk, "code", ""),
                getattr(risk, "title", ""),
                getattr(risk, "owner", ""),
                ", ".join(scheme_name(str(scheme)) for scheme in getattr(risk, "schemes", ())),
                getattr(risk, "likelihood_before", None),
                getattr(risk, "impact_before", None),
                getattr(risk, "rating_before", None),
                getattr(risk, "likelihood_after", None),
                getattr(risk, "impact_after", None),
                getattr(risk, "rating_after", None),
                _day(getattr(risk, "review_date", None)),
            ]
        )
    return PackTable(
        "risks",
        "Risks",
        "Likelihood and impact 1–5 before and after mitigation; rating = likelihood × impact",
        (
            PackColumn("Risk"),
            PackColumn("Description"),
            PackColumn("Owner"),
            PackColumn("Schemes"),
            PackColumn("L before", "count"),
            PackColumn("I before", "count"),
            PackColumn("Rating before", "count"),
            PackColumn("L after", "count"),
            PackColumn("I after", "count"),
            PackColumn("Rating after", "count"),
            PackColumn("Review"),
        ),
        rows,
        sheet="Risks",
        note="" if rows else "No risks are recorded in the store for this plan.",
    )


def settlement_tables(view: SettlementView) -> list[PackTable]:
    if not view.settlements:
        return [
            PackTable(
                "settlement",
                "Risk and gain share settlement",
                "Spec section 9",
                (PackColumn("Settlement"),),
                [],
                note=view.message,
                sheet="Settlement",
            )
        ]
    tables = []
    for settlement in view.settlements:
        rows: list[list[Cell]] = [[step.text, step.amount] for step in settlement.trace]
        rows += [
            [f"{line.organisation} (party {line.party}, share {line.share:.4g}): net", line.net]
            for line in settlement.lines
        ]
        tables.append(
            PackTable(
                f"settlement-{settlement.basis}",
                f"Risk and gain share settlement, {settlement.basis} {settlement.year}",
                f"£'000; outcome: {settlement.outcome.replace('_', ' ')}"
                + ("; STOP LOSS BREACHED — escalate" if settlement.stop_loss_breached else ""),
                (PackColumn("Step"), PackColumn("£'000", "money")),
                rows,
                sheet=f"Settlement {settlement.basis}",
            )
        )
    return tables
