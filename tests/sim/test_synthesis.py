"""Synthesis: exact agent counts by sex and age, keyed birth months, and the census infants weighted
by their survival from birth under the demography module's first-year hazard."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from purgetoll.demography.lifetable import a0_from_q0
from purgetoll.errors import DataError
from purgetoll.sim import People, rng
from purgetoll.sim.hazard import N_AGES, build_hazard, infant_hazards, monthly_hazard
from purgetoll.sim.synthesis import add_cohorts, agents_per_cell, infant_birth_month_weights

MONTH = 323  # December 1926 as months since 1900-01
Q0 = np.array([0.19, 0.17])  # about the 1926-27 infant mortality of boys and girls


def pieces(q0: np.ndarray = Q0) -> np.ndarray:
    """First-year hazard pieces (2, 13) with the Coale-Demeny a0, as the demography module builds them."""
    return np.stack([infant_hazards(np.array([q0[s]]), a0_from_q0(np.array([q0[s]]), sex))[0]
                     for s, sex in enumerate(("male", "female"))])


def counts_table() -> np.ndarray:
    c = np.zeros((2, N_AGES))
    c[:, 0] = [60_000.0, 58_000.0]
    c[:, 1] = [50_000.0, 49_000.0]
    c[:, 40] = [3_001.0, 2_999.0]
    return c


def synthesise(infant: np.ndarray | None, seed: int = 7, scale: float = 1.0) -> People:
    people = People(300_000)
    add_cohorts(people, counts_table(), scale=scale, seed=seed, month=MONTH, step=0, decision="synthesis",
                infant=infant)
    return people


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 2.0), min_size=13, max_size=13))
def test_weights_are_survival_from_birth(h):
    """Shares sum to 1, never rise with the months since birth, and fall by exactly exp(-piece)."""
    w = infant_birth_month_weights(np.array(h))
    assert w.shape == (12,)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.diff(w) <= 1e-15)
    assert np.allclose(w[1:] / w[:-1], np.exp(-np.array(h[1:12])), rtol=1e-12)


def test_no_infant_mortality_means_an_even_spread():
    assert np.allclose(infant_birth_month_weights(np.zeros((2, 13))), 1 / 12, rtol=0, atol=1e-15)


def test_weights_are_the_engines_own_survival_to_each_age_in_months():
    """With mortality constant in time, the shares are proportional to the survival of babies born
    during step 0, read from the engine's cumulative-hazard table (``build_hazard``) at time points
    1..12, i.e. to exact ages 0.5, 1.5, ..., 11.5 months: the same hazard shape, not a second formula."""
    q = np.full(N_AGES, 0.01)
    mu = np.stack([monthly_hazard(q, "test"), monthly_hazard(q, "test")])
    n_steps = 13
    h = pieces()
    table = build_hazard(np.broadcast_to(mu, (n_steps, 2, N_AGES)), MONTH, MONTH - 24,
                         np.broadcast_to(h, (n_steps, 2, 13)))
    cohort = table.cohort(np.array([MONTH + 1]))[0]  # born during step 0
    for s in range(2):
        survival = np.exp(-table.cum[s, cohort, 1:13])
        assert np.allclose(infant_birth_month_weights(h[s]), survival / survival.sum(), rtol=1e-12)
    # infant deaths are front-loaded: the youngest month outnumbers the oldest by 1/survival over 11 months
    w = infant_birth_month_weights(h)
    assert np.allclose(w[:, 0] / w[:, 11], np.exp(h[:, 1:12].sum(axis=1)), rtol=1e-12)
    assert np.all(w[:, 0] / w[:, 11] > 1.05)


def test_counts_by_sex_and_age_are_exact_and_older_ages_unchanged():
    """The infant weights move birth months within age 0 only: the agents by sex and completed age
    are those of ``agents_per_cell``, and every person of age 1+ keeps the same birth month."""
    for scale in (1.0, 0.013):
        even, weighted = synthesise(None, scale=scale), synthesise(pieces(), scale=scale)
        n = agents_per_cell(counts_table(), scale, 7, "synthesis.count", 0)
        for p in (even, weighted):
            age = (MONTH - p["birth_month"].astype(np.int64)) // 12
            got = np.zeros((2, N_AGES), dtype=np.int64)
            np.add.at(got, (p["sex"].astype(np.int64), age), 1)
            assert np.array_equal(got, n)
        assert np.array_equal(even["sex"], weighted["sex"]) and np.array_equal(even["person_id"], weighted["person_id"])
        older = (MONTH - even["birth_month"].astype(np.int64)) >= 12
        assert np.array_equal(even["birth_month"][older], weighted["birth_month"][older])
        assert not np.array_equal(even["birth_month"][~older], weighted["birth_month"][~older])


def test_infant_birth_months_follow_the_weights_and_are_keyed():
    """At scale 1 (118,000 infants) the months since birth follow the weights (chi-square, 11 df,
    reject at p < 1e-4: a false alarm of 1e-4 for this fixed seed), the even spread is rejected, and
    each infant's month is the inverse CDF of its own keyed uniform (seed, decision, step, id)."""
    h = pieces()
    p = synthesise(h)
    w = infant_birth_month_weights(h)
    within = MONTH - p["birth_month"].astype(np.int64)
    for s in range(2):
        mine = within[(p["sex"] == s) & (within < 12)]
        obs = np.bincount(mine, minlength=12)
        exp_ = w[s] * mine.size
        assert stats.chisquare(obs, exp_).pvalue > 1e-4
        assert stats.chisquare(obs, np.full(12, mine.size / 12)).pvalue < 1e-4
    infants = np.flatnonzero(within < 12)
    u = rng.uniform(7, "synthesis.birth_month", 0, p["person_id"][infants])
    cdf = np.cumsum(w, axis=1)[p["sex"][infants]]
    assert np.array_equal(within[infants], (u[:, None] >= cdf).sum(axis=1))
    assert np.array_equal(synthesise(h)["birth_month"], p["birth_month"])  # same seed: identical
    assert not np.array_equal(synthesise(h, seed=8)["birth_month"], p["birth_month"])


def test_bad_infant_hazards_are_refused_with_the_place():
    with pytest.raises(DataError, match=r"^synthesis: infant hazards must have shape \(2, 13\) \(sex, piece\); got \(13,\)$"):
        synthesise(pieces()[0])
    bad = pieces()
    bad[1, 4] = -0.1
    with pytest.raises(DataError, match=r"^synthesis, row index=\(1, 4\): infant hazards must be finite and >= 0; got -0.1$"):
        synthesise(bad)
    with pytest.raises(DataError, match=r"^synthesis: infant hazards must have 13 first-year pieces on the last axis; got shape \(2, 12\)$"):
        infant_birth_month_weights(np.zeros((2, 12)))
    bad[1, 4] = np.nan
    with pytest.raises(DataError, match=r"row index=\(1, 4\): infant hazards must be finite and >= 0; got nan"):
        infant_birth_month_weights(bad)
