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


Checker = Callable[[str, str, Mapping[str, bytes]], CheckedScenario]
"""Loads and runs a scenario's text with its side files (``check_text``, or a face's cache of it)."""


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
        checked = check(text, f"{stored.plan_name} (draft)", stored.files)
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


# --- what a draft changed ---------------------------------------------------------------------------------

SECTIONS = {
    "schemes": "Scheme",
    "investments": "Programme investment",
    "funding": "Funding",
    "contracts": "Contract",
    "organisations": "Organisation",
    "pods": "POD",
    "cohorts": "Cohort",
    "parameters": "Parameter",
    "population": "Population",
}
"""How an input's section reads, by its key in the scenario."""
FIELD_WORDS = {
    "activity": "activity",
    "fraction": "fraction",
    "saving": "saving (£'000)",
    "value": "value (£'000)",
    "amount": "amount (£'000)",
    "recurrent": "recurrent investment (£'000)",
    "non_recurrent": "non-recurrent investment (£'000)",
    "rate": "rate",
    "variable_share": "variable share",
    "base": "base",
    "uplift": "uplift",
    "delivery": "delivery",
    "providers": "share by provider",
}
EFFECT_WORDS = {
    "avoid_growth": "growth avoided",
    "reduce": "reduction",
    "absolute": "activity removed",
    "direct_saving": "direct saving",
}
ABSENT = "(not given)"


@dataclass(frozen=True)
class InputChange:
    """One input the draft changed, in people's words: the item (``Scheme: Neighbourhood teams``), what of it
    (``effect 1, reduction of A&E attendances: fraction``), the year (blank: not by year), the approved and
    the draft value, and what it can move: ``typed`` names the typed plan lines it can move (empty: none,
    ``None``: it is a typed line itself), ``owner`` the organisation id it belongs to (None: the system)."""

    section: str
    item: str
    what: str
    year: str
    old: str
    new: str
    owner: str | None
    typed: tuple[str, ...] | None

    @property
    def moves_typed(self) -> bool:
        return self.typed is None or bool(self.typed)

    @property
    def reach(self) -> str:
        """Whether the edit can move a typed plan line, said plainly."""
        if self.typed is None:
            return "Yes: it is a typed figure itself"
        if self.typed:
            return f"Yes: {', '.join(self.typed)} (computed from it)"
        if self.section == "Contract":
            return (
                "No: a contract moves the payments between the partners (their positions from the schemes), "
                "never a plan line"
            )
        return (
            "No: no plan line is computed from it (they are typed as figures); it moves the positions from "
            "the schemes only"
        )


def input_changes(approved: Scenario, draft: Scenario) -> list[InputChange]:
    """Every input the draft changed against the approved scenario, item by item in the scenario's order:
    a list of items with ids is matched by id (an item added or removed is one change), values by year are
    compared year by year as written (a year not written follows the scenario's fill rule)."""
    names = _Names(draft, approved)
    found: list[InputChange] = []
    old, new = approved.model_dump(mode="json"), draft.model_dump(mode="json")
    for key in new:
        if key in ("variants", "report", "uncertainty", "published", "format_version", "description"):
            continue
        for path, before, after in _differences(old.get(key), new.get(key), (key,)):
            found.append(names.change(path, before, after))
    return found


