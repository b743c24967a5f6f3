"""The cohort and the concentration of activity in it, computed in DuckDB over the scored patients.

``relation`` is a table expression with a ``risk`` column (the predicted chance, 0 to 1) and the activity
columns of :mod:`carebridge.strat.columns`. Scores are shown as ``100 × risk`` (Stockport's Combined
Predictive Model cut-off was a score of 18.03).

- **Top x%**: the threshold is the risk of the patient ``quantile_disc(risk, 1 − x/100)`` selects, the
  ``(⌊N·x/100⌋ + 1)``-th from the top (at most the N-th: :func:`top_rank`): the curve's histogram says which
  bin holds that patient, whose patients are ranked one by one with those of the bins the curve's group
  boundaries cut; the cohort is everyone at or above it, so ties at the threshold are all in (the cohort can
  be a few patients larger than x%).
- **Concentration**: patients in 1,000 equal groups by risk, highest first (``ntile``'s groups: when 1,000
  does not divide the number of patients, the first groups hold one patient more; patients with the same
  risk in file order); the share of each measure's activity held by the top ``k`` groups, for every ``k`` —
  the concentration (Lorenz) curve. No patient-level sort: a histogram of risk in 65,536 bins gives each
  bin's ranks, so every patient of a bin that lies within one group is summed into it directly, and only
  the patients of the bins a group boundary (or the cohort's threshold) cuts are ranked one by one, in numpy
  (docs/stratify-speed.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from carebridge.strat.columns import MEASURE_NAMES

MEASURES = ("ae", "nel", "nel_acs", "el", "op_first", "op_fu", "gp", "cost")
"""What the cohort's activity is summed over, when the file has it (``op`` = first + follow-up is added)."""
LABELS = {**MEASURE_NAMES, "op": "Outpatient appointments (first and follow-up)", "cost": "Cost (£)"}
CURVE_GROUPS = 1000
TABLE_TOPS = (1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0)


@dataclass(frozen=True)
class Cohort:
    """The patients at or above a risk threshold, and their share of each measure's activity."""

    rule: str
    threshold: float
    """Risk (0 to 1); the score is 100 × this."""
    patients: int
    population: int
    activity: pd.DataFrame
    """measure, label, cohort, total, share (one row per measure, with ``op``)."""

    @property
    def score(self) -> float:
        return 100 * self.threshold

    @property
    def percent(self) -> float:
        return 100 * self.patients / self.population if self.population else 0.0

    def counts(self) -> dict[str, tuple[float, float]]:
        """Each measure's (cohort, everyone) activity."""
        return {
            str(measure): (float(inside), float(total))
            for measure, inside, total in zip(
                self.activity["measure"].tolist(),
                self.activity["cohort"].tolist(),
                self.activity["total"].tolist(),
                strict=True,
            )
        }

    def share(self, measure: str) -> float:
        inside, total = self.counts().get(measure, (0.0, 0.0))
        return inside / total if total else float("nan")

    @property
    def acs_share(self) -> float:
        """Share of the cohort's emergency admissions that were sensitive to ambulatory care."""
        counts = self.counts()
        if "nel_acs" not in counts or not counts["nel"][0]:
            return float("nan")
        return counts["nel_acs"][0] / counts["nel"][0]


def measures_in(columns: set[str], year: str) -> list[str]:
    """The measures whose column for ``year`` is in the file."""
    return [measure for measure in MEASURES if f"{measure}_{year}" in columns]


def top_rank(patients: int, top_percent: float) -> int:
    """The rank (from 0, highest risk first) of the patient whose risk is the threshold of the top
    ``top_percent``: the patient ``quantile_disc(risk, q)`` chooses for ``q = 1 − top/100`` — index
    ``max(⌈N·q⌉, 1) − 1`` from the lowest — in exact arithmetic on the percentage as written (``15`` →
    ``q = 0.85``, as DuckDB does on a decimal literal), so that ``N·q`` a whole number is never rounded past
    it. Every patient at or above that risk is in the cohort: at least ``N·top/100`` of them."""
    q = 1 - Fraction(repr(float(top_percent))) / 100
    lowest_first = max(math.ceil(patients * q), 1) - 1
    return patients - 1 - lowest_first


