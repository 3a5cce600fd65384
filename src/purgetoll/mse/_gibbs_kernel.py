"""The Gibbs sampler of the Bayesian latent-class model (LCMCR), compiled with numba.

Model (Manrique-Vallier 2016, "Bayesian population size estimation using Dirichlet process
mixtures", Biometrics 72:1246-1254; R package LCMCR 0.4.14 is the reference):

- each of the N people belongs to a latent class ``z`` in ``0..K*-1`` (a truncated stick-breaking
  Dirichlet process, ``pi_k = V_k prod_{l<k} (1 - V_l)``, ``V_k ~ Beta(1, alpha)``, ``V_{K*-1} = 1``);
- within class k the J lists capture independently with probabilities ``lambda_kj ~ Beta(1, 1)``;
- ``alpha ~ Gamma(shape a, rate b)``, a = b = 0.25 by default;
- ``p(N)`` proportional to 1/N, so that, given the other parameters, the number of unobserved
  people is negative binomial: ``N0 ~ NegBin(n, 1 - pi_0)`` with ``pi_0`` the probability of the
  all-zero history (data augmentation of the unobserved cell).

Sweep: classes of the observed people | lambda, pi; the unobserved count and its classes |
lambda, pi; ``collapsed_steps`` rounds of Metropolis moves of each class's unobserved count, and
every few sweeps a split-merge move of two classes (:mod:`._gibbs_split_merge`), both with lambda
and pi integrated out; lambda | classes; the sticks | class sizes; alpha | sticks. Without the
collapsed moves this is LCMCR's sampler (``CNPLCM_CR_Basic_Freq::Update``: classes, lambda,
sticks, unobserved, alpha), the same cycle entered one step later, with the same starting point
and warm-up; the sticks are drawn in logs as LCMCR does. The collapsed moves are partially
collapsed Gibbs steps (a Metropolis move on the marginal of the classes, followed by fresh draws
of lambda and the sticks from their full conditionals), so the posterior is unchanged (the tests
check the whole sampler against an enumerated two-class posterior). They exist because plain
Gibbs moves N along a ridge (a class's unobserved count and its capture probabilities determine
each other) and, on the UK tables, leaves a minor mode (N near 12,500) only after 10^5 sweeps.

People with the same history are exchangeable, so the sampler works on the distinct observed
histories (cells) and draws each cell's split over the classes at once (a multinomial), which
makes a sweep cost proportional to the number of non-empty cells, not to N.

Randomness: each chain draws only from its own ``numpy.random.Generator`` (passed in; numba
compiles its methods), seeded by the caller from a keyed seed sequence, so a chain is a pure
function of its inputs and its seed, bit for bit, whether chains run one after another or in
parallel threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from purgetoll.mse._gibbs_split_merge import split_merge

__all__ = ["run_chain"]


@njit(cache=True, nogil=True)
def _categorical(rng, weights: np.ndarray, total: float) -> int:
    u = rng.random() * total
    acc = 0.0
    last = 0
    for k in range(weights.shape[0]):
        w = weights[k]
        if w > 0.0:
            acc += w
            last = k
            if u < acc:
                return k
    return last  # rounding put u past the last positive weight


@njit(cache=True, nogil=True)
def _allocate(rng, count: int, weights: np.ndarray, total: float, out: np.ndarray) -> None:
    """Split ``count`` people over the classes, multinomial with probabilities weights/total."""
    out[:] = 0
    if count <= 4:
        # A few categorical draws are cheaper than K binomials.
        for _ in range(count):
            out[_categorical(rng, weights, total)] += 1
        return
    remaining = count
    rest = total
    last = weights.shape[0] - 1
    for k in range(last):
        if remaining == 0:
            return
        w = weights[k]
        if w <= 0.0:
            continue
        p = w / rest if rest > 0.0 else 1.0
        if p >= 1.0:
            out[k] += remaining
            return
        x = rng.binomial(remaining, p)
        out[k] += x
        remaining -= x
        rest -= w
    # The last class takes the rest; if its weight is zero, rounding sent people past every
    # positive class: give them to the heaviest class instead.
    if weights[last] > 0.0:
        out[last] += remaining
    else:
        out[np.argmax(weights)] += remaining


@njit(cache=True, nogil=True)
def _log_gamma_variate(rng, shape: float) -> float:
    """log of a Gamma(shape, 1) draw, exact for small shapes: G = G' U^(1/shape), G' ~ Gamma(shape + 1)."""
    if shape >= 1.0:
        return np.log(rng.gamma(shape))
    return np.log(rng.gamma(shape + 1.0)) + np.log(rng.random()) / shape


@njit(cache=True, nogil=True)
def _collapsed_part(k, d, m, n_obs_k, s_jk, n_total, alpha):
    """The terms of the collapsed log posterior that change when class k gets d more unobserved.

    Collapsed target of the unobserved people's classes ``m`` given the observed people's classes,
    with the capture probabilities (Beta(1, 1)) and the stick-breaking weights integrated out and
    the 1/N prior on N (constants dropped)::

        log (N - 1)! - sum_k log m_k! + sum_k sum_j log B(1 + s_jk, 1 + c_k - s_jk)
                     + sum_{k < K*-1} log B(1 + c_k, alpha + T_k)

    with ``c_k = n_k + m_k`` the people of class k, ``T_k`` those of the classes after k and N the
    total. Only the terms of class k and the sticks up to k depend on ``m_k``.
    """
    n_classes = m.shape[0]
    n_lists = s_jk.shape[0]
    mk = m[k] + d
    ck = float(n_obs_k[k] + mk)
    total = float(n_total + d)
    v = math.lgamma(total) - math.lgamma(mk + 1.0)
    for j in range(n_lists):
        v += math.lgamma(1.0 + ck - s_jk[j, k])
    v -= n_lists * math.lgamma(2.0 + ck)
    acc = 0.0
    for lo in range(min(k, n_classes - 2) + 1):
        cl = ck if lo == k else float(n_obs_k[lo] + m[lo])
        acc += cl
        tail = total - acc
        v += (
            math.lgamma(1.0 + cl) + math.lgamma(alpha + tail) - math.lgamma(1.0 + alpha + cl + tail)
        )
    return v


@njit(cache=True, nogil=True)
def _collapsed_missing_moves(
    rng, m, n_obs_k, s_jk, n_obs, n0, alpha, max_missing, steps, max_level
):
    """Metropolis moves of the unobserved count of each class, capture probabilities and class
    weights integrated out; returns the new total unobserved count (``m`` is updated in place).

    Why: given its capture probabilities a class's unobserved count is nearly determined (and
    they by it), so plain Gibbs moves N along a narrow ridge a few persons a sweep; a class that
    holds the people of one list (the UK tables' GP list) then keeps a small, high-capture
    explanation for 10^5 sweeps while most posterior mass is on a large, low-capture one. The
    proposal adds or removes ``u`` people, ``u`` uniform on 1..2^l with l uniform on
    0..max_level and a random sign: symmetric, so the acceptance ratio is the target ratio.
    Classes with no observed member are left to the Gibbs step (the choice of classes must not
    depend on what the move changes).
    """
    n_classes = m.shape[0]
    for _ in range(steps):
        for k in range(n_classes):
            if n_obs_k[k] == 0:
                continue
            level = int(rng.random() * (max_level + 1))
            d = 1 + int(rng.random() * (1 << level))
            if rng.random() < 0.5:
                d = -d
            u = rng.random()
            if m[k] + d < 0 or n0 + d > max_missing:
                continue
            n_total = n_obs + n0
            delta = _collapsed_part(k, d, m, n_obs_k, s_jk, n_total, alpha) - _collapsed_part(
                k, 0, m, n_obs_k, s_jk, n_total, alpha
            )
            if math.log(u) < delta:
                m[k] += d
                n0 += d
    return n0


@njit(cache=True, nogil=True)
def _sweep(
    rng,
    cell_offsets,
    cell_lists,
    counts,
    n_obs,
    lam,
    pi,
    alpha,
    alpha_shape,
    alpha_rate,
    update_alpha,
    max_missing,
    ratio,
    base,
    weights,
    alloc,
    n_k,
    s_jk,
    collapsed_steps,
    max_level,
    cell_alloc,
    split_merge_now,
):
    """One Gibbs sweep; updates lam and pi in place, returns (alpha, n0, hit)."""
    n_classes, n_lists = lam.shape
    n_cells = counts.shape[0]
    # Weights of a history in class k: pi_k prod_j (1 - lam_kj) * prod_{j on} lam/(1 - lam);
    # products of ratios avoid an exp and a log per class per cell. ``ratio`` is stored list-major
    # (J, K*) so the inner loops run over contiguous classes.
    for k in range(n_classes):
        b = pi[k]
        for j in range(n_lists):
            b *= 1.0 - lam[k, j]
            ratio[j, k] = lam[k, j] / (1.0 - lam[k, j])
        base[k] = b
    n_k[:] = 0
    s_jk[:, :] = 0
    for c in range(n_cells):
        lo = cell_offsets[c]
        hi = cell_offsets[c + 1]
        for k in range(n_classes):
            weights[k] = base[k]
        for t in range(lo, hi):
            row = ratio[cell_lists[t]]
            for k in range(n_classes):
                weights[k] *= row[k]
        total = 0.0
        for k in range(n_classes):
            total += weights[k]
        if counts[c] == 1:
            # the common case on many lists: one person, one categorical draw
            z = _categorical(rng, weights, total)
            n_k[z] += 1
            cell_alloc[c, :] = 0
            cell_alloc[c, z] = 1
            for t in range(lo, hi):
                s_jk[cell_lists[t], z] += 1
            continue
        _allocate(rng, counts[c], weights, total, alloc)
        for k in range(n_classes):
            n_k[k] += alloc[k]
            cell_alloc[c, k] = alloc[k]
        for t in range(lo, hi):
            row_s = s_jk[cell_lists[t]]
            for k in range(n_classes):
                row_s[k] += alloc[k]
    # Data augmentation of the unobserved cell: N0 ~ NegBin(n, 1 - pi_0) as a gamma-Poisson
    # mixture, N0 | g ~ Poisson(g), g ~ Gamma(n, pi_0 / (1 - pi_0)); given N0 the unobserved
    # people fall in class k with probability proportional to base[k].
    pi0 = 0.0
    for k in range(n_classes):
        pi0 += base[k]
    hit = False
    if pi0 >= 1.0:
        n0 = max_missing
        hit = True
    else:
        g = rng.gamma(float(n_obs), pi0 / (1.0 - pi0))
        if g > 4.0 * max_missing + 100.0:
            n0 = max_missing
            hit = True
        else:
            n0 = rng.poisson(g)
            if n0 >= max_missing:
                n0 = max_missing
                hit = True
    if n0 > 0:
        _allocate(rng, n0, base, pi0, alloc)
    else:
        alloc[:] = 0
    if collapsed_steps > 0:
        n0 = _collapsed_missing_moves(
            rng, alloc, n_k, s_jk, n_obs, n0, alpha, max_missing, collapsed_steps, max_level
        )
    if split_merge_now:
        n0 = split_merge(
            rng,
            cell_alloc,
            cell_offsets,
            cell_lists,
            n_k,
            s_jk,
            alloc,
            n_obs,
            n0,
            alpha,
            max_missing,
        )
    for k in range(n_classes):
        n_k[k] += alloc[k]
    # Capture probabilities given the classes (Beta(1, 1) prior).
    for k in range(n_classes):
        for j in range(n_lists):
            x = rng.beta(1.0 + s_jk[j, k], 1.0 + n_k[k] - s_jk[j, k])
            # keep lam strictly inside (0, 1) so the ratios stay finite
            if x > 1.0 - 1e-12:
                x = 1.0 - 1e-12
            elif x < 1e-300:
                x = 1e-300
            lam[k, j] = x
    # Stick-breaking weights, then the concentration.
    tail = 0
    for k in range(n_classes):
        tail += n_k[k]
    # V_k = G1 / (G1 + G2) with G1 ~ Gamma(1 + n_k), G2 ~ Gamma(alpha + later classes), in logs:
    # with few classes occupied and alpha small, 1 - V_k of an empty tail is often below 1e-16,
    # which a Beta draw rounds to V_k = 1; log(1 - V_k) must stay exact because alpha's update
    # sums it (a floor on it would hold alpha, and the number of classes, too high).
    log_rest = 0.0
    for k in range(n_classes - 1):
        tail -= n_k[k]
        lg1 = _log_gamma_variate(rng, 1.0 + n_k[k])
        lg2 = _log_gamma_variate(rng, alpha + tail)
        top = max(lg1, lg2)
        lsum = top + np.log(np.exp(lg1 - top) + np.exp(lg2 - top))
        pi[k] = np.exp(log_rest + lg1 - lsum)
        log_rest += lg2 - lsum
    pi[n_classes - 1] = np.exp(log_rest)
    log_sum = log_rest
    if update_alpha:
        alpha = rng.gamma(alpha_shape + n_classes - 1.0, 1.0 / (alpha_rate - log_sum))
    return alpha, n0, hit


@njit(cache=True, nogil=True)
def run_chain(
    cell_offsets: np.ndarray,
    cell_lists: np.ndarray,
    counts: np.ndarray,
    n_lists: int,
    n_classes: int,
    alpha_shape: float,
    alpha_rate: float,
    warm_up: int,
    burn_in: int,
    n_draws: int,
    thin: int,
    max_missing: int,
    rng: np.random.Generator,
    collapsed_steps: int = 2,
):
    """Run one chain; return the retained draws.

    Parameters
    ----------
    cell_offsets, cell_lists:
        The non-empty observed histories in compressed form: the lists (0-based) that captured the
        people of cell ``c`` are ``cell_lists[cell_offsets[c]:cell_offsets[c + 1]]``.
    counts:
        People in each cell (int64, all > 0).
    n_lists, n_classes:
        J and the truncation K* of the stick-breaking prior.
    alpha_shape, alpha_rate:
        Gamma prior of the Dirichlet-process concentration.
    warm_up:
        Sweeps run first with alpha held at 0.3/K*, from capture probabilities equal to each list's
        observed share and most weight on four classes, as LCMCR starts its chains; the classes are
        then relabelled by decreasing weight. The posterior of the truncated mixture can have a
        few-class and a many-class mode that chains cross rarely; starting as LCMCR does puts
        the chains where LCMCR's are.
    burn_in, n_draws, thin:
        Sweeps discarded after the warm-up, draws kept, and sweeps per kept draw.
    max_missing:
        Upper bound on the unobserved count N0; a draw above it is set to the bound and counted
        in ``hits`` (the caller warns).
    rng:
        This chain's own generator (numpy ``Generator``; numba draws from its bit generator).
    collapsed_steps:
        Rounds per sweep of the collapsed moves of each class's unobserved count; if positive, a
        split-merge attempt (:mod:`._gibbs_split_merge`) every ``max(2, cells // 16)`` sweeps too
        (0: LCMCR's plain Gibbs sampler).

    Returns
    -------
    n_total, alpha, occupied, hits:
        Kept draws of N (int64), of alpha, of the number of non-empty classes, and how many sweeps
        after the warm-up met the bound on N0.
    """
    n_cells = counts.shape[0]
    n_obs = 0
    for c in range(n_cells):
        n_obs += counts[c]
    max_level = 2
    while (1 << max_level) < 4 * n_obs:
        max_level += 1
    lam = np.empty((n_classes, n_lists))
    share = np.zeros(n_lists)
    for c in range(n_cells):
        for t in range(cell_offsets[c], cell_offsets[c + 1]):
            share[cell_lists[t]] += counts[c]
    for j in range(n_lists):
        p = share[j] / n_obs
        p = min(max(p, 1e-6), 1.0 - 1e-6)
        for k in range(n_classes):
            lam[k, j] = p
    pi = np.empty(n_classes)
    if n_classes > 4:
        for k in range(n_classes):
            pi[k] = 0.225 if k < 4 else 0.1 / (n_classes - 4)
    else:
        pi[:] = 1.0 / n_classes
    alpha = 0.3 / n_classes
    ratio = np.empty((n_lists, n_classes))
    base = np.empty(n_classes)
    weights = np.empty(n_classes)
    alloc = np.zeros(n_classes, dtype=np.int64)
    n_k = np.zeros(n_classes, dtype=np.int64)
    s_jk = np.zeros((n_lists, n_classes), dtype=np.int64)
    cell_alloc = np.zeros((n_cells, n_classes), dtype=np.int64)
    # A split-merge attempt costs ~100 lgamma and a binomial per history: one every 2 sweeps, fewer
    # on tables with many histories, keeps a sweep within LCMCR's time (bench/bench_mse.py).
    split_merge_every = max(2, n_cells // 16)
    for sweep in range(warm_up):
        alpha, n0, hit = _sweep(
            rng,
            cell_offsets,
            cell_lists,
            counts,
            n_obs,
            lam,
            pi,
            alpha,
            alpha_shape,
            alpha_rate,
            False,
            max_missing,
            ratio,
            base,
            weights,
            alloc,
            n_k,
            s_jk,
            collapsed_steps,
            max_level,
            cell_alloc,
            collapsed_steps > 0 and sweep % split_merge_every == 0,
        )
    order = np.argsort(-pi)
    lam = lam[order].copy()
    pi = pi[order].copy()

    out_n = np.empty(n_draws, dtype=np.int64)
    out_alpha = np.empty(n_draws)
    out_occupied = np.empty(n_draws, dtype=np.int64)
    hits = 0
    kept = 0
    for sweep in range(burn_in + n_draws * thin):
        alpha, n0, hit = _sweep(
            rng,
            cell_offsets,
            cell_lists,
            counts,
            n_obs,
            lam,
            pi,
            alpha,
            alpha_shape,
            alpha_rate,
            True,
            max_missing,
            ratio,
            base,
            weights,
            alloc,
            n_k,
            s_jk,
            collapsed_steps,
            max_level,
            cell_alloc,
            collapsed_steps > 0 and sweep % split_merge_every == 0,
        )
        if hit:
            hits += 1
        if sweep >= burn_in and (sweep - burn_in + 1) % thin == 0:
            out_n[kept] = n_obs + n0
            out_alpha[kept] = alpha
            occ = 0
            for k in range(n_classes):
                if n_k[k] > 0:
                    occ += 1
            out_occupied[kept] = occ
            kept += 1
    return out_n, out_alpha, out_occupied, hits
