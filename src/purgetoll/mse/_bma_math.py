"""Bayesian model averaging over decomposable graphical models: the mathematics (pure functions).

This is the method of Madigan & York (1997, "Bayesian methods for estimation of the size of a
closed population", Biometrika 84:19-31), as implemented in the R package dga (Johndrow, Lum &
Ball; version 2.0.2 is the reference here). Everything is a pure function of a count vector.

History order
-------------
A K-list table is a vector ``y`` of length 2^K - 1 over the observable capture histories, in
lexicographic order with the FIRST list varying SLOWEST (the order of the CSV files and of
:func:`history_patterns`): for K=3 the rows are 001, 010, 011, 100, 101, 110, 111. The
all-zero history (the dark figure) is never part of ``y``.

Model
-----
For each decomposable graph G (see :mod:`._decomposable`) the complete 2^K table, with the
unobserved cell holding ``N0`` people, is multinomial with cell probabilities drawn from the
hyper-Dirichlet prior whose full-table prior count is ``delta`` in every cell: a marginal table
on a subset s of lists then has prior count ``delta * 2^(K-|s|)`` per cell, and the total prior
count is ``A = delta * 2^K`` everywhere. The log marginal likelihood of a subset's table is

    f_s(N0) = sum_cells [lgamma(m_c + a_s) - lgamma(a_s)] + lgamma(A) - lgamma(N + A),

with ``m_c`` the marginal counts (the all-absent cell includes ``N0``), ``a_s`` the per-cell prior
count and ``N = n + N0``. The graph's log likelihood is ``sum_C f_C - sum_S f_S`` over cliques and
separators; adding the multinomial coefficient ``log N! - log N0! - sum log y!`` and the log prior
of N and of the graph gives the joint log posterior of (G, N0) on the grid of ``N0`` values.

Prior count delta
-----------------
dga's documentation recommends ``delta = 2^-K`` (a total prior count of one person), the default
here. With ``delta = 1`` (Madigan & York's choice for their small tables) the prior adds 2^K
pseudo-people spread evenly over the cells; on a large, sparse table those pseudo-counts fill
the many empty cells, the saturated and near-saturated graphs win, and the estimate collapses
onto the observed count. On the UK five-list table (2,744 observed; ``sparsemse_UKdat_5``)
``delta = 1`` gives 2,806 (95%: 2,746-3,092) with the saturated graph at weight 1.00, against
22,987 (10,387-33,463) with the default 2^-5 (dga 2.0.2 gives the latter). Use ``delta = 1``
only to reproduce Madigan & York.

Prior on N
----------
``"inverse"`` (the default of dga and of Madigan & York): p(N) proportional to 1/N.
``"uniform"``: flat over the grid. Any other prior is a vector of log prior weights on the grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, logsumexp

from purgetoll.mse._decomposable import DecomposableGraph, decomposable_graphs, graph_coefficients

__all__ = [
    "BMAPosterior",
    "bma_posterior",
    "history_patterns",
    "log_prior_n",
    "posterior_quantile",
    "subset_log_terms",
]

#: Grid columns processed at once (at most): 822 graphs on five lists x 8192 x 8 bytes is 54 MB.
_GRID_CHUNK = 8192
#: Cap on graph x grid entries held at once (25M doubles, 200 MB): six lists have 18,154 graphs,
#: so their chunks are narrower.
_MAX_ENTRIES = 25_000_000


def history_patterns(k: int) -> np.ndarray:
    """The 0/1 capture patterns of the 2^K - 1 observable histories, first list varying slowest.

    Returns an int8 array of shape ``(2**k - 1, k)``; row ``h - 1`` is the binary expansion of
    ``h`` with list 1 as the most significant bit.
    """
    if not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(
            f"history_patterns: the number of lists must be a positive integer; got {k!r}"
        )
    h = np.arange(1, 1 << k, dtype=np.int64)
    shifts = np.arange(k - 1, -1, -1, dtype=np.int64)
    return ((h[:, None] >> shifts[None, :]) & 1).astype(np.int8)


def _check_counts(y: np.ndarray, where: str) -> tuple[np.ndarray, int]:
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(
            f"{where}: counts must be a 1-d vector over the 2^K-1 histories; got shape {y.shape}"
        )
    size = y.shape[0] + 1
    k = size.bit_length() - 1
    if size < 4 or (1 << k) != size:
        raise ValueError(
            f"{where}: counts must have length 2^K-1 for K >= 2 lists (3, 7, 15, 31, ...); got {y.shape[0]}"
        )
    if not np.all(np.isfinite(y)) or np.any(y < 0) or np.any(y != np.round(y)):
        bad = int(np.flatnonzero(~np.isfinite(y) | (y < 0) | (y != np.round(y)))[0])
        raise ValueError(
            f"{where}: counts must be non-negative integers; history {bad + 1} has {float(y[bad])!r}"
        )
    if y.sum() <= 0:
        raise ValueError(f"{where}: counts must contain at least one observed person; all are zero")
    return y.astype(np.float64), k


def subset_log_terms(y: np.ndarray, n_missing: np.ndarray, delta: float) -> np.ndarray:
    """The part of each subset's log marginal likelihood that varies by subset.

    Returns an array of shape ``(2**K, len(n_missing))``: row ``s`` (a bitmask, bit ``j`` for list
    ``j`` counted from 0) holds ``sum_cells [lgamma(m_c + a_s) - lgamma(a_s)]`` at each grid value
    ``N0``. The remaining term ``lgamma(A) - lgamma(N + A)`` is the same for every subset and,
    since each graph has one more clique than separators, enters each graph exactly once; it is
    added by :func:`bma_posterior`.
    """
    y, k = _check_counts(y, "subset_log_terms")
    n_missing = np.asarray(n_missing, dtype=np.float64)
    patterns = history_patterns(k).astype(np.int64)
    out = np.empty((1 << k, n_missing.shape[0]))
    for s in range(1 << k):
        members = [j for j in range(k) if s >> j & 1]
        size = len(members)
        a_s = delta * 2.0 ** (k - size)
        code = np.zeros(patterns.shape[0], dtype=np.int64)
        for rank, j in enumerate(members):
            code |= patterns[:, j] << rank
        marg = np.bincount(code, weights=y, minlength=1 << size)
        rest = marg[1:]
        const = float(np.sum(gammaln(rest + a_s)) - rest.shape[0] * gammaln(a_s))
        out[s] = const + gammaln(marg[0] + n_missing + a_s) - gammaln(a_s)
    return out


def log_prior_n(n_total: np.ndarray, prior: str | np.ndarray) -> np.ndarray:
    """Log prior weights of N on the grid (unnormalised).

    ``prior`` is ``"inverse"`` (1/N, Madigan & York's and dga's default), ``"uniform"``, or an array
    of log weights of the grid's length.
    """
    n_total = np.asarray(n_total, dtype=np.float64)
    if isinstance(prior, str):
        if prior == "inverse":
            return -np.log(n_total)
        if prior == "uniform":
            return np.zeros_like(n_total)
        raise ValueError(
            f"log_prior_n: prior must be 'inverse', 'uniform' or an array; got {prior!r}"
        )
    arr = np.asarray(prior, dtype=np.float64)
    if arr.shape != n_total.shape:
        raise ValueError(
            f"log_prior_n: a prior array must have one log weight per grid point ({n_total.shape[0]}); "
            f"got shape {arr.shape}"
        )
    if np.any(np.isnan(arr)) or np.any(arr == np.inf):
        raise ValueError("log_prior_n: log prior weights must be finite or -inf; got NaN or +inf")
    return arr


@dataclass(frozen=True)
class BMAPosterior:
    """The joint posterior of (graph, N) summarised on the grid.

    Attributes
    ----------
    n_total:
        The grid of population sizes N = n + N0 (persons).
    posterior_n:
        Posterior probability of each grid value, averaged over graphs (sums to 1).
    graphs:
        The decomposable graphs, in the order of ``model_weights``.
    model_weights:
        Posterior probability of each graph (sums to 1).
    log_joint_max:
        Maximum of the unnormalised log joint posterior (for diagnostics).
    """

    n_total: np.ndarray
    posterior_n: np.ndarray
    graphs: tuple[DecomposableGraph, ...]
    model_weights: np.ndarray
    log_joint_max: float


def _joint_chunks(y, n_missing, delta, graphs, prior_n, log_prior_graphs):
    y_arr, k = _check_counts(y, "bma_posterior")
    n_obs = float(y_arr.sum())
    coef = graph_coefficients(graphs).astype(np.float64)
    total_prior = delta * 2.0**k
    n_total = n_obs + n_missing
    common = (
        gammaln(total_prior)
        - gammaln(n_total + total_prior)
        + gammaln(n_total + 1.0)
        - gammaln(n_missing + 1.0)
        - float(np.sum(gammaln(y_arr + 1.0)))
        + log_prior_n(n_total, prior_n)
    )
    chunk = max(64, min(_GRID_CHUNK, _MAX_ENTRIES // len(graphs)))
    for start in range(0, n_missing.shape[0], chunk):
        stop = min(start + chunk, n_missing.shape[0])
        terms = subset_log_terms(y_arr, n_missing[start:stop], delta)
        joint = coef @ terms
        joint += common[None, start:stop]
        joint += log_prior_graphs[:, None]
        yield start, stop, joint


def bma_posterior(
    y: np.ndarray,
    n_missing: np.ndarray,
    delta: float | None = None,
    *,
    prior_n: str | np.ndarray = "inverse",
    graphs: tuple[DecomposableGraph, ...] | None = None,
    log_prior_graphs: np.ndarray | None = None,
) -> BMAPosterior:
    """Posterior of N and of the decomposable graphs for a K-list capture table.

    Parameters
    ----------
    y:
        Counts of the 2^K - 1 observable histories (persons), first list varying slowest.
    n_missing:
        Grid of candidate numbers of unobserved persons N0 (non-negative integers, increasing).
    delta:
        Hyper-Dirichlet prior count per cell of the full table; ``None`` means 2^-K.
    prior_n:
        ``"inverse"`` (1/N), ``"uniform"``, or log prior weights on the grid.
    graphs:
        The models averaged over; all decomposable graphs on K lists by default.
    log_prior_graphs:
        Log prior weight of each graph; uniform by default.
    """
    y_arr, k = _check_counts(y, "bma_posterior")
    if delta is None:
        delta = 2.0**-k
    if not np.isfinite(delta) or delta <= 0:
        raise ValueError(f"bma_posterior: delta must be a positive number; got {delta!r}")
    n_missing = np.asarray(n_missing, dtype=np.float64)
    if n_missing.ndim != 1 or n_missing.shape[0] == 0:
        raise ValueError("bma_posterior: n_missing must be a non-empty 1-d grid of integers >= 0")
    if (
        np.any(n_missing < 0)
        or np.any(n_missing != np.round(n_missing))
        or np.any(np.diff(n_missing) <= 0)
    ):
        raise ValueError(
            "bma_posterior: n_missing must be strictly increasing non-negative integers; "
            f"got values from {n_missing.min()!r} to {n_missing.max()!r}"
        )
    graphs = decomposable_graphs(k) if graphs is None else tuple(graphs)
    if any(g.k != k for g in graphs):
        raise ValueError(f"bma_posterior: every graph must be on {k} lists, as the counts are")
    if log_prior_graphs is None:
        log_prior_graphs = np.zeros(len(graphs))
    log_prior_graphs = np.asarray(log_prior_graphs, dtype=np.float64)
    if log_prior_graphs.shape != (len(graphs),):
        raise ValueError(
            f"bma_posterior: log_prior_graphs must have one entry per graph ({len(graphs)}); "
            f"got shape {log_prior_graphs.shape}"
        )
    by_n = np.empty(n_missing.shape[0])
    by_graph_chunks = []
    with np.errstate(divide="ignore"):
        for start, stop, joint in _joint_chunks(
            y_arr, n_missing, delta, graphs, prior_n, log_prior_graphs
        ):
            # One exp per element: shift by the chunk's maximum, sum both ways. Entries more than
            # 700 below it are negligible against the global maximum too; clipping them keeps exp
            # off the slow subnormal range (most of the grid is there).
            shift = float(joint.max())
            np.subtract(joint, shift, out=joint)
            np.maximum(joint, -700.0, out=joint)
            np.exp(joint, out=joint)
            by_n[start:stop] = shift + np.log(joint.sum(axis=0))
            by_graph_chunks.append(shift + np.log(joint.sum(axis=1)))
    by_graph = logsumexp(np.vstack(by_graph_chunks), axis=0)
    top = float(max(by_n.max(), by_graph.max()))
    if not np.isfinite(top):
        raise ValueError(
            "bma_posterior: the posterior is zero everywhere on the grid (check the prior)"
        )
    post_n = np.exp(by_n - logsumexp(by_n))
    weights = np.exp(by_graph - logsumexp(by_graph))
    return BMAPosterior(y_arr.sum() + n_missing, post_n, graphs, weights, top)


def graph_posterior_n(
    y: np.ndarray,
    n_missing: np.ndarray,
    graph: DecomposableGraph,
    delta: float | None = None,
    *,
    prior_n: str | np.ndarray = "inverse",
) -> np.ndarray:
    """Posterior probabilities of N on the grid under one graph alone (sums to 1)."""
    res = bma_posterior(y, n_missing, delta, prior_n=prior_n, graphs=(graph,))
    return res.posterior_n


def posterior_quantile(values: np.ndarray, probs: np.ndarray, q: float | np.ndarray) -> np.ndarray:
    """Quantiles of a discrete distribution: the smallest value whose cumulative probability >= q."""
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    idx = np.searchsorted(cdf, np.asarray(q, dtype=np.float64) - 1e-12, side="left")
    return np.asarray(values)[np.minimum(idx, len(values) - 1)]
