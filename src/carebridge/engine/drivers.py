"""Driver-based lines (model spec section 8): formulas over named inputs, phasing, realisation, overlap.

A formula is evaluated by walking its checked syntax tree (:mod:`carebridge.scenario.formula`) over numpy
arrays whose LAST axis is the year (a leading ``draw`` axis where a value is uncertain), so one evaluation
gives every year (and every Monte Carlo draw). :func:`evaluate` takes and gives labelled arrays (the seam the
plan lines use); :func:`evaluate_array` works on the arrays themselves.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from carebridge.scenario.formula import Formula, dotted_name
from carebridge.scenario.schema import Overlap, Phasing
from carebridge.scenario.years import Fill, YearRange

if TYPE_CHECKING:
    import xarray as xr

Floats = npt.NDArray[np.float64]
Value = np.float64 | Floats
"""A formula's value inside the evaluation: a number (every year alike) or an array by (…, year)."""

YEARS = "__years__"
DRAW = "draw"


class FormulaValueError(ValueError):
    """A formula that reads well but gives no number: an unknown name, or a division by zero."""


def evaluate(formula: Formula, names: Mapping[str, xr.DataArray | float]) -> xr.DataArray | float:
    """The value of ``formula`` by year, with each name taken from ``names``; a value that is not a finite
    number in some year (an overflow, ``0 ** -1``, a negative number to a fractional power) is an error.

    ``names`` holds labelled arrays by ``year`` (a ``draw`` dimension first where uncertain), numbers, or
    numpy arrays by (…, year); ``__years__`` is a series by year (its labels label the result). The result is
    a number when no name with a year is used, else a series by (draw?, year)."""
    import xarray as xr

    template = names[YEARS]
    labels = template.coords.variables["year"] if isinstance(template, xr.DataArray) else None
    n_years = int(np.shape(template)[-1])

    def lookup(name: str) -> Value:
        nonlocal labels
        value = names[name]
        if isinstance(value, xr.DataArray):
            if labels is None and "year" in value.coords:
                labels = value.coords.variables["year"]
            return _array_of(value, n_years)
        return np.float64(value) if np.ndim(value) == 0 else np.asarray(value, dtype=np.float64)

    result = _evaluate(formula, names.__contains__, lookup, n_years, names.get("__start__", 0))
    if np.ndim(result) == 0:
        return np.float64(result)
    dims = ["year"] if np.ndim(result) == 1 else [DRAW, "year"]
    return xr.DataArray(result, dims=dims, coords={} if labels is None else {"year": labels})


def evaluate_array(formula: Formula, names: Mapping[str, Value | float], n_years: int) -> Value:
    """:func:`evaluate` over numbers and numpy arrays by (…, year) of ``n_years`` years."""

    def lookup(name: str) -> Value:
        value = names[name]
        return np.float64(value) if np.ndim(value) == 0 else np.asarray(value, dtype=np.float64)

    return _evaluate(formula, names.__contains__, lookup, n_years, names.get("__start__", 0))


def values_of(value: xr.DataArray, n_years: int) -> Value:
    """A labelled name as :func:`evaluate_array` reads it: year last, a draw axis first."""
    return _array_of(value, n_years)


def _array_of(value: xr.DataArray, n_years: int) -> Value:
    """A labelled name as the evaluation's array: year last, a draw axis first; a value without a year is the
    same in every year."""
    if value.ndim == 0:
        return np.float64(value.values)
    if value.dims == ("year",) or value.dims == (DRAW, "year"):
        return np.asarray(value.values, dtype=np.float64)
    if "year" in value.dims:
        return np.asarray(value.transpose(..., "year").values, dtype=np.float64)
    data = np.asarray(value.values, dtype=np.float64)
    return np.broadcast_to(data[..., None], (*data.shape, n_years))


def _evaluate(
    formula: Formula,
    known: Callable[[object], bool],
    lookup: Callable[[str], Value],
    n_years: int,
    start: object,
) -> Value:
    walker = _Walker(known, lookup, n_years, int(float(start)))  # type: ignore[arg-type]
    with np.errstate(all="ignore"):
        value = walker.value(formula.tree)
    if not np.all(np.isfinite(value)):
        raise FormulaValueError("gives no number in some year (infinite or undefined)")
    return value


