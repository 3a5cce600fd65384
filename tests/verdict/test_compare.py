"""The verdict: the implied toll over the error model, the documented floor, the rule, and the method
tried on synthetic worlds whose truth is set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from purgetoll.demography import adh_single, census_single
from purgetoll.demography.baseline import expected
from purgetoll.demography.census_errors import enumerated_1939, true_1937
from purgetoll.demography.evidence import ErrorModel
from purgetoll.intervals import quantile_interval
from purgetoll.sim.start_1937 import initial_1937
from purgetoll.verdict.compare import TABLES, compare_records
from purgetoll.verdict.implied import read_census
from purgetoll.verdict.runs import RunRecord, run_many
from tests.verdict.toy import no_terror, toy_scenario

SCALE = 0.001
OFFICIAL_1939 = 170_557_093
#: 1953 MVD certificate: death sentences 1937-38 (repression_key_totals vmn_1937_1938); Gulag deaths
#: 1937 and 1938 (gulag_deaths_1930_1956).
DEATH_SENTENCES, CAMP_DEATHS = 681_692, 31_056 + 108_654


@pytest.fixture(scope="module")
def reading():
    """The real 1939 census read through the error model at its defaults (40,000 draws, seed 0)."""
    return read_census(census_single(1939))


@pytest.fixture(scope="module")
def verdict(reading):
    scenarios = [no_terror(), toy_scenario(3_000_000)]
    records = run_many(scenarios, [1, 2], SCALE, workers=1)
    return scenarios, records, compare_records(scenarios, records, reading=reading)


def test_totals_are_persons_for_the_whole_population(verdict):
    _, records, v = verdict
    t = v.totals.set_index(["scenario", "measure"])
    killed = t.loc[("toy_purge", "events_purge_death")]
    # a Bernoulli draw per man: sd about sqrt(3000) agents = 55,000 persons per run
    assert killed["value"] == pytest.approx(3_000_000, abs=4 * np.sqrt(3_000_000 * SCALE) / SCALE)
    assert killed["n_seeds"] == 2 and killed["unit"] == "persons"
    assert t.loc[("no_terror", "population_1937_01_06_male"), "value"] == pytest.approx(
        initial_1937()[0].sum(), rel=0.002)
    assert ("no_terror", "events_purge_death") not in t.index


def test_common_random_numbers_women_identical_men_fewer(verdict):
    _, records, _ = verdict
    by = {(r.scenario, r.seed): r for r in records}
    for seed in (1, 2):
        a, b = by[("no_terror", seed)], by[("toy_purge", seed)]
        assert np.array_equal(a.population_1937, b.population_1937)
        assert np.array_equal(a.population_1939[1], b.population_1939[1])  # the toy kills men only
        missing = a.population_1939[0].sum() - b.population_1939[0].sum()
        assert 0.9 * b.totals["purge_death"] < missing <= b.totals["purge_death"]


def test_the_tables_of_a_verdict(verdict):
    _, _, v = verdict
    assert list(v.tables()) == list(TABLES)
    imp = v.implied_excess
    assert list(imp[["sex", "ages"]].itertuples(index=False, name=None)) == [
        ("male", "all"), ("male", "20-59"), ("female", "all"), ("female", "20-59")]
    assert {"estimate", "lower_95", "upper_95"} <= set(imp.columns)
    floor = v.documented_floor
    assert list(floor["sex"]) == ["male", "female", "both"]
    assert {"deaths", "lower_95", "upper_95", "source", "assumption"} <= set(floor.columns)
    assert list(floor["archival"]) == [False, False, True]
    assert "women_share_executed" in floor.iloc[0]["assumption"] and "women" not in floor.iloc[2]["assumption"]
    j = v.to_json()
    assert set(TABLES) <= set(j) and "anchors where" not in j["method"] and "Gaussian kernels" in j["method"]


def test_documented_floor_is_the_archive_times_the_share_carried_out(verdict):
    """Median of the share carried out (uniform 0.9-1) is 0.95; the interval's ends are 0.9025 and 0.9975."""
    _, _, v = verdict
    both = v.documented_floor.set_index("sex").loc["both"]
    assert both["deaths"] == pytest.approx(DEATH_SENTENCES * 0.95 + CAMP_DEATHS, rel=2e-3)
    assert both["lower_95"] == pytest.approx(DEATH_SENTENCES * 0.9025 + CAMP_DEATHS, rel=2e-3)
    assert both["upper_95"] == pytest.approx(DEATH_SENTENCES * 0.9975 + CAMP_DEATHS, rel=2e-3)
    women = v.documented_floor.set_index("sex").loc["female", "deaths"]
    assert 0.015 * 0.9 * DEATH_SENTENCES + 0.03 * CAMP_DEATHS < women < 0.05 * DEATH_SENTENCES + 0.081 * CAMP_DEATHS
    # as excess deaths, less what these people would have died anyway: a few per cent
    assert 0.9 * both["deaths"] < both["excess_deaths"] < both["deaths"]


