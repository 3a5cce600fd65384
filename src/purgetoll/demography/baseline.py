"""The baseline of a draw: the 1937 population carried to a later date under normal mortality.

For each draw of the error model (:mod:`.evidence`), the cohort-component projection
(:func:`purgetoll.demography.projection.project_arrays`, compiled and batched: thousands of draws
in a second) carries the drawn 1937 population forward with

* the official life tables interpolated on log hazard (:mod:`.mortality`), corrected per draw:
  infant q0 x ``infant_qx_multiplier``, hazard at ages 1+ x ``hazard_multiplier_age1plus`` for women
  and x ``hazard_multiplier_age1plus * male_hazard_ratio`` for men;
* the births of the reverse-survival series (:func:`purgetoll.demography.births.births_series`)
  times ``births_1937_1938_scale``.

The projection is deterministic (expected values), so a draw's baseline carries no sampling noise;
the agent simulation's ``no_terror`` runs agree with it within sampling error at every age and sex
(``tests/sim/test_agreement.py``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from purgetoll.demography.births import births_series
from purgetoll.demography.evidence import ErrorDraws
from purgetoll.demography.lexis import decimal_year
from purgetoll.demography.mortality import (
    InterpolatedQx,
    corrected_log_hazards,
    official_log_hazards,
)
from purgetoll.demography.projection import ProjectionResult, births_function, project_arrays

__all__ = ["qx_for", "expected", "BASELINE_METHOD"]

BASELINE_METHOD = ("cohort-component projection of the drawn 1937 population (single years, by sex) under the "
                   "official life tables interpolated on log hazard, corrected per draw, with the reverse-survival "
                   "births series scaled per draw")


def qx_for(draws: ErrorDraws) -> InterpolatedQx:
    """The interpolated, corrected life tables of every draw: ``qx_at(year) -> (D, 2, 101)``."""
    k = draws["hazard_multiplier_age1plus"]
    per_sex = (k * draws["male_hazard_ratio"], k)
    logh = np.stack([corrected_log_hazards(official_log_hazards(s), draws["infant_qx_multiplier"], per_sex[i])
                     for i, s in enumerate(("male", "female"))], axis=-3)  # (D, 2, 3, 101)
    return InterpolatedQx(logh)


@lru_cache(maxsize=4)
def _births(first: int, last: int):
    return births_function(births_series(first, last))


def expected(pop: np.ndarray, start: str, end: str, draws: ErrorDraws) -> ProjectionResult:
    """``pop`` (D, 2, 101) at ``start`` projected to ``end`` (ISO dates) under each draw's baseline."""
    t0, t1 = decimal_year(start), decimal_year(end)
    scale = draws["births_1937_1938_scale"]
    base = _births(int(np.floor(t0)), int(np.floor(t1)))

    def births_between(a: float, b: float) -> np.ndarray:
        return base(a, b)[None, :] * scale[:, None]

    return project_arrays(np.asarray(pop, dtype=float), t0, t1, qx_for(draws), births_between=births_between,
                          assumptions=(BASELINE_METHOD,))
