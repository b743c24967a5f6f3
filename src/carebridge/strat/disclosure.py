"""Disclosure control on every table that leaves the tool.

Counts below ``suppress_below`` (10) are suppressed, shown ``*``; other counts are rounded to the nearest
``round_to`` (5). Percentages, shares and rates are computed from the unrounded counts and are suppressed
where a count they come from is. :meth:`DisclosureRule.statement` says so, and is printed on every output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

SUPPRESSED = "*"


@dataclass(frozen=True)
class DisclosureRule:
    suppress_below: int = 10
    round_to: int = 5

    def __post_init__(self) -> None:
        if self.suppress_below < 0:
            raise ValueError(f"suppress_below is {self.suppress_below}; expected 0 or more")
        if self.round_to < 1:
            raise ValueError(f"round_to is {self.round_to}; expected 1 or more")

    def statement(self) -> str:
        parts = []
        if self.suppress_below > 0:
            parts.append(f"counts below {self.suppress_below} are suppressed ({SUPPRESSED})")
        if self.round_to > 1:
            parts.append(f"{'other ' if parts else ''}counts are rounded to the nearest {self.round_to}")
        if not parts:
            return "Disclosure control: none (counts are exact)."
        return (
            "Disclosure control: "
            + "; ".join(parts)
            + "; percentages, shares and rates come from unrounded counts and are suppressed with them."
        )

    def suppressed(self, count: float) -> bool:
        return bool(np.isfinite(count)) and count < self.suppress_below

    def round_count(self, count: float) -> float:
        """``count`` rounded to the nearest ``round_to`` (halves up)."""
        return float(self.round_to * np.floor(count / self.round_to + 0.5))

    def apply(
        self,
        table: pd.DataFrame,
        counts: Sequence[str],
        derived: Mapping[str, Sequence[str]] | None = None,
    ) -> pd.DataFrame:
        """``table`` with its ``counts`` columns controlled, and each ``derived`` column suppressed where a
        count it comes from is. Suppressed cells become missing (written ``*``)."""
        out = table.copy()
        hidden = {column: out[column].astype(float).map(self.suppressed) for column in counts}
        for column in counts:
            values = out[column].astype(float).map(self.round_count)
            out[column] = values.where(~hidden[column]).round().astype("Int64")
        for column, sources in (derived or {}).items():
            mask = np.zeros(len(out), dtype=bool)
            for source in sources:
                mask |= hidden[source].to_numpy()
            out[column] = out[column].astype(float).where(~mask).astype("Float64")
        return out
