"""Ranking of hierarchical log-linear models by AIC and BIC."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from purgetoll.errors import LimitError
from purgetoll.mse import InvalidParameterError, MinBIC
from purgetoll.mse._selection import hierarchical_models, rank_models
from purgetoll.mse.datasets import load_table


def _brute_force_count(k: int, max_order: int) -> int:
    """Count hierarchical interaction sets by checking every subset of terms."""
    terms = [t for r in range(2, max_order + 1) for t in itertools.combinations(range(k), r)]
    count = 0
    for mask in range(2 ** len(terms)):
        chosen = {terms[i] for i in range(len(terms)) if mask >> i & 1}
        if all(
            s in chosen
            for t in chosen
            for s in itertools.combinations(t, len(t) - 1)
            if len(s) >= 2
        ):
            count += 1
    return count


@pytest.mark.parametrize(("k", "order"), [(3, 2), (4, 2), (4, 3), (5, 2)])
def test_hierarchical_model_counts(k, order):
    models = hierarchical_models(k, order)
    assert len(models) == _brute_force_count(k, order)
    assert len({m.interactions for m in models}) == len(models)


def test_hierarchical_limits():
    with pytest.raises(InvalidParameterError) as err:
        hierarchical_models(4, 4)
    assert str(err.value) == (
        "max_order must be between 1 and 3 (the number of lists minus one; the 4-way term is "
        "confounded with the unobserved cell); got 4"
    )
    with pytest.raises(LimitError) as err:
        hierarchical_models(8, 2)
    assert str(err.value).startswith(
        "the hierarchical models on 8 lists up to order 2: at least 40,001 models exceeds the limit mse_models = "
        "40,000 (candidate models fitted and ranked by BIC or AIC"
    )
    assert str(err.value).endswith(
        "Lower max_order or use stepwise selection (method 'stepwise'), or raise the limit with --limit "
        "mse_models=VALUE (Python: limits={'mse_models': VALUE})"
    )


def test_ranking_is_sorted_and_consistent():
    t = load_table("rcapture_lesbian")
    by_bic = rank_models(t, max_order=2, criterion="bic")
    by_aic = rank_models(t, max_order=2, criterion="aic")
    assert len(by_bic) == 64
    assert np.all(np.diff(by_bic["bic"].to_numpy()) >= -1e-6)
    assert np.all(np.diff(by_aic["aic"].to_numpy()) >= -1e-6)
    # BIC penalises by log(2185) > 2 per parameter, so its choice is never larger than AIC's.
    assert by_bic["n_params"].iloc[0] <= by_aic["n_params"].iloc[0]
    best = MinBIC(family="hierarchical", ci="wald").fit(t)
    assert best.model_ == by_bic["model"].iloc[0]
    assert best.population_ == pytest.approx(by_bic["estimate"].iloc[0])
    assert best.ranking_.equals(by_bic)
