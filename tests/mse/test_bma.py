"""BMA over decomposable graphical models against dga 2.0.2 and Madigan & York (1997).

Reference numbers: ``reference_outputs_computed.csv`` (bundled as
``purgetoll.mse.datasets.reference_outputs()``), rows "dga 2.0.2" (R 4.2.2): ``bma.cr`` with
delta = 2^-K and the prior 1/N (its model column). The issue asks for 1%; on the default grid
N0 = 0..15 n every median, quantile, mean and top-model weight agrees to the person, which also
says that this is the grid the reference run used (a longer grid moves the heavy-tailed tables).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.errors import NotEstimableError, StatisticalWarning
from purgetoll.mse import (
    BMA,
    CaptureTable,
    GridTruncationWarning,
    ListOverlapWarning,
    make_estimator,
)
from purgetoll.mse._base import InvalidParameterError, table_not_estimable
from purgetoll.mse._bma_math import (
    bma_posterior,
    history_patterns,
    log_prior_n,
    posterior_quantile,
    subset_log_terms,
)
from purgetoll.mse._decomposable import decomposable_graphs, graph_coefficients
from purgetoll.mse.datasets import load_table, reference_outputs

DGA_DATASETS = [
    "spina_bifida_madigan_york1997",
    "rcapture_HIV",
    "rcapture_lesbian",
    "congenital_anomaly_wittes1974",
    "mse_Korea_comfort_women_palembang",
    "sparsemse_UKdat_5",
    "sparsemse_Artificial_3",
]


def _dga_reference(name: str) -> pd.Series:
    ref = reference_outputs()
    row = ref[(ref["dataset"] == name) & (ref["package"] == "dga 2.0.2")]
    assert len(row) == 1, name
    return row.iloc[0]


# ---------------------------------------------------------------- decomposable graphs


@pytest.mark.parametrize(("k", "count"), [(2, 2), (3, 8), (4, 61), (5, 822)])
def test_number_of_decomposable_graphs(k, count):
    """Labelled chordal graphs on k vertices: 2, 8, 61, 822 (OEIS A058862; dga's graphs3-5)."""
    assert len(decomposable_graphs(k)) == count


def test_four_cycle_is_not_decomposable_but_its_triangulation_is():
    labels = {g.label() for g in decomposable_graphs(4)}
    assert "[1,2][1,3][2,4][3,4]" not in labels  # the chordless 4-cycle 1-2-4-3-1
    assert "[1,2,3][2,3,4]" in labels


def test_each_graph_has_one_more_clique_than_separators():
    """The total-count term enters each graph's likelihood once (cliques - separators = 1)."""
    for k in (3, 4, 5):
        coef = graph_coefficients(decomposable_graphs(k))
        assert np.all(coef.sum(axis=1) == 1)


def test_decomposable_graphs_rejects_bad_k():
    with pytest.raises(ValueError, match=r"number of lists must be an integer in \[2, 6\]; got 1"):
        decomposable_graphs(1)


def test_six_lists_enumerate_18154_graphs():
    """Labelled chordal graphs on six vertices: 18,154 (OEIS A058862)."""
    assert len(decomposable_graphs(6)) == 18154


def test_more_lists_than_enumerable_is_refused():
    table = load_table("sparsemse_NewOrl")
    with pytest.raises(InvalidParameterError) as err:
        BMA().fit(table)
    assert str(err.value) == (
        "BMA on sparsemse_NewOrl: averaging over all decomposable graphs is limited to 6 lists; "
        "the table has 8 (A, B, C, D, E, F, G, H). Merge or drop lists, or use the 'lcm' method."
    )


# ---------------------------------------------------------------- the mathematics


def test_history_patterns_first_list_slowest():
    assert history_patterns(3).tolist() == [
        [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1],
    ]  # fmt: skip


def test_saturated_three_list_marginal_likelihood_is_dirichlet_multinomial():
    """Under the saturated graph the subset term is the full-table Dirichlet-multinomial."""
    from scipy.special import gammaln

    y = np.array([3.0, 1, 4, 1, 5, 9, 2])
    n0 = np.array([0.0, 7.0])
    delta = 0.3
    terms = subset_log_terms(y, n0, delta)
    expected = [np.sum(gammaln(np.r_[m, y] + delta) - gammaln(delta)) for m in n0]
    np.testing.assert_allclose(terms[0b111], expected, rtol=1e-12)


@pytest.mark.parametrize("name", DGA_DATASETS)
def test_matches_dga_reference(name):
    """Posterior median and 2.5/97.5% quantiles within 1% of dga 2.0.2 (they agree exactly)."""
    ref = _dga_reference(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ListOverlapWarning)
        m = BMA().fit(load_table(name))
    assert m.population_ == pytest.approx(float(ref["estimate"]), rel=0.01)
    assert m.interval_[0] == pytest.approx(float(ref["lower95"]), rel=0.01)
    assert m.interval_[1] == pytest.approx(float(ref["upper95"]), rel=0.01)
    # exact agreement on the grid dga's reference run used
    assert (m.population_, *m.interval_) == (ref["estimate"], ref["lower95"], ref["upper95"])
    top = float(str(ref["note"]).split("top-model prob=")[1])
    assert m.diagnostics_["top_model_weight"] == pytest.approx(top, abs=0.005)
    mean = float(str(ref["note"]).split("mean=")[1].split(";")[0])
    assert m.diagnostics_["posterior_mean"] == pytest.approx(mean, abs=0.5)


def test_spina_bifida_published_madigan_york():
    """Madigan & York (1997), spina bifida, as dga's tests check it: delta = 1, prior 1/N,
    N0 = 0..300. Top model [B][D,M] with posterior probability 0.37; posterior mode 729 under
    the top model, 728 averaged; Bayes estimate 731 under relative squared error loss
    ((N - N^)/N)^2, whose minimiser is E[1/N] / E[1/N^2]."""
    table = load_table("spina_bifida_madigan_york1997")
    m = BMA(delta=1.0, max_missing=300).fit(table)
    d = m.diagnostics_
    assert d["top_model"] == "[birth_cert_B][death_cert_D,rehab_M]"
    assert round(d["top_model_weight"], 2) == 0.37
    assert d["top_model_mode"] == 729
    assert d["posterior_mode"] == 728
    assert round(d["bayes_relative_squared_loss"]) == 731
    # The data README words the loss as (N - N^)^2 / N; its minimiser 1/E[1/N] is 732.4 here,
    # so the published 731 is the relative-squared-error estimate.
    assert d["bayes_squared_over_n_loss"] == pytest.approx(732.4, abs=0.05)


def test_uk_delta_one_collapses_towards_the_prior():
    """The documented caveat: with delta = 1 on five sparse lists the estimate is pulled far
    below the default's (prior counts in the unobserved corner swamp the data)."""
    table = load_table("sparsemse_UKdat_5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ListOverlapWarning)
        default = BMA(n_draws=0).fit(table).population_
        one = BMA(delta=1.0, n_draws=0).fit(table).population_
    assert default == 22987
    assert one < 1.05 * table.n_observed  # 2,806 for 2,744 observed


def test_posterior_sums_to_one_and_quantiles_are_ordered():
    y = load_table("rcapture_HIV").counts
    res = bma_posterior(y, np.arange(0, 20000))
    assert res.posterior_n.sum() == pytest.approx(1.0, abs=1e-12)
    assert res.model_weights.sum() == pytest.approx(1.0, abs=1e-12)
    lo, med, hi = posterior_quantile(res.n_total, res.posterior_n, [0.025, 0.5, 0.975])
    assert y.sum() <= lo <= med <= hi


@settings(max_examples=25, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=60), min_size=7, max_size=7).filter(
        lambda c: sum(c) > 0
    ),
    perm=st.permutations([0, 1, 2]),
)
def test_list_order_does_not_change_the_posterior(counts, perm):
    """Relabelling the lists permutes the graphs but leaves the posterior of N unchanged."""
    y = np.array(counts, dtype=float)
    patterns = history_patterns(3)
    weights = 1 << np.arange(2, -1, -1)
    permuted = np.zeros_like(y)
    for h, p in enumerate(patterns):
        permuted[(p[list(perm)] @ weights) - 1] = y[h]
    grid = np.arange(0, 400)
    a = bma_posterior(y, grid).posterior_n
    b = bma_posterior(permuted, grid).posterior_n
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_known_population_of_independent_lists_is_recovered(seed):
    """Known truth: N = 1500 people, three independent lists capturing 30%, 40% and 50%; the
    95% interval contains 1500 (each seed is a fixed, keyed draw)."""
    from purgetoll.mse._rng import keyed_rng

    rng = keyed_rng(seed, "test.bma.population")
    caught = rng.random((1500, 3)) < np.array([0.3, 0.4, 0.5])
    codes = caught.astype(np.int64) @ np.array([4, 2, 1])
    counts = np.bincount(codes, minlength=8)[1:]
    table = CaptureTable.from_counts(counts, ("A", "B", "C"), source=f"simulated seed {seed}")
    m = BMA(n_draws=0).fit(table)
    assert m.interval_[0] <= 1500 <= m.interval_[1]


