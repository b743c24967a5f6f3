"""The outcomes table of the delivery pack, as plain rows (docs/outcomes.md): each measure's latest value
against its trajectory with RAG, and its gap against the gap target."""

from __future__ import annotations

from collections.abc import Sequence

from carebridge.delivery.outcomes import Inequality, Measure, Progress
from carebridge.delivery.pack import Cell, PackColumn, PackTable


def _one(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def slope_words(gap: Inequality | None) -> str:
    """The slope index of inequality and its 95% interval, as one cell: ``10.0 (6.9 to 13.1)``."""
    if gap is None or gap.slope_index is None:
        return ""
    if gap.slope_lower is None or gap.slope_upper is None:
        return _one(gap.slope_index)
    return f"{gap.slope_index:,.1f} ({gap.slope_lower:,.1f} to {gap.slope_upper:,.1f})"


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
                slope_words(progress.latest_gap),
                ", ".join(measure.schemes),
            ]
        )
    return PackTable(
        "outcomes",
        f"Outcomes and inequalities: {register}",
        "Each measure's latest value against its trajectory (green: at or better than planned; amber: worse "
        "but not significantly; red: the whole 95% interval worse) and the gap of the most deprived quintile "
        "against its target, with the slope index of inequality and its 95% interval; counts below 10 are "
        "suppressed and others rounded to 5 (docs/outcomes.md)",
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
            PackColumn("Slope index (95% CI)"),
            PackColumn("Schemes"),
        ),
        rows,
        sheet="Outcomes",
    )
