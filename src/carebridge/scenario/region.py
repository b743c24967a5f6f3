"""The region file: places (their scenario files), the organisations they share, and region-level lines.

A region consolidates the plans of several places (model spec section 13, "Sectors and places"): Greater
Manchester's ten localities, an integrated care system's places. The file lists the places' scenarios (by
path, or a folder of them), names the organisations that appear in more than one place as one organisation
(a shared acute trust, a CCG covering two places), adds region-level lines (a region-wide transformation
fund) with their allocation to organisations, and may name correlations of uncertain inputs across places.

This module reads and checks the file itself (:func:`load_region_file`: the shape, and what needs no place's
scenario) and holds the checks that need the places (:func:`place_problems`), each problem located at its
line of the region file. Paths of places are relative to the region file's folder.

An organisation of the region is named ``<place>.<org>`` (``north.ccg``), or by its own id when the region
declares it shared (``acute``): the same id, and the same kind, in every place that lists it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from carebridge.scenario.errors import InputError, Problem, did_you_mean, format_value
from carebridge.scenario.loader import load_model
from carebridge.scenario.schema import FORMAT_VERSION, Model, OrgKind, Variant, YearValue
from carebridge.scenario.source_map import SourceMap
from carebridge.scenario.uncertain import correlation_matrix
from carebridge.scenario.years import YearError, YearRange, parse_year

REGION_SHARE_TOLERANCE = 1e-6
"""How far a region line's fixed shares may add up away from 1."""

MAX_PLACES = 1000
"""The most places a region may list (a national run of 42 systems of 10 places is 420)."""

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class RegionError(InputError):
    """A region file (or one of its places) that cannot be used, with every problem found."""

    kind = "region"
    expected = "a region map with format_version, name and places (or places_folder)"
    document = "a region file"


class RegionPlace(Model):
    """A place of the region: its id, name and scenario file."""

    id: str = Field(description="Short id of the place, e.g. `stockport`.")
    name: str | None = Field(None, description="Name shown in reports (default: the scenario's name).")
    scenario: str = Field(description="The place's scenario file, relative to the region file's folder.")


class PaidFrom(Model):
    """A place that pays the shared organisation from outside: the organisation is not one of the place's
    organisations, and the place's payments to providers outside it (``other``) for these PODs go to it."""

    place: str = Field(description="The place's id.")
    pods: list[str] = Field(description="PODs of the place whose outside provider is this organisation.")


class SharedOrganisation(Model):
    """An organisation that serves more than one place: one organisation in the region."""

    id: str = Field(description="Its id in every place's scenario that lists it.")
    name: str | None = Field(
        None, description="Name shown in reports (default: its name in the first place)."
    )
    kind: OrgKind | None = Field(None, description="Its kind (default: its kind in the places).")
    paid_from: list[PaidFrom] = Field(
        default_factory=list,
        description="Places that pay it as a provider outside the place, for some of their PODs.",
    )


class RegionAllocation(Model):
    """How a region line is shared among organisations: fixed shares adding up to 1."""

    shares: dict[str, float] = Field(
        description="Share of each organisation of the region (`acute`, or `<place>.<org>`), in [0, 1]."
    )


class RegionLine(Model):
    """A region-level plan line (a region-wide programme, a transformation fund), £'000 by year, deficit
    positive: a saving or funding is negative."""

    id: str
    name: str
    kind: Literal["saving", "investment", "funding", "other"] = "other"
    value: YearValue = Field(description="£'000 by year; a saving or funding is negative.")
    non_recurrent: bool = Field(False, description="Years the map omits are 0 rather than held.")
    allocation: RegionAllocation | None = Field(
        None, description="Shares by organisation; without one the line is held by the region."
    )
    note: str | None = None


class RegionCorrelation(Model):
    """A rank correlation between two uncertain inputs of the places, each named `<place>: <input>`."""

    inputs: list[str] = Field(description="Two inputs, e.g. `north: pods.nel.activity.base`.")
    rank: float = Field(description="The rank correlation, from -1 to 1.")


class RegionUncertainty(Model):
    correlations: list[RegionCorrelation] = Field(default_factory=list)


class RegionReport(Model):
    bridge_year: str | None = Field(None, description="Year of the region's bridge (default: the last year).")


