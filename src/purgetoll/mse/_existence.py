"""Does the maximum-likelihood estimate of a two-list-interaction model exist, and is it identified?

Models here are main effects plus a set of two-list interactions (pairs of 0-based list
positions), the family of SparseMSE (Chan, Silverman & Vincent 2021, JASA 116:1297-1306).

* A pair of lists that share no individual ("non-overlapping" pair) has an interaction of
  minus infinity if it is in the model: the histories containing both lists are structural
  zeros, so they are removed and the parameter is dropped.
* Existence (Fienberg & Rinaldo 2012, Ann. Statist. 40:996-1023): the extended MLE exists iff
  some table with strictly positive cells has the same sufficient statistics ``t = A y``. This
  is the linear programme ``max s`` subject to ``A x = t``, ``x_i >= s``, ``x, s >= 0``; the
  estimate exists iff the optimum is positive.
* Identifiability: the design restricted to the remaining histories has full column rank.

The error code follows SparseMSE's ``checkident``: 0 = fine, 1 = MLE does not exist,
2 = not identifiable, 3 = both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import linprog

from purgetoll.mse._table import CaptureTable, history_matrix

__all__ = ["ExistenceCheck", "check_model", "overlap_counts", "pair_design"]

Pair = tuple[int, int]

#: An LP optimum at or below this (persons) counts as zero: no strictly positive table fits.
LP_ZERO = 1e-9  # (the LP is solved on the 0/1 support table)


@dataclass(frozen=True)
class ExistenceCheck:
    """Result of :func:`check_model`."""

    exists: bool
    identifiable: bool
    lp_value: float
    rank_deficiency: int
    empty_pairs: tuple[Pair, ...]

    @property
    def code(self) -> int:
        """SparseMSE's ``ierr``: 0 ok, 1 MLE does not exist, 2 not identifiable, 3 both."""
        return int(not self.exists) + 2 * int(not self.identifiable)

    @property
    def ok(self) -> bool:
        return self.code == 0


def overlap_counts(table: CaptureTable) -> dict[Pair, int]:
    """Individuals on both lists of each pair (persons), whatever their other lists."""
    h = table.histories().astype(np.int64)
    k = table.n_lists
    return {
        (i, j): int(np.sum(h[:, i] * h[:, j] * table.counts))
        for i in range(k)
        for j in range(i + 1, k)
    }


def pair_design(
    table: CaptureTable, pairs: Iterable[Pair]
) -> tuple[np.ndarray, np.ndarray, tuple[Pair, ...], tuple[Pair, ...]]:
    """The design of main effects + ``pairs`` on the histories that are not structural zeros.

    Returns ``(x, keep, fitted_pairs, empty_pairs)``: ``x`` has the intercept, the K main
    effects and one column per overlapping pair; ``keep`` is the boolean mask of histories
    (rows of :meth:`CaptureTable.histories`) that remain.
    """
    pairs = tuple(sorted({tuple(sorted(p)) for p in pairs}))  # type: ignore[misc]
    h = history_matrix(table.n_lists).astype(float)
    overlaps = overlap_counts(table)
    keep = np.ones(len(h), dtype=bool)
    fitted: list[Pair] = []
    empty: list[Pair] = []
    for i, j in pairs:
        if overlaps[(i, j)] == 0:
            empty.append((i, j))
            keep &= ~((h[:, i] == 1) & (h[:, j] == 1))
        else:
            fitted.append((i, j))
    cols = [np.ones(len(h)), *(h[:, j] for j in range(table.n_lists))]
    cols += [h[:, i] * h[:, j] for i, j in fitted]
    x = np.column_stack(cols)[keep]
    return x, keep, tuple(fitted), tuple(empty)


def check_model(table: CaptureTable, pairs: Iterable[Pair]) -> ExistenceCheck:
    """Linear-programming existence test and rank test of main effects + ``pairs``."""
    x, keep, _, empty = pair_design(table, pairs)
    y = table.counts[keep].astype(float)
    n_obs, n_par = x.shape
    rank = int(np.linalg.matrix_rank(x))
    if np.all(y > 0):
        # The observed table itself is strictly positive with these sufficient statistics,
        # so the LP optimum is positive (at least min y); no need to solve it.
        return ExistenceCheck(True, rank == n_par, float(y.min()), n_par - rank, empty)
    support = tuple(bool(v) for v in (y > 0))
    lp_value = _lp_optimum(x.tobytes(), x.shape, support)
    return ExistenceCheck(
        exists=lp_value > LP_ZERO,
        identifiable=rank == n_par,
        lp_value=lp_value,
        rank_deficiency=n_par - rank,
        empty_pairs=empty,
    )


@lru_cache(maxsize=4096)
def _lp_optimum(x_bytes: bytes, shape: tuple[int, int], support: tuple[bool, ...]) -> float:
    """The LP optimum for the 0/1 table on ``support``.

    Existence of the extended MLE depends only on which cells are positive (Fienberg & Rinaldo
    2012: the sufficient statistic must lie in the relative interior of the marginal cone, a
    property of the support), so the LP is solved for the indicator table and memoised on the
    support; bootstrap replicates with the same zero pattern reuse it. Pure function.
    """
    x = np.frombuffer(x_bytes, dtype=float).reshape(shape)
    y = np.asarray(support, dtype=float)
    n_obs, n_par = x.shape
    t = x.T @ y
    # Variables: the cells x_1..x_m and the slack s; maximise s.
    c = np.zeros(n_obs + 1)
    c[-1] = -1.0
    a_eq = np.hstack([x.T, np.zeros((n_par, 1))])
    a_ub = np.hstack([-np.eye(n_obs), np.ones((n_obs, 1))])  # s - x_i <= 0
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(n_obs),
        A_eq=a_eq,
        b_eq=t,
        bounds=[(0, None)] * (n_obs + 1),
        method="highs",
    )
    return float(-res.fun) if res.status == 0 else 0.0
