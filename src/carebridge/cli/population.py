"""``carebridge population``: read a population projection (ONS long or wide layout) and show what it holds,
so a file can be checked before a scenario names it in ``demography.file`` (docs/demand.md section 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carebridge.cli.app import app, fail


@app.command("population")
def population_command(
    file: Annotated[
        Path, typer.Argument(help="Population file, CSV in the ONS long or wide layout.", show_default=False)
    ],
    area: Annotated[
        list[str] | None,
        typer.Option("--area", help="An area code to show (repeat it) [default: every area of the file]."),
    ] = None,
) -> None:
    """Check a population projection and show its people by area: all ages and 65 and over, first and last
    mid-year. Every problem of the file is shown at its line and column (exit 2).

    Example:

      carebridge population examples/stockport-2017/population-two-las-ons.csv --area E08000007
    """
    from carebridge.scenario.population import ProjectionError, read_projection

    try:
        projection = read_projection(file)
    except ProjectionError as error:
        fail(f"{len(error.problems)} problem(s) in the population file:\n" + str(error))
    chosen = area or projection.areas
    unknown = [code for code in chosen if code not in projection.areas]
    if unknown:
        held = ", ".join(projection.areas)
        fail(f"--area {unknown[0]}: not an area of {file}; it holds {held}")
    first, last = projection.years[0], projection.years[-1]
    layout = "wide (a column per mid-year)" if projection.wide else "long (a row per year)"
    typer.echo(f"{file}: {len(projection.areas)} area(s), mid-years {first} to {last}, {layout} layout")
    labels = {code: f"{projection.names.get(code, code)} ({code})" for code in chosen}
    width = max(len("area"), *(len(label) for label in labels.values())) + 2
    heads = (f"all ages {first}", f"all ages {last}", f"65+ {first}", f"65+ {last}")
    typer.echo(f"{'area':<{width}}" + "".join(f"{head:>16}" for head in heads))
    for code in chosen:
        people = projection.people[projection.areas.index(code)]  # (sex, age, year)
        total = people.sum(axis=(0, 1))
        older = people[:, 65:, :].sum(axis=(0, 1))
        figures = (total[0], total[-1], older[0], older[-1])
        typer.echo(f"{labels[code]:<{width}}" + "".join(f"{figure:>16,.0f}" for figure in figures))
