"""Build agents from a table of counts by sex and single year of age, at any scale.

At ``scale`` s each (sex, age) cell of ``N`` persons becomes ``floor(N s)`` agents plus one more
with probability equal to the fractional part (a keyed draw per cell), so the expected number of
agents is exactly ``N s`` and each agent stands for ``1/s`` persons (the weight reported in
snapshots and the manifest). Within a completed year of age, birth months are spread uniformly over
the twelve months (a keyed draw per person): the census gives nothing finer, and for age 0 this
understates the number of the youngest infants slightly (an assumption, stated in the manifest).
The open group 100+ is placed at age 100.
"""

from __future__ import annotations

import numpy as np

from purgetoll.errors import DataError
from purgetoll.sim import rng
from purgetoll.sim.hazard import N_AGES
from purgetoll.sim.state import People

__all__ = ["agents_per_cell", "add_cohorts"]


def agents_per_cell(counts: np.ndarray, scale: float, seed: int, decision: str, step: int) -> np.ndarray:
    """Number of agents per (sex, age) cell: ``counts * scale`` rounded up or down at random."""
    if not (0 < scale <= 1):
        raise DataError("synthesis", f"scale must be in (0, 1] (1 = one agent per person); got {scale!r}")
    c = np.asarray(counts, dtype=np.float64)
    if c.shape != (2, N_AGES):
        raise DataError("synthesis", f"counts must have shape (2, {N_AGES}); got {c.shape}")
    expected = c * scale
    whole = np.floor(expected)
    u = rng.uniform(seed, decision, step, np.arange(c.size, dtype=np.uint32)).reshape(c.shape)
    return (whole + (u < expected - whole)).astype(np.int64)


def add_cohorts(
    people: People,
    counts: np.ndarray,
    *,
    scale: float,
    seed: int,
    month: int,
    step: int,
    decision: str,
) -> slice:
    """Add agents for ``counts`` (2, 101) persons by sex and completed age at month index ``month``.

    Decisions drawn: ``{decision}.count`` (rounding per cell) and ``{decision}.birth_month`` (month
    within the year of age, per person). Returns the slots of the new agents (one contiguous slice,
    ordered male then female, by age).
    """
    n = agents_per_cell(counts, scale, seed, f"{decision}.count", step)
    first = people.n
    for s in range(2):
        for a in range(N_AGES):
            k = int(n[s, a])
            if k == 0:
                continue
            ids = np.arange(people.next_id, people.next_id + k, dtype=np.uint32)
            within = np.floor(rng.uniform(seed, f"{decision}.birth_month", step, ids) * 12).astype(np.int16)
            people.add(k, sex=s, birth_month=np.int16(month - 12 * a) - within)
    return slice(first, people.n)