def select_cohort(
    con: duckdb.DuckDBPyConnection, relation: str, threshold: float, year: str, measures: list[str], rule: str
) -> Cohort:
    """The cohort at ``risk ≥ threshold`` and its activity in ``year`` against everyone's: one pass that sums
    into two groups, in the cohort and not (half the time of filtered sums beside plain ones)."""
    sums = ", ".join(f"sum({m}_{year})" for m in measures)
    rows = con.execute(
        f"SELECT coalesce(risk >= {threshold!r}, false) AS inside, count(*), {sums} FROM {relation} "
        "GROUP BY inside"
    ).fetchall()
    inside = next((row[1:] for row in rows if row[0]), (0,) * (len(measures) + 1))
    outside = next((row[1:] for row in rows if not row[0]), (0,) * (len(measures) + 1))
    return _cohort(rule, threshold, measures, inside, outside)


def _cohort(
    rule: str, threshold: float, measures: list[str], inside: Sequence[Any], outside: Sequence[Any]
) -> Cohort:
    """The cohort from its patients and sums (``inside``: count, then each measure's) and the others'."""
    cohort = {m: float(inside[i + 1] or 0) for i, m in enumerate(measures)}
    total = {m: cohort[m] + float(outside[i + 1] or 0) for i, m in enumerate(measures)}
    patients, population = int(inside[0]), int(inside[0]) + int(outside[0])
    if "op_first" in cohort and "op_fu" in cohort:
        cohort["op"], total["op"] = cohort["op_first"] + cohort["op_fu"], total["op_first"] + total["op_fu"]
    activity = pd.DataFrame(
        {
            "measure": list(cohort),
            "label": [LABELS[m] for m in cohort],
            "cohort": list(cohort.values()),
            "total": [total[m] for m in cohort],
        }
    )
    activity["share"] = activity["cohort"] / activity["total"].where(activity["total"] > 0)
    return Cohort(rule, threshold, patients, population, activity)


def concentration_curve(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    year: str,
    measures: list[str],
    groups: int = CURVE_GROUPS,
) -> pd.DataFrame:
    """Cumulative share of each measure held by the top ``percent`` of patients by risk.

    ``relation`` is a table (``scored``: :func:`~carebridge.strat.pipeline.score_patients`) in file order:
    patients are ranked highest risk first, patients with the same risk in the order of their rows
    (``rowid``), and put in the groups ``ntile(groups) OVER (ORDER BY risk DESC, rowid)`` would give them —
    without sorting every patient (:func:`_group_of_bin`). One row per group boundary (``percent`` =
    100·k/groups), plus the origin; columns ``percent``, ``patients`` (cumulative), ``min_score`` (the lowest
    score in the top k groups) and one per measure.
    """
    histogram = _histogram(con, relation)
    grouped, _ = _grouped(con, relation, year, measures, groups, histogram, _Side.none(histogram))
    return _curve(grouped, measures, groups)


def cohort_and_curve(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    year: str,
    measures: list[str],
    rule: str,
    *,
    threshold: float | None = None,
    top: float | None = None,
    groups: int = CURVE_GROUPS,
) -> tuple[Cohort, pd.DataFrame]:
    """The cohort — everyone at or above ``threshold`` (a risk, 0 to 1), or the top ``top`` per cent (ties at
    the threshold all in) — and the concentration curve, in the curve's passes: each group's sums are split
    in two, ``risk ≥ threshold`` and not, so that the cohort's are the first halves' (:func:`select_cohort`'s
    own pass is not needed). The top's threshold needs no pass either: the histogram's counts say which bin
    holds the patient at :func:`top_rank`, whose patients are then ranked one by one with the cut bins'."""
    histogram = _histogram(con, relation)
    if threshold is not None and top is None:
        side = _Side.of_threshold(histogram, threshold)
    elif top is not None and threshold is None:
        side = _Side.of_top(histogram, top)
    else:
        raise ValueError("give the cohort's threshold or its top percentage, not both or neither")
    grouped, threshold = _grouped(con, relation, year, measures, groups, histogram, side)
    columns = ["patients", *measures]
    at = grouped["inside"].to_numpy(dtype=bool)
    sums = grouped[columns].to_numpy(dtype=np.float64, na_value=0.0)
    inside, outside = sums[at].sum(axis=0).tolist(), sums[~at].sum(axis=0).tolist()
    return _cohort(rule, threshold, measures, inside, outside), _curve(grouped, measures, groups)


