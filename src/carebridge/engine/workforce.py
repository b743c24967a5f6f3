"""The workforce by organisation and staff group: WTE and pay cost, do-nothing and do-something
(docs/effects.md section 4). Money in £'000; pay per WTE in £.

``W[case,t,g] = W0[g] + Σ_p u[g,p] · (A[case,t,p] − A0[p]) + Σ_b v[g,b] · (beds[case,t,b] − beds[N,0,b])``;
``pay = W · π · (1 + β · ρ_b + α[case] · ρ_a) / 1000``, with ``α[S] = α · (1 − Σ_k d_k · φ_k)``.

Labelled arrays at the seams; inside, numpy in a fixed axis order — activity (…, case, year, pod), beds
(…, case, bed_base, year), a group's WTE and pay (…, case, year) — with an optional LEADING draw axis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.errors import ModelError
from carebridge.engine.inputs import DRAW, Floats, InputValues
from carebridge.scenario.errors import Path, Problem
from carebridge.scenario.schema import Scenario, YearValue
from carebridge.scenario.years import YearRange

if TYPE_CHECKING:
    import xarray as xr

CASES = ("do_nothing", "do_something")
GROUP = "workforce_group"


def _number(values: InputValues, path: Path, value: float) -> Floats:
    """A number shaped to multiply a value by (…, case, year): a draw axis first where it is uncertain."""
    return np.asarray(values.number(path, value), dtype=np.float64)[..., None, None]


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


def by_key(
    span: YearRange,
    values: InputValues,
    path: Path,
    rates: Mapping[str, YearValue],
    keys: list[str],
    dim: str,
) -> xr.DataArray:
    """:func:`key_values` labelled (draw?, year, dim)."""
    import xarray as xr

    data = key_values(span, values, path, rates, keys)
    dims = [*([DRAW] if data.ndim > 2 else []), "year", dim]
    return xr.DataArray(data, dims=dims, coords={"year": span.labels, dim: keys})


def labels_of(array: xr.DataArray, dim: str) -> list[str]:
    """The labels of ``array`` along ``dim``, as plain strings (read from the coordinate's values: its pandas
    index is not built)."""
    return [str(label) for label in array.coords.variables[dim].values.tolist()]


def _values_in(array: xr.DataArray, *dims: str) -> Floats:
    if array.dims[array.ndim - len(dims) :] != dims:
        array = array.transpose(..., *dims)
    return np.asarray(array.values, dtype=np.float64)


def _dims(data: Floats, *dims: str) -> list[str]:
    """``dims`` after a draw dimension where ``data`` has one more axis."""
    return [*([DRAW] if data.ndim > len(dims) else []), *dims]


def _stacked(rows: list[Floats]) -> Floats:
    """Rows (…, case, year) of groups stacked as (…, case, group, year), a draw axis first if any has one."""
    lead = np.broadcast_shapes(*(row.shape[:-2] for row in rows))
    return np.stack([np.broadcast_to(row, (*lead, *row.shape[-2:])) for row in rows], axis=-2)


def workforce(
    scenario: Scenario,
    span: YearRange,
    values: InputValues,
    base: xr.DataArray,
    activity: xr.DataArray,
    beds: xr.DataArray | None,
) -> xr.Dataset:
    """WTE (``staff_wte``), pay cost (``pay``, £'000) by (case, workforce_group, year) and the do-nothing
    agency spend (``agency_spend``, £'000); an empty dataset without a workforce. ``activity`` is (case,
    year, pod) over the PODs with activity, ``beds`` (case, bed_base, year) or None."""
    import xarray as xr

    groups = scenario.workforce
    if not groups:
        return xr.Dataset()
    pods = labels_of(activity, "pod")
    cases = labels_of(activity, "case")
    base_pods = labels_of(base, "pod")
    base_values = _values_in(base, "pod")
    if base_pods != pods:
        base_values = base_values[..., [base_pods.index(pod) for pod in pods]]
    above = _values_in(activity, "case", "year", "pod") - base_values[..., None, None, :]
    opened: Floats | None = None
    bed_ids: list[str] = []
    if beds is not None:
        bed_ids = labels_of(beds, "bed_base")
        bed_data = _values_in(beds, "case", "bed_base", "year")
        bed_cases = labels_of(beds, "case")
        # beds less the do-nothing's beds of the base year
        opened = bed_data - bed_data[..., bed_cases.index("do_nothing"), None, :, 0, None]
        if bed_cases != cases:
            opened = opened[..., [bed_cases.index(c) for c in cases], :, :]
    n_cases, n_years = above.shape[-3], above.shape[-2]
    do_nothing = cases.index("do_nothing")
    wte_rows, pay_rows, agency_rows = [], [], []
    problems: list[Problem] = []
    converted_by_group = _conversions(scenario, span, values)
    for g, group in enumerate(groups):
        path: Path = ("workforce", g)
        wte = np.zeros(above.shape[:-1]) + _number(values, (*path, "wte"), group.wte)  # (…, case, year)
        per_unit = key_values(span, values, (*path, "per_unit"), group.per_unit, pods)  # (…, year, pod)
        wte = wte + (per_unit[..., None, :, :] * above).sum(axis=-1)
        if opened is not None and group.per_bed:
            per_bed = key_values(span, values, (*path, "per_bed"), group.per_bed, bed_ids)  # (…, year, bed)
            wte = wte + (np.swapaxes(per_bed, -1, -2)[..., None, :, :] * opened).sum(axis=-2)
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
        share = np.zeros((*converted.shape[:-1], n_cases, n_years))
        share[..., 1 - do_nothing, :] = converted
        agency_case = agency * (1 - share)
        pay_each_case = pay_each[..., None, :]
        pay = wte * pay_each_case * (1 + bank_cost + agency_case * agency_premium) / 1000
        wte_rows.append(wte)
        pay_rows.append(pay)
        agency_rows.append(
            wte[..., do_nothing, :] * agency[..., 0] * pay_each * (1 + agency_premium[..., 0]) / 1000
        )
    if problems:
        raise ModelError(problems)
    ids = [group.id for group in groups]
    wte_all, pay_all = _stacked(wte_rows), _stacked(pay_rows)
    agency_all = _stacked([row[..., None, :] for row in agency_rows])[..., 0, :, :]
    return xr.Dataset(
        {
            "staff_wte": (_dims(wte_all, "case", GROUP, "year"), wte_all, {"units": "WTE"}),
            "pay": (_dims(pay_all, "case", GROUP, "year"), pay_all, {"units": "£'000"}),
            "agency_spend": (_dims(agency_all, GROUP, "year"), agency_all, {"units": "£'000"}),
        },
        coords={
            "case": activity.coords.variables["case"],
            GROUP: ids,
            "year": activity.coords.variables["year"],
            "workforce_group_name": (GROUP, [group.name for group in groups]),
        },
    )


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


def workforce_names(data: xr.Dataset) -> dict[str, xr.DataArray | float]:
    """``workforce.pay_saving`` (every group), ``workforce.<g>.pay_saving`` and
    ``workforce.<g>.agency_spend``, £'000 by year: what a plan line's formula can use."""
    import xarray as xr

    if not data.data_vars:
        return {}
    cases = labels_of(data["pay"], "case")
    pay = _values_in(data["pay"], "case", GROUP, "year")
    agency = _values_in(data["agency_spend"], GROUP, "year")
    saving = pay[..., cases.index("do_nothing"), :, :] - pay[..., cases.index("do_something"), :, :]
    years = data.coords.variables["year"]

    def series(values: Floats) -> xr.DataArray:
        return xr.DataArray(values, dims=_dims(values, "year"), coords={"year": years})

    names: dict[str, xr.DataArray | float] = {"workforce.pay_saving": series(saving.sum(axis=-2))}
    for g, group in enumerate(labels_of(data["pay"], GROUP)):
        names[f"workforce.{group}.pay_saving"] = series(saving[..., g, :])
        names[f"workforce.{group}.agency_spend"] = series(agency[..., g, :])
    return names
