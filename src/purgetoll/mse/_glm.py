"""Poisson log-linear regression by iteratively reweighted least squares (IRLS).

Pure numpy. The iteration follows the usual GLM recipe (start from ``mu = y + 0.1``, stop when
the relative change in deviance is below ``1e-8``), which is what R's ``glm(family = poisson)``
does, so fits of the same design agree with Rcapture and SparseMSE to many digits. Columns that
are linear combinations of earlier ones are dropped (R reports them as ``NA``) and listed in
``aliased``.

Counts are persons; coefficients are on the log scale of the expected count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, xlogy

__all__ = ["PoissonFit", "independent_columns", "poisson_deviance", "poisson_glm"]


@dataclass(frozen=True)
class PoissonFit:
    """A fitted Poisson GLM with log link.

    ``coef`` has one entry per column of the design (``nan`` for aliased columns); ``cov`` is
    the inverse Fisher information of the non-aliased coefficients (R's ``cov.unscaled``),
    with ``nan`` rows and columns for aliased ones.
    """

    coef: np.ndarray
    cov: np.ndarray
    fitted: np.ndarray
    deviance: float
    loglik: float
    rank: int
    df_residual: int
    converged: bool
    iterations: int
    aliased: tuple[int, ...]

    @property
    def aic(self) -> float:
        """``-2 loglik + 2 rank`` (R's ``glm()$aic``)."""
        return -2.0 * self.loglik + 2.0 * self.rank

    def bic(self, n: float) -> float:
        """``-2 loglik + log(n) rank``; ``n`` is the sample size the criterion penalises by."""
        return -2.0 * self.loglik + np.log(n) * self.rank


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """``2 sum(y log(y / mu) - (y - mu))`` with ``0 log 0 = 0``."""
    return float(2.0 * np.sum(xlogy(y, y) - xlogy(y, mu) - (y - mu)))


def _poisson_loglik(y: np.ndarray, mu: np.ndarray) -> float:
    return float(np.sum(xlogy(y, mu) - mu - gammaln(y + 1.0)))


def independent_columns(x: np.ndarray, tol: float = 1e-7) -> list[int]:
    """Indices of the columns kept when later columns that add no rank are dropped (R's order)."""
    keep: list[int] = []
    q = np.zeros((x.shape[0], 0))
    for j in range(x.shape[1]):
        v = x[:, j].astype(float)
        norm = np.linalg.norm(v)
        if norm == 0:
            continue
        r = v - q @ (q.T @ v)
        r = r - q @ (q.T @ r)  # second pass: classical Gram-Schmidt loses orthogonality
        if np.linalg.norm(r) > tol * norm:
            keep.append(j)
            q = np.column_stack([q, r / np.linalg.norm(r)])
    return keep


def poisson_glm(
    x: np.ndarray,
    y: np.ndarray,
    *,
    max_iter: int = 25,
    tol: float = 1e-8,
    start: np.ndarray | None = None,
) -> PoissonFit:
    """Fit ``log E[y] = x @ coef`` by IRLS.

    ``x`` is the full design including the intercept column; ``y`` non-negative counts (they may
    be non-integer, e.g. the unobserved cell in a profile likelihood). ``start`` gives starting
    coefficients for the non-aliased columns (a warm start); otherwise ``mu = y + 0.1``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = independent_columns(x)
    aliased = tuple(j for j in range(x.shape[1]) if j not in keep)
    xk = x[:, keep]
    if start is not None and len(start) == len(keep):
        eta = xk @ start
        mu = np.exp(eta)
    else:
        mu = y + 0.1
        eta = np.log(mu)
    dev_old = poisson_deviance(y, mu)
    converged = False
    beta = np.zeros(len(keep))
    iterations = 0
    w = mu
    for it in range(1, max_iter + 1):
        iterations = it
        w = mu
        z = eta + (y - mu) / mu
        sw = np.sqrt(w)
        beta, *_ = np.linalg.lstsq(xk * sw[:, None], z * sw, rcond=None)
        eta = xk @ beta
        # Keep exp() finite when a coefficient runs to -inf on the boundary.
        eta = np.clip(eta, -700.0, 700.0)
        mu = np.exp(eta)
        dev = poisson_deviance(y, mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < tol:
            converged = True
            break
        dev_old = dev
    # Like R's summary.glm, the covariance uses the weights of the last weighted least-squares
    # step (the fitted values *before* its update). Identical at convergence; on a boundary,
    # where a coefficient runs off to infinity, it is what makes the Wald s.e. agree with R.
    info = (xk * w[:, None]).T @ xk
    try:
        cov_k = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov_k = np.linalg.pinv(info)
    p = x.shape[1]
    coef = np.full(p, np.nan)
    coef[keep] = beta
    cov = np.full((p, p), np.nan)
    cov[np.ix_(keep, keep)] = cov_k
    return PoissonFit(
        coef=coef,
        cov=cov,
        fitted=mu,
        deviance=poisson_deviance(y, mu),
        loglik=_poisson_loglik(y, mu),
        rank=len(keep),
        df_residual=len(y) - len(keep),
        converged=converged,
        iterations=iterations,
        aliased=aliased,
    )
