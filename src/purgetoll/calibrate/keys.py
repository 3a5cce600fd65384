"""Seeds derived from keys: every random number of a calibration is a function of where it is used.

A calibration has one seed. Each simulation, each proposal of a particle and each posterior
predictive run gets its own seed, a hash of the calibration's seed and a key naming the use::

    derive_seed(seed, "particle", generation, index, attempt)   # the simulation of one attempt
    derive_seed(seed, "proposal", generation, index)            # pyabc's draws inside one task
    derive_seed(seed, "noise", replicate)                       # Monte Carlo noise replicates
    derive_seed(seed, "predictive", scale_tag, draw)            # posterior predictive runs

So a result never depends on which worker ran what, in which order, or how many workers there were
(the static scheduling of :mod:`purgetoll.calibrate.sampler`). BLAKE2b of the key's text, never
Python's salted ``hash``.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["derive_seed", "seed_words", "MAX_SEED"]

#: Seeds are in [0, MAX_SEED): the simulation engine's keyed streams take seeds below 2**63.
MAX_SEED = 2**63


def _digest(seed: int, parts: tuple[object, ...]) -> bytes:
    if not (isinstance(seed, int | np.integer) and not isinstance(seed, bool) and 0 <= int(seed) < MAX_SEED):
        raise ValueError(f"seed must be an integer in [0, 2**63); got {seed!r}")
    text = "/".join([str(int(seed)), *(str(p) for p in parts)])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def derive_seed(seed: int, *parts: object) -> int:
    """A seed in [0, 2**63) for the use named by ``parts`` under the calibration's ``seed``.

    >>> derive_seed(1, "particle", 0, 5, 0) == derive_seed(1, "particle", 0, 5, 0)
    True
    >>> derive_seed(1, "particle", 0, 5, 0) != derive_seed(1, "particle", 0, 6, 0)
    True
    """
    return int.from_bytes(_digest(seed, parts)[:8], "little") >> 1


def seed_words(seed: int, *parts: object) -> np.ndarray:
    """Four 32-bit words for ``np.random.seed`` / ``np.random.default_rng`` (128 bits of the key)."""
    return np.frombuffer(_digest(seed, parts), dtype="<u4").astype(np.uint32)
