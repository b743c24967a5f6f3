"""Formulas of driver-based plan lines, parsed safely: never ``eval`` or ``exec`` of user text.

A formula is an arithmetic expression over numbers, named inputs and a few functions::

    -0.02 * cumulative(expenditure.providers)
    -opportunity * 0.5
    -(activity.nel * 0.2) * price.nel / 1000

Python's own parser reads the text into a syntax tree (``ast.parse`` in ``eval`` mode, which only parses);
this module then accepts only the nodes listed below — numbers, names and dotted names, ``+ - * / **``,
unary minus and calls of the functions in :data:`FUNCTIONS` — and refuses everything else with the position
of the offending part. Evaluation (in :mod:`carebridge.engine.drivers`) walks the same tree over arrays.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

FUNCTIONS: dict[str, tuple[int, int, str]] = {
    "cumulative": (
        1,
        1,
        "running total from the line's start year: cumulative(x)[t] = x[start] + … + x[t]",
    ),
    "lag": (2, 2, "the value n years earlier, 0 before the first year: lag(x, n)"),
    "growth": (1, 1, "x[t] − x[base year]: the growth above the base year"),
    "change": (1, 1, "x[t] − x[t − 1]: the change from the year before (0 in the base year)"),
    "base": (1, 1, "the base-year value of x, in every year"),
    "min": (2, 8, "the smaller of its arguments, year by year"),
    "max": (2, 8, "the larger of its arguments, year by year"),
    "abs": (1, 1, "the absolute value"),
}
"""Functions a formula may call: name → (fewest arguments, most arguments, what it does)."""

MAX_FORMULA_CHARACTERS = 2000
"""The longest formula read (a plan's formulas are under 200 characters); longer ones are refused before
parsing, since Python's parser recurses once per term."""

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_UNARY = {ast.USub: "-", ast.UAdd: "+"}


class FormulaError(ValueError):
    """A formula that cannot be read, with the 0-based column of the offending part."""

    def __init__(self, message: str, column: int | None = None):
        self.message = message
        self.column = column
        super().__init__(message)


@dataclass(frozen=True)
class Reference:
    """A named input a formula uses, and where."""

    name: str
    column: int


@dataclass(frozen=True)
class Formula:
    """A parsed, checked formula."""

    text: str
    tree: ast.expr
    references: tuple[Reference, ...]

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(ref.name for ref in self.references))


def parse_formula(text: str) -> Formula:
    """Parse and check a formula; raise :class:`FormulaError` with the column of what is wrong. A formula
    read before is not read again (every run evaluates the same few)."""
    return _parse(text)


def _parse(text: str) -> Formula:
    if not isinstance(text, str) or not text.strip():
        raise FormulaError(
            "the formula is empty; expected an expression like '-0.02 * expenditure.providers'"
        )
    if len(text) > MAX_FORMULA_CHARACTERS:
        raise FormulaError(
            f"the formula is {len(text):,} characters long; a formula may be at most "
            f"{MAX_FORMULA_CHARACTERS:,} (split it with parameters)"
        )
    return _parsed(text)


@functools.lru_cache(maxsize=1024)
def _parsed(text: str) -> Formula:
    """:func:`parse_formula` of a formula that is text of a length it reads; kept, since a run reads each
    formula several times (its order, its names, its value) and every run of a plan the same formulas."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
        references: list[Reference] = []
        _check(tree, references)
    except SyntaxError as error:
        column = (error.offset or 1) - 1
        raise FormulaError(f"cannot read the formula: {error.msg}", column) from None
    except (RecursionError, MemoryError):
        raise FormulaError("the formula nests too deeply to be read; split it with parameters") from None
    return Formula(text.strip(), tree, tuple(references))


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` → ``'a.b.c'``; None when the node is not a (dotted) name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted_name(node.value)
        return f"{head}.{node.attr}" if head is not None else None
    return None


def _check(node: ast.expr, references: list[Reference]) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"{node.value!r} is not a number", node.col_offset)
        return
    name = dotted_name(node)
    if name is not None:
        references.append(Reference(name, node.col_offset))
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left, references)
        _check(node.right, references)
        return
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        _check(node.operand, references)
        return
    if isinstance(node, ast.Call):
        _check_call(node, references)
        return
    raise FormulaError(
        f"{_describe(node)} is not allowed in a formula; use numbers, names, + - * / ** and "
        f"the functions {', '.join(FUNCTIONS)}",
        getattr(node, "col_offset", None),
    )


def _check_call(node: ast.Call, references: list[Reference]) -> None:
    function = node.func.id if isinstance(node.func, ast.Name) else None
    if function is None or function not in FUNCTIONS:
        from carebridge.scenario.errors import did_you_mean

        if isinstance(node.func, ast.Attribute):
            method = node.func.attr
            raise FormulaError(
                f"'{_written(node.func)}(…)' calls a method, which a formula cannot do"
                f"{did_you_mean(method, FUNCTIONS)}; the functions are {', '.join(FUNCTIONS)}, "
                "called as name(argument, …)",
                node.func.col_offset,
            )
        shown = function or _written(node.func)
        raise FormulaError(
            f"'{shown}' is not a function a formula can use{did_you_mean(shown, FUNCTIONS)}; "
            f"the functions are {', '.join(FUNCTIONS)}",
            node.func.col_offset,
        )
    if node.keywords:
        raise FormulaError(f"{function}() takes no named arguments", node.keywords[0].value.col_offset)
    fewest, most, meaning = FUNCTIONS[function]
    if not fewest <= len(node.args) <= most:
        wanted = str(fewest) if fewest == most else f"{fewest} to {most}"
        raise FormulaError(
            f"{function}() takes {wanted} argument{'s' if most > 1 else ''}, "
            f"found {len(node.args)}: {meaning}",
            node.col_offset,
        )
    if function == "lag":
        years = node.args[1]
        count = years.value if isinstance(years, ast.Constant) else None
        if not (type(count) is int and count >= 0):
            raise FormulaError("lag(x, n) needs a whole number of years n ≥ 0", years.col_offset)
        _check(node.args[0], references)
        return
    for argument in node.args:
        _check(argument, references)


def _describe(node: ast.AST) -> str:
    kinds = {
        ast.Compare: "a comparison",
        ast.BoolOp: "'and' / 'or'",
        ast.IfExp: "'if … else'",
        ast.Subscript: "indexing with [ ]",
        ast.Lambda: "a lambda",
        ast.List: "a list",
        ast.Tuple: "a tuple",
        ast.Dict: "a map",
        ast.Set: "a set",
        ast.JoinedStr: "a text",
    }
    for kind, description in kinds.items():
        if isinstance(node, kind):
            return description
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        return f"the operator '{_OPERATORS.get(type(node.op), type(node.op).__name__)}'"
    return f"'{_written(node)}'"


_OPERATORS: dict[type[ast.AST], str] = {
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.Invert: "~",
    ast.Not: "not",
}
"""The operators a formula cannot use, as they are written."""

_SHOWN = 60
"""Characters of a part of a formula shown in a message; a longer part is cut with an ellipsis."""


def _written(node: ast.AST) -> str:
    """The part of the formula ``node`` is, as the user wrote it (near enough: Python's own spelling)."""
    text = ast.unparse(node)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
