"""The seeds' published tables, typed once (``stockport_seed.yaml``, ``stp_seed.yaml``) and read by every test
that compares with them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent


def load_seed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load((HERE / name).read_text(encoding="utf-8"))
    return data


STOCKPORT_SEED = load_seed("stockport_seed.yaml")
"""The Stockport Together summary economic case (seed 000_36716439c1985ee9.txt)."""

STP_SEED = load_seed("stp_seed.yaml")
"""The Staffordshire and Stoke-on-Trent STP (2016)."""
