"""The console the commands print their tables on.

On a terminal, rich fits a table to the window. Piped into a file or another program, rich would assume 80
columns and cut names to fit ("Stoc…"); there the console is wide enough for any table instead, so a name is
never cut. ``COLUMNS`` still wins when it is set. Rich is imported when a console or a bar is made."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

PIPED_WIDTH = 240
"""Columns of a console whose output is not a terminal: wider than any table the commands print."""


def terminal(*, stderr: bool = False) -> Console:
    """A console for the command's output (standard error with ``stderr``); Rich is imported here, when a
    command prints, so that ``carebridge --help`` does not start it."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    if os.environ.get("COLUMNS") or stream.isatty():
        return Console(stderr=stderr)
    return Console(stderr=stderr, width=PIPED_WIDTH)


PROGRESS_DELAY = 1.0
"""Seconds a run may take before its progress bar appears."""


@contextmanager
def progress_bar(total: int, description: str, quiet: bool = False) -> Iterator[Callable[[int], None]]:
    """A function to call with each amount of work done; a Rich bar on standard error appears once the work
    has taken :data:`PROGRESS_DELAY` seconds (never when ``quiet``)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task(description, total=total)
    timer = threading.Timer(PROGRESS_DELAY, progress.start)
    if not quiet:
        timer.start()
    try:
        yield lambda done: progress.advance(task, done)
    finally:
        timer.cancel()
        progress.stop()