class Region(Model):
    """A region: the top level of a region file."""

    format_version: int = Field(description=f"Region format version; this release reads {FORMAT_VERSION}.")
    name: str
    description: str | None = None
    source: str | None = None
    places: list[RegionPlace] = Field(default_factory=list)
    places_folder: str | None = Field(
        None, description="A folder whose every .yaml file is a place (id: the file's name)."
    )
    shared_organisations: list[SharedOrganisation] = Field(default_factory=list)
    lines: list[RegionLine] = Field(default_factory=list)
    uncertainty: RegionUncertainty = Field(default_factory=RegionUncertainty)
    report: RegionReport = Field(default_factory=RegionReport)
    variants: list[Variant] = Field(
        default_factory=list,
        description="Variants for `carebridge compare REGION.yaml`: each change applied to every place whose "
        "scenario has its path.",
    )


@dataclass(frozen=True)
class PlaceFile:
    """A place as the region lists it: its id, the name given (if any), its file, and the field path of the
    region file that lists it (for locating its problems)."""

    id: str
    name: str | None
    path: Path
    listed_at: tuple[str | int, ...]


@dataclass(frozen=True)
class LoadedRegion:
    """A region file that reads and whose places exist: the region, where its parts are, and its places."""

    region: Region
    source: SourceMap
    folder: Path
    places: list[PlaceFile]


def load_region_file(path: str | Path) -> tuple[LoadedRegion, list[Problem]]:
    """Read the region file at ``path``: the region and the problems found without reading any place (each
    located in the region file). :class:`RegionError` when the file cannot be read or has the wrong shape."""
    region, source = load_model(path, Region, RegionError)
    folder = Path(path).parent
    places, problems = _places(region, folder)
    problems += _own_problems(region)
    return LoadedRegion(region, source, folder, places), source.locate(problems)


def _places(region: Region, folder: Path) -> tuple[list[PlaceFile], list[Problem]]:
    problems: list[Problem] = []
    listed: list[PlaceFile] = []
    if region.format_version != FORMAT_VERSION:
        message = f"this release reads region format {FORMAT_VERSION}; found {region.format_version}"
        problems.append(Problem(("format_version",), message))
    for i, given in enumerate(region.places):
        listed.append(PlaceFile(given.id, given.name, folder / given.scenario, ("places", i, "scenario")))
    if region.places_folder is not None:
        found = folder / region.places_folder
        if not found.is_dir():
            problems.append(
                Problem(
                    ("places_folder",),
                    f"no folder '{region.places_folder}' beside the region file ({found}); expected a folder "
                    "of place scenarios (.yaml)",
                )
            )
        else:
            for file in sorted(found.glob("*.yaml")):
                listed.append(PlaceFile(file.stem, None, file, ("places_folder",)))
    if not listed and not problems:
        problems.append(Problem(("places",), "the region lists no place; expected places or places_folder"))
    if len(listed) > MAX_PLACES:
        problems.append(
            Problem(
                ("places",), f"the region lists {len(listed):,} places; a region has at most {MAX_PLACES:,}"
            )
        )
        return [], problems
    kept: list[PlaceFile] = []
    ids: dict[str, PlaceFile] = {}
    files: dict[Path, PlaceFile] = {}
    for place in listed:
        at = place.listed_at
        key = place.path.resolve()
        if not _ID.match(place.id):
            problems.append(
                Problem(
                    (*at[:-1], "id") if at[-1] == "scenario" else at,
                    f"the place id {format_value(place.id)} is not an id; expected lower-case letters, "
                    "digits and underscores, starting with a letter",
                )
            )
            continue
        if key in files:
            problems.append(
                Problem(
                    at,
                    f"the place file '{place.path}' is listed twice (also as place '{files[key].id}'); "
                    "expected each place once",
                )
            )
            continue
        if place.id in ids:
            problems.append(
                Problem(
                    (*at[:-1], "id") if at[-1] == "scenario" else at,
                    f"the place id '{place.id}' is used by an earlier place; expected each place once",
                )
            )
            continue
        if not place.path.is_file():
            problems.append(
                Problem(
                    at,
                    f"no place file '{place.path}' (paths are relative to the region file's folder); "
                    "expected a scenario file (YAML)",
                )
            )
            continue
        ids[place.id] = place
        files[key] = place
        kept.append(place)
    return kept, problems


