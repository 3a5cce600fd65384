"""A calibration's simulation budget: how many particles each generation may have, or none.

A calibration with a budget of ``N`` simulations makes at most ``N`` in all: the noise replicates at
the reference point, pyabc's sample from the prior (one simulation a particle) and the generations.
ABC-SMC cannot know a generation's cost in advance (each particle's task simulates until one of its
proposals is accepted), so each generation is planned before it runs, from what is left:

* its acceptance rate is predicted (:func:`predicted_rate`): ``epsilon_quantile`` for generation 0
  (its tolerance is that quantile of the prior sample's distances, and it proposes from the prior);
  later the last generation's rate, lowered by the factor by which the rate fell from the one before
  (the prior sample's rate counting as 1). The prediction is pessimistic on purpose: a generation that
  runs out of budget is lost whole, while one planned too small only has fewer particles;
* the cost of ``n`` particles (:func:`generation_cost`, a sum of ``n`` geometric numbers of attempts)
  is taken as its mean plus :data:`COST_SDS` standard deviations at that rate;
* the generation gets ``population_size`` particles if that cost fits in what is left, otherwise it
  is *shrunk* to the most particles that fit (:func:`affordable_particles`); a shrunk generation
  whose effective particles (its particles times the last generation's ESS per particle) would be
  fewer than ``min_ess`` is *skipped*, and the calibration stops with the previous generation.

The sampler (:class:`~purgetoll.calibrate.sampler.KeyedMappingSampler`) keeps the budget while a
generation runs: its unfinished particles share what is left equally, round after round, so a
generation never makes more simulations than are left. If its acceptance rate falls further than
predicted, it cannot complete and is discarded (``out_of_budget``: its simulations are counted, the
posterior is the previous generation's); a shrunk generation whose ESS turns out below ``min_ess`` is
discarded too (``low_ess``). There is no overshoot: the simulations made never exceed the budget.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyabc

__all__ = ["Budget", "GenerationPlan", "BudgetedPopulationSize", "STATUSES", "COST_SDS", "generation_cost",
           "affordable_particles", "predicted_rate", "smallest_budget"]

#: A generation is planned to fit its cost's mean plus this many standard deviations.
COST_SDS = 2.0

#: What happened to a generation (the ``status`` column of ``Calibration.generations_``).
STATUSES: dict[str, str] = {
    "full": "run with population_size particles",
    "shrunk": "run with fewer particles, the most the budget left allowed at its predicted acceptance rate",
    "skipped": "not run: the particles the budget left allowed would have had fewer than min_ess effective "
               "particles",
    "out_of_budget": "discarded: the budget ran out before every particle was accepted",
    "low_ess": "discarded: shrunk, it had fewer than min_ess effective particles",
    "abandoned": "discarded: a particle found no acceptance in max_attempts simulations",
}


def generation_cost(particles: int, rate: float, sds: float = COST_SDS) -> float:
    """Simulations ``particles`` tasks need at acceptance rate ``rate``: the mean plus ``sds`` standard
    deviations of a sum of ``particles`` geometric numbers of attempts."""
    if particles <= 0:
        return 0.0
    return particles / rate + sds * math.sqrt(particles * (1.0 - rate)) / rate


def affordable_particles(remaining: int, rate: float, cap: int, sds: float = COST_SDS) -> int:
    """The most particles, at most ``cap``, whose :func:`generation_cost` at ``rate`` fits in ``remaining``."""
    if remaining <= 0 or rate <= 0:
        return 0
    # n + b sqrt(n) <= remaining * rate, with b = sds sqrt(1 - rate): a quadratic in sqrt(n)
    b = sds * math.sqrt(max(0.0, 1.0 - rate))
    root = (-b + math.sqrt(b * b + 4.0 * remaining * rate)) / 2.0
    n = min(cap, int(root * root) + 1)
    while n > 0 and generation_cost(n, rate, sds) > remaining:
        n -= 1
    return n


def predicted_rate(rates: Sequence[float], first_rate: float) -> float:
    """The next generation's acceptance rate from the completed generations' ``rates`` (in order):
    ``first_rate`` for the first; else the last rate times ``min(1, last / the one before)``, the prior
    sample's rate being 1."""
    if not rates:
        return first_rate
    before = rates[-2] if len(rates) >= 2 else 1.0
    return rates[-1] * min(1.0, rates[-1] / before)


def smallest_budget(noise_replicates: int, population_size: int, min_ess: int, first_rate: float) -> int:
    """The smallest budget whose first generation has at least ``min_ess`` particles after the noise
    replicates and the prior sample."""
    need = math.ceil(generation_cost(min_ess, first_rate))
    while affordable_particles(need, first_rate, min_ess) < min_ess:
        need += 1
    return noise_replicates + population_size + need


@dataclass(frozen=True)
class GenerationPlan:
    """A generation as planned before it runs (see the module docstring)."""

    t: int
    requested: int  #: population_size
    particles: int  #: particles it runs with (planned ones, if skipped)
    remaining: int  #: simulations left of the budget before it
    rate: float  #: its predicted acceptance rate (1 for the prior sample)
    ess: float  #: its predicted effective particles
    status: str  #: "full", "shrunk" or "skipped"


@dataclass(frozen=True)
class Budget:
    """What the sampler may spend: ``simulations`` in all (the budget less the noise replicates).

    ``first_rate`` is generation 0's predicted acceptance rate (the calibration's ``epsilon_quantile``).
    """

    simulations: int
    population_size: int
    min_ess: int
    first_rate: float

    def plan(self, t: int, spent: int, rates: Sequence[float], ess_share: float) -> GenerationPlan:
        """Plan generation ``t`` (-1: the prior sample) after ``spent`` simulations, from the completed
        generations' acceptance ``rates`` and the last one's ESS per particle ``ess_share``."""
        remaining = max(0, self.simulations - spent)
        n_full = self.population_size
        if t < 0:  # the prior sample: one simulation a particle, all accepted
            n = min(n_full, remaining)
            return GenerationPlan(t, n_full, n, remaining, 1.0, float(n), "full" if n == n_full else "skipped")
        rate = predicted_rate(rates, self.first_rate)
        n = affordable_particles(remaining, rate, n_full)
        ess = n * ess_share
        status = "full" if n == n_full else ("shrunk" if ess >= self.min_ess and n > 0 else "skipped")
        return GenerationPlan(t, n_full, n, remaining, rate, ess, status)


class BudgetedPopulationSize(pyabc.populationstrategy.PopulationStrategy):
    """pyabc's population size, asked of ``planner(t)`` (the sampler's plan) before each generation; a
    skipped generation keeps its planned size (the sampler then returns a sample marked not usable)."""

    def __init__(self, planner: Callable[[int], GenerationPlan], population_size: int) -> None:
        super().__init__()
        self.planner = planner
        self.population_size = population_size

    def __call__(self, t: int | None = None) -> int:
        return max(1, int(self.planner(-1 if t is None else int(t)).particles))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "nr_particles": self.population_size}
