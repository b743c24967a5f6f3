"""A run of ``carebridge run``'s engine side imports neither pandas nor xarray (nor pyarrow, nor SciPy): the
run, every view of its fields, its appraisal and the labels and bridge the report reads come from numpy
(issue 20). Each scenario runs in a fresh interpreter, since this test process has imported them already.
A field read as xarray afterwards is the same object a run whose fields are read first gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr

from carebridge.engine import Results, run
from carebridge.engine.results import LAZY
from carebridge.scenario.loader import load_scenario
from carebridge.usecases.appraisal import default_appraisal
from tests.conftest import EXAMPLES, ROOT

HEAVY = ("pandas", "xarray", "pyarrow", "scipy")

SCENARIOS = [
    EXAMPLES / "stockport-2017" / "scenario.yaml",
    EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml",
    EXAMPLES / "stockport-2017" / "demand.yaml",
]

SCRIPT = """
import json, sys
from carebridge.scenario.loader import load_scenario
from carebridge.engine import run
from carebridge.engine.results import LAZY
from carebridge.usecases.appraisal import default_appraisal

loaded = load_scenario(sys.argv[1])
results = run(loaded.scenario)
read = []
for name in (*LAZY, "flows", "scheme_positions", "flow_checks"):
    if name in LAZY and results.__dict__[name] is None:
        continue
    if name not in LAZY and results.plan_flows is None:
        continue
    results.view(name)
    read.append(name)
appraisal = default_appraisal(results)
if appraisal is not None:  # a run without schemes has none
    appraisal.view("by_year")
    appraisal.view("summary")
    for name in ("by_year", "present_value", "total"):
        appraisal.public.view(name)
    appraisal.payback_year(appraisal.schemes[0], "tariff")
    found = [appraisal.years, appraisal.names, appraisal.prices.words]
steps = results.bridge(results.bridge_year)
labels = [results.org_label(org) for org in results.view("positions").coord("org")]
labels += [results.pod_label(pod) for pod in results.view("savings").coord("pod")]
labels += [results.scheme_label(scheme) for scheme in results.schemes]
labels += [results.position_label(step.line) for step in steps]
statement = results.view("statement")
for basis in statement.coord("basis"):
    labels += [results.statement_label(basis, line) for line in statement.coord("line")]
found = [results.last_effect_year, results.years, results.plan_line_orgs, results.allocated_lines]
heavy = [module for module in sys.argv[2:] if module in sys.modules]
print(json.dumps({"read": read, "heavy": heavy, "labels": len(labels)}))
"""


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_run_views_appraisal_and_labels_import_no_pandas_or_xarray(path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path), *HEAVY],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["heavy"] == []
    assert {"activity", "savings", "statement", "positions", "scheme_summary", "flows"} <= set(found["read"])
    assert found["labels"] > 10


def _fields(results: Results) -> dict[str, object]:
    return {name: getattr(results, name) for name in (*LAZY, "flows", "scheme_positions", "flow_checks")}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_field_read_after_its_view_is_the_field_of_a_run_read_at_once(path: Path) -> None:
    scenario = load_scenario(path).scenario
    viewed = run(scenario)
    for name in (*LAZY, "flows", "scheme_positions", "flow_checks"):
        if name in LAZY and viewed.__dict__[name] is None:
            continue
        viewed.view(name)
    at_once = _fields(run(scenario))
    for name, value in _fields(viewed).items():
        expected = at_once[name]
        if value is None:
            assert expected is None, name
            continue
        assert isinstance(value, xr.DataArray | xr.Dataset), name
        xr.testing.assert_identical(value, expected)
    appraisal, fresh = default_appraisal(viewed), default_appraisal(run(scenario))
    if appraisal is None or fresh is None:
        assert appraisal is fresh
        return
    appraisal.view("summary")
    xr.testing.assert_identical(appraisal.summary, fresh.summary)
    xr.testing.assert_identical(appraisal.by_year, fresh.by_year)
