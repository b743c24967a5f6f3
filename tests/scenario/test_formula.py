"""The formula parser of driver-based lines: every message with its column, and that it never runs code.

``parse_formula`` reads a formula with ``ast.parse`` (which only parses) and accepts numbers, names, dotted
names, ``+ - * / **``, a leading sign and calls of the listed functions; everything else is refused with the
0-based column of the offending part (the loader shows it counted from 1).
"""

from __future__ import annotations

import builtins
import pathlib

import pytest

from carebridge.scenario.formula import FUNCTIONS, FormulaError, Reference, dotted_name, parse_formula

FUNCTION_LIST = "cumulative, lag, growth, change, base, min, max, abs"
NOT_ALLOWED = f"is not allowed in a formula; use numbers, names, + - * / ** and the functions {FUNCTION_LIST}"


def refused(text: str) -> tuple[str, int | None]:
    """The message and column of the FormulaError ``text`` raises."""
    with pytest.raises(FormulaError) as raised:
        parse_formula(text)
    assert str(raised.value) == raised.value.message
    return raised.value.message, raised.value.column


# --- what a formula may hold ---------------------------------------------------------------------------


def test_numbers_names_operators_and_functions_are_read() -> None:
    formula = parse_formula(
        "-0.02 * cumulative(expenditure.providers) + lag(x, 2) / 1e3 ** +2 - max(a, b, 3)"
    )
    assert formula.names == ["expenditure.providers", "x", "a", "b"]


def test_the_text_is_kept_without_surrounding_spaces() -> None:
    assert parse_formula("  -opportunity * 0.5  ").text == "-opportunity * 0.5"


def test_references_give_each_name_and_its_column() -> None:
    formula = parse_formula("-(activity.nel * share) * price.nel / 1000 + share")
    assert formula.references == (
        Reference("activity.nel", 2),
        Reference("share", 17),
        Reference("price.nel", 26),
        Reference("share", 45),
    )
    assert formula.names == ["activity.nel", "share", "price.nel"]  # each once, in order


def test_a_formula_of_numbers_alone_has_no_names() -> None:
    assert parse_formula("-250 * 2").names == []


def test_the_years_of_lag_are_not_a_name() -> None:
    assert parse_formula("lag(activity.ae, 1)").names == ["activity.ae"]


def test_dotted_name() -> None:
    formula = parse_formula("expenditure.providers.pay")
    assert dotted_name(formula.tree) == "expenditure.providers.pay"
    assert dotted_name(parse_formula("1 + x").tree) is None


@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_every_function_can_be_called_with_its_fewest_and_most_arguments(function: str) -> None:
    fewest, most, _ = FUNCTIONS[function]
    for count in {fewest, most}:
        arguments = ["x", "1"] if function == "lag" else [f"x{i}" for i in range(count)]
        parse_formula(f"{function}({', '.join(arguments)})")


# --- every message, with its column ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_an_empty_formula(text: str) -> None:
    assert refused(text) == (
        "the formula is empty; expected an expression like '-0.02 * expenditure.providers'",
        None,
    )


def test_a_syntax_error_gives_the_parsers_reason_and_column() -> None:
    assert refused("-0.02 * (expenditure.all") == ("cannot read the formula: '(' was never closed", 8)


@pytest.mark.parametrize("text", ["x +", "x.1", "2 x", "x := 1"])
def test_text_that_is_not_an_expression_cannot_be_read(text: str) -> None:
    message, column = refused(text)
    assert message.startswith("cannot read the formula: ")
    assert column is not None and 0 <= column <= len(text)


def test_an_unknown_function_with_did_you_mean() -> None:
    assert refused("-0.02 * cumulatve(x)") == (
        "'cumulatve' is not a function a formula can use; did you mean 'cumulative'?; "
        f"the functions are {FUNCTION_LIST}",
        8,
    )


def test_a_method_call_is_named_as_written() -> None:
    """Issue 13: ``x.foo()`` was reported as "'Attribute' is not a function"."""
    assert refused("2 * x.foo()") == (
        f"'x.foo(…)' calls a method, which a formula cannot do; the functions are {FUNCTION_LIST}, "
        "called as name(argument, …)",
        4,
    )
    message, _ = refused("activity.ae.max(1)")
    assert message.startswith(
        "'activity.ae.max(…)' calls a method, which a formula cannot do; did you mean 'max'?"
    )


def test_a_call_of_something_not_a_name_is_named_as_written() -> None:
    message, column = refused("(x + 1)(2)")
    assert message.startswith("'x + 1' is not a function a formula can use") and column == 1


