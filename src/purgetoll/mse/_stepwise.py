"""Sparse stepwise selection of two-list interactions (the SparseMSE method).

Chan, L., Silverman, B. W. and Vincent, K. (2021), Multiple systems estimation for sparse
capture data: inferential challenges when there are nonoverlapping lists, JASA 116:1297-1306;
SparseMSE 2.0.1 ``stepwisefit`` and ``estimatepopulation``.

Start from the main-effects model. At each step, for every two-list interaction not yet in the
model, the statistic is the number of individuals on both lists; under the current model it
is Poisson with mean the sum of the fitted counts of the histories containing both lists. Its
p-value is ``min(P(X <= n*), P(X >= n*))``. The interaction with the smallest p-value is added
if that p-value is below ``pthresh`` (default 0.02) and the enlarged model passes the
existence and identifiability tests of :mod:`._existence` (candidates that fail are skipped);
otherwise the selection stops. Ties go to the first pair in the order (1,2), (1,3), ...

The estimate is ``n + exp(intercept)`` (persons). Two intervals:

* ``"bca"`` (default): nonparametric bootstrap that reruns the selection on every replicate,
  with BCa correction (:mod:`._bootstrap`); this accounts for the model choice;
* ``"conditional"``: ``n + exp(b0 +- 1.96 se(b0))``, SparseMSE's ``estimatepopulation.0``,
  which ignores the uncertainty of the selection.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from purgetoll.errors import StatisticalWarning
from purgetoll.mse._base import SEED, Constraint, Estimator, Fit, NotEstimable, is_int, is_real
from purgetoll.mse._bootstrap import bca_quantiles, bootstrap_replicates, jackknife_acceleration
from purgetoll.mse._existence import (
    Estimability,
    Pair,
    check_model,
    disjoint_pairs,
    overlap_counts,
    pair_design,
    unobserved_estimability,
)
from purgetoll.mse._glm import PoissonFit, poisson_glm
from purgetoll.mse._registry import register
from purgetoll.mse._table import CaptureTable

__all__ = ["PairModelFit", "Stepwise", "fit_pairs", "stepwise_select"]

#: R's glm default (SparseMSE calls glm without a control argument).
GLM_MAXIT = 25
#: A bootstrap estimate above this multiple of the observed count is reported as extreme.
#: (No published source fixes it; 100 is far beyond any list-coverage seen in MSE studies.)
EXTREME_FACTOR = 100


@dataclass(frozen=True)
class PairModelFit:
    """Main effects + two-list interactions fitted by Poisson regression."""

    pairs: tuple[Pair, ...]
    empty_pairs: tuple[Pair, ...]
    glm: PoissonFit
    keep: np.ndarray
    n_observed: int

    @property
    def estimate(self) -> float:
        return self.n_observed + math.exp(self.glm.coef[0])

    def conditional_interval(self, level: float = 0.95) -> tuple[float, float]:
        """``n + exp(b0 +- z se(b0))``: the interval given the model (SparseMSE)."""
        z = stats.norm.ppf(0.5 + level / 2.0)
        b0, sd = self.glm.coef[0], math.sqrt(self.glm.cov[0, 0])
        return (self.n_observed + _exp(b0 - z * sd), self.n_observed + _exp(b0 + z * sd))

    def fitted_full(self) -> np.ndarray:
        """Fitted counts on all ``2**K - 1`` histories (0 for structural zeros)."""
        out = np.zeros(len(self.keep))
        out[self.keep] = self.glm.fitted
        return out

    def name(self, lists: tuple[str, ...]) -> str:
        terms = [f"{lists[i]}:{lists[j]}" for i, j in self.pairs]
        return "main effects" + ("".join(" + " + t for t in terms) if terms else " only")


def _exp(x: float) -> float:
    """``exp(x)``, infinite beyond the largest float instead of an OverflowError (a limit of an
    interval on the boundary, where se(b0) is huge)."""
    return math.exp(x) if x < 709.0 else math.inf


def fit_pairs(table: CaptureTable, pairs: tuple[Pair, ...]) -> PairModelFit:
    """Fit main effects + ``pairs`` (in the given order) as SparseMSE's ``modelfit`` does."""
    x, keep, _, empty = pair_design(table, pairs)
    y = table.counts[keep].astype(float)
    glm = poisson_glm(x, y, max_iter=GLM_MAXIT)
    return PairModelFit(tuple(pairs), empty, glm, keep, table.n_observed)


