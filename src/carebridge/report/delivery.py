"""The FEWS report and the delivery pack of a month: the tables of :mod:`carebridge.delivery.pack` drawn as a
page (:mod:`carebridge.report.delivery_page`) and a workbook (:mod:`carebridge.report.delivery_excel`), each
file written beside its target then moved into place, so a failure leaves earlier files as they were."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from carebridge.delivery.efficiency_status import EfficiencyStatus
from carebridge.delivery.fews import SET_TITLES
from carebridge.delivery.monitor import Monitoring
from carebridge.delivery.pack import (
    PackTable,
    actions_table,
    activity_table,
    forecast_table,
    indicator_table,
    monthly_table,
    risks_table,
    savings_table,
    settlement_tables,
    status_table,
)
from carebridge.delivery.pack_efficiency import efficiency_section_tables
from carebridge.delivery.pack_pools import pool_pack_tables
from carebridge.delivery.pack_registers import (
    alerts_table,
    escalations_table,
    heat_map_table,
    overdue_table,
    targets_table,
)
from carebridge.delivery.pack_spc import spc_table
from carebridge.delivery.pools import PoolStatus
from carebridge.delivery.register_status import RegisterView
from carebridge.delivery.settlement import settle_year
from carebridge.report.delivery_charts import all_charts
from carebridge.report.delivery_excel import write_workbook
from carebridge.report.delivery_page import Page, Section, heat_map, register_heat_maps, render_page
from carebridge.report.programme import programme_section
from carebridge.report.spc_icons import charts_table
from carebridge.version import __version__


def file_stem(kind: str, monitoring: Monitoring) -> str:
    """``fews-2018-19-M06``."""
    return f"{kind}-{monitoring.month.year.replace('/', '-')}-M{monitoring.month.number:02d}"


def _atomic(path: Path, write: Callable[[Path], object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    staging = Path(name)
    try:
        write(staging)
        mask = os.umask(0)
        os.umask(mask)
        staging.chmod(0o666 & ~mask)
        staging.replace(path)
    finally:
        staging.unlink(missing_ok=True)
    return path


def _facts(monitoring: Monitoring, plan: str) -> list[tuple[str, str]]:
    return [
        ("Plan", plan),
        ("Scenario", monitoring.baseline.scenario_name),
        ("Month", f"{monitoring.month.label} ({monitoring.month.calendar_name})"),
        ("Basis", f"{monitoring.fews.settings.basis} savings"),
        ("CareBridge", __version__),
        ("Generated", datetime.now(UTC).isoformat(timespec="seconds")),
    ]


def _banner(monitoring: Monitoring) -> tuple[str, str]:
    status = monitoring.fews
    sets = ", ".join(f"{SET_TITLES[which].lower()} {status.set_status(which)}" for which in status.sets)
    trigger = (
        f"the forecast loss of £{status.forecast.forecast_loss:,.0f}k breaches the threshold of "
        f"£{status.settings.loss_threshold:,.0f}k: intervention triggered"
        if status.triggered
        else f"forecast loss £{status.forecast.forecast_loss:,.0f}k: no trigger"
    )
    return status.overall, f"{sets}; {trigger}."


def _spc_summary(monitoring: Monitoring) -> str:
    """Each POD's chart as Making Data Count shows it (:func:`carebridge.report.spc_icons.charts_table`)."""
    if not monitoring.spc:
        return "<p class=note>Too few months of actuals for SPC (at least 4).</p>"
    charts = sorted(
        ((monitoring.baseline.pod_name(pod), chart) for pod, chart in monitoring.spc.items()),
        key=lambda item: item[0],
    )
    return charts_table(
        "spc-icons", "Variation and assurance of each POD's monthly activity", SPC_NOTE, "POD", charts
    )


def _targets_spc(registers: RegisterView) -> str:
    """Each target's chart with MDC's icons, for targets with 4 months of actuals or more."""
    charts = [(status.target.name, status.spc) for status in registers.statuses if status.spc is not None]
    if not charts:
        return ""
    return charts_table(
        "targets-spc",
        "Variation and assurance of each target (Making Data Count)",
        "XmR chart of each target's monthly actuals up to the month, as NHSRplotthedots draws it; "
        "improvement in the target's direction; assurance compares the target value with the process limits.",
        "Target",
        charts,
    )


SPC_NOTE = (
    "Making Data Count, as NHSRplotthedots implements it, on activity seasonally adjusted to a flat month: "
    "limits at the mean ± 2.66 × mean moving range; special cause for a point outside them, 7 points in a "
    "row on one side of the mean, 7 points each higher (or lower) than the one before, or 2 of 3 points near "
    "a limit on one side. Improvement or concern by the plan's direction for the POD; assurance compares the "
    "plan's activity of a flat month with the limits."
)


def write_fews(monitoring: Monitoring, plan: str, folder: Path) -> list[Path]:
    """The FEWS report of a month: ``fews-…html`` (status, indicators, forecast, actions, SPC) and
    ``fews-…csv`` (the indicators, one row each)."""
    stem = file_stem("fews", monitoring)
    sections = [
        Section("status", "Status", [status_table(monitoring), indicator_table(monitoring)]),
        Section(
            "forecast",
            "Forecast outturn and trigger",
            [forecast_table(monitoring), actions_table(monitoring.fews.actions)],
        ),
        Section("spc", "Statistical process control", html=_spc_summary(monitoring)),
    ]
    page = Page(
        f"FEWS {monitoring.month.calendar_name} ({monitoring.month.label}): {plan}",
        "The Financial Early Warning System: mobilisation, activity deflection and benefits realisation, "
        "year to date, against the approved plan.",
        _facts(monitoring, plan),
        sections,
        _banner(monitoring),
    )
    html = _atomic(folder / f"{stem}.html", lambda p: p.write_text(render_page(page), encoding="utf-8"))
    indicators = indicator_table(monitoring).frame()
    csv = _atomic(folder / f"{stem}.csv", lambda p: indicators.to_csv(p, index=False, float_format="%.4f"))
    return [html, csv]


