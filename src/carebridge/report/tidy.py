"""Tidy tables: one row per key, one value column. Their names and columns are a contract.

- ``activity``: year, pod, do_nothing, avoided_growth, reduction, do_something, deflection_pct
- ``scheme_activity``: scheme, year, pod, avoided_growth, reduction
- ``savings``: scheme, year, pod, provider, source, basis, value
- ``statement``: basis, section, line, year, value
- ``positions``: line, org, year, value — the typed positions, then the positions from the schemes (lines
  ``schemes.…``, for each organisation, ``nhs``, ``social_care`` and ``system``; model spec section 13)
- ``flows``: year, org, counterparty, pod, flow, value — each flow's effect on the organisation's position,
  deficit positive; ``stranded_cost`` is a subtotal of a provider's income and cost rows, never added again
- ``flow_checks``: check, year, computed, expected, difference — the checks of model spec section 13

Money in £'000; activity removed, savings and funding negative. Rows whose value is exactly zero are left
out of ``savings``; every other table has every row.

A table is built as a :class:`TidyTable` (numpy columns, from the run's views: :meth:`Results.view
<carebridge.engine.results.Results.view>`) and written as CSV by the standard library, byte for byte as
pandas' ``to_csv(index=False, float_format="%.4f")`` writes it; ``carebridge run`` imports no pandas. Readers
that want DataFrames (the library's API, tests) have :func:`tidy_tables` and :data:`TABLES`, which import
pandas when called.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from carebridge.engine.finance import SYSTEM
from carebridge.engine.view import View

if TYPE_CHECKING:
    import pandas as pd

    from carebridge.engine.results import Results

ACTIVITY_COLUMNS = [
    "year",
    "pod",
    "do_nothing",
    "avoided_growth",
    "reduction",
    "do_something",
    "deflection_pct",
]
STATEMENT_SECTIONS = {"investment": "investment", "funding": "funding", "net": "net"}


GROWTH_SPLIT_COLUMNS = ["demographic_growth", "non_demographic_growth"]
"""The split of do-nothing growth (docs/demand.md §3), in the activity table when the run has it."""

FLOAT_FORMAT = "%.4f"
"""How a number is written in a CSV table (four decimal places, as ``to_csv(float_format=…)``)."""


@dataclass(frozen=True)
class TidyTable:
    """A tidy table as its columns, in order: each a one-dimensional numpy array with a value for every row
    (text as an array of ``object``)."""

    columns: Mapping[str, npt.NDArray[Any]]

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def column(self, name: str) -> list[Any]:
        """The values of column ``name`` as Python values."""
        return list(self.columns[name].tolist())

    def rows(self, *names: str) -> Iterator[tuple[Any, ...]]:
        """The rows of the columns ``names`` (every column when none is named), as Python values."""
        return zip(*(self.column(name) for name in (names or self.names)), strict=True)

    def records(self) -> list[dict[str, Any]]:
        """Each row as ``{column: value}``, Python values (as ``DataFrame.to_dict(orient="records")``)."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.rows()]

    def csv(self) -> str:
        """The table as CSV text: a header, then a line per row; numbers to :data:`FLOAT_FORMAT`, a missing
        number empty, text quoted only where it holds a comma, a quote or a line break (pandas' ``to_csv``
        with ``index=False``, byte for byte)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=os.linesep, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(self.names)
        writer.writerows(zip(*(_printed(values) for values in self.columns.values()), strict=True))
        return buffer.getvalue()

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame (imports pandas)."""
        import pandas as pd

        return pd.DataFrame(dict(self.columns), columns=self.names)


def _printed(values: npt.NDArray[Any]) -> list[str]:
    """A column's values as the CSV writes them."""
    if values.dtype.kind == "f":
        return ["" if value != value else FLOAT_FORMAT % value for value in values.tolist()]
    if values.dtype.kind == "O":
        return ["" if _missing(value) else str(value) for value in values.tolist()]
    return [str(value) for value in values.tolist()]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


# ---- from views to columns -------------------------------------------------------------------------------


def _text(labels: Sequence[Any]) -> npt.NDArray[Any]:
    """Labels as an array of ``object`` (numpy would make fixed-width strings of them)."""
    array = np.empty(len(labels), dtype=object)
    array[:] = list(labels)
    return array


def _spread(values: npt.NDArray[Any], dims: Sequence[str], order: Sequence[str]) -> npt.NDArray[Any]:
    """``values`` over ``dims`` with its axes in ``order``, a dimension it lacks as an axis of one (to be
    broadcast)."""
    sizes = [1] * len(order)
    moved = np.transpose(values, [dims.index(dim) for dim in order if dim in dims])
    shape = list(moved.shape)
    for position, dim in enumerate(order):
        sizes[position] = shape.pop(0) if dim in dims else 1
    return moved.reshape(sizes)


