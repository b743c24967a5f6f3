"""Running the chunks of Monte Carlo runs (and sweeps over many scenarios) on dask.distributed.

Each chunk is one task: the scenario, the seed, the chunk's index and size go to a worker, which draws the
chunk's inputs from the chunk's own generator and returns its per-draw tables. Memory on a worker is bounded
by the chunk size; the client writes each result into place as it arrives and lets the worker forget it. The
numbers are those of a local run with the same seed and chunk size.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

Task = TypeVar("Task")
Outcome = TypeVar("Outcome")


class DaskExecutor:
    """Runs tasks (a Monte Carlo's chunks, a region's places) on the cluster of a dask ``Client``."""

    def __init__(self, client: Any):
        self.client = client

    def run(
        self, function: Callable[[Task], Outcome], tasks: Sequence[Task]
    ) -> Iterator[tuple[int, Outcome]]:
        """``(index, function(task))`` of each task as it finishes; the worker then forgets it."""
        from dask.distributed import as_completed

        run_id = uuid.uuid4().hex[:8]
        futures = [
            self.client.submit(function, task, pure=False, key=f"carebridge-task-{run_id}-{index}")
            for index, task in enumerate(tasks)
        ]
        position = {future.key: index for index, future in enumerate(futures)}
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            result: Outcome = future.result()
            index = position[future.key]
            future.release()
            yield index, result


@contextmanager
def dask_executor(
    scheduler: str | None = None, workers: int | None = None, processes: bool = True
) -> Iterator[DaskExecutor]:
    """An executor on the scheduler at ``scheduler`` (``tcp://host:8786``), or on a local cluster of
    ``workers`` single-threaded workers (processes, or threads when ``processes`` is false)."""
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield DaskExecutor(client)
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield DaskExecutor(client)
