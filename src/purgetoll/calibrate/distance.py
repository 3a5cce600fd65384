"""The distance between a simulation and the archive: residuals in units of their uncertainty.

For the fitted statistics ``i``, with archival value ``o_i``, archival sd ``a_i`` (the stated
uncertainty of :mod:`purgetoll.calibrate.statistics`) and the simulation's Monte Carlo sd ``m_i``
at the calibration's scale (:mod:`purgetoll.calibrate.noise`)::

    d(s, o) = sqrt( mean_i ( (s_i - o_i) / sqrt(a_i^2 + m_i^2) )^2 )

so a distance of 1 means "on average one combined sd away". Adding the Monte Carlo variance keeps a
statistic that is noisy at scale 0.001 (a few hundred agents) from pulling the fit towards whatever
seed made it fall right; at 1:1 ``m_i`` vanishes and the weights are the archive's own.

A statistic the simulation could not compute (NaN: a share of nobody) counts as
:data:`MISSING_Z` sds away, so that particle is rejected rather than the calibration stopped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["WeightedDistance", "MISSING_Z"]

#: Standardised residual given to a statistic the simulation returned as NaN.
MISSING_Z = 10.0


class WeightedDistance:
    """``d(simulated, observed)`` over ``names`` with combined sds ``sd`` (see the module docstring).

    A callable pyabc wraps as a distance function (it is sent to the workers, so it holds plain
    arrays only).
    """

    def __init__(self, names: Sequence[str], sd: Sequence[float]) -> None:
        self.names = list(names)
        self.sd = np.asarray(sd, dtype=float)
        if self.sd.shape != (len(self.names),) or not np.all(np.isfinite(self.sd)) or np.any(self.sd <= 0):
            raise ValueError("sd must be one positive finite number per statistic")

    def residuals(self, x: Mapping[str, float], x0: Mapping[str, float]) -> np.ndarray:
        """Standardised residuals ``(x_i - x0_i) / sd_i`` (NaN replaced by :data:`MISSING_Z`)."""
        s = np.array([float(x[n]) for n in self.names])
        o = np.array([float(x0[n]) for n in self.names])
        z = (s - o) / self.sd
        return np.where(np.isfinite(z), z, MISSING_Z)

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        z = self.residuals(x, x0)
        return float(np.sqrt(np.mean(z * z)))
