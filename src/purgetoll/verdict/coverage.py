"""The verdict tried on worlds whose truth is known: coverage, false exclusion and power.

A **world** of scenario S is built from the error model and the agents:

1. its errors ``theta_w``, one draw of the error model (:mod:`purgetoll.demography.evidence`) under a
   seed of its own (not the verdict's);
2. its true 1937 population: the 1937 census corrected by ``theta_w``
   (:func:`~purgetoll.demography.census_errors.true_1937`), and its baseline 1939 population: that
   carried to 17 Jan 1939 under ``theta_w``'s mortality and births (:mod:`purgetoll.demography.baseline`);
3. its true 1939 population: the baseline less the excess deaths of one run of S (S's run minus
   no_terror's of the same seed, by sex and age: the agents' Terror, paired); that excess is the
   world's **true toll**;
4. its 1939 census: the true population enumerated with ``theta_w``'s padding (where ``theta_w`` places
   it) and digit preference (:func:`~purgetoll.demography.census_errors.enumerated_1939`).

Only the census changes between the worlds of one scenario, so each scenario's ensemble of runs is
shared across its worlds (world ``w`` takes seed ``w mod seeds``). Each world's census is then read
as the real one (:func:`purgetoll.verdict.implied.read_census`, the verdict's own seed: a pool of
prior draws shared by every world, and where that leaves few effective draws a proposal fitted to the
world's census, as ``purgetoll compare`` does) and every scenario is judged against it with the ensemble's simulated excess
(:func:`purgetoll.verdict.judge` rule). Reported per scenario and measure: how often the 95% interval
of the implied toll contains the world's true toll (target 90-98%), how often the true scenario is
excluded (target at most 5%) and how often each other scenario is (power).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from purgetoll.demography import census_single
from purgetoll.demography.baseline import expected
from purgetoll.demography.census_errors import enumerated_1939, true_1937
from purgetoll.demography.evidence import ErrorModel
from purgetoll.scenarios import Scenario
from purgetoll.verdict.implied import AGES, CENSUS_1937, CENSUS_1939, DEFAULT_DRAWS, read_census
from purgetoll.verdict.judge import joint_interval, verdict_status
from purgetoll.verdict.runs import RunRecord, run_many
from purgetoll.verdict.sampler import TARGET_ESS, fit_proposal
from purgetoll.verdict.simulated import BASELINE, group, simulated_excess

__all__ = ["CoverageStudy", "coverage_study", "WORLD_SEED"]

SEXES = ("male", "female")
#: Seed of the worlds' errors (the verdict's own draws use the error model's default seed, 0).
WORLD_SEED = 20261204
MEASURES = tuple((s, a) for s in SEXES for a in AGES)


@dataclass
class CoverageStudy:
    """Per world and measure (``worlds``), per scenario and measure (``summary``), and the settings."""

    worlds: pd.DataFrame
    summary: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)


def _world_censuses(excess: list[np.ndarray], theta, c37: np.ndarray, c39: np.ndarray) -> tuple[np.ndarray, ...]:
    """True 1939 populations and censuses (W, 2, 101) of worlds with errors ``theta`` (W draws) and true
    tolls ``excess`` (world w takes ``excess[w % len(excess)]``)."""
    start = true_1937(c37, theta)
    base = expected(start, CENSUS_1937, CENSUS_1939, theta).population
    tolls = np.stack([excess[w % len(excess)] for w in range(theta.n)])
    truth = np.maximum(base - tolls, 0.0)
    return tolls, enumerated_1939(truth, theta, c39)


def coverage_study(names: list[str], *, worlds: int = 200, scale: float = 0.01, seeds: int = 3, first_seed: int = 1,
                   draws: int = DEFAULT_DRAWS, model: ErrorModel | None = None, world_seed: int = WORLD_SEED,
                   error_seed: int = 0, workers: int | None = None, records: list[RunRecord] | None = None,
                   pool: int = 40_000, progress: bool = False) -> CoverageStudy:
    """Worlds of each scenario (``worlds`` each), their censuses read and every scenario judged.

    ``records`` (runs of every scenario and of ``no_terror`` over the same seeds) skips the runs. Each
    world is read first with ``pool`` draws of the prior (one projection shared by every world); a world
    left with fewer than :data:`~purgetoll.verdict.sampler.TARGET_ESS` effective draws is read again with
    ``draws`` draws from a proposal fitted to that first reading (the same posterior, less noise).
    """
    model = model or ErrorModel.default()
    t0 = time.perf_counter()
    if records is None:
        runs = [Scenario.load(n) for n in dict.fromkeys([*names, BASELINE])]
        records = run_many(runs, list(range(first_seed, first_seed + seeds)), scale, workers=workers)
    t_runs = time.perf_counter() - t0
    by_name = {n: [r for r in records if r.scenario == n] for n in dict.fromkeys([*names, BASELINE])}
    excess = {n: simulated_excess(recs, by_name[BASELINE]) for n, recs in by_name.items()}
    ensemble = {n: list(e.values()) for n, e in excess.items()}
    sims = {n: {(s, a): np.array([group(e[s], *AGES[a]) for e in ensemble[n]]) for s, (_, a) in
                [(SEXES.index(x), (x, y)) for x, y in MEASURES]} for n in names}
    theta = model.draw(worlds, world_seed)
    c37, c39 = census_single(1937), census_single(1939)
    rows = []
    for truth_name in names:
        tolls, censuses = _world_censuses(ensemble[truth_name], theta, c37, c39)
        for w in range(worlds):
            r = read_census(censuses[w], model=model, draws=pool, seed=error_seed, adapt=False)
            if r.ess < TARGET_ESS:  # this world's census pins the errors where the pool has few draws: adapt
                proposal = fit_proposal(model, r.draws, r.weights, error_seed)
                if proposal is not None:
                    r = read_census(censuses[w], model=model, draws=draws, seed=error_seed, proposal=proposal)
            for sex, ages in MEASURES:
                s = SEXES.index(sex)
                true_toll = float(group(tolls[w, s], *AGES[ages]))
                implied = r.measure(sex, ages)
                i = r.interval(implied)
                row = {"truth": truth_name, "world": w, "seed": first_seed + w % len(ensemble[truth_name]),
                       "sex": sex, "ages": ages, "true_toll": true_toll, "estimate": i.estimate, "lower_95": i.lower,
                       "upper_95": i.upper, "covered": bool(i.exists and i.lower <= true_toll <= i.upper),
                       "interval_exists": i.exists, "effective_draws": r.ess}
                for cand in names:
                    row[f"vs_{cand}"] = verdict_status(joint_interval(r, implied, sims[cand][(s, ages)]), len(ensemble[cand]))
                rows.append(row)
            if progress:
                print(f"  {truth_name}: world {w + 1}/{worlds}", end="\r", flush=True)
    df = pd.DataFrame(rows)
    summary = summarise(df, names)
    settings = {"scenarios": list(names), "worlds_per_scenario": worlds, "scale": records[0].scale,
                "seeds": sorted({r.seed for r in records}), "pool": pool, "draws": draws, "error_seed": error_seed,
                "world_seed": world_seed, "error_model": model.origin, "seconds_runs": t_runs,
                "seconds_total": time.perf_counter() - t0,
                "method": ("worlds: errors drawn from the error model (seed world_seed), true 1937 population and "
                           "baseline under them, less one run's paired excess (the true toll), enumerated with "
                           "their padding and digit preference; each census read as the real one and every "
                           "scenario judged by the verdict's rule")}
    return CoverageStudy(df, summary, settings)


def summarise(df: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Per true scenario and measure: coverage of the implied toll's 95% interval, the true scenario's
    exclusion rate, each other scenario's exclusion rate (power), and worlds without an interval."""
    rows = []
    for (truth, sex, ages), part in df.groupby(["truth", "sex", "ages"], sort=False):
        row = {"truth": truth, "sex": sex, "ages": ages, "worlds": len(part),
               "coverage": float(part["covered"].mean()), "no_interval": float((~part["interval_exists"]).mean()),
               "true_excluded": float(part[f"vs_{truth}"].str.startswith("excluded").mean()),
               "median_effective_draws": float(part["effective_draws"].median())}
        for cand in names:
            if cand != truth:
                row[f"excluded_{cand}"] = float(part[f"vs_{cand}"].str.startswith("excluded").mean())
        rows.append(row)
    return pd.DataFrame(rows)
