"""The workforce by organisation and staff group: WTE and pay cost, do-nothing and do-something
(docs/effects.md section 4). Money in £'000; pay per WTE in £.

``W[case,t,g] = W0[g] + Σ_p u[g,p] · (A[case,t,p] − A0[p]) + Σ_b v[g,b] · (beds[case,t,b] − beds[N,0,b])``;
``pay = W · π · (1 + β · ρ_b + α[case] · ρ_a) / 1000``, with ``α[S] = α · (1 − Σ_k d_k · φ_k)``.

numpy at the seams and inside, in a fixed axis order — activity (…, case, year, pod), beds (…, case,
bed_base, year), a group's WTE and pay (…, case, year) — with an optional LEADING draw axis; the results
(:class:`Staff`) are labelled only when read (:meth:`Staff.dataset`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.arrays import labelled, labelled_dataset, laid_values
from carebridge.engine.errors import ModelError
from carebridge.engine.inputs import DRAW, Floats, InputValues, as_written, kept_for
from carebridge.engine.view import View, laid_views
from carebridge.scenario.errors import Path, Problem
from carebridge.scenario.schema import Scenario, YearValue
from carebridge.scenario.years import YearRange

if TYPE_CHECKING:
    import xarray as xr

CASES = ("do_nothing", "do_something")
GROUP = "workforce_group"


def _number(values: InputValues, path: Path, value: float) -> Floats | float:
    """A number shaped to multiply a value by (…, case, year): a draw axis first where it is uncertain; as
    written, the number itself (multiplying by it makes no array)."""
    number = values.number(path, value)
    return number if isinstance(number, float) else np.asarray(number, dtype=np.float64)[..., None, None]


def _first(number: Floats | float) -> Floats | float:
    """A number of :func:`_number` shaped to multiply a value by (…, year)."""
    return number[..., 0] if isinstance(number, np.ndarray) else number


def key_values(
    span: YearRange, values: InputValues, path: Path, rates: Mapping[str, YearValue], keys: list[str]
) -> Floats:
    """(…, year, key): the value by year of each key of ``rates`` at ``(*path, key)``, 0 for the others."""
    found = {key: values.expand(span, (*path, key), rate) for key, rate in rates.items() if key in keys}
    lead = next((array.shape[:-1] for array in found.values() if array.ndim > 1), ())
    data = np.zeros((*lead, len(span), len(keys)))
    for key, array in found.items():
        data[..., keys.index(key)] = array
    return data


def _dims(data: Floats, *dims: str) -> list[str]:
    """``dims`` after a draw dimension where ``data`` has one more axis."""
    return [*([DRAW] if data.ndim > len(dims) else []), *dims]


def _stacked(rows: list[Floats]) -> Floats:
    """Rows (…, case, year) of groups stacked as (…, case, group, year), a draw axis first if any has one."""
    if len(rows) == 1:
        return rows[0][..., None, :]
    if all(row.shape == rows[0].shape for row in rows):
        return np.stack(rows, axis=-2)
    lead = np.broadcast_shapes(*(row.shape[:-2] for row in rows))
    return np.stack([np.broadcast_to(row, (*lead, *row.shape[-2:])) for row in rows], axis=-2)


@dataclass(frozen=True)
class Staff:
    """The workforce as numpy, an optional LEADING draw axis first: WTE (``wte``) and pay cost (``pay``,
    £'000) by (…, case, group, year), the do-nothing agency spend (``agency``, £'000) by (…, group, year);
    the cases :data:`CASES`, the groups ``ids`` (named ``names``), the years ``years``."""

    wte: Floats
    pay: Floats
    agency: Floats
    ids: list[str]
    names: list[str]
    years: list[str]

    def numbers(self) -> tuple[Floats, ...]:
        """Every value of :meth:`dataset`, for the check of finite numbers."""
        return self.wte, self.pay, self.agency

    def _variables(self) -> dict[str, tuple[list[str], Floats]]:
        return {
            "staff_wte": (_dims(self.wte, "case", GROUP, "year"), self.wte),
            "pay": (_dims(self.pay, "case", GROUP, "year"), self.pay),
            "agency_spend": (_dims(self.agency, GROUP, "year"), self.agency),
        }

    def _coords(self) -> dict[str, list[str] | tuple[str, list[str]]]:
        return {
            "case": list(CASES),
            GROUP: self.ids,
            "year": self.years,
            "workforce_group_name": (GROUP, self.names),
        }

    def dataset(self) -> xr.Dataset:
        """``staff_wte``, ``pay`` by (case, workforce_group, year) and ``agency_spend`` by (workforce_group,
        year), with each group's ``workforce_group_name`` and the units."""
        data = labelled_dataset(self._variables(), self._coords())
        for name, unit in STAFF_UNITS.items():
            data.variables[name].attrs["units"] = unit
        return data

    def views(self) -> dict[str, View]:
        """The views of :meth:`dataset`'s variables, by name, without building it."""
        return laid_views(
            self._variables(), self._coords(), {name: {"units": u} for name, u in STAFF_UNITS.items()}
        )


