"""The risk heat map as a PNG (matplotlib, Agg): presentation of :func:`carebridge.delivery.risks.heat_map`,
kept out of ``delivery/``, which stays pure."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from carebridge.delivery.risks import DEFAULT_BANDS, SCORES, HeatMap, RatingBand, band_of


def heat_map_png(map_: HeatMap, bands: Sequence[RatingBand] = DEFAULT_BANDS, title: str = "Risks") -> bytes:
    """The heat map as a PNG: impact across, likelihood up, each cell coloured by its band and labelled
    with its count."""
    figure = Figure(figsize=(5.5, 5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for likelihood in SCORES:
        for impact in SCORES:
            band = band_of(likelihood * impact, bands)
            axes.add_patch(
                Rectangle((impact - 0.5, likelihood - 0.5), 1, 1, facecolor=band.colour, edgecolor="white")
            )
            count = map_.count(likelihood, impact)
            if count:
                axes.text(
                    impact, likelihood + 0.1, str(count), ha="center", va="center", fontsize=14, weight="bold"
                )
            axes.text(impact, likelihood - 0.3, band.name, ha="center", va="center", fontsize=7)
    axes.set_xlim(0.5, 5.5)
    axes.set_ylim(0.5, 5.5)
    axes.set_xticks(list(SCORES))
    axes.set_yticks(list(SCORES))
    axes.set_xlabel("Impact")
    axes.set_ylabel("Likelihood")
    stage = "before mitigation" if map_.stage == "before" else "after mitigation"
    axes.set_title(f"{title} {stage} ({map_.total})")
    axes.set_aspect("equal")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
