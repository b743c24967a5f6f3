"""Edit a scenario value: the values by year of a scheme's effects, or of a plan line of the positions.

The YAML is rewritten with a ruamel round trip (comments and layout kept), then checked by the same loader
and engine as ``carebridge validate``, so a bad value gets the command line's located message; a good edit
is kept as the plan's draft.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal

from ruamel.yaml import YAML

from carebridge.scenario.errors import Problem, ScenarioError
from carebridge.scenario.schema import Scenario
from carebridge.store import Store
from carebridge.usecases.planning import CheckedScenario, check_text
from carebridge.usecases.plans import StoredScenario, save_draft

Kind = Literal["schemes", "lines"]
KINDS: tuple[Kind, ...] = ("schemes", "lines")
"""What an edit changes: a scheme's effects, or a plan line of the positions (an organisation's lines)."""
EFFECT_VALUE_FIELDS = ("activity", "saving", "fraction")
"""The field holding an effect's values by year, by kind of effect."""


class DraftRejectedError(ScenarioError):
    """An edited scenario that does not load or run: its problems, located, and the edited ``text``."""

    def __init__(self, problems: list[Problem], text: str) -> None:
        self.text = text
        super().__init__(problems)


@dataclass(frozen=True)
class Editable:
    """A scheme or plan line a user may open: its kind, id, name and owning organisation (None: system)."""

    kind: str
    id: str
    name: str
    owner: str | None


@dataclass(frozen=True)
class YearField:
    year: str
    value: str


@dataclass(frozen=True)
class EffectForm:
    """One effect of a scheme (or a plan line) as a form shows it: its index, kind, POD (or organisation),
    field, unit, and values by year (``all`` for one value of every year)."""

    index: int
    kind: str
    pod: str
    field: str
    unit: str
    values: tuple[YearField, ...]


def editables(scenario: Scenario, kind: str) -> list[Editable]:
    """The schemes, or the plan lines, of ``scenario``, with their owners."""
    if kind == "schemes":
        return [Editable(kind, s.id, s.name, s.owner) for s in scenario.schemes]
    return [Editable(kind, line.id, line.name, line.org) for line in scenario.positions.plan_lines]


def owner_of(scenario: Scenario, kind: str, item_id: str) -> Editable:
    """The scheme or plan line ``item_id``; :class:`KeyError` when there is none."""
    for item in editables(scenario, kind) if kind in KINDS else []:
        if item.id == item_id:
            return item
    raise KeyError(item_id)


def effect_forms(text: str, checked: CheckedScenario, kind: str, item_id: str) -> list[EffectForm]:
    """The values by year in ``text`` of a scheme's effects (or a plan line): a field for every year of the
    plan ``checked`` (the run of the scenario, for its PODs' units and its years)."""
    tree = _yaml().load(text)
    node = _node(tree, kind, item_id)
    units = {pod.id: pod.unit for pod in checked.loaded.scenario.pods}
    years = checked.results.years if kind == "lines" else checked.results.years[1:]
    forms = []
    for index, holder in enumerate(_value_holders(node, kind)):
        field = _value_field(holder, kind)
        if field is None:
            continue
        given = holder[field]
        if isinstance(given, Mapping):
            by_year = {str(key): value for key, value in given.items()}
            values = tuple(YearField(year, _text(by_year.get(year))) for year in years)
        else:
            values = (YearField("all", _text(given)),)
        if field == "fraction":
            unit = "fraction"
        elif field in ("saving", "value"):
            unit = "£'000"
        else:
            unit = units.get(str(holder.get("pod")), "")
        pod = str(holder.get("pod", "")) if kind == "schemes" else str(holder.get("org") or "system")
        forms.append(EffectForm(index, str(holder.get("kind")), pod, field, unit, values))
    return forms


def edit_values(text: str, kind: str, item_id: str, values: Mapping[int, Mapping[str, str]]) -> str:
    """The scenario text with value map ``index`` (an effect of a scheme; 0 for a plan line) set from
    ``values[index]`` (year → text; ``all`` for a value of every year). A blank year is left out, so the
    scenario's fill rule applies. :class:`KeyError` when the item or an index is not there."""
    yaml = _yaml()
    tree = yaml.load(text)
    effects = _value_holders(_node(tree, kind, item_id), kind)
    for index, by_year in values.items():
        if not 0 <= index < len(effects):
            raise KeyError(f"effect {index}")
        effect = effects[index]
        field = _value_field(effect, kind)
        if field is None:
            raise KeyError(f"effect {index} has no values by year")
        if "all" in by_year:
            effect[field] = _number_or_text(by_year["all"].strip())
            continue
        target = effect[field]
        if not isinstance(target, MutableMapping):
            raise KeyError(f"effect {index} has one value for every year")
        keys = {str(key): key for key in target}
        for year, raw in by_year.items():
            value = raw.strip()
            key = keys.get(year, year)
            if value:
                target[key] = _number_or_text(value)
            elif key in target:
                del target[key]
    stream = io.StringIO()
    yaml.dump(tree, stream)
    return stream.getvalue()


def edit_scheme(text: str, scheme_id: str, values: Mapping[int, Mapping[str, str]]) -> str:
    """:func:`edit_values` of a scheme's effects."""
    return edit_values(text, "schemes", scheme_id, values)


Checker = Callable[[str, str], CheckedScenario]
"""Loads and runs a scenario's text (``check_text``, or a face's cache of it)."""


def edit_value(
    store: Store,
    stored: StoredScenario,
    kind: str,
    item_id: str,
    values: Mapping[int, Mapping[str, str]],
    check: Checker = check_text,
) -> CheckedScenario:
    """Set values by year of a scheme's effects or a plan line in the plan's current scenario, check the
    result as ``carebridge validate`` checks a file, and keep it as the plan's draft.

    :class:`KeyError` when the item or an effect is not there; :class:`DraftRejectedError` (nothing
    saved) with every problem located and the edited text when it does not load or run.
    """
    return keep_draft(store, stored, edit_values(stored.text, kind, item_id, values), check)


def keep_draft(
    store: Store, stored: StoredScenario, text: str, check: Checker = check_text
) -> CheckedScenario:
    """Check ``text`` as ``carebridge validate`` checks a file and keep it as the plan's draft (audited);
    :class:`DraftRejectedError` (nothing saved) with every problem located when it does not load or run."""
    try:
        checked = check(text, f"{stored.plan_name} (draft)")
    except ScenarioError as error:
        raise DraftRejectedError(error.problems, text) from None
    save_draft(store, stored.plan_id, text)
    return checked


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)  # lists indented under their key, as the examples write them
    return yaml


def _items(tree: Any, kind: str) -> list[Any]:
    if kind == "schemes":
        return list(tree.get("schemes") or [])
    return list((tree.get("positions") or {}).get("plan_lines") or [])


def _node(tree: Any, kind: str, item_id: str) -> Any:
    for item in _items(tree, kind):
        if str(item.get("id")) == item_id:
            return item
    raise KeyError(item_id)


def _value_holders(node: Any, kind: str) -> list[Any]:
    """The maps holding values by year: each effect of a scheme; the plan line itself."""
    return list(node.get("effects") or []) if kind == "schemes" else [node]


def _value_field(holder: Any, kind: str) -> str | None:
    names = EFFECT_VALUE_FIELDS if kind == "schemes" else ("value",)
    return next((name for name in names if name in holder), None)


def _text(value: Any) -> str:
    return "" if value is None else f"{value}"


def _number_or_text(value: str) -> Any:
    """A number when the text is one, else the text itself, so the loader reports it as the CLI would."""
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number
