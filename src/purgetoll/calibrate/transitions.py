"""How ABC-SMC proposes the next generation's parameters: kernels that keep the weights even.

Each generation's particles are weighted by prior / proposal density. In a dozen dimensions the
usual proposal, a kernel density estimate of the previous generation (a mixture of one narrow normal
per particle), is so spiky that the weights collapse onto a few particles (an effective sample size
of 5-20% of the particles for 14 parameters whose posterior is their prior; measured in
``tests/calibrate/test_transitions.py``), and the intervals, which need 200 effective particles,
vanish. Two remedies, combined by :func:`make_transition` (parameters are on pyabc's internal scale,
the logit of their position within the prior's range, :mod:`purgetoll.calibrate.priors`):

* :class:`IndependentNormal`: a single normal with the previous generation's weighted mean and
  ``scaling`` times its weighted covariance, independent of any one particle. Its density is
  smooth, so the weights stay even as long as the posterior is one hill (as it is on the logit
  scale for the mechanism's parameters); ``scaling`` > 1 gives it heavier shoulders than the
  posterior's.
* :class:`PriorRefresh`: the parameters the archive says little about (the arrival hazard, the
  prisons' places, ...) are drawn afresh from their prior in every generation. The prior then cancels
  in their weight, so they add nothing to its spread, and whatever the fit does say about them still
  shows through which particles are accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyabc
from pyabc.parameters import Parameter
from pyabc.transition.util import smart_cov
from scipy import stats

__all__ = ["IndependentNormal", "PriorRefresh", "make_transition", "KERNELS"]

#: ``independent_normal``: :class:`IndependentNormal` (default); ``kde``: pyabc's default kernel density
#: estimate (Silverman's bandwidth), for comparison.
KERNELS = ("independent_normal", "kde")


class IndependentNormal(pyabc.transition.Transition):
    """A normal with the weighted mean and ``scaling`` x the weighted covariance of the particles."""

    def __init__(self, scaling: float = 1.5) -> None:
        self.scaling = scaling

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
        x = X.to_numpy(float)
        w = np.asarray(w, dtype=float) / np.sum(w)
        self.mean_ = w @ x
        cov = np.atleast_2d(smart_cov(x, w)) * self.scaling
        self.normal_ = stats.multivariate_normal(mean=self.mean_, cov=cov, allow_singular=True)
        self.cov_ = cov

    def rvs_single(self) -> Parameter:
        draw = np.random.multivariate_normal(self.mean_, self.cov_)  # noqa: NPY002 - pyabc's global generator
        return Parameter(dict(zip(self.X.columns, np.atleast_1d(draw), strict=True)))

    def pdf(self, x: Parameter | pd.Series | pd.DataFrame) -> float | np.ndarray:
        if isinstance(x, Parameter | pd.Series):
            return float(self.normal_.pdf(np.array([x[k] for k in self.X.columns], dtype=float)))
        return np.atleast_1d(self.normal_.pdf(x[self.X.columns].to_numpy(float)))


class PriorRefresh(pyabc.transition.Transition):
    """Draws from the prior (the standard logistic: a uniform prior seen through the logit)."""

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
        pass

    def rvs_single(self) -> Parameter:
        draw = np.random.logistic(size=len(self.X.columns))  # noqa: NPY002 - pyabc's global generator
        return Parameter(dict(zip(self.X.columns, draw, strict=True)))

    def pdf(self, x: Parameter | pd.Series | pd.DataFrame) -> float | np.ndarray:
        if isinstance(x, Parameter | pd.Series):
            return float(np.prod(stats.logistic.pdf(np.array([x[k] for k in self.X.columns], dtype=float))))
        return np.prod(stats.logistic.pdf(x[self.X.columns].to_numpy(float)), axis=1)


def make_transition(kernel: str, moved: Sequence[str], refreshed: Sequence[str]) -> pyabc.transition.Transition:
    """The proposal over pyabc's internal names: ``moved`` by the kernel, ``refreshed`` from the prior."""
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {', '.join(KERNELS)}; got {kernel!r}")
    mover = IndependentNormal() if kernel == "independent_normal" else pyabc.MultivariateNormalTransition()
    if not refreshed:
        return mover
    if not moved:
        return PriorRefresh()
    return pyabc.AggregatedTransition({tuple(moved): mover, tuple(refreshed): PriorRefresh()})
