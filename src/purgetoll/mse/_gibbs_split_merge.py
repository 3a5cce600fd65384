"""Split-merge Metropolis-Hastings move of the latent-class sampler, classes' parameters integrated.

Why: on the UK tables the posterior of the latent-class model has a minor mode in which the
people of one list (GP: 316 people on it alone, almost no overlap) form a small class of their
own, captured by GP with probability ~0.7, so that few of them are unseen (N near 12,500), while
most of the posterior mass puts them in the large low-capture class (N near 22,000). Gibbs moves,
one person or one class's unseen count at a time, cross between the two only after 10^5 sweeps:
every path runs through states far less probable than either. The move here jumps directly:
it merges two classes into one (observed and unobserved members, with a new unobserved count),
or splits one class in two, and accepts with the Metropolis-Hastings ratio of the collapsed
posterior (capture probabilities, Beta(1, 1), and stick-breaking weights integrated out; 1/N
prior on N)::

    log (N - 1)! - sum_{h,k} log n_hk! - sum_k log m_k!
                 + sum_{j,k} log B(1 + s_jk, 1 + c_k - s_jk) + sum_{k < K*-1} log B(1 + c_k, alpha + T_k)

(``n_hk``: people of observed history h in class k, ``m_k`` unobserved people of class k,
``c_k`` everyone in class k, ``s_jk`` people of class k on list j, ``T_k`` people of the classes
after k.) It runs between the draws of the classes and of the class parameters, so the sweep
stays a partially collapsed Gibbs sampler of the same posterior (Jain & Neal 2004 for split-merge
moves in Dirichlet-process mixtures; van Dyk & Park 2008 for partial collapsing).

Proposal, each part drawn the same way in both directions so that the reverse move exists:

* merge (probability 1/2): an ordered pair (A, B) of occupied classes, uniformly; everyone of
  B joins A; the merged class's unobserved count is uniform on ``0..U(mu)``, where ``mu`` is the
  unobserved count that independent lists would imply for the merged observed counts (the root
  of ``c (1 - prod_j (1 - (s_j + 1) / (c + 2))) = n``) and ``U(mu) = 2 mu + 500``;
* split (probability 1/2): an occupied class A and an empty class B, uniformly; a list j*
  (uniformly) and probabilities q_in, q_out (uniform on (0, 1)); each observed history's members
  of A go to B binomially with q_in if the history includes list j*, q_out otherwise; each
  class's unobserved count is then uniform on ``0..U(mu)`` for its own observed counts.

The choice of j* is made the same way in both directions and cancels; q_in and q_out are
integrated out of the split's density (a product of beta-binomials). Pure functions of their arguments and the chain's generator.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["split_merge"]


@njit(cache=True, nogil=True)
def _independent_missing(n: int, s: np.ndarray, cap: int) -> int:
    """Unobserved people that independent lists imply for n observed with s_j on list j.

    The root c of ``c (1 - prod_j (1 - (s_j + 1) / (c + 2))) = n`` (capture probabilities
    smoothed by their Beta(1, 1) prior, which makes the root finite even without overlaps), by
    30 bisections of log c on [n, n + cap]; returns ``c - n`` (0 for an empty class). Only a
    centre for the proposal: any fixed function of the observed counts keeps the move exact.
    """
    if n == 0:
        return 0
    lo = math.log(float(n))
    hi = math.log(float(n + cap))
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        c = math.exp(mid)
        p0 = 1.0
        for j in range(s.shape[0]):
            p0 *= 1.0 - (s[j] + 1.0) / (c + 2.0)
        if c * (1.0 - p0) < n:
            lo = mid
        else:
            hi = mid
    return min(cap, max(0, int(round(math.exp(0.5 * (lo + hi)))) - n))


@njit(cache=True, nogil=True)
def _window(mu: int) -> int:
    """Upper end of the uniform proposal of an unobserved count around ``mu``.

    Wide: with Beta(1, 1) capture probabilities a small class keeps far more unobserved members
    than independent lists' point estimate ``mu`` (UK, GP class: mu near 10, posterior near 150).
    """
    return 2 * mu + 500


@njit(cache=True, nogil=True)
def _class_terms(s_col: np.ndarray, n: int, m: int) -> float:
    """The collapsed log posterior's terms of one class but -sum_h log n_hk!: -log m_k! + lists.

    The history factorials -sum_h log n_hk! of the two classes, before and after, cancel exactly
    against the binomial coefficients of the split's density, so neither is computed.
    """
    v = -math.lgamma(m + 1.0)
    total = float(n + m)
    for j in range(s_col.shape[0]):
        v += math.lgamma(1.0 + s_col[j]) + math.lgamma(1.0 + total - s_col[j])
    v -= s_col.shape[0] * math.lgamma(2.0 + total)
    return v


@njit(cache=True, nogil=True)
def _stick_terms(sizes: np.ndarray, alpha: float) -> float:
    """sum_{k < K*-1} log B(1 + c_k, alpha + T_k), class sizes ``sizes``."""
    n_classes = sizes.shape[0]
    tail = 0.0
    for k in range(n_classes):
        tail += sizes[k]
    v = 0.0
    for k in range(n_classes - 1):
        tail -= sizes[k]
        v += math.lgamma(1.0 + sizes[k]) + math.lgamma(alpha + tail)
        v -= math.lgamma(1.0 + alpha + sizes[k] + tail)
    return v


@njit(cache=True, nogil=True)
def _lbeta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


@njit(cache=True, nogil=True)
def _split_log_density(h_a, h_b, has_list) -> float:
    """log probability that the split sends ``h_b`` of ``h_a + h_b`` to B, history by history.

    Each history's members go to B binomially with probability q_in (histories with list j*) or
    q_out (the others), q_in and q_out uniform on (0, 1) and integrated out::

        prod_h C(n_h, x_h) B(1 + X_in, 1 + Y_in) B(1 + X_out, 1 + Y_out)

    (X: people sent to B, Y: kept in A, summed over the histories of each set). Integrating q
    makes the exact composition of a small class (a few people of other lists beside one list's
    people) far more probable than under any fixed q.

    The binomial coefficients prod_h C(n_h, x_h) are left out: they cancel against the history
    factorials of the target (see :func:`_class_terms`).
    """
    x_in = 0.0
    y_in = 0.0
    x_out = 0.0
    y_out = 0.0
    for c in range(h_a.shape[0]):
        if has_list[c]:
            x_in += h_b[c]
            y_in += h_a[c]
        else:
            x_out += h_b[c]
            y_out += h_a[c]
    return _lbeta(1.0 + x_in, 1.0 + y_in) + _lbeta(1.0 + x_out, 1.0 + y_out)


@njit(cache=True, nogil=True)
def split_merge(
    rng,
    cell_alloc: np.ndarray,
    cell_offsets: np.ndarray,
    cell_lists: np.ndarray,
    n_obs_k: np.ndarray,
    s_jk: np.ndarray,
    m: np.ndarray,
    n_obs: int,
    n0: int,
    alpha: float,
    max_missing: int,
) -> int:
    """One split-merge attempt; updates the allocations in place and returns the new N0.

    ``cell_alloc`` (cells, K*): observed people of each history in each class; ``n_obs_k`` and
    ``s_jk`` (J, K*): observed people of each class and on each list; ``m``: unobserved people
    of each class, ``n0`` their sum.
    """
    n_cells, n_classes = cell_alloc.shape
    n_lists = s_jk.shape[0]
    sizes = np.empty(n_classes)
    occupied = np.empty(n_classes, dtype=np.int64)
    empty = np.empty(n_classes, dtype=np.int64)
    k_occ = 0
    k_empty = 0
    for k in range(n_classes):
        sizes[k] = n_obs_k[k] + m[k]
        if sizes[k] > 0:
            occupied[k_occ] = k
            k_occ += 1
        else:
            empty[k_empty] = k
            k_empty += 1
    merge = rng.random() < 0.5
    j_star = int(rng.random() * n_lists)
    q_in = rng.random()
    q_out = rng.random()
    u_pick1 = rng.random()
    u_pick2 = rng.random()
    u_m1 = rng.random()
    u_m2 = rng.random()
    log_u = math.log(rng.random())
    if merge and k_occ < 2:
        return n0
    if not merge and k_empty == 0:
        return n0
    has_list = np.zeros(n_cells, dtype=np.bool_)
    for c in range(n_cells):
        for t in range(cell_offsets[c], cell_offsets[c + 1]):
            if cell_lists[t] == j_star:
                has_list[c] = True
    if merge:
        a = occupied[int(u_pick1 * k_occ)]
        i_b = int(u_pick2 * (k_occ - 1))
        b = occupied[i_b if occupied[i_b] != a else k_occ - 1]
        # split state (current): a, b as they are; merged state: everything in a
        h_a, h_b = cell_alloc[:, a], cell_alloc[:, b]
        s_a, s_b = s_jk[:, a], s_jk[:, b]
        h_merged = h_a + h_b
        s_merged = s_a + s_b
        n_merged = n_obs_k[a] + n_obs_k[b]
        cap = max_missing
        mu = _independent_missing(n_merged, s_merged, cap)
        top = _window(mu)
        m_merged = int(u_m1 * (top + 1))
        new_n0 = n0 - m[a] - m[b] + m_merged
        if new_n0 > max_missing or n_merged + m_merged == 0:
            return n0  # over the bound, or two unobserved-only classes merged into nothing
        k_split = k_occ
        log_fwd = -math.log(k_split * (k_split - 1.0)) - math.log(top + 1.0)
        mu_a = _independent_missing(n_obs_k[a], s_a, cap)
        mu_b = _independent_missing(n_obs_k[b], s_b, cap)
        if m[a] > _window(mu_a) or m[b] > _window(mu_b):
            return n0  # the split could not have produced the current state
        log_rev = (
            -math.log(k_split - 1.0)
            - math.log(n_classes - k_split + 1.0)
            + _split_log_density(h_a, h_b, has_list)
            - math.log(_window(mu_a) + 1.0)
            - math.log(_window(mu_b) + 1.0)
        )
        old = _class_terms(s_a, n_obs_k[a], m[a]) + _class_terms(s_b, n_obs_k[b], m[b])
        old += math.lgamma(float(n_obs + n0)) + _stick_terms(sizes, alpha)
        new_sizes = sizes.copy()
        new_sizes[a] = n_merged + m_merged
        new_sizes[b] = 0.0
        new = _class_terms(s_merged, n_merged, m_merged)  # the emptied class adds 0
        new += math.lgamma(float(n_obs + new_n0)) + _stick_terms(new_sizes, alpha)
        if log_u < new - old + log_rev - log_fwd:
            cell_alloc[:, a] = h_merged
            cell_alloc[:, b] = 0
            s_jk[:, a] = s_merged
            s_jk[:, b] = 0
            n_obs_k[a] = n_merged
            n_obs_k[b] = 0
            m[a] = m_merged
            m[b] = 0
            return new_n0
        return n0
    # split: an occupied class a, an empty class b
    a = occupied[int(u_pick1 * k_occ)]
    b = empty[int(u_pick2 * k_empty)]
    h_old = cell_alloc[:, a]
    s_old = s_jk[:, a]
    h_a = h_old.copy()
    h_b = np.zeros(n_cells, dtype=np.int64)
    for c in range(n_cells):
        if h_old[c] > 0:
            x = rng.binomial(h_old[c], q_in if has_list[c] else q_out)
            h_b[c] = x
            h_a[c] -= x
    s_a = np.zeros(n_lists, dtype=np.int64)
    s_b = np.zeros(n_lists, dtype=np.int64)
    n_a = 0
    n_b = 0
    for c in range(n_cells):
        n_a += h_a[c]
        n_b += h_b[c]
        for t in range(cell_offsets[c], cell_offsets[c + 1]):
            s_a[cell_lists[t]] += h_a[c]
            s_b[cell_lists[t]] += h_b[c]
    cap = max_missing
    mu_a = _independent_missing(n_a, s_a, cap)
    mu_b = _independent_missing(n_b, s_b, cap)
    m_a = int(u_m1 * (_window(mu_a) + 1))
    m_b = int(u_m2 * (_window(mu_b) + 1))
    if n_a + m_a == 0 or n_b + m_b == 0:
        return n0
    new_n0 = n0 - m[a] + m_a + m_b
    if new_n0 > max_missing:
        return n0
    mu_merged = _independent_missing(n_obs_k[a], s_old, cap)
    if m[a] > _window(mu_merged):
        return n0  # the merge could not have produced the current state
    k_merged = k_occ
    log_fwd = (
        -math.log(float(k_merged))
        - math.log(float(k_empty))
        + _split_log_density(h_a, h_b, has_list)
        - math.log(_window(mu_a) + 1.0)
        - math.log(_window(mu_b) + 1.0)
    )
    log_rev = -math.log((k_merged + 1.0) * k_merged) - math.log(_window(mu_merged) + 1.0)
    old = _class_terms(s_old, n_obs_k[a], m[a])  # the empty class adds 0
    old += math.lgamma(float(n_obs + n0)) + _stick_terms(sizes, alpha)
    new_sizes = sizes.copy()
    new_sizes[a] = n_a + m_a
    new_sizes[b] = n_b + m_b
    new = _class_terms(s_a, n_a, m_a) + _class_terms(s_b, n_b, m_b)
    new += math.lgamma(float(n_obs + new_n0)) + _stick_terms(new_sizes, alpha)
    if log_u < new - old + log_rev - log_fwd:
        cell_alloc[:, a] = h_a
        cell_alloc[:, b] = h_b
        s_jk[:, a] = s_a
        s_jk[:, b] = s_b
        n_obs_k[a] = n_a
        n_obs_k[b] = n_b
        m[a] = m_a
        m[b] = m_b
        return new_n0
    return n0
