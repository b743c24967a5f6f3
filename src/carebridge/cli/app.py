"""The ``carebridge`` application and what every command shares: failing cleanly, loading and running.

Heavy modules (xarray, pandas, openpyxl) are imported inside the commands, so ``carebridge --help`` is fast.
A user's mistake ends with a short message and exit code 2, never a traceback; ``--debug`` shows one for
anything unexpected. Each command module registers its commands on :data:`app`; ``carebridge.cli`` imports
them all.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Protocol

import typer

from carebridge.version import __version__

if TYPE_CHECKING:
    from carebridge.engine.results import Results
    from carebridge.scenario.loader import LoadedScenario

EXIT_INPUT = 2

app = typer.Typer(
    name="carebridge",
    help=(
        "Plan the transformation of a local health and care economy: do-nothing activity and gaps, "
        "schemes, tariff and cost-release savings, the do-something position and the bridge.\n\n"
        "Example:\n\n"
        "  carebridge run examples/stockport-2017/scenario.yaml --out out/stockport"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"carebridge {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for unexpected errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """CareBridge: whole-system planning for NHS places and integrated care systems."""
    _state["debug"] = debug


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


class ImportCounts(Protocol):
    """What an import of values by natural key did: rows new, replaced and left as they were."""

    @property
    def changed(self) -> bool: ...
    @property
    def inserted(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def unchanged(self) -> int: ...


def echo_import(file: Path, outcome: ImportCounts) -> None:
    """One line saying what importing ``file`` did to the store."""
    if outcome.changed:
        counts = f"{outcome.inserted} new, {outcome.updated} replaced, {outcome.unchanged} unchanged"
        typer.echo(f"{file}: {counts}")
    else:
        typer.echo(f"{file}: nothing changed; every value is already in the store")


def load(path: Path) -> LoadedScenario:
    from carebridge.scenario.errors import ScenarioError
    from carebridge.usecases.planning import load as load_file

    try:
        return load_file(path)
    except ScenarioError as error:
        fail(_wrong_kind(path) or str(error))


def _wrong_kind(path: Path) -> str | None:
    """What the file is, when it is another kind of CareBridge file than a scenario (a candidates file given
    to ``carebridge appraise``), and what was expected."""
    from carebridge.cli.kinds import SCENARIO, wrong_kind

    return wrong_kind(path, SCENARIO)


def run_scenario(loaded: LoadedScenario) -> Results:
    from carebridge.engine import ModelError
    from carebridge.usecases.planning import run

    try:
        return run(loaded)
    except ModelError as error:
        fail(str(error))


def main() -> None:
    """Entry point of the ``carebridge`` command: the application, each command made when chosen
    (:mod:`carebridge.cli.lazy`)."""
    from carebridge.cli.lazy import command_line

    try:
        command_line(app)()
    except Exception as error:
        if _state["debug"]:
            raise
        typer.echo(
            f"carebridge: unexpected error: {type(error).__name__}: {error}\n"
            "Run again with --debug for the details, and please report it.",
            err=True,
        )
        sys.exit(1)
