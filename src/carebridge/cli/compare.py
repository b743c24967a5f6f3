"""``carebridge compare``: variants (sensitivities) against the base, or two versions of a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carebridge.cli.app import app, fail, load


@app.command("compare")
def compare_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (the base).", show_default=False)],
    other: Annotated[
        Path | None,
        typer.Argument(help="A second scenario file to compare with, line by line.", show_default=False),
    ] = None,
    variant: Annotated[
        list[str] | None, typer.Option("--variant", "-v", help="Only this variant (repeat for more).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for compare.csv, .html and .xlsx [default: out/compare]."),
    ] = None,
) -> None:
    """Compare runs: each variant of a scenario against its base, or a second scenario against the first.

    With one file, runs the base and each of its variants (sensitivities) and shows each variant's effect
    on every organisation's do-nothing and do-something position, the NHS and social care apart, and the
    system. Each change a variant makes is listed. With two files, shows the changes line by line, as
    Stockport Table 4 shows the sustainability plan against the final business cases.

    Examples:

      carebridge compare examples/staffordshire-stp-2016/scenario.yaml

      carebridge compare plan-april.yaml plan-june.yaml --out out/changes
    """
    from rich.table import Table

    from carebridge.cli.console import terminal
    from carebridge.cli.plan import provenance_of
    from carebridge.engine import ModelError
    from carebridge.report.compare import (
        SCHEME_POSITION,
        summary_rows,
        variant_table,
        versions_table,
        write_comparison,
    )
    from carebridge.report.numbers import format_number
    from carebridge.scenario.errors import ScenarioError
    from carebridge.usecases.compare import compare_variants, compare_versions
    from carebridge.usecases.errors import NoVariantsError, UnknownVariantsError

    loaded = load(scenario)
    console = terminal()
    try:
        if other is not None:
            second = load(other)
            found = compare_versions(f"{scenario.stem} → {other.stem}", loaded, second)
            tables = [versions_table(found.items[0], loaded.scenario.name, second.scenario.name)]
        else:
            found = compare_variants(loaded, variant or ())
            tables = [variant_table(item) for item in found.items]
    except NoVariantsError:
        fail(f"{scenario}: the scenario has no variants; add some under `variants:` or give a second file")
    except UnknownVariantsError as error:
        fail(f"--variant: {error}")
    except (ScenarioError, ModelError) as error:
        fail(str(error))
    for change in found.changes:
        console.print(f"[dim]{change}[/dim]")
    base, items = found.base, found.items
    year = base.bridge_year
    for line, what in (
        ("do_something", "do-something position"),
        (SCHEME_POSITION, "position from the schemes"),
    ):
        rows = summary_rows(items, year, line)
        if not rows:
            continue
        summary = Table(title=f"Change in the {what}, {year} (£'000; positive is worse)")
        for header in ("Comparison", "NHS", "Social care", "System"):
            summary.add_column(header, justify="left" if header == "Comparison" else "right")
        for label, nhs, social, system in rows:
            summary.add_row(label, *(format_number(v, "money") for v in (nhs, social, system)))
        console.print(summary)
    folder = out if out is not None else Path("out") / "compare"
    try:
        written = write_comparison(items, tables, folder, provenance_of(scenario, loaded.scenario.name))
    except OSError as error:
        fail(f"cannot write the comparison into {folder}: {error.strerror or error}")
    typer.echo(f"Wrote {len(written)} files to {folder}: " + ", ".join(p.name for p in written))
