"""The outcomes table of the delivery pack, as plain rows (docs/outcomes.md): each measure's latest value
against its trajectory with RAG, and its gap against the gap target."""

from __future__ import annotations

from collections.abc import Sequence

from carebridge.delivery.outcomes import Measure, Progress
from carebridge.delivery.pack import Cell, PackColumn, PackTable


def _one(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def outcomes_table(register: str, measures: Sequence[tuple[Measure, Progress]]) -> PackTable:
    rows: list[list[Cell]] = []
    for measure, progress in measures:
        latest = progress.latest
        interval = (
            f"{latest.lower:,.1f} to {latest.upper:,.1f}"
            if latest is not None and latest.lower is not None and latest.upper is not None
            else ""
        )
        rows.append(
            [
                measure.name,
                measure.unit,
                f"{latest.period} ({latest.status})" if latest else "no value yet",
                _one(latest.value if latest else None),
                interval,
                _one(progress.planned),
                progress.rag or "none",
                _one(progress.latest_gap.gap if progress.latest_gap else None),
                _one(progress.gap_planned),
                progress.gap_rag or "none",
                ", ".join(measure.schemes),
            ]
        )
    return PackTable(
        "outcomes",
        f"Outcomes and inequalities: {register}",
        "Each measure's latest value against its trajectory (green: at or better than planned; amber: worse "
        "but not significantly; red: the whole 95% interval worse) and the gap of the most deprived quintile "
        "against its target; counts below 10 are suppressed and others rounded to 5 (docs/outcomes.md)",
        (
            PackColumn("Measure"),
            PackColumn("Unit"),
            PackColumn("Latest"),
            PackColumn("Value"),
            PackColumn("95% CI"),
            PackColumn("Planned"),
            PackColumn("RAG", "status"),
            PackColumn("Gap"),
            PackColumn("Gap planned"),
            PackColumn("Gap RAG", "status"),
            PackColumn("Schemes"),
        ),
        rows,
        sheet="Outcomes",
    )