def _differences(old: Any, new: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], Any, Any]]:
    """(path, old, new) of every leaf that differs; lists of items with ids are matched by id."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in [*old, *(k for k in new if k not in old)]:
            found += _differences(old.get(key), new.get(key), (*path, key))
        return found
    if _identified(old) and _identified(new):
        before = {item["id"]: item for item in old}
        after = {item["id"]: item for item in new}
        found = []
        for key in [*before, *(k for k in after if k not in before)]:
            if key in before and key in after:
                found += _differences(before[key], after[key], (*path, key))
            else:
                found.append(((*path, key), before.get(key), after.get(key)))
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        found = []
        for index, (left, right) in enumerate(zip(old, new, strict=True)):
            found += _differences(left, right, (*path, index))
        return found
    return [(path, old, new)]


def _identified(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) and "id" in item for item in value)


class _Names:
    """People's words for the paths of a scenario's inputs (the draft's names first, then the approved)."""

    def __init__(self, draft: Scenario, approved: Scenario) -> None:
        self.draft = draft
        self.orgs = {o.id: o.name for o in (*approved.organisations, *draft.organisations)}
        self.pods = {p.id: p.name for p in (*approved.pods, *draft.pods)}
        self.units = {p.id: p.unit for p in (*approved.pods, *draft.pods)}
        self.items: dict[tuple[str, str], Any] = {}
        for scenario in (approved, draft):
            for section in ("schemes", "investments", "funding", "contracts", "organisations", "pods"):
                for item in getattr(scenario, section):
                    self.items[(section, item.id)] = item
            for line in scenario.positions.plan_lines:
                self.items[("lines", line.id)] = line
        self.years = {year for scenario in (approved, draft) for year in _years_of(scenario)}

    def change(self, path: tuple[Any, ...], old: Any, new: Any) -> InputChange:
        year = str(path[-1]) if len(path) > 1 and str(path[-1]) in self.years else ""
        rest = path[:-1] if year else path
        section, item, what, owner, typed = self._describe(rest)
        if len(rest) == (3 if section == "Plan line" else 2) and (old is None or new is None):
            what = "added" if old is None else "removed"
            return InputChange(section, item, what, year, "", "", owner, typed)
        return InputChange(section, item, what, year, self._value(old), self._value(new), owner, typed)

    def _describe(self, path: tuple[Any, ...]) -> tuple[str, str, str, str | None, tuple[str, ...] | None]:
        key = str(path[0])
        if key == "positions" and len(path) > 2 and path[1] == "plan_lines":
            line = self.items.get(("lines", str(path[2])))
            name = line.name if line is not None else str(path[2])
            org = line.org if line is not None else None
            where = self.orgs.get(org, org) if org else "system"
            return "Plan line", f"{name} ({where})", self._field(path[3:]), org, None
        if key == "positions" and len(path) > 2 and path[1] == "do_nothing":
            org = str(path[2])
            return "Do-nothing gap", self.orgs.get(org, org), self._field(path[3:]) or "gap", org, None
        section = SECTIONS.get(key, key.replace("_", " ").capitalize())
        if len(path) < 2:
            return section, section, "", None, self._typed_reached(key, None)
        item = self.items.get((key, str(path[1])))
        if item is None:
            name = self.orgs.get(str(path[1]), str(path[1]))
            return section, name, self._field(path[2:]), None, self._typed_reached(key, None)
        name = self._item_name(key, item)
        owner = getattr(item, "owner", None) or getattr(item, "org", None) or getattr(item, "provider", None)
        if key == "organisations":
            owner = item.id
        return section, name, self._field(path[2:], item), owner, self._typed_reached(key, item.id)

    def _item_name(self, key: str, item: Any) -> str:
        if key == "contracts":
            from carebridge.scenario.validate_contracts import contract_name

            return contract_name(self.draft, item)
        return str(item.name)

    def _field(self, path: tuple[Any, ...], item: Any = None) -> str:
        """A field's path in words: ``effect 2 (reduction of A&E attendances): fraction``."""
        words = []
        parts = list(path)
        if len(parts) >= 2 and parts[0] == "effects" and isinstance(parts[1], int) and item is not None:
            index = parts[1]
            effects = getattr(item, "effects", [])
            if index < len(effects):
                effect = effects[index]
                pod = self.pods.get(effect.pod, effect.pod)
                words.append(f"effect {index + 1} on {pod}")
                kind = EFFECT_WORDS.get(effect.kind, effect.kind)
                field = {
                    "activity": f"{kind} ({self.units.get(effect.pod, 'unit')}s)",
                    "fraction": f"{kind} (a fraction)",
                    "saving": f"{kind} (£'000)",
                }.get(str(parts[2]) if len(parts) == 3 else "")
                if field is not None:
                    return f"{words[0]}: {field}"
            else:
                words.append(f"effect {index + 1}")
            parts = parts[2:]
        for part in parts:
            if isinstance(part, int):
                words.append(f"item {part + 1}")
            elif str(part) in self.orgs:
                words.append(self.orgs[str(part)])
            elif str(part) in self.pods:
                words.append(self.pods[str(part)])
            else:
                words.append(FIELD_WORDS.get(str(part), str(part).replace("_", " ")))
        return ": ".join(words) if words else ""

    def _typed_reached(self, key: str, item_id: str | None) -> tuple[str, ...]:
        """The typed plan lines an input of ``key`` can move: lines computed from the schemes (that cover a
        scheme edited) and lines computed by a formula; a contract moves no plan line (only the flows)."""
        if key == "contracts":
            return ()
        reached = []
        for line in self.draft.positions.plan_lines:
            computed = line.from_schemes
            if (
                computed is not None
                and (key != "schemes" or not computed.schemes or item_id in computed.schemes)
            ) or (line.formula is not None and key != "schemes"):
                reached.append(line.name)
        return tuple(reached)

    def _value(self, value: Any) -> str:
        if value is None:
            return ABSENT
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int | float):
            return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
        if isinstance(value, str):
            return self.orgs.get(value, self.pods.get(value, value))
        if isinstance(value, list):
            return ", ".join(self._value(v) for v in value) or "none"
        if isinstance(value, dict):
            return "; ".join(
                f"{self.orgs.get(str(k), self.pods.get(str(k), str(k)))}: {self._value(v)}"
                for k, v in value.items()
            )
        return str(value)


def _years_of(scenario: Scenario) -> list[str]:
    from carebridge.scenario.years import YearError, format_year, parse_year

    try:
        first, last = parse_year(scenario.base_year), parse_year(scenario.end_year)
    except YearError:
        return []
    return [format_year(year) for year in range(first, last + 1)]
