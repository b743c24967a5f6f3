"""The chart layer: figures for plotly.js built as plain dicts (the plotly Python package is not imported).

Each :class:`Chart` is the ``data`` and ``layout`` that ``Plotly.newPlot`` takes; the HTML pages serialise
them with :func:`~carebridge.report.html.plot_calls`.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

PALETTE = ("#1f5f99", "#d9822b", "#2e8b57", "#b03a48", "#6c4f9c", "#7f7f7f", "#17a2b8", "#a0522d")
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}
RISE, FALL, END = "#b03a48", "#2e8b57", "#1f5f99"
"""Waterfall colours: a step that raises the gap, one that lowers it, and the two ends."""
Spec = dict[str, Any]

YEAR_AXIS = {"title": {"text": "Financial year"}, "type": "category"}
"""The x axis of a chart by year."""
YEAR_LEGEND = {
    "orientation": "v",
    "x": 1.02,
    "xanchor": "left",
    "y": 1,
    "yanchor": "top",
    "font": {"size": 11},
}
"""The legend of a chart by year: at the right, clear of the axis title however many lines it has."""


@dataclass(frozen=True)
class Chart:
    """A plotly.js figure: the id of its element, a title, a sentence saying what it shows, data, layout."""

    id: str
    title: str
    description: str
    data: list[Spec]
    layout: Spec = field(default_factory=dict)


def chart_layout(title: str, y_title: str, **extra: Any) -> Spec:
    """The reports' layout: title, font, margins, a y axis in whole numbers and the legend below."""
    return {
        "title": {"text": title},
        "font": FONT,
        "margin": {"l": 70, "r": 20, "t": 60, "b": 60},
        "yaxis": {"title": {"text": y_title}, "tickformat": ",.0f", "zeroline": True, "automargin": True},
        "legend": {"orientation": "h", "y": -0.15},
        "plot_bgcolor": "#ffffff",
        **deepcopy(extra),  # shared settings (YEAR_AXIS) never changed through one chart
    }


BLANK = 1e-9
"""A value whose size is at most this draws nothing (£'000, activity or a fraction)."""


def is_blank(chart: Chart) -> bool:
    """Whether every number ``chart`` would draw is zero or missing (the ``y`` of its traces, the ``x`` of a
    histogram or a horizontal bar): such a chart is left out of a page, with a note."""
    for trace in chart.data:
        horizontal = trace.get("type") == "histogram" or trace.get("orientation") == "h"
        values = trace.get("x" if horizontal else "y") or []
        if any(isinstance(v, int | float) and abs(v) > BLANK for v in values):
            return False
    return True
