"""The modules that build the tables of ``carebridge run`` read the run as views and import neither xarray nor
pandas when they load (only for type hints; ``report/appraisal.py`` writes the files of ``carebridge
appraise`` and ``prioritise`` with pandas, imported inside those writers)."""

from __future__ import annotations

import ast
from pathlib import Path

REPORT = Path(__file__).resolve().parents[2] / "src" / "carebridge" / "report"
TABLES = ("plan_tables", "reconcile", "plan_capacity", "plan_demand", "appraisal", "table", "run_views")
HEAVY = ("xarray", "pandas", "pyarrow", "scipy")


def loaded_imports(tree: ast.Module) -> list[str]:
    """The modules a file imports when it loads: outside functions and ``if TYPE_CHECKING:``."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if (
                isinstance(child, ast.If)
                and isinstance(child.test, ast.Name)
                and child.test.id == "TYPE_CHECKING"
            ):
                continue
            if isinstance(child, ast.Import):
                found.extend(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module:
                found.append(child.module)
            visit(child)

    visit(tree)
    return found


def test_the_table_modules_load_neither_xarray_nor_pandas() -> None:
    heavy = {
        f"{name}.py: {module}"
        for name in TABLES
        for module in loaded_imports(ast.parse((REPORT / f"{name}.py").read_text(encoding="utf-8")))
        if module.split(".")[0] in HEAVY
    }
    assert not heavy


def test_an_import_of_xarray_is_seen() -> None:
    assert loaded_imports(ast.parse("import xarray as xr\nfrom pandas import DataFrame\n")) == [
        "xarray",
        "pandas",
    ]
    hidden = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import xarray as xr\n"
    assert loaded_imports(ast.parse(hidden)) == ["typing"]
    assert loaded_imports(ast.parse("def write():\n    import pandas as pd\n")) == []
