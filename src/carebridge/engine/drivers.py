"""Driver-based lines (model spec section 8): formulas over named inputs, phasing, realisation, overlap.

A formula is evaluated by walking its checked syntax tree (:mod:`carebridge.scenario.formula`) over labelled
arrays with a ``year`` dimension, so one evaluation gives every year (and every Monte Carlo draw).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import xarray as xr

from carebridge.scenario.formula import Formula, dotted_name
from carebridge.scenario.schema import Overlap, Phasing
from carebridge.scenario.years import Fill, YearRange


class FormulaValueError(ValueError):
    """A formula that reads well but gives no number: an unknown name, or a division by zero."""


def evaluate(formula: Formula, names: Mapping[str, xr.DataArray | float]) -> xr.DataArray | float:
    """The value of ``formula`` by year, with each name taken from ``names``; a value that is not a finite
    number in some year (an overflow, ``0 ** -1``, a negative number to a fractional power) is an error."""
    with np.errstate(all="ignore"):
        value = _value(formula.tree, names)
    if not np.all(np.isfinite(np.asarray(value))):
        raise FormulaValueError("gives no number in some year (infinite or undefined)")
    return value


def _value(node: ast.expr, names: Mapping[str, xr.DataArray | float]) -> xr.DataArray | float:
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)
        return np.float64(node.value)  # numpy scalars: overflow and 0 ** -1 give inf, caught as no number
    name = dotted_name(node)
    if name is not None:
        if name not in names:
            raise FormulaValueError(f"has no value for '{name}' here")
        return names[name]
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, names)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left, names), _value(node.right, names)
        return _binary(node.op, left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _call(node.func.id, node.args, names)
    raise FormulaValueError(
        f"cannot evaluate {ast.dump(node)}"
    )  # pragma: no cover - parse_formula refuses it


def _binary(
    op: ast.operator, left: xr.DataArray | float, right: xr.DataArray | float
) -> xr.DataArray | float:
    if isinstance(op, ast.Add):
        return left + right
    if isinstance(op, ast.Sub):
        return left - right
    if isinstance(op, ast.Mult):
        return left * right
    if isinstance(op, ast.Div):
        if np.any(np.asarray(right) == 0):
            raise FormulaValueError("divides by zero")
        return left / right
    if isinstance(op, ast.Pow):
        with np.errstate(all="ignore"):
            return cast(xr.DataArray | float, np.power(left, right))
    raise FormulaValueError(f"unknown operator {op}")  # pragma: no cover


def _call(
    function: str, args: list[ast.expr], names: Mapping[str, xr.DataArray | float]
) -> xr.DataArray | float:
    if function == "lag":
        years = args[1]
        assert isinstance(years, ast.Constant) and isinstance(years.value, int)
        return _by_year(_value(args[0], names), names).shift(year=years.value, fill_value=0.0)
    values = [_value(arg, names) for arg in args]
    if function in ("min", "max"):
        pick = np.minimum if function == "min" else np.maximum
        result: Any = values[0]
        for value in values[1:]:
            result = pick(result, value)
        return cast(xr.DataArray | float, result)
    if function == "abs":
        return cast(xr.DataArray | float, abs(values[0]))
    series = _by_year(values[0], names)
    if function == "cumulative":
        start = int(cast(float, names.get("__start__", 0)))
        return series.where(np.arange(series.sizes["year"]) >= start, 0.0).cumsum("year")
    if function == "growth":
        return series - series.isel(year=0)
    if function == "change":
        return (series - series.shift(year=1)).fillna(0.0)
    if function == "base":
        return xr.zeros_like(series) + series.isel(year=0)
    raise FormulaValueError(f"unknown function {function}")  # pragma: no cover


def _by_year(value: xr.DataArray | float, names: Mapping[str, xr.DataArray | float]) -> xr.DataArray:
    if isinstance(value, xr.DataArray) and "year" in value.dims:
        return value
    template = names["__years__"]
    assert isinstance(template, xr.DataArray)
    return xr.zeros_like(template) + value


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
    fraction = sum(o.fraction or 0.0 for o in overlaps)
    amount = sum((span.expand(o.amount) for o in overlaps if o.amount is not None), np.zeros(len(span)))
    removed = xr.DataArray(amount, dims=["year"], coords={"year": span.labels})
    return gross * (1 - fraction) - np.sign(gross) * removed
