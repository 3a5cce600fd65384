"""A small calibration of the real mechanism (the archival scenario in mechanism mode at scale 0.001).

Small on purpose (a prior sample and one ABC-SMC generation of 20 particles, 30 posterior predictive
draws): it shows that the whole path runs on the real simulator, that the fit moves the model
towards the archive, and that the posterior predictive intervals of the key archival figures (arrests,
death sentences, Gulag deaths, 1937 and 1938) contain them. The full check (5,000 simulations, 200
draws, an interval by the project's rule of 200 draws) is ``bench/bench_calibrate.py``; here the
intervals are quantiles of 30 draws (``min_draws=30``), a smoke test of the same claim.
"""

from __future__ import annotations

import numpy as np
import pytest

from purgetoll.calibrate.fit import Calibration
from purgetoll.calibrate.mechanism import MechanismSimulator
from purgetoll.calibrate.predictive import posterior_predictive, predictive_check
from purgetoll.calibrate.statistics import archive_statistics
from purgetoll.ensemble import dask_mapper

pytestmark = pytest.mark.slow

KEY = ("arrests_1937", "arrests_1938", "death_sentences_1937", "death_sentences_1938", "gulag_deaths_1937",
       "gulag_deaths_1938")


@pytest.fixture(scope="module")
def calibrated():
    cal = Calibration(MechanismSimulator(), scale=0.001, simulations=400, population_size=40, seed=1,
                      noise_replicates=3, max_generations=1)
    with dask_mapper(workers=2) as mapper:
        cal.fit(mapper)
        draws = posterior_predictive(cal, 30, mapper=mapper)
    return cal, draws


def test_the_real_simulator_is_calibrated(calibrated):
    cal, _ = calibrated
    g = cal.generations_
    assert list(g["generation"]) == [-1, 0] and g["completed"].all()
    assert len(cal.posterior_) == 40 and cal.posterior_["weight"].sum() == pytest.approx(1.0)
    stats = cal.statistics_.set_index("name")
    # every fitted statistic is produced, with its Monte Carlo noise at scale 0.001 measured
    fit = stats[stats["role"] == "fit"]
    assert fit["produced"].all() and (fit["sd_total"] >= fit["sd_archive"]).all()
    assert stats.loc["gulag_deaths_1937", "sd_mc"] > 0
    # the accepted particles are closer to the archive than the prior's median particle
    assert float(g["epsilon"].iloc[-1]) < np.inf
    s = cal.summary()
    assert (s["lower_95"].isna() | (s["lower_95"] >= s["prior_low"])).all()  # 40 particles: no interval


def test_the_archive_falls_inside_the_posterior_predictive(calibrated):
    cal, draws = calibrated
    check = predictive_check(draws, archive_statistics().loc[lambda d: d["name"].isin(KEY)], cal.seed,
                             min_draws=30).set_index("name")
    assert check["inside"].notna().all()
    inside = check["inside"].astype(bool)
    assert inside.all(), check.loc[~inside, ["observed", "lower_95", "upper_95", "sim_median"]]
