"""The simulation's own noise at a scale: replicate runs at one reference point.

At scale 0.001 a count of 140 camp deaths has a Monte Carlo sd of about 12 agents (8%); the
archive's figure is known to a few percent. :func:`monte_carlo_noise` runs the simulator
``replicates`` times at ``values`` with seeds ``derive_seed(seed, "noise", r)`` and returns, per
summary, the mean and the sd over the runs (``ddof=1``), which the distance adds to the archival
variance. The noise is measured at one point (the simulator's reference values, by default): an
approximation, stated in the manifest, that is good where the noise varies slowly with the
parameters (counts: sd about sqrt(count x scale) / scale).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from purgetoll.calibrate.keys import derive_seed
from purgetoll.calibrate.sampler import Mapper, serial_map
from purgetoll.calibrate.simulator import Simulator, run_checked

__all__ = ["monte_carlo_noise", "MIN_REPLICATES"]

#: Fewest replicates for an sd.
MIN_REPLICATES = 3


def _replicate(shared: tuple[Simulator, dict[str, float], float, list[str], list[str]], seed: int) -> dict[str, float]:
    simulator, values, scale, names, optional = shared
    return run_checked(simulator, values, seed, scale, names, optional)


def monte_carlo_noise(simulator: Simulator, values: Mapping[str, float], names: Sequence[str], *, scale: float,
                      seed: int, replicates: int, mapper: Mapper = serial_map,
                      optional: Sequence[str] = ()) -> pd.DataFrame:
    """Mean and sd of each summary over ``replicates`` keyed runs: columns ``name, produced, mean, sd,
    replicates``. Every one of ``names`` must be produced (else a SimulationError naming it); those
    of ``optional`` that the simulator does not produce get ``produced`` False and NaN."""
    if not (isinstance(replicates, int) and replicates >= MIN_REPLICATES):
        raise ValueError(f"replicates must be an integer >= {MIN_REPLICATES}; got {replicates!r}")
    seeds = [derive_seed(seed, "noise", r) for r in range(replicates)]
    runs = mapper(_replicate, (simulator, dict(values), float(scale), list(names), list(optional)), seeds)
    every = [*names, *optional]
    x = np.array([[r.get(n, np.nan) for n in every] for r in runs], dtype=float)
    produced = np.array([all(n in r for r in runs) for n in every])
    mean, sd = np.full(len(every), np.nan), np.full(len(every), np.nan)
    for j in range(len(every)):
        col = x[:, j][np.isfinite(x[:, j])]
        if col.size:
            mean[j] = col.mean()
        if col.size >= 2:
            sd[j] = col.std(ddof=1)
    return pd.DataFrame({"name": every, "produced": produced, "mean": mean, "sd": sd, "replicates": replicates})
