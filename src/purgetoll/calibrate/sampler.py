"""Static scheduling for pyabc: the same particles whatever the number of workers.

pyabc's dynamic samplers hand out simulations as workers become free, so which proposal is
accepted first depends on timing; its ``MappingSampler`` reseeds every task from the operating
system. Neither reproduces. :class:`KeyedMappingSampler` maps ``n`` tasks for a generation of
``n`` particles, task ``i`` of generation ``t`` proposing and simulating until one of its
attempts is accepted, with every random number keyed (:mod:`purgetoll.calibrate.keys`):

* pyabc's own draws inside the task (the proposal from the transition kernel, or the prior) come
  from NumPy's global generator seeded with ``seed_words(seed, "proposal", t, i)``;
* the simulation of attempt ``a`` gets the seed ``derive_seed(seed, "particle", t, i, a)``,
  which the model reads from :func:`current_simulation_seed`.

A task's result is then a function of ``(seed, t, i)`` and the previous population only, and the
sample is assembled in task order, so a calibration is identical on 1 worker or 20, on a
:class:`distributed.LocalCluster` or in this process. The threads of one process share NumPy's
global generator, so tasks in one process run one at a time (a lock): give Dask workers one
thread each (``threads_per_worker=1``, as :mod:`purgetoll.ensemble` does).

Limits: a task gives up after ``max_attempts`` attempts (a generation whose acceptance rate has
fallen that low is not completed: pyabc stops and keeps the previous generation, and the
calibration says so); the simulations of an abandoned generation are counted.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyabc

from purgetoll.calibrate.keys import derive_seed, seed_words
from purgetoll.ensemble import serial_map

__all__ = ["KeyedMappingSampler", "current_simulation_seed", "serial_map", "TaskKey", "GenerationRecord", "Mapper"]

#: Tasks of one process run one at a time (NumPy's global generator is shared by threads).
_LOCK = threading.Lock()
_CONTEXT: dict[str, Any] = {}

#: ``mapper(function, shared, items) -> [function(shared, item) for item in items]``, in order
#: (:func:`purgetoll.ensemble.serial_map`, :class:`purgetoll.ensemble.DaskMapper`).
Mapper = Callable[[Callable[[Any, Any], Any], Any, Sequence[Any]], list[Any]]


@dataclass(frozen=True)
class TaskKey:
    """Where a task sits: the calibration's seed, the generation ``t`` (-1: pyabc's calibration
    sample from the prior) and the particle's index."""

    seed: int
    t: int
    index: int
    max_attempts: int


@dataclass(frozen=True)
class GenerationRecord:
    """What the sampler saw of one generation (kept for the diagnostics)."""

    t: int
    particles: int
    simulations: int
    completed: bool


def current_simulation_seed() -> int:
    """The seed of the simulation being run by the current task's current attempt.

    Only valid inside a :class:`KeyedMappingSampler` task (the model calls it); outside one it is
    an error rather than an unkeyed seed.
    """
    if "seed" not in _CONTEXT:
        raise RuntimeError("current_simulation_seed() called outside a calibration task")
    return derive_seed(_CONTEXT["seed"], "particle", _CONTEXT["t"], _CONTEXT["index"], _CONTEXT["attempt"])


def _run_task(shared: tuple[Callable[[], Any], Callable[[], Any]], key: TaskKey) -> tuple[Any, int, bool]:
    """One task: propose and simulate until accepted (or ``max_attempts``); keyed randomness."""
    make_sample, simulate_one = shared
    with _LOCK:
        state = np.random.get_state()  # noqa: NPY002 - pyabc draws from NumPy's global generator
        np.random.seed(seed_words(key.seed, "proposal", key.t, key.index))  # noqa: NPY002 - pyabc draws from NumPy's global generator
        random.seed(int(derive_seed(key.seed, "proposal-py", key.t, key.index)))
        sample = make_sample()
        accepted = False
        attempts = 0
        try:
            while attempts < key.max_attempts:
                _CONTEXT.update(seed=key.seed, t=key.t, index=key.index, attempt=attempts)
                particle = simulate_one()
                attempts += 1
                sample.append(particle)
                if particle.accepted:
                    accepted = True
                    break
        finally:
            _CONTEXT.clear()
            np.random.set_state(state)  # noqa: NPY002 - pyabc draws from NumPy's global generator
    return sample, attempts, accepted


class KeyedMappingSampler(pyabc.sampler.Sampler):
    """A pyabc sampler that maps keyed tasks (see the module docstring).

    Parameters
    ----------
    seed:
        The calibration's seed.
    mapper:
        ``mapper(function, shared, items)``: ``[function(shared, item) for item in items]`` in the
        order of ``items`` (:func:`~purgetoll.ensemble.serial_map`, or a :class:`~purgetoll.ensemble.DaskMapper`,
        which sends ``shared`` to each worker once).
    max_attempts:
        Attempts a task makes before it gives up (the generation is then abandoned).
    on_generation:
        Called with ``(t, n_tasks)`` before a generation's tasks are mapped (progress).
    """

    def __init__(self, seed: int, mapper: Mapper, max_attempts: int = 500,
                 on_generation: Callable[[int, int], None] | None = None) -> None:
        super().__init__()
        derive_seed(seed, "check")  # validates the seed
        if not (isinstance(max_attempts, int) and max_attempts >= 1):
            raise ValueError(f"max_attempts must be an integer >= 1; got {max_attempts!r}")
        self.seed = int(seed)
        self.mapper = mapper
        self.max_attempts = max_attempts
        self.on_generation = on_generation
        self.records: list[GenerationRecord] = []

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                ana_vars=None):
        if self.on_generation is not None:
            self.on_generation(t, n)
        keys = [TaskKey(self.seed, int(t), i, self.max_attempts) for i in range(n)]
        results = self.mapper(_run_task, (self.sample_factory, simulate_one), keys)
        sample = self._create_empty_sample()
        evaluations = 0
        ok = True
        for part, attempts, accepted in results:
            sample += part
            evaluations += attempts
            ok = ok and accepted
        self.nr_evaluations_ = evaluations
        self.records.append(GenerationRecord(int(t), n, evaluations, ok))
        if not ok:
            sample.ok = False
        return sample
