"""Regions in the store, for the web app's region pages (``carebridge region``): add a region file (its
places approved as plans, the region kept as a new version), list the regions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carebridge.cli.app import app, fail
from carebridge.cli.delivery import Db, open_store

region_app = typer.Typer(
    help="Regions of places in the store, which the web app shows (docs/region.md, docs/web.md).\n\n"
    "Example:\n\n  carebridge region add examples/two-places/region.yaml",
    no_args_is_help=True,
)
app.add_typer(region_app, name="region")


@region_app.command("add")
def add_command(
    region: Annotated[Path, typer.Argument(help="Region file (YAML).", show_default=False)],
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Who adds it: the email they sign in to the web app with [default: CAREBRIDGE_USER, else "
            "the login name].",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Add a region to the store, so the web app shows it: its consolidated bridge, its places (each a plan
    in the store), the payments between places eliminated and the reconciliation.

    The region is checked as carebridge run REGION.yaml checks it (every problem, located, exit 2). Each
    place is approved as a plan, as carebridge plan approve does (named as the region names the place, else
    as its scenario is; a new version only when its file changed), and the region file is kept as a new
    version of the region (none when it and its places are unchanged). The web app then counts each place
    as its plan stands: its draft, else its latest version.

    Example:

      carebridge region add examples/two-places/region.yaml
    """
    from carebridge.scenario.errors import InputError
    from carebridge.usecases.regions_store import add_region_file

    if by is not None and not by.strip():
        fail("--by: give who adds the region, e.g. --by finance.director@ccg.nhs.uk")
    if not region.is_file():
        fail(f"{region}: no such file; expected a region file (YAML)")
    from carebridge.cli.kinds import REGION, wrong_kind

    if (message := wrong_kind(region, REGION)) is not None:
        fail(message)
    store = open_store(db)
    if by is not None:
        store.actor = by.strip()
    with store:
        try:
            added = add_region_file(store, region)
        except InputError as error:  # a region's or a place's: every problem, located
            fail(str(error))
        except OSError as error:
            fail(f"{region}: cannot be read: {error.strerror or error}")
    for place, approval in added.places:
        version = approval.version
        done = "approved as" if approval.created else "already holds this scenario:"
        typer.echo(f"Place {place}: {done} '{version.plan}' version {version.number}")
    stored = added.region.region
    if added.region.created:
        typer.echo(
            f"Added region '{stored.name}' version {stored.number} ({len(stored.places)} places) "
            f"in {store.url}"
        )
    else:
        typer.echo(
            f"Region '{stored.name}' version {stored.number} already holds this region; nothing changed"
        )


@region_app.command("list")
def list_command(db: Db = None) -> None:
    """List the regions in the store: each one's latest version and its places (the plans they are).

    Example:

      carebridge region list
    """
    from carebridge.usecases.regions_store import list_regions

    with open_store(db) as store:
        regions = list_regions(store)
    if not regions:
        typer.echo("No regions yet. Add one with: carebridge region add REGION.yaml")
        return
    for region in regions:
        places = ", ".join(f"{place.place} ('{place.plan_name}')" for place in region.places)
        typer.echo(
            f"{region.name}: version {region.number}, added by {region.added_by} at "
            f"{region.added_at:%Y-%m-%d %H:%M UTC}; places: {places}"
        )
