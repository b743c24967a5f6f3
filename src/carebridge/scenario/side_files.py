"""The files a scenario names beside itself — a population projection (``demography.file``), programme budget
files (``benchmarks[].file``) — read by the name the scenario writes, relative to its folder.

They come from one of two places: the scenario's folder on disk (``carebridge run``, ``validate``, ``plan
approve``), or bytes given by name (a plan in the store, a scenario uploaded to the web app with its files or
a zip of its folder), so that a stored plan is read again without any file system. Either way every file read
is kept (:attr:`SideFiles.used`), so that a plan is stored with exactly the files its scenario used and its
digest (:func:`scenario_digest`) covers them.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Mapping
from pathlib import Path

UPLOADED = "uploaded with the scenario"
"""How files given by name are described when they come with an upload (the default)."""
STORED = "stored with the plan"
"""How files given by name are described when they come from the store."""


def normal_name(name: str) -> str:
    """A side file's name as compared: forward slashes, ``.`` and ``x/..`` folded (``../outcomes/a.yaml``)."""
    return posixpath.normpath(name.replace("\\", "/"))


class SideFiles:
    """Where a scenario's side files are read from: ``folder`` on disk, or ``given`` bytes by name.

    A name given is found as written (after :func:`normal_name`), else by its last part when exactly one file
    given has it — a file uploaded beside the scenario has only its own name, not the path the scenario
    writes (``../outcomes/rightcare-2016.yaml`` is found as ``rightcare-2016.yaml``).
    """

    def __init__(
        self,
        folder: Path | None = None,
        given: Mapping[str, bytes] | None = None,
        given_as: str = UPLOADED,
    ) -> None:
        self.folder = folder
        self._given = {normal_name(name): data for name, data in (given or {}).items()}
        self._given_as = given_as
        self._used: dict[str, bytes] = {}

    @property
    def used(self) -> dict[str, bytes]:
        """Every file read so far, by the name the scenario writes."""
        return dict(self._used)

    def read(self, name: str) -> bytes | None:
        """The bytes of side file ``name``; None when there is no such file."""
        data = self._from_folder(name) if self.folder is not None else self._from_given(name)
        if data is not None:
            self._used[name] = data
        return data

    def shown(self, name: str) -> str:
        """The file as a message names it: its path on disk, else its name."""
        return str(self.folder / name) if self.folder is not None else name

    def missing(self, name: str, what: str, expected: str) -> str:
        """The message for side file ``name`` (a ``what``, e.g. "population file") not found."""
        if self.folder is not None:
            looked = self.folder / name
            return (
                f"no {what} {name!r} (looked for {looked}); expected {expected}, relative to the scenario's"
            )
        if self._given_as == STORED:
            return (
                f"no {what} {name!r} is {STORED}; expected {expected}: import the plan again with the file "
                "beside its scenario"
            )
        given = ", ".join(sorted(self._given)) or "none"
        upload = posixpath.basename(normal_name(name))
        return (
            f"no {what} {name!r} was {self._given_as} (files given: {given}); expected {expected}: upload "
            f"{upload!r} beside the scenario, or a zip of the scenario's folder"
        )

    def _from_folder(self, name: str) -> bytes | None:
        assert self.folder is not None
        path = self.folder / name
        try:
            return path.read_bytes() if path.is_file() else None
        except OSError:
            return None

    def _from_given(self, name: str) -> bytes | None:
        wanted = normal_name(name)
        if wanted in self._given:
            return self._given[wanted]
        last = posixpath.basename(wanted)
        found = [data for key, data in self._given.items() if posixpath.basename(key) == last]
        return found[0] if len(found) == 1 else None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def scenario_digest(scenario_sha256: str, files: Mapping[str, bytes]) -> str:
    """The digest of a scenario with its side files: the scenario's own SHA-256 when it has none (so a plan
    without side files keeps the digest it always had), else the SHA-256 of a ``sha256sum``-style list — the
    scenario's digest, then each file's digest and name, by name — so a change to any file changes it."""
    if not files:
        return scenario_sha256
    lines = [f"{scenario_sha256}  (scenario)"]
    lines += [f"{sha256_bytes(files[name])}  {name}" for name in sorted(files)]
    return hashlib.sha256(("\n".join(lines) + "\n").encode("utf-8")).hexdigest()
