"""The censuses' verdict: the toll the censuses imply, and which published accounts they exclude.

For every scenario, over ``seeds`` runs (:mod:`purgetoll.verdict.runs`; ``no_terror`` always runs, as
the baseline each scenario's excess is paired with by seed), and for the 1939 census (the bundled one,
or the user's: :mod:`purgetoll.verdict.census_file`) read through the error model of the evidence
(:mod:`purgetoll.demography.evidence`, the user's settings over its defaults):

* ``implied_excess``: the excess deaths 6 Jan 1937 - 17 Jan 1939 the censuses imply, by sex, all ages
  and ages 20-59 on 17 Jan 1939, with their 95% intervals over the error model anchored where the
  Terror barely reached (women, children: :mod:`purgetoll.verdict.implied`), and how each stands
  against the archive's documented floor;
* ``documented_floor``: the deaths the archive records (:mod:`purgetoll.verdict.floor`);
* ``verdict``: each scenario judged on each measure by :data:`purgetoll.verdict.judge.RULE`;
* ``pairs``: which accounts the census tells apart; ``deficits``: each scenario's simulated excess
  beside the implied one; ``census_1939`` and ``survival``: the populations and cohort survival as
  simulated, as read from the censuses, and ADH's; ``totals`` and ``targets``: each scenario's
  headline figures and its own published ones; ``anchors`` and ``error_model``: how the anchors came
  out and every assumption, with its range and source.

Every output states the method (``settings["method"]``) and the rule (``settings["test"]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from purgetoll.demography import adh_single, census_single
from purgetoll.demography.evidence import DEFAULT_MODEL_SEED, ErrorModel
from purgetoll.scenarios import Scenario, load_scenarios
from purgetoll.verdict.census_file import read_census_file
from purgetoll.verdict.floor import documented_floor
from purgetoll.verdict.implied import DEFAULT_DRAWS, Reading, read_census, with_reference
from purgetoll.verdict.judge import (
    RULE,
    anchors_table,
    census_table,
    deficits_table,
    implied_table,
    pairs_table,
    survival_table,
    verdict_table,
)
from purgetoll.verdict.runs import RunRecord, run_many
from purgetoll.verdict.simulated import BASELINE, targets_table, totals_table

__all__ = ["Verdict", "compare", "compare_records", "TEST_STATEMENT", "TABLES"]

TEST_STATEMENT = RULE
#: The tables of a verdict, in the order they are printed and stored.
TABLES = ("verdict", "implied_excess", "documented_floor", "deficits", "totals", "targets", "census_1939", "survival",
          "pairs", "anchors", "error_model")


@dataclass
class Verdict:
    """The comparison's tables (tidy DataFrames, :data:`TABLES`) and the settings that produced them."""

    verdict: pd.DataFrame
    implied_excess: pd.DataFrame
    documented_floor: pd.DataFrame
    deficits: pd.DataFrame
    totals: pd.DataFrame
    targets: pd.DataFrame
    census_1939: pd.DataFrame
    survival: pd.DataFrame
    pairs: pd.DataFrame
    anchors: pd.DataFrame
    error_model: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}

    def to_json(self) -> dict[str, Any]:
        return {"settings": self.settings, "test": TEST_STATEMENT, "method": self.settings.get("method", ""),
                **{k: v.astype(object).where(v.notna(), None).to_dict(orient="records")
                   for k, v in self.tables().items()}}


def _census_1939(census: str | Path | np.ndarray | None) -> tuple[np.ndarray, str]:
    if census is None:
        return census_single(1939), "the 1939 census as enumerated (census_1939_single, bundled), padding included"
    if isinstance(census, np.ndarray):
        return np.asarray(census, dtype=float), "a 1939 census given as an array (persons by sex and age)"
    return read_census_file(census), f"the 1939 census of {census} (persons as enumerated, padding included)"


