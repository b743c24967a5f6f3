"""Labels and units put on a run's arrays once, when the results are built, so that every report reads the
names it prints from the results, never from the scenario.

Each labelled dimension gains a coordinate of people's words beside its ids:

==============  ==================================================================================
dimension       coordinates
==============  ==================================================================================
``org``         ``org_name`` (``system`` is "System"), ``sector`` (``nhs``, ``social_care``, ``system``)
``provider``    ``provider_name`` (``other`` is "Other providers")
``pod``         ``pod_name``, ``pod_unit`` (the POD's unit of activity: spell, attendance, …)
``scheme``      ``scheme_name``, ``scheme_group`` (the scheme's group as given, ``''`` when it has none)
``line``        ``line_name``: a position line's printed name; on the statement (basis, line), since the
                savings line is named by basis
==============  ==================================================================================

and each array or variable an ``attrs["units"]``: ``£'000`` for money, ``per POD: pod_unit`` for activity
(each POD counts in its own unit), ``%`` for a percentage, ``bed days``, ``beds``, ``WTE``.

The coordinates ride along the arithmetic (a ``sel`` or a sum over another dimension keeps them); code that
stacks or aligns arrays of two runs drops them first (:func:`plain`), and the tidy tables pick their
columns, so no file gains a column.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from carebridge.engine.finance import NET, SAVINGS_LINE, SYSTEM, TOTAL_FUNDING, TOTAL_INVESTMENT
from carebridge.scenario.names import sector
from carebridge.scenario.schema import Scenario

if TYPE_CHECKING:
    import xarray as xr

MONEY = "£'000"
"""The unit of every amount of money."""
ACTIVITY = "per POD: pod_unit"
"""The unit of activity: each POD's own, in its ``pod_unit`` coordinate."""
PERCENT = "%"

FIXED_HOLDERS = {SYSTEM: "System", "other": "Other providers", "nhs": "NHS", "social_care": "Social care"}
"""Printed names of the holders that are not organisations of the scenario."""

FIXED_POSITION_LINES = {"do_nothing": "Do-nothing gap", "do_something": "Do-something position"}
STATEMENT_TOTALS = {
    TOTAL_INVESTMENT: "Total investment",
    TOTAL_FUNDING: "Total funding",
    NET: "Total net saving",
}

LABEL_COORDS = (
    "org_name",
    "sector",
    "provider_name",
    "pod_name",
    "pod_unit",
    "scheme_name",
    "scheme_group",
    "line_name",
)
"""Every coordinate this module adds."""

Labelled = TypeVar("Labelled", "xr.DataArray", "xr.Dataset")


class Names:
    """The labels of one scenario, by id."""

    def __init__(self, scenario: Scenario) -> None:
        self.orgs = {o.id: o.name for o in scenario.organisations} | FIXED_HOLDERS
        self.sectors = {o.id: sector(o) for o in scenario.organisations} | {SYSTEM: SYSTEM}
        self.pods = {p.id: p.name for p in scenario.pods}
        self.units = {p.id: p.unit for p in scenario.pods}
        self.schemes = {s.id: s.name for s in scenario.schemes}
        self.groups = {s.id: s.group or "" for s in scenario.schemes}
        self.lines = {p.id: p.name for p in scenario.positions.plan_lines} | FIXED_POSITION_LINES
        savings = scenario.statement.savings_line
        self.statement_lines = {
            "tariff": {SAVINGS_LINE: savings.tariff, **STATEMENT_TOTALS},
            "cost": {SAVINGS_LINE: savings.cost, **STATEMENT_TOTALS},
        }

    def statement_line(self, basis: str, line: str) -> str:
        return self.statement_lines.get(basis, {}).get(line, line)


def _ids(array: xr.DataArray | xr.Dataset, dim: str) -> list[str]:
    return [str(item) for item in array.get_index(dim).tolist()]


def _label(dim: str, labels: list[str]) -> xr.Variable:
    import xarray as xr

    return xr.Variable((dim,), labels)


