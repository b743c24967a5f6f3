"""Find the meaning problems of a scenario whose shape is wrong in places, so that a user sees every problem.

When pydantic rejects some list items (an effect with an unknown kind, a POD with a misspelt field), those
items are set aside and the rest of the scenario is checked for meaning (references, years, shares, …). The
problems found are reported with their paths in the file as written: indices after a removed item are moved
back. Unknown fields are dropped and their item kept. A problem that names the id of an item set aside, or of
an item that lost an unknown field, is dropped: it may only come from the shape problem already reported
(a misspelt `prize` leaves a POD with no price).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from carebridge.scenario.errors import PathPart, Problem
from carebridge.scenario.schema import Scenario

ListPath = tuple[PathPart, ...]


def salvage_problems(
    data: Any, error: ValidationError, check: Callable[[Scenario], list[Problem]]
) -> list[Problem]:
    """Meaning problems of ``data`` with the items that fail validation removed; [] when none can be found."""
    removals = _removals(error)
    unknown = _unknown_fields(error)
    if not removals and not unknown:
        return []
    pruned = copy.deepcopy(data)
    removed_ids: set[str] = set()
    for field_path in unknown:
        parent = _at(pruned, field_path[:-1])
        if isinstance(parent, dict):
            parent.pop(field_path[-1], None)
            owner = _at(pruned, _item_path(field_path))
            if isinstance(owner, dict) and isinstance(owner.get("id"), str):
                removed_ids.add(owner["id"])  # what it lacks now may be the misspelt field
    for list_path, indices in removals.items():
        items = _at(pruned, list_path)
        if not isinstance(items, list):
            return []
        for index in sorted(indices, reverse=True):
            if index < len(items):
                item = items.pop(index)
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    removed_ids.add(item["id"])
    try:
        scenario = Scenario.model_validate(pruned, strict=True)
    except ValidationError:
        return []
    problems = []
    for problem in check(scenario):
        subject = problem.message.split("; did you mean")[0]
        if any(f"'{removed}'" in subject for removed in removed_ids):
            continue
        problems.append(Problem(_original_path(problem.path, removals), problem.message))
    return problems


def _unknown_fields(error: ValidationError) -> list[ListPath]:
    """Paths of fields the schema does not know: they are dropped, and the item they are in kept."""
    return [tuple(detail["loc"]) for detail in error.errors() if detail["type"] == "extra_forbidden"]


def _removals(error: ValidationError) -> dict[ListPath, set[int]]:
    """For each other error, the innermost list item on its path: list path → indices to set aside."""
    removals: dict[ListPath, set[int]] = {}
    for detail in error.errors():
        if detail["type"] == "extra_forbidden":
            continue
        location: Sequence[PathPart] = detail["loc"]
        last = max((i for i, part in enumerate(location) if isinstance(part, int)), default=None)
        if last is None:
            return {}
        index = location[last]
        assert isinstance(index, int)
        removals.setdefault(tuple(location[:last]), set()).add(index)
    # an item inside an item that is set aside anyway needs no removal of its own
    return {
        path: indices
        for path, indices in removals.items()
        if not any(_inside(path, outer, outer_indices) for outer, outer_indices in removals.items())
    }


def _item_path(path: ListPath) -> ListPath:
    """The path of the innermost list item on ``path`` (or the top level)."""
    last = max((i for i, part in enumerate(path) if isinstance(part, int)), default=-1)
    return path[: last + 1]


def _inside(path: ListPath, outer: ListPath, indices: set[int]) -> bool:
    return len(path) > len(outer) and path[: len(outer)] == outer and path[len(outer)] in indices


def _at(data: Any, path: ListPath) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _original_path(path: Sequence[PathPart], removals: dict[ListPath, set[int]]) -> tuple[PathPart, ...]:
    """Turn a path in the pruned scenario into the path in the file as written."""
    original: list[PathPart] = []
    for part in path:
        removed = removals.get(tuple(original))
        if isinstance(part, int) and removed:
            index = -1
            for _ in range(part + 1):
                index += 1
                while index in removed:
                    index += 1
            part = index
        original.append(part)
    return tuple(original)
