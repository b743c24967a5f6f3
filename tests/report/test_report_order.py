"""The order in which a run's report is written: the workbook started first (a second process may write
it), then the rest, then what the caller does meanwhile (the terminal's headlines made ready), and only then
the wait for the workbook; an error meanwhile waits for the workbook and is raised."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from carebridge.engine import Results
from carebridge.report.plan import PlanReport, write_report, write_workbook_here
from carebridge.report.provenance import Provenance
from carebridge.report.table import FormattedTable


def recording(steps: list[str]) -> Callable[..., Callable[[], Path]]:
    """The workbook written here (the real writer), its start and the wait for it recorded in ``steps``."""

    def start(
        results: Results,
        path: Path,
        provenance: Provenance,
        tables: Sequence[FormattedTable],
        warnings: Sequence[str],
    ) -> Callable[[], Path]:
        steps.append("workbook started")
        written = write_workbook_here(results, path, provenance, tables, warnings)

        def wait() -> Path:
            steps.append("waited for the workbook")
            return written()

        return wait

    return start


def test_the_headlines_are_made_before_waiting_for_the_workbook(
    report: PlanReport, provenance: Provenance, tmp_path: Path
) -> None:
    steps: list[str] = []

    def meanwhile() -> None:
        steps.append("headlines")
        assert (tmp_path / "report.html").is_file() and (tmp_path / "bridge-system.png").is_file()

    written = write_report(report, tmp_path, provenance, recording(steps), meanwhile)
    assert steps == ["workbook started", "headlines", "waited for the workbook"]
    assert [path.name for path in written][-1] == "run.json"


def test_an_error_meanwhile_waits_for_the_workbook_then_is_raised(
    report: PlanReport, provenance: Provenance, tmp_path: Path
) -> None:
    steps: list[str] = []

    def meanwhile() -> None:
        raise RuntimeError("the terminal went away")

    with pytest.raises(RuntimeError, match="the terminal went away"):
        write_report(report, tmp_path, provenance, recording(steps), meanwhile)
    assert steps == ["workbook started", "waited for the workbook"]
    assert not (tmp_path / "run.json").exists()
