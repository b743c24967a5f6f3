"""The bridge waterfalls as PNG images (Matplotlib, no screen needed), for slides and papers."""

from __future__ import annotations

from pathlib import Path

from carebridge.engine.finance import SYSTEM
from carebridge.engine.results import Results
from carebridge.report.chart import END, FALL, RISE
from carebridge.report.numbers import format_number
from carebridge.report.plan_charts import waterfall
from carebridge.report.plan_tables import organisations


def bridge_png(results: Results, org: str, path: Path) -> Path:
    """Draw the bridge of ``org`` (or the system) for the bridge year as a waterfall into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    year = results.bridge_year
    names, values = waterfall(results, org, year)
    bottoms, heights = zip(*bar_chain(values), strict=True)
    colours = [END if i in (0, len(values) - 1) else FALL if v < 0 else RISE for i, v in enumerate(values)]
    figure, axes = plt.subplots(figsize=(min(16.0, max(7.0, 0.8 * len(values))), 6.0), dpi=100)
    bars = axes.bar(range(len(values)), heights, bottom=bottoms, color=colours)
    for bar, value in zip(bars, values, strict=True):
        axes.annotate(
            format_number(value, "money"),
            (bar.get_x() + bar.get_width() / 2, bar.get_y() + max(bar.get_height(), 0)),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    axes.set_xticks(range(len(values)), names, rotation=30, ha="right", fontsize=8)
    axes.axhline(0, color="#999999", linewidth=0.8)
    axes.set_ylabel("£'000")
    axes.set_title(f"Financial bridge, {results.org_label(org)}, {year} (£'000)", fontsize=10)
    axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    figure.subplots_adjust(left=0.12, right=0.98, top=0.92, bottom=0.3)  # fixed: tight_layout is slow
    figure.savefig(path)
    plt.close(figure)
    return path


def bar_chain(values: list[float]) -> list[tuple[float, float]]:
    """The (bottom, height) of each bar of a waterfall: the first and last (the positions) from 0, each step
    from where the one before ended."""
    bars: list[tuple[float, float]] = []
    level = 0.0
    for i, value in enumerate(values):
        if i in (0, len(values) - 1):
            bars.append((0.0, value))
            level = value
        else:
            bars.append((level, value))
            level += value
    return bars


def write_bridge_pngs(results: Results, folder: Path) -> list[Path]:
    """``bridge-system.png`` and ``bridge-<org>.png`` for each organisation, for the bridge year."""
    return [
        bridge_png(results, org, folder / f"bridge-{org}.png") for org in [SYSTEM, *organisations(results)]
    ]
