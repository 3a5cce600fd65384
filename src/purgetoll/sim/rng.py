"""Keyed, counter-based random numbers: a draw is a pure function of (seed, decision, step, person).

Why not a sequential generator: with ``np.random.Generator`` the 10,000th draw depends on the 9,999
before it, so one extra arrest in 1937 would shift every later draw of every later person, and two
scenarios could not be compared person by person (common random numbers). Here each uniform is a
hash of four integers:

* ``seed``: the run's seed;
* ``key``: a 64-bit hash of the decision's name (``"demography.death"``), so each decision has its
  own independent stream and adding a decision never disturbs the others;
* ``step``: the month index the decision belongs to (0 for once-in-a-life draws);
* ``person_id``: the person's stable id (never the array slot, which changes when the dead are
  compacted).

The mixer is the SplitMix64 finaliser (a bijection on 64-bit words with full avalanche), applied
three times in a chain: ``mix(mix(mix(seed) ^ key) ^ mix((step << 32) | person_id))``. Step and id
are packed without overlap (id < 2**32, 0 <= step < 2**31), so for a fixed (seed, key) distinct
(step, id) pairs give distinct words before the final mix. Integer arithmetic only: results are
identical on every platform. numba compiles the kernels; the pure-Python ``uniform_scalar`` is
the reference the tests compare the kernels against.
"""

from __future__ import annotations

import hashlib

import numba as nb
import numpy as np

__all__ = ["decision_key", "uniform", "uniform_scalar", "exponential"]

_MASK64 = (1 << 64) - 1
_INV_2_53 = 1.0 / 9007199254740992.0  # 2**-53: maps the top 53 bits onto [0, 1)


def decision_key(name: str) -> int:
    """Stable 64-bit key of a decision name (BLAKE2b, not Python's salted ``hash``).

    >>> decision_key("demography.death") == decision_key("demography.death")
    True
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"decision name must be a non-empty string; got {name!r}")
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def _mix_py(x: int) -> int:
    x &= _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def uniform_scalar(seed: int, key: int, step: int, person_id: int) -> float:
    """Reference (pure Python) uniform in (0, 1) for one (seed, key, step, person_id)."""
    _check_counters(seed, step, person_id)
    stream = _mix_py(_mix_py(seed) ^ key)
    word = _mix_py(stream ^ _mix_py((step << 32) | person_id))
    return ((word >> 11) + 0.5) * _INV_2_53


def _check_counters(seed: int, step: int, person_id: int) -> None:
    if not 0 <= seed < 2**63:
        raise ValueError(f"seed must be in [0, 2**63); got {seed}")
    if not 0 <= step < 2**31:
        raise ValueError(f"step must be in [0, 2**31); got {step}")
    if not 0 <= person_id < 2**32:
        raise ValueError(f"person_id must be in [0, 2**32); got {person_id}")


@nb.njit(inline="always")
def _mix(x):
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@nb.njit(cache=True)
def _stream(seed, key):
    return _mix(_mix(np.uint64(seed)) ^ np.uint64(key))


@nb.njit(cache=True)
def _uniform_kernel(stream, step, ids, out):
    hi = np.uint64(step) << np.uint64(32)
    for i in range(ids.shape[0]):
        word = _mix(stream ^ _mix(hi | np.uint64(ids[i])))
        out[i] = (np.float64(word >> np.uint64(11)) + 0.5) * _INV_2_53


@nb.njit(cache=True)
def uniform_one(stream, step, person_id):
    """One uniform inside other numba kernels; ``stream`` comes from :func:`stream_of`."""
    word = _mix(stream ^ _mix((np.uint64(step) << np.uint64(32)) | np.uint64(person_id)))
    return (np.float64(word >> np.uint64(11)) + 0.5) * _INV_2_53


def stream_of(seed: int, name: str) -> np.uint64:
    """The 64-bit stream word of (seed, decision name), for kernels that draw inline."""
    _check_counters(seed, 0, 0)
    return np.uint64(_mix_py(_mix_py(seed) ^ decision_key(name)))


def uniform(seed: int, name: str, step: int, person_ids: np.ndarray) -> np.ndarray:
    """Uniforms in (0, 1), one per person id, for decision ``name`` at ``step``.

    Never exactly 0 or 1 (the 53-bit value is centred in its cell), so ``-log(u)`` is finite.
    """
    ids = np.ascontiguousarray(person_ids, dtype=np.uint32)
    _check_counters(seed, step, 0)
    out = np.empty(ids.shape[0], dtype=np.float64)
    _uniform_kernel(stream_of(seed, name), np.int64(step), ids, out)
    return out


def exponential(seed: int, name: str, step: int, person_ids: np.ndarray) -> np.ndarray:
    """Unit-rate exponential draws ``-log(U)`` (the cumulative hazard at which each person dies)."""
    return -np.log(uniform(seed, name, step, person_ids))
