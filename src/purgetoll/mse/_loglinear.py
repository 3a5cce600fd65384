"""Log-linear capture-recapture models (the Rcapture family) and their intervals.

The observable counts are Poisson with ``log mu = X beta`` (see :mod:`._design`); the expected
count of the unobserved history is ``exp(beta_0)`` and the estimate of the population size is
``N = n + exp(beta_0)`` (persons). As in Rcapture 1.4-4 (Baillargeon & Rivest 2007,
J. Stat. Softw. 19(5); Rivest & Levesque 2001):

* the Wald standard error is ``sqrt(exp(b0) + exp(2 b0) var(b0))``;
* for Chao's lower-bound models, heterogeneity coefficients (eta) that come out negative are
  set to zero one at a time (the first non-positive one is dropped and the model refitted);
* the multinomial profile-likelihood interval (Cormack 1992) treats the unobserved count
  ``n0 = N - n`` as a datum: ``l(N) = -D(N)/2 + log(n0^n0 N! / (N^N n0!))`` where ``D(N)`` is
  the deviance of the model refitted to the completed table; the interval is where
  ``l(N) >= max l - qchisq(0.95, 1) / 2``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats
from scipy.special import gammaln, xlogy

from purgetoll.errors import BoundaryWarning, StatisticalWarning
from purgetoll.mse._base import Constraint, Estimator, Fit, InvalidParameterError, NotEstimable
from purgetoll.mse._design import (
    ModelSpec,
    ModelSyntaxError,
    design_matrix,
    n_non_heterogeneity_columns,
    parse_model,
)
from purgetoll.mse._existence import (
    LP_ZERO,
    disjoint_pairs,
    facial_lp_optimum,
    unobserved_estimability,
)
from purgetoll.mse._glm import PoissonFit, poisson_glm
from purgetoll.mse._registry import register
from purgetoll.mse._table import CaptureTable

__all__ = ["LogLinear", "LogLinearFit", "fit_loglinear", "profile_interval"]

#: R's glm maxit as Rcapture sets it (control = list(maxit = 200)).
RCAPTURE_MAXIT = 200
Z95 = float(stats.norm.ppf(0.975))
CHISQ95 = float(stats.chi2.ppf(0.95, 1))


@dataclass(frozen=True)
class LogLinearFit:
    """A fitted log-linear capture model: the GLM, the estimate of N and its Wald s.e."""

    spec: ModelSpec
    glm: PoissonFit
    columns: tuple[int, ...]  # design columns kept after the Chao correction
    n_observed: int
    estimate: float
    se: float
    design: np.ndarray  # the design actually fitted (columns kept), one row per history

    @property
    def n_params(self) -> int:
        return self.glm.rank

    @property
    def wald(self) -> tuple[float, float]:
        return (self.estimate - Z95 * self.se, self.estimate + Z95 * self.se)

    def asymptotic_bias(self) -> float:
        """Rcapture's first-order bias of N-hat (persons); ``nan`` if a coefficient is aliased.

        With ``V`` the inverse Fisher information, ``xi_i = -x_i' V x_i / 2``,
        ``psi = -2 X' diag(mu) xi - e_1`` and bias ``= exp(b0) (-V psi)_1 / 2`` (the
        ``closedp.fitone`` computation of Rcapture 1.4-4, from Rivest & Levesque 2001).
        """
        if self.glm.aliased:
            return math.nan
        x = self.design
        v = self.glm.cov
        xi = -0.5 * np.einsum("ij,jk,ik->i", x, v, x)
        psi = -2.0 * x.T @ (self.glm.fitted * xi)
        psi[0] -= 1.0
        return float(0.5 * math.exp(self.glm.coef[0]) * (-(v @ psi))[0])

    def large_bias(self) -> bool:
        """Rcapture's warning "the asymptotic bias is large": |bias| > 10% of N-hat."""
        b = self.asymptotic_bias()
        return bool(np.isfinite(b) and abs(b) > 0.1 * self.estimate)

    def bic(self) -> float:
        """``-2 loglik + log(n) * rank``, n = individuals observed (Rcapture's BIC)."""
        return self.glm.bic(self.n_observed)


