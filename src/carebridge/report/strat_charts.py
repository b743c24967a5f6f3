"""Static charts of a stratification as PNG (matplotlib, Agg backend: no display needed).

- the concentration (Lorenz) curve: share of each measure held by the top x% of patients by risk, with the
  cohort marked;
- the calibration plot: mean predicted risk against the share admitted, by decile;
- the distribution of risk scores, with the cohort's threshold.

Every chart states the disclosure rule; score bins with fewer patients than the rule allows are not drawn.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

from carebridge.strat.cohort import LABELS, Cohort
from carebridge.strat.disclosure import DisclosureRule

CURVE_MEASURES = ("nel", "ae", "op_first", "op_fu", "cost")


NOTE_SIZE = 6.5
"""The disclosure note's font size (points)."""


def note_lines(text: str, width_inches: float, size: float = NOTE_SIZE) -> list[str]:
    """``text`` broken into lines that fit ``width_inches`` at ``size`` points (a character of DejaVu Sans
    is at most 0.62 of the size wide, on average less), whole words kept together."""
    characters = int((width_inches - 0.2) * 72 / (0.6 * size))
    return textwrap.wrap(text, width=max(characters, 20))


def _room(figure: Figure, rule: DisclosureRule) -> tuple[float, float, float, float]:
    """The rectangle ``tight_layout`` may fill: everything above the disclosure note's lines."""
    lines = len(note_lines(rule.statement(), figure.get_figwidth()))
    return (0, (lines * NOTE_SIZE * 1.3 + 8) / 72 / figure.get_figheight(), 1, 1)


def add_note(figure: Figure, rule: DisclosureRule) -> Text:
    """The disclosure rule at the foot of ``figure``, wrapped to the figure's width."""
    lines = note_lines(rule.statement(), figure.get_figwidth())
    return figure.text(0.01, 0.01, "\n".join(lines), fontsize=NOTE_SIZE, color="#555555", va="bottom")


def _save(figure: Figure, path: Path, rule: DisclosureRule) -> Path:
    add_note(figure, rule)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def concentration_chart(curve: pd.DataFrame, cohort: Cohort, path: Path, rule: DisclosureRule) -> Path:
    figure, axes = plt.subplots(figsize=(7, 5))
    for measure in CURVE_MEASURES:
        if measure in curve:
            axes.plot(curve["percent"], 100 * curve[measure], label=LABELS[measure])
    axes.plot([0, 100], [0, 100], color="#999999", linestyle=":", label="Equal shares")
    axes.axvline(cohort.percent, color="#b00020", linestyle="--", linewidth=1)
    axes.text(cohort.percent + 1, 5, f"cohort: {cohort.percent:.1f}%", color="#b00020", fontsize=8)
    axes.set(
        xlabel="Patients, highest risk first (%)",
        ylabel="Share of the year's activity (%)",
        title="Concentration of activity by predicted risk",
        xlim=(0, 100),
        ylim=(0, 100),
    )
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout(rect=_room(figure, rule))
    return _save(figure, path, rule)


def calibration_chart(calibration: pd.DataFrame, path: Path, rule: DisclosureRule) -> Path:
    figure, axes = plt.subplots(figsize=(5.5, 5))
    top = float(max(calibration["mean_predicted"].max(), calibration["observed"].max(), 0.01)) * 100 * 1.05
    axes.plot([0, top], [0, top], color="#999999", linestyle=":", label="Perfect calibration")
    axes.plot(100 * calibration["mean_predicted"], 100 * calibration["observed"], marker="o", label="Deciles")
    axes.set(
        xlabel="Mean predicted risk (%)",
        ylabel="Admitted in the next 12 months (%)",
        title="Calibration by decile of predicted risk",
        xlim=(0, top),
        ylim=(0, top),
    )
    axes.legend(fontsize=8)
    figure.tight_layout(rect=_room(figure, rule))
    return _save(figure, path, rule)


def distribution_chart(distribution: pd.DataFrame, cohort: Cohort, path: Path, rule: DisclosureRule) -> Path:
    shown = distribution.loc[~distribution["patients"].astype(float).map(rule.suppressed)]
    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.bar(shown["bin"] + 0.5, shown["patients"], width=1.0, color="#4a78a8")
    axes.axvline(cohort.score, color="#b00020", linestyle="--", linewidth=1)
    axes.text(
        cohort.score + 1,
        float(shown["patients"].max() or 1) / 3,
        f"threshold {cohort.score:.2f}",
        color="#b00020",
    )
    logarithmic = bool(len(shown))  # every bin suppressed: nothing to draw on a log scale
    if logarithmic:
        axes.set_yscale("log")
    axes.set(
        xlabel="Risk score (predicted chance of an emergency admission, %)",
        ylabel="Patients (log scale)" if logarithmic else "Patients (every count suppressed)",
        title="Distribution of risk scores",
        xlim=(0, 100),
    )
    figure.tight_layout(rect=_room(figure, rule))
    return _save(figure, path, rule)
