"""Death times drawn once from the cumulative hazard, so the monthly loop only visits the dying.

Instead of a Bernoulli draw per person per month (about 2.5 ns x 200M x 385 months), each person
gets one unit exponential ``E`` (keyed random stream) and dies in the first month in which their
cohort's cumulative hazard since they entered the run exceeds ``E``. The cumulative hazards are
tabulated once per run by sex and birth month (``HazardTable``: about 1,600 cohorts x 386 time
points x 2 sexes, 10 MB), so a draw is a binary search. A module that changes a person's hazard
(arrest, camp, release) calls :func:`draw_death_steps` again from the current step with a
multiplier and a fresh key; by memorylessness this is exact for piecewise-constant multipliers.

Monthly hazard: ``mu = -ln(1 - qx) / 12`` for a person of completed age ``x`` in the month (half
of ``x`` and half of ``x + 1`` in the month of a birthday, since exact ages are about half a
month above whole months; see ``sim.calendar``), with
``qx`` the annual probability of death at the calendar time of the middle of the step. The open
age group (100+) uses its own ``qx`` when below 1 (``purgetoll.demography.annual_qx`` gives
``1 - exp(-l100/T100)``); a raw table's ``qx = 1`` there means "all die eventually", not "all die
within the year", so it is replaced by the hazard of age 99. In the first year of life the
hazard falls with age (:func:`infant_hazards`) so that infants who die live on average the life
table's ``a0`` years, when one is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from purgetoll.errors import DataError
from purgetoll.sim.state import NO_DEATH

__all__ = ["HazardTable", "build_hazard", "draw_death_steps", "infant_hazards", "monthly_hazard", "N_AGES",
           "INFANT_EDGES_MONTHS"]

N_AGES = 101  # single years 0..99 and the open group 100+


def monthly_hazard(qx: np.ndarray, where: str) -> np.ndarray:
    """Monthly force of mortality by single age from annual probabilities ``qx`` (shape (101,))."""
    q = np.asarray(qx, dtype=np.float64)
    if q.shape != (N_AGES,):
        raise DataError(where, f"qx must have shape ({N_AGES},) for ages 0..100; got {q.shape}")
    bad = np.flatnonzero(~np.isfinite(q) | (q < 0) | (q > 1))
    if bad.size:
        a = int(bad[0])
        raise DataError(where, f"qx must be a probability in [0, 1]; got {float(q[a])!r}", f"age={a}")
    closed = q[:-1]
    if np.any(closed >= 1):
        a = int(np.flatnonzero(closed >= 1)[0])
        raise DataError(where, "qx must be < 1 below the open age group 100+; got 1", f"age={a}")
    mu = -np.log1p(-np.where(q < 1, q, 0.0)) / 12.0
    if q[-1] >= 1:
        mu[-1] = mu[-2]
    return mu


#: Boundaries (months of exact age) of the 13 pieces of the first year of life as the steps see
#: them: the half birth month, the steps at whole ages 0..10 months (exact ages m + 0.5 to m + 1.5)
#: and the first half of the step of the first birthday.
INFANT_EDGES_MONTHS = np.array([0.0, *np.arange(0.5, 12.0, 1.0), 12.0])


def infant_hazards(q0: np.ndarray, a0: np.ndarray | None) -> np.ndarray:
    """Hazard (not rate) of each of the 13 pieces of the first year, shape ``q0.shape + (13,)``.

    The first year's total hazard ``-ln(1 - q0)`` is spread over exact age ``x`` (years) with
    density proportional to ``exp(-lam x)``, ``lam`` chosen so that infants who die live on average
    ``a0`` years (the life table's separation factor, e.g. Coale-Demeny). ``a0=None``: constant
    hazard through the year. Pure function of its inputs.
    """
    q0 = np.asarray(q0, dtype=np.float64)
    total = -np.log1p(-q0)
    edges = INFANT_EDGES_MONTHS / 12.0
    if a0 is None:
        return total[..., None] * np.diff(edges)
    target = np.broadcast_to(np.asarray(a0, dtype=np.float64), q0.shape)
    if np.any((target <= 0) | (target >= 0.5)):
        raise DataError("infant_hazards", f"a0 must be in (0, 0.5) years; got {float(target.min())!r}..{float(target.max())!r}")
    x = (np.arange(240) + 0.5) / 240  # midpoints of a grid over the first year (1.5 days)

    def share(lam: np.ndarray, upto: np.ndarray) -> np.ndarray:  # W(upto): share of the hazard before age upto
        lam = lam[..., None]
        return -np.expm1(-lam * upto) / -np.expm1(-lam)

    def mean_age_at_death(lam: np.ndarray) -> np.ndarray:
        lam_ = lam[..., None]
        dens = lam_ * np.exp(-lam_ * x) / -np.expm1(-lam_)
        surv = np.exp(-total[..., None] * share(lam, x))
        deaths = total[..., None] * dens * surv / 240
        return (deaths * x).sum(-1) / deaths.sum(-1)

    lo = np.full(q0.shape, 1e-6)
    hi = np.full(q0.shape, 500.0)
    for _ in range(40):  # bisection on log(lam): a0 falls as lam rises; 40 halvings of log(5e8)
        mid = np.sqrt(lo * hi)
        too_late = mean_age_at_death(mid) > target
        lo = np.where(too_late, mid, lo)
        hi = np.where(too_late, hi, mid)
    lam = np.sqrt(lo * hi)
    return total[..., None] * np.diff(share(lam, edges), axis=-1)


@dataclass(frozen=True)
class HazardTable:
    """Cumulative hazard by (sex, birth-month cohort, time point), from time point 0.

    ``cum[s, c, k]`` is the hazard accumulated from time point 0 to time point ``k`` by a person of
    sex ``s`` with birth month index ``first_birth_month + c``; zero before birth. Babies born
    during step ``k`` carry the birth month index of time point ``k + 1`` and are exposed for half
    of step ``k`` (born, on average, in the middle of the month).
    """

    start_month: int
    first_birth_month: int
    cum: np.ndarray

    @property
    def n_steps(self) -> int:
        return self.cum.shape[2] - 1

    def cohort(self, birth_month: np.ndarray) -> np.ndarray:
        """Cohort indices of birth months (raises if a birth month is outside the table)."""
        c = np.asarray(birth_month, dtype=np.int64) - self.first_birth_month
        if c.size and (c.min() < 0 or c.max() >= self.cum.shape[1]):
            raise DataError("HazardTable", f"birth month outside the table's cohorts {self.first_birth_month}..")
        return c


def build_hazard(mu_by_step: np.ndarray, start_month: int, first_birth_month: int,
                 infant: np.ndarray | None = None) -> HazardTable:
    """Tabulate cumulative hazards.

    Parameters
    ----------
    mu_by_step:
        Monthly hazard, shape (n_steps, 2, 101): step, sex, completed age.
    infant:
        Hazards of the 13 pieces of the first year (:func:`infant_hazards`), shape
        (n_steps, 2, 13); default: constant through the year (``mu_by_step[..., 0]`` per month).
    start_month:
        Month index (months since 1900-01) of time point 0.
    first_birth_month:
        Earliest birth month index to tabulate; cohorts run to the last step's month.
    """
    mu = np.ascontiguousarray(mu_by_step, dtype=np.float64)
    n_steps = mu.shape[0]
    n_cohorts = start_month + n_steps - first_birth_month + 1  # the last step's babies: birth month of time point n_steps
    if infant is None:
        infant = mu[:, :, :1] * 12 * np.diff(INFANT_EDGES_MONTHS / 12.0)
    cum = np.zeros((2, n_cohorts, n_steps + 1), dtype=np.float64)
    _fill_cum(mu, np.ascontiguousarray(infant, dtype=np.float64), start_month, first_birth_month, cum)
    return HazardTable(start_month, first_birth_month, cum)


@nb.njit(cache=True)
def _fill_cum(mu, infant, start_month, first_birth_month, cum):
    n_steps = mu.shape[0]
    top = mu.shape[2] - 1
    for s in range(2):
        for c in range(cum.shape[1]):
            b = first_birth_month + c
            acc = 0.0
            for k in range(n_steps):
                age_months = start_month + k - b
                if age_months == -1:
                    # born during step k (birth month index = time point k + 1): half a month exposed
                    acc += infant[k, s, 0]
                elif 0 <= age_months <= 10:
                    acc += infant[k, s, age_months + 1]
                elif age_months == 11:
                    acc += infant[k, s, 12] + 0.5 * mu[k, s, 1]
                elif age_months >= 0:
                    age = age_months // 12
                    if age >= top:
                        acc += mu[k, s, top]
                    elif age_months % 12 == 11:
                        # exact age is about age_months + 0.5: the birthday falls mid-step
                        acc += 0.5 * (mu[k, s, age] + mu[k, s, age + 1])
                    else:
                        acc += mu[k, s, age]
                cum[s, c, k + 1] = acc


def draw_death_steps(
    table: HazardTable,
    sex: np.ndarray,
    birth_month: np.ndarray,
    from_step: int,
    exposure: np.ndarray,
    multiplier: float | np.ndarray = 1.0,
) -> np.ndarray:
    """Step of death for people alive at time point ``from_step``, or ``NO_DEATH`` if after the run.

    ``exposure`` are unit exponential draws (``rng.exponential``); a person dies in step ``k``, the
    first with ``multiplier * (cum[k+1] - cum[from_step]) > exposure``.
    """
    if not 0 <= from_step <= table.n_steps:
        raise DataError("draw_death_steps", f"from_step must be in [0, {table.n_steps}]; got {from_step}")
    c = table.cohort(birth_month)
    mult = np.broadcast_to(np.asarray(multiplier, dtype=np.float64), c.shape)
    if mult.size and np.any(~(mult > 0)):
        raise DataError("draw_death_steps", "hazard multiplier must be > 0")
    out = np.empty(c.shape[0], dtype=np.int16)
    _draw(table.cum, np.asarray(sex, dtype=np.int8), c, np.int64(from_step),
          np.asarray(exposure, dtype=np.float64), np.ascontiguousarray(mult), out, NO_DEATH)
    return out


@nb.njit(cache=True)
def _draw(cum, sex, cohort, k0, exposure, mult, out, never):
    n = cum.shape[2] - 1
    for i in range(cohort.shape[0]):
        row = cum[sex[i], cohort[i]]
        target = row[k0] + exposure[i] / mult[i]
        if row[n] <= target:
            out[i] = never
            continue
        # smallest j in (k0, n] with row[j] > target; death happens in step j - 1
        lo, hi = k0 + 1, n
        while lo < hi:
            mid = (lo + hi) // 2
            if row[mid] > target:
                hi = mid
            else:
                lo = mid + 1
        out[i] = lo - 1
