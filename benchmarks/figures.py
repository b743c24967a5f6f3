"""The figures a benchmark prints, each beside its goal and its baseline, and the three ways a benchmark ends.

Every benchmark script builds a list of :class:`Figure` and hands it to :func:`finish`, which prints one line
per figure (``label: value unit (goal G: ok | MISSED; baseline B unit, what it is)``) and returns the exit
status. A figure's goal is its ``floor`` (issue 20's goals); its ``baseline`` is what it is judged against:
timed in the same run where there is one (the plain Python arithmetic, the loop of deterministic runs, plain
pandas), else the figure recorded before the work of issue 20 (``baseline_note`` says which). The exit status:

- no option: 0, whatever the figures (the figures are read by people);
- ``--check``: 1 when any figure misses its floor (run it on a quiet machine);
- ``--check-stable``: 1 when a figure that does not depend on how busy the machine is misses its floor —
  ratios measured in the same run, memory, error counts — never for an absolute time. The benchmark tests
  use it: a shared 2-core machine varies absolute times by ±50%, not these.

``--json FILE`` also writes the figures as a JSON list, for the tests to read.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["time", "memory", "ratio", "count"]
STABLE: frozenset[Kind] = frozenset({"memory", "ratio", "count"})


@dataclass(frozen=True)
class Figure:
    """One measured figure. ``higher_is_better`` for ratios (a floor is a minimum); otherwise the floor is
    a maximum (seconds, GB, errors)."""

    name: str
    label: str
    value: float
    unit: str
    kind: Kind
    floor: float | None = None
    higher_is_better: bool = False
    baseline: float | None = None
    """What the figure is judged against, in its unit: timed in the same run, or recorded before."""
    baseline_note: str = ""
    """What the baseline is: ``plain Python, this run``, ``before issue 20``."""

    @property
    def ok(self) -> bool:
        if self.floor is None:
            return True
        if not math.isfinite(self.value):
            return False
        return self.value >= self.floor if self.higher_is_better else self.value <= self.floor

    @property
    def stable(self) -> bool:
        return self.kind in STABLE

    def line(self) -> str:
        text = f"{self.label}: {_number(self.value, self.unit)}"
        notes = []
        if self.floor is not None:
            verdict = "ok" if self.ok else "MISSED"
            notes.append(f"goal {_number(self.floor, self.unit)}: {verdict}")
        if self.baseline is not None:
            what = f", {self.baseline_note}" if self.baseline_note else ""
            notes.append(f"baseline {_number(self.baseline, self.unit)}{what}")
        return f"{text} ({'; '.join(notes)})" if notes else text


def _number(value: float, unit: str) -> str:
    if unit == "×":
        return f"{value:,.1f}×"
    if unit in ("ms", "µs"):
        return f"{value:,.1f} {unit}"
    if unit == "":
        return f"{value:,.0f}"
    return f"{value:,.2f} {unit}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--check``, ``--check-stable`` and ``--json`` on a benchmark's parser."""
    parser.add_argument("--check", action="store_true", help="exit 1 when any figure misses its floor")
    parser.add_argument(
        "--check-stable",
        action="store_true",
        help="exit 1 when a ratio, memory or error figure misses its floor (never for an absolute time)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE as JSON")


def finish(figures: list[Figure], options: argparse.Namespace) -> int:
    """Print each figure, write the JSON when asked, and return the exit status the options ask for."""
    for figure in figures:
        print(figure.line())
    if options.json is not None:
        rows = [{**asdict(figure), "ok": figure.ok, "stable": figure.stable} for figure in figures]
        options.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    missed = [figure for figure in figures if not figure.ok]
    if options.check and missed:
        return 1
    if options.check_stable and any(figure.stable for figure in missed):
        return 1
    return 0