def _poisson_pvalues(observed: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """``min(P(X <= n*), P(X >= n*))`` for X ~ Poisson(mean), elementwise."""
    lower = special.pdtr(observed, mean)
    # P(X >= n*) = 1 - P(X <= n* - 1); for n* = 0 it is 1.
    upper = np.where(observed > 0, special.pdtrc(np.maximum(observed - 1, 0), mean), 1.0)
    return np.minimum(lower, upper)


def stepwise_select(table: CaptureTable, pthresh: float = 0.02) -> tuple[PairModelFit, list[dict]]:
    """Run the stepwise selection; return the final fit and one record per step taken."""
    k = table.n_lists
    candidates = [(i, j) for i in range(k) for j in range(i + 1, k)]
    overlaps = overlap_counts(table)
    h = table.histories().astype(bool)
    both = [h[:, i] & h[:, j] for i, j in candidates]
    chosen: list[Pair] = []
    fit = fit_pairs(table, ())
    trace: list[dict] = []
    if pthresh <= 0:
        return fit, trace
    while len(chosen) < len(candidates):
        fitted = fit.fitted_full()
        open_pos = [pos for pos, pair in enumerate(candidates) if pair not in chosen]
        means = np.array([float(np.sum(fitted[both[pos]])) for pos in open_pos])
        observed = np.array([overlaps[candidates[pos]] for pos in open_pos], dtype=float)
        pv = _poisson_pvalues(observed, means)
        pvals = [(float(p), pos, candidates[pos]) for p, pos in zip(pv, open_pos, strict=True)]
        # Checking candidates in order of p-value gives the same choice as checking them all
        # (SparseMSE sets a failing candidate's p-value to 1), with far fewer LPs.
        pvals.sort()
        added = None
        for p, _, pair in pvals:
            if p >= pthresh:
                break
            check = check_model(table, (*chosen, pair))
            if check.ok:
                added = (p, pair)
                break
        if added is None:
            break
        chosen.append(added[1])
        fit = fit_pairs(table, tuple(chosen))
        trace.append({"pair": added[1], "p_value": added[0], "estimate": fit.estimate})
    return fit, trace


class Stepwise(Estimator):
    """SparseMSE stepwise selection of two-list interactions, with bootstrap BCa intervals.

    Parameters
    ----------
    pthresh:
        p-value threshold for adding an interaction (SparseMSE default 0.02).
    ci:
        ``"bca"`` (bootstrap redoing the selection; default) or ``"conditional"`` (given the
        selected model, as ``estimatepopulation.0``).
    n_boot:
        Bootstrap replicates for ``"bca"`` (SparseMSE's default is 1000). Fewer than
        :data:`purgetoll.intervals.MIN_DRAWS_QUANTILE` give no interval (said in
        ``interval_method_``); more than the limit ``mse_boot`` are refused before any is drawn.
    seed:
        Seed of the keyed bootstrap streams; the same seed gives the same replicates.
    """

    method = "stepwise"
    _parameter_constraints = {
        "pthresh": Constraint("a number in [0, 1]", lambda v: is_real(v) and 0 <= v <= 1),
        "ci": Constraint("one of 'bca', 'conditional'", lambda v: v in ("bca", "conditional")),
        "n_boot": Constraint("an integer >= 1", lambda v: is_int(v) and v >= 1),
        "seed": SEED,
    }

    def __init__(
        self, pthresh: float = 0.02, ci: str = "bca", n_boot: int = 1000, seed: int = 0
    ) -> None:
        self.pthresh = pthresh
        self.ci = ci
        self.n_boot = n_boot
        self.seed = seed

    def _work(self, table: CaptureTable) -> list[tuple[str, float, str]]:
        work: list[tuple[str, float, str]] = [("mse_lists", table.n_lists, "merge lists or drop some, or use the 'lcm' method")]
        if self.ci == "bca":
            refits = self.n_boot + int(np.count_nonzero(table.counts))
            work += [("mse_boot", self.n_boot, "use fewer replicates"),
                     ("mse_refit_histories", refits * (2**table.n_lists - 1),
                      f"the BCa interval refits the selection {refits:,} times ({self.n_boot:,} replicates and "
                      f"{refits - self.n_boot:,} jackknife refits, one per distinct history) on "
                      f"{2**table.n_lists - 1:,} histories: use fewer replicates or lists, or ci='conditional'")]
        return work

    def _point(self, table: CaptureTable) -> float:
        """The estimate on a resample; infinite when N is not estimable there (no finite MLE)."""
        fit = stepwise_select(table, self.pthresh)[0]
        return fit.estimate if _estimability(table, fit).ok else math.inf

    def _fit(self, table: CaptureTable) -> Fit:
        fit, trace = stepwise_select(table, self.pthresh)
        estimability = _estimability(table, fit, named=True)
        if not estimability.ok:
            return Fit.none(NotEstimable(estimability.kind or "", estimability.reason), fit.name(table.lists))
        self.steps_ = trace
        self.pairs_ = [(table.lists[i], table.lists[j]) for i, j in fit.pairs]
        cond = fit.conditional_interval()
        diagnostics: dict = {
            "selected": [f"{a}:{b}" for a, b in self.pairs_],
            "empty_overlaps_in_model": [
                f"{table.lists[i]}:{table.lists[j]}" for i, j in fit.empty_pairs
            ],
            "conditional_lower": cond[0],
            "conditional_upper": cond[1],
            "deviance": fit.glm.deviance,
            "df": fit.glm.df_residual,
            "converged": fit.glm.converged,
            "pthresh": self.pthresh,
        }
        # Given the model, the s.e. of N as Rcapture computes it: sqrt(e0 + e0^2 var(b0)).
        e0 = math.exp(fit.glm.coef[0])
        se = math.sqrt(e0 + e0 * e0 * fit.glm.cov[0, 0])
        draws = None
        lower, upper = cond
        interval_method = "given the selected model: n + exp(b0 +/- 1.96 se(b0)) (SparseMSE)"
        interval_draws = None
        if self.ci == "bca":
            draws = bootstrap_replicates(
                table, self._point, self.n_boot, seed=self.seed, name="stepwise.bootstrap"
            )
            accel = jackknife_acceleration(table, self._point)
            lower, upper = bca_quantiles(draws, fit.estimate, accel, (0.025, 0.975))
            finite = draws[np.isfinite(draws)]
            boot_se = float(np.std(finite, ddof=1)) if finite.size > 1 else math.nan
            diagnostics.update(
                n_boot=self.n_boot,
                acceleration=accel,
                seed=self.seed,
                bootstrap_se=boot_se,
                not_estimable_replicates=int(np.sum(~np.isfinite(draws))),
            )
            se = boot_se
            interval_method = (f"BCa bootstrap: {self.n_boot} replicates redoing the selection (a replicate "
                               "without a finite estimate counts as infinite)")
            interval_draws = float(self.n_boot)
            # A replicate in which a small list comes out empty, or two lists stop
            # overlapping, can have no finite MLE: its estimate explodes. Say so.
            extreme = int(np.sum(~np.isfinite(draws) | (draws > EXTREME_FACTOR * table.n_observed)))
            diagnostics["extreme_replicates"] = extreme
            if extreme:
                warnings.warn(
                    f"Stepwise on {table.source}: {extreme} of {self.n_boot} bootstrap replicates "
                    f"estimate more than {EXTREME_FACTOR} times the {table.n_observed} observed "
                    "(their MLE is on the boundary: a list empty or two lists disjoint in the "
                    "resample); the upper limit is unreliable",
                    StatisticalWarning,
                    stacklevel=3,
                )
        return Fit(
            estimate=fit.estimate,
            se=float(se),
            lower=float(min(lower, fit.estimate)),
            upper=float(max(upper, fit.estimate)),
            model=fit.name(table.lists),
            diagnostics=diagnostics,
            draws=draws,
            interval_method=interval_method,
            interval_draws=interval_draws,
        )


def _estimability(table: CaptureTable, fit: PairModelFit, named: bool = False) -> Estimability:
    """Whether the selected model estimates N on ``table``. A model to which the selection added
    a pair passed :func:`check_model` (its MLE exists and is identified); the starting model of
    main effects was not checked."""
    if fit.pairs or np.all(table.counts > 0):
        return Estimability(None)
    x, keep, _, _ = pair_design(table, fit.pairs)
    return unobserved_estimability(x, table.counts[keep], zero_pairs=disjoint_pairs(table) if named else "")


register(
    "stepwise",
    lambda spec, seed: Stepwise(seed=seed),
    description="SparseMSE stepwise two-list interactions (p < 0.02) with bootstrap BCa interval",
)
