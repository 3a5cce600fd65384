"""The deterministic expectation of a demography-only run: mean and variance of every snapshot cell.

An independent calculation of what the agents should show: survival is followed month by month by
multiplying ``exp(-mu)`` per birth-month cohort (the engine instead inverts tabulated cumulative
hazards once per person), starting from the expected agents of each origin (a cell of the
starting population, spread evenly over 12 birth months, except age 0, whose months are weighted
by survival from birth under the first step's infant hazard as in ``sim.synthesis``; a month's
births; an annexed cell).

Each agent lands in a snapshot cell independently of the others (its own birth-month and death
draws), so the count in a cell is a sum of independent Bernoulli variables: its variance is
``sum over origins of n p (1 - p)`` with ``n`` the origin's agents and ``p`` the chance that one
of them is alive in that cell. The rounding of the origins' agent counts adds at most 0.25 per
origin and is ignored. This is what the statistical tests compare the agents with.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from purgetoll.sim.hazard import N_AGES, infant_hazards, monthly_hazard
from purgetoll.sim.inputs import DemographyInputs, population_matrix
from purgetoll.sim.loop import Sim, SimSettings
from purgetoll.sim.modules.demography import Demography
from purgetoll.sim.modules.territory import Territory
from purgetoll.sim.state import SEXES
from purgetoll.sim.synthesis import infant_birth_month_weights

__all__ = ["expected_population"]


def expected_population(inputs: DemographyInputs, settings: SimSettings) -> pd.DataFrame:
    """Expected agents and their variance by snapshot date, sex and age for a demography-only run.

    Returns columns ``date, state_date, sex, age, expected, variance`` (agents, not persons).
    """
    sim = Sim(settings, [Territory(inputs), Demography(inputs)])
    scale = settings.scale
    n_steps, m0 = sim.n_steps, sim.start_month
    first = m0 - 12 * 101
    n_coh = m0 + n_steps - first + 1
    births = Demography(inputs).births_expected(sim)  # (n_steps, 2) expected agents
    groups = Territory(inputs).groups
    annex_step = [k for k in (sim.module("territory")._steps(sim))]

    # origins: (sex, first cohort index, number of cohorts, agents, step entered, share of each cohort)
    origins: list[tuple[int, int, int, float, int, np.ndarray]] = []
    even = np.full(12, 1 / 12)
    init = population_matrix(inputs.initial, "DemographyInputs.initial") * scale
    for s, label in enumerate(SEXES):
        # infants: birth months m0 - j (j = 0..11) weighted by survival under step 0's first-year hazard
        infant0 = infant_birth_month_weights(_first_year(inputs, sim.time_point_year(0.5), label)[1])
        for a in range(N_AGES):
            if init[s, a] > 0:
                # ages in months 12a..12a+11 at time point 0 -> birth months m0-12a-11 .. m0-12a
                origins.append((s, m0 - 12 * a - 11 - first, 12, init[s, a], 0, infant0[::-1] if a == 0 else even))

    surv = np.ones((2, n_coh))  # survival of each birth-month cohort since time point 0 (or birth)
    base: dict[int, np.ndarray] = {}  # survival at entry steps of annexed origins
    rows = []
    for k in range(n_steps + 1):
        for (_date, _label, counts), ka in zip(groups, annex_step, strict=True):
            if ka == k:
                base[k] = surv.copy()
                c = counts * scale
                for s in range(2):
                    for a in range(N_AGES):
                        if c[s, a] > 0:
                            origins.append((s, m0 + k - 12 * a - 11 - first, 12, c[s, a], k, even))
        if k in sim.snapshot_at:
            mean = np.zeros((2, N_AGES))
            var = np.zeros((2, N_AGES))
            for s, c0, width, n, entered, share in origins:
                cohorts = np.arange(c0, c0 + width)
                p_alive = surv[s, cohorts] / (base[entered][s, cohorts] if entered else 1.0)
                age = np.minimum((m0 + k - (first + cohorts)) // 12, N_AGES - 1)
                for a in np.unique(age):
                    # over share.sum() (1 to rounding) so that a cohort all alive in one age has p == 1 exactly
                    p = (p_alive * share)[age == a].sum() / share.sum()
                    mean[s, a] += n * p
                    var[s, a] += n * p * (1 - p)
            for d in sim.snapshot_at[k]:
                for s, label in enumerate(SEXES):
                    rows.append(pd.DataFrame({"date": d.isoformat(), "state_date": sim.date(k).isoformat(),
                                              "sex": label, "age": np.arange(N_AGES),
                                              "expected": mean[s], "variance": var[s]}))
        if k == n_steps:
            break
        # month k: babies born mid-month (birth month of time point k + 1), half a month exposed
        for s in range(2):
            if births[k, s] > 0:
                origins.append((s, m0 + k + 1 - first, 1, births[k, s], 0, np.ones(1)))
        year = sim.time_point_year(k + 0.5)
        ages_months = m0 + k - (first + np.arange(n_coh))
        born = ages_months >= 0
        age = np.minimum(np.maximum(ages_months, 0) // 12, N_AGES - 1)
        for s, label in enumerate(SEXES):
            mu, infant = _first_year(inputs, year, label)
            birthday = born & (ages_months % 12 == 11) & (age < N_AGES - 1) & (age > 0)
            plain = born & ~birthday & (age > 0)
            surv[s, plain] *= np.exp(-mu[age[plain]])
            surv[s, birthday] *= np.exp(-0.5 * (mu[age[birthday]] + mu[age[birthday] + 1]))
            for piece, months in enumerate(range(-1, 12)):  # first year: birth half-month, 0..11
                extra = 0.5 * mu[1] if months == 11 else 0.0
                surv[s, ages_months == months] *= np.exp(-(infant[piece] + extra))
    return pd.concat(rows, ignore_index=True)


def _first_year(inputs: DemographyInputs, year: float, label: str) -> tuple[np.ndarray, np.ndarray]:
    """Monthly hazards by age (101,) and the 13 first-year pieces (``infant_hazards``) at ``year``."""
    q = inputs.qx(year, label)
    mu = monthly_hazard(q, f"qx(year={year:.3f}, sex={label})")
    a0 = None if inputs.infant_a0 is None else np.asarray(inputs.infant_a0(np.array([q[0]]), label))
    return mu, infant_hazards(np.array([q[0]]), a0)[0]
