"""What a run produces: labelled arrays that every report, store and app reads.

Signs follow the sources (model spec section 1): activity removed, savings and funding are negative;
do-nothing gaps, investment and deficits positive. Money in £'000; activity in each POD's unit.

The arrays carry their labels and units (:mod:`carebridge.engine.labels`): an ``org_name`` and
``sector`` beside each ``org``, a ``pod_name`` and ``pod_unit`` beside each ``pod``, a ``scheme_name`` and
``scheme_group`` beside each ``scheme``, a ``line_name`` beside each line, ``attrs["units"]``; the
``*_label`` methods read them, so a report takes every name it prints from the results. ``scenario`` is the
input itself, kept for what needs the input and not a label: the report's provenance (header, the Inputs
sheet), its options (``report``, ``statement.savings_from``, ``published``, ``capital``), the appraisal's
investment lines and the approved plan's baseline (providers, owners).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from carebridge.engine.finance import SYSTEM
from carebridge.engine.flows import CHECKS, SCHEME_LINES, PlanFlows
from carebridge.engine.labels import FIXED_HOLDERS, FIXED_POSITION_LINES
from carebridge.engine.view import View, field_view, laid_view, laid_views
from carebridge.scenario.schema import Scenario

if TYPE_CHECKING:
    import xarray as xr

SCHEME_LINE_LABELS = {
    "schemes.do_nothing": "Do-nothing gap",
    "schemes.plan_lines": "Plan lines typed (not from the schemes)",
    "schemes.payment": "Payment for activity",
    "schemes.income": "Income from activity",
    "schemes.cost": "Cost released",
    "schemes.compensating_payment": "Compensating payments",
    "schemes.direct_saving": "Direct savings",
    "schemes.investment": "Investment",
    "schemes.funding": "Funding",
    "schemes.position": "Do-something position from the schemes",
    "schemes.not_explained": "Plan lines not explained by the schemes",
    "schemes.do_something": "Do-something position (typed)",
}
"""Printed names of the lines of the positions from the schemes (spec section 13)."""


T = TypeVar("T")


@dataclass(frozen=True)
class Pending(Generic[T]):
    """A field of :class:`Results` not labelled yet: ``build`` makes it (from numpy values and label lists) on
    first access; ``numbers`` holds every value it will hold but those undefined by design (each array as
    computed: perhaps more cells than the field keeps, never fewer), for the check of finite numbers
    (:mod:`carebridge.engine.finite`) without labelling; ``view`` makes its view (:meth:`Results.view`: the
    same numbers, dimensions, labels, coordinates and attributes) from the same values and labels, without
    building it (None: the view is taken of the field, built); ``sums`` holds sums of ``numbers`` that the
    run computed for its own use, by name, for a reader that would otherwise compute them again (a
    simulation's tables, engine/simulate/batch.py; not checked for finite numbers, as the reader's own sums
    would not be)."""

    build: Callable[[], T]
    numbers: tuple[npt.NDArray[np.generic], ...] = ()
    view: Callable[[], View | dict[str, View]] | None = None
    sums: Mapping[str, npt.NDArray[np.generic]] = field(default_factory=dict)


class _Lazy:
    """A field of :class:`Results` that may hold a :class:`Pending` value: built on first access, then kept.

    A data descriptor: the frozen dataclass's ``__init__`` (``object.__setattr__``) and unpickling store
    into the instance's ``__dict__`` under the field's own name, and every read goes through ``__get__``."""

    def __init__(self, name: str, default: object) -> None:
        self.name = name
        self.default = default

    def __get__(self, results: object, owner: type | None = None) -> Any:
        if results is None:  # on the class: the field's default, as a dataclass field reads
            if self.default is MISSING:
                raise AttributeError(self.name)
            return self.default
        found = results.__dict__[self.name]
        if type(found) is Pending:
            found = found.build()
            results.__dict__[self.name] = found
        return found

    def __set__(self, results: object, value: object) -> None:
        results.__dict__[self.name] = value


@dataclass(frozen=True)
class BridgeStep:
    line: str
    name: str
    value: float


@dataclass(frozen=True)
class Results:
    """The results of one run of one scenario."""

    scenario: Scenario
    years: list[str]
    activity: xr.Dataset
    """(year, pod) for PODs with activity: do_nothing, avoided_growth, reduction, do_something,
    deflection_pct. Avoided growth and reductions are negative (activity removed)."""
    scheme_activity: xr.Dataset
    """(scheme, year, pod): avoided_growth, reduction, negative for activity removed."""
    savings: xr.DataArray
    """(scheme, year, pod, source, basis, provider), £'000, negative for a saving."""
    scheme_investment: xr.Dataset
    """(scheme, year): recurrent, non_recurrent, £'000."""
    scheme_summary: xr.Dataset
    """(scheme, year, basis): investment, benefit (negative), net — Stockport Table 5."""
    statement: xr.DataArray
    """(basis, line, year) with a ``section`` coordinate: investment, total_investment, funding,
    total_funding, net (Stockport Tables 6 and 8)."""
    positions: xr.DataArray
    """(line, org, year): ``do_nothing``, each plan line, ``do_something``; org includes ``system``."""
    plan_gross: xr.DataArray | None = None
    """(line, year): each plan line before double counting is removed (net is in ``positions``)."""
    finance: xr.Dataset | None = None
    """(org, year) for organisations with finance: income, expenditure, recurrent_items,
    non_recurrent_items, recurrent_gap, gap — the do-nothing forecast, £'000."""
    expenditure: xr.DataArray | None = None
    """(org, category, year): do-nothing expenditure by category, £'000."""
    capacity: xr.Dataset = field(default_factory=lambda: _empty_dataset())
    """(case, year, …): bed_days and beds by bed_base, wte by staff_group; case do_nothing/do_something."""
    plan_line_orgs: dict[str, str] = field(default_factory=dict)
    """Organisation of each plan line, or ``system`` for a system-level line."""
    plan_flows: PlanFlows | None = None
    """Section 13's arrays as computed; read through ``flows``, ``scheme_positions`` and ``flow_checks``."""
    allocated_lines: list[str] = field(default_factory=list)
    """System-level plan lines shared among the organisations (each appears in every organisation's
    position)."""
    provider_split: xr.DataArray | None = None
    """(pod, provider): each POD's share of activity by provider, as the scenario gives it (a fraction)."""
    cohort_share: xr.DataArray | None = None
    """(cohort, year, pod): each cohort's share of each POD by year (docs/demand.md §4), when a cohort's share
    changes over the years or cohorts overlap; None otherwise (the shares are the scenario's, constant)."""
    cohort_headcount: xr.DataArray | None = None
    """(cohort, year): the people of each cohort given a headcount, linear between the years given."""

    @classmethod
    def lazily(cls, given: Mapping[str, object]) -> Results:
        """Results of ``given`` fields (the others their defaults), each a value or, for a field of
        :data:`LATER`, a :class:`Pending` that builds it on first access (the run labels nothing it is not
        asked for). Raises ``TypeError`` when a field without a default is not given."""
        made = object.__new__(cls)
        state = made.__dict__
        for item in fields(cls):
            if item.name in given:
                value = given[item.name]
                if type(value) is Pending and item.name not in LATER:
                    raise TypeError(f"field {item.name!r} cannot be built lazily")
                state[item.name] = value
            elif item.default is not MISSING:
                state[item.name] = item.default
            elif item.default_factory is not MISSING:
                state[item.name] = item.default_factory()
            else:
                raise TypeError(f"Results needs field {item.name!r}")
        return made

    def pending(self, name: str) -> Pending[Any] | None:
        """The field ``name`` not built yet, or None when it is built (or never lazy)."""
        found = self.__dict__.get(name)
        return found if type(found) is Pending else None

    def view(self, name: str) -> View | dict[str, View]:
        """The field ``name`` (or ``flows``, ``scheme_positions``, ``flow_checks``) as numpy with its labels
        (:mod:`carebridge.engine.view`): a view of an array, or a view of each variable of a dataset by
        name. A field not built yet is read from the run's numbers and labels, without building it (nor
        importing xarray); a built one is read from its labelled array. Raises ``KeyError`` for a field that
        is not an array or is None."""
        made = self.__dict__.setdefault(_VIEWS, {})
        if name not in made:
            found = self.__dict__.get(name)
            if type(found) is Pending and found.view is not None:
                made[name] = found.view()
            elif name in FLOW_VIEWS and name not in self.__dict__:
                made[name] = self._flow_view(name)
            else:
                made[name] = field_view(getattr(self, name), name)
        return made[name]  # type: ignore[no-any-return]

    def _flow_view(self, name: str) -> View | dict[str, View]:
        """The view of the flows, the positions from the schemes or the flow checks (section 13), from the
        flows' numbers (:class:`~carebridge.engine.flows.PlanFlows`) when they have no draws."""
        money = self.plan_flows
        if money is None:
            raise KeyError(f"{name!r} is not an array of these results")
        found = FLOW_VIEWS[name](money)
        return found if found is not None else field_view(getattr(self, name), name)

    def __getstate__(self) -> dict[str, Any]:
        """Every field built (a pickle holds labelled arrays, not how to make them), no view kept."""
        state = {**self.__dict__, **{name: getattr(self, name) for name in LATER}}
        state.pop(_VIEWS, None)
        return state

    @cached_property
    def flows(self) -> xr.DataArray | None:
        """(entry, year), £'000, deficit positive: every flow of the plan between the partners (model spec
        section 13), one row per (org, counterparty, pod, flow) given as coordinates on ``entry`` (``''``
        where a flow has no counterparty or POD). For a contract term (payer c, provider o, POD p) with ``V =
        (AS − AD)·ps·P/1000``: ``payment = ΔPay`` for the payer (``m·V`` for tariff, the threshold rates
        inside and beyond a tolerance band, 0 for block, the variable share for aligned); for a provider of
        the plan ``income = −ΔPay``, ``cost = −SC`` (the cost-basis saving of section 5 on its share) and
        ``stranded_cost = income + cost`` (a subtotal, never added again); ``compensating_payment`` ``+K`` for
        the payer and ``−K`` for the provider; ``direct_saving`` (negative, cost basis) to the scheme's owner;
        ``investment`` (positive) to the organisation that spends it; ``funding`` (negative) to the receiver
        and positive to a funder of the plan."""
        return self.plan_flows.labelled_flows() if self.plan_flows is not None else None

    @cached_property
    def scheme_positions(self) -> xr.DataArray | None:
        """(line, holder, year), £'000, deficit positive: positions from the schemes (spec section 13) for
        each organisation, ``nhs``, ``social_care`` and ``system``. Lines: ``schemes.do_nothing`` (gap),
        ``schemes.plan_lines`` (typed plan lines not computed from the schemes, allocated shares included),
        one ``schemes.<flow>`` per flow but stranded cost, ``schemes.position`` (= the sum of those),
        ``schemes.not_explained`` (typed do-something − position: the plan lines the schemes do not explain)
        and ``schemes.do_something`` (the typed do-something position). A sector and the system are sums of
        their organisations; the system's typed do-something also holds the system lines not allocated."""
        return self.plan_flows.labelled_positions() if self.plan_flows is not None else None

    @cached_property
    def flow_checks(self) -> xr.Dataset | None:
        """(check, year) with a ``name`` coordinate: computed, expected and difference of each check of spec
        section 13 (£'000); across Monte Carlo draws, the draw with the largest difference."""
        return self.plan_flows.checks() if self.plan_flows is not None else None

    def _names_along(self, name: str, dim: str, coord: str) -> dict[str, str]:
        """``{id: label}`` along ``dim`` from the label coordinate ``coord`` of the field ``name`` (read
        through its view: nothing is built); empty when it has none (or the field is None)."""
        if self.__dict__.get(name) is None:
            return {}
        found = self.view(name)
        for view in found.values() if isinstance(found, dict) else (found,):
            if dim in view.dims and coord in view.extra:
                dims, values = view.extra[coord]
                if dims != (dim,):
                    return {}
                return {str(key): str(value) for key, value in zip(view.labels[dim], values, strict=True)}
        return {}

    @cached_property
    def _org_names(self) -> dict[str, str]:
        names = dict(FIXED_HOLDERS)
        for field_name in ("savings", "finance", "expenditure", "positions"):
            names.update(self._names_along(field_name, "provider", "provider_name"))
            names.update(self._names_along(field_name, "org", "org_name"))
        return names

    @cached_property
    def _pod_names(self) -> dict[str, str]:
        return self._names_along("savings", "pod", "pod_name") | self._names_along(
            "activity", "pod", "pod_name"
        )

    @cached_property
    def _line_names(self) -> dict[str, str]:
        names = dict(FIXED_POSITION_LINES)
        names.update(self._names_along("positions", "line", "line_name"))
        names.update(SCHEME_LINE_LABELS)
        return names

    @cached_property
    def _statement_names(self) -> dict[tuple[str, str], str]:
        statement = self.view("statement")
        assert isinstance(statement, View)
        if "line_name" not in statement.extra:
            return {}
        dims, printed = statement.extra["line_name"]
        if dims != ("basis", "line"):
            printed = printed.transpose([dims.index("basis"), dims.index("line")])
        return {
            (str(basis), str(line)): str(printed[b, k])
            for b, basis in enumerate(statement.labels["basis"])
            for k, line in enumerate(statement.labels["line"])
        }

    def statement_label(self, basis: str, line: str) -> str:
        """The printed name of a statement line (the statement's ``line_name``)."""
        return self._statement_names.get((basis, line), line)

    def position_label(self, line: str) -> str:
        """The printed name of a position line (the positions' ``line_name``, or a line of the positions from
        the schemes)."""
        return self._line_names.get(line, line)

    def org_label(self, org: str) -> str:
        """The printed name of an organisation, a provider, a sector or the system."""
        return self._org_names.get(org, org)

    def pod_label(self, pod: str) -> str:
        """The printed name of a POD."""
        return self._pod_names.get(pod, pod)

    @cached_property
    def _scheme_names(self) -> dict[str, str]:
        return self._names_along("scheme_summary", "scheme", "scheme_name")

    def scheme_label(self, scheme: str) -> str:
        """The printed name of a scheme."""
        return self._scheme_names.get(scheme, scheme)

    @property
    def schemes(self) -> list[str]:
        """The schemes' ids, in the scenario's order."""
        summary = self.view("scheme_summary")
        assert isinstance(summary, dict)
        return [str(scheme) for scheme in summary["investment"].labels["scheme"]]

    def bridge(self, year: str) -> list[BridgeStep]:
        """The system bridge for a year: do-nothing gap, each plan line, do-something position."""
        positions = self.view("positions")
        assert isinstance(positions, View)
        column = positions.sel(org=SYSTEM, year=year).transpose("line")
        steps = zip(column.labels["line"], column.values, strict=True)
        return [
            BridgeStep(str(line), self.position_label(str(line)), float(value))
            for line, value in steps
            if line in ("do_nothing", "do_something") or self.plan_line_orgs.get(str(line)) is not None
        ]

    @property
    def bridge_year(self) -> str:
        chosen = self.scenario.report.bridge_year
        return chosen if chosen else self.last_effect_year

    @property
    def last_effect_year(self) -> str:
        """The last year in which any scheme's saving or investment, or any plan line, changes."""
        savings, investment, positions = (
            self.view(name) for name in ("savings", "scheme_investment", "positions")
        )
        assert isinstance(savings, View) and isinstance(investment, dict) and isinstance(positions, View)
        per_scheme = savings.sel(basis="tariff").sum(["pod", "source", "provider"])
        recurrent, non_recurrent = investment["recurrent"], investment["non_recurrent"]
        invested = recurrent.values + non_recurrent.transpose(*recurrent.dims).values
        system = positions.sel(org=SYSTEM)
        lines = [line for line in system.labels["line"] if line not in ("do_nothing", "do_something")]
        plan = system.sel(line=lines)
        changed = [
            _changes(per_scheme.values, per_scheme.dims),
            _changes(invested, recurrent.dims),
            _changes(plan.values, plan.dims),
        ]
        any_change = [bool(a or b or c) for a, b, c in zip(*changed, strict=True)]
        last = max((i + 1 for i, flag in enumerate(any_change) if flag), default=len(self.years) - 1)
        return self.years[last]


