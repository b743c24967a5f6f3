"""The command line. Each module registers its commands on the one Typer application, in this order."""

from importlib import import_module

from carebridge.cli.app import app, main

COMMAND_MODULES = (
    "plan",
    "workbook",
    "compare",
    "strat",
    "delivery",
    "registers",
    "appraise",
    "simulate",
    "web",
    "region_store",
    "efficiency",
    "pools",
    "programme",
    "outcomes",
    "neighbourhoods",
    "population",
)
"""Modules under ``carebridge.cli`` whose commands ``carebridge --help`` lists, in this order."""

for _module in COMMAND_MODULES:
    import_module(f"carebridge.cli.{_module}")

__all__ = ["COMMAND_MODULES", "app", "main"]
