"""Regions the web app knows (``carebridge region add``): a region file's places approved as plans in the
store and the region kept as a version; a stored region run from its places' current scenarios.

A stored region is run in this process, one place after another, each place's run taken from the caller's
cache of checked runs (the web app's, by the SHA-256 of the scenario text): the region file and each place's
current scenario (its draft, else its latest version) are written to a temporary folder laid out as the region
file lists them, read with the region's own loader and consolidated by :mod:`carebridge.usecases.region`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from sqlalchemy import select

from carebridge.engine.region import place_figures
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.region import RegionError, load_region_file
from carebridge.store import Store
from carebridge.store.models import PlanVersion
from carebridge.store.plans import Approval, plan_id, scenario_file_text
from carebridge.store.regions import (
    RegionAdded,
    RegionMissingError,
    StoredRegion,
    add_region,
    latest_region,
    list_regions,
)
from carebridge.usecases import plans
from carebridge.usecases.planning import CheckedScenario, check_file
from carebridge.usecases.plans import StoredScenario, stored_scenario
from carebridge.usecases.region import (
    PlaceOutcome,
    RegionRun,
    consolidate_region,
    place_organisations,
    run_region,
)

__all__ = [
    "RegionAddition",
    "RegionMissingError",
    "RegionProblemsError",
    "RegionState",
    "add_region_file",
    "list_regions",
    "region_orgs",
    "region_role_orgs",
    "region_state",
    "run_region_state",
]

Check = Callable[[str, str, Mapping[str, bytes]], CheckedScenario]
"""Load and run a scenario's text (named by the second argument in messages): the web app's run cache."""


class RegionProblemsError(Exception):
    """A stored region that cannot be consolidated now (a place's draft that no longer loads, say): every
    problem, each located in the region file or in the place's plan."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("; ".join(lines))


@dataclass(frozen=True)
class RegionAddition:
    """What ``carebridge region add`` did: each place's approval (place id, approval), then the region's."""

    places: list[tuple[str, Approval]]
    region: RegionAdded


def add_region_file(store: Store, path: Path) -> RegionAddition:
    """Check the region file at ``path`` as ``carebridge run`` does (every place run, serially; a
    :class:`RegionError` lists every problem, located), approve each place as a plan — a new version only when
    its file changed, as ``carebridge plan approve`` does; the plan is named as the region names the place,
    else as its scenario is — and keep the region file's text as a new version of the region."""
    checked_region = run_region(path, mode="serial")
    loaded = checked_region.loaded
    checked = [(place, check_file(place.path)) for place in loaded.places]
    names = [place.name or found.loaded.scenario.name for place, found in checked]
    approvals: list[tuple[str, Approval]] = []
    places: list[tuple[str, int, str]] = []
    for (place, found), name in zip(checked, names, strict=True):
        plan_name = name if names.count(name) == 1 else f"{name} ({place.id})"
        approval = plans.approve(store, plan_name, found)
        approvals.append((place.id, approval))
        relative = PurePosixPath(
            Path(os.path.relpath(place.path.resolve(), loaded.folder.resolve())).as_posix()
        )
        places.append((place.id, plan_id(store, approval.version.plan), str(relative)))
    text, digest = scenario_file_text(Path(path))
    added = add_region(store, loaded.region.name, text, Path(path).name, digest, places)
    return RegionAddition(approvals, added)


@dataclass(frozen=True)
class RegionState:
    """A stored region as it stands: its latest version and each place's current scenario."""

    region: StoredRegion
    places: tuple[StoredScenario, ...]

    @property
    def key(self) -> str:
        """The SHA-256 of the region's text and of every place's current text: the key of its run."""
        digest = hashlib.sha256(self.region.sha256.encode())
        for place, stored in zip(self.region.places, self.places, strict=True):
            digest.update(f"\n{place.place}={stored.sha256}".encode())
        return digest.hexdigest()


def region_state(store: Store, region_id: int) -> RegionState:
    """The region's latest version and its places' current scenarios; :class:`RegionMissingError`."""
    region = latest_region(store, region_id)
    return RegionState(region, tuple(stored_scenario(store, place.plan_id) for place in region.places))


def run_region_state(state: RegionState, check: Check) -> RegionRun:
    """Consolidate the region from its places' current scenarios, each run by ``check`` (serially, in this
    process); :class:`RegionProblemsError` with every problem otherwise."""
    with tempfile.TemporaryDirectory(prefix="carebridge-region-") as folder:
        region_path = _lay_out(Path(folder), state)
        shown = str(region_path.parent) + os.sep
        try:
            loaded, problems = load_region_file(region_path)
            by_place = dict(zip((p.place for p in state.region.places), state.places, strict=True))
            outcomes = [_outcome(place.id, place.name, by_place[place.id], check) for place in loaded.places]
            return consolidate_region(loaded, outcomes, problems)
        except RegionError as error:
            lines = [str(problem).replace(shown, "") for problem in error.problems]
            raise RegionProblemsError(lines) from None


def _lay_out(root: Path, state: RegionState) -> Path:
    """Write the region file and its places' scenarios under ``root`` as the region file lists them (a place
    listed above the region file's folder is written above it, inside ``root``); the region file's path."""
    paths = [PurePosixPath(os.path.normpath(place.path)).as_posix() for place in state.region.places]
    depth = max((_ups(path) for path in paths), default=0)
    folder = root.joinpath("region", *(["in"] * depth))
    folder.mkdir(parents=True)
    region_path = folder / (Path(state.region.file).name or "region.yaml")
    region_path.write_text(state.region.text, encoding="utf-8")
    for path, stored in zip(paths, state.places, strict=True):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(stored.text, encoding="utf-8")
    return region_path


def _ups(path: str) -> int:
    parts = path.split("/")
    return next((i for i, part in enumerate(parts) if part != ".."), len(parts))


def _outcome(place: str, name: str | None, stored: StoredScenario, check: Check) -> PlaceOutcome:
    try:
        checked = check(stored.text, f"{stored.plan_name} ({stored.source})", stored.files)
    except ScenarioError as error:  # a ModelError too
        return PlaceOutcome(place, problems=list(error.problems))
    scenario = checked.loaded.scenario
    figures = place_figures(place, name or scenario.name, checked.results)
    return PlaceOutcome(place, figures=figures, organisations=place_organisations(place, scenario))


@dataclass(frozen=True)
class RegionOrgs:
    """Who serves which place of a region, without running it: each place's organisations (ids, as its plan's
    latest version names them) and each shared organisation's places (those that list it, and those that pay
    it from outside)."""

    places: Mapping[str, Mapping[str, str]]
    """Place → organisation id → name."""
    shared: Mapping[str, tuple[str, ...]]


def region_orgs(store: Store, region: StoredRegion) -> RegionOrgs:
    """The organisations of each place of ``region`` and the places each shared organisation serves."""
    places: dict[str, dict[str, str]] = {}
    with store.session() as session:
        for place in region.places:
            query = (
                select(PlanVersion.reference)
                .where(PlanVersion.plan_id == place.plan_id)
                .order_by(PlanVersion.number.desc())
                .limit(1)
            )
            reference: dict[str, Any] = session.scalar(query) or {}
            places[place.place] = {
                str(k): str(v) for k, v in dict(reference.get("organisations", {})).items()
            }
    try:
        document = YAML(typ="safe", pure=True).load(region.text)
    except YAMLError:
        document = None
    shared: dict[str, tuple[str, ...]] = {}
    for org in _list(document, "shared_organisations"):
        org_id = str(org.get("id", ""))
        paying = {str(paid.get("place")) for paid in _list(org, "paid_from")}
        shared[org_id] = tuple(p for p in places if org_id in places[p] or p in paying)
    return RegionOrgs(places, shared)


def _list(document: object, key: str) -> list[dict[str, Any]]:
    found = document.get(key) if isinstance(document, dict) else None
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


OUTSIDE = "other"
"""The providers outside a place, which a plan lists among its organisations but no one works for."""


def region_role_orgs(store: Store) -> dict[str, str]:
    """The organisations of every place of every region in the store by their ids in the region
    (``north.ccg``; a shared organisation keeps its own id, which the plans already name) and their names
    (``Northvale CCG (Northvale place)``): ids a user's role may name."""
    found: dict[str, str] = {}
    for region in list_regions(store):
        orgs = region_orgs(store, region)
        plans = {place.place: place.plan_name for place in region.places}
        for place, named in orgs.places.items():
            for org, name in named.items():
                if org != OUTSIDE and org not in orgs.shared:
                    found[f"{place}.{org}"] = f"{name} ({plans[place]})"
    return found
