"""Scenarios of the web app: a plan's current scenario (its draft, else its latest version) with its run,
an upload read into a scenario and its side files, and the scenario's warnings in people's words.

The work is the use cases' (:mod:`carebridge.usecases.plans`, :mod:`carebridge.usecases.edits`); runs come
from the app's :class:`~carebridge.web.cache.RunCache`, by the digest of the scenario text and its side
files, so browsing dashboards never runs the engine twice for the same scenario.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from carebridge.engine import Results
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import LoadedScenario
from carebridge.scenario.schema import Scenario
from carebridge.scenario.side_files import normal_name
from carebridge.store import Store
from carebridge.store.plans import (
    DRAFTS,
    PLAN_STATE,
    PLANS_COUNTS,
    Approval,
    PlansState,
    PlanState,
    plan_state_of,
    plans_state_of,
)
from carebridge.usecases import plans
from carebridge.usecases.edits import Editable, editables, owner_of
from carebridge.usecases.planning import CheckedScenario, load_text
from carebridge.usecases.plans import PlanMissingError, StoredScenario
from carebridge.web.memo import Memo, RunCache
from carebridge.web.reads import Read

__all__ = ["Current", "Editable", "PlanMissingError", "editables", "owner_of"]


@dataclass(frozen=True)
class Current:
    """The scenario a plan's pages show: as the store holds it, and its run."""

    stored: StoredScenario
    checked: CheckedScenario

    @property
    def plan_id(self) -> int:
        return self.stored.plan_id

    @property
    def plan_name(self) -> str:
        return self.stored.plan_name

    @property
    def text(self) -> str:
        return self.stored.text

    @property
    def sha256(self) -> str:
        return self.checked.sha256

    @property
    def source(self) -> str:
        """``draft`` or ``version N``."""
        return self.stored.source

    @property
    def approved_text(self) -> str:
        return self.stored.approved_text

    @cached_property
    def approved_sha256(self) -> str:
        """The digest of the approved version with its side files (computed once: a state is immutable)."""
        return self.stored.approved_sha256

    @property
    def loaded(self) -> LoadedScenario:
        return self.checked.loaded

    @property
    def results(self) -> Results:
        return self.checked.results

    @property
    def is_draft(self) -> bool:
        return self.stored.is_draft


def problem_lines(error: ScenarioError) -> list[str]:
    """Each problem as the command line prints it."""
    return [str(problem) for problem in error.problems]


def current(runs: RunCache, store: Store, plan_id: int) -> Current:
    """The plan's draft (or latest version) and its run (from ``runs`` when it has been run before)."""
    stored = plans.stored_scenario(store, plan_id)
    return Current(stored, runs.get(stored.text, f"{stored.plan_name} ({stored.source})", stored.files))


_PLAN_STATE = Read(PLAN_STATE)


def plan_state(store: Store, plan_id: int) -> PlanState | None:
    """:func:`carebridge.store.plans.plan_state`, run on a pooled driver connection (every plan's page
    asks it: :mod:`carebridge.web.reads`)."""
    rows = _PLAN_STATE.rows(store.engine, {"plan_id": plan_id})
    return plan_state_of(rows[0] if rows else None)


_PLANS_COUNTS = Read(PLANS_COUNTS)
_DRAFTS = Read(DRAFTS)


def plans_state(store: Store) -> PlansState:
    """:func:`carebridge.store.plans.plans_state`, run on a pooled driver connection (the list of plans asks
    it on every request). Two reads, not one transaction: the counts only grow and a draft's row carries
    the time it was written, so a state read across a change is never that of a later store."""
    return plans_state_of(_PLANS_COUNTS.rows(store.engine, {})[0], _DRAFTS.rows(store.engine, {}))


def kept_current(memo: Memo[Current], store: Store, plan_id: int) -> Current | None:
    """The plan's current scenario when :func:`cached_current` has kept it for the plan's present state
    (one query, no text read), else None."""
    state = plan_state(store, plan_id)
    return None if state is None else memo.peek((store.engine, plan_id, state))


def cached_current(memo: Memo[Current], runs: RunCache, store: Store, plan_id: int) -> Current:
    """:func:`current`, kept by the plan's :data:`~carebridge.store.plans.PlanState` — its name, latest
    version, draft's SHA-256 and users, read in one query with no scenario text — so browsing reads the
    texts and side files once per state: an edit, an approval or a new user is a new state, read afresh."""
    state = plan_state(store, plan_id)
    if state is None or state[1] is None:
        return current(runs, store, plan_id)  # no such plan, or no version: the use case says which
    return memo.get((store.engine, plan_id, state), lambda: current(runs, store, plan_id))


def approved_results(runs: RunCache, state: Current) -> Results:
    return runs.get(state.approved_text, state.plan_name, state.stored.files).results


def approve_current(runs: RunCache, store: Store, plan_id: int) -> Approval:
    """Approve the plan's draft as a new version; the draft is then the version and is removed."""
    state = current(runs, store, plan_id)
    return plans.approve_draft(store, state.stored, state.checked, f"{state.plan_name} (web draft)")


# --- warnings --------------------------------------------------------------------------------------------


def upload_warnings(upload: Upload) -> list[str]:
    """The warnings of an upload whose run failed (a scenario that loads but overdraws a cohort, say), in
    people's words; none when it does not load."""
    try:
        loaded = load_text(upload.text, upload.file, upload.side_files)
    except ScenarioError:
        return []
    return warning_lines(loaded)


