"""CareBridge: the whole-system plan of a local health and care economy.

The public Python API is what :data:`__all__` lists (docs/api.md): each name a use case, imported on first
use so that ``import carebridge`` and ``carebridge --help`` stay fast. Everything else — the modules under
``carebridge.*`` — is internal and may change between versions.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from carebridge.version import __version__

__all__ = [
    "MonteCarlo",
    "Run",
    "__version__",
    "approve",
    "edit_value",
    "fews",
    "import_actuals",
    "load",
    "open_store",
    "run",
    "sensitivity",
    "simulate",
    "target_status",
]

_API = "carebridge.usecases.api"

if TYPE_CHECKING:
    from carebridge.usecases.api import (
        MonteCarlo,
        Run,
        approve,
        edit_value,
        fews,
        import_actuals,
        load,
        open_store,
        run,
        sensitivity,
        simulate,
        target_status,
    )


def __getattr__(name: str) -> Any:
    """A name of the public API, imported on first use."""
    if name in __all__ and name != "__version__":
        value = getattr(import_module(_API), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'carebridge' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
