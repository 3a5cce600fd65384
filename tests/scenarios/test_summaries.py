"""The calibration's interface: simulate_summaries is deterministic in (values, seed), returns every
declared statistic, agrees with the run's event log, and the priors are the declared ones."""

from __future__ import annotations

import math

import pytest

from purgetoll.scenarios import Scenario, build_sim, sections
from purgetoll.scenarios.summaries import (
    FIT,
    HELD_OUT,
    free_parameters,
    simulate_summaries,
    summaries,
)
from purgetoll.sim.summaries import read_events, totals


def same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


def test_deterministic_in_values_and_seed_and_complete():
    values = {"terror.interrogators_persons": 20_000.0, "denunciation.names_per_interrogation": 4.0}
    a = simulate_summaries(values, seed=3)
    assert set(a) == set(FIT) | set(HELD_OUT)
    assert same(a, simulate_summaries(values, seed=3))
    assert not same(a, simulate_summaries(values, seed=4))
    assert not same(a, simulate_summaries({**values, "terror.interrogators_persons": 12_000.0}, seed=3))


def test_the_statistics_are_those_of_the_event_log(tmp_path):
    """The in-memory run gives what the written event log gives (the same run, the same seed)."""
    got = simulate_summaries({}, seed=2)
    sc = Scenario.load("archival").with_values({"terror.mode": "mechanism"})
    build_sim(sc, scale=0.001, seed=2, snapshot_dates=()).run(tmp_path / "run")
    ev = read_events(tmp_path / "run")
    assert same(got, summaries(ev, 0.001))
    t = totals(ev, 0.001)
    for key in ("arrests_1937", "arrests_1938", "convictions_1937", "death_sentences_1938", "camp_population_1939_01_01"):
        assert got[key.replace("camp_deaths", "gulag_deaths")] == t[key]
    assert got["arrests_1937"] == sum(got[f"arrests_1937-{m:02d}"] for m in range(1, 13))
    assert got["order_00447_arrests"] == pytest.approx(sum(got[f"order_00447_month_share_{y}-{m:02d}"]
                                                           for y in (1937, 1938) for m in range(1, 13))
                                                       * got["order_00447_arrests"])


def test_the_priors_are_the_declarations():
    priors = free_parameters()
    assert {"terror.interrogators_persons", "terror.cases_per_interrogator_per_month",
            "denunciation.names_per_interrogation", "mass_operation.limit_request_probability_per_month",
            "sentencing.troika_cases_per_sitting", "gulag.camp_overcrowding_mortality_factor"} <= set(priors)
    table = sections()
    for key, (lo, hi) in priors.items():
        sec, name = key.split(".")
        p = table[sec].param(name)
        assert p.prior == (lo, hi) and p.low <= lo < hi <= (p.high if p.high is not None else math.inf)
    assert not any(k.startswith("attributes.") or k.startswith("population.") for k in priors)
