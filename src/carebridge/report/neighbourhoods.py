"""The neighbourhoods' tables in the terminal (Rich), every count of patients or activity under disclosure
control (suppressed below 10, shown ``*``; others rounded to 5) and every rate or share suppressed with the
counts it comes from. Capacity (WTE × caseload) is a plan, not a count of patients, and is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from carebridge.delivery.fews import Indicator
from carebridge.strat.disclosure import SUPPRESSED, DisclosureRule

STATUS_STYLES = {"green": "green", "amber": "yellow", "red": "bold red", "none": "dim"}


def _cell(value: object, kind: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return SUPPRESSED if kind in ("count", "percent", "rate") else ""
    if kind == "count":
        return f"{float(str(value)):,.0f}"
    if kind == "percent":
        return f"{100 * float(str(value)):.1f}%"
    if kind == "rate":
        return f"{float(str(value)):.1f}"
    if kind == "wte":
        return f"{float(str(value)):g}"
    return str(value)


def controlled_table(
    title: str,
    table: pd.DataFrame,
    columns: Sequence[tuple[str, str, str]],
    rule: DisclosureRule,
    derived: Mapping[str, Sequence[str]] | None = None,
) -> Table:
    """``table`` drawn with ``columns`` (column, header, kind: text, count, percent, rate, wte, plain), the
    ``count`` columns controlled and each ``derived`` column suppressed where a count it comes from is."""
    counts = [column for column, _, kind in columns if kind == "count"]
    shown = rule.apply(table, counts, derived)
    out = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), show_edge=False)
    for _, header, kind in columns:
        out.add_column(header, justify="left" if kind == "text" else "right")
    for row in shown.to_dict("records"):
        out.add_row(*(_cell(row[column], kind) for column, _, kind in columns))
    return out


def cohort_table(cohorts: pd.DataFrame, rule: DisclosureRule) -> Table:
    table = cohorts.assign(share=cohorts["cohort"] / cohorts["population"].where(cohorts["population"] > 0))
    return controlled_table(
        "The cohort in each neighbourhood",
        table,
        [
            ("neighbourhood", "Neighbourhood", "text"),
            ("practices", "Practices", "plain"),
            ("population", "Registered", "count"),
            ("cohort", "Cohort", "count"),
            ("share", "Cohort %", "percent"),
            ("case_managers", "Case managers (WTE)", "wte"),
            ("matrons", "Matrons (WTE)", "wte"),
            ("capacity", "Capacity", "wte"),
        ],
        rule,
        {"share": ["population", "cohort"]},
    )


def enrolment_table(enrolled: pd.DataFrame, rule: DisclosureRule) -> Table:
    table = enrolled.assign(capped=enrolled["capped"].map({True: "capped", False: ""}))
    return controlled_table(
        "Enrolment, capped by the teams' capacity (WTE × caseload)",
        table,
        [
            ("neighbourhood", "Neighbourhood", "text"),
            ("year", "Year", "text"),
            ("cohort", "Cohort", "count"),
            ("target", "Target", "count"),
            ("capacity", "Capacity", "wte"),
            ("enrolled", "Enrolled", "count"),
            ("care_plans", "Care plans", "count"),
            ("capped", "", "text"),
        ],
        rule,
    )


def monthly_enrolment_table(months: pd.DataFrame, rule: DisclosureRule) -> Table:
    table = months.assign(capped=months["capped"].map({True: "capped", False: ""}))
    return controlled_table(
        "Enrolment month by month toward the teams' capacity (enrolled at each month's end)",
        table,
        [
            ("neighbourhood", "Neighbourhood", "text"),
            ("month", "Month", "text"),
            ("trajectory", "Trajectory", "count"),
            ("capacity", "Capacity", "wte"),
            ("enrolled", "Enrolled", "count"),
            ("capped", "", "text"),
        ],
        rule,
    )


def effect_table(effect: pd.DataFrame, scheme: str, rule: DisclosureRule) -> Table:
    return controlled_table(
        f"The {scheme} scheme's effect: enrolled × rate × deflection",
        effect,
        [
            ("pod", "POD", "text"),
            ("year", "Year", "text"),
            ("enrolled", "Enrolled", "count"),
            ("removed", "Removed a year", "count"),
            ("total", "Everyone's a year", "count"),
            ("fraction", "Share removed", "percent"),
        ],
        rule,
        {"fraction": ["removed", "total"]},
    )


def utilisation_table(monthly: pd.DataFrame, rule: DisclosureRule) -> Table:
    return controlled_table(
        "Emergency admissions of the enrolled cohort and the comparison group, per 1,000 a month",
        monthly,
        [
            ("month", "Month", "text"),
            ("neighbourhood", "Neighbourhood", "text"),
            ("enrolled_patients", "Enrolled", "count"),
            ("enrolled_admissions", "Admissions", "count"),
            ("enrolled_rate", "Rate", "rate"),
            ("comparison_patients", "Comparison", "count"),
            ("comparison_admissions", "Admissions", "count"),
            ("comparison_rate", "Rate", "rate"),
            ("reduction", "Reduction", "percent"),
        ],
        rule,
        {
            "enrolled_rate": ["enrolled_patients", "enrolled_admissions"],
            "comparison_rate": ["comparison_patients", "comparison_admissions"],
            "reduction": [
                "enrolled_patients",
                "enrolled_admissions",
                "comparison_patients",
                "comparison_admissions",
            ],
        },
    )


def indicator_table(title: str, indicators: Sequence[Indicator]) -> Table:
    """The FEWS's neighbourhood set: emergency admissions avoided year to date against planned (counts
    already controlled: ``*`` where suppressed), the ratio, and its status."""
    out = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), show_edge=False)
    for header, justify in (
        ("Neighbourhood", "left"),
        ("Avoided, planned", "right"),
        ("Avoided", "right"),
        ("Ratio", "right"),
        ("Status", "left"),
        ("Note", "left"),
    ):
        out.add_column(header, justify=justify)  # type: ignore[arg-type]
    for indicator in indicators:
        out.add_row(
            indicator.label,
            _cell(indicator.planned, "count"),
            _cell(indicator.achieved, "count"),
            _cell(indicator.ratio, "percent"),
            Text(indicator.status, style=STATUS_STYLES[indicator.status]),
            indicator.note,
        )
    return out


def print_tables(console: Console, tables: Sequence[Table], rule: DisclosureRule) -> None:
    for table in tables:
        console.print(table)
        console.print()
    console.print(rule.statement())
