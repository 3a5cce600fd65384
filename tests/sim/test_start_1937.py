"""Starting at the census of 6 Jan 1937 with the army and NKVD contingents added back (or at Dec 1926)."""

from __future__ import annotations

import numpy as np
import pytest

from purgetoll.demography import census_single
from purgetoll.errors import DataError
from purgetoll.scenarios import Scenario, build_sim
from purgetoll.sim.start_1937 import CENSUS_TOTAL_1937, initial_1937, start_inputs


def test_1937_start_adds_army_and_nkvd_to_the_census_total():
    """Zhiromskaya & Polyakov (2007) p. 37: 162,003,225 with the army (1,681,043 men, 1,526 women)."""
    pop = initial_1937()
    table = census_single(1937)
    assert table.sum() == pytest.approx(160_121_383, abs=0.5)  # the age table, unknown ages spread
    assert pop.sum() == pytest.approx(CENSUS_TOTAL_1937, abs=0.5)
    added = pop - table
    assert added[0].sum() == pytest.approx(1_681_043 + 199_273, abs=0.5)  # NKVD counted as men
    assert added[1].sum() == pytest.approx(1_526, abs=0.01)
    ages = np.flatnonzero(added.sum(0) > 0)
    assert ages.min() == 20 and ages.max() == 29
    # spread like the men counted at those ages: the same proportional increase at each age
    ratio = pop[0, 20:30] / table[0, 20:30]
    assert np.allclose(ratio, ratio[0])


def test_army_age_range_and_contingent_are_parameters():
    pop = initial_1937(army_age_max=34, nkvd_contingents_persons=150_000)
    assert pop.sum() == pytest.approx(CENSUS_TOTAL_1937 - 49_273, abs=0.5)
    assert (pop - census_single(1937))[0, 30:35].sum() > 0


def test_bad_population_parameters_name_the_key():
    with pytest.raises(DataError, match=r"^\[population\]: army_age_max must be in \[20, 60\] years; got 70$"):
        initial_1937(army_age_max=70)
    with pytest.raises(DataError, match=r"^\[population\]: army_age_min \(30\) must be <= army_age_max \(25\)$"):
        initial_1937(army_age_min=30, army_age_max=25)
    with pytest.raises(DataError, match=r"^\[population\]: unknown parameter\(s\) \['army'\]"):
        initial_1937(army=1)
    with pytest.raises(DataError, match=r"^start: the engine starts at a census date \(1926-12-17, 1937-01-06\); "
                       r"got '1939-01-17'$"):
        start_inputs("1939-01-17")


def test_1926_start_is_the_demography_only_run(real_inputs):
    assert start_inputs("1926-12-17", real_inputs) is real_inputs
    i = start_inputs("1937-01-06", real_inputs)
    assert i.initial["count"].sum() == pytest.approx(CENSUS_TOTAL_1937, abs=0.5)
    assert "census_1937_single" in i.tables and "army_1937" in i.assumptions
    assert i.births_between is real_inputs.births_between


def test_agents_at_the_1937_start_stand_for_162_million(real_inputs):
    sim = build_sim(Scenario.load("no_terror"), scale=0.002, seed=3, base=real_inputs, write_events=False)
    result = sim.run()
    snap = result.snapshots
    first = snap[snap["date"] == "1937-01-06"]
    # each agent stands for 500 persons; rounding per cell is a Bernoulli: sd about sqrt(202 * 0.25) agents
    assert first["count"].sum() == pytest.approx(CENSUS_TOTAL_1937, abs=5 * np.sqrt(202 * 0.25) / 0.002)
    assert result.manifest["start"] == "1937-01-06" and result.manifest["scenario"] == "no_terror"
    assert "census_1937_single" in result.manifest["data_tables"]
