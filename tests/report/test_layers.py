"""The shape of ``report/``: its imports form no circle, none is hidden inside a function, the primitives
know no subject, and ``delivery/`` and ``strat/`` leave their presentation to ``report/``."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "carebridge"
REPORT = SOURCE / "report"
PRIMITIVES = {
    "numbers",
    "table",
    "html_table",
    "chart",
    "html",
    "excel",
    "excel_totals",
    "terminal",
    "provenance",
}


def imports(path: Path) -> list[tuple[str, bool]]:
    """Every ``carebridge`` module a file imports, and whether the import sits inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("carebridge"):
                found.append((child.module, inside))
            elif isinstance(child, ast.Import):
                found.extend((a.name, inside) for a in child.names if a.name.startswith("carebridge"))
            visit(child, inside)

    visit(tree, False)
    return found


def report_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in REPORT.glob("*.py"):
        name = path.stem
        graph[name] = {
            module.removeprefix("carebridge.report.")
            for module, _ in imports(path)
            if module.startswith("carebridge.report.")
        }
    return graph


def test_no_module_of_report_imports_carebridge_inside_a_function() -> None:
    hidden = {
        f"{path.name}: {module}" for path in REPORT.glob("*.py") for module, nested in imports(path) if nested
    }
    assert not hidden


def test_the_imports_of_report_form_no_circle() -> None:
    graph = report_graph()
    done: set[str] = set()

    def walk(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, " → ".join([*trail, name])
        if name in done:
            return
        for target in graph.get(name, set()):
            walk(target, (*trail, name))
        done.add(name)

    for name in graph:
        walk(name, ())


def test_the_primitives_import_no_subject() -> None:
    graph = report_graph()
    for name in PRIMITIVES:
        assert graph[name] <= PRIMITIVES, (name, graph[name] - PRIMITIVES)


def test_delivery_leaves_presentation_to_report() -> None:
    """``delivery/`` imports no presentation module of ``report/`` (the tidy tables of an approved plan, the
    CSV contract, are its input)."""
    for path in (SOURCE / "delivery").glob("*.py"):
        for module, _ in imports(path):
            assert not module.startswith("carebridge.report") or module == "carebridge.report.tidy", path.name