class _Walker:
    """Evaluation of one formula's tree: names looked up (and converted) once each."""

    def __init__(
        self, known: Callable[[object], bool], lookup: Callable[[str], Value], n_years: int, start: int
    ) -> None:
        self.known, self.lookup, self.n_years, self.start = known, lookup, n_years, start
        self.seen: dict[str, Value] = {}

    def value(self, node: ast.expr) -> Value:
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, int | float)
            return np.float64(node.value)  # numpy scalars: overflow and 0 ** -1 give inf, caught as no number
        name = dotted_name(node)
        if name is not None:
            if name not in self.seen:
                if not self.known(name):
                    raise FormulaValueError(f"has no value for '{name}' here")
                self.seen[name] = self.lookup(name)
            return self.seen[name]
        if isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            return _binary(node.op, self.value(node.left), self.value(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node.func.id, node.args)
        raise FormulaValueError(
            f"cannot evaluate {ast.dump(node)}"
        )  # pragma: no cover - parse_formula refuses it

    def call(self, function: str, args: list[ast.expr]) -> Value:
        if function == "lag":
            years = args[1]
            assert isinstance(years, ast.Constant) and isinstance(years.value, int)
            return _lag(self.by_year(self.value(args[0])), years.value)
        values = [self.value(arg) for arg in args]
        if function in ("min", "max"):
            pick = np.minimum if function == "min" else np.maximum
            result = values[0]
            for value in values[1:]:
                result = pick(result, value)
            return result
        if function == "abs":
            return np.abs(values[0])
        series = self.by_year(values[0])
        if function == "cumulative":
            counted = np.where(np.arange(self.n_years) >= self.start, series, 0.0)
            return np.nancumsum(counted, axis=-1)  # as a labelled cumsum: a NaN counts 0
        if function == "growth":
            return series - series[..., :1]
        if function == "change":
            change = np.concatenate([np.full_like(series[..., :1], np.nan), np.diff(series, axis=-1)], -1)
            return np.where(np.isnan(change), 0.0, change)
        if function == "base":
            return np.zeros(self.n_years) + series[..., :1]
        raise FormulaValueError(f"unknown function {function}")  # pragma: no cover

    def by_year(self, value: Value) -> Floats:
        if np.ndim(value) > 0:
            return np.asarray(value)
        return np.zeros(self.n_years) + value


def _lag(series: Floats, years: int) -> Floats:
    """``series`` ``years`` years later along its last axis, 0 before."""
    if years == 0:
        return series
    out = np.zeros_like(series)
    if years < series.shape[-1]:
        out[..., years:] = series[..., :-years]
    return out


def _binary(op: ast.operator, left: Value, right: Value) -> Value:
    if isinstance(op, ast.Add):
        return left + right
    if isinstance(op, ast.Sub):
        return left - right
    if isinstance(op, ast.Mult):
        return left * right
    if isinstance(op, ast.Div):
        if np.any(right == 0):
            raise FormulaValueError("divides by zero")
        return left / right
    if isinstance(op, ast.Pow):
        return np.power(left, right)
    raise FormulaValueError(f"unknown operator {op}")  # pragma: no cover


def phase_fractions(phasing: Phasing | None, span: YearRange) -> np.ndarray:
    """The fraction of full effect reached in each year (0 before the start year).

    ``step``: 1 from the start; ``linear``: ``(t − s + 1) / n``; ``front_loaded``: ``1 − (1 − x)²``;
    ``back_loaded``: ``x²`` with ``x = (t − s + 1) / n``, all capped at 1; ``fractions``: as given (held).
    """
    n = len(span)
    if phasing is None:
        return np.ones(n)
    start = span.index(phasing.start) if phasing.start else 0
    if phasing.profile == "fractions":
        fractions = span.expand(phasing.fractions or {}, Fill.HELD)
        fractions[:start] = 0.0
        return fractions
    progress = np.clip((np.arange(n) - start + 1) / phasing.years, 0.0, 1.0)
    shape = {
        "step": (np.arange(n) >= start).astype(float),
        "linear": progress,
        "front_loaded": 1 - (1 - progress) ** 2,
        "back_loaded": progress**2,
    }
    return shape[phasing.profile] * (np.arange(n) >= start)


def net_of_overlaps(gross: xr.DataArray, overlaps: list[Overlap], span: YearRange) -> xr.DataArray:
    """``net = gross · (1 − Σ fraction) − sign(gross) · Σ amount``: double counting removed from a line."""
    import xarray as xr

    fraction = sum(o.fraction or 0.0 for o in overlaps)
    amount = sum((span.expand(o.amount) for o in overlaps if o.amount is not None), np.zeros(len(span)))
    shape = [len(span) if dim == "year" else 1 for dim in gross.dims]
    data = gross.values
    net = data * (1 - fraction) - np.sign(data) * amount.reshape(shape)
    return xr.DataArray(net, dims=gross.dims, coords=gross.coords)
