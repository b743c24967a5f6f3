"""Comparing two consolidations of a region, as pure functions: two versions of a region file, or a variant
applied to every place against the base.

The positions compared are those of every holder of the region (:func:`region_positions`): each organisation
of the region summed over the places it serves (and what no organisation holds), each sector (the NHS and
social care, the sums of their organisations), each place (its do-something position from the schemes) and
the region (its consolidated position: the places, less the payments between places, plus the region lines);
each holder's do-nothing gap and do-something position, every year. The region's bridge is compared line by
line. Holders, lines or years only one consolidation has count as 0 in the other, as in
:func:`carebridge.engine.compare.difference`, which does the subtraction: ``difference = other − base``.

Money in £'000, deficit positive: a positive difference worsens the position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.compare import SECTORS, difference
from carebridge.engine.region import NOT_ALLOCATED, ORG_COLUMNS, Consolidation

if TYPE_CHECKING:
    import xarray as xr

MEASURES = ("do_nothing", "do_something")
"""What is compared of each holder: its do-nothing gap and its do-something position."""
MEASURE_LABELS = {"do_nothing": "Do-nothing gap", "do_something": "Do-something position"}
REGION = "region"
SECTOR_NAMES = {"nhs": "NHS", "social_care": "Social care"}
HOLDER_KINDS = ("organisation", "sector", "place", "region")


def org_key(org: str) -> str:
    """The holder key of an organisation of the region (``org:acute``, ``org:north.ccg``)."""
    return f"org:{org}"


def sector_key(sector: str) -> str:
    return f"sector:{sector}"


def place_key(place: str) -> str:
    return f"place:{place}"


@dataclass(frozen=True)
class Holders:
    """The holders of a region's positions, in order: keys, printed names and kinds."""

    keys: tuple[str, ...]
    names: Mapping[str, str]
    kinds: Mapping[str, str]


def region_holders(region: Consolidation) -> Holders:
    """Every organisation (then what no organisation holds), the sectors, every place, the region."""
    keys: list[str] = []
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for org, name in zip(region.orgs, region.org_names, strict=True):
        keys.append(org_key(org))
        names[keys[-1]], kinds[keys[-1]] = name, "organisation"
    for sector in SECTORS:
        keys.append(sector_key(sector))
        names[keys[-1]], kinds[keys[-1]] = SECTOR_NAMES[sector], "sector"
    for place, name in zip(region.places, region.place_names, strict=True):
        keys.append(place_key(place))
        names[keys[-1]], kinds[keys[-1]] = name, "place"
    keys.append(REGION)
    names[REGION], kinds[REGION] = "Region", "region"
    return Holders(tuple(keys), names, kinds)


def region_positions(region: Consolidation) -> xr.DataArray:
    """Positions (measure, holder, year) over :data:`MEASURES` and :func:`region_holders`: an organisation's
    do-nothing gap and do-something position over the places it serves (with the income it loses on
    payments between places and its share of the region lines); a sector's, the sum of its organisations';
    a place's from its bridge; the region's from its bridge (do-nothing gap, do-something position)."""
    import xarray as xr

    gap, something = ORG_COLUMNS.index("do_nothing"), ORG_COLUMNS.index("do_something")
    orgs = region.org_positions[:, [gap, something], :]
    sectors = region.org_sectors or ("",) * len(region.orgs)
    by_sector = np.stack(
        [
            orgs[[o for o, org in enumerate(region.orgs) if sectors[o] == name and org != NOT_ALLOCATED]].sum(
                axis=0
            )
            for name in SECTORS
        ]
    )
    places = region.place_bridges[:, [0, -1], :]
    whole = region.bridge[[0, -1], :][np.newaxis]
    table = np.concatenate([orgs, by_sector, places, whole]).transpose(1, 0, 2)
    return xr.DataArray(
        table,
        dims=("measure", "holder", "year"),
        coords={
            "measure": list(MEASURES),
            "holder": list(region_holders(region).keys),
            "year": list(region.years),
        },
    )


def region_bridge(region: Consolidation) -> xr.DataArray:
    """The region's bridge (line, year): do-nothing gap, each step, do-something position."""
    import xarray as xr

    return xr.DataArray(
        region.bridge,
        dims=("line", "year"),
        coords={"line": list(region.bridge_lines), "year": list(region.years)},
    )


@dataclass(frozen=True)
class RegionComparison:
    """Two consolidations side by side: ``positions`` (measure, holder, year) and ``bridge`` (line, year),
    each a dataset of ``base``, ``other`` and ``difference`` (other − base); the printed names and kinds of
    the holders and the names of the bridge's lines, from both."""

    positions: xr.Dataset
    bridge: xr.Dataset
    holder_names: Mapping[str, str]
    holder_kinds: Mapping[str, str]
    line_names: Mapping[str, str]

    @property
    def years(self) -> tuple[str, ...]:
        return tuple(str(year) for year in self.positions.year.values)

    @property
    def holders(self) -> tuple[str, ...]:
        return tuple(str(holder) for holder in self.positions.holder.values)

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(str(line) for line in self.bridge.line.values)


def compare_regions(base: Consolidation, other: Consolidation) -> RegionComparison:
    """``other`` against ``base``: every holder's positions and the region's bridge, ``other − base``, on the
    union of their holders, lines and years (what one lacks counts as 0). Holders keep the order of ``base``,
    then those only ``other`` has; so do the bridge's lines, with the do-something position last."""
    first, second = region_holders(base), region_holders(other)
    order = [*first.keys, *(key for key in second.keys if key not in first.names)]
    ranked = sorted(order, key=lambda key: HOLDER_KINDS.index(first.kinds.get(key) or second.kinds[key]))
    positions = difference(region_positions(base), region_positions(other)).reindex(holder=ranked)
    lines = [
        *base.bridge_lines[:-1],
        *(line for line in other.bridge_lines[:-1] if line not in base.bridge_lines),
    ]
    lines.append(base.bridge_lines[-1])
    bridge = difference(region_bridge(base), region_bridge(other)).reindex(line=lines)
    years = sorted({*base.years, *other.years})
    return RegionComparison(
        positions.reindex(year=years),
        bridge.reindex(year=years),
        {**second.names, **first.names},
        {**second.kinds, **first.kinds},
        {
            **dict(zip(other.bridge_lines, other.bridge_names, strict=True)),
            **dict(zip(base.bridge_lines, base.bridge_names, strict=True)),
        },
    )