@dataclass(frozen=True)
class _Histogram:
    """Patients by bin of risk (:func:`_bin_sql`), highest bin first: the ranks each bin holds follow."""

    lowest: float
    """The lowest risk, which the bins start from."""
    bins: npt.NDArray[np.int64]
    patients: npt.NDArray[np.int64]

    @property
    def binned(self) -> str:
        """The bin of a patient's risk, as SQL."""
        return _bin_sql(self.lowest)


@dataclass(frozen=True)
class _Side:
    """How the histogram's bins lie against the cohort's threshold: each bin's patients all at or above it
    (``above``), or any of them on either side (``split``: ranked one by one with the cut bins'); and the
    threshold, a risk, or the rank of the patient whose risk it is (a top x%), read when the cut bins'
    patients are ranked."""

    split: npt.NDArray[np.bool_]
    above: npt.NDArray[np.bool_]
    threshold: float | None = None
    rank: int | None = None

    @classmethod
    def none(cls, histogram: _Histogram) -> _Side:
        """No cohort: every patient below (the curve alone)."""
        nothing = np.zeros(histogram.bins.size, dtype=bool)
        return cls(nothing, nothing)

    @classmethod
    def of_threshold(cls, histogram: _Histogram, threshold: float) -> _Side:
        """The bins that may hold risks on both sides of ``threshold`` (from the risks each bin may hold:
        :func:`_bin_bounds`), and those whose every risk is at or above it."""
        low, high = _bin_bounds(histogram.lowest, histogram.bins)
        return cls((low < threshold) & (threshold <= high), low >= threshold, threshold=threshold)

    @classmethod
    def of_top(cls, histogram: _Histogram, top_percent: float) -> _Side:
        """The bin holding the patient at :func:`top_rank` (split), and the bins before it (above: a higher
        bin never holds a lower risk)."""
        total = int(histogram.patients.sum())
        if total == 0:
            return cls.none(histogram)
        rank = top_rank(total, top_percent)
        at = int(np.searchsorted(np.cumsum(histogram.patients), rank, side="right"))
        index = np.arange(histogram.bins.size)
        return cls(index == at, index < at, rank=rank)


def _histogram(con: duckdb.DuckDBPyConnection, relation: str) -> _Histogram:
    """The lowest risk, then every patient's bin counted (a narrow pass each)."""
    row = con.execute(f"SELECT min(risk) FROM {relation}").fetchall()
    lowest = float(row[0][0]) if row and row[0][0] is not None else 1.0
    # the bins' range is known from the risks' (the table's statistics): counted in an array indexed by bin,
    # a perfect hash, which DuckDB uses for at most 2^12 groups unless told (a third of the pass's time)
    con.execute(f"SET perfect_ht_threshold = {PERFECT_HASH_BITS}")
    try:
        counted = con.execute(
            f"SELECT {_bin_sql(lowest)} AS bin, count(*) AS patients FROM {relation} GROUP BY bin "
            "ORDER BY bin DESC"
        ).fetchnumpy()
    finally:
        con.execute("RESET perfect_ht_threshold")
    return _Histogram(
        lowest, np.asarray(counted["bin"], dtype=np.int64), np.asarray(counted["patients"], dtype=np.int64)
    )


