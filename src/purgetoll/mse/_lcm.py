"""LatentClass: the Bayesian latent-class model of Manrique-Vallier (2016), the LCMCR method.

A Dirichlet-process mixture (truncated at ``n_classes`` classes) of latent classes within which
lists capture independently; the unobserved cell is imputed by data augmentation (see
:mod:`._gibbs_kernel` for the model and the sampler). ``LatentClass(**options).fit(table)``
runs ``n_chains`` chains in parallel threads (the compiled sampler releases the GIL), each from
its own keyed random stream, and returns ``self`` with

* ``population_``: the posterior median of N; ``interval_``: its 2.5% and 97.5% quantiles;
  ``se_``: the posterior standard deviation (persons);
* ``draws_``: the pooled draws of N; ``chains_``: the draws by chain, shape (chains, draws);
  ``trace_``: one row per kept draw (chain, draw, N, alpha, occupied_classes) for trace plots;
* ``r_hat_`` (rank-normalised split R-hat) and ``ess_`` (bulk effective sample size) of N.

Defaults are those of LCMCR 0.4.14 and of the reference run in ``reference_outputs_computed.csv``:
K* = 10 classes, Gamma(0.25, 0.25) prior on the concentration, 10,000 sweeps of burn-in and
1,000 draws thinned by 100 (per chain here). The sampler is LCMCR's Gibbs sampler plus collapsed
Metropolis moves of each class's unobserved count and split-merge moves of classes
(``collapsed_moves``), which leave the posterior unchanged and let chains leave a minor mode that
plain Gibbs keeps for 10^5 sweeps (UK tables).

The sampler never caps N silently: draws of the unobserved count above ``max_missing`` are held
at the bound and reported with a :class:`PopulationBoundWarning`.
"""

from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from purgetoll.errors import StatisticalWarning
from purgetoll.mse._base import (
    SEED,
    Constraint,
    Estimator,
    Fit,
    InvalidParameterError,
    NotEstimable,
    is_int,
    is_real,
)
from purgetoll.mse._gibbs_diagnostics import ess_bulk, split_rhat
from purgetoll.mse._gibbs_kernel import run_chain
from purgetoll.mse._registry import register
from purgetoll.mse._rng import keyed_rng
from purgetoll.mse._table import CaptureTable, history_matrix

__all__ = ["LatentClass", "PopulationBoundWarning", "compress_histories"]

#: Default bound on the unobserved count, as a multiple of the number observed. A posterior that
#: reaches a thousand times the observed count says the lists cannot bound N at all.
DEFAULT_MISSING_MULTIPLE = 1000
#: R-hat above this gets a warning (Vehtari et al. 2021 recommend 1.01; MSE posteriors of N with
#: a few thousand draws rarely get there, so the warning is kept for clear failures).
RHAT_WARNING = 1.05


class PopulationBoundWarning(StatisticalWarning):
    """Draws of N reached the sampler's upper bound: the posterior is cut there."""


