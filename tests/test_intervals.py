"""The one interval rule (purgetoll.intervals): no interval from too few draws, honest ones otherwise."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from purgetoll.intervals import MIN_DRAWS_QUANTILE, quantile_interval, spread_interval


def test_one_run_has_no_interval():
    iv = spread_interval([5.0])
    assert iv.estimate == 5.0 and not iv.exists
    assert math.isnan(iv.lower) and math.isnan(iv.upper)
    assert iv.describe() == "no interval: 1 run (an interval needs at least 2)"


def test_three_runs_use_student_t_not_z():
    # t(2, 0.975) = 4.302653; sd of (1, 2, 3) = 1; sqrt(1 + 1/3)
    iv = spread_interval([1.0, 2.0, 3.0])
    half = 4.302652729749464 * math.sqrt(4 / 3)  # scipy.stats.t.ppf(0.975, 2)
    assert iv.lower == pytest.approx(2 - half, rel=1e-9) and iv.upper == pytest.approx(2 + half, rel=1e-9)


def test_prediction_interval_covers_a_new_run_at_its_level():
    """Coverage of one further run, over many small ensembles from a known normal: 95% +/- MC error."""
    rng = np.random.default_rng(7)
    runs = rng.normal(size=(20000, 4))
    new = rng.normal(size=20000)
    hits = 0
    for r, y in zip(runs, new, strict=True):
        iv = spread_interval(r)
        hits += iv.lower <= y <= iv.upper
    assert abs(hits / 20000 - 0.95) < 0.006  # 4 sd of a binomial share at n = 20000


def test_quantile_interval_needs_enough_effective_draws():
    few = quantile_interval(np.arange(100.0))
    assert not few.exists and few.describe().startswith("no interval: 100 effective draws")
    w = np.r_[np.ones(10), np.full(990, 1e-9)]  # 1000 draws, about 10 effective
    assert not quantile_interval(np.arange(1000.0), w).exists


def test_quantile_interval_of_uniform_draws():
    x = np.arange(1, 10001, dtype=float)
    iv = quantile_interval(x)
    assert iv.estimate == pytest.approx(5000.5, abs=1) and iv.n_draws == 10000
    assert iv.lower == pytest.approx(250.5, abs=1) and iv.upper == pytest.approx(9750.5, abs=1)


@given(st.lists(st.floats(-1e6, 1e6), min_size=MIN_DRAWS_QUANTILE, max_size=400))
def test_quantile_interval_orders_its_bounds(xs):
    iv = quantile_interval(xs)
    assert iv.lower <= iv.estimate <= iv.upper
    assert min(xs) <= iv.lower and iv.upper <= max(xs)


@pytest.mark.parametrize("bad", [[], [1.0, math.nan] * 200])
def test_bad_draws_are_refused(bad):
    with pytest.raises(ValueError):
        quantile_interval(bad)
