"""Problems the engine finds in a scenario that passed validation (they need the arithmetic to see)."""

from __future__ import annotations

from carebridge.scenario.errors import ScenarioError


class ModelError(ScenarioError):
    """A scenario whose numbers cannot be run: e.g. schemes that remove more activity than a POD holds.

    Each problem carries the field path of an effect involved, so the command line can give its line.
    """