def _own_problems(region: Region) -> list[Problem]:
    """What is wrong with the region's lines and correlations on their own."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, line in enumerate(region.lines):
        if line.id in seen:
            problems.append(Problem(("lines", i, "id"), f"the id '{line.id}' is used by an earlier line"))
        seen.add(line.id)
        if line.allocation is not None:
            shares = line.allocation.shares
            for org, share in shares.items():
                if not 0 <= share <= 1:
                    problems.append(
                        Problem(
                            ("lines", i, "allocation", "shares", org),
                            f"the share {format_value(share)} is outside [0, 1]",
                        )
                    )
            added = math.fsum(shares.values())
            if shares and abs(added - 1) > REGION_SHARE_TOLERANCE:
                problems.append(
                    Problem(
                        ("lines", i, "allocation", "shares"),
                        f"the shares add up to {added:.6g}; expected 1",
                    )
                )
    for i, correlation in enumerate(region.uncertainty.correlations):
        at = ("uncertainty", "correlations", i)
        if len(correlation.inputs) != 2:
            problems.append(
                Problem(
                    (*at, "inputs"), f"{len(correlation.inputs)} inputs; expected two, '<place>: <input>'"
                )
            )
        if not -1 <= correlation.rank <= 1:
            problems.append(
                Problem((*at, "rank"), f"the rank {format_value(correlation.rank)} is outside [-1, 1]")
            )
    return problems


@dataclass(frozen=True)
class PlaceOrganisations:
    """What the region's checks need of a place that loaded: its years, its organisations' ids and kinds,
    and the names of its uncertain inputs."""

    id: str
    base_year: str
    end_year: str
    kinds: Mapping[str, str]
    uncertain: frozenset[str]
    outside_pods: frozenset[str] = frozenset()
    """PODs with a share of activity from providers outside the place (``other``)."""


def region_org_ids(region: Region, places: Sequence[PlaceOrganisations]) -> list[str]:
    """The organisations of the region: each shared organisation by its id, each other organisation of a
    place as ``<place>.<org>``, in the order of the places."""
    shared = {org.id for org in region.shared_organisations}
    ids: list[str] = []
    for place in places:
        for org in place.kinds:
            name = org if org in shared else f"{place.id}.{org}"
            if name not in ids:
                ids.append(name)
    return ids


def place_problems(loaded: LoadedRegion, places: Sequence[PlaceOrganisations]) -> list[Problem]:
    """The problems that need the places' scenarios, located in the region file: places of different years,
    a shared organisation no place has or with different kinds, a line allocated to an organisation no place
    has or with years outside the places', and correlations naming unknown places or inputs. ``places`` are
    those that loaded: what names a place that failed (its own problems reported) is not checked."""
    region = loaded.region
    failed = {place.id for place in loaded.places} - {place.id for place in places}
    problems: list[Problem] = []
    listed_at = {place.id: place.listed_at for place in loaded.places}
    if places:
        first = places[0]
        for place in places[1:]:
            if (place.base_year, place.end_year) != (first.base_year, first.end_year):
                problems.append(
                    Problem(
                        listed_at[place.id],
                        f"place '{place.id}' runs {place.base_year} to {place.end_year} but place "
                        f"'{first.id}' runs {first.base_year} to {first.end_year}; expected every place over "
                        "the same years",
                    )
                )
    for i, shared in enumerate(region.shared_organisations):
        holders = [(place.id, place.kinds[shared.id]) for place in places if shared.id in place.kinds]
        if not holders and not failed:
            every = sorted({org for place in places for org in place.kinds})
            problems.append(
                Problem(
                    ("shared_organisations", i, "id"),
                    f"no place has an organisation '{shared.id}'; expected the id of an organisation of "
                    f"the places{did_you_mean(shared.id, every)}",
                )
            )
            continue
        if not holders:
            continue
        kinds = {kind for _, kind in holders} | ({shared.kind} if shared.kind else set())
        if len(kinds) > 1:
            described = ", ".join(f"'{kind}' in {place}" for place, kind in holders)
            given = f", '{shared.kind}' in the region file" if shared.kind else ""
            problems.append(
                Problem(
                    ("shared_organisations", i, "kind" if shared.kind else "id"),
                    f"the shared organisation '{shared.id}' has different kinds: {described}{given}; "
                    "expected one organisation of one kind in every place",
                )
            )
    problems += _paid_from_problems(region, places, failed)
    orgs = region_org_ids(region, places)
    years = (
        YearRange.from_labels(places[0].base_year, places[0].end_year)
        if places and _years_ok(places[0])
        else None
    )
    for i, line in enumerate(region.lines):
        if line.allocation is not None and places:
            for org in line.allocation.shares:
                unknown = org.partition(".")[0] in failed if "." in org else bool(failed)
                if org not in orgs and not unknown:
                    problems.append(
                        Problem(
                            ("lines", i, "allocation", "shares", org),
                            f"no place has an organisation '{org}'; expected a shared organisation's id or "
                            f"'<place>.<organisation>'{did_you_mean(org, orgs)}",
                        )
                    )
        if isinstance(line.value, dict) and years is not None:
            for year in line.value:
                try:
                    years.index(str(year))
                except YearError as error:
                    problems.append(Problem(("lines", i, "value", year), str(error)))
    problems += _definite_problems(region)
    inputs = {place.id: place.uncertain for place in places}
    for i, correlation in enumerate(region.uncertainty.correlations):
        for j, name in enumerate(correlation.inputs):
            if name.partition(":")[0].strip() in failed:
                continue
            problems.extend(_input_problems(name, ("uncertainty", "correlations", i, "inputs", j), inputs))
    return loaded.source.locate(problems)


def _paid_from_problems(
    region: Region, places: Sequence[PlaceOrganisations], failed: set[str]
) -> list[Problem]:
    """A place paying a shared organisation from outside must be a place of the region that does not list the
    organisation, each POD one of the place's with a provider outside it, and no POD paid to two."""
    problems: list[Problem] = []
    by_id = {place.id: place for place in places}
    taken: dict[tuple[str, str], str] = {}
    for i, shared in enumerate(region.shared_organisations):
        for j, paid in enumerate(shared.paid_from):
            at = ("shared_organisations", i, "paid_from", j)
            place = by_id.get(paid.place)
            if paid.place in failed:
                continue
            if place is None:
                problems.append(
                    Problem(
                        (*at, "place"),
                        f"no place '{paid.place}' in the region; expected one of {', '.join(sorted(by_id))}"
                        f"{did_you_mean(paid.place, by_id)}",
                    )
                )
                continue
            if shared.id in place.kinds:
                problems.append(
                    Problem(
                        (*at, "place"),
                        f"'{shared.id}' is an organisation of place '{paid.place}': its payments there are "
                        "inside the place; expected a place that pays it from outside",
                    )
                )
            for k, pod in enumerate(paid.pods):
                if pod not in place.outside_pods:
                    problems.append(
                        Problem(
                            (*at, "pods", k),
                            f"place '{paid.place}' has no POD '{pod}' with a provider outside it ('other'); "
                            f"expected one of {', '.join(sorted(place.outside_pods)) or 'none'}"
                            f"{did_you_mean(pod, place.outside_pods)}",
                        )
                    )
                elif (paid.place, pod) in taken:
                    problems.append(
                        Problem(
                            (*at, "pods", k),
                            f"place '{paid.place}' already pays '{taken[(paid.place, pod)]}' for POD '{pod}' "
                            "from outside; expected one organisation for a POD's outside provider",
                        )
                    )
                else:
                    taken[(paid.place, pod)] = shared.id
    return problems


