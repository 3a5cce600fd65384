"""The calibration on a toy whose truth is known: it recovers the truth, and reproduces bit for bit.

The toy (:mod:`purgetoll.calibrate.toy`) has the shape of the mechanism (lists, capacity, sentences,
camps) and noise that shrinks with the scale. Its synthetic archives are made at ``TOY_TRUTH`` (one
run at 1:1, plus a 5% archival error); the calibration runs at scale 0.001 as the real one does.
The coverage of the credible intervals over many synthetic archives is measured in
``bench/bench_calibrate.py``; here, three archives.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from purgetoll.calibrate.fit import Calibration
from purgetoll.calibrate.predictive import (
    held_out_coverage,
    posterior_predictive,
    predictive_check,
    scale_agreement,
    spread_draws,
)
from purgetoll.calibrate.result import check_run
from purgetoll.calibrate.sampler import KeyedMappingSampler, serial_map
from purgetoll.calibrate.toy import TOY_TRUTH, ToyMachine, toy_statistics
from purgetoll.errors import ConvergenceError, LimitError, ScenarioError


def calibrate(seed: int, archive_seed: int, simulations: int = 1500, population: int = 300) -> Calibration:
    return Calibration(ToyMachine(), statistics=toy_statistics(archive_seed), scale=0.001, simulations=simulations,
                       population_size=population, seed=seed, noise_replicates=10).fit(serial_map)


@pytest.fixture(scope="module")
def fits() -> list[Calibration]:
    return [calibrate(seed=10 + k, archive_seed=100 + k) for k in range(3)]


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


def test_tolerance_shrinks_and_the_budget_is_kept(fits):
    g = fits[0].generations_
    eps = g[g["generation"] >= 0]["epsilon"].to_numpy()
    assert np.all(np.diff(eps) < 0)
    total = int(g["simulations"].sum())
    assert 1500 <= total <= 1500 + 300 / 0.01  # the last generation completes, within min_acceptance_rate
    assert fits[0].stopped_because_ == "the budget of 1500 simulations was reached"
    assert (g["acceptance_rate"].dropna() <= 1).all()


def test_the_same_seed_gives_the_same_posterior_bit_for_bit():
    a = calibrate(seed=3, archive_seed=5, simulations=600, population=100)
    b = calibrate(seed=3, archive_seed=5, simulations=600, population=100)
    pd.testing.assert_frame_equal(a.posterior_, b.posterior_, check_exact=True)
    pd.testing.assert_frame_equal(a.generations_, b.generations_, check_exact=True)
    c = calibrate(seed=4, archive_seed=5, simulations=600, population=100)
    assert not a.posterior_.equals(c.posterior_)


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
