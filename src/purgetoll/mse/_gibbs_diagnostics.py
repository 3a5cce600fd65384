"""Convergence diagnostics of MCMC draws: rank-normalised split R-hat and bulk effective sample size.

Both follow Vehtari, Gelman, Simpson, Carpenter & Buerkner (2021, "Rank-normalization, folding,
and localization: an improved R-hat for assessing convergence of MCMC", Bayesian Analysis
16:667-718): each chain is split in halves, the pooled draws are replaced by normal scores of
their ranks, and R-hat compares the between- and within-half variances; the effective sample size
sums the chains' autocorrelations (Geyer's initial monotone sequence). Pure functions of an
array of shape ``(n_chains, n_draws)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri
from scipy.stats import rankdata

__all__ = ["ess_bulk", "split_rhat"]


def _check(draws: np.ndarray, where: str) -> np.ndarray:
    arr = np.asarray(draws, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] < 4:
        raise ValueError(
            f"{where}: draws must have shape (n_chains, n_draws) with at least 4 draws per chain; "
            f"got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{where}: draws must be finite")
    return arr


def _split(arr: np.ndarray) -> np.ndarray:
    half = arr.shape[1] // 2
    return np.vstack([arr[:, :half], arr[:, arr.shape[1] - half :]])


def _rank_normalise(arr: np.ndarray) -> np.ndarray:
    ranks = rankdata(arr, method="average").reshape(arr.shape)
    return ndtri((ranks - 0.375) / (arr.size + 0.25))


def _rhat_raw(chains: np.ndarray) -> float:
    n = chains.shape[1]
    within = float(np.mean(np.var(chains, axis=1, ddof=1)))
    between = float(n * np.var(np.mean(chains, axis=1), ddof=1))
    if within <= 0.0:
        return float("nan") if between <= 0.0 else float("inf")
    var_plus = (n - 1) / n * within + between / n
    return float(np.sqrt(var_plus / within))


def split_rhat(draws: np.ndarray) -> float:
    """Rank-normalised split R-hat (1.0 at convergence; above 1.01 deserves a look).

    NaN when every draw is equal (nothing to compare).
    """
    arr = _check(draws, "split_rhat")
    if np.all(arr == arr.flat[0]):
        return float("nan")
    return _rhat_raw(_rank_normalise(_split(arr)))


def _autocovariance(x: np.ndarray) -> np.ndarray:
    n = x.shape[0]
    centred = x - x.mean()
    size = 1 << (2 * n - 1).bit_length()
    spec = np.fft.rfft(centred, size)
    acov = np.fft.irfft(spec * np.conjugate(spec), size)[:n]
    return acov / n


def ess_bulk(draws: np.ndarray) -> float:
    """Bulk effective sample size of the pooled draws (rank-normalised, split chains).

    NaN when every draw is equal.
    """
    arr = _check(draws, "ess_bulk")
    if np.all(arr == arr.flat[0]):
        return float("nan")
    chains = _rank_normalise(_split(arr))
    m, n = chains.shape
    acov = np.array([_autocovariance(c) for c in chains])
    chain_var = acov[:, 0] * n / (n - 1.0)
    within = float(np.mean(chain_var))
    var_plus = within * (n - 1.0) / n
    if m > 1:
        var_plus += float(np.var(np.mean(chains, axis=1), ddof=1))
    rho = 1.0 - (within - np.mean(acov, axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer: sum pairs (rho_2t + rho_2t+1) while positive, made monotone non-increasing.
    total = 0.0
    previous = np.inf
    t = 0
    while t + 1 < n:
        pair = rho[t] + rho[t + 1]
        if pair <= 0.0:
            break
        pair = min(pair, previous)
        total += pair
        previous = pair
        t += 2
    tau = -1.0 + 2.0 * total
    tau = max(tau, 1.0 / np.log10(m * n))
    return float(m * n / tau)
