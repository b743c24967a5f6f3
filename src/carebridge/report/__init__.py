"""Reports of a run: tidy CSV tables, formatted tables in Excel and HTML, and headlines in the terminal.

Everything here reads :class:`~carebridge.engine.Results`; nothing computes again what the engine holds.
The writers import pandas, openpyxl and the rest only when called, so importing this package stays cheap.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from carebridge import __version__

if TYPE_CHECKING:
    from carebridge.engine.results import Results

RUN_FILE = "run.json"
EXCEL_FILE = "report.xlsx"
HTML_FILE = "report.html"


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


def write_report(results: Results, folder: Path, provenance: Provenance) -> list[Path]:
    """Write the whole report of a run into ``folder``: the tidy CSV tables, ``report.xlsx``,
    ``report.html``, the bridge of the system and of each organisation as PNG, and ``run.json`` (the
    provenance and the files written). Returns the paths."""
    from carebridge.report.excel import write_excel
    from carebridge.report.formatted import all_tables
    from carebridge.report.html import write_html
    from carebridge.report.png import write_bridge_pngs
    from carebridge.report.tidy import write_tables

    folder.mkdir(parents=True, exist_ok=True)
    tables = all_tables(results)
    written = write_tables(results, folder)
    written.append(write_excel(results, folder / EXCEL_FILE, provenance, tables))
    written.append(write_html(results, folder / HTML_FILE, provenance, tables))
    written += write_bridge_pngs(results, folder)
    run_file = folder / RUN_FILE
    record = {**asdict(provenance), "files": [path.name for path in [*written, run_file]]}
    run_file.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return [*written, run_file]


__all__ = ["Provenance", "write_report"]