def _fit_with_chao_correction(
    x: np.ndarray, y: np.ndarray, nca: int, chao: bool, max_iter: int
) -> tuple[PoissonFit, list[int]]:
    """Fit; for Chao models drop the first non-positive eta until all are positive."""
    cols = list(range(x.shape[1]))
    fit = poisson_glm(x, y, max_iter=max_iter)
    while chao:
        eta = fit.coef[nca:]
        if eta.size == 0 or np.all(eta > 0):
            break
        first = int(np.flatnonzero(~(eta > 0))[0]) + nca
        del cols[first]
        x = x[:, [i for i in range(x.shape[1]) if i != first]]
        fit = poisson_glm(x, y, max_iter=max_iter)
    return fit, cols


def fit_loglinear(
    table: CaptureTable, spec: ModelSpec, *, max_iter: int = RCAPTURE_MAXIT
) -> LogLinearFit:
    """Fit ``spec`` to ``table`` as Rcapture's ``closedp.t`` / ``closedpCI.t`` do."""
    x = design_matrix(spec, table.n_lists)
    y = table.counts.astype(float)
    chao = spec.heterogeneity == "Chao"
    fit, cols = _fit_with_chao_correction(
        x, y, n_non_heterogeneity_columns(spec, table.n_lists), chao, max_iter
    )
    b0 = fit.coef[0]
    e0 = math.exp(b0)
    var_b0 = fit.cov[0, 0]
    se = math.sqrt(max(e0 + e0 * e0 * var_b0, 0.0))
    return LogLinearFit(
        spec, fit, tuple(cols), table.n_observed, table.n_observed + e0, se, x[:, cols]
    )


def _profile_loglik(
    big_n: float, n: int, x_aug: np.ndarray, y: np.ndarray, nca: int, chao: bool
) -> float:
    n0 = big_n - n
    y_aug = np.append(y, n0)
    fit, _ = _fit_with_chao_correction(x_aug, y_aug, nca, chao, RCAPTURE_MAXIT)
    # Cormack's (1992) correction turns the Poisson deviance into the multinomial likelihood.
    ct = xlogy(n0, n0) + gammaln(big_n + 1.0) - xlogy(big_n, big_n) - gammaln(n0 + 1.0)
    return -fit.deviance / 2.0 + float(ct)


def profile_interval(
    table: CaptureTable, spec: ModelSpec, poisson_estimate: float, *, level: float = 0.95
) -> tuple[float, float, float]:
    """Multinomial profile-likelihood ``(mode, lower, upper)`` of N (persons).

    The upper search runs to 3 N-hat as in Rcapture and is widened (to 1000 N-hat) if the
    likelihood has not dropped by then; ``inf`` if it never does (flat likelihood).
    """
    n = table.n_observed
    y = table.counts.astype(float)
    x_aug = design_matrix(spec, table.n_lists, with_zero_row=True)
    nca = n_non_heterogeneity_columns(spec, table.n_lists)
    chao = spec.heterogeneity == "Chao"

    def ll(v: float) -> float:
        return _profile_loglik(v, n, x_aug, y, nca, chao)

    hi = 3.0 * poisson_estimate
    res = optimize.minimize_scalar(
        lambda v: -ll(v), bounds=(n, hi), method="bounded", options={"xatol": 1e-6 * hi}
    )
    mode = float(res.x)
    lmax = -float(res.fun)
    cut = lmax - stats.chi2.ppf(level, 1) / 2.0

    def g(v: float) -> float:
        return ll(v) - cut

    lower = float(n)
    if mode > n and g(float(n)) < 0:
        lower = optimize.brentq(g, n, mode, xtol=1e-8 * mode)
    upper = math.inf
    for factor in (3.0, 30.0, 1000.0):
        top = factor * poisson_estimate
        if top > mode and g(top) < 0:
            upper = optimize.brentq(g, mode, top, xtol=1e-8 * top)
            break
    return mode, lower, upper


