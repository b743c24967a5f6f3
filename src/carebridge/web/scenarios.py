"""Scenarios of the web app: each plan in the store, its approved versions and its working draft.

A plan's *current* scenario is its draft when there is one, else its latest version. Runs are cached by
the SHA-256 of the scenario text, so browsing dashboards never runs the engine twice for the same text.
Editing a scheme's values rewrites the YAML (ruamel round trip, comments kept) and checks it with the
same loader as the command line, so the messages are the same.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import select

from carebridge.delivery.baseline import PlanBaseline
from carebridge.engine import ModelError, Results, run
from carebridge.report.tidy import plan_documents
from carebridge.scenario.errors import Problem, ScenarioError
from carebridge.scenario.loader import LoadedScenario, load_scenario_text
from carebridge.store import Store
from carebridge.store.models import Plan, PlanVersion, ScenarioDraft
from carebridge.store.plans import Approval, approve, as_utc, sha256_text

EFFECT_VALUE_FIELDS = ("activity", "saving", "fraction")
"""The field holding an effect's values by year, by kind of effect."""
CACHE_SIZE = 16


class PlanMissingError(LookupError):
    """No plan with that id."""


@dataclass(frozen=True)
class VersionRow:
    number: int
    scenario_name: str
    sha256: str
    approved_at: str
    approved_by: str


@dataclass(frozen=True)
class PlanRow:
    id: int
    name: str
    versions: tuple[VersionRow, ...]
    draft_by: str | None
    draft_at: str | None


@dataclass(frozen=True)
class Current:
    """The scenario a plan's pages show: its text, where it comes from, its run."""

    plan_id: int
    plan_name: str
    text: str
    sha256: str
    source: str
    """``draft`` or ``version N``."""
    approved_text: str
    loaded: LoadedScenario
    results: Results

    @property
    def is_draft(self) -> bool:
        return self.source == "draft"


@dataclass(frozen=True)
class YearField:
    year: str
    value: str


@dataclass(frozen=True)
class EffectForm:
    """One effect of a scheme as a form shows it: its index, kind, POD, field, and values by year."""

    index: int
    kind: str
    pod: str
    field: str
    unit: str
    values: tuple[YearField, ...]


class _RunCache:
    """Runs by the SHA-256 of the scenario text, least recently used dropped first; thread-safe."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._runs: OrderedDict[str, tuple[LoadedScenario, Results]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, file: str) -> tuple[LoadedScenario, Results]:
        key = sha256_text(text)
        with self._lock:
            if key in self._runs:
                self._runs.move_to_end(key)
                return self._runs[key]
        outcome = check_and_run(text, file)
        with self._lock:
            self._runs[key] = outcome
            while len(self._runs) > self._size:
                self._runs.popitem(last=False)
        return outcome


RUNS = _RunCache(CACHE_SIZE)


def check_and_run(text: str, file: str) -> tuple[LoadedScenario, Results]:
    """Load and run a scenario as the command line does; :class:`ScenarioError` (located) if it fails."""
    loaded = load_scenario_text(text, file)
    try:
        return loaded, run(loaded.scenario)
    except ModelError as error:
        raise ScenarioError(loaded.source.locate(error.problems)) from None


def problem_lines(error: ScenarioError) -> list[str]:
    """Each problem as the command line prints it."""
    return [str(problem) for problem in error.problems]


def list_plans(store: Store) -> list[PlanRow]:
    with store.session() as session:
        plans = list(session.scalars(select(Plan).order_by(Plan.name)))
        drafts = {d.plan_id: d for d in session.scalars(select(ScenarioDraft))}
        rows = []
        for plan in plans:
            versions = session.scalars(
                select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number)
            )
            draft = drafts.get(plan.id)
            rows.append(
                PlanRow(
                    plan.id,
                    plan.name,
                    tuple(
                        VersionRow(
                            v.number,
                            v.scenario_name,
                            v.sha256,
                            as_utc(v.approved_at).strftime("%Y-%m-%d %H:%M UTC"),
                            v.approved_by,
                        )
                        for v in versions
                    ),
                    draft.updated_by if draft else None,
                    as_utc(draft.updated_at).strftime("%Y-%m-%d %H:%M UTC") if draft else None,
                )
            )
        return rows


def current(store: Store, plan_id: int) -> Current:
    """The plan's draft (or latest version) and its run."""
    with store.session() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise PlanMissingError(f"no plan with id {plan_id}")
        latest = session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.number.desc())
        ).first()
        if latest is None:
            raise PlanMissingError(f"plan {plan.name} has no version")
        draft = session.get(ScenarioDraft, plan_id)
        name, approved_text, number = plan.name, latest.scenario_text, latest.number
        text = draft.scenario_text if draft is not None else approved_text
        source = "draft" if draft is not None else f"version {number}"
    loaded, results = RUNS.get(text, f"{name} ({source})")
    return Current(plan_id, name, text, sha256_text(text), source, approved_text, loaded, results)