def test_the_real_censuses_imply_a_toll_of_men_that_reaches_the_floor(reading, verdict):
    """The censuses, read through the error model anchored on women and children, imply excess deaths of men
    whose interval contains the archive's documented floor (so the floor is not contradicted), and excess
    deaths of women whose interval contains 0 and the women's floor."""
    _, _, v = verdict
    imp = v.implied_excess.set_index(["sex", "ages"])
    men, women = imp.loc[("male", "all")], imp.loc[("female", "all")]
    floor = v.documented_floor.set_index("sex")
    assert 0.2e6 < men["lower_95"] < floor.loc["male", "excess_deaths"] < men["upper_95"] < 2.0e6
    assert women["lower_95"] < 0 < floor.loc["female", "excess_deaths"] < women["upper_95"]
    assert men["vs_floor"] == "reaches the documented floor"
    assert imp.loc[("male", "20-59"), "vs_floor"] == "the floor is documented for all ages only"
    assert men["effective_draws"] > 400
    a = v.anchors.set_index("anchor")
    assert (a["lower_95"] < 0).all() and (a["upper_95"] > 0).all() and (a["closed_by"] == "").all()
    assert (a["prior_upper_95"] - a["prior_lower_95"] > 4 * (a["upper_95"] - a["lower_95"])).all()


def test_the_rule_on_a_large_purge(verdict):
    """The toy kills 3M men aged 20-59: far more than the census implies (excluded: too few people); no_terror
    kills none, fewer than the census implies of men (excluded: too many people) but within women's."""
    _, _, v = verdict
    row = v.verdict.set_index(["scenario", "sex", "measure"])
    toy = row.loc[("toy_purge", "male", "excess_deaths_all")]
    assert toy["simulated"] > 2.7e6 and toy["vs_census"] == "excluded: too few"
    assert toy["upper_95"] < 0 and toy["closed_by"] == "no single assumption within its stated range closes it"
    base = row.loc[("no_terror", "male", "excess_deaths_all")]
    assert base["simulated"] == 0 and base["vs_census"] == "excluded: too many" and base["lower_95"] > 0
    assert row.loc[("no_terror", "female", "excess_deaths_all"), "vs_census"] == "consistent"
    assert row.loc[("toy_purge", "female", "excess_deaths_all"), "vs_census"] == "consistent"
    pairs = v.pairs.set_index(["sex", "measure"])
    men = pairs.loc[("male", "excess_deaths_all")]
    assert bool(men["census_tells_apart"]) and men["why"] == "excluded on opposite sides of the census"
    women = pairs.loc[("female", "excess_deaths_all")]
    assert not bool(women["census_tells_apart"]) and women["why"] == "both consistent with the census"


