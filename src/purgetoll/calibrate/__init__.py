"""Calibration of the mechanism's parameters to the archive by simulation-based inference, on Dask.

Public surface (``from purgetoll.calibrate import ...``):

- :class:`Calibration` (``fit.py``): ABC-SMC (pyabc) of a simulator's parameters against the
  archival statistics; ``fit(mapper)`` returns self; ``summary()``, ``posterior_``, ``generations_``;
- :func:`run_calibration` (``result.py``): the fit, the posterior predictive checked against the
  fitted and held-out statistics, the toll, the seed's claims, the check at a second scale, as a
  :class:`CalibrationResult`; :func:`save_calibration` / :func:`load_calibration` (``store.py``):
  a folder of Parquet tables and a manifest;
- :func:`archive_statistics` (``statistics.py``): the archive as statistics with stated uncertainty;
- :class:`Prior` (``priors.py``); :class:`MechanismSimulator` (``mechanism.py``): a scenario in
  mechanism mode; :class:`ToyMachine` (``toy.py``): a toy with known truth;
- the keyed static sampler (``sampler.py``), which makes a calibration identical whatever the
  workers, and keeps its budget of simulations with the generations planned by ``budget.py``; the simulations run through a mapper: :func:`purgetoll.ensemble.serial_map`, or
  :func:`purgetoll.ensemble.dask_mapper` (a LocalCluster or a running scheduler);
- :func:`posterior_predictive`, :func:`predictive_check`, :func:`scale_agreement` (``predictive.py``).

The CLI is ``purgetoll calibrate run`` / ``show`` (``cli.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from purgetoll.calibrate.fit import Calibration
    from purgetoll.calibrate.mechanism import MechanismSimulator, default_priors
    from purgetoll.calibrate.predictive import (
        posterior_predictive,
        predictive_check,
        scale_agreement,
    )
    from purgetoll.calibrate.priors import Prior
    from purgetoll.calibrate.result import CalibrationResult, run_calibration
    from purgetoll.calibrate.sampler import KeyedMappingSampler, serial_map
    from purgetoll.calibrate.statistics import archive_statistics
    from purgetoll.calibrate.store import load_calibration, result_from_stored, save_calibration
    from purgetoll.calibrate.toy import ToyMachine
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = [
    "Calibration", "CalibrationResult", "KeyedMappingSampler", "MechanismSimulator", "Prior",
    "ToyMachine", "archive_statistics", "default_priors", "load_calibration",
    "posterior_predictive", "predictive_check", "result_from_stored", "run_calibration", "save_calibration",
    "scale_agreement",
    "serial_map",
]