def approved_results(state: Current) -> Results:
    return RUNS.get(state.approved_text, state.plan_name)[1]


def import_scenario(store: Store, name: str, text: str, file: str) -> Approval:
    """Check and run a YAML scenario and store it as a new version of plan ``name``."""
    _, results = check_and_run(text, file)
    return approve(
        store,
        name,
        text,
        file,
        PlanBaseline.from_results(results, plan_documents(results)),
        sha256_text(text),
    )


def approve_current(store: Store, plan_id: int) -> Approval:
    """Approve the plan's draft as a new version; the draft is then the version and is removed."""
    state = current(store, plan_id)
    approval = approve(
        store,
        state.plan_name,
        state.text,
        f"{state.plan_name} (web draft)",
        PlanBaseline.from_results(state.results, plan_documents(state.results)),
        state.sha256,
    )
    with store.session() as session:
        draft = session.get(ScenarioDraft, plan_id)
        if draft is not None:
            session.delete(draft)
    return approval


def save_draft(store: Store, plan_id: int, text: str) -> None:
    """Keep ``text`` as the plan's draft (audited: the old and the new SHA-256 and text)."""
    digest = sha256_text(text)
    with store.session() as session:
        draft = session.get(ScenarioDraft, plan_id)
        if draft is None:
            session.add(
                ScenarioDraft(plan_id=plan_id, scenario_text=text, sha256=digest, updated_by=store.actor)
            )
        else:
            draft.scenario_text = text
            draft.sha256 = digest
            draft.updated_by = store.actor


# --- a scheme's values by year -----------------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


KINDS = ("schemes", "lines")
"""What a form edits: a scheme's effects, or a plan line of the positions (an organisation's lines)."""


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


@dataclass(frozen=True)
class Editable:
    """A scheme or plan line a user may open: its kind, id, name and owning organisation (None: system)."""

    kind: str
    id: str
    name: str
    owner: str | None


def editables(state: Current, kind: str) -> list[Editable]:
    scenario = state.loaded.scenario
    if kind == "schemes":
        return [Editable(kind, s.id, s.name, s.owner) for s in scenario.schemes]
    return [Editable(kind, line.id, line.name, line.org) for line in scenario.positions.plan_lines]


def owner_of(state: Current, kind: str, item_id: str) -> Editable:
    """The scheme or plan line ``item_id``; :class:`KeyError` when there is none."""
    for item in editables(state, kind) if kind in KINDS else []:
        if item.id == item_id:
            return item
    raise KeyError(item_id)


def effect_forms(state: Current, kind: str, item_id: str) -> list[EffectForm]:
    """The values by year of a scheme's effects (or a plan line): a field for every year of the plan."""
    tree = _yaml().load(state.text)
    node = _node(tree, kind, item_id)
    units = {pod.id: pod.unit for pod in state.loaded.scenario.pods}
    years = state.results.years if kind == "lines" else state.results.years[1:]
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


def _text(value: Any) -> str:
    return "" if value is None else f"{value}"


def _number_or_text(value: str) -> Any:
    """A number when the text is one, else the text itself, so the loader reports it as the CLI would."""
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


def edit_scheme(text: str, scheme_id: str, values: Mapping[int, Mapping[str, str]]) -> str:
    """:func:`edit_values` of a scheme's effects."""
    return edit_values(text, "schemes", scheme_id, values)


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


def problems_of(error: ScenarioError) -> list[Problem]:
    return list(error.problems)
