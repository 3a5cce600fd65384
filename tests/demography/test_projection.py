"""Cohort-component projection: conservation, exact ageing, stationarity, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from purgetoll.demography import Addition, life_table_from_qx, project, project_arrays
from purgetoll.demography.projection import no_mortality
from purgetoll.errors import DataError

pops = arrays(np.float64, (2, 101), elements=st.floats(0, 1e6))
qxs = arrays(np.float64, (2, 101), elements=st.floats(0, 0.5))


@settings(max_examples=60, deadline=None)
@given(pops, qxs, st.floats(1920, 1960), st.floats(0, 15), st.floats(0, 1e6), st.floats(0, 1e5))
def test_people_are_conserved(pop, qx, start, length, births_per_year, added):
    """end = start + births + additions - deaths, by sex, for any dates, mortality and inputs."""
    end = start + length
    add = Addition(start + length / 3, np.full((2, 101), added / 202), "migrants")
    r = project_arrays(pop, start, end, lambda t: qx,
                       births_between=lambda t0, t1: np.array([0.51, 0.49]) * births_per_year * (t1 - t0),
                       additions=[add])
    b = r.balance()
    assert np.allclose(b["end"], b["start"] + b["births"] + b["additions"] - b["deaths"], rtol=1e-9, atol=1e-6)
    assert (r.deaths >= -1e-9).all()
    assert (r.population >= 0).all()


@settings(max_examples=40, deadline=None)
@given(pops, st.integers(1, 30))
def test_without_mortality_ages_only_shift(pop, years):
    r = project_arrays(pop, 1939.0, 1939.0 + years, no_mortality)
    expected = np.zeros_like(pop)
    expected[:, years:100] = pop[:, :100 - years]
    expected[:, 100] = pop[:, 100 - years:].sum(axis=1)
    assert np.allclose(r.population, expected, rtol=1e-12)
    assert np.allclose(r.deaths, 0.0)


def test_fractional_step_moves_mean_age_by_the_step():
    """With no deaths and no one near the open group, mean age grows by exactly the elapsed time."""
    pop = np.zeros((2, 101))
    pop[:, 10:60] = np.linspace(1000, 5000, 50)
    r = project_arrays(pop, 1939.0, 1941.3, no_mortality)
    ages = np.arange(101) + 0.5
    mean0 = (pop[0] * ages).sum() / pop[0].sum()
    mean1 = (r.population[0] * ages).sum() / r.population[0].sum()
    assert mean1 - mean0 == pytest.approx(2.3, abs=1e-9)


def test_stationary_population_stays_stationary():
    """The life table's own Lx, fed l0 births a year, is reproduced exactly year after year."""
    q = np.minimum(0.0004 * np.exp(0.085 * np.arange(101)) + 0.001, 0.6)
    q[0] = 0.15
    lt = {s: life_table_from_qx(q, sex=s, m_open=-np.log1p(-q[100])) for s in ("male", "female")}
    pop = np.stack([lt["male"]["Lx"].to_numpy(), lt["female"]["Lx"].to_numpy()])
    r = project_arrays(pop, 1950.0, 1960.0, lambda t: np.stack([q, q]),
                       births_between=lambda t0, t1: np.full(2, 100_000.0) * (t1 - t0))
    assert np.allclose(r.population, pop, rtol=1e-10)
    assert np.allclose(r.deaths, 10 * 100_000.0, rtol=1e-10)


def test_batch_equals_separate_runs():
    rng = np.random.default_rng(7)
    pop = rng.uniform(0, 1e5, (2, 101))
    qs = rng.uniform(0, 0.2, (3, 2, 101))
    batch = project_arrays(np.broadcast_to(pop, (3, 2, 101)), 1939.0, 1959.04, lambda t: qs)
    for i in range(3):
        one = project_arrays(pop, 1939.0, 1959.04, lambda t, i=i: qs[i])
        assert np.allclose(batch.population[i], one.population, rtol=1e-12)


def test_asfr_births():
    pop = np.zeros((2, 101))
    pop[1, 20:30] = 1000.0
    asfr = np.zeros(101)
    asfr[20:30] = 0.1
    r = project_arrays(pop, 1950.0, 1951.0, no_mortality, asfr=asfr, sex_ratio_at_birth=1.05)
    assert r.births.sum() == pytest.approx(1000.0)  # 0.1 x 10,000 women x 1 year
    assert r.births[0] / r.births[1] == pytest.approx(1.05)


