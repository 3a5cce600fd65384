"""Run scenarios over seeds, fanned out over processes, and keep what the verdict needs.

One run = one (scenario, seed): the scenario from its start census to 17 Jan 1939 at ``scale``
(a run with terror modules writes its event log to a temporary folder, read back by
:func:`purgetoll.sim.summaries.totals` for the headline figures by year, then removed; others
run in memory). Kept: the event counts, the headline figures and the population by sex and single age on 6 Jan
1937 and 17 Jan 1939, all **in persons** (agents / scale), so the figures are for the whole
population whatever the scale. Runs are independent, so they go to a process pool; each worker
builds the bundled demography inputs once.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import psutil

from purgetoll.data import figure
from purgetoll.ensemble import dask_mapper
from purgetoll.scenarios import Scenario
from purgetoll.scenarios.build import build_sim
from purgetoll.sim.sources import shared_default_inputs
from purgetoll.sim.summaries import read_events, totals
from purgetoll.terminal import progress

__all__ = ["RunRecord", "run_one", "run_many", "memory_workers", "CENSUS_1937", "CENSUS_1939"]

CENSUS_1937 = "1937-01-06"
CENSUS_1939 = "1939-01-17"


@dataclass(frozen=True)
class RunRecord:
    """What one run leaves for the verdict (persons, not agents)."""

    scenario: str
    seed: int
    scale: float
    start: str
    totals: dict[str, float]
    population_1937: np.ndarray  # (2, 101) persons by sex and age on 6 Jan 1937
    population_1939: np.ndarray  # (2, 101) persons on 17 Jan 1939
    seconds: float
    headline: dict[str, float] = field(default_factory=dict)  # purgetoll.sim.summaries.totals (terror runs)


def run_one(scenario: Scenario, seed: int, scale: float, start: str | None = None) -> RunRecord:
    """Run ``scenario`` once (``start`` overrides its start census) and keep the verdict's figures."""
    t0 = time.perf_counter()
    if start is not None and start != scenario.start:
        scenario = dataclasses.replace(scenario, start=start)
    if scenario.end < CENSUS_1939:
        scenario = dataclasses.replace(scenario, end=CENSUS_1939)
    kinds = {k for spec in scenario.module_sections() if spec.module_class is not None
             for k in spec.module_class.event_kinds}
    terror = "arrest" in kinds  # a terror run: its event log gives the headline figures (sim.summaries)
    sim = build_sim(scenario, scale=scale, seed=seed, base=shared_default_inputs(), write_events=terror,
                    snapshot_dates=(CENSUS_1937, CENSUS_1939))
    headline: dict[str, float] = {}
    if terror:
        with tempfile.TemporaryDirectory(prefix="purgetoll-compare-") as tmp:
            result = sim.run(tmp)
            headline = totals(read_events(tmp), scale)
    else:
        result = sim.run()
    snaps = result.snapshots
    pops = {}
    for date in (CENSUS_1937, CENSUS_1939):
        part = snaps[snaps["date"] == date]
        pops[date] = np.stack([part.loc[part["sex"] == s, "count"].to_numpy(float) for s in ("male", "female")])
    counts = {kind: n / scale for kind, n in result.event_counts.items()}
    return RunRecord(scenario.name, seed, scale, scenario.start, counts, pops[CENSUS_1937], pops[CENSUS_1939],
                     time.perf_counter() - t0, headline)


#: Peak memory of one run per person at 1:1 from 1937 to 1939, bytes: measured 7.7 GiB for the 1:1
#: start with attributes (162.5M agents, 1937-01 to 1937-02, Nov 2026) rounded up for the terror columns.
BYTES_PER_PERSON_RUN = 64
PERSONS_1937 = int(figure("war_losses_and_population_milestones:census_1937_total"))


def memory_workers(scale: float) -> int:
    """How many runs fit in the memory available now (at least 1): the default cap on ``workers``."""
    need = PERSONS_1937 * scale * BYTES_PER_PERSON_RUN + 300e6  # plus the interpreter and the inputs
    return max(1, int(psutil.virtual_memory().available * 0.8 // need))


def _job(args: tuple[Scenario, int, float, str | None]) -> RunRecord:
    return run_one(*args)


def _dask_job(_shared: None, args: tuple[Scenario, int, float, str | None]) -> RunRecord:
    return run_one(*args)


def run_many(scenarios: list[Scenario], seeds: list[int], scale: float, start: str | None = None,
             workers: int | None = None, *, dask: bool = False, scheduler: str | None = None) -> list[RunRecord]:
    """Every (scenario, seed), in that order; ``workers`` processes (default: CPUs, at most the runs, at
    most what fits in the memory available: :func:`memory_workers`).

    ``workers=1`` runs in this process (no pool): tests and small runs. ``dask=True`` runs them on a
    Dask ``LocalCluster`` of ``workers`` processes, ``scheduler`` on a running Dask cluster
    (:func:`purgetoll.ensemble.dask_mapper`). A run is a function of its scenario and seed alone
    (keyed random streams), so the records are the same, in the same order, whatever runs them.
    """
    jobs = [(s, seed, scale, start) for s in scenarios for seed in seeds]
    if dask or scheduler is not None:
        with dask_mapper(scheduler, None if scheduler is not None else workers) as mapper:
            return mapper(_dask_job, None, jobs)
    n = workers if workers is not None else min(len(jobs), os.cpu_count() or 1, memory_workers(scale))
    label = f"compare: {len(jobs)} runs"  # a bar on a terminal only (purgetoll.terminal.progress)
    if n <= 1 or len(jobs) == 1:
        return [_job(j) for j in progress(jobs, label)]
    with ProcessPoolExecutor(max_workers=n) as pool:
        return list(progress(pool.map(_job, jobs), label, total=len(jobs)))
