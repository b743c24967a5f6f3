"""The efficiency report of a month: ``efficiency-YYYY-YY-Mnn.html`` (the page, in the delivery pack's
style) and ``.xlsx`` (a sheet a table), from the plain tables of
:mod:`carebridge.delivery.efficiency_pack`."""

from __future__ import annotations

from pathlib import Path

from carebridge.delivery.efficiency_pack import efficiency_tables
from carebridge.delivery.efficiency_status import EfficiencyStatus
from carebridge.report.delivery_excel import write_workbook
from carebridge.report.delivery_page import Page, Section, render_page


def write_efficiency_report(status: EfficiencyStatus, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"efficiency-{status.as_at.label.replace('/', '-')}"
    tables = efficiency_tables(status)
    fews, position, delivery, stages, risks, returns = tables
    programme = status.programme
    facts = [
        ("Programme", programme.name),
        ("Month", f"{status.as_at.label} ({status.as_at.calendar_name})"),
        ("Organisations", ", ".join(o.name for o in programme.organisations)),
        ("Source", programme.source or "—"),
        *([("Do-something", status.basis.removeprefix("Do-something: "))] if status.basis else []),
    ]
    page = Page(
        f"Efficiency programmes, {status.as_at.calendar_name}: {programme.name}",
        "Each organisation's CIP and QIPP programme against its phased plan, its income and expenditure, and "
        "the system as the sum of the partners (open book).",
        facts,
        [
            Section("fews", "FEWS efficiency set", [fews]),
            Section("position", "Income and expenditure", [position]),
            Section("efficiency", "Efficiency", [delivery, stages]),
            Section("risks", "Risks and returns", [risks, returns]),
        ],
        (status.status, f"FEWS efficiency set {status.status}"),
    )
    html = folder / f"{stem}.html"
    html.write_text(render_page(page), encoding="utf-8")
    workbook = write_workbook(folder / f"{stem}.xlsx", facts, tables)
    return [html, workbook]
