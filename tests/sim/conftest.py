"""Shared inputs for the agent-engine tests: a small synthetic population and the real one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from purgetoll.sim import DemographyInputs
from purgetoll.sim.modules.terror import CAMP, EXECUTED, HELD
from purgetoll.sim.summaries import read_events, totals

AGES = np.arange(101)


def toy_qx(year: float, sex: str) -> np.ndarray:
    """A Gompertz-like schedule with a high infant rate, falling 1% a year from 1927, women 10% lower."""
    base = np.clip(0.003 * np.exp(0.075 * (AGES - 30)), 0.001, 0.6)
    base[0] = 0.18
    base[1] = 0.05
    factor = (0.99 ** (year - 1927.0)) * (0.9 if sex == "female" else 1.0)
    return np.minimum(base * factor, 0.95)


def toy_births(t0: float, t1: float) -> np.ndarray:
    """Boys and girls born during [t0, t1): 3.0M and 2.86M a year, constant."""
    return np.array([3.0e6, 2.86e6]) * (t1 - t0)


def toy_initial(total_millions: float = 100.0) -> pd.DataFrame:
    """A young population by sex and single age, ``total_millions`` in all."""
    shape = np.exp(-AGES / 30.0)
    counts = shape / shape.sum() * total_millions * 1e6 / 2
    return pd.DataFrame({"sex": np.repeat(["male", "female"], 101), "age": np.tile(AGES, 2),
                         "count": np.concatenate([counts * 0.97, counts * 1.03])})


@pytest.fixture(scope="session")
def toy_inputs() -> DemographyInputs:
    annexed = toy_initial(10.0).assign(date="1929-11-01", label="west")
    return DemographyInputs(initial=toy_initial(), qx=toy_qx, births_between=toy_births, annexations=annexed,
                            tables={"toy": "synthetic test inputs"})


@pytest.fixture(scope="session")
def real_inputs():
    from purgetoll.sim import default_inputs

    return default_inputs()


def run_with_events(sim, folder) -> tuple:
    """Run ``sim`` into ``folder``; the sim and its event log."""
    sim.run(folder)
    return sim, read_events(folder)


def assert_custody_agrees_with_people(sim, ev, scale: float) -> None:
    """Conservation at the end: camp and prison populations from the events equal the people's
    status, and every execution logged is a person whose status is executed."""
    p = sim.people
    t = totals(ev, scale)
    alive = p["alive"]
    assert t["camp_population_end"] * scale == pytest.approx(np.count_nonzero(alive & (p["t_status"] == CAMP)))
    assert t["prison_population_end"] * scale == pytest.approx(np.count_nonzero(alive & (p["t_status"] == HELD)))
    assert (ev["event"] == "execution").sum() == np.count_nonzero(p["t_status"] == EXECUTED)