def _records(pairs: dict[str, tuple[float, float]], seeds=(1, 2, 3)) -> list[RunRecord]:
    """Runs of no_terror and of scenarios that lack (men, women) persons aged 40 on 17 Jan 1939."""
    c37 = initial_1937()
    base = np.full((2, 101), 1e6)
    out = []
    for seed in seeds:
        out.append(RunRecord("no_terror", seed, 1.0, "1937-01-06", {"death": 0.0}, c37, base.copy(), 0.0))
        for name, (m, f) in pairs.items():
            pop = base.copy()
            pop[0, 40] -= m + 1000 * seed  # a little spread over seeds
            pop[1, 40] -= f
            out.append(RunRecord(name, seed, 1.0, "1937-01-06", {"death": 0.0}, c37, pop, 0.0))
    return out


def test_the_rule_on_constructed_runs(reading):
    """Scenarios whose simulated excess is set: the implied median is consistent, 2.5M is excluded (too few
    people), and one seed gives no verdict."""
    men = reading.interval(reading.measure("male", "all"))
    scen = [no_terror(), toy_scenario(name="mid"), toy_scenario(name="high")]
    recs = _records({"mid": (men.estimate, 20_000), "high": (2.5e6, 20_000)})
    v = compare_records(scen, recs, reading=reading).verdict.set_index(["scenario", "sex", "measure"])
    mid, high = v.loc[("mid", "male", "excess_deaths_all")], v.loc[("high", "male", "excess_deaths_all")]
    assert mid["vs_census"] == "consistent" and mid["lower_95"] < 0 < mid["upper_95"]
    assert mid["simulated"] == pytest.approx(men.estimate + 2000)
    assert high["vs_census"] == "excluded: too few"
    one = compare_records(scen, _records({"mid": (men.estimate, 0), "high": (2.5e6, 0)}, seeds=(1,)),
                          reading=reading).verdict
    assert (one["vs_census"] == "not judged: 1 run (a verdict needs at least 2 seeds)").all()
    assert one["lower_95"].isna().all() and one["sim_lower_95"].isna().all()


def _world(theta: list[str], men: float, women: float) -> np.ndarray:
    """A synthetic world: the 1937 census corrected by the error model at ``theta``, carried to 1939 under
    that baseline, less ``men`` and ``women`` deaths spread over ages 25-54 in 1939, and enumerated in 1939
    with that padding and the real census's digit preference."""
    w = ErrorModel.default().with_sets(theta).central_draw()
    truth = expected(true_1937(census_single(1937), w), "1937-01-06", "1939-01-17", w).population[0]
    truth[0, 25:55] -= men / 30
    truth[1, 25:55] -= women / 30
    return enumerated_1939(truth, w, census_single(1939))[0]


WORLD = ["padding_1939_persons=2.2e6", "hazard_multiplier_age1plus=1.2", "undercount_1937_share=0.005",
         "padding_1939_working_age_share=0.7", "mobile_male_weight=2", "digit_preference_strength=0.5",
         "births_1937_1938_scale=1.01", "infant_qx_multiplier=1.08"]


def test_the_method_recovers_the_toll_of_a_world_whose_truth_is_set():
    """A world with 1.0M men and 30,000 women dead (women's share 2.9%, inside the floor's composition) and
    errors away from the defaults: the intervals cover the truth, and the anchors narrow the men's interval by
    about a third (what is left is mostly where the padding sat by sex: no source says)."""
    r = read_census(_world(WORLD, 1.0e6, 30_000))
    men, men_w = r.interval(r.measure("male", "all")), r.interval(r.measure("male", "20-59"))
    women = r.interval(r.measure("female", "all"))
    assert men.lower < 1.0e6 < men.upper and men_w.lower < 1.0e6 < men_w.upper
    assert women.lower < 30_000 < women.upper
    prior = quantile_interval(r.measure("male", "all"), r.prior_ratio)  # the draws weighted back to the prior
    assert prior.upper - prior.lower > 1.3 * (men.upper - men.lower)