LAZY = (
    "activity",
    "scheme_activity",
    "savings",
    "scheme_investment",
    "scheme_summary",
    "statement",
    "positions",
    "plan_gross",
    "finance",
    "expenditure",
    "capacity",
    "provider_split",
    "cohort_share",
    "cohort_headcount",
)
"""The labelled fields of :class:`Results` a run may leave to be labelled on first access."""
LATER = (*LAZY, "plan_flows")
"""The fields of :class:`Results` a run may leave to be built on first access (:meth:`Results.lazily`): the
labelled ones and the flows between the partners (section 13), which a simulation never reads."""
for _field in fields(Results):
    if _field.name in LATER:
        setattr(Results, _field.name, _Lazy(_field.name, _field.default))


def _changes(values: npt.NDArray[np.float64], dims: tuple[str, ...]) -> list[bool]:
    """For each year after the first, whether any cell of ``values`` (over ``dims``) differs from the year
    before."""
    by_year = np.moveaxis(values, dims.index("year"), -1)
    with np.errstate(invalid="ignore"):
        moved = np.abs(np.diff(by_year, axis=-1)) > 1e-9
    flags = np.asarray(moved.any(axis=tuple(range(moved.ndim - 1))), dtype=bool)
    return [bool(flag) for flag in flags]


