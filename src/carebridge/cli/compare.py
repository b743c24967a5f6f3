"""``carebridge compare``: variants (sensitivities) against the base, or two versions of a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carebridge.cli.app import app, fail, load
from carebridge.cli.kinds import is_region


@app.command("compare")
def compare_command(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario file (the base), or a region file.", show_default=False)
    ],
    other: Annotated[
        Path | None,
        typer.Argument(
            help="A second scenario file to compare with, line by line (a second region file for a region).",
            show_default=False,
        ),
    ] = None,
    variant: Annotated[
        list[str] | None, typer.Option("--variant", "-v", help="Only this variant (repeat for more).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for compare.csv, .html and .xlsx [default: out/compare; for a region, "
            "out/<region folder>/compare].",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", help="A region: run its places on a local dask cluster of this many workers."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="A region: run its places on the dask scheduler at tcp://HOST:8786."
        ),
    ] = None,
) -> None:
    """Compare runs: each variant of a scenario against its base, or a second scenario against the first.

    With one file, runs the base and each of its variants (sensitivities) and shows each variant's effect
    on every organisation's do-nothing and do-something position, the NHS and social care apart, and the
    system. Each change a variant makes is listed. With two files, shows the changes line by line, as
    Stockport Table 4 shows the sustainability plan against the final business cases.

    A region file (docs/region.md) compares with a second version of it — every organisation, sector and
    place and the region, and the region's bridge — or, alone, runs each of its variants applied to every
    place that has what it changes.

    Examples:

      carebridge compare examples/staffordshire-stp-2016/scenario.yaml

      carebridge compare plan-april.yaml plan-june.yaml --out out/changes

      carebridge compare examples/two-places/region.yaml examples/two-places/region-june.yaml
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

    region = is_region(scenario)
    if other is not None and is_region(other) != region:
        from carebridge.cli.region_compare import mixed_kinds

        fail(mixed_kinds(scenario, other))
    if region:
        from carebridge.cli.region_compare import compare_region_command

        compare_region_command(scenario, other, variant or [], out, workers, scheduler)
        return
    if workers is not None or scheduler is not None:
        fail("--workers and --scheduler run the places of a region; this is a scenario (one place)")
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
