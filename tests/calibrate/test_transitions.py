"""Proposals that keep ABC-SMC's weights even: the measurement behind purgetoll.calibrate.transitions.

The toy (4 parameters the archive identifies) with 14 more parameters that nothing depends on, so
their posterior is their prior: proposed by pyabc's kernel density estimate, the weights collapse
after one step; drawn afresh from the prior, the weights stay even and the intervals exist.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from purgetoll.calibrate.fit import Calibration
from purgetoll.calibrate.priors import Prior
from purgetoll.calibrate.toy import TOY_PRIORS, TOY_TRUTH, ToyMachine, toy_statistics
from purgetoll.calibrate.transitions import IndependentNormal, PriorRefresh, make_transition

DUMMIES = [Prior(f"dummy.p{i}", 0.0, 1.0) for i in range(14)]


def _fit(kernel: str, refreshed: list[str]) -> Calibration:
    return Calibration(ToyMachine(), priors=[*TOY_PRIORS, *DUMMIES], statistics=toy_statistics(5), scale=0.001,
                       simulations=6000, population_size=250, seed=3, noise_replicates=5, kernel=kernel, max_generations=2,
                       refreshed=refreshed).fit()


def test_weights_stay_even_when_the_unidentified_are_drawn_from_the_prior():
    collapsed = _fit("kde", [])
    kept = _fit("independent_normal", [d.name for d in DUMMIES])
    last = lambda c: float(c.generations_.dropna(subset=["ess"])["ess"].iloc[-1])  # noqa: E731
    assert last(collapsed) < 0.3 * 250
    assert last(kept) > 0.8 * 250
    s = kept.summary().set_index("parameter")
    for name, truth in TOY_TRUTH.items():
        assert s.loc[name, "lower_95"] <= truth <= s.loc[name, "upper_95"]
    # the refreshed parameters' posterior is their prior (nothing depends on them): uniform on [0, 1]
    x = kept.posterior_[[d.name for d in DUMMIES]].to_numpy().ravel()
    assert abs(x.mean() - 0.5) < 0.03


def test_independent_normal_is_the_weighted_normal():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(500, 2)) * [1.0, 3.0] + [2.0, -1.0], columns=["a", "b"])
    w = np.full(500, 1 / 500)
    t = IndependentNormal(scaling=2.0)
    t.X, t.w = X, w
    t.fit(X, w)
    assert t.mean_ == pytest.approx(X.mean().to_numpy(), abs=1e-12)
    assert t.cov_ == pytest.approx(2.0 * np.cov(X.to_numpy(), rowvar=False, aweights=w), rel=1e-9)
    point = pd.Series({"a": 2.5, "b": 0.0})
    assert t.pdf(point) == pytest.approx(stats.multivariate_normal(t.mean_, t.cov_).pdf([2.5, 0.0]))


def test_prior_refresh_density_is_the_standard_logistic():
    t = PriorRefresh()
    X = pd.DataFrame({"a": [0.0, 1.0], "b": [0.5, 0.2]})
    t.X, t.w = X, np.array([0.5, 0.5])
    t.fit(X, t.w)
    assert t.pdf(pd.Series({"a": 0.3, "b": -1.0})) == pytest.approx(stats.logistic.pdf(0.3) * stats.logistic.pdf(-1.0))
    with pytest.raises(ValueError, match="kernel must be one of"):
        make_transition("magic", ["a"], [])
