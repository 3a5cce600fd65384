"""Does the maximum-likelihood estimate of a two-list-interaction model exist, and is it identified?

Models here are main effects plus a set of two-list interactions (pairs of 0-based list
positions), the family of SparseMSE (Chan, Silverman & Vincent 2021, JASA 116:1297-1306).

* A pair of lists that share no individual ("non-overlapping" pair) has an interaction of
  minus infinity if it is in the model: the histories containing both lists are structural
  zeros, so they are removed and the parameter is dropped.
* Existence (Fienberg & Rinaldo 2012, Ann. Statist. 40:996-1023): the extended MLE exists iff
  some table with strictly positive cells has the same sufficient statistics ``t = A y``.
  SparseMSE solves this as the linear programme ``max s`` subject to ``A x = t``,
  ``x_i >= s``, ``x, s >= 0`` (:func:`primal_lp_optimum`); the same question is answered here
  by its facial dual, which has one variable per parameter instead of per cell
  (:func:`facial_lp_optimum`; the two are checked against each other in the tests).
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

__all__ = [
    "ExistenceCheck",
    "check_model",
    "facial_lp_optimum",
    "overlap_counts",
    "pair_design",
    "primal_lp_optimum",
]

Pair = tuple[int, int]

#: A facial-LP optimum at or below this counts as zero (the MLE exists).
LP_ZERO = 1e-9


@dataclass(frozen=True)
class ExistenceCheck:
    """Result of :func:`check_model`."""

    exists: bool
    identifiable: bool
    lp_value: float  # optimum of the facial LP: 0 when the MLE exists
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


def _positions(table: CaptureTable, pairs: Iterable[tuple]) -> list[Pair]:
    """Pairs given by list name or 0-based position, as sorted positions."""
    out: list[Pair] = []
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"a two-list interaction needs two lists; got {pair!r}")
        pos = []
        for item in pair:
            if isinstance(item, str):
                if item not in table.lists:
                    raise ValueError(
                        f"unknown list '{item}' in {pair!r}; lists are {', '.join(table.lists)}"
                    )
                pos.append(table.lists.index(item))
            else:
                pos.append(int(item))
        i, j = sorted(pos)
        if i == j or i < 0 or j >= table.n_lists:
            raise ValueError(
                f"interaction {pair!r} must name two distinct lists of {', '.join(table.lists)}"
            )
        out.append((i, j))
    return out


def check_model(table: CaptureTable, pairs: Iterable[tuple]) -> ExistenceCheck:
    """Existence (linear programme) and identifiability (rank) of main effects + ``pairs``.

    ``pairs`` are two-list interactions given by list name (``("A", "B")``) or 0-based
    position (``(0, 1)``).
    """
    x, keep, _, empty = pair_design(table, _positions(table, pairs))
    y = table.counts[keep].astype(float)
    n_par = x.shape[1]
    rank = int(np.linalg.matrix_rank(x))
    if np.all(y > 0):
        # The observed table is itself strictly positive with these sufficient statistics.
        value = 0.0
    else:
        support = tuple(bool(v) for v in (y > 0))
        value = _facial_lp_memo(x.tobytes(), x.shape, support)
    return ExistenceCheck(
        exists=value <= LP_ZERO,
        identifiable=rank == n_par,
        lp_value=value,
        rank_deficiency=n_par - rank,
        empty_pairs=empty,
    )


def primal_lp_optimum(x: np.ndarray, y: np.ndarray) -> float:
    """SparseMSE's LP (``checkident``): ``max s`` s.t. ``X'z = X'y``, ``z_i >= s``, ``z, s >= 0``.

    Positive iff a strictly positive table has the sufficient statistics of ``y``, i.e. iff the
    extended MLE exists. One variable per cell: slow on many lists; kept as the reference
    formulation that :func:`facial_lp_optimum` is tested against.
    """
    n_obs, n_par = x.shape
    c = np.zeros(n_obs + 1)
    c[-1] = -1.0
    a_eq = np.hstack([x.T, np.zeros((n_par, 1))])
    a_ub = np.hstack([-np.eye(n_obs), np.ones((n_obs, 1))])  # s - z_i <= 0
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(n_obs),
        A_eq=a_eq,
        b_eq=x.T @ y,
        bounds=[(0, None)] * (n_obs + 1),
        method="highs",
    )
    return float(-res.fun) if res.status == 0 else 0.0


def facial_lp_optimum(x: np.ndarray, support: np.ndarray) -> float:
    """The dual test: ``max sum(X_Z b)`` s.t. ``X_S b = 0``, ``0 <= X_Z b <= 1``, ``b`` free.

    ``S`` are the positive cells, ``Z`` the zero cells. The sufficient statistic lies on a
    proper face of the marginal cone (the MLE does not exist) iff some ``b`` vanishes on the
    support and is non-negative and not identically zero on the zero cells, i.e. iff this
    optimum is positive. One variable per parameter instead of per cell, so it is fast for
    eight lists and more. Depends only on the support (Fienberg & Rinaldo 2012).
    """
    support = np.asarray(support, dtype=bool)
    xs, xz = x[support], x[~support]
    if xz.shape[0] == 0:
        return 0.0
    n_par = x.shape[1]
    res = linprog(
        -xz.sum(axis=0),
        A_ub=np.vstack([-xz, xz]),
        b_ub=np.concatenate([np.zeros(len(xz)), np.ones(len(xz))]),
        A_eq=xs if xs.shape[0] else None,
        b_eq=np.zeros(xs.shape[0]) if xs.shape[0] else None,
        bounds=[(None, None)] * n_par,
        method="highs",
    )
    return float(-res.fun) if res.status == 0 else 0.0


@lru_cache(maxsize=4096)
def _facial_lp_memo(x_bytes: bytes, shape: tuple[int, int], support: tuple[bool, ...]) -> float:
    """:func:`facial_lp_optimum` memoised on (design, support); a pure function, so bootstrap
    replicates with the same zero pattern reuse the answer."""
    x = np.frombuffer(x_bytes, dtype=float).reshape(shape)
    return facial_lp_optimum(x, np.asarray(support))
