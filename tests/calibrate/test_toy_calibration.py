"""The calibration on a toy whose truth is known: it recovers the truth, and reproduces bit for bit.

The toy (:mod:`purgetoll.calibrate.toy`) has the shape of the mechanism (lists, capacity, sentences,
camps) and noise that shrinks with the scale. Its synthetic archives are made at ``TOY_TRUTH`` (one
run at 1:1, plus a 5% archival error); the calibration runs at scale 0.001 as the real one does.
The coverage of the credible intervals over many synthetic archives is measured in
``bench/bench_calibrate.py``; here, three archives.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyabc
import pytest

from purgetoll.calibrate.budget import STATUSES, Budget, smallest_budget
from purgetoll.calibrate.fit import Calibration
from purgetoll.calibrate.predictive import (
    held_out_coverage,
    posterior_predictive,
    predictive_check,
    scale_agreement,
    spread_draws,
)
from purgetoll.calibrate.result import check_run
from purgetoll.calibrate.sampler import KeyedMappingSampler, current_simulation_seed, serial_map
from purgetoll.calibrate.toy import TOY_TRUTH, ToyMachine, toy_statistics
from purgetoll.errors import ConvergenceError, LimitError, ScenarioError


def calibrate(seed: int, archive_seed: int, simulations: int = 5600, population: int = 300,
              **settings: Any) -> Calibration:
    return Calibration(ToyMachine(), statistics=toy_statistics(archive_seed), scale=0.001, simulations=simulations,
                       population_size=population, seed=seed, noise_replicates=10, **settings).fit(serial_map)


@pytest.fixture(scope="module")
def fits() -> list[Calibration]:
    """Two full generations each (a budget of 5,600 leaves room for generation 1 at its pessimistic
    predicted acceptance rate, purgetoll.calibrate.budget)."""
    return [calibrate(seed=10 + k, archive_seed=100 + k, max_generations=2) for k in range(3)]


def test_credible_intervals_cover_the_truth(fits):
    """Every parameter's 95% interval contains the value the archive was made with, in each of three
    synthetic archives (12 intervals), and the identified ones are narrower than their priors."""
    for cal in fits:
        s = cal.summary().set_index("parameter")
        assert s["ess"].min() >= 200  # intervals exist (purgetoll.intervals: 200 effective draws)
        for name, truth in TOY_TRUTH.items():
            assert s.loc[name, "lower_95"] <= truth <= s.loc[name, "upper_95"], (name, s.loc[name].to_dict())
        width = s["upper_95"] - s["lower_95"]
        prior = s["prior_high"] - s["prior_low"]
        assert width["capacity_persons_per_month"] < 0.4 * prior["capacity_persons_per_month"]
        assert width["shooting_share"] < 0.8 * prior["shooting_share"]


def test_tolerance_shrinks(fits):
    g = fits[0].generations_
    eps = g[g["generation"] >= 0]["epsilon"].to_numpy()
    assert np.all(np.diff(eps) < 0)
    assert list(g["status"]) == ["full"] * 3 and fits[0].budget_notes_ == []
    assert fits[0].stopped_because_ == "max_generations (2) generations ran"
    assert (g["acceptance_rate"].dropna() <= 1).all()
    assert fits[0].simulations_ == int(g["simulations"].sum()) + 10 <= 5600


def test_the_budget_is_kept_and_the_generation_it_cannot_afford_is_not_run():
    """A budget of 1,500 with 300 particles: pyabc's own budget, checked between generations, let
    generation 1 run to completion (2,713 simulations). Now at most 1,500 are made: after the noise
    replicates (10), the prior sample (300) and generation 0 (960), the 230 left allow about 15
    particles at generation 1's predicted acceptance rate, fewer than min_ess (150): it is not run,
    and the result says so."""
    cal = calibrate(seed=10, archive_seed=100, simulations=1500)
    g = cal.generations_
    assert cal.simulations_ == int(g["simulations"].sum()) + 10 == 1270
    assert cal.simulations_ <= 1500
    assert list(g["status"]) == ["full", "full", "skipped"] and list(g["simulations"]) == [300, 960, 0]
    assert cal.generation_ == 0 and len(cal.posterior_) == 300
    assert cal.stopped_because_.startswith("the budget of 1,500 simulations (1,270 made): generation 1 was not run: "
                                           "the 230 simulations left of the budget of 1,500 allowed 15 particles")
    assert "fewer than min_ess (150)" in cal.stopped_because_
    assert cal.budget_notes_ == [cal.stopped_because_.split(": ", 1)[1].rsplit("; the posterior", 1)[0]]


@pytest.mark.parametrize("budget", [600, 900, 1200, 2000, 3000])
def test_no_budget_is_overshot(budget):
    """Whatever the budget, the simulations made (noise replicates included) stay within it; a
    generation shrunk, skipped or discarded for it is stated."""
    cal = calibrate(seed=3, archive_seed=5, simulations=budget, population=100, min_ess=10)
    g = cal.generations_
    assert cal.simulations_ == int(g["simulations"].sum()) + 10 <= budget
    assert set(g["status"]) <= set(STATUSES)
    assert len(cal.budget_notes_) == int((g["status"] != "full").sum())
    assert cal.stopped_because_.startswith(f"the budget of {budget:,} simulations")


def test_the_same_seed_gives_the_same_posterior_bit_for_bit():
    """Also when the budget shrinks a generation, which then runs in several rounds."""
    a = calibrate(seed=3, archive_seed=5, simulations=900, population=100, min_ess=10)
    status = list(a.generations_["status"])
    assert status[:3] == ["full", "full", "shrunk"] and status[-1] == "skipped"
    b = calibrate(seed=3, archive_seed=5, simulations=900, population=100, min_ess=10)
    pd.testing.assert_frame_equal(a.posterior_, b.posterior_, check_exact=True)
    pd.testing.assert_frame_equal(a.generations_, b.generations_, check_exact=True)
    c = calibrate(seed=4, archive_seed=5, simulations=900, population=100, min_ess=10)
    assert not a.posterior_.equals(c.posterior_)


def _particle(draw: float) -> pyabc.Particle:
    """A proposal ``draw`` (from pyabc's generator) accepted with probability 0.3 by its keyed seed."""
    seed = current_simulation_seed()
    accepted = bool(np.random.default_rng(seed).uniform() < 0.3)
    return pyabc.Particle(m=0, parameter=pyabc.Parameter({"draw": draw, "seed": float(seed)}), weight=1.0,
                          sum_stat={}, distance=0.0, accepted=accepted)


def _accepted(sample: Any) -> list[tuple[float, float]]:
    return [(p.parameter["draw"], p.parameter["seed"]) for p in sample.accepted_particles]


def test_rounds_give_the_particles_of_one_round_and_stop_at_the_budget():
    """A generation run in rounds (the budget leaves each task a few attempts at a time) accepts the
    same particles as one unbounded round; a budget it cannot complete in stops it at the budget."""
    def simulate_one() -> pyabc.Particle:
        return _particle(float(np.random.uniform()))  # noqa: NPY002 - pyabc's global generator

    free = KeyedMappingSampler(7, serial_map, max_attempts=200)
    one = free.sample_until_n_accepted(40, simulate_one, 0)
    made = free.nr_evaluations_
    budget = Budget(simulations=made + 5, population_size=40, min_ess=1, first_rate=0.3)
    bounded = KeyedMappingSampler(7, serial_map, max_attempts=200, budget=budget)
    rounds = bounded.sample_until_n_accepted(40, simulate_one, 0)
    assert rounds.ok and _accepted(rounds) == _accepted(one) and bounded.nr_evaluations_ == made
    short = KeyedMappingSampler(7, serial_map, max_attempts=200,
                                budget=Budget(simulations=made - 20, population_size=40, min_ess=1, first_rate=0.3))
    cut = short.sample_until_n_accepted(40, simulate_one, 0)
    assert not cut.ok and short.records[-1].status == "out_of_budget"
    assert made - 20 - 40 < short.nr_evaluations_ <= made - 20  # stopped when a round could not give each task one


def test_a_budget_too_small_for_a_first_generation_is_refused_before_any_work():
    with pytest.raises(ScenarioError, match=r"simulations \(400\) must be at least 1166: the noise replicates \(20\), "
                                            r"the prior sample \(400\) and a first generation of min_ess \(200\)"):
        Calibration(ToyMachine(), simulations=400, population_size=400).check_settings()
    assert smallest_budget(20, 400, 200, 0.3) == 1166


def test_predictive_check_and_held_out_coverage(fits):
    cal = fits[0]
    draws = posterior_predictive(cal, 200)
    assert list(draws["draw"]) == list(range(200))
    check = predictive_check(draws, cal.statistics_, cal.seed)
    assert check["inside"].notna().all()
    cov = held_out_coverage(check)
    assert cov["checked"] == 5 and cov["coverage"] >= 0.8
    fitted = check[check["role"] == "fit"]
    assert fitted["inside"].astype(bool).all()
    # the interval of the archival figure contains the simulation's and adds the archival error
    assert (check["lower_95"] <= check["sim_lower_95"] + 1e-9).mean() > 0.8


def test_scales_agree_within_monte_carlo_error(fits):
    """The toy's counts are agents drawn at the scale: the same particles at 0.001 and 0.01 agree."""
    cal = fits[0]
    low = posterior_predictive(cal, 40)
    high = posterior_predictive(cal, 40, scale=0.01)
    assert (low["particle"].to_numpy() == high["particle"].to_numpy()).all()
    agree = scale_agreement(low, high, ["arrests_1937", "death_sentences_1938", "camp_deaths_1938",
                                        "camp_population_1939_01_01"])
    assert agree["agree"].all(), agree
    assert (agree["se"] > 0).all()


def test_the_scale_check_pairs_the_same_draws(fits):
    """The particles of a resample of 40 are not the first 40 of a resample of 200 (the resample is in
    particle order): the stored calibration's check once compared 0.001's first 40 draws of 200 with 40
    other particles at 0.01, and 27 of 59 quantities 'disagreed'. ``only`` names the draws; an unpaired
    comparison is an error."""
    cal = fits[0]
    picked = spread_draws(200, 40)
    assert len(picked) == 40 and picked[0] == 0 and picked[-1] == 195
    full = posterior_predictive(cal, 200)
    some = posterior_predictive(cal, 200, scale=0.01, only=picked)
    low = full[full["draw"].isin(picked)]
    assert (some["particle"].to_numpy() == low["particle"].to_numpy()).all()
    assert (some["seed"].to_numpy() == low["seed"].to_numpy()).all()
    assert not (posterior_predictive(cal, 40)["particle"].to_numpy() == low["particle"].to_numpy()).all()
    with pytest.raises(ValueError, match="different particle"):
        scale_agreement(full[full["draw"] < 40], posterior_predictive(cal, 40, scale=0.01), ["arrests_1937"])
    with pytest.raises(ValueError, match="only"):
        posterior_predictive(cal, 10, only=[10])


def test_settings_are_checked_all_at_once():
    cal = Calibration(ToyMachine(), scale=1.5, simulations=10, population_size=5, seed=-1, noise_replicates=1,
                      epsilon_quantile=1.5, limits={"max_scale": 1})
    with pytest.raises(ScenarioError) as err:
        cal.check_settings()
    text = str(err.value)
    for part in ("scale must be in (0, 1] (agents per person); got 1.5", "population_size must be an integer >= 10",
                 "seed must be an integer in [0, 2**63)", "noise_replicates must be an integer >= 3",
                 "epsilon_quantile must be in (0, 1)", "limits: unknown limit(s) 'max_scale' (declared: mse_lists, "):
        assert part in text


def test_the_declared_limits_are_checked_before_any_work_and_raised_by_name():
    """calibrate_scale and calibrate_simulations (purgetoll.limits): a LimitError naming the limit, the size
    and how to raise it; raised, the same settings pass; the manifest's settings record the limits in force."""
    with pytest.raises(LimitError) as err:
        Calibration(ToyMachine(), scale=0.5).check_settings()
    assert str(err.value).startswith(
        "calibration of 5,000 simulations at scale 0.5: 0.5 agents per person exceeds the limit calibrate_scale = "
        "0.01 (scale of every simulation of a calibration (--scale) and of its scale check (--high-scale); ")
    assert str(err.value).endswith("Use a smaller scale (--scale), or raise the limit with --limit "
                                   "calibrate_scale=0.5 (Python: limits={'calibrate_scale': 0.5})")
    with pytest.raises(LimitError, match=r"^calibration of 300,000 simulations at scale 0.001: 300,000 simulations "
                                         r"exceeds the limit calibrate_simulations = 200,000 "):
        Calibration(ToyMachine(), simulations=300_000).check_settings()
    raised = Calibration(ToyMachine(), scale=0.5, simulations=300_000,
                         limits={"calibrate_simulations": 1e6, "calibrate_scale": 0.5})
    raised.check_settings()
    assert raised.settings()["limits"] == {"calibrate_simulations": 1e6, "calibrate_scale": 0.5}
    assert Calibration(ToyMachine()).settings()["limits"] == {"calibrate_simulations": 200_000,
                                                               "calibrate_scale": 0.01}
    with pytest.raises(LimitError, match=r"^scale check of 40 posterior draws at scale 0.05: 0.05 agents per person "
                                         r"exceeds the limit calibrate_scale = 0.01 "):
        check_run(Calibration(ToyMachine()), high_scale=0.05)
    check_run(Calibration(ToyMachine()), high_scale=0.05, scale_draws=0)  # no scale check: nothing to limit
    check_run(Calibration(ToyMachine(), limits={"calibrate_scale": 0.05}), high_scale=0.05)


def test_an_unfittable_statistic_is_named():
    stats = toy_statistics(1)
    stats.loc[0, "name"] = "no_such_summary"
    with pytest.raises(Exception, match=r"the simulator returned no \['no_such_summary'\]"):
        Calibration(ToyMachine(), statistics=stats, simulations=100, population_size=20, seed=1,
                    noise_replicates=3).fit()


def test_a_generation_that_cannot_complete_is_abandoned_not_run_forever():
    """With one attempt a task, the first generation (acceptance about 0.3) cannot complete: the
    calibration stops with a checklist instead of sampling on; a sampler task gives up after its
    attempts and marks the sample as not usable."""
    with pytest.raises(ConvergenceError, match="completed no generation: the first was abandoned"):
        Calibration(ToyMachine(), statistics=toy_statistics(1), simulations=400, population_size=30, seed=2,
                    noise_replicates=3, max_attempts=1).fit()

    class Never:
        accepted = False

    sampler = KeyedMappingSampler(1, serial_map, max_attempts=3)
    sample = sampler.sample_until_n_accepted(4, lambda: Never(), 0)
    assert not sample.ok and sampler.nr_evaluations_ == 12
    assert sampler.records[-1].completed is False


def test_the_sampler_refuses_a_bad_seed():
    with pytest.raises(ValueError, match="seed must be an integer"):
        KeyedMappingSampler(-3, serial_map)
