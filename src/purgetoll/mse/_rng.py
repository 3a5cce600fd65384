"""Keyed random streams for the MSE estimators.

A stream is a function of (seed, decision name, further keys), never of how many draws came
before, so that a bootstrap of one stratum does not change when another stratum is added and
every run reproduces bit for bit (numpy's PCG64 via ``SeedSequence``).
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["keyed_rng"]


def _key_int(key: str | int) -> int:
    if isinstance(key, int | np.integer) and not isinstance(key, bool):
        return int(key) & 0xFFFFFFFF
    # crc32 is stable across runs and platforms, unlike hash().
    return zlib.crc32(str(key).encode("utf-8"))


def keyed_rng(seed: int, name: str, *keys: str | int) -> np.random.Generator:
    """A generator determined by ``seed``, the decision ``name`` and any further ``keys``."""
    entropy = [int(seed) & 0xFFFFFFFF, int(seed) >> 32, _key_int(name)]
    entropy += [_key_int(k) for k in keys]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))
