"""Monthly utilisation of the case-managed cohort against a comparison group: the FEWS's neighbourhood set.

Each month, for each neighbourhood, the file of utilisation (imported by
:func:`carebridge.strat.neighbourhoods.read_utilisation`) gives the patients and emergency admissions of the
**enrolled** cohort and of a **comparison** group (cohort patients not yet enrolled, or a matched group).
Pure arithmetic:

- a group's **rate** = admissions ÷ patients (a month's admissions per patient; shown per 1,000);
- the **reduction** achieved = 1 − enrolled rate ÷ comparison rate;
- the FEWS indicator, year to date (months of the financial year up to the month assessed, patients and
  admissions summed): the enrolled's emergency admissions avoided against the comparison group's rate ÷
  those the planned deflection would avoid — the achieved reduction ÷ the planned deflection — rated amber
  and red by the neighbourhood set's thresholds.

Where a group's admissions or patients in the months summed are below the disclosure rule's ``suppress_below``
the indicator has no ratio (status ``none``) and says why: a rate from so few is neither safe to show nor
steady enough to act on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from carebridge.delivery.fews import FewsStatus, Indicator, Thresholds, rag
from carebridge.delivery.months import Month
from carebridge.strat.disclosure import DisclosureRule
from carebridge.strat.neighbourhoods import UtilisationRow

PER = 1000.0
"""Rates are shown per 1,000 patients a month."""


def monthly_utilisation(rows: Sequence[UtilisationRow], names: Sequence[str]) -> pd.DataFrame:
    """month, neighbourhood, and each group's patients, admissions and rate per 1,000; reduction.

    One row per month and neighbourhood (months in order, neighbourhoods in ``names``' order); counts exact.
    """
    columns = [
        "month",
        "neighbourhood",
        "enrolled_patients",
        "enrolled_admissions",
        "comparison_patients",
        "comparison_admissions",
    ]
    cells: dict[tuple[str, str], dict[str, float]] = {}
    for row in rows:
        cell = cells.setdefault((row.month, row.neighbourhood), {})
        cell[f"{row.group}_patients"] = cell.get(f"{row.group}_patients", 0.0) + row.patients
        cell[f"{row.group}_admissions"] = cell.get(f"{row.group}_admissions", 0.0) + row.admissions
    order = {name: index for index, name in enumerate(names)}
    keys = sorted(cells, key=lambda key: (Month.parse(key[0]), order.get(key[1], len(order))))
    table = pd.DataFrame(
        [[month, name, *(cells[(month, name)].get(c, 0.0) for c in columns[2:])] for month, name in keys],
        columns=columns,
    )
    for group in ("enrolled", "comparison"):
        patients = table[f"{group}_patients"].where(table[f"{group}_patients"] > 0)
        table[f"{group}_rate"] = PER * table[f"{group}_admissions"] / patients
    table["reduction"] = 1 - table["enrolled_rate"] / table["comparison_rate"].where(
        table["comparison_rate"] > 0
    )
    return table


def controlled(rule: DisclosureRule, count: float) -> float:
    """A count as it may leave the tool: NaN (suppressed) when fewer than the rule's ``suppress_below``
    either way, otherwise rounded to its ``round_to``."""
    if not math.isfinite(count) or abs(count) < rule.suppress_below:
        return math.nan
    return rule.round_count(count)


def utilisation_indicators(
    table: pd.DataFrame,
    names: Sequence[str],
    planned: float,
    as_at: Month,
    thresholds: Thresholds,
    rule: DisclosureRule,
    prefix: str = "",
) -> list[Indicator]:
    """Per neighbourhood, year to date: emergency admissions of the enrolled avoided ÷ planned avoided.

    With ``c`` the comparison group's admissions per patient-month and ``E`` the enrolled patient-months to
    date, the enrolled would have had ``E × c`` admissions at the comparison's rate: **planned** avoided is
    ``E × c × planned`` (the scheme's deflection), **achieved** ``E × c −`` the enrolled's admissions, so
    the ratio is the reduction achieved ``1 − enrolled rate ÷ c`` over the deflection planned. Planned and
    achieved are counts of admissions and leave here controlled (NaN below ``suppress_below``, others rounded
    to ``round_to``); the ratio comes from the unrounded sums. ``prefix`` goes before each item's id (a
    store holding several neighbourhood files)."""
    months = [Month.parse(m) for m in table["month"]] if not table.empty else []
    in_year = [m.year == as_at.year and m <= as_at for m in months]
    to_date = table[in_year] if months else table
    indicators = []
    for name in names:
        mine = to_date[to_date["neighbourhood"] == name] if not to_date.empty else to_date
        sums = {c: float(mine[c].sum()) for c in table.columns if c.endswith(("_patients", "_admissions"))}
        reported = len(mine)
        planned_avoided, achieved_avoided, ratio, note = math.nan, math.nan, math.nan, ""
        if not reported:
            note = "no utilisation reported yet"
        elif any(rule.suppressed(value) for value in sums.values()):
            note = f"suppressed: a group had fewer than {rule.suppress_below} patients or admissions to date"
        elif sums["comparison_admissions"] > 0 and sums["enrolled_patients"] > 0:
            enrolled = sums["enrolled_admissions"] / sums["enrolled_patients"]
            comparison = sums["comparison_admissions"] / sums["comparison_patients"]
            expected = sums["enrolled_patients"] * comparison
            planned_avoided = expected * planned
            achieved_avoided = expected - sums["enrolled_admissions"]
            achieved = 1 - enrolled / comparison
            ratio = achieved / planned if planned > 0 else math.nan
            note = (
                f"{reported} month{'s' if reported != 1 else ''}: {PER * enrolled:.1f} against "
                f"{PER * comparison:.1f} admissions per 1,000 a month, a {achieved:.0%} reduction "
                f"against {planned:.0%} planned"
            )
            hidden = [
                label
                for label, count in (("planned", planned_avoided), ("achieved", achieved_avoided))
                if math.isnan(controlled(rule, count))
            ]
            if hidden:
                fewer = f"fewer than {rule.suppress_below}"
                note += f"; admissions avoided {' and '.join(hidden)} {fewer}: not shown"
        indicators.append(
            Indicator(
                "neighbourhoods",
                f"{prefix}{name}",
                name,
                controlled(rule, planned_avoided),
                controlled(rule, achieved_avoided),
                ratio,
                rag(ratio, thresholds),
                note,
            )
        )
    return indicators


def with_neighbourhoods(status: FewsStatus, indicators: Sequence[Indicator]) -> FewsStatus:
    """The month's FEWS with the neighbourhood set added (any earlier neighbourhood indicators replaced)."""
    kept = tuple(indicator for indicator in status.indicators if indicator.set != "neighbourhoods")
    return replace(status, indicators=(*kept, *indicators))
