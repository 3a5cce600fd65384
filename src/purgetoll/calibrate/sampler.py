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

With a :class:`~purgetoll.calibrate.budget.Budget`, a generation is planned before it runs (its
size, or skipped: :meth:`KeyedMappingSampler.plan`) and runs in rounds: each round gives every
unfinished task an equal share of the simulations left (at most what it has left of
``max_attempts``), so a generation never makes more than are left; a task that is not accepted in
its share resumes in the next round from its generator's state, so the rounds give the particles
one round would have. Which tasks run, and how many attempts each, depends only on counts, never on
timing. A generation that cannot complete within the budget is discarded
(:data:`~purgetoll.calibrate.budget.STATUSES`).

Limits: a task gives up after ``max_attempts`` attempts (a generation whose acceptance rate has
fallen that low is not completed: pyabc stops and keeps the previous generation, and the
calibration says so); the simulations of an abandoned or discarded generation are counted.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyabc

from purgetoll.calibrate.budget import Budget, GenerationPlan
from purgetoll.calibrate.keys import derive_seed, seed_words
from purgetoll.ensemble import serial_map

__all__ = ["KeyedMappingSampler", "current_simulation_seed", "serial_map", "TaskKey", "GenerationRecord", "Mapper"]

#: Tasks of one process run one at a time (NumPy's global generator is shared by threads).
_LOCK = threading.Lock()
_CONTEXT: dict[str, Any] = {}

#: ``mapper(function, shared, items) -> [function(shared, item) for item in items]``, in order
#: (:func:`purgetoll.ensemble.serial_map`, :class:`purgetoll.ensemble.DaskMapper`).
Mapper = Callable[[Callable[[Any, Any], Any], Any, Sequence[Any]], list[Any]]

#: The generators' states a task resumes from: NumPy's global state and Python's ``random`` state.
RandomState = tuple[Any, Any]


@dataclass(frozen=True)
class TaskKey:
    """Where a task sits: the calibration's seed, the generation ``t`` (-1: pyabc's calibration
    sample from the prior), the particle's index, the attempts it may make now, the attempts it made
    in earlier rounds and, if it made any, the generators' states it resumes from."""

    seed: int
    t: int
    index: int
    attempts: int
    made: int = 0
    state: RandomState | None = None


@dataclass(frozen=True)
class GenerationRecord:
    """What the sampler saw of one generation (kept for the diagnostics): the particles asked for
    (``requested``, population_size) and run, the simulations made, the accepted particles, whether
    pyabc got a usable sample, the :data:`~purgetoll.calibrate.budget.STATUSES` key, the ESS of the
    accepted particles' weights and the plan it ran by (``None`` without a budget)."""

    t: int
    requested: int
    particles: int
    simulations: int
    accepted: int
    completed: bool
    status: str
    ess: float
    plan: GenerationPlan | None = None


def current_simulation_seed() -> int:
    """The seed of the simulation being run by the current task's current attempt.

    Only valid inside a :class:`KeyedMappingSampler` task (the model calls it); outside one it is
    an error rather than an unkeyed seed.
    """
    if "seed" not in _CONTEXT:
        raise RuntimeError("current_simulation_seed() called outside a calibration task")
    return derive_seed(_CONTEXT["seed"], "particle", _CONTEXT["t"], _CONTEXT["index"], _CONTEXT["attempt"])


def _run_task(shared: tuple[Callable[[], Any], Callable[[], Any]],
              key: TaskKey) -> tuple[Any, int, bool, RandomState | None]:
    """One task: propose and simulate until accepted (or ``key.attempts``); keyed randomness. Returns
    the sample, the attempts made, whether one was accepted and, if not, the generators' states to
    resume from."""
    make_sample, simulate_one = shared
    with _LOCK:
        state = np.random.get_state()  # noqa: NPY002 - pyabc draws from NumPy's global generator
        if key.state is None:
            np.random.seed(seed_words(key.seed, "proposal", key.t, key.index))  # noqa: NPY002 - pyabc draws from NumPy's global generator
            random.seed(int(derive_seed(key.seed, "proposal-py", key.t, key.index)))
        else:
            np.random.set_state(key.state[0])  # noqa: NPY002 - pyabc draws from NumPy's global generator
            random.setstate(key.state[1])
        sample = make_sample()
        accepted = False
        attempts = 0
        resume: RandomState | None = None
        try:
            while attempts < key.attempts:
                _CONTEXT.update(seed=key.seed, t=key.t, index=key.index, attempt=key.made + attempts)
                particle = simulate_one()
                attempts += 1
                sample.append(particle)
                if particle.accepted:
                    accepted = True
                    break
            if not accepted:
                resume = (np.random.get_state(), random.getstate())  # noqa: NPY002 - pyabc draws from NumPy's global generator
        finally:
            _CONTEXT.clear()
            np.random.set_state(state)  # noqa: NPY002 - pyabc draws from NumPy's global generator
    return sample, attempts, accepted, resume


