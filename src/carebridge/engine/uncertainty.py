"""Uncertainty (model spec section 11): Monte Carlo runs, one-way sensitivity and switching values.

Any number of a scenario may be written as a distribution (:mod:`carebridge.scenario.distributions`); a
deterministic run uses central values. This module is the way in to the rest:

- :func:`simulate` draws every uncertain input ``N`` times with a seed and runs the whole model for every draw
  at once, vectorised along a ``draw`` dimension of the same engine functions, in chunks; a
  :class:`Simulation` gives the mean and percentiles of every output table and the probabilities of balance
  and of a net saving. :func:`simulate_many` does the same for many scenarios (a sweep);
- :func:`one_way` moves each uncertain input alone between two percentiles (a tornado) and finds each input's
  switching value;
- :func:`dask_executor` runs the chunks on dask.distributed, with the numbers of a local run.
"""

from carebridge.engine.simulate.distributed import DaskExecutor, dask_executor
from carebridge.engine.simulate.monte_carlo import (
    DEFAULT_CHUNK,
    DEFAULT_PERCENTILES,
    LocalExecutor,
    Simulation,
    simulate,
    simulate_many,
)
from carebridge.engine.simulate.sampling import Uncertain
from carebridge.engine.simulate.sensitivity import ALL_YEARS, Output, Sensitivity, Swing, one_way

__all__ = [
    "ALL_YEARS",
    "DEFAULT_CHUNK",
    "DEFAULT_PERCENTILES",
    "DaskExecutor",
    "LocalExecutor",
    "Output",
    "Sensitivity",
    "Simulation",
    "Swing",
    "Uncertain",
    "dask_executor",
    "one_way",
    "simulate",
    "simulate_many",
]
