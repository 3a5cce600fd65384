"""What a run will cost, estimated before it starts, and the declared limits it must keep.

Two limits of :mod:`purgetoll.limits` bound a simulation, checked by :meth:`Sim.run` before any
file is written or any array allocated:

* ``sim_agent_months``: agents x months, with agents the run's capacity (people at the start times
  the scale, plus every birth and annexation it can add). A run to 2100, or 1:1 over centuries, is
  refused; 1:1 from the 1926 census to 1959 (327M agents ever, 385 months: 1.3e11) passes.
* ``sim_memory_share``: the estimated peak memory, as a share of the memory available when the run
  starts (``MemAvailable`` of ``/proc/meminfo``; not checked where the system does not say). The
  estimate is :data:`PEAK_FACTOR` times the people arrays (capacity x the bytes of every declared
  column) plus :data:`BASE_BYTES`: measured peaks were 1.6 (demography only, 1:1 1926-1959: 5.2
  GiB for 3.3 GB of arrays) to 2.0 (terror scenarios, 1:1 1937-1939: 8.1-9.0 GiB for 4.5 GB)
  times the arrays (``bench/results/sim.json``, ``purge.json``).

Raise either with ``--limit NAME=VALUE`` or ``Sim.run(..., limits={...})``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from purgetoll.limits import check, limit_value
from purgetoll.sim.state import CORE_COLUMNS

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["RunEstimate", "estimate", "check_run", "available_memory_bytes", "PEAK_FACTOR", "BASE_BYTES"]

#: Peak memory over the people arrays (measured 1.6-2.0; see the module docstring).
PEAK_FACTOR = 2.2
#: Memory of the interpreter, numpy, numba and the inputs before any person exists (measured 0.3 GiB).
BASE_BYTES = 0.5 * 2**30


@dataclass(frozen=True)
class RunEstimate:
    """The size of a run: its capacity (agents), bytes per agent, months and estimated peak memory."""

    capacity: int
    bytes_per_agent: int
    months: int

    @property
    def agent_months(self) -> float:
        return float(self.capacity) * self.months

    @property
    def memory_bytes(self) -> float:
        return PEAK_FACTOR * self.capacity * self.bytes_per_agent + BASE_BYTES


def estimate(sim: Sim) -> RunEstimate:
    """The capacity the run will allocate and what it costs (no array is allocated)."""
    cols = list(CORE_COLUMNS) + [c for m in sim.modules.values() for c in m.columns]
    row = int(sum(np.dtype(c.dtype).itemsize for c in cols))
    capacity = int(sum(m.capacity(sim) for m in sim.modules.values()))
    return RunEstimate(capacity, row, sim.n_steps)


def available_memory_bytes() -> float | None:
    """``MemAvailable`` of ``/proc/meminfo`` in bytes, or None where the system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_run(sim: Sim, limits: dict[str, float] | None = None) -> RunEstimate:
    """Refuse (:class:`~purgetoll.errors.LimitError`) a run beyond its limits; return its estimate."""
    est = estimate(sim)
    s = sim.settings
    job = f"simulation {s.start} to {s.end} at scale {s.scale:g}"
    check("sim_agent_months", est.agent_months, limits, job=job,
          advice=f"{est.capacity:,} agents over {est.months:,} months: lower the scale or end the run sooner")
    avail = available_memory_bytes()
    if avail is not None and avail > 0:
        share = est.memory_bytes / avail
        if share > limit_value("sim_memory_share", limits):
            check("sim_memory_share", share, limits, job=job,
                  advice=f"the run needs about {est.memory_bytes / 2**30:.1f} GiB ({est.capacity:,} agents x "
                         f"{est.bytes_per_agent} bytes x {PEAK_FACTOR}, plus {BASE_BYTES / 2**30:.1f} GiB) and "
                         f"{avail / 2**30:.1f} GiB are available: lower the scale, or free memory")
    return est
