"""With only demography on, the agents agree with the deterministic projections within sampling error.

Two references:

1. ``purgetoll.sim.expected_population``: the same model computed deterministically by a separate
   route (month-by-month survival products instead of per-person inverted cumulative hazards),
   with the exact sampling variance of each cell (a sum of independent Bernoulli variables).
   Test: at every snapshot date, by sex and single year of age, the chi-square statistic
   ``sum z**2`` over cells with an expected count of at least 5 agents; reject at p < 1e-4 per date.
2. ``purgetoll.demography.project``: the demography engine's annual cohort-component projection of
   exactly the agents' inputs (``projection_of_the_sim_inputs``: census 1926, the inputs' own
   ``qx(year, sex)`` and births series, both annexation waves at the time points where the
   territory module adds them, all on the simulation's clock; both engines take infant deaths with
   the Coale-Demeny a0, checked). Test: at the 1937, 1939 and 1959 census dates (1959 after both
   annexations), by sex and single year of age, the same chi-square with the agents' variance and
   the same threshold; 5-year groups 0-4 .. 95-99 by sex likewise; totals within 4 standard
   errors. Power: the projection with its cohorts smeared over three ages (what the split steps
   did before the projection kept cohorts whole) is rejected at 1959.
3. The two deterministic references against each other, no agents: the 1926 census's infants
   (ages 10-12 in 1937, 12-14 in 1939, 32-34 in 1959). Both now place them like a life table's
   age 0, fewer of the oldest infants (the synthesis weights their birth months by survival from
   birth under the demography module's first-year hazard, ``sim.synthesis``); with the even spread
   they used before, that cohort was up to 0.59% apart by single year and carried 5.7, 5.6 and 4.0
   of the non-centrality at scale 0.01; now 0.21% at most and 1.06, 1.03 and 0.70. Test: under
   0.3% and under 1.5 at each date. What is left of it is the shape within the first year
   (the sim's hazard falls exponentially, the projection's survivorship is a power curve; both
   with the Coale-Demeny a0), which splits the cohort 0.2% differently between two ages.

False-alarm rate: 1e-4 per date and test where the reference is the agents' exact expectation,
so 3-16 dates per test give under 0.2% for reference 1. Against the projection, at scale 0.01
its non-centrality against ``expected_population`` is 1.85, 1.98 and 2.77 for the single years
(was 6.47, 6.56 and 6.05 with the even spread) and 0.11, 0.20 and 0.65 for the 5-year groups (was
0.95, 0.64 and 0.99) at 1937, 1939 and 1959, so a false alarm of 0.015-0.018% per single-year
test (was 0.035-0.039%) and 0.011-0.014% per 5-year test, under 0.1% for the projection test as a
whole (``scipy.stats.ncx2``). The rest of the non-centrality (0.80, 0.95 and 2.06) is outside the
infants' cohort, mostly women at ages 80-95 (up to 1.6% at 81-83, 3% at 91-93, a few agents a
cell). The agents' chi-square against the projection (seed 2026, about 200 cells) went from
202.9, 223.8, 203.5 to 197.3, 218.4, 201.7; against the expectation it is 197.3, 219.4/219.6,
200.1 either way.
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


@pytest.fixture(scope="module")
def real_merged(real_run, real_inputs) -> pd.DataFrame:
    """The real run's snapshots with ``expected_population`` (computed once for the module)."""
    result, settings = real_run
    return merged(result, real_inputs, settings)


def test_real_agents_match_expectation_at_census_dates(real_merged):
    m = real_merged
    assert sorted(m["date"].unique()) == list(CENSUS_DATES)
    for date, d in m.groupby("date"):
        chi2, df, p = chi_square(d["agents"].to_numpy(), d["expected"].to_numpy(), d["variance"].to_numpy())
        assert df > 190
        assert p > ALPHA, f"{date}: chi2 {chi2:.1f} on {df} cells, p = {p:.2g}"


def projection_of_the_sim_inputs(inputs, settings, state_date: str) -> np.ndarray:
    """``demography.project`` of exactly what the agents were given, at the snapshot's time point
    ``state_date``: the 1926 population, the same ``qx(year, sex)`` and births series, and each
    annexation at the time point where the territory module adds it (the month nearest its date),
    all on the simulation's clock (time point k is the start plus k/12 years). Persons x scale."""
    from purgetoll.demography import Addition, project
    from purgetoll.sim.calendar import parse_date, time_point_of, time_point_year
    from purgetoll.sim.inputs import population_matrix

    start = parse_date(settings.start)
    k_end = time_point_of(start, parse_date(state_date))
    adds = []
    for date, label, counts in inputs.annexation_groups():
        k = time_point_of(start, parse_date(date))
        if k < k_end:  # added at time point k, before the snapshot (Territory.annexed_before)
            adds.append(Addition(time_point_year(start, k), counts, label))
    proj = project(population_matrix(inputs.initial, "initial"), time_point_year(start, 0), time_point_year(start, k_end),
                   mortality=lambda t: np.stack([inputs.qx(t, s) for s in ("male", "female")]),
                   births=inputs.births_between, additions=adds)
    return proj.population.reshape(-1) * settings.scale