STAFF_UNITS = {"staff_wte": "WTE", "pay": "£'000", "agency_spend": "£'000"}
"""The units of the workforce's variables."""


def workforce(
    scenario: Scenario,
    span: YearRange,
    values: InputValues,
    base: Floats,
    activity: Floats,
    beds: tuple[Sequence[str], Floats] | None,
    bed_ids: list[str],
) -> Staff | None:
    """WTE, pay cost and the do-nothing agency spend of each staff group (:class:`Staff`); None without a
    workforce. ``base`` is (…, pod) and ``activity`` (…, case, year, pod), the cases :data:`CASES`, over the
    PODs with activity in the scenario's order; ``beds`` (dims, values) over ``bed_ids`` (dims among them
    ``case``, ``bed_base``, ``year`` and perhaps a draw), as :func:`carebridge.engine.plan.capacity_laid`
    gives them, or None. The groups' numbers are read once for each scenario as written
    (:func:`_groups`)."""
    groups = scenario.workforce
    if not groups:
        return None
    if as_written(values):
        numbers, problems = kept_for(scenario, "workforce", lambda: _groups(scenario, span, values, bed_ids))
    else:
        numbers, problems = _groups(scenario, span, values, bed_ids)
    if problems:
        raise ModelError(problems)
    above = (  # activity above the base, where a group has WTE per unit of it
        activity - base[..., None, None, :] if any(group.per_unit is not None for group in numbers) else None
    )
    shape = activity.shape[:-1]  # (…, case, year)
    opened: Floats | None = None
    if beds is not None:
        core = ("case", "bed_base", "year")
        dims, given = beds
        laid = laid_values(given, dims, core, [dim for dim in dims if dim not in core])
        # beds less the do-nothing's beds of the base year
        opened = laid - laid[..., CASES.index("do_nothing"), None, :, 0, None]
    do_nothing = CASES.index("do_nothing")
    wte_rows, pay_rows, agency_rows = [], [], []
    for group in numbers:
        wte: Floats | float = group.wte  # (…, case, year) once an amount is added
        if above is not None and group.per_unit is not None:
            wte = wte + np.add.reduce(group.per_unit[..., None, :, :] * above, axis=-1)
        if opened is not None and group.per_bed is not None:
            wte = wte + np.add.reduce(group.per_bed * opened, axis=-2)
        if not isinstance(wte, np.ndarray) or wte.ndim < len(shape) or wte.shape[-2:] != shape[-2:]:
            wte = np.zeros(shape) + wte
        wte_rows.append(wte)
        pay_rows.append(wte * group.pay[..., None, :] * group.factor / 1000)
        agency_rows.append(wte[..., do_nothing, :] * group.agency * group.pay * group.premium / 1000)
    return Staff(
        wte=_stacked(wte_rows),
        pay=_stacked(pay_rows),
        agency=_stacked([row[..., None, :] for row in agency_rows])[..., 0, :, :],
        ids=[group.id for group in groups],
        names=[group.name for group in groups],
        years=span.labels,
    )


@dataclass(frozen=True)
class _Group:
    """A staff group's numbers as :func:`workforce` multiplies them, each a number (as written) or an array
    with a draw axis first where the number is uncertain: ``wte`` the baseline WTE; ``per_unit`` WTE per
    unit of activity (…, year, pod) and ``per_bed`` per bed, laid out to multiply the beds (…, 1, bed, year),
    or None without; ``pay`` pay per WTE by (…, year); ``factor`` ``1 + β·ρ_b + α[case]·ρ_a`` by (…, case,
    year); ``agency`` the agency share ``α`` and ``premium`` ``1 + ρ_a``, for the do-nothing agency spend."""

    wte: Floats | float
    per_unit: Floats | None
    per_bed: Floats | None
    pay: Floats
    factor: Floats
    agency: Floats | float
    premium: Floats | float


