"""Named variants (sensitivities): changes applied to the base scenario, each logged.

The documented order: a variant's changes are applied one after another, in the order listed, to a copy of
the base scenario (without its ``variants``); variants never build on each other. A change names a path —
fields by name, list items by their ``id`` (or their position, ``schemes.0``) — and does exactly one of:

- ``set``: replace the value (a missing field of a map is created);
- ``scale``: multiply every number at the path (a number, each value of a map of years, or every number
  inside a section) by the factor;
- ``add``: append an item to the list at the path (created if missing);
- ``remove``: delete the list item or field at the path.

The varied scenario is checked like any scenario; its problems are reported against the change.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from carebridge.scenario import validate
from carebridge.scenario.errors import Problem, ScenarioError, format_path, format_value
from carebridge.scenario.pydantic_errors import problems_from_validation
from carebridge.scenario.schema import Change, Scenario, Variant


@dataclass(frozen=True)
class LoggedChange:
    """One change a variant made: where, what, the value before and after."""

    variant: str
    path: str
    operation: str
    before: Any
    after: Any

    def __str__(self) -> str:
        return f"{self.variant}: {self.operation} {self.path}: {_short(self.before)} → {_short(self.after)}"


@dataclass(frozen=True)
class VariedScenario:
    variant: Variant
    scenario: Scenario
    log: list[LoggedChange]


class _PathError(ValueError):
    pass


def apply_variant(base: Scenario, position: int) -> VariedScenario:
    """The base scenario with variant number ``position`` applied; raises ScenarioError with every problem."""
    variant = base.variants[position]
    data = base.model_dump(mode="python", exclude_unset=True, exclude={"variants"})
    log: list[LoggedChange] = []
    problems: list[Problem] = []
    for number, change in enumerate(variant.changes):
        where = ("variants", position, "changes", number)
        try:
            log.append(_apply(data, change, variant.id))
        except _PathError as error:
            problems.append(Problem((*where, "path"), str(error)))
    if problems:
        raise ScenarioError(problems)
    scenario = _checked(data, position)
    return VariedScenario(variant, scenario, log)


def apply_all(base: Scenario) -> list[VariedScenario]:
    return [apply_variant(base, i) for i in range(len(base.variants))]


def _checked(data: dict[str, Any], position: int) -> Scenario:
    prefix = ("variants", position)
    try:
        scenario = Scenario.model_validate(data, strict=False)
    except ValidationError as error:
        raise ScenarioError(
            [_after_variant(prefix, p) for p in problems_from_validation(error, data)]
        ) from None
    problems = validate.check(scenario)
    if problems:
        raise ScenarioError([_after_variant(prefix, p) for p in problems])
    return scenario


def _after_variant(prefix: tuple[str | int, ...], problem: Problem) -> Problem:
    return Problem(prefix, f"after this variant's changes, {format_path(problem.path)}: {problem.message}")


def _apply(data: dict[str, Any], change: Change, variant: str) -> LoggedChange:
    operations = [
        name
        for name, given in (
            ("set", change.set is not None),
            ("scale", change.scale is not None),
            ("add", change.add is not None),
            ("remove", change.remove),
        )
        if given
    ]
    if len(operations) != 1:
        found = ", ".join(operations) if operations else "none"
        raise _PathError(f"give exactly one of set, scale, add and remove; found {found}")
    operation = operations[0]
    parts = change.path.split(".")
    parent, key = _locate(data, parts, create=operation in ("set", "add"))
    before = copy.deepcopy(_get(parent, key))
    if operation == "set":
        _put(parent, key, copy.deepcopy(change.set))
    elif operation == "scale":
        if before is None:
            raise _PathError(f"'{change.path}' has no value to scale")
        assert change.scale is not None
        _put(parent, key, _scaled(before, change.scale, change.path))
    elif operation == "add":
        target = _get(parent, key)
        if target is None:
            target = []
            _put(parent, key, target)
        if not isinstance(target, list):
            raise _PathError(f"'{change.path}' is not a list; add appends an item to a list")
        target.append(copy.deepcopy(change.add))
    else:
        if before is None:
            raise _PathError(f"'{change.path}' does not exist; nothing to remove")
        _delete(parent, key)
    return LoggedChange(variant, change.path, operation, before, copy.deepcopy(_get(parent, key)))


def _locate(data: Any, parts: list[str], create: bool) -> tuple[Any, str | int]:
    """The container holding the last part of the path, and the key or index within it."""
    node = data
    walked: list[str] = []
    for part in parts[:-1]:
        key = _key(node, part, walked)
        child = _get(node, key)
        if child is None:
            if not (create and isinstance(node, dict)):
                raise _PathError(f"'{'.'.join([*walked, part])}' does not exist{_choices(node)}")
            child = {}
            node[key] = child
        node = child
        walked.append(part)
    last = parts[-1]
    if isinstance(node, list):
        return node, _key(node, last, walked)
    if not isinstance(node, dict):
        raise _PathError(f"'{'.'.join(walked)}' is a value, not a section with '{last}'")
    return node, last


def _key(node: Any, part: str, walked: list[str]) -> str | int:
    if isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict) and item.get("id") == part:
                return index
        if part.isdigit() and int(part) < len(node):
            return int(part)
        ids = [str(item.get("id")) for item in node if isinstance(item, dict) and "id" in item]
        shown = ", ".join(ids[:12]) or "none"
        raise _PathError(f"'{'.'.join([*walked, part])}': no item with id '{part}' (the ids are {shown})")
    return part


def _choices(node: Any) -> str:
    if isinstance(node, dict) and node:
        return f"; found {', '.join(map(str, node))}"
    return ""


def _get(node: Any, key: str | int) -> Any:
    if isinstance(node, list):
        return node[key] if isinstance(key, int) and key < len(node) else None
    return node.get(key) if isinstance(node, dict) else None


def _put(node: Any, key: str | int, value: Any) -> None:
    node[key] = value


def _delete(node: Any, key: str | int) -> None:
    del node[key]


def _scaled(value: Any, factor: float, path: str) -> Any:
    if isinstance(value, bool):
        raise _PathError(f"'{path}' holds {format_value(value)}, not a number to scale")
    if isinstance(value, int | float):
        return value * factor
    if isinstance(value, dict):
        return {k: (_scaled(v, factor, path) if k != "id" else v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scaled(v, factor, path) for v in value]
    return value


def _short(value: Any) -> str:
    text = f"{value:.10g}" if isinstance(value, float) else repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def describe(log: list[LoggedChange]) -> Iterator[str]:
    for change in log:
        yield str(change)
