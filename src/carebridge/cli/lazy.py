"""The command line as the ``carebridge`` command starts it: each command made from its function only when it
is run or its own help is asked for.

Typer turns every command's function into a Click command at start-up, reading each parameter's annotation:
for some seventy commands that took longer than everything else ``carebridge --help`` does. The group made
here (:func:`command_line`) has the application's own options and lists every command in order with the
first line of its help, read from the same place Typer reads it (the docstring, or the help given to
``add_typer``), then makes a command with Typer only when it is chosen. ``typer.main.get_command(app)`` still
makes the whole group at once (the tests' ``CliRunner`` uses it); a test keeps the two listings the same.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import (
    get_command_from_info,
    get_command_name,
    get_group_from_info,
    solve_typer_info_defaults,
    solve_typer_info_help,
)
from typer.models import CommandInfo, TyperInfo


class LazyGroup(TyperGroup):
    """A Typer group whose commands are made when first chosen, from the application :attr:`source`."""

    source: typer.Typer | None = None

    def _registered(self) -> dict[str, CommandInfo | TyperInfo]:
        """Each command and group of commands of :attr:`source` by name, in the order Typer lists them."""
        if self.source is None:
            return {}
        found: dict[str, CommandInfo | TyperInfo] = {}
        for command in self.source.registered_commands:
            name = command.name or get_command_name(command.callback.__name__)  # type: ignore[union-attr]
            found[name] = command
        for group in self.source.registered_groups:
            group_name = solve_typer_info_defaults(group).name
            if group_name:
                found[group_name] = group
        return found

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self._registered())

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            registered = self._registered().get(cmd_name)
            if registered is None or self.source is None:
                return None
            self.commands[cmd_name] = _made(self.source, registered)
        return self.commands[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The list of commands, each with the first line of its help, without making them."""
        with self._listed():
            super().format_commands(ctx, formatter)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """The command ``args`` name; for a name that is none, Typer's "Did you mean" among them all."""
        try:
            return super().resolve_command(ctx, args)
        except Exception:  # Click's UsageError: no such command; Typer suggests one among those listed
            with self._listed():
                return super().resolve_command(ctx, args)

    @contextmanager
    def _listed(self) -> Iterator[None]:
        """While inside, :attr:`commands` holds every command: those made, and a listing of the others."""
        made = self.commands
        self.commands = {name: made.get(name) or _listing(info) for name, info in self._registered().items()}
        try:
            yield
        finally:
            self.commands = made


def _made(source: typer.Typer, registered: CommandInfo | TyperInfo) -> Any:
    """The Click command (or group) Typer makes of ``registered``."""
    if isinstance(registered, TyperInfo):
        return get_group_from_info(
            registered,
            pretty_exceptions_short=source.pretty_exceptions_short,
            rich_markup_mode=source.rich_markup_mode,
            suggest_commands=source.suggest_commands,
        )
    return get_command_from_info(
        registered,
        pretty_exceptions_short=source.pretty_exceptions_short,
        rich_markup_mode=source.rich_markup_mode,
    )


def _listing(registered: CommandInfo | TyperInfo) -> TyperCommand:
    """What the list of commands shows of ``registered``: its help, short help, and whether it is hidden or
    deprecated, as Typer would give them to the command it makes."""
    if isinstance(registered, TyperInfo):
        solved = solve_typer_info_defaults(registered)
        return TyperCommand(
            solved.name,
            help=solve_typer_info_help(registered),
            short_help=solved.short_help,
            hidden=bool(solved.hidden),
            deprecated=bool(solved.deprecated),
        )
    help_text = registered.help
    if help_text is None:
        help_text = inspect.getdoc(registered.callback)
    return TyperCommand(
        registered.name,
        help=inspect.cleandoc(help_text) if help_text else help_text,
        short_help=registered.short_help,
        hidden=bool(registered.hidden),
        deprecated=bool(registered.deprecated),
    )


def command_line(app: typer.Typer) -> LazyGroup:
    """``app``'s group with its options and callback, its commands made when chosen."""
    shell = copy(app)
    shell.registered_commands = []
    shell.registered_groups = []
    shell.info = copy(app.info)
    shell.info.cls = LazyGroup
    group = typer.main.get_group(shell)
    assert isinstance(group, LazyGroup)
    group.source = app
    return group
