"""The numbers of a scenario with draws in place of its uncertain inputs, as the compile reads them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from carebridge.engine.inputs import InputValues
from carebridge.scenario.errors import Path

Floats = npt.NDArray[np.float64]


class DrawnValues(InputValues):
    """Each uncertain number's draws, (draw,), by its path; every other number as written."""

    def __init__(self, paths: Sequence[Path], samples: Floats):
        """``samples`` is (draw, input), its columns in the order of ``paths``."""
        self.draws = int(samples.shape[0])
        self._by_path = {tuple(path): np.ascontiguousarray(samples[:, k]) for k, path in enumerate(paths)}
        self.read: set[Path] = set()
        """The paths of the drawn numbers that the compile and the run have read."""

    def number(self, path: Path, value: float) -> float | Floats:
        key = tuple(path)
        drawn = self._by_path.get(key)
        if drawn is None:
            return value
        self.read.add(key)
        return drawn

    @property
    def paths(self) -> list[Path]:
        return list(self._by_path)
