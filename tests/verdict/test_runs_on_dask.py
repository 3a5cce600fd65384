"""The verdict's ensembles on Dask: the same run records as in this process, whatever the workers."""

from __future__ import annotations

import numpy as np
import pytest

from purgetoll.scenarios import Scenario
from purgetoll.verdict.runs import run_many

pytestmark = pytest.mark.slow


def test_dask_ensemble_equals_the_in_process_one():
    scenarios = [Scenario.load("no_terror")]
    seeds = [1, 2]
    here = run_many(scenarios, seeds, 0.0005, workers=1)
    on_dask = run_many(scenarios, seeds, 0.0005, workers=2, dask=True)
    assert [(r.scenario, r.seed) for r in on_dask] == [(r.scenario, r.seed) for r in here]
    for a, b in zip(here, on_dask, strict=True):
        assert a.totals == b.totals
        assert np.array_equal(a.population_1939, b.population_1939)
        assert np.array_equal(a.population_1937, b.population_1937)
