"""Pure arithmetic on labelled arrays: scenario in, results out (model spec sections 3–7)."""

from carebridge.engine.errors import ModelError
from carebridge.engine.results import BridgeStep, Results
from carebridge.engine.run import run

__all__ = ["BridgeStep", "ModelError", "Results", "run"]