def warning_lines(loaded: LoadedScenario) -> list[str]:
    """The scenario's warnings (what may be a mistake but is not an error) as people read them: the message,
    which names cohorts and PODs by their names, then the scheme it is about, by name, and its line."""
    lines = []
    for warning in loaded.warnings:
        message = warning.message[:1].upper() + warning.message[1:]
        where = [_scheme_named(loaded.scenario, warning.path)]
        where.append(f"line {warning.line} of the scenario" if warning.line else "")
        said = ", ".join(part for part in where if part)
        lines.append(f"{message}. ({said[:1].upper() + said[1:]}.)" if said else f"{message}.")
    return lines


def _scheme_named(scenario: Scenario, path: Sequence[str | int]) -> str:
    if (
        len(path) >= 2
        and path[0] == "schemes"
        and isinstance(path[1], int)
        and path[1] < len(scenario.schemes)
    ):
        return f"the scheme {scenario.schemes[path[1]].name}"
    return ""


# --- uploads ---------------------------------------------------------------------------------------------

ZIP_MAX_FILES = 2_000
"""The most entries a zip of a scenario's folder may hold."""
ZIP_MAX_BYTES = 200_000_000
"""The most a zip's entries may hold once unpacked (nothing is written to disk; they are read in memory)."""
_SCENARIO_FIELDS = ("organisations", "pods", "schemes", "base_year", "end_year")
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:(\s|$)", re.MULTILINE)


@dataclass(frozen=True)
class Upload:
    """A scenario as uploaded: its text, the name its problems are located in, and the files given with it by
    name (the names of a zip's files relative to the scenario's folder; a file uploaded beside the scenario,
    by its own name)."""

    text: str
    file: str
    side_files: dict[str, bytes]


class UploadError(ValueError):
    """An upload that cannot be read as a scenario and its files: what is wrong, in sentences."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read_upload(filename: str, data: bytes, side: Sequence[tuple[str, bytes]], chosen: str = "") -> Upload:
    """The scenario and side files of an upload: ``data`` is the scenario (YAML) or a zip of its folder
    (``chosen`` names the scenario in it when it holds several), ``side`` the files uploaded beside it."""
    given: dict[str, bytes] = {}
    for name, content in side:
        base = posixpath.basename(name.replace("\\", "/"))
        if base:
            given[base] = content
    if filename.lower().endswith(".zip") or zipfile.is_zipfile(io.BytesIO(data)):
        entries = _zip_entries(filename, data)
        scenario = _chosen_scenario(filename, entries, chosen)
        folder = posixpath.dirname(scenario)
        for entry, content in entries.items():
            if entry != scenario:
                given.setdefault(posixpath.relpath(entry, folder or "."), content)
        return Upload(_utf8(entries[scenario], f"{filename}/{scenario}"), f"{filename}/{scenario}", given)
    return Upload(_utf8(data, filename), filename, given)


def _utf8(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(
            [f"{file}: not UTF-8 text; import a YAML scenario, or a zip of its folder"]
        ) from None


def _zip_entries(filename: str, data: bytes) -> dict[str, bytes]:
    """The files of the zip, by their path in it (folders, and the ``__MACOSX`` copies, left out)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not normal_name(info.filename).startswith(("__MACOSX/", "../"))
        ]
        if len(infos) > ZIP_MAX_FILES:
            raise UploadError(
                [f"{filename}: the zip holds {len(infos):,} files; it may hold {ZIP_MAX_FILES:,}"]
            )
        size = sum(info.file_size for info in infos)
        if size > ZIP_MAX_BYTES:
            raise UploadError(
                [
                    f"{filename}: the zip's files hold {size / 1e6:,.0f} MB; "
                    f"at most {ZIP_MAX_BYTES / 1e6:,.0f} MB"
                ]
            )
        return {normal_name(info.filename): archive.read(info) for info in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as error:
        raise UploadError([f"{filename}: not a zip that can be read ({error})"]) from None


def _chosen_scenario(filename: str, entries: dict[str, bytes], chosen: str) -> str:
    """The scenario in a zip: the one ``chosen`` names, else its only YAML file with a scenario's fields."""
    yaml = sorted(e for e in entries if e.lower().endswith((".yaml", ".yml")))
    if chosen.strip():
        wanted = normal_name(chosen.strip())
        found = [e for e in yaml if e == wanted or e.endswith("/" + wanted)]
        if len(found) == 1:
            return found[0]
        listed = ", ".join(yaml) or "none"
        raise UploadError(
            [f"{filename}: no single scenario '{chosen.strip()}' in the zip; its YAML files: {listed}"]
        )
    scenarios = [e for e in yaml if _looks_like_scenario(entries[e])]
    if len(scenarios) == 1:
        return scenarios[0]
    if not scenarios:
        raise UploadError(
            [f"{filename}: the zip holds no scenario (a YAML file with organisations, pods and schemes)"]
        )
    raise UploadError(
        [
            f"{filename}: the zip holds {len(scenarios)} scenarios ({', '.join(scenarios)}); name the one to "
            "import in 'Scenario in the zip'"
        ]
    )


def _looks_like_scenario(data: bytes) -> bool:
    """Whether a YAML file has a scenario's top-level fields (found by their lines, not by parsing)."""
    keys = {match.group(1) for match in _TOP_LEVEL_KEY.finditer(data[:2_000_000].decode("utf-8", "replace"))}
    return all(name in keys for name in _SCENARIO_FIELDS)
