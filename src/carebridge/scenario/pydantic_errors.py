"""Problems a finance analyst can act on, made from pydantic's validation errors, for every kind of file.

This is the one translator of pydantic's errors: scenarios, risk and target registers, pools, appraisal
parameters and candidates files all pass through :func:`problems_from_validation` with their own root model.

pydantic says where validation failed with a ``loc`` that mixes data keys with the names of the union branches
it tried: ``('pods', 0, 'price', 'PriceUplift', 'base')``. Each error is followed here through the schema's
types to tell the two apart, giving the data path (for the message and the line) and the branches taken.

All the errors from the branches of one union, for one input, become one problem: when the input is a map and
one branch is evidently meant (a map with ``base`` is a base price with an uplift; other maps are values by
year), that branch's errors are reported; otherwise a single "expected <each branch>; found <input>".
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from carebridge.scenario import schema
from carebridge.scenario.errors import Path, PathPart, Problem, did_you_mean, format_path, format_value
from carebridge.scenario.schema import FORMAT_VERSION

_SECTIONS: dict[str, str] = {
    "format_version": f"the scenario format version, the number {FORMAT_VERSION}",
    "name": "the scenario's name (text)",
    "description": "text describing the scenario",
    "source": "text saying where the inputs come from",
    "base_year": "the first year, like '2016/17'",
    "end_year": "the last year modelled, like '2020/21'",
    "organisations": "a list of organisations (each with id, name and kind)",
    "pods": "a list of points of delivery (PODs: each with id, name, unit, activity, price, …)",
    "cohorts": "a list of cohorts (each with id, name and shares by POD)",
    "population": "a map from age bands to people by year",
    "schemes": "a list of schemes (each with id, name and effects)",
    "investments": "a list of programme investments (each with id, name, kind and amount)",
    "funding": "a list of funding sources (each with id, name, kind and amount)",
    "positions": "a map with do_nothing gaps and plan_lines",
    "statement": "a map with savings_from and savings_line",
    "published": "a list of published figures to reconcile with",
    "report": "a map with bridge_year and provider_tables",
}
"""What each top-level entry of a scenario file holds, for messages about a missing or malformed one."""

_NOUNS: dict[type[BaseModel], tuple[str, str]] = {
    schema.Scenario: ("a scenario", "scenarios"),
    schema.Organisation: ("an organisation", "organisations"),
    schema.ReleaseLags: ("release lags", "release lags"),
    schema.CostRelease: ("a cost structure", "cost structures"),
    schema.PriceUplift: ("a base price with an uplift", "prices"),
    schema.Activity: ("an activity model", "activity models"),
    schema.Pod: ("a POD", "PODs"),
    schema.Cohort: ("a cohort", "cohorts"),
    schema.AvoidGrowth: ("an avoid_growth effect", "effects"),
    schema.Reduce: ("a reduce effect", "effects"),
    schema.Absolute: ("an absolute effect", "effects"),
    schema.DirectSaving: ("a direct_saving effect", "effects"),
    schema.Shift: ("a shift effect", "effects"),
    schema.LengthOfStay: ("a length_of_stay effect", "effects"),
    schema.SchemeInvestment: ("a scheme's investment", "investments"),
    schema.Scheme: ("a scheme", "schemes"),
    schema.ProgrammeInvestment: ("a programme investment", "programme investments"),
    schema.FundingSource: ("a funding source", "funding sources"),
    schema.FromSchemes: ("a from_schemes measure", "from_schemes measures"),
    schema.PlanLine: ("a plan line", "plan lines"),
    schema.Positions: ("the positions", "positions"),
    schema.SavingsLabels: ("the savings line labels", "labels"),
    schema.Statement: ("the statement options", "statement options"),
    schema.PositionRef: ("a position selector", "position selectors"),
    schema.StatementRef: ("a statement selector", "statement selectors"),
    schema.SavingsRef: ("a savings selector", "savings selectors"),
    schema.InvestmentRef: ("an investment selector", "investment selectors"),
    schema.ActivityRef: ("an activity selector", "activity selectors"),
    schema.Published: ("a published figure", "published figures"),
    schema.ReportOptions: ("the report options", "report options"),
}
"""The nouns of the scenario's models (one, many); other models are named from their class names."""

