"""The early warning status in the terminal (Rich): the sets, each indicator, the forecast and the trigger.
Notes and names wrap rather than being cut, also in a pipe."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from carebridge.delivery.fews import SET_TITLES
from carebridge.delivery.monitor import Monitoring
from carebridge.delivery.spc import ASSURANCE_ICONS
from carebridge.report.numbers import format_cell

LONGEST_WORD = 20
"""The widest a column is held open for its longest word; a longer word folds."""
STYLES = {"green": "bold green", "amber": "bold yellow", "red": "bold red", "none": "dim"}


def status_text(status: str) -> Text:
    return Text("no status" if status == "none" else status.upper(), style=STYLES.get(status, ""))


def print_fews(monitoring: Monitoring, plan: str, console: Console) -> None:
    fews = monitoring.fews
    month = monitoring.month
    title = f"FEWS {month.label} ({month.calendar_name}) — {plan}"
    sets = Table(title=title, title_justify="left")
    sets.add_column("Indicator set")
    sets.add_column("Status")
    for which in fews.sets:
        sets.add_row(SET_TITLES[which], status_text(fews.set_status(which)))
    sets.add_row(Text("Programme", style="bold"), status_text(fews.overall))
    console.print(sets)
    # a rule under the header and one space between columns, so the notes keep room in 80 columns
    detail = Table(
        title="Indicators, year to date",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 0),
        show_edge=False,
    )
    rows = [
        [
            indicator.set.capitalize(),
            indicator.label,
            format_cell(indicator.planned, "activity"),
            format_cell(indicator.achieved, "activity"),
            format_cell(indicator.ratio, "ratio"),
            indicator.status,
            indicator.note,
        ]
        for indicator in fews.indicators
    ]
    for index, (header, justify) in enumerate(
        (
            ("Set", "left"),
            ("Indicator", "left"),
            ("Planned", "right"),
            ("Achieved", "right"),
            ("Ratio", "right"),
            ("Status", "left"),
            ("Note", "left"),
        )
    ):
        # no word is cut: a column of words is as wide as its longest word and wraps at spaces
        words = [word for row in rows for word in row[index].split()] + [header]
        detail.add_column(
            header,
            justify=justify,  # type: ignore[arg-type]
            overflow="fold",
            min_width=min(max(len(word) for word in words), LONGEST_WORD) if justify == "left" else None,
            no_wrap=justify == "right",
        )
    for row, indicator in zip(rows, fews.indicators, strict=True):
        detail.add_row(*row[:5], status_text(indicator.status), row[6])
    console.print(detail)
    forecast = fews.forecast
    console.print(
        f"Forecast {forecast.year} ({forecast.basis} basis, £'000): "
        f"benefit B {forecast.forecast_benefit:,.0f} "
        f"of {forecast.planned_benefit:,.0f} planned; investment I {forecast.forecast_investment:,.0f}; "
        f"loss max(I − B, 0) {forecast.forecast_loss:,.0f}; actions {fews.mitigation:,.0f}; "
        f"residual {fews.residual_loss:,.0f}"
    )
    if fews.triggered:
        console.print(
            Text(
                f"TRIGGERED: the forecast loss {forecast.forecast_loss:,.0f} breaches the agreed threshold "
                f"{fews.settings.loss_threshold:,.0f} — start the benefits-maximisation process",
                style="bold red",
            )
        )
    else:
        console.print(f"Not triggered (threshold {fews.settings.loss_threshold:,.0f}).")
    for pod, chart in monitoring.spc.items():
        if chart.special_cause:
            assured = f"; {ASSURANCE_ICONS[chart.assurance].lower()}" if chart.assurance else ""
            console.print(
                f"SPC {monitoring.baseline.pod_name(pod)}: {chart.summary()}; rules broken in the chart: "
                f"{', '.join(sorted(chart.signals))}; centre line {chart.centre:,.0f}{assured}"
            )
