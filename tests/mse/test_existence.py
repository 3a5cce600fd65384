"""The existence test: SparseMSE's primal LP and the facial dual used here agree."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.mse import CaptureTable
from purgetoll.mse._existence import (
    LP_ZERO,
    check_model,
    facial_lp_optimum,
    pair_design,
    primal_lp_optimum,
)

PAIRS_4 = list(itertools.combinations(range(4), 2))


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(
        st.one_of(st.just(0), st.just(0), st.integers(1, 30)), min_size=15, max_size=15
    ).filter(lambda c: sum(c) > 0),
    pairs=st.sets(st.sampled_from(PAIRS_4), max_size=6),
)
def test_primal_and_facial_lp_agree(counts, pairs):
    """Fienberg & Rinaldo (2012): a strictly positive table with the same sufficient statistics
    exists (primal optimum > 0) iff the statistic is on no proper face (facial optimum = 0)."""
    t = CaptureTable.from_counts(counts, list("ABCD"))
    x, keep, _, _ = pair_design(t, pairs)
    y = t.counts[keep].astype(float)
    primal = primal_lp_optimum(x, y)
    facial = facial_lp_optimum(x, y > 0)
    assert (primal > LP_ZERO) == (facial <= LP_ZERO)
    assert check_model(t, pairs).exists == (primal > LP_ZERO)


def test_positive_table_always_exists():
    t = CaptureTable.from_counts(np.arange(1, 16), list("ABCD"))
    for r in range(len(PAIRS_4) + 1):
        for pairs in itertools.combinations(PAIRS_4, r):
            assert check_model(t, pairs).exists


def test_saturated_two_list_model_is_not_identifiable():
    """A and C, and B and C, never overlap, so their histories are structural zeros: main
    effects + A:B leave 5 parameters for the 4 remaining histories (rank deficiency 1), the
    situation of SparseMSE's Artificial_3."""
    t = CaptureTable.from_counts([5, 6, 0, 7, 0, 3, 0], list("ABC"))
    check = check_model(t, [(0, 1), (0, 2), (1, 2)])
    assert check.empty_pairs == ((0, 2), (1, 2))
    assert not check.identifiable and check.rank_deficiency == 1


def test_check_model_by_list_name():
    """SparseMSE checkident(Artificial_3, mX = c(1, 2)): the MLE does not exist."""
    from purgetoll.mse import check_model as public_check
    from purgetoll.mse.datasets import load_table

    t = load_table("sparsemse_Artificial_3")
    assert public_check(t, [("A", "B")]).code == 1
    assert public_check(t, [("A", "C"), ("B", "C")]).code == 0
    with pytest.raises(ValueError) as err:
        public_check(t, [("A", "Z")])
    assert str(err.value) == "unknown list 'Z' in ('A', 'Z'); lists are A, B, C"
    with pytest.raises(ValueError) as err:
        public_check(t, [("A", "A")])
    assert str(err.value) == "interaction ('A', 'A') must name two distinct lists of A, B, C"
