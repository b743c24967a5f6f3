"""The synthetic population generator: ``carebridge synth --patients 300000 --seed 1 --out FILE.parquet``.

Patients are generated in chunks (500,000 by default) and each chunk is written as a Parquet row group, so
memory stays bounded however many patients are asked for. Every chunk draws from its own random stream,
spawned from the seed, so a file is the same for the same seed, size and chunk size. Who the patients are is
:mod:`carebridge.strat.population`; the care they use, :mod:`carebridge.strat.utilisation`.

The file follows the patient table of ``docs/patient-data.md``. With ``truth=True`` it also holds
``true_risk`` (the generator's own chance of an emergency admission next year), which real data never has.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from carebridge.strat.columns import LTC_COLUMNS
from carebridge.strat.population import NEIGHBOURHOODS, PRACTICES_PER_NEIGHBOURHOOD, draw_people
from carebridge.strat.utilisation import draw_frailty, draw_risk, draw_year

CHUNK = 500_000
PRACTICE_CODES = tuple(
    f"P{number + 1:02d}" for number in range(len(NEIGHBOURHOODS) * PRACTICES_PER_NEIGHBOURHOOD)
)
COUNT_TYPE = pa.int16()


def _dictionary(indices: np.ndarray, labels: tuple[str, ...]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int8)), pa.array(labels))


def _counts(values: np.ndarray) -> pa.Array:
    return pa.array(np.minimum(values, np.iinfo(np.int16).max).astype(np.int16), type=COUNT_TYPE)


def generate_chunk(rng: np.random.Generator, size: int, first_id: int, truth: bool = False) -> pa.Table:
    """``size`` synthetic patients with keys from ``first_id``, as an Arrow table."""
    people = draw_people(rng, size)
    frailty = draw_frailty(rng, people)
    risk = draw_risk(rng, people, frailty)
    prior = draw_year(rng, people, risk)
    after = draw_year(rng, people, risk)
    columns: dict[str, pa.Array] = {
        "patient_id": pa.array(np.arange(first_id, first_id + size, dtype=np.int64)),
        "age": pa.array(people.age.astype(np.int16)),
        "sex": pa.DictionaryArray.from_arrays(
            pa.array((~people.female).astype(np.int8)), pa.array(["F", "M"])
        ),
        "imd_decile": pa.array(people.imd_decile.astype(np.int8)),
        "practice": _dictionary(people.practice, PRACTICE_CODES),
        "neighbourhood": _dictionary(people.neighbourhood, NEIGHBOURHOODS),
    }
    for column in LTC_COLUMNS:
        columns[column] = pa.array(people.conditions[column.removeprefix("ltc_")])
    columns["frailty"] = pa.array(np.round(frailty.efi, 3).astype(np.float32), from_pandas=True)
    columns["care_home"] = pa.array(frailty.care_home)
    for year, counts in (("prior", prior), ("next", after)):
        for measure in ("ae", "nel", "nel_acs", "el", "op_first", "op_fu", "gp"):
            columns[f"{measure}_{year}"] = _counts(np.asarray(counts[measure]))
        columns[f"cost_{year}"] = pa.array(np.asarray(counts["cost"], dtype=np.float64))
    if truth:
        columns["true_risk"] = pa.array(risk.true_risk)
    return pa.table(columns)


def generate_chunks(patients: int, seed: int, chunk: int = CHUNK, truth: bool = False) -> Iterator[pa.Table]:
    """The population in chunks of at most ``chunk`` patients, each from its own spawned random stream."""
    streams = np.random.SeedSequence(seed).spawn(max(1, -(-patients // chunk)))
    for index, stream in enumerate(streams):
        first = index * chunk
        size = min(chunk, patients - first)
        if size > 0:
            yield generate_chunk(np.random.default_rng(stream), size, first + 1, truth)


def synthetic_patients(patients: int, seed: int, truth: bool = False) -> pa.Table:
    """A small population in memory (for tests and examples; write big ones with :func:`write_population`)."""
    return pa.concat_tables(generate_chunks(patients, seed, truth=truth))


def write_population(path: Path, patients: int, seed: int, chunk: int = CHUNK, truth: bool = False) -> int:
    """Write ``patients`` synthetic patients to a Parquet file, one row group per chunk; return the count."""
    writer: pq.ParquetWriter | None = None
    written = 0
    try:
        for table in generate_chunks(patients, seed, chunk, truth):
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table, row_group_size=min(chunk, 1_000_000))
            written += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    return written
