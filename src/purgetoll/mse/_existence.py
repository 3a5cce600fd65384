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
    "Estimability",
    "ExistenceCheck",
    "check_model",
    "disjoint_pairs",
    "facial_set",
    "unobserved_estimability",
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


# --------------------------------------------------------------------------- estimability of N
#: A fitted-value direction larger than this on a cell takes the cell off the facial set.
FACE_TOL = 1e-7


def facial_set(x: np.ndarray, support: np.ndarray) -> np.ndarray:
    """The cells whose fitted counts stay positive in the extended MLE (the facial set).

    Fienberg & Rinaldo (2012): with zero cells ``Z`` and positive cells ``S``, a cell is off the
    facial set when some direction ``b`` with ``X_S b = 0`` and ``X_Z b >= 0`` is positive on it
    (moving along ``b`` raises the likelihood while that cell's fitted count goes to zero). The
    cells are found by linear programmes, each maximising ``sum X_C b`` over the zero cells ``C``
    not yet known to be off (capped at 1 each) until the optimum is zero. Returns a boolean mask.
    """
    support = np.asarray(support, dtype=bool)
    inside = np.ones(len(support), dtype=bool)
    if support.all():
        return inside
    return ~np.asarray(_facial_off_memo(x.tobytes(), x.shape, tuple(bool(v) for v in support)))


@lru_cache(maxsize=4096)
def _facial_off_memo(x_bytes: bytes, shape: tuple[int, int], support_t: tuple[bool, ...]) -> tuple[bool, ...]:
    x = np.frombuffer(x_bytes, dtype=float).reshape(shape)
    support = np.asarray(support_t)
    zero = ~support
    candidates = zero.copy()
    off = np.zeros(len(support), dtype=bool)
    xs = x[support]
    n_par = x.shape[1]
    while candidates.any():
        xc = x[candidates]
        res = linprog(
            -xc.sum(axis=0),
            A_ub=np.vstack([-x[zero], xc]),
            b_ub=np.concatenate([np.zeros(int(zero.sum())), np.ones(len(xc))]),
            A_eq=xs if xs.shape[0] else None,
            b_eq=np.zeros(xs.shape[0]) if xs.shape[0] else None,
            bounds=[(None, None)] * n_par,
            method="highs",
        )
        if res.status != 0 or -res.fun <= LP_ZERO:
            break
        new = candidates & (x @ res.x > FACE_TOL)
        if not new.any():
            break
        off |= new
        candidates &= ~new
    return tuple(bool(v) for v in off)


def _in_row_space(rows: np.ndarray, v: np.ndarray) -> bool:
    """Whether ``v`` is a linear combination of ``rows`` (numerically, by rank)."""
    if rows.shape[0] == 0:
        return not np.any(v)
    r = np.linalg.matrix_rank(rows)
    return int(np.linalg.matrix_rank(np.vstack([rows, v]))) == int(r)


@dataclass(frozen=True)
class Estimability:
    """Whether ``N = n + exp(intercept)`` is estimated by a log-linear fit, and if not, why.

    ``kind`` is ``None`` (estimable), ``"does not exist"`` (the maximum-likelihood estimate of the
    unobserved count is infinite) or ``"is not identifiable"`` (the unobserved count is confounded
    with the model's terms, whatever the counts or given the zero counts).
    """

    kind: str | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.kind is None


def unobserved_estimability(x: np.ndarray, y: np.ndarray, *, zero_pairs: str = "") -> Estimability:
    """Is the expected count of the all-zero history, ``exp(x0 b)`` with ``x0`` the intercept-only
    row, estimable from counts ``y`` under the design ``x`` (intercept first)?

    * Identifiable iff ``x0`` is in the row space of ``x`` (otherwise some term moves the unobserved
      count freely without changing any observed one: e.g. Mt + A:B on two lists).
    * With zero counts the likelihood is maximised only in a limit (the extended MLE, Fienberg &
      Rinaldo 2012) where the cells off the facial set are fitted at 0. The unobserved count is
      then finite if ``x0`` is in the row space of the facial rows ``F``; it goes to 0 (N = n, on
      the boundary, as Rcapture reports it) if ``x0`` is ``F``'s rows plus a non-negative mix of
      the off-face rows; it goes to infinity (the estimate does not exist: two lists without
      overlap under independence) if minus such a mix; otherwise it is left free (not
      identifiable).

    ``zero_pairs`` (e.g. ``"A and B"``) names lists that share no individual, for the message.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    x0 = np.zeros(x.shape[1])
    x0[0] = 1.0
    if not _in_row_space(x, x0):
        rank = int(np.linalg.matrix_rank(x))
        return Estimability(
            "is not identifiable",
            f"the count of people on no list is confounded with the model's terms (the design has rank "
            f"{rank} for {x.shape[1]} parameters on {x.shape[0]} observable histories); choose a model "
            "with fewer interactions",
        )
    face = facial_set(x, y > 0)
    if _in_row_space(x[face], x0):
        return Estimability(None)
    why = f"lists {zero_pairs} share no individual" if zero_pairs else "histories with zero counts"
    if _in_face_plus_cone(x[face], x[~face], x0, +1.0):
        # x0 = (facial rows) + (non-negative mix of the cells fitted at zero): along every path to
        # the maximum the unobserved count goes to 0 with them. The limit N = n is the extended MLE.
        return Estimability(None)
    if _in_face_plus_cone(x[face], x[~face], x0, -1.0):
        return Estimability(
            "does not exist",
            f"{why}: the likelihood keeps rising as the count of people on no list grows, so the "
            "maximum-likelihood estimate is infinite",
        )
    return Estimability(
        "is not identifiable",
        f"{why}: the maximum-likelihood fit is on the boundary of the model, where every count of "
        "people on no list fits the data equally well",
    )


def _in_face_plus_cone(face_rows: np.ndarray, off_rows: np.ndarray, v: np.ndarray, sign: float) -> bool:
    """Whether ``v = face_rows' a + sign * off_rows' c`` for some ``a`` and some ``c >= 0``.

    With ``sign = +1`` the linear predictor of ``v`` goes to minus infinity along every path to the
    extended MLE (each off-face cell's does, and the facial ones converge); with ``-1`` to plus
    infinity.
    """
    n_f, n_o = face_rows.shape[0], off_rows.shape[0]
    if n_o == 0:
        return False
    a_eq = np.hstack([face_rows.T, sign * off_rows.T])
    res = linprog(
        np.zeros(n_f + n_o),
        A_eq=a_eq,
        b_eq=v,
        bounds=[(None, None)] * n_f + [(0, None)] * n_o,
        method="highs",
    )
    return res.status == 0


def disjoint_pairs(table: CaptureTable, lists: Iterable[int] | None = None) -> str:
    """``"A and B, A and C"``: pairs of (non-empty) lists that share no individual, for messages."""
    totals = table.list_totals().to_numpy()
    keep = set(range(table.n_lists) if lists is None else lists)
    pairs = [f"{table.lists[i]} and {table.lists[j]}" for (i, j), c in overlap_counts(table).items()
             if c == 0 and i in keep and j in keep and totals[i] > 0 and totals[j] > 0]
    return ", ".join(pairs)