def _relabelled(array: Labelled, coords: Mapping[Hashable, xr.Variable], units: str | None) -> Labelled:
    """``array`` with ``coords`` added (or replaced) and, given ``units``, ``attrs["units"]`` on it and on
    each of its variables; ``array`` itself unchanged.

    As ``assign_coords`` would, but without its alignment of the new coordinates, which costs far more than
    the labels (they are built here along dimensions the array has, so there is nothing to align): the new
    array is made with xarray's own ``_replace``, from new variables for the data (their ``attrs`` not
    shared with ``array``'s)."""
    import xarray as xr

    if isinstance(array, xr.Dataset):
        variables = dict(array.variables)
        if units is not None:
            for name in array.data_vars:
                old = variables[name]
                variables[name] = xr.Variable(old.dims, old.data, {**old.attrs, "units": units}, old.encoding)
        variables.update(coords)
        attrs = {**array.attrs, "units": units} if units is not None else dict(array.attrs)
        return array._replace(variables, coord_names={*array.coords, *coords}, attrs=attrs)
    old = array.variable
    attrs = {**old.attrs, "units": units} if units is not None else dict(old.attrs)
    variable = xr.Variable(old.dims, old.data, attrs, old.encoding)
    return array._replace(variable, coords={**array.coords.variables, **coords})


def label_values(coords: Mapping[Any, object], names: Names) -> dict[Hashable, tuple[str, list[str]]]:
    """The label coordinates of the labelled dimensions among ``coords`` (a dimension's ids, as
    :func:`~carebridge.engine.arrays.labelled` takes them), each as ``(dimension, labels)``: what
    :func:`with_labels` adds, computed without xarray (for :mod:`carebridge.engine.view`)."""
    found: dict[Hashable, tuple[str, list[str]]] = {}

    def ids(dim: str) -> list[str] | None:
        given: Any = coords.get(dim)
        if given is None or isinstance(given, tuple) or hasattr(given, "dims"):
            return None
        return [str(item) for item in (given.tolist() if hasattr(given, "tolist") else given)]

    orgs = ids("org")
    if orgs is not None:
        found["org_name"] = ("org", [names.orgs.get(org, org) for org in orgs])
        found["sector"] = ("org", [names.sectors.get(org, org) for org in orgs])
    providers = ids("provider")
    if providers is not None:
        found["provider_name"] = ("provider", [names.orgs.get(org, org) for org in providers])
    pods = ids("pod")
    if pods is not None:
        found["pod_name"] = ("pod", [names.pods.get(pod, pod) for pod in pods])
        found["pod_unit"] = ("pod", [names.units.get(pod, pod) for pod in pods])
    schemes = ids("scheme")
    if schemes is not None:
        found["scheme_name"] = ("scheme", [names.schemes.get(s, s) for s in schemes])
        found["scheme_group"] = ("scheme", [names.groups.get(s, s) for s in schemes])
    return found


def line_names(lines: Sequence[str], names: Names) -> list[str]:
    """The ``line_name`` of position lines."""
    return [names.lines.get(line, line) for line in lines]


def statement_names(bases: Sequence[str], lines: Sequence[str], names: Names) -> list[list[str]]:
    """The statement's ``line_name`` by (basis, line): the savings line is named by basis."""
    return [[names.statement_line(basis, line) for line in lines] for basis in bases]


def with_labels(array: Labelled, names: Names, units: str | None = None) -> Labelled:
    """``array`` with the label coordinates of each of its labelled dimensions (:func:`label_values`), and
    its units."""

    ids = {dim: _ids(array, dim) for dim in ("org", "provider", "pod", "scheme") if dim in array.dims}
    coords: dict[Hashable, xr.Variable] = {
        name: _label(dim, labels) for name, (dim, labels) in label_values(ids, names).items()
    }
    return _relabelled(array, coords, units)


def with_line_names(array: xr.DataArray, names: Names) -> xr.DataArray:
    """A (…, line, …) array of position lines with their ``line_name``."""
    return _relabelled(array, {"line_name": _label("line", line_names(_ids(array, "line"), names))}, None)


def with_statement_names(statement: xr.DataArray, names: Names) -> xr.DataArray:
    """The statement with its ``line_name`` by (basis, line): the savings line is named by basis."""
    import xarray as xr

    printed = statement_names(_ids(statement, "basis"), _ids(statement, "line"), names)
    return _relabelled(statement, {"line_name": xr.Variable(("basis", "line"), printed)}, None)


def plain(array: Labelled) -> Labelled:
    """``array`` without the label coordinates, for stacking or aligning with arrays that lack them."""
    return array.drop_vars([name for name in LABEL_COORDS if name in array.coords])


def label_map(array: xr.DataArray | xr.Dataset | None, dim: str, coord: str) -> dict[str, str]:
    """``{id: label}`` along ``dim`` from the coordinate ``coord`` of ``array``; empty when it has none."""
    if array is None or coord not in array.coords or dim not in array.dims:
        return {}
    values = array[coord]
    if values.dims != (dim,):
        return {}
    return {str(key): str(value) for key, value in zip(array[dim].values, values.values, strict=True)}
