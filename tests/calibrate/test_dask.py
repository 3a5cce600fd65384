"""The calibration on Dask: a LocalCluster of 2 workers gives the posterior of 1 worker, bit for bit.

Static scheduling (purgetoll.calibrate.sampler): one keyed task per particle, results assembled in
task order, every random number keyed by (seed, generation, particle, attempt), a generation shrunk
for the budget run in rounds decided by counts only; so which worker ran what, and when, cannot change
the result. Also checked against the in-process mapper.
"""

from __future__ import annotations

import pandas as pd
import pytest

from purgetoll.calibrate.fit import Calibration
from purgetoll.calibrate.predictive import posterior_predictive
from purgetoll.calibrate.sampler import serial_map
from purgetoll.calibrate.toy import ToyMachine, toy_statistics
from purgetoll.ensemble import ClusterError, dask_mapper

pytestmark = pytest.mark.slow


def _fit(mapper):
    cal = Calibration(ToyMachine(), statistics=toy_statistics(7), scale=0.001, simulations=700,
                      population_size=60, seed=11, noise_replicates=4, min_ess=10).fit(mapper)
    return cal, posterior_predictive(cal, 20, mapper=mapper)


def test_two_workers_give_the_posterior_of_one_worker():
    with dask_mapper(workers=1) as one:
        assert one.n_workers == 1
        cal1, draws1 = _fit(one)
    with dask_mapper(workers=2) as two:
        assert two.n_workers == 2
        cal2, draws2 = _fit(two)
    cal0, draws0 = _fit(serial_map)
    for cal in (cal2, cal0):
        pd.testing.assert_frame_equal(cal.posterior_, cal1.posterior_, check_exact=True)
        pd.testing.assert_frame_equal(cal.generations_, cal1.generations_, check_exact=True)
        pd.testing.assert_frame_equal(cal.statistics_, cal1.statistics_, check_exact=True)
    pd.testing.assert_frame_equal(draws2, draws1, check_exact=True)
    pd.testing.assert_frame_equal(draws0, draws1, check_exact=True)
    # an SMC step, not only the prior, and one shrunk for the budget (run in rounds), within the budget
    g = cal1.generations_
    assert list(g["status"]) == ["full", "full", "shrunk", "skipped"] and g["completed"].sum() == 3
    assert cal1.simulations_ <= 700


def test_an_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ClusterError, match=r"cannot connect to the Dask scheduler at 'tcp://127.0.0.1:9'"), \
            dask_mapper(scheduler="tcp://127.0.0.1:9", timeout_seconds=2):
        pass
    with pytest.raises(ClusterError, match="not both"), dask_mapper(scheduler="tcp://x:1", workers=2):
        pass