def _grouped(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    year: str,
    measures: list[str],
    groups: int,
    histogram: _Histogram,
    side: _Side,
) -> tuple[pd.DataFrame, float]:
    """Each group's patients, lowest risk and sums (``grp``, ``inside``, ``patients``, ``min_risk``, one
    column per measure), apart for the patients at or above the cohort's threshold (``inside``) and the
    others; and the threshold (``side``'s, or the risk of the patient at its rank; 0 with no cohort)."""
    sums = ", ".join(f"sum({m}_{year}) AS {m}" for m in measures)
    binned, bins, patients = histogram.binned, histogram.bins, histogram.patients
    place = _group_of_bin(bins, patients, groups, side.split)
    whole_above = np.zeros(BINS + 1, dtype=np.int32)
    whole_above[bins] = side.above
    # for a whole bin, its group and whether it is at or above the threshold, as one key (2 × group + 1 if
    # above: one column, ranging 0 to 2·groups + 1, which DuckDB sums into by a perfect hash); for a cut one,
    # key 0 and the rank before its first patient
    key = np.where(place > 0, 2 * place + whole_above, 0).astype(np.int32)
    places = pa.table(
        {
            "bin": np.arange(BINS + 1, dtype=np.int32),
            "key": key,
            "ranked_before": np.where(place < 0, -1 - place, 0),
        }
    )
    con.register("carebridge_curve_frame", places)
    # a table, so that DuckDB knows its keys are 0 to BINS, unique: a perfect hash join
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_PLACES} AS SELECT * FROM carebridge_curve_frame")
    con.unregister("carebridge_curve_frame")
    placed = f"{relation} AS patient JOIN {_PLACES} AS places ON {binned} = places.bin"
    whole = con.execute(
        f"SELECT places.key, count(*) AS patients, min(risk) AS min_risk, {sums} "
        f"FROM {placed} WHERE places.key > 0 GROUP BY places.key"
    ).df()
    keys = whole.pop("key").to_numpy(dtype=np.int64)
    whole.insert(0, "inside", keys % 2 == 1)
    whole.insert(0, "grp", keys // 2)
    activity = ", ".join(f"{m}_{year} AS {m}" for m in measures)
    cut = con.execute(
        f"SELECT patient.rowid AS row, places.ranked_before, risk, {activity} FROM {placed} "
        "WHERE places.key = 0"
    ).fetchnumpy()
    ranked, threshold = _ranked(cut, measures, int(patients.sum()), groups, side)
    return pd.concat([whole, ranked], ignore_index=True), threshold


def _ranked(
    cut: Mapping[str, Any], measures: list[str], total: int, groups: int, side: _Side
) -> tuple[pd.DataFrame, float]:
    """The cut bins' patients (``row``, ``ranked_before``, ``risk`` and each measure) ranked one by one,
    highest risk first and then in file order, and summed by group and side of the threshold as
    :func:`_grouped` sums the whole bins — the ``n``-th of them (from 0) has the rank ``ranked_before + n``
    (:func:`_group_of_bin`) — and the threshold: ``side``'s, or the risk of the patient at its rank (whose bin
    is among the cut ones). numpy, over the few patients the bins cannot place: a sort by risk and row, then
    each run of one group and side summed (sorted by rank, a group's patients are together, those at or
    above the threshold first)."""
    risk = _numbers(cut["risk"], np.nan)
    order = np.lexsort((np.asarray(cut["row"]), -risk))
    rank = np.asarray(cut["ranked_before"], dtype=np.int64)[order] + np.arange(order.size)
    risk = risk[order]
    threshold = side.threshold
    if side.rank is not None:
        threshold = float(risk[np.searchsorted(rank, side.rank)])
    inside = np.zeros(order.size, dtype=bool) if threshold is None else risk >= threshold
    key = 2 * _group_of_rank(rank, total, groups) + inside
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if key.size else key
    held = key[starts]
    columns: dict[str, Any] = {
        "grp": held // 2,
        "inside": held % 2 == 1,
        "patients": np.diff(np.concatenate([starts, [key.size]])),
        "min_risk": np.minimum.reduceat(risk, starts) if key.size else risk,
    }
    for m in measures:
        values = _numbers(cut[m], 0.0)[order]
        columns[m] = np.add.reduceat(values, starts) if key.size else values
    return pd.DataFrame(columns), 0.0 if threshold is None else threshold


def _numbers(values: Any, missing: float) -> npt.NDArray[np.float64]:
    """A column as fetched (a masked array where it has NULLs) as floats, ``missing`` for a NULL."""
    if isinstance(values, np.ma.MaskedArray):
        filled: npt.NDArray[np.float64] = np.ma.filled(values.astype(np.float64), missing)
        return filled
    return np.asarray(values, dtype=np.float64)


def _group_of_rank(rank: npt.NDArray[np.int64], total: int, groups: int) -> npt.NDArray[np.int64]:
    """The group (from 1) of each rank (from 0) of ``total`` patients in ``groups`` groups, as ``ntile``
    puts them: the first ``total mod groups`` groups hold one patient more."""
    size, large = divmod(total, groups)
    edge = large * (size + 1)
    return np.where(rank < edge, 1 + rank // (size + 1), 1 + large + (rank - edge) // max(size, 1))


def _curve(grouped: pd.DataFrame, measures: list[str], groups: int) -> pd.DataFrame:
    """The curve from :func:`_grouped`'s sums (numpy over at most 2 × ``groups`` rows: pandas' group-by
    took longer than the DuckDB pass before it)."""
    held, at = np.unique(grouped["grp"].to_numpy(dtype=np.int64), return_inverse=True)

    def summed(column: str) -> npt.NDArray[np.float64]:
        values = grouped[column].to_numpy(dtype=np.float64, na_value=0.0)
        return np.bincount(at, weights=values, minlength=held.size).astype(np.float64, copy=False)

    lowest = np.full(held.size, np.inf)
    np.minimum.at(lowest, at, grouped["min_risk"].to_numpy(dtype=np.float64))
    columns = {
        "percent": 100.0 * held / groups,
        "patients": np.cumsum(summed("patients")),
        "min_score": 100 * np.minimum.accumulate(lowest),
    }
    sums = {m: summed(m) for m in measures}
    if "op_first" in measures and "op_fu" in measures:
        sums["op"] = sums["op_first"] + sums["op_fu"]
    for m, values in sums.items():
        total = values.sum()
        columns[m] = np.cumsum(values) / total if total else np.zeros(held.size)
    origin = dict.fromkeys(columns, 0.0) | {"min_score": 100.0}
    return pd.DataFrame({name: np.concatenate([[origin[name]], values]) for name, values in columns.items()})


BINS = 1 << 16
"""Bins of ``ln(risk)`` from the lowest risk to 1 (a fine histogram: most patients' risks are small, which
the logarithm spreads)."""
PERFECT_HASH_BITS = (BINS + 1).bit_length()
"""Bits of the histogram's perfect hash table (2^17 entries for the 65,537 bins)."""
LOWEST = 1e-12
"""Risks below this share the first bin (a logarithm needs a floor)."""


def _span(lowest: float) -> tuple[float, float]:
    """The floor of the bins' risks and ``−ln`` of it (the span of ``ln(risk)`` the bins share)."""
    floor = max(lowest, LOWEST)
    return floor, -math.log(floor) if floor < 1 else 1.0


def _bin_sql(lowest: float) -> str:
    """A patient's bin, 0 to :data:`BINS`, as SQL: ``⌊BINS·(ln risk − ln lowest) / −ln lowest⌋`` — never lower
    for a higher risk, the same for the same risk."""
    floor, span = _span(lowest)
    return f"CAST(floor((ln(greatest(risk, {floor!r})) + {-math.log(floor)!r}) * {BINS / span!r}) AS INTEGER)"


def _bin_bounds(
    lowest: float, bins: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The risks each bin of :func:`_bin_sql` may hold: the range its definition gives, widened a millionth
    each way for rounding (0 from the first bin, which holds every risk below the floor, and infinity from
    the last)."""
    floor, span = _span(lowest)
    edges = np.exp(np.arange(BINS + 1) * span / BINS + math.log(floor))
    low = np.where(bins <= 0, 0.0, edges[np.clip(bins, 0, BINS)] * (1 - 1e-6))
    high = np.where(bins >= BINS - 1, np.inf, edges[np.clip(bins + 1, 0, BINS)] * (1 + 1e-6))
    return low, high


_PLACES = "carebridge_curve_places"


def _group_of_bin(
    bins: npt.NDArray[np.int64],
    patients: npt.NDArray[np.int64],
    groups: int,
    split: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.int64]:
    """For each bin of :func:`_bin_sql` (0 to :data:`BINS`), where its patients go: a bin whose patients all
    fall in one group gives that group (from 1); a bin that a group boundary cuts, or that ``split`` marks
    (it may hold risks on both sides of the cohort's threshold), gives ``−1 − o``: its
    patients are ranked one by one with the other cut bins' (by risk, then file order: a sort of those few,
    :func:`_ranked`), and the ``n``-th of them (from 0) has the rank (from 0) ``o + n``. ``bins`` in
    descending order, highest risk first, with their patients.

    Ranks follow from the counts: bin ``b``'s patients hold the ranks after those of every higher bin.
    """
    total = int(patients.sum())

    first = np.cumsum(patients) - patients
    group = _group_of_rank(first, total, groups)
    whole = group == _group_of_rank(first + patients - 1, total, groups)
    if split is not None:
        whole &= ~split
    cut = np.where(whole, 0, patients)
    ranked_before = np.cumsum(cut) - cut
    lookup = np.zeros(BINS + 1, dtype=np.int64)
    lookup[bins] = np.where(whole, group, -1 - (first - ranked_before))
    return lookup


def concentration_table(curve: pd.DataFrame, tops: tuple[float, ...] = TABLE_TOPS) -> pd.DataFrame:
    """The curve at the given top percentages (the nearest group boundary at or below each)."""
    at = np.searchsorted(curve["percent"].to_numpy(), np.asarray(tops) + 1e-9, side="right") - 1
    return curve.iloc[at].reset_index(drop=True).astype(np.float64)
