"""Cohorts stay whole: additions never split the population's steps (exact whole-year shifts).

The 1926 census is heaped on ages ending in 0 and 5; the agent engine keeps every single-year
cohort whole, so the projection must too. Before the fix, each addition date split a yearly step
and the fractional steps' Lexis rule spread every cohort over three ages.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from purgetoll.demography import Addition, decimal_year, project_arrays
from purgetoll.demography.projection import no_mortality

#: the sim's two annexation waves (sim/sources.py ANNEXATION_DATES)
NOV_1939, AUG_1940 = decimal_year("1939-11-01"), decimal_year("1940-08-01")


def young_migrants(total: float) -> np.ndarray:
    """``total`` persons spread evenly over ages 0-9, both sexes."""
    c = np.zeros((2, 101))
    c[:, :10] = total / 20
    return c


def spike(age: int) -> np.ndarray:
    pop = np.zeros((2, 101))
    pop[0, age], pop[1, age] = 1000.0, 1200.0
    return pop


def test_a_one_age_spike_stays_one_age_across_two_additions():
    """No deaths: a spike at 40 in 1939 is exactly a spike at 60 in 1959 (whole-year shifts);
    the old split steps left (1-h1)(1-h2) of it at 59, h1 h2 at 61 (about 11% each)."""
    adds = [Addition(NOV_1939, young_migrants(5000.0), "west"), Addition(AUG_1940, young_migrants(3000.0), "baltics")]
    r = project_arrays(spike(40), 1939.0, 1959.0, no_mortality, additions=adds)
    # the migrants (ages 0-9 in 1939-40) are at most 30 in 1959: everything older is the spike
    older = r.population[:, 31:]
    expected = np.zeros_like(older)
    expected[:, 60 - 31] = [1000.0, 1200.0]
    assert np.array_equal(older, expected)
    assert np.allclose(r.population[:, :31].sum(-1), [4000.0, 4000.0], rtol=1e-12)


def test_with_mortality_the_spike_is_shifted_by_whole_years_only():
    """With deaths: still one age, and exactly the survivors of the run without additions."""
    q = np.minimum(0.002 * np.exp(0.06 * np.arange(101)), 0.5)
    qx = np.stack([q * 1.1, q])
    adds = [Addition(NOV_1939, young_migrants(5000.0), "west"), Addition(AUG_1940, young_migrants(3000.0), "baltics")]
    with_adds = project_arrays(spike(40), 1939.0, 1959.0, lambda t: qx, additions=adds).population
    without = project_arrays(spike(40), 1939.0, 1959.0, lambda t: qx).population
    nonzero = np.flatnonzero(with_adds[0, 31:] > 0) + 31
    assert nonzero.tolist() == [60]
    assert np.array_equal(with_adds[:, 31:], without[:, 31:])
    assert 0 < with_adds[0, 60] < 1000.0


def test_heaped_census_profile_is_shifted_intact_to_1959():
    """No deaths, the 1926 census (heaped: 30 is 1.7 times its neighbours among men) with both
    annexation waves: 32 years later the projection is exactly the census shifted by 32 years plus
    what the additions alone become (the old split steps had smoothed the heaping away)."""
    from purgetoll.demography import census_single

    base = census_single(1926)
    start = decimal_year("1926-12-17")
    adds = [Addition(NOV_1939, 0.1 * base, "west"), Addition(AUG_1940, 0.05 * base, "baltics")]
    r = project_arrays(base, start, start + 32, no_mortality, additions=adds).population
    alone = project_arrays(np.zeros((2, 101)), start, start + 32, no_mortality, additions=adds).population
    shifted = np.zeros_like(base)
    shifted[:, 32:100] = base[:, :68]
    shifted[:, 100] = base[:, 68:].sum(-1)
    assert np.allclose(r - alone, shifted, rtol=1e-12, atol=1e-6)
    heap = shifted[0, 62] / (0.5 * (shifted[0, 61] + shifted[0, 63]))
    assert heap > 1.6  # the census's own heaping at 30, now at 62


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (2, 101), elements=st.floats(0, 1e6)), st.floats(1925, 1960), st.floats(2, 20),
       st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.floats(0, 1e5))
def test_young_additions_leave_older_cohorts_untouched(pop, start, length, f1, f2, added):
    """Whatever the base and the dates, additions of children aged 0-9 change nothing at ages they
    cannot have reached: the base's cohorts are projected exactly as without them."""
    q = np.minimum(0.001 * np.exp(0.07 * np.arange(101)), 0.6)
    qx = np.stack([q, 0.9 * q])
    adds = [Addition(start + f1 * length, young_migrants(added), "a"), Addition(start + f2 * length, young_migrants(added), "b")]
    a = project_arrays(pop, start, start + length, lambda t: qx, additions=adds).population
    b = project_arrays(pop, start, start + length, lambda t: qx).population
    reach = int(np.ceil(9 + length)) + 1
    assert np.allclose(a[:, reach:], b[:, reach:], rtol=1e-12, atol=0)


def quarter_births(quarter_start: float):
    """1000 boys and 1000 girls born evenly in [quarter_start, quarter_start + 0.25), none otherwise."""
    def births(t0: float, t1: float) -> np.ndarray:
        overlap = max(0.0, min(t1, quarter_start + 0.25) - max(t0, quarter_start))
        return np.full(2, 4000.0 * overlap)
    return births


