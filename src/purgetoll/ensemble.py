"""Ensembles on Dask: a local cluster by default, or a running scheduler.

:func:`dask_mapper` is a context manager that yields a :class:`DaskMapper`::

    with dask_mapper(workers=2) as mapper:              # a distributed.LocalCluster, 2 processes
        results = mapper(run, shared, jobs)
    with dask_mapper(scheduler="tcp://host:8786") as mapper:   # a cluster someone runs
        results = mapper(run, shared, jobs)

A mapper runs ``[function(shared, item) for item in items]`` as one Dask task per item and returns
the results **in the order of the items**, whichever worker finished first: when each item's work is
a function of the item alone (keyed random streams: a scenario's run by its seed, a calibration's
particle by its key, :mod:`purgetoll.calibrate.sampler`), the results do not depend on the workers
at all. ``shared`` (a simulator, pyabc's proposal) is sent to each worker once per call
(``scatter``), not once per task. :func:`serial_map` is the same contract in this process.

Base layer: it imports nothing of purgetoll, so the calibration and the verdict's ensembles share it.

Local workers are processes with one thread each (the keyed tasks of one process run one at a
time); the local cluster's dashboard takes a free port (a fixed one would collide with other
clusters on the machine). Dask is imported only here, when a cluster is asked for.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["DaskMapper", "dask_mapper", "ClusterError", "default_workers", "serial_map"]

Progress = Callable[[int, int], None]


class ClusterError(RuntimeError):
    """The Dask scheduler could not be reached or the cluster could not start; says which and why."""


def serial_map(function: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any]) -> list[Any]:
    """``[function(shared, item) for item in items]`` in this process, in order (tests, small jobs)."""
    return [function(shared, item) for item in items]


def default_workers() -> int:
    """Local workers by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class DaskMapper:
    """``mapper(function, shared, items)`` over a ``distributed.Client`` (see the module docstring).

    ``progress(done, total)`` is called as tasks finish (for a progress bar).
    """

    def __init__(self, client: Any, progress: Progress | None = None) -> None:
        self.client = client
        self.progress = progress

    @property
    def n_workers(self) -> int:
        """Workers the scheduler knows now."""
        return len(self.client.scheduler_info().get("workers", {}))

    def __call__(self, function: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any]) -> list[Any]:
        from distributed import as_completed  # start-up: Dask, +0.26 s CPU, as in dask_mapper

        items = list(items)
        if not items:
            return []
        shared_future = self.client.scatter(shared, broadcast=True, hash=False)
        futures = self.client.map(function, [shared_future] * len(items), items, pure=False)
        try:
            if self.progress is not None:
                for done, _ in enumerate(as_completed(futures), start=1):
                    self.progress(done, len(items))
            return self.client.gather(futures)
        except BaseException:
            self.client.cancel(futures)
            raise
        finally:
            self.client.cancel([shared_future])


@contextmanager
def dask_mapper(scheduler: str | None = None, workers: int | None = None, progress: Progress | None = None,
                timeout_seconds: float = 30.0) -> Iterator[DaskMapper]:
    """A :class:`DaskMapper` on a new ``LocalCluster`` of ``workers`` processes (default: the CPUs),
    or on the running scheduler at ``scheduler`` (then ``workers`` must be None). The cluster and the
    client are closed on exit; a scheduler that cannot be reached is a :class:`ClusterError`."""
    try:
        # start-up: Dask (+0.26 s CPU on the verdict, which imports this module) loads when a cluster is asked for
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ClusterError("Dask is not installed: pip install 'dask[distributed]'") from exc
    if scheduler is not None and workers is not None:
        raise ClusterError("give either a scheduler address or a number of local workers, not both")
    if workers is not None and not (isinstance(workers, int) and workers >= 1):
        raise ClusterError(f"workers must be an integer >= 1; got {workers!r}")
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.CRITICAL)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout=f"{timeout_seconds}s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler at {scheduler!r}" if scheduler else "a local Dask cluster"
        raise ClusterError(f"cannot connect to {where}: {exc}") from None
    try:
        yield DaskMapper(client, progress)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
