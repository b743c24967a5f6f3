"""``carebridge compare`` shows the positions from the schemes beside the typed positions (issue 21): a
variant that lowers a contract's rate moves the CCG and Stockport FT in ``compare.csv`` and names them in
``compare.html``, while the typed positions and the system stay put."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import STOCKPORT

pytestmark = pytest.mark.e2e

RATE_VARIANT = """
variants:
  - id: half_rate
    name: Half the marginal rate on the CCG–SFT contract
    changes:
      - {path: contracts.ccg_sft.rate, set: 0.5}
"""


def test_a_contract_rate_variant_moves_the_positions_from_the_schemes(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(STOCKPORT.read_text(encoding="utf-8") + RATE_VARIANT, encoding="utf-8")
    out = tmp_path / "out"
    command = [str(Path(sys.executable).with_name("carebridge")), "compare", str(scenario), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=STOCKPORT.parent)
    assert done.returncode == 0, done.stderr
    assert "position from the schemes" in done.stdout
    table = pd.read_csv(out / "compare.csv")
    year = table[table["year"] == "2019/20"].set_index(["line", "holder"])["difference"]
    assert abs(year["schemes.position", "ccg"]) > 100
    assert year["schemes.position", "ccg"] == pytest.approx(-year["schemes.position", "sft"], abs=1e-3)
    assert year["schemes.position", "system"] == pytest.approx(0.0, abs=1e-3)
    assert year["do_something", "ccg"] == pytest.approx(0.0, abs=1e-3)
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert "Do-something position from the schemes" in page
    assert "Stockport CCG" in page
