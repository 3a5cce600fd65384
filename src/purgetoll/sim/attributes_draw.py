"""Fast keyed categorical draws for the attributes (numba): one uniform per person, inverted through
a cumulative distribution chosen by the person's stratum.

``numpy.searchsorted`` over 162M random uniforms is cache- and branch-bound (about 80 ns a person
for 200 categories); here a 4,096-entry look-up table gives the first candidate category for each
uniform and a short linear scan finishes, and the uniform itself is generated inline from the
keyed stream (:func:`purgetoll.sim.rng.uniform_one`), so no array of uniforms is allocated. The
result equals ``searchsorted(cum[stratum], u, side="right")`` on the same keyed uniforms
(``rng.uniform(seed, name, 0, ids)``); the tests check it.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from purgetoll.sim import rng

__all__ = ["categorical", "groups", "households"]

_LUT = 4096


def _tables(shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative shares (n_strata, k) with the last forced to 1, and the look-up table (n_strata, _LUT)."""
    s = np.atleast_2d(np.asarray(shares, dtype=np.float64))
    cum = np.cumsum(s / s.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = np.inf  # every uniform < 1 falls in some category, whatever the rounding
    grid = np.arange(_LUT) / _LUT
    lut = np.stack([np.searchsorted(c, grid, side="right") for c in cum]).astype(np.int64)
    return cum, lut


@nb.njit(cache=True)
def _kernel(stream, ids, stratum, cum, lut, out):
    k = cum.shape[1]
    for i in range(ids.shape[0]):
        u = rng.uniform_one(stream, 0, ids[i])
        s = stratum[i]
        j = lut[s, int(u * 4096.0)]
        while j < k - 1 and u >= cum[s, j]:
            j += 1
        out[i] = j


def categorical(seed: int, name: str, ids: np.ndarray, shares: np.ndarray,
                stratum: np.ndarray | None = None, dtype: str = "int64") -> np.ndarray:
    """Category of each person: decision ``name`` (step 0), distribution ``shares[stratum]``.

    ``shares`` is (k,) or (n_strata, k); ``stratum`` (one small int per person) picks the row;
    ``dtype`` of the result (``int8`` keeps 162M categories in 162 MB). A Bernoulli draw of
    probability ``p`` is ``shares = [1 - p, p]``.
    """
    cum, lut = _tables(shares)
    ids = np.ascontiguousarray(ids, dtype=np.uint32)
    st = np.zeros(len(ids), dtype=np.int8) if stratum is None else np.ascontiguousarray(stratum)
    out = np.empty(len(ids), dtype=dtype)
    _kernel(rng.stream_of(seed, name), ids, st, cum, lut, out)
    return out


@nb.njit(cache=True)
def _group_kernel(stream, ids, stratum, n_groups, first, out):
    for i in range(ids.shape[0]):
        s = stratum[i]
        u = rng.uniform_one(stream, 0, ids[i])
        g = np.int64(u * n_groups[s])
        if g >= n_groups[s]:
            g = n_groups[s] - 1
        out[i] = first[s] + g


def groups(seed: int, name: str, ids: np.ndarray, stratum: np.ndarray, mean_size: float,
           offset: int = 0) -> np.ndarray:
    """Group ids ``offset + 1 ..``: each person joins one of ``round(n / mean_size)`` groups of their stratum.

    Decision ``name`` (step 0): the group within the stratum is ``floor(u * n_groups)``, so group
    sizes are multinomial (about Poisson with mean ``mean_size``).
    """
    out = np.zeros(len(ids), dtype=np.uint32)
    if len(ids) == 0:
        return out
    st = np.ascontiguousarray(stratum)  # any small integer type: int16 keeps 162M strata in 325 MB
    counts = np.bincount(st)
    n_groups = np.maximum(np.rint(counts / mean_size), 1).astype(np.int64) * (counts > 0)
    first = np.concatenate([[0], np.cumsum(n_groups)[:-1]]).astype(np.int64) + offset + 1
    _group_kernel(rng.stream_of(seed, name), np.ascontiguousarray(ids, dtype=np.uint32), st, n_groups, first, out)
    return out


@nb.njit(cache=True)
def _household_kernel(stream, ids, stratum, age, sex, partnered, n_strata, mean_size, out):
    n = ids.shape[0]
    # partnered men and women by (stratum, age): counting sort gives each one a rank by age
    counts = np.zeros((n_strata, 2, 102), dtype=np.int64)
    for i in range(n):
        if partnered[i]:
            counts[stratum[i], sex[i], age[i] + 1] += 1
    for h in range(n_strata):
        for s in range(2):
            for a in range(101):
                counts[h, s, a + 1] += counts[h, s, a]
    people = np.zeros(n_strata, dtype=np.int64)
    for i in range(n):
        people[stratum[i]] += 1
    couples = np.minimum(counts[:, 0, 101], counts[:, 1, 101])
    households = np.maximum(np.rint(people / mean_size).astype(np.int64), couples)
    households = np.maximum(households, (people > 0).astype(np.int64))
    first = np.zeros(n_strata, dtype=np.int64)
    for h in range(1, n_strata):
        first[h] = first[h - 1] + households[h - 1]
    fill = counts[:, :, :101].copy()  # next rank to hand out per (stratum, sex, age)
    for i in range(n):
        h = stratum[i]
        if partnered[i]:
            rank = fill[h, sex[i], age[i]]
            fill[h, sex[i], age[i]] += 1
            if rank < couples[h]:  # the i-th youngest man and the i-th youngest woman form household i
                out[i] = first[h] + rank + 1
                continue
        u = rng.uniform_one(stream, 0, ids[i])
        k = np.int64(u * households[h])
        if k >= households[h]:
            k = households[h] - 1
        out[i] = first[h] + k + 1


def households(seed: int, name: str, ids: np.ndarray, stratum: np.ndarray, age: np.ndarray, sex: np.ndarray,
               partnered: np.ndarray, mean_size: float) -> np.ndarray:
    """Household ids 1.. built around couples, per stratum (region x settlement type).

    In each stratum the partnered men and the partnered women are ranked by age (youngest first);
    the k-th man and the k-th woman head household k, for as many couples as the scarcer sex
    allows (the partnered of the other sex left over live without a partner, e.g. the surplus of
    women). The stratum has ``round(persons / mean_size)`` households (at least one per couple);
    everyone else (children, the unpartnered, the old) joins one of them uniformly at random
    (decision ``name``, step 0).
    """
    out = np.zeros(len(ids), dtype=np.uint32)
    if len(ids) == 0:
        return out
    st = np.ascontiguousarray(stratum)
    n_strata = int(st.max()) + 1
    _household_kernel(rng.stream_of(seed, name), np.ascontiguousarray(ids, dtype=np.uint32), st,
                      np.ascontiguousarray(age, dtype=np.uint8), np.ascontiguousarray(sex, dtype=np.int8),
                      np.ascontiguousarray(partnered, dtype=np.bool_), n_strata, float(mean_size), out)
    return out
