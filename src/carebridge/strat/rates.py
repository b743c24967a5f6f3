"""Base activity rates by age band × sex per POD from the patient table (docs/demand.md section 2).

A POD's demographic growth weights each age band and sex by its activity per head (its rate). Rather than
given, the rates can come from the patient-level table ``carebridge stratify`` reads: for each POD (mapped to
a measure of the table as for ``--emit-cohort``), sex and age band, the people of the table, their activity in
the year (``<measure>_prior`` or ``_next``) and the rate ``activity / people``. Everything runs in DuckDB over
the file in place; only the counts by sex and single age (at most 2 × 91 rows) reach Python.

The table written for a scenario (:func:`rates_table`) is under disclosure control (``strat/disclosure.py``):
counts below 10 suppressed, other counts rounded to 5, a rate from the unrounded counts and suppressed with
them. Patients of unknown sex (``U``) have no place in a projection by sex and are left out (counted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from carebridge.scenario.population import OLDEST, band_problems, parse_band
from carebridge.strat.cohort import measures_in
from carebridge.strat.database import connection
from carebridge.strat.disclosure import SUPPRESSED, DisclosureRule
from carebridge.strat.source import create_patient_view, open_patient_file, sql_name
from carebridge.strat.validate import validate_patients

DEFAULT_BANDS = ("0-17", "18-64", "65-74", "75-84", "85+")
"""Age bands wide enough that few cells of a borough's table fall under disclosure control."""
COLUMNS = ("pod", "measure", "sex", "band", "people", "activity", "rate")
"""The columns of the rates table, in order; a scenario's ``demography.rates`` reads ``pod``, ``sex``,
``band`` and ``rate``."""
SEX_CODES = {"F": "female", "M": "male"}
Year = Literal["prior", "next"]


class RatesError(Exception):
    """Options that cannot give rates from the data (the message says why and what to do)."""


@dataclass(frozen=True)
class BaseRates:
    """The rates of a patient file: ``table`` (exact counts) has :data:`COLUMNS`."""

    file: str
    patients: int
    unknown_sex: int
    year: Year
    table: pd.DataFrame


def parse_bands(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """Each band's label and ages; raise :class:`RatesError` for a label that is no band or bands that
    overlap."""
    problems = band_problems(("--bands",), labels)
    if problems:
        raise RatesError("; ".join(f"--bands: {p.message}" for p in problems))
    bands = []
    for label in labels:
        ages = parse_band(label)
        assert ages is not None
        bands.append((label, *ages))
    return bands


def base_rates(
    path: Path,
    pod_map: Mapping[str, str],
    bands: Sequence[str] = DEFAULT_BANDS,
    year: Year = "prior",
    con: duckdb.DuckDBPyConnection | None = None,
) -> BaseRates:
    """Activity per head by POD, sex and age band of the patient file at ``path``; raises
    :class:`~carebridge.strat.errors.PatientDataError` for a bad file and :class:`RatesError` for options
    the file cannot serve."""
    if con is None:
        with connection() as own:
            return base_rates(path, pod_map, bands, year, own)
    chosen = parse_bands(bands)
    file = open_patient_file(path)
    checked = validate_patients(con, file)
    columns = set(checked.columns)
    present = measures_in(columns, year)
    sums = {measure: [measure] for measure in present}
    if {"op_first", "op_fu"} <= set(present):
        sums["op"] = ["op_first", "op_fu"]
    lacking = sorted({measure for measure in pod_map.values() if measure not in sums})
    if lacking:
        raise RatesError(
            f"{file.name}: has no {year}-year column for {', '.join(lacking)}; it counts "
            f"{', '.join(sums) or 'no activity'} in that year"
        )
    create_patient_view(con, file)
    needed = sorted(set(pod_map.values()))
    totals = ", ".join(
        f"sum({' + '.join(sql_name(f'{m}_{year}') for m in sums[measure])}) AS {sql_name(measure)}"
        for measure in needed
    )
    counts = con.execute(
        f"SELECT sex, least(age, {OLDEST}) AS age, count(*) AS people, {totals} "
        "FROM patients GROUP BY ALL ORDER BY ALL"
    ).df()
    known = counts[counts["sex"].isin(list(SEX_CODES))]
    unknown = int(counts.loc[~counts["sex"].isin(list(SEX_CODES)), "people"].sum())
    rows = []
    for pod, measure in pod_map.items():
        for code, sex in SEX_CODES.items():
            of_sex = known[known["sex"] == code]
            for label, low, high in chosen:
                cell = of_sex[(of_sex["age"] >= low) & (of_sex["age"] <= high)]
                people = float(cell["people"].sum())
                activity = float(cell[measure].sum())
                rate = activity / people if people > 0 else float("nan")
                rows.append((pod, measure, sex, label, people, activity, rate))
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return BaseRates(file.name, checked.patients, unknown, year, table)


def controlled_rows(rates: BaseRates, rule: DisclosureRule) -> list[list[str]]:
    """The rates table under disclosure control, as the text of its cells (:data:`COLUMNS`): counts
    suppressed (``*``) or rounded, a rate from the unrounded counts to six significant figures and suppressed
    with them."""
    table = rule.apply(rates.table, ["people", "activity"], {"rate": ["people", "activity"]})
    rows: list[list[str]] = []
    for record in table.to_dict("records"):
        cells = [str(record[column]) for column in COLUMNS[:4]]
        for column in ("people", "activity"):
            value = record[column]
            cells.append(SUPPRESSED if pd.isna(value) else str(int(value)))
        rate = record["rate"]
        cells.append(SUPPRESSED if pd.isna(rate) else f"{float(rate):.6g}")
        rows.append(cells)
    return rows


def rates_table(rates: BaseRates, rule: DisclosureRule) -> str:
    """The controlled table as CSV (:func:`controlled_rows`)."""
    lines = [",".join(COLUMNS), *(",".join(row) for row in controlled_rows(rates, rule))]
    return "\n".join(lines) + "\n"