def test_an_unknown_function_without_a_near_match_lists_the_functions() -> None:
    assert refused("1 + sqrt(x)") == (
        f"'sqrt' is not a function a formula can use; the functions are {FUNCTION_LIST}",
        4,
    )


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        (
            "lag(x)",
            "lag() takes 2 arguments, found 1: the value n years earlier, 0 before the first year: lag(x, n)",
            0,
        ),
        ("1 + abs(x, y)", "abs() takes 1 argument, found 2: the absolute value", 4),
        ("min(x)", "min() takes 2 to 8 arguments, found 1: the smaller of its arguments, year by year", 0),
        (
            "max(a, b, c, d, e, f, g, h, i)",
            "max() takes 2 to 8 arguments, found 9: the larger of its arguments, year by year",
            0,
        ),
        (
            "cumulative()",
            "cumulative() takes 1 argument, found 0: running total from the line's start year: "
            "cumulative(x)[t] = x[start] + … + x[t]",
            0,
        ),
        (
            "growth(x, 2)",
            "growth() takes 1 argument, found 2: x[t] − x[base year]: the growth above the base year",
            0,
        ),
    ],
)
def test_the_wrong_number_of_arguments(text: str, message: str, column: int) -> None:
    assert refused(text) == (message, column)


@pytest.mark.parametrize("years", ["1.5", "-1", "n", "2 * 1", "x.y"])
def test_lag_needs_a_whole_number_of_years(years: str) -> None:
    assert refused(f"lag(x, {years})") == ("lag(x, n) needs a whole number of years n ≥ 0", 7)


def test_lag_of_true_is_not_a_whole_number_of_years() -> None:
    assert refused("lag(x, True)") == ("lag(x, n) needs a whole number of years n ≥ 0", 7)


def test_named_arguments_are_refused() -> None:
    assert refused("min(a, b=2)") == ("min() takes no named arguments", 9)


@pytest.mark.parametrize(
    ("text", "what", "column"),
    [
        ("x < 1", "a comparison", 0),
        ("1 + (x == y)", "a comparison", 5),
        ("x and y", "'and' / 'or'", 0),
        ("-opportunity * 0.5 if big else 0", "'if … else'", 0),
        ("2 * x[0]", "indexing with [ ]", 4),
        ("lambda: 1", "a lambda", 0),
        ("[1, 2]", "a list", 0),
        ("(1, 2)", "a tuple", 0),
        ("{1: 2}", "a map", 0),
        ("{1}", "a set", 0),
        ("f'{x}'", "a text", 0),
        ("x % 2", "the operator '%'", 0),
        ("x // 2", "the operator '//'", 0),
        ("x @ y", "the operator '@'", 0),
        ("~x", "the operator '~'", 0),
        ("not x", "the operator 'not'", 0),
        ("x ^ 2", "the operator '^'", 0),
        ("[x for x in y]", "'[x for x in y]'", 0),
        ("(y := 2)", "'(y := 2)'", 1),
    ],
)
def test_what_is_not_allowed(text: str, what: str, column: int) -> None:
    assert refused(text) == (f"{what} {NOT_ALLOWED}", column)


@pytest.mark.parametrize(
    ("text", "shown", "column"),
    [
        ("'abc'", "'abc'", 0),
        ("1 + 'abc'", "'abc'", 4),
        ("True", "True", 0),
        ("None", "None", 0),
        ("3j", "3j", 0),
    ],
)
def test_text_and_other_constants_are_not_numbers(text: str, shown: str, column: int) -> None:
    assert refused(text) == (f"{shown} is not a number", column)


def test_an_argument_is_checked_like_the_rest() -> None:
    assert refused("max(x, 'a')") == ("'a' is not a number", 7)
    assert refused("abs(x < 1)") == (f"a comparison {NOT_ALLOWED}", 4)


# --- never runs code -------------------------------------------------------------------------------------


def test_import_is_a_call_of_an_unknown_function() -> None:
    assert refused("__import__('os')") == (
        f"'__import__' is not a function a formula can use; the functions are {FUNCTION_LIST}",
        0,
    )


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("__import__('os').system('x')", 0),
        ("os.system('x')", 0),
        ("open('x').read()", 0),
        ("(lambda: 1)()", 1),
        ("x.__class__.__bases__[0].__subclasses__()", 0),
    ],
)
def test_code_is_refused_as_a_call_of_an_unknown_function_or_not_allowed(text: str, column: int) -> None:
    message, found = refused(text)
    refusals = (
        "is not a function a formula can use",
        "calls a method, which a formula cannot do",
        NOT_ALLOWED,
    )
    assert any(refusal in message for refusal in refusals)
    assert found == column


def test_parsing_never_executes_anything(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A formula that would create a file if it ran is refused, and the file is never made; ``eval`` and
    ``exec`` are never called."""
    marker = tmp_path / "ran"

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("parse_formula ran code")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    for text in (
        f"__import__('os').system('touch {marker}')",
        f"__import__('pathlib').Path('{marker}').touch()",
        f"open('{marker}', 'w')",
    ):
        with pytest.raises(FormulaError):
            parse_formula(text)
    assert not marker.exists()


def test_a_formula_error_is_a_value_error() -> None:
    assert issubclass(FormulaError, ValueError)
