"""Build agents from a table of counts by sex and single year of age, at any scale.

At ``scale`` s each (sex, age) cell of ``N`` persons becomes ``floor(N s)`` agents plus one more
with probability equal to the fractional part (a keyed draw per cell), so the expected number of
agents is exactly ``N s`` and each agent stands for ``1/s`` persons (the weight reported in
snapshots and the manifest). Within a completed year of age 1+, birth months are spread uniformly
over the twelve months (a keyed draw per person): the census gives nothing finer. At age 0, when
the caller gives the first year's hazard at the start (``infant``: the 13 pieces of
``sim.hazard.infant_hazards``, the ones the demography module applies), the birth month is drawn
with weights proportional to the survival from birth to the start date under that hazard
(:func:`infant_birth_month_weights`): infant deaths are front-loaded, so fewer of the oldest infants
are left, as in the life table's ``L0`` (the cohort-component projection's assumption too). This
assumes births were about even over the year before the start (the census gives nothing finer).
Without ``infant`` (annexed people: the projection spreads them evenly too) age 0 is spread
uniformly. The open group 100+ is placed at age 100.
"""

from __future__ import annotations

import numpy as np

from purgetoll.errors import DataError
from purgetoll.sim import rng
from purgetoll.sim.hazard import N_AGES
from purgetoll.sim.state import People

__all__ = ["agents_per_cell", "add_cohorts", "infant_birth_month_weights"]


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


def infant_birth_month_weights(infant: np.ndarray) -> np.ndarray:
    """Shares of the infants (completed age 0) at a time point by months before it of birth.

    ``infant`` are the hazards of the 13 pieces of the first year (``sim.hazard.infant_hazards``,
    shape ``(..., 13)``: the half month of birth, then whole months). An agent placed ``j`` months
    back (birth month index ``month - j``, ``j = 0..11``) has lived through pieces ``0..j`` (exact
    age ``j + 0.5`` months, see ``sim.calendar``), so with births even over the year its share is
    proportional to ``exp(-sum(infant[..., :j + 1]))``. Returns shape ``(..., 12)``, summing to 1.
    Pure function.
    """
    h = np.asarray(infant, dtype=np.float64)
    if h.shape[-1:] != (13,):
        raise DataError("synthesis", f"infant hazards must have 13 first-year pieces on the last axis; got shape {h.shape}")
    bad = np.argwhere(~np.isfinite(h) | (h < 0))
    if bad.size:
        where = tuple(int(i) for i in bad[0])
        raise DataError("synthesis", f"infant hazards must be finite and >= 0; got {float(h[where])!r}",
                        f"index={where}")
    survival = np.exp(-np.cumsum(h[..., :12], axis=-1))
    return survival / survival.sum(axis=-1, keepdims=True)


def add_cohorts(
    people: People,
    counts: np.ndarray,
    *,
    scale: float,
    seed: int,
    month: int,
    step: int,
    decision: str,
    infant: np.ndarray | None = None,
) -> slice:
    """Add agents for ``counts`` (2, 101) persons by sex and completed age at month index ``month``.

    Decisions drawn: ``{decision}.count`` (rounding per cell) and ``{decision}.birth_month`` (month
    within the year of age, per person: one uniform per person id, turned into a month uniformly
    or, at age 0 with ``infant`` (shape (2, 13), hazards of the first year's pieces by sex at this
    time point), by the inverse of :func:`infant_birth_month_weights`' distribution). The numbers of
    agents by sex and age do not depend on ``infant``. Returns the slots of the new agents (one
    contiguous slice, ordered male then female, by age).
    """
    n = agents_per_cell(counts, scale, seed, f"{decision}.count", step)
    cdf = None
    if infant is not None:
        if np.shape(infant) != (2, 13):
            raise DataError("synthesis", f"infant hazards must have shape (2, 13) (sex, piece); got {np.shape(infant)}")
        cdf = np.cumsum(infant_birth_month_weights(infant), axis=-1)
    first = people.n
    for s in range(2):
        for a in range(N_AGES):
            k = int(n[s, a])
            if k == 0:
                continue
            ids = np.arange(people.next_id, people.next_id + k, dtype=np.uint32)
            u = rng.uniform(seed, f"{decision}.birth_month", step, ids)
            if a == 0 and cdf is not None:
                # inverse CDF; the clip guards u just below 1 against the CDF's last rounding
                within = np.minimum(np.searchsorted(cdf[s], u, side="right"), 11).astype(np.int16)
            else:
                within = np.floor(u * 12).astype(np.int16)
            people.add(k, sex=s, birth_month=np.int16(month - 12 * a) - within)
    return slice(first, people.n)