def test_a_reading_wholly_below_the_floor_names_the_assumption_that_closes_it():
    """A world with 0.3M men dead (below the floor of about 0.72M excess), read with every component fixed at
    its world value but the padding, drawn 2.2-2.96M: the implied men's interval lies below the floor, and the
    output says the reading is biased and which padding would close the gap (more padding: more men missing)."""
    theta = [*WORLD, "army_1937_age_min=20", "army_1937_age_max=29", "nkvd_contingent_1937_persons=270730",
             "in_transit_1937_persons=0", "infant_undercount_1937_scale=1", "male_hazard_ratio=1",
             "padding_1939_dirichlet_concentration=1e6"]
    census = _world(theta, 0.3e6, 15_000)
    model = ErrorModel.default().with_sets([*theta, "padding_1939_persons=2.2e6..2.957093e6"])
    r = read_census(census, model=model, draws=4000)
    from purgetoll.verdict.judge import implied_table

    t = implied_table(r).set_index(["sex", "ages"]).loc[("male", "all")]
    assert t["upper_95"] < t["documented_floor_excess"]
    assert t["vs_floor"].startswith("wholly below the documented floor: the census reading is biased")
    assert t["closed_by"].startswith("padding_1939_persons at ") and "(range 2,200,000-2,957,093 persons)" in t["closed_by"]
    value = float(t["closed_by"].split(" at ")[1].split(" ")[0].replace(",", ""))
    assert 2.2e6 < value < 2.957093e6


def test_census_table_and_survival_against_the_census_as_read(verdict):
    _, _, v = verdict
    c = v.census_1939[v.census_1939["scenario"] == "no_terror"]
    assert c["census_counted"].sum() == pytest.approx(OFFICIAL_1939, abs=1)
    # the corrected census: the official total less a padding between ADH's (1.69M) and Volkov's (2.96M)
    assert OFFICIAL_1939 - 2_957_093 < c["census_corrected"].sum() < OFFICIAL_1939 - 1_686_093
    assert c["adh_1939"].sum() == pytest.approx(adh_single(1939, "1938").sum(), abs=1)
    assert (c["census_corrected_low"] <= c["census_corrected"]).all()
    assert (c["census_corrected"] <= c["census_corrected_high"]).all()
    s = v.survival[(v.survival["scenario"] == "no_terror") & (v.survival["sex"] == "male")].set_index("age_1937")
    a37, a39 = adh_single(1937), adh_single(1939, "1938")
    assert s.loc["all", "adh"] == pytest.approx(a39[0, 2:].sum() / a37[0].sum())
    assert s.loc["20-29", "census_low"] < s.loc["20-29", "census"] < s.loc["20-29", "census_high"]
    assert 0.9 < s.loc["all", "simulated"] < 1.0


def test_deficits_pair_each_scenario_with_no_terror(verdict):
    _, records, v = verdict
    d = v.deficits.set_index(["scenario", "sex", "measure"])
    women = d.loc[("toy_purge", "female", "population_1939")]
    assert women["missing"] == women["lower_95"] == women["upper_95"] == 0
    by = {(r.scenario, r.seed): r for r in records}
    diffs = [by[("no_terror", s)].population_1939[0].sum() - by[("toy_purge", s)].population_1939[0].sum()
             for s in (1, 2)]
    assert d.loc[("toy_purge", "male", "population_1939"), "missing"] == pytest.approx(np.mean(diffs))
    assert isinstance(v.deficits, pd.DataFrame) and "no_terror" not in set(v.deficits["scenario"])


def test_a_verdict_is_stored_and_loaded_back_to_the_byte(verdict, tmp_path):
    """The stored form (purgetoll.results): every table of a verdict comes back with the same CSV and
    dtypes, its settings as JSON gives them."""
    import json

    from purgetoll.results import load_result, save_result

    _, _, v = verdict
    back = load_result(save_result(v, tmp_path / "verdict"))
    assert type(back) is type(v)
    for name, table in v.tables().items():
        again = back.tables()[name]
        assert again.to_csv(index=False) == table.to_csv(index=False), name
        assert again.dtypes.to_dict() == table.dtypes.to_dict(), name
    assert back.settings == json.loads(json.dumps(v.settings, default=str))
