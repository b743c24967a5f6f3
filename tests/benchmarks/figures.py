"""Run a benchmark script as a person would, with ``--json`` and ``--check-stable``, and read its figures."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.conftest import ROOT

BENCHMARKS = ROOT / "benchmarks"


def load_benchmark_module(file: str, name: str) -> ModuleType:
    """The module ``benchmarks/FILE`` (not a package), imported under ``name``."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass looks its module up
    spec.loader.exec_module(module)
    return module


def run_benchmark(
    script: str, arguments: list[str], folder: Path, timeout: float = 900, check_stable: bool = True
) -> dict[str, Any]:
    """The figures of ``benchmarks/SCRIPT`` by name (each a dict: value, unit, kind, floor, ok, ...).

    Fails when the script fails or (``check_stable``) when ``--check-stable`` reports a missed ratio, memory
    or error floor; prints what the script printed, so the figures show in the test log."""
    written = folder / f"{Path(script).stem}.json"
    check = ["--check-stable"] if check_stable else []
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments, "--json", str(written), *check],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    print(done.stdout)
    assert written.exists(), f"{script} wrote no figures: {done.stderr}"
    figures: dict[str, Any] = {row["name"]: row for row in json.loads(written.read_text(encoding="utf-8"))}
    missed = [
        f"{row['label']}: {row['value']} (floor {row['floor']})" for row in figures.values() if not row["ok"]
    ]
    assert done.returncode == 0, f"{script} --check-stable failed: {missed or done.stderr}"
    for row in figures.values():
        assert row["value"] >= 0, row
        assert row["label"] in done.stdout, f"{row['label']} is not printed"
    return figures


def assert_floor(figures: dict[str, Any], name: str) -> None:
    """The figure ``name`` was measured and meets its floor."""
    assert name in figures, f"no figure {name!r} among {sorted(figures)}"
    row = figures[name]
    assert row["floor"] is not None, f"{name} has no floor"
    if row["higher_is_better"]:
        assert row["value"] >= row["floor"], (
            f"{row['label']}: {row['value']:.2f} below the floor {row['floor']}"
        )
    else:
        assert row["value"] <= row["floor"], (
            f"{row['label']}: {row['value']:.2f} above the floor {row['floor']}"
        )