def _groups(
    scenario: Scenario, span: YearRange, values: InputValues, bed_ids: list[str]
) -> tuple[list[_Group], list[Problem]]:
    """Each staff group's numbers (:class:`_Group`), and a problem for each group whose agency WTE the
    schemes convert more than all of."""
    pods = [pod.id for pod in scenario.pods if pod.activity is not None]
    converted_by_group = _conversions(scenario, span, values)
    numbers: list[_Group] = []
    problems: list[Problem] = []
    do_nothing = CASES.index("do_nothing")
    for g, group in enumerate(scenario.workforce):
        path: Path = ("workforce", g)
        per_unit = (
            key_values(span, values, (*path, "per_unit"), group.per_unit, pods) if group.per_unit else None
        )
        per_bed = (
            np.swapaxes(key_values(span, values, (*path, "per_bed"), group.per_bed, bed_ids), -1, -2)[
                ..., None, :, :
            ]
            if group.per_bed
            else None
        )
        pay_each = values.expand(span, (*path, "pay_per_wte"), group.pay_per_wte)  # (…, year)
        agency = _number(values, (*path, "agency"), group.agency)
        agency_premium = _number(values, (*path, "agency_premium"), group.agency_premium)
        bank_cost = _number(values, (*path, "bank"), group.bank) * _number(
            values, (*path, "bank_premium"), group.bank_premium
        )
        converted = converted_by_group.get(group.id, np.zeros_like(pay_each))
        if bool((converted > 1 + 1e-9).any()):
            problems.append(
                Problem(
                    ("workforce", g, "agency"),
                    f"the schemes' workforce effects convert more than all the agency WTE of "
                    f"'{group.name}' in some year (fractions add to more than 1)",
                )
            )
        share = np.zeros((*converted.shape[:-1], len(CASES), len(span)))
        share[..., 1 - do_nothing, :] = converted
        agency_case = agency * (1 - share)
        numbers.append(
            _Group(
                wte=_number(values, (*path, "wte"), group.wte),
                per_unit=per_unit,
                per_bed=per_bed,
                pay=pay_each,
                factor=1 + bank_cost + agency_case * agency_premium,
                agency=_first(agency),
                premium=1 + _first(agency_premium),
            )
        )
    return numbers, problems


def _conversions(scenario: Scenario, span: YearRange, values: InputValues) -> dict[str, Floats]:
    """``Σ_k d_k · φ_k[t]`` by (…, year) by staff group: the fraction of its agency WTE the schemes
    convert."""
    found: dict[str, Floats] = {}
    for i, scheme in enumerate(scenario.schemes):
        if not scheme.workforce_effects:
            continue
        lead = np.asarray(values.number(("schemes", i, "delivery"), scheme.delivery), dtype=np.float64)
        for k, change in enumerate(scheme.workforce_effects):
            path: Path = ("schemes", i, "workforce_effects", k, "agency_to_substantive")
            fraction = values.expand(span, path, change.agency_to_substantive) * lead[..., None]
            found[change.group] = found[change.group] + fraction if change.group in found else fraction
    return found


def workforce_values(staff: Staff | None) -> dict[str, Floats]:
    """``workforce.pay_saving`` (every group), ``workforce.<g>.pay_saving`` and
    ``workforce.<g>.agency_spend``, £'000 by (…, year): what a plan line's formula can use."""
    if staff is None:
        return {}
    saving = (
        staff.pay[..., CASES.index("do_nothing"), :, :] - staff.pay[..., CASES.index("do_something"), :, :]
    )
    names: dict[str, Floats] = {"workforce.pay_saving": saving.sum(axis=-2)}
    for g, group in enumerate(staff.ids):
        names[f"workforce.{group}.pay_saving"] = saving[..., g, :]
        names[f"workforce.{group}.agency_spend"] = staff.agency[..., g, :]
    return names


def workforce_names(staff: Staff | None) -> dict[str, xr.DataArray | float]:
    """:func:`workforce_values` labelled by year."""
    if staff is None:
        return {}
    return {
        name: labelled(values, _dims(values, "year"), {"year": staff.years})
        for name, values in workforce_values(staff).items()
    }
