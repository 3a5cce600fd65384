"""Keyed random streams of the demography engine's Monte Carlo.

A draw of an uncertain input is a function of ``(seed, name)`` only (numpy ``SeedSequence`` keyed
by the seed and a CRC-32 of the name), so adding an input or changing the number of draws of
another never changes them (common random numbers), and the same seed gives the same draws on any
machine.
"""

from __future__ import annotations

import zlib

import numpy as np

from purgetoll.errors import DataError

__all__ = ["stream"]


def stream(seed: int, name: str) -> np.random.Generator:
    """The random generator of input ``name`` under ``seed`` (independent of every other name)."""
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
        raise DataError("montecarlo", f"seed must be a whole number >= 0; got {seed!r}")
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(name.encode())]))
