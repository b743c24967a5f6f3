"""The console the commands print their tables on.

On a terminal, rich fits a table to the window. Piped into a file or another program, rich would assume 80
columns and cut names to fit ("Stoc…"); there the console is wide enough for any table instead, so a name is
never cut. ``COLUMNS`` still wins when it is set."""

from __future__ import annotations

import os
import sys

from rich.console import Console

PIPED_WIDTH = 240
"""Columns of a console whose output is not a terminal: wider than any table the commands print."""


def terminal(*, stderr: bool = False) -> Console:
    """A console for the command's output (standard error with ``stderr``)."""
    stream = sys.stderr if stderr else sys.stdout
    if os.environ.get("COLUMNS") or stream.isatty():
        return Console(stderr=stderr)
    return Console(stderr=stderr, width=PIPED_WIDTH)