def delivery_tables(
    monitoring: Monitoring,
    risks: Sequence[object],
    parties: Mapping[str, tuple[float, float]],
    registers: RegisterView | None = None,
    pools: Sequence[PoolStatus] = (),
) -> dict[str, list[PackTable]]:
    basis = monitoring.fews.settings.basis
    other = "cost" if basis == "tariff" else "tariff"
    view = settle_year(monitoring.fews, parties)
    return {
        "status": [status_table(monitoring), indicator_table(monitoring)],
        "forecast": [forecast_table(monitoring), actions_table(monitoring.fews.actions)],
        "activity": [activity_table(monitoring), monthly_table(monitoring)],
        "spc": [spc_table(monitoring)],
        "savings": [
            savings_table(monitoring, "scheme", basis),
            savings_table(monitoring, "pod", basis),
            savings_table(monitoring, "provider", basis),
            savings_table(monitoring, "owner", basis),
            savings_table(monitoring, "scheme", other),
        ],
        "targets": _target_tables(registers),
        "risks": [risks_table(risks, monitoring.baseline.scheme_name), *_risk_tables(registers)],
        "settlement": settlement_tables(view),
        "pools": [table for status in pools for table in pool_pack_tables(status)],
    }


def _target_tables(registers: RegisterView | None) -> list[PackTable]:
    if registers is None:
        return []
    return [targets_table(registers), alerts_table(registers), escalations_table(registers)]


def _risk_tables(registers: RegisterView | None) -> list[PackTable]:
    """The heat maps as tables (for the workbook) and the overdue reviews."""
    if registers is None:
        return []
    return [heat_map_table(registers, "before"), heat_map_table(registers, "after"), overdue_table(registers)]


def _risk_section(
    tables: Sequence[PackTable], risks: Sequence[object], registers: RegisterView | None
) -> Section:
    """The risks: heat maps before and after mitigation, the register, the overdue reviews."""
    if registers is not None:
        shown = [table for table in tables if not table.id.startswith("heat-map")]
        return Section("risks", "Risks", shown, html=register_heat_maps(registers) if registers.risks else "")
    ratings = [
        (
            str(getattr(r, "code", "")),
            int(getattr(r, "likelihood_after", 0)),
            int(getattr(r, "impact_after", 0)),
        )
        for r in risks
    ]
    return Section("risks", "Risks", tables, html=heat_map(ratings) if risks else "")


def write_delivery_pack(
    monitoring: Monitoring,
    plan: str,
    risks: Sequence[object],
    parties: Mapping[str, tuple[float, float]],
    folder: Path,
    registers: RegisterView | None = None,
    *,
    programme: Sequence[PackTable] = (),
    pools: Sequence[PoolStatus] = (),
    outcomes: Sequence[PackTable] = (),
    efficiency: Sequence[EfficiencyStatus] = (),
) -> list[Path]:
    """The programme board's pack for a month: ``delivery-…html`` and ``delivery-…xlsx``; with
    ``registers``, the targets (status, alerts, escalations) and the risks' heat maps and overdue reviews;
    with ``pools``, a section of the pooled budgets with a budget in the month's year; with ``programme``,
    the programme oversight report as the last page and its sheets at the end; with ``outcomes``, the
    outcomes register's progress and gaps before it; with ``efficiency``, each efficiency programme of the
    month's year (:mod:`carebridge.delivery.pack_efficiency`) before the programme oversight."""
    stem = file_stem("delivery", monitoring)
    tables = delivery_tables(monitoring, risks, parties, registers, pools)
    charts = all_charts(monitoring)
    efficiency_tables = efficiency_section_tables(efficiency)
    target_sections = (
        [Section("targets", "Targets and trajectories", tables["targets"], html=_targets_spc(registers))]
        if registers is not None
        else []
    )
    sections = [
        Section("status", "FEWS status", tables["status"]),
        Section("forecast", "Forecast outturn, trigger and actions", tables["forecast"]),
        Section("trajectories", "Trajectories against actuals", tables["activity"], charts[1:]),
        Section("savings", "Savings realised", tables["savings"], charts[:1]),
        Section("spc", "Statistical process control", html=_spc_summary(monitoring)),
        *target_sections,
        _risk_section(tables["risks"], risks, registers),
        Section("settlement", "Risk and gain share settlement", tables["settlement"]),
        *([Section("pools", "Pooled budgets", tables["pools"])] if pools else []),
        *([Section("outcomes", "Outcomes and inequalities", list(outcomes))] if outcomes else []),
        *([Section("efficiency", "Efficiency programmes", efficiency_tables)] if efficiency_tables else []),
        *([programme_section(programme)] if programme else []),
    ]
    page = Page(
        f"Delivery report {monitoring.month.calendar_name} ({monitoring.month.label}): {plan}",
        "For the programme board: the early warning status, trajectories against actuals, savings realised, "
        "targets, risks and the risk and gain share settlement of the forecast.",
        _facts(monitoring, plan),
        sections,
        _banner(monitoring),
    )
    html = _atomic(folder / f"{stem}.html", lambda p: p.write_text(render_page(page), encoding="utf-8"))
    every = [table for group in tables.values() for table in group] + list(outcomes) + efficiency_tables
    every += list(programme)
    workbook = _atomic(folder / f"{stem}.xlsx", lambda p: write_workbook(p, _facts(monitoring, plan), every))
    return [html, workbook]
