"""Where a report comes from: the scenario, its file and that file's SHA-256, the version, the time."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from carebridge.version import __version__


@dataclass(frozen=True)
class Provenance:
    """Where a report comes from: the scenario, its file and that file's SHA-256, the CareBridge version and
    when the report was made."""

    scenario_name: str
    scenario_file: str
    sha256: str
    carebridge_version: str
    generated_at: str
    """ISO 8601 time, e.g. ``2017-06-30T12:00:00+00:00``."""

    @classmethod
    def for_file(cls, scenario_file: Path, scenario_name: str, now: datetime | None = None) -> Provenance:
        """Provenance of a report of the scenario read from ``scenario_file``, made now (UTC)."""
        digest = hashlib.sha256(scenario_file.read_bytes()).hexdigest()
        when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        return cls(scenario_name, str(scenario_file), digest, __version__, when)