def test_cohorts_born_from_a_series_age_by_their_own_birth_dates():
    """No deaths: born in Jan-Mar 1951, they are all aged 2 on 1 April 1953; born in Jul-Sep 1951,
    all aged 1. Even spread within the year (the old rule) put a quarter of each at the other age."""
    for born, age in ((1951.0, 2), (1951.5, 1)):
        r = project_arrays(np.zeros((2, 101)), 1950.0, 1953.25, no_mortality, births_between=quarter_births(born))
        expected = np.zeros((2, 101))
        expected[:, age] = 1000.0
        assert np.allclose(r.population, expected, rtol=1e-12, atol=1e-9), (born, r.population[:, :4])


def test_series_cohorts_on_the_compiled_path_equal_the_generic_path():
    """The fused step takes the same per-age crossing shares as the numpy route (births, additions)."""
    from purgetoll.demography.montecarlo import batch_qx_at

    rng = np.random.default_rng(3)
    pop = rng.uniform(0, 1e5, (3, 2, 101))
    fused = batch_qx_at(np.array([1.0, 1.2, 1.3]), np.array([1.1, 1.0, 1.25]))
    births = quarter_births(1940.6)
    adds = [Addition(NOV_1939, young_migrants(5e4), "west"), Addition(AUG_1940, young_migrants(3e4), "baltics")]
    a = project_arrays(pop, 1936.9, 1945.1, fused, births_between=births, additions=adds)
    b = project_arrays(pop, 1936.9, 1945.1, lambda t: fused(t), births_between=births, additions=adds)
    assert np.allclose(a.population, b.population, rtol=1e-12)
    assert np.allclose(a.deaths, b.deaths, rtol=1e-12)
    total = a.base.sum(-1) + a.births + a.additions - a.deaths
    assert np.allclose(a.population.sum(-1), total, rtol=1e-12)


def test_stationary_population_stays_stationary_between_anniversaries():
    """The life table's Lx fed l0 births a year is stationary at every date, not only at whole
    years: at ages 0-2 (cohorts born during the run, where survivorship falls steeply within the
    year) the projection is Lx again to 1e-9 a month, a quarter and 0.9 of a year after the third
    anniversary. Even spread within each age put 0.6% too many at age 1 with this 1930s-like
    infant mortality (q0 0.21, a0 0.33). The people alive at the start keep even spread and a
    constant hazard within the fraction: within 0.1% at ages 3-69 (more at the oldest ages,
    where q reaches 0.3-0.6 and the hazard's shape within a year matters)."""
    from purgetoll.demography import life_table_from_qx

    q = np.minimum(0.0004 * np.exp(0.085 * np.arange(101)) + 0.001, 0.6)
    q[0], q[1], q[2] = 0.21, 0.08, 0.03
    lx = {s: life_table_from_qx(q, sex=s, m_open=-np.log1p(-q[100])) for s in ("male", "female")}
    pop = np.stack([lx["male"]["Lx"].to_numpy(), lx["female"]["Lx"].to_numpy()])
    births = lx["male"]["lx"].iloc[0]  # the radix: l0 births a year
    for end in (1953.25, 1953.0 + 1 / 12, 1953.9):
        r = project_arrays(pop, 1950.0, end, lambda t: np.stack([q, q]),
                           births_between=lambda t0, t1: np.full(2, births) * (t1 - t0))
        rel = r.population / pop - 1
        assert np.abs(rel[:, :3]).max() < 1e-9, (end, rel[:, :4])
        assert np.abs(rel[:, 3:70]).max() < 1e-3, end


def test_a_removal_takes_people_from_their_own_cohort():
    """100 men aged 30 on 1 Jan 1959; 40 of them leave mid-1959 (still aged 30 then: the younger
    half of the cohort). The other 60 are 32 in 1961, whatever the dates; all 100 leaving leaves
    no one, with deaths counted only for those who stayed; one more than there are is an error
    naming the sex, the age and the date where the books do not balance."""
    from purgetoll.errors import DataError

    pop = np.zeros((2, 101))
    pop[0, 30] = 100.0

    def leave(n: float, date: float, qx=no_mortality) -> np.ndarray:
        c = np.zeros((2, 101))
        c[0, 30] = -n
        return project_arrays(pop, 1959.0, 1961.0, qx, additions=[Addition(date, c, "emigrants")])

    for date in (1959.0001, 1959.5, 1959.99):
        r = leave(99.0 * (1 - (date - 1959.0)), date)  # 99% of those still 30 at the date
        assert np.flatnonzero(r.population[0]).tolist() == [32]
    assert leave(40.0, 1959.5).population[0, 32] == pytest.approx(60.0, rel=1e-12)
    q = np.full((2, 101), 0.05)
    r = leave(100 * 0.95 ** 0.5, 1959.5, lambda t: q)
    assert np.allclose(r.population, 0.0, atol=1e-9)
    assert r.deaths[0] == pytest.approx(100 * (1 - 0.95 ** 0.5), rel=1e-9)  # before they left
    with pytest.raises(DataError) as err:
        leave(101.0, 1959.5)
    assert str(err.value) == ("additions, row sex=male, age=31 at 1960-01-01: "
                              "emigrants removes more persons than there are")