def _ess(weights: Sequence[float]) -> float:
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.square(w).sum()) if w.size and w.sum() > 0 else 0.0


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
    budget:
        The simulations the sampler may make and how generations are sized to them
        (:mod:`purgetoll.calibrate.budget`); ``None``: no budget, every generation as pyabc asks.
    """

    def __init__(self, seed: int, mapper: Mapper, max_attempts: int = 500,
                 on_generation: Callable[[int, int], None] | None = None, budget: Budget | None = None) -> None:
        super().__init__()
        derive_seed(seed, "check")  # validates the seed
        if not (isinstance(max_attempts, int) and max_attempts >= 1):
            raise ValueError(f"max_attempts must be an integer >= 1; got {max_attempts!r}")
        self.seed = int(seed)
        self.mapper = mapper
        self.max_attempts = max_attempts
        self.on_generation = on_generation
        self.budget = budget
        self.records: list[GenerationRecord] = []
        self._plans: dict[int, GenerationPlan] = {}

    @property
    def simulations(self) -> int:
        """Simulations made so far (every generation's, usable or not)."""
        return sum(r.simulations for r in self.records)

    def plan(self, t: int) -> GenerationPlan:
        """Generation ``t``'s plan, made once, when first asked (after generation ``t - 1`` ran)."""
        if self.budget is None:
            raise RuntimeError("this sampler has no budget to plan by")
        if t not in self._plans:
            done = [r for r in self.records if r.t >= 0 and r.completed]
            rates = [r.particles / r.simulations for r in done]
            ess_share = done[-1].ess / done[-1].particles if done else 1.0
            self._plans[t] = self.budget.plan(t, self.simulations, rates, ess_share)
        return self._plans[t]

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                ana_vars=None):
        t = int(t)
        plan = self.plan(t) if self.budget is not None else None
        if plan is not None and plan.status == "skipped":
            return self._finish(self._create_empty_sample(), t, plan, n, 0, 0, "skipped")
        if self.on_generation is not None:
            self.on_generation(t, n)
        remaining = None if plan is None else plan.remaining
        parts, made, accepted, status = self._map_rounds(simulate_one, t, n, remaining)
        sample = self._create_empty_sample()
        for task in parts:
            for part in task:
                sample += part
        if status == "full" and plan is not None:
            status = plan.status
        return self._finish(sample, t, plan, n, made, accepted, status)

    def _map_rounds(self, simulate_one: Callable[[], Any], t: int, n: int,
                    remaining: int | None) -> tuple[list[list[Any]], int, int, str]:
        """Map the ``n`` tasks of generation ``t`` in rounds within ``remaining`` simulations (module
        docstring); returns each task's samples, the simulations made, the tasks accepted and
        ``"full"``, ``"out_of_budget"`` or ``"abandoned"``."""
        parts: list[list[Any]] = [[] for _ in range(n)]
        made = [0] * n
        states: list[RandomState | None] = [None] * n
        pending = list(range(n))
        while pending:
            left = self.max_attempts if remaining is None else (remaining - sum(made)) // len(pending)
            share = min(self.max_attempts, left)
            if share < 1:
                return parts, sum(made), n - len(pending), "out_of_budget"
            keys = [TaskKey(self.seed, t, i, min(share, self.max_attempts - made[i]), made[i], states[i])
                    for i in pending]
            results = self.mapper(_run_task, (self.sample_factory, simulate_one), keys)
            still = []
            for i, (part, attempts, accepted, state) in zip(pending, results, strict=True):
                parts[i].append(part)
                made[i] += attempts
                states[i] = state
                if not accepted:
                    still.append(i)
            if any(made[i] >= self.max_attempts for i in still):
                return parts, sum(made), n - len(still), "abandoned"
            pending = still
        return parts, sum(made), n, "full"

    def _finish(self, sample: Any, t: int, plan: GenerationPlan | None, n: int, made: int, accepted: int,
                status: str) -> Any:
        """Record the generation; a sample pyabc must not use (not completed, or shrunk below
        ``min_ess``) is marked so."""
        ess = _ess([p.weight for p in sample.accepted_particles]) if accepted == n and n else 0.0
        if status == "shrunk" and self.budget is not None and ess < self.budget.min_ess:
            status = "low_ess"
        completed = status in ("full", "shrunk")
        requested = plan.requested if plan is not None else n
        particles = plan.particles if plan is not None and status == "skipped" else n
        self.nr_evaluations_ = made
        self.records.append(GenerationRecord(t, requested, particles, made, accepted, completed, status, ess, plan))
        if not completed:
            sample.ok = False
        return sample