def test_tidy_frame_and_bad_input():
    df = pd.DataFrame({"sex": ["male", "female", "male"], "age": [0, 0, 120], "count": [10.0, 12.0, 3.0]})
    r = project(df, "1959-01-15", "1960-01-15", mortality=None)
    out = r.to_frame()
    assert list(out.columns) == ["date", "sex", "age", "count"]
    assert out["date"].iloc[0] == "1960-01-15"
    assert out.loc[(out.sex == "male") & (out.age == 1), "count"].item() == 10.0
    assert out.loc[(out.sex == "male") & (out.age == 100), "count"].item() == 3.0
    with pytest.raises(DataError) as err:
        project(df, "1960-01-15", "1959-01-15", mortality=None)
    assert str(err.value) == "project: end must be a date on or after start; got 1960-01-15 -> 1959-01-15"
    bad = df.assign(count=[10.0, -1.0, 3.0])
    with pytest.raises(DataError) as err:
        project(bad, "1959-01-15", "1960-01-15", mortality=None)
    assert str(err.value) == "base population, row 1: count must be a finite number >= 0; got -1.0"
    with pytest.raises(DataError) as err:
        project(df.assign(sex=["male", "women", "male"]), 1959.0, 1960.0, mortality=None)
    assert str(err.value) == "base population, row 1: sex must be 'male' or 'female'; got 'women'"
    with pytest.raises(DataError) as err:
        project(df, 1959.0, 1960.0, mortality=None, additions=[Addition(1961.0, np.zeros((2, 101)), "annexation")])
    assert str(err.value) == "additions: annexation at 1961-01-01 falls outside the projection 1959-01-01 -> 1960-01-01"
    with pytest.raises(DataError) as err:
        project(df, 1959.0, 1960.0, mortality="1950-1951")
    assert str(err.value).startswith("project: mortality must be 'interpolated', one of 1926-1927, 1938-1939, 1958-1959")


def test_compiled_paths_equal_the_life_table_route():
    """The numba survival kernel and the fused interpolated step give the numpy life-table result."""
    from purgetoll.demography import UnderRegistration, annual_qx
    from purgetoll.demography.montecarlo import batch_qx_at
    from purgetoll.demography.projection import fast_survival_ratios, survival_ratios

    rng = np.random.default_rng(0)
    q = rng.uniform(0, 0.6, (7, 2, 101))
    q[1] = 0.0
    for a, b in zip(survival_ratios(q), fast_survival_ratios(q), strict=True):
        assert np.allclose(a, b, rtol=1e-13, atol=1e-15)
    k0, k1 = np.array([1.0, 1.2, 1.3]), np.array([1.1, 1.0, 1.25])
    fused = batch_qx_at(k0, k1)
    pop = rng.uniform(0, 1e5, (3, 2, 101))
    a = project_arrays(pop, 1930.0, 1950.3, fused)
    b = project_arrays(pop, 1930.0, 1950.3, lambda t: fused(t))  # a plain callable: generic path
    assert np.allclose(a.population, b.population, rtol=1e-12)
    assert np.allclose(a.deaths, b.deaths, rtol=1e-12)
    corr = UnderRegistration(float(k0[1]), float(k1[1]))
    c = project_arrays(pop[1], 1930.0, 1950.3,
                       lambda t: np.stack([annual_qx(t, s, correction=corr) for s in ("male", "female")]))
    assert np.allclose(a.population[1], c.population, rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, (3, 2, 101), elements=st.floats(0, 1e6)), st.floats(1925, 1965), st.floats(0, 12),
       st.floats(0, 1e6), st.floats(0, 1e5), st.lists(st.floats(1.0, 1.3), min_size=3, max_size=3))
def test_people_are_conserved_on_the_compiled_path(pop, start, length, births_per_year, added, k):
    """Balance by draw and sex with the fused interpolated mortality, births and an addition."""
    from purgetoll.demography.montecarlo import batch_qx_at

    qx_at = batch_qx_at(np.array(k), np.array(k[::-1]))
    add = Addition(start + length / 2, np.full((2, 101), added / 202), "migrants")
    r = project_arrays(pop, start, start + length, qx_at, additions=[add],
                       births_between=lambda t0, t1: np.array([0.51, 0.49]) * births_per_year * (t1 - t0))
    total = r.base.sum(-1) + r.births + r.additions - r.deaths
    assert np.allclose(r.population.sum(-1), total, rtol=1e-9, atol=1e-6)
    assert (r.deaths >= -1e-9).all()