def test_uniform_prior_shifts_estimate_up():
    y = load_table("spina_bifida_madigan_york1997").counts
    grid = np.arange(0, 3000)
    inv = bma_posterior(y, grid, prior_n="inverse")
    uni = bma_posterior(y, grid, prior_n="uniform")
    assert np.sum(uni.n_total * uni.posterior_n) > np.sum(inv.n_total * inv.posterior_n)


# ---------------------------------------------------------------- estimator contract


def test_summary_schema_and_draws_are_reproducible():
    table = load_table("spina_bifida_madigan_york1997")
    a = BMA(seed=3).fit(table)
    s = a.summary()
    assert list(s.columns) == [
        "estimate", "se", "lower_95", "upper_95", "n_observed", "method", "status", "interval", "ess", "r_hat",
    ]  # fmt: skip
    assert s.loc[0, "method"] == "bma" and s.loc[0, "n_observed"] == 626
    assert np.isnan(s.loc[0, "ess"]) and np.isnan(s.loc[0, "r_hat"])  # exact: no Monte Carlo
    b = BMA(seed=3).fit(table)
    np.testing.assert_array_equal(a.draws_, b.draws_)
    assert abs(np.median(a.draws_) - a.population_) <= 3
    assert a.model_weights_["weight"].is_monotonic_decreasing
    assert a.posterior_n_["probability"].sum() == pytest.approx(1.0)


