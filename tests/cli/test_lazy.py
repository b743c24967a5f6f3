"""The command line as ``carebridge`` starts it makes a command only when it is chosen, and says exactly what
Typer's whole group says: the same list of commands, the same help, the same "Did you mean"."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import textwrap

import pytest
import typer

from carebridge.cli import app
from carebridge.cli.lazy import command_line


def output(command: typer.core.TyperGroup, args: list[str]) -> tuple[str, int]:
    """What ``command`` prints (standard output and error) for ``args``, and its exit code."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            command.main(args, prog_name="carebridge")
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return printed.getvalue(), code


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        [],
        ["run", "--help"],
        ["targets", "--help"],
        ["targets", "status", "--help"],
        ["rn"],
        ["targets", "stat"],
        ["--version"],
    ],
)
def test_the_lazy_group_says_what_typers_whole_group_says(args: list[str]) -> None:
    whole = typer.main.get_command(app)
    assert isinstance(whole, typer.core.TyperGroup)
    assert output(command_line(app), args) == output(whole, args)


def test_the_list_of_commands_makes_none_and_running_one_makes_only_it() -> None:
    group = command_line(app)
    text, code = output(group, ["--help"])
    assert code == 0 and "  run " in text and "  targets " in text
    assert group.commands == {}
    output(group, ["run", "--help"])
    assert list(group.commands) == ["run"]


def test_help_starts_neither_rich_nor_the_arrays() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.argv = ["carebridge", "--help"]
        from carebridge.cli import main
        try:
            main()
        except SystemExit:
            pass
        started = sorted(m for m in ("rich", "xarray", "pandas", "pydantic") if m in sys.modules)
        print(started, file=sys.stderr)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert "Commands:" in done.stdout
    assert done.stderr.strip() == "[]"
