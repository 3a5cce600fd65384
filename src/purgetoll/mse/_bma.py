"""BMA: Bayesian model averaging over decomposable graphical models (the dga method).

The estimator wraps the pure mathematics of :mod:`._bma_math` (Madigan & York 1997; R package dga
2.0.2) in the shared contract: ``BMA(**options).fit(table)`` returns ``self``; ``population_`` is
the posterior median of N, ``interval_`` its 2.5% and 97.5% posterior quantiles, ``se_`` the
posterior standard deviation (persons).

Defaults reproduce dga's recommended settings and the reference run of
``reference_outputs_computed.csv``: prior count ``delta = 2^-K`` per cell (one pseudo-person
in all), prior 1/N on N, every decomposable graph equally likely a priori, and the grid of
unobserved counts ``N0 = 0, 1, ..., 15 n`` (n observed). With that grid the posterior medians and
quantiles of dga's reference run are reproduced to the person on all seven reference tables.

``delta = 1`` (Madigan & York's original choice) puts 2^K pseudo-people in the table; on large,
sparse tables they fill the empty cells, the saturated graph wins and the estimate collapses onto
the observed count (UK five lists: 2,806 against 22,987 with the default; see
:mod:`._bma_math`); keep the default unless reproducing Madigan & York.

The posterior is exact on the grid (no Monte Carlo): ``ess`` and ``r_hat`` in the summary are NaN.
``draws_`` holds draws of N from the grid posterior (keyed by ``seed``) so that strata can be
combined by summing draws.
"""

from __future__ import annotations

import warnings
from itertools import combinations
from typing import ClassVar

import numpy as np
import pandas as pd

from purgetoll.errors import StatisticalWarning
from purgetoll.mse._base import (
    SEED,
    Constraint,
    Estimator,
    Fit,
    InvalidParameterError,
    is_int,
    is_real,
)
from purgetoll.mse._bma_math import bma_posterior, graph_posterior_n, posterior_quantile
from purgetoll.mse._decomposable import MAX_LISTS_ENUMERATED, decomposable_graphs
from purgetoll.mse._registry import register
from purgetoll.mse._rng import keyed_rng
from purgetoll.mse._table import CaptureTable, history_matrix

__all__ = ["BMA", "GridTruncationWarning", "ListOverlapWarning"]

#: The default grid reaches ``DEFAULT_GRID_MULTIPLE`` times the observed count: the grid of the
#: dga reference run (found by matching its quantiles on seven tables; see the module docstring).
DEFAULT_GRID_MULTIPLE = 15
#: Warn when the top tenth of the grid holds more posterior probability than this.
TAIL_MASS_WARNING = 0.01


class ListOverlapWarning(StatisticalWarning):
    """Two lists share no individual: their dependence is not identified by the data."""


class GridTruncationWarning(StatisticalWarning):
    """The posterior of N has real mass near the end of the grid: the estimate depends on it."""


def _prior_ok(value: object) -> bool:
    return value in ("inverse", "uniform")


