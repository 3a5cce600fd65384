"""The calibration: ABC-SMC (pyabc) of a simulator's parameters against the archive.

    cal = Calibration(ToyMachine(), statistics=table, scale=0.001, simulations=5000, seed=1)
    cal.fit(mapper)              # returns self; mapper: serial_map or a DaskMapper
    cal.summary()                # parameters: weighted median, 95% interval, ESS
    cal.posterior_               # particles: one row each, parameter values and weight
    cal.generations_             # size, status, tolerance, simulations, acceptance rate, ESS per generation
    cal.simulations_             # simulations made, noise replicates included: at most ``simulations``
    cal.stopped_because_         # why the fit stopped; cal.budget_notes_: what the budget did to generations

What ``fit`` does, in order:

1. checks the settings (every problem at once, :class:`~purgetoll.errors.ScenarioError`) and the
   statistics table;
2. runs ``noise_replicates`` simulations at the simulator's reference values
   (:func:`~purgetoll.calibrate.noise.monte_carlo_noise`): the Monte Carlo sd of each statistic
   at the calibration's scale, and a check that the simulator produces every statistic;
3. ABC-SMC with pyabc: the prior (:mod:`~purgetoll.calibrate.priors`), the weighted distance
   (:mod:`~purgetoll.calibrate.distance`) over the ``fit`` statistics, tolerances at the
   ``epsilon_quantile`` of the previous generation's distances, proposals from one normal fitted to
   the previous generation on the logit scale and, for the parameters the archive says little
   about, from the prior (:mod:`~purgetoll.calibrate.transitions`), and
   the keyed static sampler (:mod:`~purgetoll.calibrate.sampler`), until the budget allows no
   generation of at least ``min_ess`` effective particles, ``max_generations`` have run, or the
   acceptance rate falls below ``min_acceptance_rate``.

The budget ``simulations`` is kept: the calibration makes at most that many simulations in all (the
noise replicates, the prior sample and the generations; no overshoot). Each generation is planned
before it runs (:mod:`~purgetoll.calibrate.budget`): ``population_size`` particles if its cost at a
pessimistic predicted acceptance rate fits in what is left, else shrunk to what fits, else (fewer than
``min_ess`` effective particles) skipped; a generation that still runs out is discarded. Every shrunk,
skipped or discarded generation is stated: ``generations_["status"]``, :attr:`Calibration.budget_notes_`
and ``stopped_because_``.

Everything random is keyed by ``seed`` (:mod:`~purgetoll.calibrate.keys`): the same settings give
the same posterior, bit for bit, whatever the mapper and its number of workers.
"""

from __future__ import annotations

import logging
import math
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyabc

from purgetoll.calibrate.budget import STATUSES, Budget, BudgetedPopulationSize, smallest_budget
from purgetoll.calibrate.distance import WeightedDistance
from purgetoll.calibrate.keys import derive_seed, seed_words
from purgetoll.calibrate.noise import MIN_REPLICATES, monte_carlo_noise
from purgetoll.calibrate.priors import Prior, check_priors, internal_names, pyabc_prior
from purgetoll.calibrate.sampler import GenerationRecord, KeyedMappingSampler, Mapper, serial_map
from purgetoll.calibrate.simulator import Model, Simulator
from purgetoll.calibrate.statistics import archive_statistics, check_statistics
from purgetoll.calibrate.transitions import KERNELS, make_transition
from purgetoll.errors import ConvergenceError, ScenarioError
from purgetoll.intervals import MIN_DRAWS_QUANTILE, quantile_interval
from purgetoll.limits import LIMITS, check, limit_value

__all__ = ["Calibration", "SUMMARY_COLUMNS", "CALIBRATE_LIMITS", "GENERATION_COLUMNS", "STATUSES"]

SUMMARY_COLUMNS = ("parameter", "estimate", "lower_95", "upper_95", "sd", "ess", "method", "unit", "prior_low",
                   "prior_high", "prior_scale", "source", "assumption")
#: The declared limits (:mod:`purgetoll.limits`) a calibration keeps, checked before any work.
CALIBRATE_LIMITS = ("calibrate_simulations", "calibrate_scale")
#: ``Calibration.generations_``: one row per generation (-1: the prior sample); ``requested`` is
#: population_size, ``particles`` those run (planned, for a skipped one), ``status`` a key of
#: :data:`purgetoll.calibrate.budget.STATUSES`.
GENERATION_COLUMNS = ("generation", "requested", "particles", "simulations", "completed", "status", "epsilon",
                      "acceptance_rate", "ess")


