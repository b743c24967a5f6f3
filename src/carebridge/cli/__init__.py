"""The command line. Each module registers its commands on the one Typer application."""

from carebridge.cli import plan  # noqa: F401  (registers run, validate)
from carebridge.cli.app import app, main

__all__ = ["app", "main"]