def test_the_projection_takes_infant_deaths_as_the_agents_do(real_inputs):
    """Both engines put infant deaths early in the first year with the Coale-Demeny a0: the sim
    through ``inputs.infant_a0``, the projection through its life-table ratios (one formula)."""
    from purgetoll.demography.lifetable import a0_from_q0

    q0 = np.linspace(0.01, 0.35, 35)
    for sex in ("male", "female"):
        assert np.array_equal(real_inputs.infant_a0(q0, sex), a0_from_q0(q0, sex))


def test_real_agents_match_the_cohort_component_projection(real_run, real_merged, real_inputs):
    """At 1937, 1939 and 1959 (after both annexation waves), by sex and single year of age."""
    _, settings = real_run
    m = real_merged
    assert sorted(m["date"].unique()) == list(CENSUS_DATES)
    for date, d in m.groupby("date"):
        proj = projection_of_the_sim_inputs(real_inputs, settings, d["state_date"].iloc[0])
        d = d.assign(proj=proj, group=np.minimum(d["age"] // 5, 20))
        chi2, df, p = chi_square(d["agents"].to_numpy(), d["proj"].to_numpy(), d["variance"].to_numpy())
        assert df > 190
        assert p > ALPHA, f"{date}: chi2 {chi2:.1f} on {df} single years of age, p = {p:.2g}"
        g = d.groupby(["sex", "group"])[["agents", "proj", "variance"]].sum()
        closed = g[g.index.get_level_values("group") <= 19]
        chi2, df, p = chi_square(closed["agents"].to_numpy(), closed["proj"].to_numpy(), closed["variance"].to_numpy())
        assert df == 40
        assert p > ALPHA, f"{date}: chi2 {chi2:.1f} on {df} five-year groups, p = {p:.2g}"
        total_se = np.sqrt(d["variance"].sum())
        assert abs(d["agents"].sum() - d["proj"].sum()) < 4 * total_se, date


def test_the_single_year_check_sees_smoothed_heaping(real_run, real_merged, real_inputs):
    """Power: the projection with its cohorts smeared over three ages (a 1-2-1 smoothing of the 1959
    ages 37-94, the 1926 population's 5-62; the old split steps did about this) is rejected at 1959
    at the same threshold."""
    _, settings = real_run
    m = real_merged
    d = m[m["date"] == "1959-01-15"]
    proj = projection_of_the_sim_inputs(real_inputs, settings, d["state_date"].iloc[0]).reshape(2, 101)
    smeared = proj.copy()
    smeared[:, 37:95] = 0.25 * proj[:, 36:94] + 0.5 * proj[:, 37:95] + 0.25 * proj[:, 38:96]
    _, _, p = chi_square(d["agents"].to_numpy(), smeared.reshape(-1), d["variance"].to_numpy())
    assert p < ALPHA


#: single years of age of the 1926 census's infants at each census date (10.05, 12.09, 32.08 years on)
INFANTS_1926 = {"1937-01-06": (10, 11, 12), "1939-01-17": (12, 13, 14), "1959-01-15": (32, 33, 34)}


def test_the_census_infants_are_placed_as_the_projection_places_them(real_run, real_merged, real_inputs):
    """Deterministic, no sampling: ``expected_population`` (what the agents should show) against the
    projection for the cohort of the 1926 census's infants. With their birth months spread evenly
    (before the synthesis weighted them by survival) this cohort was up to 0.59% apart and its
    non-centrality 5.7, 5.6 and 4.0 at 1937, 1939 and 1959; now at most 0.21% and 1.06, 1.03, 0.70."""
    _, settings = real_run
    for date, d in real_merged.groupby("date"):
        proj = projection_of_the_sim_inputs(real_inputs, settings, d["state_date"].iloc[0])
        cohort = d["age"].isin(INFANTS_1926[date]).to_numpy()
        expected, variance = d["expected"].to_numpy()[cohort], d["variance"].to_numpy()[cohort]
        rel = np.abs(proj[cohort] / expected - 1)
        assert rel.max() < 0.003, f"{date}: the 1926 infants' cohort differs by {rel.max():.3%}"
        noncentrality = float(((proj[cohort] - expected) ** 2 / variance).sum())
        assert noncentrality < 1.5, f"{date}: non-centrality {noncentrality:.2f} in the 1926 infants' cohort"