def test_registry_builds_bma():
    assert isinstance(make_estimator("bma"), BMA)
    assert make_estimator("bma:delta=1").delta == 1.0
    with pytest.raises(InvalidParameterError, match=r"unknown option 'bma:foo'"):
        make_estimator("bma:foo")
    with pytest.raises(
        InvalidParameterError, match=r"'bma:delta=x': delta must be a positive number"
    ):
        make_estimator("bma:delta=x")


def test_no_overlap_warns_with_the_pair():
    lists = ("A", "B", "C")
    # A and C never share anyone (histories 101 and 111 are empty)
    table = CaptureTable.from_counts([30, 20, 5, 25, 0, 6, 0], lists, source="t.csv")
    with pytest.warns(ListOverlapWarning, match=r"t.csv: these lists share no individual: A & C"):
        BMA(n_draws=0).fit(table)


def test_grid_too_short_warns():
    table = load_table("sparsemse_Artificial_3")
    with (
        warnings.catch_warnings(),
        pytest.warns(GridTruncationWarning, match=r"top tenth of the grid \(N0 up to 200\)"),
    ):
        warnings.simplefilter("ignore", ListOverlapWarning)
        BMA(max_missing=200, n_draws=0).fit(table)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"delta": 0},
            "The 'delta' parameter of BMA must be None or a positive number. Got 0 instead.",
        ),
        (
            {"prior_n": "flat"},
            "The 'prior_n' parameter of BMA must be 'inverse' or 'uniform'. Got 'flat' instead.",
        ),
        (
            {"max_missing": 0},
            "The 'max_missing' parameter of BMA must be None or an integer >= 1. Got 0 instead.",
        ),
        (
            {"n_draws": -1},
            "The 'n_draws' parameter of BMA must be an integer >= 0. Got -1 instead.",
        ),
        ({"seed": -2}, "The 'seed' parameter of BMA must be an integer >= 0. Got -2 instead."),
    ],
)
def test_bad_options_raise_the_exact_error(options, message):
    table = load_table("spina_bifida_madigan_york1997")
    with pytest.raises(InvalidParameterError) as err:
        BMA(**options).fit(table)
    assert str(err.value) == message


def test_bad_inputs_to_the_pure_functions():
    with pytest.raises(
        ValueError,
        match=r"counts must have length 2\^K-1 for K >= 2 lists \(3, 7, 15, 31, ...\); got 5",
    ):
        bma_posterior(np.ones(5), np.arange(10))
    with pytest.raises(
        ValueError, match=r"counts must be non-negative integers; history 2 has -1.0"
    ):
        bma_posterior(np.array([1.0, -1, 2]), np.arange(10))
    with pytest.raises(
        ValueError, match=r"n_missing must be strictly increasing non-negative integers"
    ):
        bma_posterior(np.ones(3), np.array([3.0, 2.0]))
    with pytest.raises(ValueError, match=r"delta must be a positive number; got -1"):
        bma_posterior(np.ones(3), np.arange(10), -1.0)
    with pytest.raises(
        ValueError, match=r"prior must be 'inverse', 'uniform' or an array; got 'x'"
    ):
        log_prior_n(np.arange(1, 5), "x")
    with pytest.raises(
        TypeError, match=r"BMA.fit expects a purgetoll.mse.CaptureTable; got ndarray"
    ):
        BMA().fit(np.ones(7))


@settings(max_examples=30, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=200), min_size=7, max_size=7).filter(
        lambda c: sum(c) > 0
    ),
    delta=st.sampled_from([None, 0.5, 1.0]),
)
def test_estimate_is_inside_its_interval_and_above_the_observed(counts, delta):
    table = CaptureTable.from_counts(counts, ("A", "B", "C"), source="hypothesis")
    if table_not_estimable(table) is not None:  # no one on two lists: nothing bounds N (issue 10)
        with pytest.raises(NotEstimableError):
            BMA(delta=delta, n_draws=0).fit(table)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatisticalWarning)
        m = BMA(delta=delta, n_draws=0).fit(table)
    lower, upper = m.interval_
    assert table.n_observed <= lower <= m.population_ <= upper
    assert m.model_weights_["weight"].sum() == pytest.approx(1.0)