_EFFECT_KINDS: tuple[type[BaseModel], ...] = (
    schema.AvoidGrowth,
    schema.Reduce,
    schema.Absolute,
    schema.DirectSaving,
    schema.Shift,
    schema.LengthOfStay,
)


@dataclass(frozen=True)
class _Branch:
    """A union branch pydantic tried: where the union's input is, the branch's tag, and every branch."""

    path: Path
    tag: str
    options: tuple[Any, ...]


@dataclass(frozen=True)
class _Located:
    """One pydantic error followed through the schema."""

    error: ErrorDetails
    root: type[BaseModel]
    path: Path
    branches: tuple[_Branch, ...]
    expected: tuple[Any, ...]
    """The types allowed at ``path`` (several for a union; empty when the field is unknown)."""
    owner: type[BaseModel] | None
    """The model whose field ``path[-1]`` is, if it is a field."""
    is_key: bool


def problems_from_validation(
    error: ValidationError, data: object, model: type[BaseModel] = schema.Scenario
) -> list[Problem]:
    """Return one friendly problem per mistake in ``data``, which failed validation as ``model``."""
    located = [_follow(detail, model) for detail in error.errors(include_url=False)]
    return _resolve(located, data, depth=0)


# --- following a loc through the schema ---------------------------------------------------------------


def _follow(error: ErrorDetails, root: type[BaseModel]) -> _Located:
    expected: tuple[Any, ...] = (root,)
    owner: type[BaseModel] | None = None
    path: list[PathPart] = []
    branches: list[_Branch] = []
    is_key = False
    for part in error["loc"]:
        if part == "[key]":
            is_key, expected = True, (str,)
            continue
        if len(expected) > 1:
            chosen = _option_for_tag(expected, part)
            if chosen is not None:
                branches.append(_Branch(tuple(path), str(part), expected))
                expected = _options(chosen)
                continue
        single = expected[0] if len(expected) == 1 else None
        owner = single if _is_model(single) else None
        path.append(part if isinstance(part, int) and get_origin(single) in (list, tuple) else str(part))
        expected = _inner(single, part)
    return _Located(error, root, tuple(path), tuple(branches), expected, owner, is_key)


def _inner(outer: Any, part: str | int) -> tuple[Any, ...]:
    """The types allowed inside ``outer`` at ``part``: a model's field, a list's item, a map's value."""
    if _is_model(outer):
        field = _field(outer, str(part))
        return _options(field.annotation) if field is not None else ()
    if get_origin(outer) in (list, dict):
        return _options(get_args(outer)[-1])
    if get_origin(outer) is tuple:
        args = [arg for arg in get_args(outer) if arg is not Ellipsis]
        index = part if isinstance(part, int) and len(args) > 1 else 0
        return _options(args[index]) if 0 <= index < len(args) else ()
    return ()


def _field(model: type[BaseModel], name: str) -> Any:
    """The field of ``model`` that ``name`` names, by its name or its alias."""
    found = model.model_fields.get(name)
    if found is not None:
        return found
    return next((field for field in model.model_fields.values() if field.alias == name), None)


def _field_names(model: type[BaseModel]) -> list[str]:
    """The names a file writes ``model``'s fields by (their aliases where they have one)."""
    return [field.alias or name for name, field in model.model_fields.items()]