def _long(variables: Mapping[str, View], order: Sequence[str]) -> dict[str, npt.NDArray[Any]]:
    """The long form of views over the dimensions ``order``: a column of labels per dimension, then a
    column per coordinate that is not a dimension and per variable, one row per cell (as
    ``to_dataframe().reset_index()``: the last dimension varies fastest)."""
    labels: dict[str, Sequence[Any]] = {}
    for view in variables.values():
        labels.update({dim: view.labels[dim] for dim in view.dims if dim not in labels})
    shape = tuple(len(labels[dim]) for dim in order)
    grid = np.indices(shape).reshape(len(order), -1) if order else np.zeros((0, 1), dtype=int)
    columns = {dim: _text(labels[dim])[grid[i]] for i, dim in enumerate(order)}
    for view in variables.values():
        for name, (dims, values) in view.extra.items():
            if name not in columns:
                columns[name] = _flat(_as_object(values), dims, order, shape)
    for name, view in variables.items():
        columns[name] = _flat(view.values, view.dims, order, shape)
    return columns


def _as_object(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    if values.dtype.kind in "US":
        made = np.empty(values.shape, dtype=object)
        made[...] = values.tolist() if values.ndim else values.item()
        return made
    return values


def _flat(
    values: npt.NDArray[Any], dims: Sequence[str], order: Sequence[str], shape: tuple[int, ...]
) -> npt.NDArray[Any]:
    """``values`` over ``dims`` broadcast to ``shape`` (over ``order``) and flattened, the last dimension
    fastest."""
    return np.broadcast_to(_spread(values, tuple(dims), order), shape).reshape(-1).copy()


def _dataset(results: Results, name: str) -> dict[str, View]:
    found = results.view(name)
    assert isinstance(found, dict), name
    return found


def _dims(variables: Mapping[str, View]) -> tuple[str, ...]:
    """The dimensions of a dataset's variables in the order they first appear (the dataset's own order)."""
    return tuple(dict.fromkeys(dim for view in variables.values() for dim in view.dims))


def _array(results: Results, name: str) -> View:
    found = results.view(name)
    assert isinstance(found, View), name
    return found


def _select(columns: Mapping[str, npt.NDArray[Any]], names: Sequence[str], rows: Any = None) -> TidyTable:
    """The columns ``names`` in that order, at ``rows`` (all when None)."""
    return TidyTable({name: columns[name] if rows is None else columns[name][rows] for name in names})


# ---- the tables ------------------------------------------------------------------------------------------


def activity_columns(results: Results) -> TidyTable:
    variables = _dataset(results, "activity")
    columns = _long(variables, _dims(variables))
    return _select(columns, ACTIVITY_COLUMNS + [c for c in GROWTH_SPLIT_COLUMNS if c in columns])


def scheme_activity_columns(results: Results) -> TidyTable:
    variables = _dataset(results, "scheme_activity")
    columns = _long(variables, _dims(variables))
    return _select(columns, ["scheme", "year", "pod", "avoided_growth", "reduction"])


def savings_columns(results: Results) -> TidyTable:
    savings = _array(results, "savings")
    columns = _long({"value": savings}, savings.dims)
    return _select(
        columns,
        ["scheme", "year", "pod", "provider", "source", "basis", "value"],
        np.flatnonzero(columns["value"] != 0),
    )


def statement_columns(results: Results) -> TidyTable:
    """The statement's lines and its net; the totals are left out (they are sums of the rows)."""
    statement = _array(results, "statement")
    columns = _long({"value": statement}, statement.dims)
    kept = np.flatnonzero(np.isin(columns["section"], list(STATEMENT_SECTIONS)))
    printed = {
        (basis, line): results.statement_label(str(basis), str(line))
        for basis in statement.labels["basis"]
        for line in statement.labels["line"]
    }
    columns["line"] = _text(
        [printed[basis, line] for basis, line in zip(columns["basis"], columns["line"], strict=True)]
    )
    return _select(columns, ["basis", "section", "line", "year", "value"], kept)


def positions_columns(results: Results) -> TidyTable:
    """Positions by line, organisation and year; a plan line appears under its organisation and ``system``
    (an allocated line under every organisation), then the positions from the schemes."""
    positions = _array(results, "positions")
    columns = _long({"value": positions}, positions.dims)
    owners, allocated = results.plan_line_orgs, set(results.allocated_lines)
    kept_cells = {
        (line, org): line not in owners or owners[line] == org or org == SYSTEM or line in allocated
        for line in positions.labels["line"]
        for org in positions.labels["org"]
    }
    kept = np.flatnonzero(
        [kept_cells[line, org] for line, org in zip(columns["line"], columns["org"], strict=True)]
    )
    typed = _select(columns, ["line", "org", "year", "value"], kept)
    if results.plan_flows is None:  # no positions from the schemes (read without labelling them)
        return typed
    schemes = _array(results, "scheme_positions")
    from_schemes = _long({"value": schemes}, schemes.dims)
    from_schemes["org"] = from_schemes["holder"]
    return TidyTable(
        {
            name: np.concatenate([typed.columns[name], from_schemes[name]])
            for name in ["line", "org", "year", "value"]
        }
    )


FLOW_COLUMNS = ["year", "org", "counterparty", "pod", "flow", "value"]


def _empty(names: Sequence[str]) -> TidyTable:
    return TidyTable({name: np.empty(0, dtype=object) for name in names})


def flows_columns(results: Results) -> TidyTable:
    """Every flow between the partners (model spec section 13), by year; rows that are 0 in every year are
    left out."""
    if results.plan_flows is None:
        return _empty(FLOW_COLUMNS)
    flows = _array(results, "flows")
    moving = (np.abs(flows.values) > 0).any(axis=flows.dims.index("year"))
    kept = flows.isel(entry=[int(i) for i in np.flatnonzero(moving)])
    columns = _long({"value": kept}, kept.dims)
    columns["value"] = columns["value"] + 0.0  # no -0 in the file
    keys = [columns[name].tolist() for name in ("year", "org", "flow")]
    order = sorted(range(len(columns["value"])), key=lambda row: tuple(key[row] for key in keys))
    return _select(columns, FLOW_COLUMNS, np.asarray(order, dtype=int))


FLOW_CHECK_COLUMNS = ["check", "year", "computed", "expected", "difference"]


def flow_checks_columns(results: Results) -> TidyTable:
    """The checks of model spec section 13 by year: computed, expected and their difference (£'000)."""
    if results.plan_flows is None:
        return _empty(FLOW_CHECK_COLUMNS)
    variables = _dataset(results, "flow_checks")
    columns = _long(variables, _dims(variables))
    columns["check"] = columns["name"]
    return _select(columns, FLOW_CHECK_COLUMNS)


TIDY: dict[str, Callable[[Results], TidyTable]] = {
    "activity": activity_columns,
    "scheme_activity": scheme_activity_columns,
    "savings": savings_columns,
    "statement": statement_columns,
    "positions": positions_columns,
    "flows": flows_columns,
    "flow_checks": flow_checks_columns,
}
"""Every tidy table of a run by name, as columns (no pandas)."""


def tidy_columns(results: Results) -> dict[str, TidyTable]:
    """Every tidy table of a run, by name: what :func:`write_tables` writes and the executive summary
    reads."""
    return {name: build(results) for name, build in TIDY.items()}


def plan_documents(results: Results) -> dict[str, Any]:
    """The statement and the positions as lists of records: what an approved plan keeps of them."""
    return {
        "statement": statement_columns(results).records(),
        "positions": positions_columns(results).records(),
    }


def write_tables(results: Results, folder: Path, tables: Mapping[str, TidyTable] | None = None) -> list[Path]:
    """Write every tidy table as ``NAME.csv`` into ``folder`` (``tables`` when already built); return the
    paths."""
    folder.mkdir(parents=True, exist_ok=True)
    built = tidy_columns(results) if tables is None else tables
    written = []
    for name, table in built.items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as file:
            file.write(table.csv())
        written.append(path)
    return written


# ---- as DataFrames (pandas imported when called) ---------------------------------------------------------


def _frame_of(build: Callable[[Results], TidyTable]) -> Callable[[Results], pd.DataFrame]:
    def frame(results: Results) -> pd.DataFrame:
        return build(results).frame()

    frame.__name__ = build.__name__.replace("_columns", "_table")
    frame.__doc__ = f"{build.__doc__ or ''} As a DataFrame (imports pandas)."
    return frame


activity_table = _frame_of(activity_columns)
scheme_activity_table = _frame_of(scheme_activity_columns)
savings_table = _frame_of(savings_columns)
statement_table = _frame_of(statement_columns)
positions_table = _frame_of(positions_columns)
flows_table = _frame_of(flows_columns)
flow_checks_table = _frame_of(flow_checks_columns)

TABLES: dict[str, Callable[[Results], pd.DataFrame]] = {
    "activity": activity_table,
    "scheme_activity": scheme_activity_table,
    "savings": savings_table,
    "statement": statement_table,
    "positions": positions_table,
    "flows": flows_table,
    "flow_checks": flow_checks_table,
}
"""Every tidy table of a run by name, as a DataFrame (imports pandas when called)."""


def tidy_tables(results: Results) -> dict[str, pd.DataFrame]:
    """Every tidy table of a run, by name, as DataFrames (imports pandas)."""
    return {name: table.frame() for name, table in tidy_columns(results).items()}
