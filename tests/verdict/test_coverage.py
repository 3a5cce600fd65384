"""A small version of bench/bench_verdict_coverage.py: worlds whose truth is known, read as the real census."""

from __future__ import annotations

import numpy as np
import pytest

from purgetoll.scenarios import Scenario
from purgetoll.verdict.coverage import coverage_study
from purgetoll.verdict.runs import run_many

NAMES = ["archival", "conquest_1968", "no_terror"]


@pytest.fixture(scope="module")
def study():
    records = run_many([Scenario.load(n) for n in NAMES], [1, 2], 0.001, workers=1)
    return coverage_study(NAMES, worlds=4, draws=6000, pool=20_000, records=records)


def test_worlds_carry_their_true_toll(study):
    """A world's true toll is its scenario's run minus no_terror's of the same seed: none in no_terror's
    worlds, about the archive's floor of men in archival's (0.68-0.79M: the runs' executions and camp deaths
    less those who would have died anyway), Conquest's 1M executed and 2M camp deaths in conquest_1968's."""
    w = study.worlds.set_index(["truth", "sex", "ages"])
    assert (w.loc[("no_terror", "male", "all"), "true_toll"] == 0).all()
    assert w.loc[("archival", "male", "all"), "true_toll"].between(0.65e6, 0.8e6).all()
    assert w.loc[("conquest_1968", "male", "all"), "true_toll"].between(2.5e6, 2.9e6).all()
    assert set(study.worlds["seed"]) == {1, 2}


def test_intervals_cover_the_truth_and_conquest_is_excluded_in_archival_worlds(study):
    s = study.summary.set_index(["truth", "sex", "ages"])
    arch = s.loc[("archival", "male", "20-59")]
    assert arch["excluded_conquest_1968"] == 1.0  # power
    assert arch["true_excluded"] <= 0.25
    assert (s["no_interval"] == 0).all()
    covered = study.worlds.groupby("truth")["covered"].mean()
    assert (covered >= 0.75).all(), covered
    assert study.worlds["effective_draws"].min() > 200
    assert np.isfinite(study.worlds["lower_95"]).all()