def _options(annotation: Any) -> tuple[Any, ...]:
    """The types a value may take: ``Annotated`` and ``None`` stripped, unions flattened."""
    if get_origin(annotation) is Annotated:
        return _options(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(
            option
            for member in get_args(annotation)
            if member is not type(None)
            for option in _options(member)
        )
    return (annotation,)


def _option_for_tag(options: tuple[Any, ...], tag: str | int) -> Any:
    if not isinstance(tag, str):
        return None
    return next((option for option in options if _matches_tag(option, tag)), None)


def _matches_tag(option: Any, tag: str) -> bool:
    if get_origin(option) is not None:  # pydantic tags ``dict[…]`` and ``literal[…]`` in lower case
        return tag.lower().startswith(f"{_origin_name(option).lower()}[")
    if _is_model(option):
        return tag in (option.__name__, _kind_of(option))
    return isinstance(option, type) and tag == option.__name__


def _origin_name(option: Any) -> str:
    origin = get_origin(option)
    return str(getattr(origin, "__name__", None) or getattr(origin, "_name", ""))


def _kind_of(model: type[BaseModel]) -> str | None:
    """The value of a model's ``kind`` field when it is a single literal (the tag of an effect)."""
    field = model.model_fields.get("kind")
    if field is None or get_origin(field.annotation) is not Literal:
        return None
    values = get_args(field.annotation)
    return str(values[0]) if len(values) == 1 else None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


# --- collapsing union branches ---------------------------------------------------------------------------


def _resolve(items: Sequence[_Located], data: object, depth: int) -> list[Problem]:
    problems: list[Problem] = []
    for union_path, group in _groups(items, depth):
        if union_path is None:
            problems.append(_problem(group[0]))
            continue
        tags = list(dict.fromkeys(item.branches[depth].tag for item in group))
        if len(tags) == 1:
            problems.extend(_resolve(group, data, depth + 1))
            continue
        value = _lookup(data, union_path)
        options = group[0].branches[depth].options
        tag = _intended_tag(options, tags, value)
        if tag is None:
            problems.append(
                Problem(
                    union_path,
                    f"expected {_by_year(_describe(options), _field_at(group[0].root, union_path))}; "
                    f"found {format_value(value)}",
                )
            )
        else:
            chosen = [item for item in group if item.branches[depth].tag == tag]
            problems.extend(_resolve(chosen, data, depth + 1))
    return problems


def _groups(items: Sequence[_Located], depth: int) -> Iterator[tuple[Path | None, list[_Located]]]:
    """Items that went through the same union at ``depth`` together, others alone, in first-seen order."""
    groups: dict[Path, list[_Located]] = {}
    order: list[tuple[Path | None, list[_Located]]] = []
    for item in items:
        if len(item.branches) <= depth:
            order.append((None, [item]))
            continue
        key = item.branches[depth].path
        if key not in groups:
            groups[key] = []
            order.append((key, groups[key]))
        groups[key].append(item)
    yield from order


def _intended_tag(options: tuple[Any, ...], tags: list[str], value: object) -> str | None:
    """The branch an input was evidently written for.

    A number is meant as a number; a map sharing a field name with a model is meant as that model, and any
    other map as values by year.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return next((tag for tag in tags if _option_for_tag(options, tag) is float), None)
    if not isinstance(value, dict):
        return None
    keys = {str(key) for key in value}
    models = [option for option in options if _is_model(option)]
    maps = [option for option in options if get_origin(option) is dict]
    for option in [*(model for model in models if keys & set(model.model_fields)), *maps]:
        tag = next((tag for tag in tags if _matches_tag(option, tag)), None)
        if tag is not None:
            return tag
    return None


def _lookup(data: object, path: Path) -> object:
    for part in path:
        if isinstance(data, dict):
            data = next((value for key, value in data.items() if key == part or str(key) == part), None)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


# --- messages --------------------------------------------------------------------------------------------


def _problem(item: _Located) -> Problem:
    kind = item.error["type"]
    if kind == "missing":
        return _missing(item)
    if kind == "extra_forbidden":
        return _unknown_field(item)
    if kind == "union_tag_invalid":
        return _unknown_effect_kind(item)
    if kind == "union_tag_not_found":
        return Problem(item.path, f"missing field 'kind': expected the effect kind, one of {_effect_kinds()}")
    found = format_value(item.error["input"])
    if item.is_key:
        return Problem(item.path, f"expected text as the key; found {found}; write it in quotes: '{found}'")
    if kind == "literal_error":
        return _not_a_choice(item)
    if kind == "finite_number":
        return Problem(item.path, f"expected a finite number; found {found}")
    if kind == "int_type" and isinstance(item.error["input"], float):
        return Problem(item.path, f"expected {_expected(item)}; found {item.error['input']!r}")
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        bound = format_value((item.error.get("ctx") or {}).get(key))
        return Problem(item.path, f"expected {_expected(item)} {words} {bound}; found {found}")
    if kind.endswith(("_type", "_parsing")) or kind in ("int_from_float", "date_from_datetime_inexact"):
        return Problem(item.path, f"expected {_expected(item)}; found {found}{_quoted_number_hint(item)}")
    if kind in ("string_too_long", "too_long"):
        limit = (item.error.get("ctx") or {}).get("max_length")
        unit = "characters" if kind == "string_too_long" else "items"
        return Problem(item.path, f"expected at most {limit} {unit}; found {_size(item.error['input'])}")
    message = str(item.error["msg"]).removeprefix("Value error, ")
    return Problem(item.path, f"{message[:1].lower()}{message[1:]}; found {found}")


_BOUNDS: dict[str, tuple[str, str]] = {
    "greater_than_equal": ("of at least", "ge"),
    "greater_than": ("above", "gt"),
    "less_than_equal": ("of at most", "le"),
    "less_than": ("below", "lt"),
}
"""pydantic's bound errors: the words that say the bound, and the key of the bound in the error."""


def _size(value: object) -> str:
    if isinstance(value, str):
        return f"{len(value):,} characters"
    return f"{len(value):,} items" if isinstance(value, list | tuple | dict) else format_value(value)


def _missing(item: _Located) -> Problem:
    parent, name = item.path[:-1], str(item.path[-1])
    if not parent and item.root is schema.Scenario:
        what = "section" if any(_is_container(option) for option in item.expected) else "field"
        return Problem(
            parent, f"missing {what} '{name}': expected {_SECTIONS.get(name, _describe(item.expected))}"
        )
    message = f"missing field '{name}': expected {_expected(item)}"
    field = _field(item.owner, name) if item.owner is not None else None
    if field is not None and field.description:
        message += f" — {_sentence_fragment(field.description)}"
    return Problem(parent, message)


def _unknown_field(item: _Located) -> Problem:
    name = str(item.path[-1])
    allowed = _field_names(item.owner) if item.owner is not None else []
    if item.owner is schema.Scenario:
        head = f"unknown section '{format_path((name,))}'"
    else:
        noun = _noun(item.owner)[0] if item.owner is not None else "this map"
        head = f"unknown field '{format_path((name,))}' in {noun}"
    hint = did_you_mean(name, allowed) or f"; expected one of {', '.join(allowed)}"
    return Problem(item.path, head + hint)


def _unknown_effect_kind(item: _Located) -> Problem:
    given = item.error["input"]
    kind = given.get("kind") if isinstance(given, dict) else None
    message = f"unknown effect kind {format_value(kind)}; expected one of {_effect_kinds()}"
    return Problem((*item.path, "kind"), message + did_you_mean(str(kind), _effect_kind_names()))


def _not_a_choice(item: _Located) -> Problem:
    found = item.error["input"]
    choices = [str(choice) for option in item.expected for choice in get_args(option)]
    message = f"expected one of {', '.join(repr(c) for c in choices)}; found {format_value(found)}"
    return Problem(item.path, message + did_you_mean(str(found), choices))


def _quoted_number_hint(item: _Located) -> str:
    """A hint for a number written in quotes, which YAML reads as text."""
    given = item.error["input"]
    if not isinstance(given, str) or not {float, int} & set(item.expected):
        return ""
    try:
        float(given)
    except ValueError:
        return ""
    return " (text, because of the quotes; write the number without them)"


def _expected(item: _Located) -> str:
    if item.root is schema.Scenario and len(item.path) == 1 and str(item.path[0]) in _SECTIONS:
        return _SECTIONS[str(item.path[0])]
    field = _field(item.owner, str(item.path[-1])) if item.owner is not None and item.path else None
    described = _by_year(_describe(item.expected), field)
    if described == "text" and field is not None and re.search(_YEAR_EXAMPLE, field.description or ""):
        return f"a financial year YYYY/YY, like '{_year_like(item.error.get('input'))}'"
    return described


_YEAR_EXAMPLE = r"`\d{4}/\d{2}`"
"""A text field whose description gives a financial year as its example (``e.g. `2016/17` ``) holds one."""


def _year_like(given: object) -> str:
    """The financial year that starts in ``given`` when it is a plausible year (2015 → 2015/16)."""
    if isinstance(given, int) and not isinstance(given, bool) and 1900 <= given < 2200:
        return f"{given}/{(given + 1) % 100:02d}"
    return "2017/18"


def _by_year(described: str, field: Any) -> str:
    """A map from ids to numbers said to be by year when the field's description says it is by year."""
    pattern = r"\bby (?:financial )?year\b|\{\d{4}/\d{2}:"
    if field is not None and re.search(pattern, field.description or ""):
        return described.replace("a map from ids to", "a map from years (YYYY/YY) to")
    return described


def _field_at(root: type[BaseModel], path: Path) -> Any:
    """The pydantic field that the last part of ``path`` names, when it is a model's field."""
    options: tuple[Any, ...] = (root,)
    owner: Any = None
    for part in path:
        single = next((option for option in options if _is_model(option) or get_origin(option)), None)
        owner = single if _is_model(single) else None
        options = _inner(single, part)
    return _field(owner, str(path[-1])) if owner is not None and path else None


def _effect_kind_names() -> list[str]:
    return [kind for model in _EFFECT_KINDS if (kind := _kind_of(model)) is not None]


def _effect_kinds() -> str:
    return ", ".join(_effect_kind_names())


def _sentence_fragment(description: str) -> str:
    """A field's description to follow a dash: its first word lower-cased when it is an ordinary word written
    with a capital to start the sentence ("The line's spend" → "the line's spend"), kept as written when it
    is an acronym or has capitals inside it (POD, NHS, PODs, GDP) or is a proper word (Monte Carlo, Excel)."""
    text = description.strip().rstrip(".")
    first = re.match(r"[^\s,;:()]+", text)
    word = first.group(0) if first else ""
    letters = [char for char in word if char.isalpha()]
    ordinary = word[:1].isupper() and not any(char.isupper() for char in letters[1:])
    if not ordinary or word.removesuffix("'s") in _PROPER_WORDS:
        return text
    return text[:1].lower() + text[1:]


_PROPER_WORDS = frozenset(
    {"Monte", "Excel", "Stockport", "England", "Section", "Better", "Carter", "Treasury", "Green", "Book"}
    | {"January", "February", "March", "April", "June", "July", "August", "September", "October"}
    | {"November", "December"}
)
"""Words with a capital of their own that may start a description (a sentence's ordinary first word is
lower-cased after a dash; these are not)."""


def _is_container(annotation: Any) -> bool:
    return _is_model(annotation) or get_origin(annotation) in (list, dict)


# --- describing what is expected -------------------------------------------------------------------------

_SIMPLE: dict[Any, str] = {
    float: "a number",
    int: "a whole number",
    str: "text",
    bool: "true or false",
    dt.date: "a date (YYYY-MM-DD)",
    dt.datetime: "a date and time (YYYY-MM-DD HH:MM)",
}


def _describe(options: tuple[Any, ...]) -> str:
    """``(float, dict[Any, float])`` → ``'a number or a map from years (YYYY/YY) to numbers'``."""
    if not options:
        return "nothing here"
    if len(options) > 1 and all(option in _EFFECT_KINDS for option in options):
        return "an effect (a map with kind, pod and the effect's value)"
    parts = [_describe_one(option) for option in sorted(options, key=_simplest_first)]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def _simplest_first(annotation: Any) -> int:
    """Numbers before maps by year before models, for a description that reads well."""
    return 2 if _is_model(annotation) else 1 if get_origin(annotation) is dict else 0


def _describe_one(annotation: Any) -> str:
    if annotation in _SIMPLE:
        return _SIMPLE[annotation]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return "one of " + ", ".join(repr(arg) for arg in args)
    if origin in (list, tuple):
        return f"a list of {_plural(args[0])}"
    if origin is dict:
        return _describe_map(args[0], args[1])
    if _is_model(annotation):
        return _describe_model(annotation)
    return str(annotation)


def _describe_map(key: Any, value: Any) -> str:
    if key is Any:
        return "a map from years (YYYY/YY) to numbers"
    values = _options(value)
    if values == (float,):
        return "a map from ids to numbers"
    return f"a map from ids to {_describe(values)}"


def _describe_model(model: type[BaseModel]) -> str:
    noun = _noun(model)[0]
    fields = _field_names(model)
    listed = ", ".join(fields[:5]) + (", …" if len(fields) > 5 else "")
    return f"{noun} (a map with {listed})"


def _plural(annotation: Any) -> str:
    options = _options(annotation)
    if all(option in _EFFECT_KINDS for option in options):
        return "effects"
    if options == (str,):
        return "ids"
    if len(options) == 1 and _is_model(options[0]):
        return _noun(options[0])[1]
    return "values"


def _noun(model: type[BaseModel]) -> tuple[str, str]:
    """How messages name one ``model`` and many: the scenario's own nouns, or words from the class name
    (``RiskScore`` → 'a risk score', 'risk scores')."""
    if model in _NOUNS:
        return _NOUNS[model]
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__.lstrip("_")).lower()
    article = "an" if words[:1] in "aeiou" else "a"
    plural = words if words.endswith("s") else words + "s"
    return (words if words.endswith("s") else f"{article} {words}", plural)