def compress_histories(
    counts: np.ndarray, n_lists: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The non-empty histories in the sampler's compressed form.

    Returns ``(offsets, lists, cell_counts)``: the lists (0-based) of non-empty history ``c`` are
    ``lists[offsets[c]:offsets[c + 1]]`` and ``cell_counts[c]`` people have it. ``counts`` is in
    the documented history order (first list varying slowest).
    """
    counts = np.asarray(counts, dtype=np.int64)
    patterns = history_matrix(n_lists)
    nonzero = np.flatnonzero(counts > 0)
    members = [np.flatnonzero(patterns[h]) for h in nonzero]
    offsets = np.zeros(len(nonzero) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(m) for m in members])
    lists = np.concatenate(members).astype(np.int64) if members else np.zeros(0, np.int64)
    return offsets, lists, counts[nonzero]


def _pos_int(v: Any) -> bool:
    return is_int(v) and v >= 1


class LatentClass(Estimator):
    """Bayesian latent-class model with a Dirichlet-process prior (Manrique-Vallier 2016; LCMCR).

    Parameters
    ----------
    n_classes:
        Truncation K* of the stick-breaking prior (LCMCR default 10). One class is the model of
        independent lists with Beta(1, 1) capture probabilities and the 1/N prior, whose
        posterior of N has a closed form (the tests check the sampler against it).
    alpha_shape, alpha_rate:
        Gamma prior (shape, rate) of the concentration (LCMCR default 0.25, 0.25).
    burn_in:
        Sweeps discarded per chain after the warm-up.
    n_draws:
        Draws kept per chain.
    thin:
        Sweeps per kept draw.
    n_chains:
        Independent chains (each from its own keyed stream; pooled for the estimate).
    n_jobs:
        Threads running chains at once; ``None`` means ``min(n_chains, cpu count)``. The result
        does not depend on it.
    warm_up:
        Sweeps from LCMCR's starting point with the concentration held small, before burn-in.
    max_missing:
        Bound on the unobserved count (persons); ``None`` means 1000 times the number observed.
    collapsed_moves:
        Rounds per sweep of Metropolis moves of each class's unobserved count with the capture
        probabilities and class weights integrated out (see :mod:`._gibbs_kernel`); when positive,
        split-merge moves of whole classes run too (:mod:`._gibbs_split_merge`). Both leave the
        posterior unchanged and let chains cross between modes that plain Gibbs (LCMCR's sampler,
        ``collapsed_moves=0``) leaves only after 10^5 sweeps or more, as on the UK tables.
    seed:
        Key of the random streams; the same seed gives the same draws bit for bit.
    """

    method: ClassVar[str] = "lcm"
    sampler: ClassVar[bool] = True
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "n_classes": Constraint("an integer >= 1", _pos_int),
        "alpha_shape": Constraint("a positive number", lambda v: is_real(v) and v > 0),
        "alpha_rate": Constraint("a positive number", lambda v: is_real(v) and v > 0),
        "burn_in": Constraint("an integer >= 0", lambda v: is_int(v) and v >= 0),
        "n_draws": Constraint("an integer >= 4", lambda v: is_int(v) and v >= 4),
        "thin": Constraint("an integer >= 1", _pos_int),
        "n_chains": Constraint("an integer >= 1", _pos_int),
        "n_jobs": Constraint("None or an integer >= 1", lambda v: v is None or _pos_int(v)),
        "warm_up": Constraint("an integer >= 0", lambda v: is_int(v) and v >= 0),
        "max_missing": Constraint("None or an integer >= 1", lambda v: v is None or _pos_int(v)),
        "collapsed_moves": Constraint("an integer >= 0", lambda v: is_int(v) and v >= 0),
        "seed": SEED,
    }

    def __init__(
        self,
        n_classes: int = 10,
        alpha_shape: float = 0.25,
        alpha_rate: float = 0.25,
        burn_in: int = 10000,
        n_draws: int = 1000,
        thin: int = 100,
        n_chains: int = 4,
        n_jobs: int | None = None,
        warm_up: int = 500,
        max_missing: int | None = None,
        collapsed_moves: int = 2,
        seed: int = 0,
    ) -> None:
        self.n_classes = n_classes
        self.alpha_shape = alpha_shape
        self.alpha_rate = alpha_rate
        self.burn_in = burn_in
        self.n_draws = n_draws
        self.thin = thin
        self.n_chains = n_chains
        self.n_jobs = n_jobs
        self.warm_up = warm_up
        self.max_missing = max_missing
        self.collapsed_moves = collapsed_moves
        self.seed = seed

    def method_label(self) -> str:
        return "lcm"

    def _work(self, table: CaptureTable) -> list[tuple[str, float, str]]:
        sweeps = self.n_chains * (self.warm_up + self.burn_in + self.n_draws * self.thin)
        return [("mse_sweeps", sweeps, "shorten burn_in, n_draws or thin, or run fewer chains")]

    def _fit(self, table: CaptureTable) -> Fit:
        n = int(table.n_observed)
        offsets, lists, cell_counts = compress_histories(table.counts, table.n_lists)
        bound = DEFAULT_MISSING_MULTIPLE * n if self.max_missing is None else int(self.max_missing)
        rngs = [keyed_rng(self.seed, "mse.lcm.chain", c) for c in range(self.n_chains)]

        def one(rng: np.random.Generator):
            return run_chain(
                offsets,
                lists,
                cell_counts,
                table.n_lists,
                int(self.n_classes),
                float(self.alpha_shape),
                float(self.alpha_rate),
                int(self.warm_up),
                int(self.burn_in),
                int(self.n_draws),
                int(self.thin),
                bound,
                rng,
                int(self.collapsed_moves),
            )

        jobs = min(self.n_chains, os.cpu_count() or 1) if self.n_jobs is None else self.n_jobs
        if jobs == 1 or self.n_chains == 1:
            results = [one(r) for r in rngs]
        else:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(one, rngs))
        chains = np.vstack([r[0] for r in results]).astype(np.float64)
        alphas = np.vstack([r[1] for r in results])
        occupied = np.vstack([r[2] for r in results])
        hits = int(sum(r[3] for r in results))
        sweeps = self.n_chains * (self.burn_in + self.n_draws * self.thin)
        if hits:
            warnings.warn(
                f"LatentClass on {table.source}: {hits} of {sweeps} sweeps drew more than "
                f"max_missing={bound} unobserved people and were held at that bound; the "
                "posterior of N is cut there and the estimate and upper limit are too low. "
                "Raise max_missing, or read this as: the lists cannot bound N.",
                PopulationBoundWarning,
                stacklevel=3,
            )
        pooled = chains.ravel()
        at_bound = int(np.sum(pooled >= n + bound))
        if at_bound:
            return Fit.none(NotEstimable(
                "does not exist",
                f"{at_bound} of {pooled.size} posterior draws of N reached the sampler's bound (max_missing="
                f"{bound} unobserved people): the lists do not bound N, and the posterior is the bound's, not "
                "the data's; raise max_missing to see whether it ever closes"), "latent classes",
                {"bound_hits": hits, "draws_at_bound": at_bound, "max_missing": bound})
        median, lower, upper = np.quantile(pooled, [0.5, 0.025, 0.975])
        r_hat = split_rhat(chains) if self.n_chains * self.n_draws >= 8 else float("nan")
        ess = ess_bulk(chains)
        if np.isfinite(r_hat) and r_hat > RHAT_WARNING:
            warnings.warn(
                f"LatentClass on {table.source}: R-hat of N is {r_hat:.3f} (> {RHAT_WARNING}); the "
                "chains disagree (the posterior may have several modes). Run longer chains "
                "(burn_in, n_draws) or more of them and compare.",
                StatisticalWarning,
                stacklevel=3,
            )
        diagnostics = {
            "posterior_mean": float(pooled.mean()),
            "chain_medians": [float(np.median(c)) for c in chains],
            "alpha_median": float(np.median(alphas)),
            "occupied_classes_median": float(np.median(occupied)),
            "bound_hits": hits,
            "max_missing": bound,
            "sweeps": sweeps,
            "n_classes": int(self.n_classes),
            "collapsed_moves": int(self.collapsed_moves),
        }
        self.chains_ = chains
        n_chains, n_draws = chains.shape
        self.trace_ = pd.DataFrame(
            {
                "chain": np.repeat(np.arange(n_chains), n_draws),
                "draw": np.tile(np.arange(n_draws), n_chains),
                "N": chains.ravel().astype(np.int64),
                "alpha": alphas.ravel(),
                "occupied_classes": occupied.ravel(),
            }
        )
        return Fit(
            estimate=float(median),
            se=float(pooled.std(ddof=1)),
            lower=float(lower),
            upper=float(upper),
            model=(
                f"latent classes, Dirichlet process (K*={self.n_classes}, alpha ~ "
                f"Gamma({self.alpha_shape:g}, {self.alpha_rate:g})); {self.n_chains} chains x "
                f"{self.n_draws} draws (burn-in {self.burn_in}, thin {self.thin}; "
                + (
                    f"{self.collapsed_moves} rounds of collapsed moves a sweep, split-merge moves)"
                    if self.collapsed_moves
                    else "plain Gibbs, as LCMCR)"
                )
            ),
            diagnostics=diagnostics,
            draws=pooled,
            ess=ess,
            r_hat=r_hat,
            interval_method=f"posterior 2.5% and 97.5% quantiles of {pooled.size} draws ({self.n_chains} chains; "
                            f"effective sample size {ess:.0f})",
            interval_draws=float(ess) if np.isfinite(ess) else 0.0,
        )


def _lcm_factory(spec: str | None, seed: int) -> LatentClass:
    if spec is None:
        return LatentClass(seed=seed)
    key, _, value = spec.partition("=")
    if key != "classes" or not value.isdigit() or int(value) < 1:
        raise InvalidParameterError(
            f"unknown option 'lcm:{spec}'; the lcm method takes 'lcm' or 'lcm:classes=<integer >= 1>'"
        )
    return LatentClass(n_classes=int(value), seed=seed)


register(
    "lcm",
    _lcm_factory,
    description="Bayesian latent-class model, Dirichlet-process mixture (LCMCR; K*=10, Gibbs)",
)
