"""The estimator contract, checked over every registered MSE method (STYLE.md 7, 8, 11, 14)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.errors import BoundaryWarning, StatisticalWarning
from purgetoll.mse import (
    SAMPLER_COLUMNS,
    SUMMARY_COLUMNS,
    CaptureTable,
    InvalidParameterError,
    LogLinear,
    MinBIC,
    NotFittedError,
    Stepwise,
    make_estimator,
    methods,
)
from purgetoll.mse.datasets import load_table

# Small settings so the whole contract suite stays fast; applied only where the option exists.
QUICK = {
    "n_boot": 20,
    "burn_in": 300,
    "n_draws": 200,
    "thin": 2,
    "n_chains": 2,
    "warm_up": 100,
}


def _all_methods() -> list[str]:
    out = []
    for name, spec in methods().items():
        out += [name if s is None else f"{name}:{s}" for s in spec.compare]
    return out


ALL_METHODS = _all_methods()


def _quick(method: str, seed: int = 3):
    est = make_estimator(method, seed=seed)
    params = est.get_params()
    est.set_params(**{k: v for k, v in QUICK.items() if k in params})
    return est


@pytest.fixture(scope="module")
def spina():
    return load_table("spina_bifida_madigan_york1997")


@pytest.fixture(scope="module")
def hiv():
    return load_table("rcapture_HIV")


def test_registry_has_the_issue_methods():
    names = set(methods())
    assert {"loglinear", "bic", "stepwise"} <= names
    assert len(ALL_METHODS) >= 8


@pytest.mark.parametrize("method", ALL_METHODS)
def test_contract(method, spina, hiv):
    est = _quick(method)
    with pytest.raises(NotFittedError, match=f"{type(est).__name__} is not fitted yet"):
        est.summary()
    with warnings.catch_warnings():
        # Short test chains draw R-hat warnings; the contract, not convergence, is tested here.
        warnings.simplefilter("ignore", (BoundaryWarning, StatisticalWarning))
        assert est.fit(spina) is est
        first = (est.population_, est.interval_, est.se_)
        draws = None if est.draws_ is None else est.draws_.copy()
        summary = est.summary()
        expected = list(SUMMARY_COLUMNS) + (list(SAMPLER_COLUMNS) if est.sampler else [])
        assert list(summary.columns) == expected
        lo, hi = est.interval()
        if np.isnan(lo):  # too few draws for an interval (QUICK settings): said, never zero-width
            assert np.isnan(hi) and summary["interval"].iloc[0].startswith("no interval: ")
        else:
            assert est.n_observed_ <= lo <= est.population_ <= hi
        assert summary["status"].iloc[0] == "ok"
        assert est.population_ >= est.n_observed_ == spina.n_observed
        assert summary["method"].iloc[0] == est.method_
        # Refit on another table replaces every result; refit on the first is identical.
        est.fit(hiv)
        assert est.n_observed_ == hiv.n_observed and est.table_ is hiv
        est.fit(spina)
    assert np.array_equal((est.population_, *est.interval_, est.se_), (first[0], *first[1], first[2]),
                          equal_nan=True)
    if draws is not None:
        assert np.array_equal(draws, est.draws_)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_every_option_is_declared_and_checked(method):
    est = _quick(method)
    name = type(est).__name__
    for key in est.get_params():
        assert key in est._parameter_constraints, f"{name}.{key} has no constraint"
        bad = object()
        broken = est.clone(**{key: bad})
        with pytest.raises(InvalidParameterError) as err:
            broken.fit(load_table("rcapture_HIV"))
        desc = est._parameter_constraints[key].description
        assert (
            str(err.value)
            == f"The '{key}' parameter of {name} must be {desc}. Got {bad!r} instead."
        )


def test_fit_rejects_wrong_input_type():
    with pytest.raises(TypeError) as err:
        LogLinear().fit([[0, 1, 3]])
    assert str(err.value).startswith("LogLinear.fit expects a purgetoll.mse.CaptureTable; got list")


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("Mq", "unknown base 'Mq'"),
        ("Mth-Weibull", "unknown heterogeneity 'Weibull'"),
        ("Mt+1:9", "interaction '1:9' must name distinct list positions 1..4"),
        ("Mt+1:1", "interaction '1:1' must name distinct list positions 1..4"),
        ("M0+1:2", "interactions need base Mt or Mth"),
        ("Mt-Chao", "heterogeneity needs base Mh or Mth, not Mt"),
    ],
)
def test_bad_model_strings(model, message, hiv):
    with pytest.raises(InvalidParameterError) as err:
        LogLinear(model=model).fit(hiv)
    text = str(err.value)
    assert text.startswith(
        f"The 'model' parameter of LogLinear is invalid for rcapture_HIV: model '{model}': "
    )
    assert message in text


def test_unknown_method():
    with pytest.raises(InvalidParameterError) as err:
        make_estimator("nope")
    assert str(err.value) == f"unknown method 'nope'; valid methods: {', '.join(methods())}"


def test_summary_and_plot(spina):
    import matplotlib

    matplotlib.use("Agg")
    est = LogLinear("Mt").fit(spina)
    ax = est.plot()
    assert "estimate" in ax.get_xlabel()
    est.print_summary()


# --------------------------------------------------------------------- properties

counts_4 = st.lists(st.integers(min_value=3, max_value=80), min_size=15, max_size=15)


def _table_and_relabelled(counts: list[int], perm: list[int]) -> tuple[CaptureTable, CaptureTable]:
    """A four-list table and the same table with its lists in the order ``perm``."""
    names = ["A", "B", "C", "D"]
    t = CaptureTable.from_counts(counts, names)
    return t, t.reorder([names[i] for i in perm])


@settings(max_examples=25, deadline=None)
@given(counts=counts_4, perm=st.permutations([0, 1, 2, 3]))
def test_list_order_does_not_change_loglinear_estimates(counts, perm):
    """Relabelling the lists is a symmetry of every model without position-specific terms."""
    t, r = _table_and_relabelled(counts, perm)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (BoundaryWarning, StatisticalWarning))
        for model in ("M0", "Mt", "Mth-Chao", "Mth-Poisson2", "Mth-Darroch", "Mth-Gamma"):
            a = LogLinear(model, ci="wald").fit(t)
            b = LogLinear(model, ci="wald").fit(r)
            assert b.population_ == pytest.approx(a.population_, rel=1e-6), model
            assert b.interval_[1] == pytest.approx(a.interval_[1], rel=1e-6), model
        assert MinBIC(ci="wald").fit(r).population_ == pytest.approx(
            MinBIC(ci="wald").fit(t).population_, rel=1e-6
        )


@settings(max_examples=15, deadline=None)
@given(counts=counts_4, perm=st.permutations([0, 1, 2, 3]))
def test_list_order_does_not_change_stepwise(counts, perm):
    t, r = _table_and_relabelled(counts, perm)
    a = Stepwise(ci="conditional").fit(t)
    b = Stepwise(ci="conditional").fit(r)
    assert sorted(sorted(p) for p in a.pairs_) == sorted(sorted(p) for p in b.pairs_)
    assert b.population_ == pytest.approx(a.population_, rel=1e-6)


@settings(max_examples=15, deadline=None)
@given(counts=counts_4, scale=st.integers(2, 5))
def test_mt_estimate_scales_with_counts(counts, scale):
    """Multiplying every count by c multiplies the Mt estimate by c (the MLE is homogeneous)."""
    t = CaptureTable.from_counts(counts, list("ABCD"))
    t2 = CaptureTable.from_counts(np.asarray(counts) * scale, list("ABCD"))
    a = LogLinear("Mt", ci="wald").fit(t)
    b = LogLinear("Mt", ci="wald").fit(t2)
    assert b.population_ == pytest.approx(scale * a.population_, rel=1e-7)
