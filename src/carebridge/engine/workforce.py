"""The workforce by organisation and staff group: WTE and pay cost, do-nothing and do-something
(docs/effects.md section 4). Money in £'000; pay per WTE in £.

``W[case,t,g] = W0[g] + Σ_p u[g,p] · (A[case,t,p] − A0[p]) + Σ_b v[g,b] · (beds[case,t,b] − beds[N,0,b])``;
``pay = W · π · (1 + β · ρ_b + α[case] · ρ_a) / 1000``, with ``α[S] = α · (1 − Σ_k d_k · φ_k)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from carebridge.engine.errors import ModelError
from carebridge.engine.inputs import InputValues
from carebridge.scenario.errors import Path, Problem
from carebridge.scenario.schema import Scenario, YearValue
from carebridge.scenario.years import YearRange

CASES = ("do_nothing", "do_something")
GROUP = "workforce_group"


def _number(values: InputValues, path: Path, value: float) -> xr.DataArray:
    """A number as an array: with a ``draw`` dimension where it is uncertain."""
    number = values.number(path, value)
    return xr.DataArray(number, dims=[] if np.ndim(number) == 0 else ["draw"])


def by_key(
    span: YearRange,
    values: InputValues,
    path: Path,
    rates: Mapping[str, YearValue],
    keys: list[str],
    dim: str,
) -> xr.DataArray:
    """(draw?, year, dim): the value by year of each key of ``rates`` at ``(*path, key)``, 0 for the others;
    built in numpy as one array, not a reindex per key."""
    found = {key: values.expand(span, (*path, key), rate) for key, rate in rates.items() if key in keys}
    lead = next((array.shape[:-1] for array in found.values() if array.ndim > 1), ())
    data = np.zeros((*lead, len(span), len(keys)))
    for key, array in found.items():
        data[..., keys.index(key)] = array
    dims = [*(["draw"] if lead else []), "year", dim]
    return xr.DataArray(data, dims=dims, coords={"year": span.labels, dim: keys})


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
    groups = scenario.workforce
    if not groups:
        return xr.Dataset()
    pods = [str(p) for p in activity.pod.values]
    above = activity - base.sel(pod=pods)
    wte_rows, pay_rows, agency_rows = [], [], []
    problems: list[Problem] = []
    converted_by_group = _conversions(scenario, span, values)
    for g, group in enumerate(groups):
        path: Path = ("workforce", g)
        wte: xr.DataArray = xr.zeros_like(above.sum("pod")) + _number(values, (*path, "wte"), group.wte)
        per_unit = by_key(span, values, (*path, "per_unit"), group.per_unit, pods, "pod")
        wte = wte + (per_unit * above).sum("pod")
        if beds is not None and group.per_bed:
            bed_ids = [str(b) for b in beds.bed_base.values]
            per_bed = by_key(span, values, (*path, "per_bed"), group.per_bed, bed_ids, "bed_base")
            opened = beds - beds.sel(case="do_nothing", drop=True).isel(year=0, drop=True)
            wte = wte + (per_bed * opened).sum("bed_base")
        pay_each = values.series(span, (*path, "pay_per_wte"), group.pay_per_wte)
        agency = _number(values, (*path, "agency"), group.agency)
        agency_premium = _number(values, (*path, "agency_premium"), group.agency_premium)
        bank_cost = _number(values, (*path, "bank"), group.bank) * _number(
            values, (*path, "bank_premium"), group.bank_premium
        )
        converted = converted_by_group.get(group.id, xr.zeros_like(pay_each))
        if bool((converted > 1 + 1e-9).any()):
            problems.append(
                Problem(
                    ("workforce", g, "agency"),
                    f"the schemes' workforce effects convert more than all the agency WTE of "
                    f"'{group.name}' in some year (fractions add to more than 1)",
                )
            )
        share = xr.concat([xr.zeros_like(converted), converted], dim="case").assign_coords(case=list(CASES))
        agency_case = agency * (1 - share)
        pay = wte * pay_each * (1 + bank_cost + agency_case * agency_premium) / 1000
        wte_rows.append(wte)
        pay_rows.append(pay)
        agency_rows.append(
            wte.sel(case="do_nothing", drop=True) * agency * pay_each * (1 + agency_premium) / 1000
        )
    if problems:
        raise ModelError(problems)
    ids = [group.id for group in groups]

    def stacked(rows: list[xr.DataArray]) -> xr.DataArray:
        plain = [row.reset_coords(drop=True) for row in rows]
        if len(plain) == 1:  # one group: no concat (its cost is most of a small workforce's)
            return plain[0].expand_dims({GROUP: ids})
        common = xr.broadcast(*plain)
        dims = common[0].dims
        data = np.stack([row.transpose(*dims).values for row in common])
        return xr.DataArray(data, dims=[GROUP, *dims], coords={GROUP: ids, **common[0].coords})

    data = xr.Dataset(
        {
            "staff_wte": stacked(wte_rows).transpose(..., "case", GROUP, "year"),
            "pay": stacked(pay_rows).transpose(..., "case", GROUP, "year"),
            "agency_spend": stacked(agency_rows).transpose(..., GROUP, "year"),
        }
    )
    data = data.assign_coords(workforce_group_name=(GROUP, [group.name for group in groups]))
    data["staff_wte"].attrs["units"] = "WTE"
    data["pay"].attrs["units"] = "£'000"
    data["agency_spend"].attrs["units"] = "£'000"
    return data


def _conversions(scenario: Scenario, span: YearRange, values: InputValues) -> dict[str, xr.DataArray]:
    """``Σ_k d_k · φ_k[t]`` by staff group: the fraction of its agency WTE the schemes convert."""
    found: dict[str, xr.DataArray] = {}
    for i, scheme in enumerate(scenario.schemes):
        if not scheme.workforce_effects:
            continue
        lead = _number(values, ("schemes", i, "delivery"), scheme.delivery)
        for k, change in enumerate(scheme.workforce_effects):
            path: Path = ("schemes", i, "workforce_effects", k, "agency_to_substantive")
            fraction = values.series(span, path, change.agency_to_substantive) * lead
            found[change.group] = found[change.group] + fraction if change.group in found else fraction
    return found


def workforce_names(data: xr.Dataset) -> dict[str, xr.DataArray | float]:
    """``workforce.pay_saving`` (every group), ``workforce.<g>.pay_saving`` and
    ``workforce.<g>.agency_spend``, £'000 by year: what a plan line's formula can use."""
    if not data.data_vars:
        return {}
    saving = data.pay.sel(case="do_nothing", drop=True) - data.pay.sel(case="do_something", drop=True)
    names: dict[str, xr.DataArray | float] = {"workforce.pay_saving": saving.sum(GROUP)}
    for group in data[GROUP].values:
        names[f"workforce.{group}.pay_saving"] = saving.sel({GROUP: group}, drop=True)
        names[f"workforce.{group}.agency_spend"] = data.agency_spend.sel({GROUP: group}, drop=True)
    return names
