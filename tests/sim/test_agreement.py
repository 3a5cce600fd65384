"""With only demography on, the agents agree with the deterministic projections within sampling error.

Two references:

1. ``purgetoll.sim.expected_population``: the same model computed deterministically by a separate
   route (month-by-month survival products instead of per-person inverted cumulative hazards),
   with the exact sampling variance of each cell (a sum of independent Bernoulli variables).
   Test: at every snapshot date, by sex and single year of age, the chi-square statistic
   ``sum z**2`` over cells with an expected count of at least 5 agents; reject at p < 1e-4 per date.
2. ``purgetoll.demography.project``: the demography engine's annual cohort-component projection of
   the same inputs (census 1926, ``annual_qx``, births series, annexations). The two
   discretisations differ by up to 1% at single young ages (annual Lexis shifts against monthly
   steps), which averages out in 5-year groups (both put infant deaths early in the first year
   with the same Coale-Demeny a0). Test: single years by sex and 5-year groups 0-4 .. 95-99 by sex,
   same chi-square and threshold; totals within 4 standard errors. After the 1939-40
   annexations (the 1959 census) the projection splits its yearly steps at each addition date and
   its Lexis rule then spreads every single-year cohort over three ages (about 11% to each
   neighbour per split), which smears the digit heaping of the 1926 census (by 1959 the heaped
   cohorts at ages 62, 72, 82 differ by 25-36% at single ages, about 1% in alternate 5-year
   groups); the agents keep each cohort whole. There the test is 10-year groups 0-9 .. 80-89
   within 1.5% and totals by sex within 0.3%.

False-alarm rate: 1e-4 per date and test; with 3-16 dates per test, under 0.2% for the module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from purgetoll.sim import (
    Demography,
    Sim,
    SimSettings,
    Territory,
    demography_sim,
    expected_population,
)

ALPHA = 1e-4
CENSUS_DATES = ("1937-01-06", "1939-01-17", "1959-01-15")


def chi_square(obs: np.ndarray, mean: np.ndarray, var: np.ndarray) -> tuple[float, int, float]:
    keep = mean >= 5
    z2 = (obs[keep] - mean[keep]) ** 2 / var[keep]
    df = int(keep.sum())
    return float(z2.sum()), df, float(stats.chi2.sf(z2.sum(), df))


def merged(result, inputs, settings) -> pd.DataFrame:
    exp = expected_population(inputs, settings)
    return result.snapshots.merge(exp, on=["date", "state_date", "sex", "age"], validate="one_to_one")


def test_toy_agents_match_expectation_at_every_snapshot(toy_inputs):
    settings = SimSettings(start="1926-12-17", end="1939-01-17", scale=0.01, seed=11)
    result = Sim(settings, [Territory(toy_inputs), Demography(toy_inputs)]).run()
    m = merged(result, toy_inputs, settings)
    assert m["date"].nunique() == 16  # 1926 census, 13 January firsts, 1937 and 1939 censuses (= end)
    for date, d in m.groupby("date"):
        if d["variance"].sum() == 0:  # the starting population itself: N x scale rounded up or down
            assert (abs(d["agents"] - d["expected"]) < 1).all()
            continue
        chi2, df, p = chi_square(d["agents"].to_numpy(), d["expected"].to_numpy(), d["variance"].to_numpy())
        assert p > ALPHA, f"{date}: chi2 {chi2:.1f} on {df} cells, p = {p:.2g}"


def test_a_different_mortality_is_detected(toy_inputs):
    """The test has power: 5% higher mortality at ages 40+ is rejected at the same threshold."""
    from dataclasses import replace

    settings = SimSettings(start="1926-12-17", end="1937-01-06", scale=0.01, seed=11,
                           snapshot_dates=("1937-01-06",))
    higher = replace(toy_inputs, qx=lambda y, s: np.minimum(toy_inputs.qx(y, s) * np.where(np.arange(101) >= 40, 1.05, 1.0), 0.99))
    result = Sim(settings, [Territory(higher), Demography(higher)]).run()
    m = merged(result, toy_inputs, settings)
    _, _, p = chi_square(m["agents"].to_numpy(), m["expected"].to_numpy(), m["variance"].to_numpy())
    assert p < ALPHA


@pytest.fixture(scope="module")
def real_run(real_inputs):
    settings = SimSettings(start="1926-12-17", end="1959-01-15", scale=0.01, seed=2026,
                           snapshot_dates=CENSUS_DATES)
    return demography_sim(settings, real_inputs).run(), settings


def test_real_agents_match_expectation_at_census_dates(real_run, real_inputs):
    result, settings = real_run
    m = merged(result, real_inputs, settings)
    assert sorted(m["date"].unique()) == list(CENSUS_DATES)
    for date, d in m.groupby("date"):
        chi2, df, p = chi_square(d["agents"].to_numpy(), d["expected"].to_numpy(), d["variance"].to_numpy())
        assert df > 190
        assert p > ALPHA, f"{date}: chi2 {chi2:.1f} on {df} cells, p = {p:.2g}"


def test_real_agents_match_the_cohort_component_projection(real_run, real_inputs):
    from purgetoll.demography import Addition, decimal_year, project
    from purgetoll.sim.inputs import population_matrix

    result, settings = real_run
    m = merged(result, real_inputs, settings)
    base = population_matrix(real_inputs.initial, "initial")
    adds = [Addition(decimal_year(d), c, label) for d, label, c in real_inputs.annexation_groups()]
    for date, d in m.groupby("date"):
        state = d["state_date"].iloc[0]
        t1 = decimal_year(state)
        before = [a for a in adds if a.date < t1]
        proj = project(base, "1926-12-17", state, births=real_inputs.births_between,
                       additions=before).population * settings.scale
        d = d.assign(proj=proj.reshape(-1), group=np.minimum(d["age"] // 5, 20))
        total_se = np.sqrt(d["variance"].sum())
        if before:
            g10 = d.assign(g=np.minimum(d["age"] // 10, 10)).groupby(["sex", "g"])[["agents", "proj"]].sum()
            g10 = g10[g10.index.get_level_values("g") <= 8]
            rel = g10["agents"] / g10["proj"] - 1
            assert (rel.abs() < 0.015).all(), rel
            by_sex = d.groupby("sex")[["agents", "proj"]].sum()
            assert ((by_sex["agents"] / by_sex["proj"] - 1).abs() < 0.003).all()
            continue
        g = d.groupby(["sex", "group"])[["agents", "proj", "variance", "expected"]].sum()
        # single years: the annual Lexis steps differ from monthly steps by up to 1-2% at a few ages
        # (a non-centrality of about 18 at this scale, so a false alarm of about 0.2%)
        chi2, df, p = chi_square(d["agents"].to_numpy(), d["proj"].to_numpy(), d["variance"].to_numpy())
        assert df > 190
        assert p > ALPHA, f"{date}: chi2 {chi2:.1f} on {df} single years of age, p = {p:.2g}"
        closed = g[g.index.get_level_values("group") <= 19]
        chi2, df, p = chi_square(closed["agents"].to_numpy(), closed["proj"].to_numpy(), closed["variance"].to_numpy())
        assert df == 40
        assert p > ALPHA, f"{date}: chi2 {chi2:.1f} on {df} five-year groups, p = {p:.2g}"
        assert abs(d["agents"].sum() - d["proj"].sum()) < 4 * total_se + 0.002 * d["proj"].sum()