def _definite_problems(region: Region) -> list[Problem]:
    """The region's correlations must make a valid correlation matrix (positive definite), or the draws
    could not be given them."""
    pairs = [
        (c.inputs[0].replace(" ", ""), c.inputs[1].replace(" ", ""), c.rank)
        for c in region.uncertainty.correlations
        if len(c.inputs) == 2 and -1 <= c.rank <= 1
    ]
    if not pairs:
        return []
    _, matrix = correlation_matrix(pairs)
    if float(np.linalg.eigvalsh(matrix).min()) > 1e-9:
        return []
    return [
        Problem(
            ("uncertainty", "correlations"),
            "these correlations cannot hold together (their matrix is not positive definite: a rank of 1 or "
            "-1, or ranks that contradict each other); expected ranks strictly between -1 and 1 that agree",
        )
    ]


def _years_ok(place: PlaceOrganisations) -> bool:
    try:
        parse_year(place.base_year), parse_year(place.end_year)
    except YearError:
        return False
    return True


def _input_problems(name: str, at: tuple[Any, ...], inputs: Mapping[str, frozenset[str]]) -> list[Problem]:
    place, colon, input_name = name.partition(":")
    place, input_name = place.strip(), input_name.strip()
    if not colon or not input_name:
        return [Problem(at, f"{format_value(name)} names no place; expected '<place>: <input>'")]
    if place not in inputs:
        return [
            Problem(
                at,
                f"no place '{place}' in the region; expected one of {', '.join(sorted(inputs))}"
                f"{did_you_mean(place, inputs)}",
            )
        ]
    if input_name not in inputs[place]:
        known = sorted(inputs[place])
        listed = (
            f"; its uncertain inputs are {', '.join(known[:10])}" if known else "; it has no uncertain input"
        )
        return [
            Problem(
                at,
                f"place '{place}' has no uncertain input '{input_name}'{did_you_mean(input_name, known)}"
                f"{listed}",
            )
        ]
    return []