def _ess(w: np.ndarray) -> float:
    w = np.asarray(w, dtype=float)
    return float(w.sum() ** 2 / np.square(w).sum()) if w.size and w.sum() > 0 else 0.0


class Calibration:
    """ABC-SMC calibration of ``simulator`` against ``statistics`` (see the module docstring).

    Parameters
    ----------
    simulator:
        A :class:`~purgetoll.calibrate.simulator.Simulator`.
    priors:
        The parameters to calibrate (default: ``simulator.priors()``).
    statistics:
        The archival statistics (default: :func:`~purgetoll.calibrate.statistics.archive_statistics`);
        rows with ``role == "fit"`` enter the distance, the others are only checked afterwards.
    scale:
        Agents per person of every simulation, in (0, 1] and at most the limit ``calibrate_scale``.
    simulations:
        The budget: the most simulations the calibration makes, noise replicates, prior sample and
        generations together (at most the limit ``calibrate_simulations``); generations are sized or
        skipped to keep it (module docstring).
    population_size:
        Particles per generation (an interval needs about 200 effective particles; see
        :mod:`purgetoll.intervals`).
    seed:
        The calibration's seed, in [0, 2**63).
    noise_replicates:
        Runs at the reference point that measure the Monte Carlo noise (at least 3).
    reference_values:
        Where to measure the noise (default: ``simulator.reference_values()``).
    epsilon_quantile:
        Each generation's tolerance is this quantile of the previous generation's distances.
    min_acceptance_rate:
        Stop when a generation's acceptance rate falls below this.
    min_ess:
        The fewest effective particles a generation shrunk for the budget may have; one that would have
        fewer is not run (default: the smaller of the 200 effective draws an interval needs,
        :data:`purgetoll.intervals.MIN_DRAWS_QUANTILE`, and half of ``population_size``).
    max_generations:
        Stop after this many generations.
    max_attempts:
        Simulations a particle's task may make before the generation is abandoned (default
        ``ceil(10 / min_acceptance_rate)``).
    kernel:
        How the next generation is proposed (:data:`purgetoll.calibrate.transitions.KERNELS`).
    refreshed:
        Parameters drawn afresh from their prior in every generation instead of by the kernel (default:
        the simulator's ``refreshed()``, if it has one): those the archive says little about
        (:mod:`purgetoll.calibrate.transitions`).
    limits:
        Declared limits raised, ``{"calibrate_scale": 0.05}`` (:mod:`purgetoll.limits`).
    """

    def __init__(self, simulator: Simulator, priors: Sequence[Prior] | None = None,
                 statistics: pd.DataFrame | None = None, *, scale: float = 0.001, simulations: int = 5000,
                 population_size: int = 400, seed: int = 0, noise_replicates: int = 20,
                 reference_values: dict[str, float] | None = None, epsilon_quantile: float = 0.3,
                 min_acceptance_rate: float = 0.01, min_ess: int | None = None, max_generations: int = 30,
                 max_attempts: int | None = None,
                 kernel: str = "independent_normal", refreshed: Sequence[str] | None = None,
                 limits: dict[str, float] | None = None) -> None:
        self.simulator = simulator
        self.priors = priors
        self.statistics = statistics
        self.scale = scale
        self.simulations = simulations
        self.population_size = population_size
        self.seed = seed
        self.noise_replicates = noise_replicates
        self.reference_values = reference_values
        self.epsilon_quantile = epsilon_quantile
        self.min_acceptance_rate = min_acceptance_rate
        self.min_ess = min_ess
        self.max_generations = max_generations
        self.max_attempts = max_attempts
        self.kernel = kernel
        self.refreshed = refreshed
        self.limits = limits

    # -- settings ---------------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        """The settings as a JSON-able dict (for the manifest)."""
        return {"scale": self.scale, "simulations": self.simulations, "population_size": self.population_size,
                "seed": self.seed, "noise_replicates": self.noise_replicates,
                "epsilon_quantile": self.epsilon_quantile, "min_acceptance_rate": self.min_acceptance_rate,
                "min_ess": self._min_ess(),
                "max_generations": self.max_generations, "max_attempts": self._max_attempts(), "kernel": self.kernel,
                "refreshed": list(self._refreshed()),
                "limits": {name: limit_value(name, self.limits) for name in CALIBRATE_LIMITS}}

    def _refreshed(self) -> list[str]:
        if self.refreshed is not None:
            return list(self.refreshed)
        default = getattr(self.simulator, "refreshed", None)
        return list(default()) if callable(default) else []

    def _min_ess(self) -> int:
        if self.min_ess is not None:
            return self.min_ess
        return min(MIN_DRAWS_QUANTILE, self.population_size // 2) if isinstance(self.population_size, int) else 1

    def _max_attempts(self) -> int:
        if self.max_attempts is not None:
            return self.max_attempts
        rate = self.min_acceptance_rate if isinstance(self.min_acceptance_rate, int | float) else 0.01
        return max(1, math.ceil(10 / max(rate, 1e-6)))

    def check_settings(self) -> None:
        """Every problem with the settings, at once, in one ScenarioError naming each setting; then the
        declared limits (:class:`~purgetoll.errors.LimitError` naming the limit and how to raise it)."""
        p: list[str] = []

        def number(x: Any) -> bool:
            return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)

        def integer(x: Any) -> bool:
            return isinstance(x, int | np.integer) and not isinstance(x, bool)

        if not (number(self.scale) and 0 < self.scale <= 1):
            p.append(f"scale must be in (0, 1] (agents per person); got {self.scale!r}")
        if not (integer(self.population_size) and self.population_size >= 10):
            p.append(f"population_size must be an integer >= 10; got {self.population_size!r}")
        if not (integer(self.simulations) and self.simulations >= 1):
            p.append(f"simulations must be a positive integer; got {self.simulations!r}")
        if self.min_ess is not None and not (integer(self.min_ess) and self.min_ess >= 1):
            p.append(f"min_ess must be an integer >= 1; got {self.min_ess!r}")
        if not (integer(self.seed) and 0 <= self.seed < 2**63):
            p.append(f"seed must be an integer in [0, 2**63); got {self.seed!r}")
        if not (integer(self.noise_replicates) and self.noise_replicates >= MIN_REPLICATES):
            p.append(f"noise_replicates must be an integer >= {MIN_REPLICATES}; got {self.noise_replicates!r}")
        if not (number(self.epsilon_quantile) and 0 < self.epsilon_quantile < 1):
            p.append(f"epsilon_quantile must be in (0, 1); got {self.epsilon_quantile!r}")
        if not (number(self.min_acceptance_rate) and 0 < self.min_acceptance_rate < 1):
            p.append(f"min_acceptance_rate must be in (0, 1); got {self.min_acceptance_rate!r}")
        if not (integer(self.max_generations) and self.max_generations >= 1):
            p.append(f"max_generations must be an integer >= 1; got {self.max_generations!r}")
        if self.kernel not in KERNELS:
            p.append(f"kernel must be one of {', '.join(KERNELS)}; got {self.kernel!r}")
        if self.max_attempts is not None and not (integer(self.max_attempts) and self.max_attempts >= 1):
            p.append(f"max_attempts must be an integer >= 1; got {self.max_attempts!r}")
        p.extend(self._budget_problems())
        unknown = sorted(set(self.limits or {}) - set(LIMITS))
        if unknown:
            p.append(f"limits: unknown limit(s) {', '.join(map(repr, unknown))} (declared: {', '.join(LIMITS)})")
        if p:
            raise ScenarioError("calibration settings", p)
        job = f"calibration of {self.simulations:,} simulations at scale {self.scale:g}"
        check("calibrate_scale", self.scale, self.limits, job=job, advice="use a smaller scale (--scale)")
        check("calibrate_simulations", self.simulations, self.limits, job=job,
              advice="give a smaller budget (--simulations)")

    def _budget_problems(self) -> list[str]:
        """The budget too small for a first generation of ``min_ess`` particles (when the settings it
        depends on are valid)."""
        names = (self.simulations, self.population_size, self.noise_replicates, self._min_ess())
        if not all(isinstance(x, int | np.integer) and not isinstance(x, bool) and x >= 1 for x in names) or \
                not (isinstance(self.epsilon_quantile, float) and 0 < self.epsilon_quantile < 1):
            return []
        need = smallest_budget(self.noise_replicates, self.population_size, self._min_ess(), self.epsilon_quantile)
        if self.simulations >= need:
            return []
        return [f"simulations ({self.simulations}) must be at least {need}: the noise replicates "
                f"({self.noise_replicates}), the prior sample ({self.population_size}) and a first generation of "
                f"min_ess ({self._min_ess()}) particles at its expected acceptance rate (epsilon_quantile "
                f"{self.epsilon_quantile:g}) with room for chance"]

    def _budget(self) -> Budget:
        return Budget(int(self.simulations) - int(self.noise_replicates), int(self.population_size), self._min_ess(),
                      float(self.epsilon_quantile))

    # -- fitting ----------------------------------------------------------------------------------
    def fit(self, mapper: Mapper = serial_map, on_stage: Callable[[str, int, int], None] | None = None) -> Calibration:
        """Run the calibration (see the module docstring); returns self.

        ``mapper`` runs the simulations (:func:`~purgetoll.calibrate.sampler.serial_map`, or a
        :class:`~purgetoll.ensemble.DaskMapper`); it changes how fast, never what.
        ``on_stage(stage, generation, particles)`` is told when each stage starts (progress).
        """
        self.check_settings()
        priors = check_priors(list(self.priors) if self.priors is not None else self.simulator.priors())
        stats = self.statistics if self.statistics is not None else archive_statistics()
        stats = check_statistics(stats.reset_index(drop=True).copy(), "statistics")
        fit_rows = stats[stats["role"] == "fit"]
        if fit_rows.empty:
            raise ScenarioError("statistics", ["no statistic has role 'fit': nothing to calibrate against"])
        names = list(stats["name"])
        fit_names = list(fit_rows["name"])
        started = time.time()

        # 2. Monte Carlo noise at the reference point (and every statistic produced?)
        reference = dict(self.reference_values) if self.reference_values is not None else \
            self.simulator.reference_values()
        if on_stage:
            on_stage("noise", -2, self.noise_replicates)
        t0 = time.perf_counter()
        held_names = [n for n in names if n not in fit_names]
        noise = monte_carlo_noise(self.simulator, reference, fit_names, scale=self.scale, seed=self.seed,
                                  replicates=self.noise_replicates, mapper=mapper, optional=held_names)
        noise_seconds = time.perf_counter() - t0
        noise = noise.set_index("name").loc[names]
        stats["sd_archive"] = stats["sd"].astype(float)
        stats["sd_mc"] = noise["sd"].to_numpy(float)
        stats["mean_at_reference"] = noise["mean"].to_numpy(float)
        stats["produced"] = noise["produced"].to_numpy(bool)
        bad = [n for n, v in zip(fit_names, stats.loc[stats["role"] == "fit", "sd_mc"], strict=True)
               if not np.isfinite(v)]
        if bad:
            raise ScenarioError("statistics", [f"{n}: fewer than two of the replicates at the reference point gave a "
                                               "number (its Monte Carlo noise cannot be measured); a fitted "
                                               "statistic must be computable there" for n in bad])
        sd_mc = np.nan_to_num(stats["sd_mc"].to_numpy(float), nan=0.0)
        stats["sd_total"] = np.sqrt(stats["sd_archive"].to_numpy(float) ** 2 + sd_mc ** 2)
        is_fit = (stats["role"] == "fit").to_numpy()
        distance = WeightedDistance(fit_names, stats.loc[is_fit, "sd_total"].to_numpy(float))
        observed = {n: float(v) for n, v in zip(fit_rows["name"], fit_rows["value"], strict=True)}

        # 3. ABC-SMC
        def stage(t: int, n: int) -> None:
            if on_stage:
                on_stage("prior sample" if t < 0 else f"generation {t}", t, n)

        sampler = KeyedMappingSampler(self.seed, mapper, self._max_attempts(), on_generation=stage,
                                      budget=self._budget())
        keys = internal_names(priors)
        refreshed = set(self._refreshed())
        unknown = sorted(refreshed - {p.name for p in priors})
        if unknown:
            raise ScenarioError("calibration settings", [f"refreshed names {unknown}, which are not calibrated "
                                                         f"parameters ({', '.join(p.name for p in priors)})"])
        model = Model(self.simulator, priors, self.scale, fit_names)
        logger = logging.getLogger("ABC")
        level = logger.level
        logger.setLevel(logging.WARNING)
        state = np.random.get_state()  # noqa: NPY002 - pyabc draws from NumPy's global generator
        np.random.seed(seed_words(self.seed, "main"))  # noqa: NPY002 - pyabc draws from NumPy's global generator
        try:
            abc = pyabc.ABCSMC(model, pyabc_prior(priors), distance,
                               population_size=BudgetedPopulationSize(sampler.plan, int(self.population_size)),
                               sampler=sampler, eps=pyabc.QuantileEpsilon(alpha=float(self.epsilon_quantile)),
                               transitions=make_transition(self.kernel, [k for k, p in zip(keys, priors, strict=True)
                                                                         if p.name not in refreshed],
                                                           [k for k, p in zip(keys, priors, strict=True)
                                                            if p.name in refreshed]))
            with tempfile.TemporaryDirectory(prefix="purgetoll-calibrate-") as tmp:
                abc.new(f"sqlite:///{Path(tmp) / 'abc.db'}", observed)
                # the sampler keeps the budget (pyabc's max_total_nr_simulations is only checked between
                # generations, after the one that crosses it has run to completion)
                history = abc.run(max_nr_populations=int(self.max_generations),
                                  min_acceptance_rate=float(self.min_acceptance_rate))
                self._read_history(history, priors, sampler)
        finally:
            np.random.set_state(state)  # noqa: NPY002 - pyabc draws from NumPy's global generator
            logger.setLevel(level)

        self.priors_ = priors
        self.statistics_ = stats
        self.reference_values_ = reference
        self.noise_seconds_ = noise_seconds
        self.seconds_ = time.time() - started
        self.simulations_ = sampler.simulations + self.noise_replicates
        self.budget_notes_ = [note for note in map(self._budget_note, sampler.records) if note]
        self.stopped_because_ = self._why_stopped(sampler)
        return self

    def _read_history(self, history: pyabc.History, priors: list[Prior], sampler: KeyedMappingSampler) -> None:
        keys = internal_names(priors)
        pops = history.get_all_populations()
        self.generation_seconds_: dict[int, float] = {}
        rows = []
        for rec in sampler.records:
            row = {"generation": rec.t, "requested": rec.requested, "particles": rec.particles,
                   "simulations": rec.simulations, "completed": rec.completed, "status": rec.status,
                   "epsilon": math.inf if rec.t < 0 else math.nan,
                   "acceptance_rate": rec.particles / rec.simulations if rec.completed and rec.simulations else math.nan,
                   "ess": math.nan}
            hit = pops[pops["t"] == rec.t]
            if rec.t >= 0 and rec.completed and not hit.empty:
                row["epsilon"] = float(hit["epsilon"].iloc[0])
                self.generation_seconds_[int(rec.t)] = float(hit["wall_time"].iloc[0]) if "wall_time" in hit \
                    else math.nan
                _, w = history.get_distribution(m=0, t=rec.t)
                row["ess"] = _ess(w)
            rows.append(row)
        self.generations_ = pd.DataFrame(rows, columns=list(GENERATION_COLUMNS))
        t_last = int(history.max_t)
        if t_last < 0:
            first = sampler.records[-1]
            if first.status != "abandoned":
                raise ConvergenceError(f"the calibration completed no generation: {self._budget_note(first)}. "
                                       "Give a larger budget (simulations) or a smaller population_size")
            raise ConvergenceError("the calibration completed no generation: the first was abandoned when a "
                                   f"particle found no acceptance in {self._max_attempts()} simulations. Check: "
                                   "max_attempts (or min_acceptance_rate) too strict; a fitted statistic the model "
                                   "cannot reach within the priors (see statistics_'s mean_at_reference); an "
                                   "archival sd too small")
        df, w = history.get_distribution(m=0, t=t_last)
        dist = history.get_weighted_distances(t=t_last)
        post = pd.DataFrame({"particle": np.arange(len(df))})
        for k, p in zip(keys, priors, strict=True):
            post[p.name] = [p.to_value(x) for x in df[k].to_numpy(float)]
        post["weight"] = np.asarray(w, dtype=float) / np.sum(w)
        post["distance"] = dist["distance"].to_numpy(float)
        # particles in a canonical order (by their values), so the table is the same bit for bit
        order = np.lexsort([post[p.name].to_numpy() for p in reversed(priors)])
        post = post.iloc[order].reset_index(drop=True)
        post["particle"] = np.arange(len(post))
        self.posterior_ = post
        self.generation_ = t_last

    def _budget_note(self, rec: GenerationRecord) -> str:
        """What the budget did to generation ``rec`` ('' when it ran in full or was abandoned)."""
        plan = rec.plan
        if plan is None or rec.status in ("full", "abandoned"):
            return ""
        at = (f"the {plan.remaining:,} simulations left of the budget of {self.simulations:,} allowed "
              f"{plan.particles} particles at its predicted acceptance rate {plan.rate:.3g}")
        if rec.status == "shrunk":
            return f"generation {rec.t} was shrunk from {rec.requested} to {rec.particles} particles: {at}"
        if rec.status == "skipped":
            return (f"generation {rec.t} was not run: {at}, about {plan.ess:.0f} effective, fewer than min_ess "
                    f"({self._min_ess()})")
        if rec.status == "low_ess":
            return (f"generation {rec.t}, shrunk to {rec.particles} particles ({at}), was discarded: its ESS "
                    f"{rec.ess:.0f} is below min_ess ({self._min_ess()}); its {rec.simulations:,} simulations are "
                    "counted")
        return (f"generation {rec.t} ran out of the budget of {self.simulations:,} simulations with {rec.accepted} of "
                f"its {rec.particles} particles accepted (its acceptance rate fell below the predicted "
                f"{plan.rate:.3g}) and was discarded; its {rec.simulations:,} simulations are counted")

    def _why_stopped(self, sampler: KeyedMappingSampler) -> str:
        """Why the fit stopped; a stop for the budget starts with "the budget of N simulations"."""
        last = sampler.records[-1] if sampler.records else None
        posterior = f"the posterior is generation {self.generation_}'s"
        if last is not None and last.status == "abandoned":
            return (f"generation {last.t} was abandoned: a particle found no acceptance in {self._max_attempts()} "
                    f"simulations (acceptance rate below about {1 / self._max_attempts():.2%}); {posterior}")
        if last is not None and not last.completed:
            return (f"the budget of {self.simulations:,} simulations ({self.simulations_:,} made): "
                    f"{self._budget_note(last)}; {posterior}")
        g = self.generations_
        done = g[g["completed"]]
        if int((done["generation"] >= 0).sum()) >= int(self.max_generations):
            return f"max_generations ({self.max_generations}) generations ran"
        rate = done["acceptance_rate"].iloc[-1] if len(done) else math.nan
        if rate < self.min_acceptance_rate:
            return f"the acceptance rate {rate:.3%} fell below min_acceptance_rate {self.min_acceptance_rate:.3%}"
        return "pyabc's stopping rule"

    # -- results ----------------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "posterior_"):
            raise RuntimeError("this Calibration is not fitted yet: call fit() first")

    def summary(self) -> pd.DataFrame:
        """One row per parameter: weighted median, 95% interval (quantiles of the weighted particles,
        only from at least 200 effective particles: :func:`purgetoll.intervals.quantile_interval`),
        weighted sd, ESS, the rule, unit and prior."""
        self._check_fitted()
        post = self.posterior_
        w = post["weight"].to_numpy(float)
        rows = []
        for p in self.priors_:
            x = post[p.name].to_numpy(float)
            iv = quantile_interval(x, w)
            mean = float(np.sum(w * x) / w.sum())
            sd = float(np.sqrt(np.sum(w * (x - mean) ** 2) / w.sum()))
            rows.append({"parameter": p.name, "estimate": iv.estimate, "lower_95": iv.lower, "upper_95": iv.upper,
                         "sd": sd, "ess": iv.n_draws, "method": f"ABC-SMC posterior; {iv.describe()}",
                         "unit": p.unit, "prior_low": p.low, "prior_high": p.high, "prior_scale": p.scale,
                         "source": p.source, "assumption": p.assumption})
        return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))

    def resample(self, n: int, seed_key: str = "resample") -> np.ndarray:
        """``n`` particle indices drawn by weight (systematic resampling, keyed by the seed)."""
        self._check_fitted()
        w = self.posterior_["weight"].to_numpy(float)
        rng = np.random.default_rng(seed_words(self.seed, seed_key, n))
        positions = (rng.uniform() + np.arange(n)) / n
        idx = np.searchsorted(np.cumsum(w / w.sum()), positions, side="right")
        return np.minimum(idx, len(w) - 1)

    def draw_seed(self, j: int) -> int:
        """The seed of posterior predictive draw ``j``."""
        return derive_seed(self.seed, "predictive", j)
