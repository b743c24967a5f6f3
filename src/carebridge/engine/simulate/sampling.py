"""Drawing the uncertain inputs: one uniform number per input per draw, correlated by rank, then each
distribution's quantile function.

Draws come in chunks. Chunk ``c`` of a run with seed ``s`` uses its own generator,
``numpy.random.Generator(PCG64(SeedSequence(s, spawn_key=(c,))))``, so a chunk gives the same numbers wherever
it runs (this process, or any worker of a cluster) and in whatever order the chunks are run.

Rank correlations (Iman & Conover, 1982) are imposed within each chunk: van der Waerden scores
``Φ⁻¹(r / (n + 1))`` of random rankings are given the target correlation ``C`` by ``T = S · (Q⁻¹)ᵀ · Pᵀ``
(``P Pᵀ = C``, ``Q Qᵀ`` the scores' own correlation), and each input's uniform draws are reordered to the
ranks of its column of ``T``. The values drawn are unchanged, only paired differently.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xarray as xr
from scipy import special

from carebridge.engine.inputs import InputValues, compile_inputs
from carebridge.engine.run import run_inputs
from carebridge.scenario.distributions import AnyDistribution
from carebridge.scenario.errors import Path, Problem
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import correlation_matrix, uncertain_paths

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain number of a scenario: its name, its path in the scenario, and its distribution."""

    name: str
    path: Path
    distribution: AnyDistribution


@dataclass(frozen=True)
class Uncertain:
    """The uncertain inputs of a scenario, in the order written, and the rank correlations between them."""

    inputs: list[UncertainInput]
    correlated: list[int]
    """Positions in ``inputs`` of the correlated inputs, in the order of ``correlation``'s rows."""
    correlation: Floats

    @classmethod
    def of(cls, scenario: Scenario) -> Uncertain:
        """The uncertain inputs of ``scenario``: found once for a scenario object (the chunks of a
        simulation run here each ask for them), then shared."""
        for known, uncertain in _KNOWN:
            if known is scenario:
                return uncertain
        found = cls._found(scenario)
        _KNOWN.insert(0, (scenario, found))
        del _KNOWN[_REMEMBERED:]
        return found

    @classmethod
    def _found(cls, scenario: Scenario) -> Uncertain:
        paths = uncertain_paths(scenario)
        dists = scenario.uncertainty.inputs
        inputs = [UncertainInput(name, paths[name], dists[name]) for name in paths]
        pairs = [(c.inputs[0], c.inputs[1], c.rank) for c in scenario.uncertainty.correlations]
        names, matrix = correlation_matrix(pairs)
        positions = {item.name: i for i, item in enumerate(inputs)}
        return cls(inputs, [positions[name] for name in names], matrix)

    @property
    def names(self) -> list[str]:
        return [item.name for item in self.inputs]

    def central(self) -> Floats:
        """Each input's central value, (input,)."""
        return np.array([item.distribution.central() for item in self.inputs])

    def quantiles(self, p: float) -> Floats:
        """Each input's ``p`` quantile, (input,)."""
        return np.array([item.distribution.quantile(p) for item in self.inputs])

    def draw(self, seed: int, chunk: int, size: int) -> Floats:
        """The values of chunk ``chunk`` of ``size`` draws, (draw, input)."""
        generator = chunk_generator(seed, chunk)
        uniform = generator.random((size, len(self.inputs)))
        if len(self.correlated) > 1 and size > 2:
            block = uniform[:, self.correlated]
            uniform[:, self.correlated] = iman_conover(block, self.correlation, generator)
        values = np.empty_like(uniform)
        for k, item in enumerate(self.inputs):
            values[:, k] = item.distribution.ppf(uniform[:, k])
        return values


_KNOWN: list[tuple[Scenario, Uncertain]] = []
"""The scenarios :meth:`Uncertain.of` read last, most recent first, with what it found (a scenario is not
changed once validated)."""
_REMEMBERED = 8


def chunk_generator(seed: int, chunk: int) -> np.random.Generator:
    """The random generator of chunk ``chunk`` of a run seeded with ``seed``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(chunk,))))


def iman_conover(samples: Floats, target: Floats, generator: np.random.Generator) -> Floats:
    """``samples`` (draw, input) with each column reordered so that their rank correlation is near
    ``target`` (Iman–Conover; see the module docstring). Each column keeps its values."""
    n, k = samples.shape
    ranks = np.arange(1, n + 1) / (n + 1)
    base = special.ndtri(ranks)
    scores = np.column_stack([generator.permutation(base) for _ in range(k)])
    own = np.corrcoef(scores, rowvar=False)
    try:
        p = np.linalg.cholesky(target)
        q = np.linalg.cholesky(own)
    except np.linalg.LinAlgError:  # too few draws for the scores to be independent: leave them unpaired
        return samples
    correlated = scores @ np.linalg.inv(q).T @ p.T
    out = np.empty_like(samples)
    for j in range(k):
        order = np.argsort(np.argsort(correlated[:, j]))
        out[:, j] = np.sort(samples[:, j])[order]
    return out


class _Recorder(InputValues):
    """Numbers as written, noting the path of every number the engine reads."""

    def __init__(self) -> None:
        self.read: set[Path] = set()

    def number(self, path: Path, value: float) -> float | Floats:
        self.read.add(tuple(path))
        return value


UNDRAWN = (
    "a Monte Carlo run cannot draw this input yet: the engine reads it from the scenario, not through the "
    "draws (capacity, capital, plan-line realisation, phasing and overlaps are used at their central value); "
    "give a number here"
)


def undrawn_inputs(scenario: Scenario) -> list[Problem]:
    """A problem for each uncertain input that a run does not read through the draws (so a simulation would
    hold it at its central value without saying so). One run of the model, at the values as written; a
    Monte Carlo run learns the same from its chunks' own runs (:func:`unread_problems`)."""
    uncertain = Uncertain.of(scenario)
    if not uncertain.inputs:
        return []
    recorder = _Recorder()
    with xr.set_options(arithmetic_join="exact"):  # type: ignore[no-untyped-call]
        run_inputs(scenario, compile_inputs(scenario, recorder))
    return unread_problems(uncertain, recorder.read)


def unread_problems(uncertain: Uncertain, read: Collection[Path]) -> list[Problem]:
    """A problem for each of ``uncertain``'s inputs whose path is not among the paths ``read`` by a run."""
    problems = []
    for item in uncertain.inputs:
        if tuple(item.path) not in read:
            unused = item.path[0] == "parameters"
            message = (
                "this uncertain parameter is used by no formula, so drawing it changes nothing; give a number"
                if unused
                else UNDRAWN
            )
            problems.append(Problem(item.path, message))
    return problems
