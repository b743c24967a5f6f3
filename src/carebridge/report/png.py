"""The bridge waterfalls as PNG images (Matplotlib, no screen needed), for slides and papers."""

from __future__ import annotations

import textwrap
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from carebridge.engine.finance import SYSTEM
from carebridge.engine.results import Results
from carebridge.report.chart import END, FALL, RISE
from carebridge.report.numbers import format_number
from carebridge.report.plan_charts import waterfall
from carebridge.report.plan_tables import organisations

LABEL_SIZE = 7.5
"""Points of the bars' names and values."""


def bar_label(name: str, characters: int) -> str:
    """A bar's name as its axis label: whole, wrapped at spaces onto lines of ``characters``."""
    return textwrap.fill(name, characters, break_long_words=False, break_on_hyphens=False)


LABEL_CHARACTERS = 26
"""Characters on a line of a bar's name (set at 30°): a longer name takes a second line."""


def label_depth(labels: list[str]) -> float:
    """Inches below the axis that names set at 30° take: the longest line's width × sin 30° plus the lines'
    height × cos 30° (a character of DejaVu Sans is about 0.6 of the font size wide), and the ticks."""
    longest = max(len(line) for label in labels for line in label.splitlines())
    lines = max(label.count("\n") + 1 for label in labels)
    points = longest * 0.6 * LABEL_SIZE * 0.5 + lines * 1.25 * LABEL_SIZE * 0.87 + 12
    return points / 72


def value_range(bars: list[tuple[float, float]]) -> tuple[float, float]:
    """The y axis's limits: every bar and 0, with room above (and below) for the values over the bars."""
    ends = [0.0, *(bottom for bottom, _ in bars), *(bottom + height for bottom, height in bars)]
    low, high = min(ends), max(ends)
    room = 0.08 * (high - low or 1.0)
    return (low - room if low < 0 else 0.0), high + room


def bridge_figure(results: Results, org: str) -> Figure:
    """The bridge of ``org`` (or the system) for the bridge year as a waterfall: every bar's name whole and
    inside the figure, the value over each bar, room above the tallest for its value."""
    year = results.bridge_year
    names, values = waterfall(results, org, year)
    chain = bar_chain(values)
    bottoms, heights = zip(*chain, strict=True)
    colours = [END if i in (0, len(values) - 1) else FALL if v < 0 else RISE for i, v in enumerate(values)]
    width = min(16.0, max(7.0, 0.8 * len(values)))
    labels = [bar_label(name, LABEL_CHARACTERS) for name in names]
    figure = Figure(figsize=(width, 6.0), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bars = axes.bar(range(len(values)), heights, bottom=bottoms, color=colours)
    for bar, value in zip(bars, values, strict=True):
        axes.annotate(
            format_number(value, "money"),
            (bar.get_x() + bar.get_width() / 2, bar.get_y() + max(bar.get_height(), 0)),
            ha="center",
            va="bottom",
            fontsize=LABEL_SIZE,
        )
    axes.set_ylim(*value_range(chain))
    axes.set_xticks(range(len(values)), labels, rotation=30, ha="right")
    axes.tick_params(axis="x", labelsize=LABEL_SIZE)
    axes.axhline(0, color="#999999", linewidth=0.8)
    axes.set_ylabel("£'000")
    axes.set_title(f"Financial bridge, {results.org_label(org)}, {year} (£'000)", fontsize=10, pad=12)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    # fixed margins (tight_layout is slow), made room for the names below and the first name's reach left
    depth = label_depth(labels)
    reach = label_depth(labels[:1]) * 1.7 - 0.3  # the first name at 30° reaches cot 30° × its depth left
    figure.subplots_adjust(
        left=min(max(0.12, reach / width), 0.3), right=0.98, top=0.92, bottom=min(0.6, (depth + 0.1) / 6.0)
    )
    return figure


def bridge_png(results: Results, org: str, path: Path) -> Path:
    """Draw the bridge of ``org`` (or the system) for the bridge year as a waterfall into ``path``."""
    bridge_figure(results, org).savefig(path)
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