def compare(names: list[str], *, scale: float = 0.001, seeds: int = 3, first_seed: int = 1,
            start: str | None = None, workers: int | None = None, errors: ErrorModel | None = None,
            census: str | Path | np.ndarray | None = None, draws: int = DEFAULT_DRAWS,
            error_seed: int = DEFAULT_MODEL_SEED) -> Verdict:
    """Run every scenario (bundled name or path) over ``seeds`` seeds and judge it against the 1939 census
    (``census``: a path in the bundled schema; default the real one) read through the error model
    (``errors``; default its declared priors), ``draws`` draws from seed ``error_seed``."""
    scenarios = load_scenarios(names)
    c39, census_source = _census_1939(census)  # checked before any run
    model = errors or ErrorModel.default()
    runs = list(scenarios)
    added = BASELINE not in {s.name for s in scenarios}
    if added:
        runs.append(Scenario.load(BASELINE))
    records = run_many(runs, list(range(first_seed, first_seed + seeds)), scale, start, workers)
    reading = read_census(c39, model=model, draws=draws, seed=error_seed)
    v = compare_records(scenarios, records, reading=reading)
    v.settings["census"] = census_source
    if added:
        v.settings["baseline_added"] = f"{BASELINE} was run as the baseline of the paired excess (not asked for)"
    return v


def compare_records(scenarios: list[Scenario], records: list[RunRecord], *, reading: Reading | None = None,
                    census: np.ndarray | None = None, errors: ErrorModel | None = None,
                    draws: int = DEFAULT_DRAWS, error_seed: int = DEFAULT_MODEL_SEED) -> Verdict:
    """Build the verdict from finished runs (one or more seeds per scenario; ``no_terror``'s among them) and
    a census reading (default: ``census`` or the real 1939 census through ``errors``)."""
    names = [s.name for s in scenarios]
    if BASELINE not in names and any(r.scenario == BASELINE for r in records):
        names.append(BASELINE)
    by_name = {n: [r for r in records if r.scenario == n] for n in names}
    missing = [n for n, rs in by_name.items() if not rs]
    if BASELINE not in by_name:
        missing.append(BASELINE)
    if missing:
        raise ValueError(f"no runs for scenario(s) {missing} (the verdict pairs every scenario with {BASELINE})")
    if reading is None:
        c39 = census_single(1939) if census is None else np.asarray(census, dtype=float)
        reading = read_census(c39, model=errors or ErrorModel.default(), draws=draws, seed=error_seed)
    adh39, adh37 = adh_single(1939, "1938"), adh_single(1937)
    adh = with_reference(reading, adh39, "ADH")
    counted = census_single(1939) if reading.census_1939 is None else reading.census_1939
    totals = totals_table(by_name)
    verdict = verdict_table(by_name, reading, adh)
    first = records[0]
    settings = {
        "scenarios": list(by_name), "scale": first.scale, "seeds": sorted({r.seed for r in records}),
        "start": first.start, "persons_per_agent": 1 / first.scale,
        "counts": "persons (agents / scale): the whole population whatever the scale",
        "interval": ("implied excess and verdicts: equal-tailed weighted quantiles of the error model's draws "
                     "(x seeds for a verdict), from at least 200 effective draws; simulated figures: Student-t "
                     "prediction interval for one further run, from at least 2 seeds (none from one)"),
        "test": TEST_STATEMENT, "method": reading.method(), "draws": reading.draws.n, "error_seed": reading.seed,
        "effective_draws": reading.ess, "error_model": reading.draws.model.origin,
        "adh": ("vs_adh: ADH's 1 Jan 1939 population (1938 borders) in place of the corrected census, against the "
                "same draws and weights (the baseline as the census's anchors pinned it)"),
        "assumptions": reading.draws.model.describe(),
        "scenario_sources": {s.name: s.describe() for s in scenarios},
    }
    return Verdict(
        verdict=verdict, implied_excess=implied_table(reading), documented_floor=documented_floor(reading.floor),
        deficits=deficits_table(by_name, reading), totals=totals, targets=targets_table(scenarios, totals),
        census_1939=census_table(by_name, reading, counted, adh39),
        survival=survival_table(by_name, reading, adh37, adh39), pairs=pairs_table(verdict),
        anchors=anchors_table(reading), error_model=reading.draws.model.table(), settings=settings)