class LogLinear(Estimator):
    """A log-linear capture-recapture model of the Rcapture family.

    Parameters
    ----------
    model:
        ``"M0"``, ``"Mt"``, ``"Mh-Chao"``, ``"Mh-Poisson2"``, ``"Mh-Darroch"``, ``"Mh-Gamma"``,
        ``"Mth-Chao"``, ``"Mth-Poisson2"``, ``"Mth-Darroch"``, ``"Mth-Gamma"`` (Gamma with
        theta = 3.5, as Rcapture), optionally with list interactions by 1-based position,
        ``"Mt+1:2+2:3"``; interactions are closed hierarchically.
    ci:
        ``"profile"`` (multinomial profile likelihood, the default: it respects N >= n and the
        skewness of the likelihood) or ``"wald"`` (estimate +- 1.96 s.e., Rcapture's
        ``closedp.t`` output). Both are always in ``diagnostics_``.

    The point estimate is ``n + exp(intercept)`` in both cases (Rcapture's ``abundance``).
    """

    method = "loglinear"
    _parameter_constraints = {
        "model": Constraint(
            "a model string such as 'Mt', 'Mth-Chao' or 'Mt+1:2'", lambda v: isinstance(v, str)
        ),
        "ci": Constraint("one of 'profile', 'wald'", lambda v: v in ("profile", "wald")),
    }

    def __init__(self, model: str = "Mt", ci: str = "profile") -> None:
        self.model = model
        self.ci = ci

    def method_label(self) -> str:
        return f"loglinear:{self.model}"

    def _spec(self, table: CaptureTable) -> ModelSpec:
        try:
            return parse_model(self.model, table.n_lists)
        except ModelSyntaxError as err:
            raise InvalidParameterError(
                f"The 'model' parameter of LogLinear is invalid for {table.source}: {err}"
            ) from None

    def _work(self, table: CaptureTable) -> list[tuple[str, float, str]]:
        return [("mse_lists", table.n_lists, "merge lists or drop some, or use the 'lcm' method")]

    def _fit(self, table: CaptureTable) -> Fit:
        spec = self._spec(table)
        res = fit_loglinear(table, spec)
        estimability = unobserved_estimability(res.design, table.counts, zero_pairs=disjoint_pairs(table))
        if not estimability.ok:
            return Fit.none(NotEstimable(estimability.kind or "", estimability.reason), spec.name(table.lists))
        wald = res.wald
        diagnostics: dict = {
            "deviance": res.glm.deviance,
            "df": res.glm.df_residual,
            "aic": res.glm.aic,
            "bic": res.bic(),
            "converged": res.glm.converged,
            "wald_lower": wald[0],
            "wald_upper": wald[1],
            # Fienberg & Rinaldo (2012) facial test on the fitted design: with zero cells the
            # MLE may not exist, and then some coefficient runs to infinity.
            "mle_exists": bool(
                np.all(table.counts > 0)
                or facial_lp_optimum(res.design, table.counts > 0) <= LP_ZERO
            ),
        }
        bias = res.asymptotic_bias()
        diagnostics["asymptotic_bias"] = bias
        if res.large_bias():
            warnings.warn(
                f"LogLinear({self.model}) on {table.source}: the asymptotic bias is large "
                f"({bias:.1f} persons, more than 10% of the estimate); Rcapture flags such fits",
                StatisticalWarning,
                stacklevel=3,
            )
        dropped = [
            c for c in range(design_matrix(spec, table.n_lists).shape[1]) if c not in res.columns
        ]
        if dropped:
            diagnostics["eta_set_to_zero"] = len(dropped)
        if res.glm.aliased:
            diagnostics["aliased_columns"] = len(res.glm.aliased)
        e0 = res.estimate - res.n_observed
        if not res.glm.converged or e0 < 1e-6 * max(res.n_observed, 1):
            warnings.warn(
                f"LogLinear({self.model}) on {table.source}: the fit is on the boundary "
                f"(unobserved count {e0:.3g}, converged={res.glm.converged}); interval unreliable",
                BoundaryWarning,
                stacklevel=3,
            )
            diagnostics["boundary"] = True
        lower, upper = wald
        interval_method = "Wald: estimate +/- 1.96 s.e. (raised to the number observed where below it)"
        if self.ci == "profile":
            interval_method = "multinomial profile likelihood (Cormack 1992)"
            mode, lower, upper = profile_interval(table, spec, res.estimate)
            diagnostics.update(profile_mode=mode, profile_lower=lower, profile_upper=upper)
            # The profile interval is around the multinomial mode, which sits a little below
            # the Poisson estimate; keep the contract lower <= estimate <= upper.
            upper = max(upper, res.estimate)
        return Fit(
            estimate=res.estimate,
            se=res.se,
            lower=lower,
            upper=upper,
            model=spec.name(table.lists),
            diagnostics=diagnostics,
            interval_method=interval_method,
        )


def _loglinear_factory(spec: str | None, seed: int) -> Estimator:
    return LogLinear(model=spec or "Mt")


register(
    "loglinear",
    _loglinear_factory,
    description="log-linear model of the Rcapture family (Mt by default; e.g. loglinear:Mth-Chao, loglinear:Mt+1:2)",
    compare=("M0", "Mt", "Mth-Chao", "Mth-Poisson2", "Mth-Darroch", "Mth-Gamma"),
)