class BMA(Estimator):
    """Bayesian model averaging over decomposable graphical models (Madigan & York 1997; dga).

    Parameters
    ----------
    delta:
        Hyper-Dirichlet prior count per cell of the full 2^K table; ``None`` means 2^-K.
    prior_n:
        ``"inverse"`` (p(N) proportional to 1/N) or ``"uniform"`` on the grid.
    max_missing:
        Largest number of unobserved people on the grid (persons); ``None`` means
        :data:`DEFAULT_GRID_MULTIPLE` times the number observed. The grid is every integer from 0 to ``max_missing``.
    n_draws:
        Draws of N taken from the grid posterior for ``draws_`` (used to combine strata).
    seed:
        Key of the random stream of those draws (the estimate itself is exact).
    """

    method: ClassVar[str] = "bma"
    sampler: ClassVar[bool] = True
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "delta": Constraint(
            "None or a positive number", lambda v: v is None or (is_real(v) and v > 0)
        ),
        "prior_n": Constraint("'inverse' or 'uniform'", _prior_ok),
        "max_missing": Constraint(
            "None or an integer >= 1", lambda v: v is None or (is_int(v) and v >= 1)
        ),
        "n_draws": Constraint("an integer >= 0", lambda v: is_int(v) and v >= 0),
        "seed": SEED,
    }

    def __init__(
        self,
        delta: float | None = None,
        prior_n: str = "inverse",
        max_missing: int | None = None,
        n_draws: int = 10000,
        seed: int = 0,
    ) -> None:
        self.delta = delta
        self.prior_n = prior_n
        self.max_missing = max_missing
        self.n_draws = n_draws
        self.seed = seed

    def _grid_top(self, table: CaptureTable) -> int:
        return DEFAULT_GRID_MULTIPLE * table.n_observed if self.max_missing is None else int(self.max_missing)

    def _work(self, table: CaptureTable) -> list[tuple[str, float, str]]:
        if table.n_lists > MAX_LISTS_ENUMERATED:
            return []  # refused in _fit with its own message
        graphs = len(decomposable_graphs(table.n_lists))
        return [("mse_grid", graphs * (self._grid_top(table) + 1), "lower max_missing or merge lists")]

    def _fit(self, table: CaptureTable) -> Fit:
        k = table.n_lists
        if k > MAX_LISTS_ENUMERATED:
            raise InvalidParameterError(
                f"BMA on {table.source}: averaging over all decomposable graphs is limited to "
                f"{MAX_LISTS_ENUMERATED} lists; the table has {k} ({', '.join(table.lists)}). "
                "Merge or drop lists, or use the 'lcm' method."
            )
        y = table.counts.astype(np.float64)
        _warn_no_overlap(table)
        delta = 2.0**-k if self.delta is None else float(self.delta)
        top = self._grid_top(table)
        grid = np.arange(0, top + 1, dtype=np.float64)
        post = bma_posterior(y, grid, delta, prior_n=self.prior_n)
        values, probs = post.n_total, post.posterior_n
        median, lower, upper = posterior_quantile(values, probs, np.array([0.5, 0.025, 0.975]))
        mean = float(np.sum(values * probs))
        sd = float(np.sqrt(max(np.sum(probs * (values - mean) ** 2), 0.0)))
        tail = float(probs[int(0.9 * len(probs)) :].sum())
        if tail > TAIL_MASS_WARNING:
            warnings.warn(
                f"BMA on {table.source}: {tail:.1%} of the posterior of N lies in the top tenth "
                f"of the grid (N0 up to {top}); the estimate depends on where the grid ends. "
                "Raise max_missing to see how far.",
                GridTruncationWarning,
                stacklevel=3,
            )
        order = np.argsort(-post.model_weights, kind="stable")
        labels = [post.graphs[i].label(table.lists) for i in order]
        self.model_weights_ = pd.DataFrame({"model": labels, "weight": post.model_weights[order]})
        self.posterior_n_ = pd.DataFrame({"N": values.astype(np.int64), "probability": probs})
        best = post.graphs[order[0]]
        best_post = graph_posterior_n(y, grid, best, delta, prior_n=self.prior_n)
        draws = None
        if self.n_draws > 0:
            rng = keyed_rng(self.seed, "mse.bma.draws", table.source)
            draws = rng.choice(values, size=self.n_draws, p=probs)
        diagnostics = {
            "posterior_mean": mean,
            "posterior_mode": float(values[np.argmax(probs)]),
            # Bayes estimates under (N - a)^2 / N^2 (minimiser E[1/N] / E[1/N^2]) and under
            # (N - a)^2 / N (minimiser 1 / E[1/N]), the losses Madigan & York discuss.
            "bayes_relative_squared_loss": float(
                np.sum(probs / values) / np.sum(probs / values**2)
            ),
            "bayes_squared_over_n_loss": float(1.0 / np.sum(probs / values)),
            "top_model": labels[0],
            "top_model_weight": float(post.model_weights[order[0]]),
            "top_model_mode": float(values[np.argmax(best_post)]),
            "n_models": len(post.graphs),
            "delta": delta,
            "prior_n": self.prior_n,
            "max_missing": top,
            "tail_mass_top_tenth": tail,
            "model_weights": dict(
                zip(labels[:10], map(float, post.model_weights[order[:10]]), strict=True)
            ),
        }
        return Fit(
            estimate=float(median),
            se=sd,
            lower=float(lower),
            upper=float(upper),
            model=f"average over {len(post.graphs)} decomposable graphs (top {labels[0]}, "
            f"weight {post.model_weights[order[0]]:.2f}); delta={delta:g}, prior 1/N"
            if self.prior_n == "inverse"
            else f"average over {len(post.graphs)} decomposable graphs (top {labels[0]}); "
            f"delta={delta:g}, uniform prior on N",
            diagnostics=diagnostics,
            draws=draws,
            ess=None,
            r_hat=None,
            interval_method=f"posterior 2.5% and 97.5% quantiles, exact on the grid of N0 = 0..{top}",
        )


def _warn_no_overlap(table: CaptureTable) -> None:
    """Warn (ListOverlapWarning) for every pair of lists that share nobody."""
    patterns = history_matrix(table.n_lists)
    counts = table.counts
    pairs = []
    for i, j in combinations(range(table.n_lists), 2):
        both = counts[(patterns[:, i] == 1) & (patterns[:, j] == 1)].sum()
        if both == 0:
            pairs.append(f"{table.lists[i]} & {table.lists[j]}")
    if pairs:
        warnings.warn(
            f"BMA on {table.source}: these lists share no individual: {', '.join(pairs)}. "
            "Their dependence is not identified by the data, only by the prior; the estimate "
            "may be unstable.",
            ListOverlapWarning,
            stacklevel=4,
        )


def _bma_factory(spec: str | None, seed: int) -> BMA:
    if spec is None:
        return BMA(seed=seed)
    key, _, value = spec.partition("=")
    if key != "delta" or not value:
        raise InvalidParameterError(
            f"unknown option 'bma:{spec}'; the bma method takes 'bma' or 'bma:delta=<number>'"
        )
    try:
        delta = float(value)
    except ValueError:
        raise InvalidParameterError(
            f"'bma:{spec}': delta must be a positive number; got {value!r}"
        ) from None
    return BMA(delta=delta, seed=seed)


register(
    "bma",
    _bma_factory,
    description="Bayesian model averaging over decomposable graphical models (dga; delta=2^-K, prior 1/N)",
)
