"""Nonparametric bootstrap of a capture table and BCa intervals.

The bootstrap resamples the ``n`` observed individuals: the counts of a replicate are a
multinomial draw of size ``n`` with the observed proportions (Chan, Silverman & Vincent 2021,
section 3.3). The whole estimation procedure, model selection included, is rerun on every
replicate. Replicate ``b`` uses the keyed stream ``(seed, name, b)``, so a replicate does not
depend on how many others are drawn.

BCa (DiCiccio & Efron 1996): the bias correction is ``z0 = Phi^-1(share of replicates below
the estimate)``; the acceleration is estimated by the jackknife that removes one individual at
a time (one refit per distinct observed history, weighted by its count); the interval takes
the replicate quantiles (Hyndman & Fan type 8) at ``Phi(z0 + (z0 + z_a) / (1 - a (z0 + z_a)))``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import stats

from purgetoll.mse._rng import keyed_rng
from purgetoll.mse._table import CaptureTable

__all__ = ["bca_quantiles", "bootstrap_replicates", "jackknife_acceleration"]


def bootstrap_replicates(
    table: CaptureTable,
    estimate: Callable[[CaptureTable], float],
    n_boot: int,
    *,
    seed: int,
    name: str,
) -> np.ndarray:
    """``estimate`` applied to ``n_boot`` multinomial resamples of ``table`` (persons)."""
    n = table.n_observed
    p = table.counts / n
    reps = np.empty(n_boot)
    for b in range(n_boot):
        rng = keyed_rng(seed, name, b)
        counts = rng.multinomial(n, p)
        reps[b] = estimate(CaptureTable(table.lists, counts, source=table.source))
    return reps


def jackknife_acceleration(table: CaptureTable, estimate: Callable[[CaptureTable], float]) -> float:
    """The BCa acceleration from the leave-one-individual-out jackknife.

    When removing one individual leaves no finite estimate, the jackknife cannot measure the
    skewness and the acceleration is 0 (plain bias-corrected percentiles); the replicates, which
    then include infinite ones, carry the instability into the upper limit.
    """
    counts = table.counts.astype(float)
    jack = np.zeros(len(counts))
    for i in np.flatnonzero(table.counts > 0):
        c = table.counts.copy()
        c[i] -= 1
        jack[i] = estimate(CaptureTable(table.lists, c, source=table.source))
    if not np.all(np.isfinite(jack)):
        return 0.0
    w = counts
    resid = np.sum(w * jack) / np.sum(w) - jack
    denom = 6.0 * np.sum(w * resid**2) ** 1.5
    return float(np.sum(w * resid**3) / denom) if denom > 0 else 0.0


#: Stands for an infinite replicate while interpolating quantiles (inf - inf would give NaN).
_HUGE = 1e300


def bca_quantiles(
    reps: np.ndarray, estimate: float, acceleration: float, alpha: Sequence[float]
) -> np.ndarray:
    """BCa-adjusted quantiles of the replicates at the nominal levels ``alpha``.

    Replicates may be ``inf`` (no finite estimate on that resample): a quantile that reaches
    them is ``inf``.
    """
    share = float(np.mean(reps < estimate))
    # All replicates on one side: z0 is infinite; clip so the interval falls on the extreme
    # replicate rather than failing.
    share = min(max(share, 0.5 / len(reps)), 1.0 - 0.5 / len(reps))
    z0 = stats.norm.ppf(share)
    za = stats.norm.ppf(np.asarray(alpha, dtype=float))
    za0 = za + z0
    levels = stats.norm.cdf(z0 + za0 / (1.0 - acceleration * za0))
    q = np.quantile(np.minimum(reps, _HUGE), levels, method="median_unbiased")
    return np.where(q >= _HUGE / 10, np.inf, q)
