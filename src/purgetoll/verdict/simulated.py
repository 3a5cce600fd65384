"""What the runs say: each scenario's headline totals, its own published figures, and its excess deaths.

A scenario's **simulated excess deaths** 6 Jan 1937 - 17 Jan 1939 are the persons its run lacks on
17 Jan 1939 against the ``no_terror`` run of the same seed (common random numbers: the same people
and the same draws, so the difference is the mechanism's alone), by sex and age on 17 Jan 1939. Births
do not respond to the Terror in the engine, so the difference counts deaths only (and those who would
have died anyway are not counted: it is excess).

Intervals over seeds are Student-t prediction intervals for one further run
(:func:`purgetoll.intervals.spread_interval`); from one run there is none, and the output says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from purgetoll.intervals import Interval, spread_interval
from purgetoll.scenarios import Scenario
from purgetoll.verdict.runs import RunRecord

__all__ = ["simulated_excess", "totals_table", "targets_table", "target_measure", "group", "label", "interval_cols",
           "SHARE_MEASURES", "BASELINE"]

SEXES = ("male", "female")
BASELINE = "no_terror"
#: Headline figures that are shares, not persons (``purgetoll.sim.summaries.totals``).
SHARE_MEASURES = ("women_share_camp_end", "male_share_of_dead", "women_share_arrested_1937_1938",
                  "women_share_executed_1937_1938")
#: How a scenario file's ``[targets]`` keys name the headline figures (other keys are used as they are).
_TARGET_RENAMES = (("arrested_", "arrests_"), ("convicted_", "convictions_"), ("gulag_deaths_", "camp_deaths_"),
                   ("executed_", "executions_"), ("population_late_1938", "population_end"))


def group(arr: np.ndarray, lo: int, hi: int | None) -> np.ndarray:
    """Sum over ages ``lo..hi`` (inclusive; ``hi`` None: to the open group) of the last axis."""
    return arr[..., lo:(hi + 1 if hi is not None else None)].sum(-1)


def label(lo: int, hi: int | None) -> str:
    return f"{lo}+" if hi is None else f"{lo}-{hi}"


def interval_cols(i: Interval, prefix: str = "") -> dict[str, float]:
    return {f"{prefix}lower_95": i.lower, f"{prefix}upper_95": i.upper}


def simulated_excess(records: list[RunRecord], baseline: list[RunRecord]) -> dict[int, np.ndarray]:
    """Seed -> persons (2, 101) the scenario's run lacks on 17 Jan 1939 against the baseline run of that
    seed (only the seeds both have)."""
    base = {r.seed: r for r in baseline}
    return {r.seed: base[r.seed].population_1939 - r.population_1939 for r in records if r.seed in base}


def target_measure(key: str) -> str:
    """The headline measure a ``[targets]`` key is compared with (``arrested_1937`` -> ``arrests_1937``)."""
    for old, new in _TARGET_RENAMES:
        key = key.replace(old, new)
    return key


def totals_table(by_name: dict[str, list[RunRecord]]) -> pd.DataFrame:
    """Headline figures (terror runs; 0 persons for a run without terror modules), event counts, populations."""
    headline_keys = sorted({k for recs in by_name.values() for r in recs for k in r.headline})
    rows = []
    for name, recs in by_name.items():
        def add(measure: str, values: list[float], unit: str, name: str = name, n: int = len(recs)) -> None:
            x = np.array(values, dtype=float)
            i = spread_interval(x[np.isfinite(x)]) if np.isfinite(x).any() else None
            rows.append({"scenario": name, "measure": measure, "value": np.nan if i is None else i.estimate,
                         "lower_95": np.nan if i is None else i.lower, "upper_95": np.nan if i is None else i.upper,
                         "unit": unit, "n_seeds": n})

        for key in headline_keys:
            share = key in SHARE_MEASURES or key.startswith("women_share") or key.startswith("male_share")
            add(key, [r.headline.get(key, np.nan if share else 0.0) for r in recs], "share" if share else "persons")
        for kind in sorted({k for r in recs for k in r.totals}):
            add(f"events_{kind}", [r.totals.get(kind, 0.0) for r in recs], "persons")
        for s, sex in enumerate(SEXES):
            for when, attr in (("1937_01_06", "population_1937"), ("1939_01_17", "population_1939")):
                add(f"population_{when}_{sex}", [getattr(r, attr)[s].sum() for r in recs], "persons")
    return pd.DataFrame(rows, columns=["scenario", "measure", "value", "lower_95", "upper_95", "unit", "n_seeds"])


def targets_table(scenarios: list[Scenario], totals: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's own published figures (``[targets]``) beside what the runs gave."""
    rows = []
    t = totals.set_index(["scenario", "measure"])
    for s in scenarios:
        for key, v in s.targets.items():
            measure = target_measure(key)
            hit = (s.name, measure) in t.index
            sim = t.loc[(s.name, measure)] if hit else {"value": np.nan, "lower_95": np.nan, "upper_95": np.nan}
            rows.append({"scenario": s.name, "target": key, "published": float(v.value), "source": v.source,
                         "measure": measure if hit else "", "simulated": sim["value"],
                         "lower_95": sim["lower_95"], "upper_95": sim["upper_95"],
                         "simulated_over_published": sim["value"] / float(v.value) if hit and v.value else np.nan})
    return pd.DataFrame(rows, columns=["scenario", "target", "published", "source", "measure", "simulated",
                                       "lower_95", "upper_95", "simulated_over_published"])
