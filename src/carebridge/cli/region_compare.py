"""``carebridge compare REGION.yaml [REGION_B.yaml]``: a region against a second version of its file, or each
of its variants applied to every place against the base (docs/region.md). ``compare`` sends region files
here; a region and a scenario in one compare are refused, saying what each file is."""

from __future__ import annotations

from pathlib import Path

import typer

from carebridge.cli.app import fail
from carebridge.cli.console import progress_bar
from carebridge.cli.kinds import kind_of


def mixed_kinds(first: Path, second: Path) -> str:
    """The refusal of a region compared with a scenario (or another kind of file): what each file is."""

    def what(path: Path) -> str:
        kind = kind_of(path)
        return f"{path}: this is {kind.name}" if kind else f"{path}: not a region file"

    return (
        f"{what(first)}; {what(second)}. carebridge compare compares two regions or two scenarios, not one "
        "with the other; expected two region files (places consolidated) or two scenario files"
    )


def compare_region_command(
    region: Path,
    other: Path | None,
    only: list[str],
    out: Path | None,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Compare two versions of a region file, or each variant of a region with the base."""
    from rich.console import Console

    from carebridge.cli.region import _mode, _move, _staging
    from carebridge.report.provenance import Provenance
    from carebridge.report.region_compare import (
        bridge_versions_table,
        positions_versions_table,
        positions_year_table,
        summary_table,
        variant_table,
        write_region_comparison,
    )
    from carebridge.report.terminal import rich_table
    from carebridge.scenario.region import RegionError
    from carebridge.usecases.errors import NoVariantsError, UnknownVariantsError
    from carebridge.usecases.region_compare import compare_region_variants, compare_region_versions

    mode = _mode(workers, scheduler)
    try:
        with progress_bar(_count(region, other), "Places", False) as advance:
            if other is not None:
                found = compare_region_versions(region, other, mode, workers, scheduler, advance)
            else:
                found = compare_region_variants(region, only, mode, workers, scheduler, advance)
    except NoVariantsError:
        fail(f"{region}: the region has no variants; add some under `variants:` or give a second region file")
    except UnknownVariantsError as error:
        fail(f"--variant: {str(error).replace('the scenario', 'the region')}")
    except RegionError as error:
        fail(str(error))
    except OSError as error:
        fail(f"--scheduler {scheduler}: cannot reach the scheduler ({error})")
    console = Console()
    for change in found.changes:
        console.print(f"[dim]{change}[/dim]", highlight=False)
    consolidation = found.base.consolidation
    year = found.base.region.report.bridge_year or consolidation.years[-1]
    items = [(item.label, item.comparison) for item in found.items]
    if year not in items[0][1].years:
        year = items[0][1].years[-1]
    if other is not None:
        compared, other_name = items[0][1], found.other_names[0]
        base_name = found.base_name if found.base_name != other_name else region.stem
        other_name = other_name if found.base_name != other_name else other.stem
        tables = [
            positions_year_table(compared, year, base_name, other_name),
            bridge_versions_table(compared, base_name, other_name),
            positions_versions_table(compared, base_name, other_name),
        ]
        shown = [positions_year_table(compared, year, base_name, other_name, ("do_something",))]
        lead = f"{other_name} against {base_name}: every organisation, sector and place, and the region."
    else:
        tables = [variant_table(compared, label) for label, compared in items]
        shown = []
        lead = "Each variant applied to every place that has what it changes, against the base."
    summary = summary_table(items, year)
    tables = [summary, *tables]
    for table in [*shown, summary]:
        console.print(rich_table(table))
    folder = (
        out if out is not None else Path("out") / (region.resolve().parent.name or region.stem) / "compare"
    )
    provenance = Provenance.for_file(region, found.base.region.name)
    facts = [
        ("Region file", provenance.scenario_file),
        *([("Compared with", str(other))] if other is not None else []),
        ("SHA-256", provenance.sha256),
        ("CareBridge", provenance.carebridge_version),
        ("Generated", provenance.generated_at),
    ]
    name = f"{found.base.region.name}: compared"
    try:
        with _staging(folder) as staging:
            written = write_region_comparison(name, lead, items, tables, year, staging, facts)
            _move(staging, folder)
    except OSError as error:
        fail(f"cannot write the comparison into {folder}: {error.strerror or error}")
    typer.echo(f"Wrote {len(written)} files to {folder}: " + ", ".join(path.name for path in written))


def _count(region: Path, other: Path | None) -> int:
    """Roughly how many places will run: both versions' places, or the places of the base and of each
    variant (a variant runs only the places it changes)."""
    from carebridge.scenario.region import RegionError, load_region_file

    try:
        loaded = load_region_file(region)[0]
        if other is not None:
            return len(loaded.places) + len(load_region_file(other)[0].places)
        return len(loaded.places) * (1 + len(loaded.region.variants))
    except RegionError:
        return 1