SYSTEM_ORG = SYSTEM


def _empty_dataset() -> xr.Dataset:
    """The capacity of results given none: an empty dataset."""
    import xarray as xr

    return xr.Dataset()


_VIEWS = "_views"
"""Where :meth:`Results.view` keeps the views it made (not a field: not compared, copied or pickled)."""


def _flows_view(money: PlanFlows) -> View | None:
    """:meth:`PlanFlows.labelled_flows` as a view; None with draws."""
    table = money.table
    if table.values.ndim > 2:
        return None
    along = {
        "year": money.years,
        "org": ("entry", table.org),
        "counterparty": ("entry", table.counterparty),
        "pod": ("entry", table.pod),
        "flow": ("entry", table.flow),
    }
    return laid_view(np.swapaxes(table.values, -1, -2), ("entry", "year"), along)


def _scheme_positions_view(money: PlanFlows) -> View | None:
    """:meth:`PlanFlows.labelled_positions` as a view; None with draws."""
    if money.positions.ndim > 3:
        return None
    along = {"line": list(SCHEME_LINES), "holder": money.holders, "year": money.years}
    return laid_view(money.positions, ("line", "holder", "year"), along)


def _flow_checks_view(money: PlanFlows) -> dict[str, View] | None:
    """:meth:`PlanFlows.checks` as views; None with draws."""
    if money.computed.ndim > 2:
        return None
    dims = ["check", "year"]
    along = {"check": list(CHECKS), "year": money.years, "name": ("check", list(CHECKS.values()))}
    variables = {
        "computed": (dims, money.computed),
        "expected": (dims, money.expected),
        "difference": (dims, money.computed - money.expected),
    }
    return laid_views(variables, along)


FLOW_VIEWS: dict[str, Callable[[PlanFlows], View | dict[str, View] | None]] = {
    "flows": _flows_view,
    "scheme_positions": _scheme_positions_view,
    "flow_checks": _flow_checks_view,
}
"""The views of section 13's arrays, made from the flows' numbers."""
