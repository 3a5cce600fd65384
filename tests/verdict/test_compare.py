"""The verdict: totals in persons, the simulated 1939 census against the corrected census and ADH,
cohort survival, the exclusion test, and common random numbers between scenarios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from purgetoll.demography import adh_single, census_single
from purgetoll.sim.start_1937 import initial_1937
from purgetoll.verdict.compare import baseline_factors, compare_records
from purgetoll.verdict.runs import RunRecord, run_many, run_one
from tests.verdict.toy import no_terror, toy_scenario

SCALE = 0.001


@pytest.fixture(scope="module")
def verdict():
    scenarios = [no_terror(), toy_scenario(3_000_000)]
    records = run_many(scenarios, [1, 2], SCALE, workers=1)
    return scenarios, records, compare_records(scenarios, records)


def test_totals_are_persons_for_the_whole_population(verdict):
    _, records, v = verdict
    t = v.totals.set_index(["scenario", "measure"])
    killed = t.loc[("toy_purge", "events_purge_death")]
    # a Bernoulli draw per man: sd about sqrt(3000) agents = 55,000 persons per run
    assert killed["value"] == pytest.approx(3_000_000, abs=4 * np.sqrt(3_000_000 * SCALE) / SCALE)
    assert killed["n_seeds"] == 2 and killed["unit"] == "persons"
    assert t.loc[("no_terror", "population_1937_01_06_male"), "value"] == pytest.approx(
        initial_1937()[0].sum(), rel=0.002)
    r = [x for x in records if x.scenario == "toy_purge"]
    assert killed["value"] == pytest.approx(np.mean([x.totals["purge_death"] for x in r]))
    assert ("no_terror", "events_purge_death") not in t.index  # a scenario without the module has no such events


def test_common_random_numbers_women_identical_men_fewer(verdict):
    _, records, _ = verdict
    by = {(r.scenario, r.seed): r for r in records}
    for seed in (1, 2):
        a, b = by[("no_terror", seed)], by[("toy_purge", seed)]
        assert np.array_equal(a.population_1937, b.population_1937)
        assert np.array_equal(a.population_1939[1], b.population_1939[1])  # the toy kills men only
        missing = a.population_1939[0].sum() - b.population_1939[0].sum()
        # the killed minus those of them who would have died anyway before 1939 (a few percent)
        assert 0.9 * b.totals["purge_death"] < missing <= b.totals["purge_death"]


def test_deficits_are_paired_by_seed(verdict):
    """Common random numbers: the toy kills men only, so no woman is missing in any seed (zero-width interval)."""
    _, records, v = verdict
    d = v.deficits.set_index(["scenario", "sex", "measure"])
    women = d.loc[("toy_purge", "female", "population_1939")]
    assert women["missing"] == women["lower_95"] == women["upper_95"] == 0
    men = d.loc[("toy_purge", "male", "population_1939")]
    by = {(r.scenario, r.seed): r for r in records}
    diffs = [by[("no_terror", s)].population_1939[0].sum() - by[("toy_purge", s)].population_1939[0].sum()
             for s in (1, 2)]
    assert men["missing"] == pytest.approx(np.mean(diffs))
    base = by[("no_terror", 1)].population_1939[0].sum() / 2 + by[("no_terror", 2)].population_1939[0].sum() / 2
    census = census_single(1939)[0].sum()
    assert men["census_implied_high"] == pytest.approx(base - census * 167_600_000 / 170_557_093)
    assert men["census_implied_low_any_baseline"] < men["census_implied_low"] < men["census_implied_high"] \
        < men["census_implied_high_any_baseline"]


def test_census_references_are_the_corrected_census_and_adh(verdict):
    _, _, v = verdict
    c = v.census_1939[v.census_1939["scenario"] == "no_terror"]
    assert c["census_counted"].sum() == pytest.approx(170_557_093, abs=1)
    assert c["census_corrected"].sum() == pytest.approx(167_650_000, abs=1)  # Zhiromskaya's 167.6-167.7M
    assert c["census_corrected_low"].sum() == pytest.approx(167_600_000, abs=1)
    assert c["census_corrected_high"].sum() == pytest.approx(167_700_000, abs=1)
    assert c["adh_1939"].sum() == pytest.approx(adh_single(1939, "1938").sum(), abs=1)
    assert list(c["age_group"].iloc[:3]) == ["0-4", "5-9", "10-14"] and c["age_group"].iloc[17] == "85+"
    m2024 = c[(c["sex"] == "male") & (c["age_group"] == "20-24")]
    assert float(m2024["census_counted"].iloc[0]) == pytest.approx(census_single(1939)[0, 20:25].sum())


def test_survival_references(verdict):
    _, _, v = verdict
    s = v.survival[(v.survival["scenario"] == "no_terror") & (v.survival["sex"] == "male")].set_index("age_1937")
    c37, c39 = initial_1937(), census_single(1939) * 167_650_000 / 170_557_093
    assert s.loc["20-29", "census"] == pytest.approx(c39[0, 22:32].sum() / c37[0, 20:30].sum())
    assert s.loc["20-29", "census_low"] < s.loc["20-29", "census"] < s.loc["20-29", "census_high"]
    a37, a39 = adh_single(1937), adh_single(1939, "1938")
    assert s.loc["all", "adh"] == pytest.approx(a39[0, 2:].sum() / a37[0].sum())  # 2+ in 1939 per all in 1937
    assert 0.9 < s.loc["all", "simulated"] < 1.0


def test_verdict_separates_a_large_purge_and_names_the_test(verdict):
    _, _, v = verdict
    row = v.verdict.set_index(["scenario", "sex", "measure"])
    toy, base = row.loc[("toy_purge", "male", "population_1939")], row.loc[("no_terror", "male", "population_1939")]
    assert toy["simulated"] < base["simulated"] - 2_500_000
    assert toy["vs_census"] == "excluded: too few"
    assert base["vs_census"] == "excluded: too many"  # the baseline misses the male census: stated, not hidden
    assert not base["robust"] and base["depends_on"].startswith("the baseline mortality")
    assert base["vs_census_any_baseline"] == "consistent"  # within the under-registration range
    pairs = v.pairs.set_index(["sex", "measure"])
    men = pairs.loc[("male", "population_1939")]
    assert bool(men["census_tells_apart"]) is True and men["why"] == "excluded on opposite sides of the census"
    # over the baseline band no_terror becomes consistent while 3M fewer men stay excluded: still apart
    assert bool(men["census_tells_apart_any_baseline"]) is True and bool(men["robust"]) is True
    assert men["why_any_baseline"] == "one consistent with the census, the other excluded"
    women = pairs.loc[("female", "population_1939")]  # the toy kills men only: the same women
    w = row.loc[("no_terror", "female", "population_1939"), "vs_census"]
    assert w == row.loc[("toy_purge", "female", "population_1939"), "vs_census"]
    assert bool(women["census_tells_apart"]) is False
    assert women["why"] in ("both consistent with the census", f"both {w}: the census rejects both without telling them apart")
    assert "excluded by a measure when its 95% Monte Carlo interval" in v.settings["test"]


def test_working_age_measure_sees_the_purge_where_it_struck(verdict):
    """The toy kills men aged 20-59 in Sept 1937: nearly all the loss is in ages 20-59 on 17 Jan 1939."""
    _, records, v = verdict
    row = v.verdict.set_index(["scenario", "sex", "measure"])
    base, toy = row.loc[("no_terror", "male", "population_1939_ages_20_59")], row.loc[
        ("toy_purge", "male", "population_1939_ages_20_59")]
    all_ages = row.loc[("no_terror", "male", "population_1939"), "simulated"] - row.loc[
        ("toy_purge", "male", "population_1939"), "simulated"]
    assert base["simulated"] - toy["simulated"] == pytest.approx(all_ages, rel=0.03)
    c = census_single(1939)[0, 20:60].sum() * 167_600_000 / 170_557_093
    assert toy["census_low"] == pytest.approx(c)
    assert toy["vs_census"] == "excluded: too few" and toy["robust"]


def _record(name: str, men: float, women: float) -> RunRecord:
    c37 = initial_1937()
    pop39 = census_single(1939) * 167_650_000 / 170_557_093
    pop39 = pop39 * np.array([[men], [women]]) / pop39.sum(1, keepdims=True)
    return RunRecord(name, 1, 1.0, "1937-01-06", {"death": 0.0}, c37, pop39, 0.0)


def test_exclusion_rule_on_constructed_runs():
    """Runs equal to the corrected census are consistent; 1M more men is excluded; robust follows the baseline."""
    scen = [no_terror(), toy_scenario(name="toy_purge")]
    men, women = 80_302_425.0, 87_347_575.0  # corrected census, padding spread in proportion
    recs = [_record("no_terror", men + 200_000, women), _record("toy_purge", men + 1_000_000, women)]
    v = compare_records(scen, recs).verdict.set_index(["scenario", "sex", "measure"])
    assert v.loc[("no_terror", "female", "population_1939"), "vs_census"] == "consistent"
    big = v.loc[("toy_purge", "male", "population_1939")]
    assert big["vs_census"] == "excluded: too many" and bool(big["robust"]) is True  # margin 1M > baseline gap
    small = v.loc[("no_terror", "male", "population_1939")]
    assert small["vs_census"] == "excluded: too many" and bool(small["robust"]) is False
    # the baseline band: no_terror's deaths among those alive in 1937, x (1.3 / 1.146 - 1) and (1 - 1 / 1.146)
    assert baseline_factors() == pytest.approx((1 / 1.146, 1.3 / 1.146))
    c37, c39 = recs[0].population_1937[0], recs[0].population_1939[0]
    deaths = c37.sum() - c39[2:].sum()
    assert big["baseline_lower"] == pytest.approx(big["lower_95"] - deaths * (1.3 / 1.146 - 1))
    assert big["baseline_upper"] == pytest.approx(big["upper_95"] + deaths * (1 - 1 / 1.146))
    with pytest.raises(ValueError, match=r"no runs for scenario\(s\) \['toy_purge'\]"):
        compare_records(scen, recs[:1])


def test_same_seed_same_numbers_bit_for_bit():
    a = run_one(toy_scenario(1_000_000), 9, 0.0005)
    b = run_one(toy_scenario(1_000_000), 9, 0.0005)
    assert a.totals == b.totals
    assert np.array_equal(a.population_1939, b.population_1939)
    c = run_one(toy_scenario(1_000_000), 10, 0.0005)
    assert not np.array_equal(a.population_1939, c.population_1939)


def test_json_holds_every_table(verdict):
    _, _, v = verdict
    j = v.to_json()
    assert set(j) == {"settings", "test", "verdict", "deficits", "totals", "targets", "census_1939", "survival",
                      "pairs"}
    assert pd.DataFrame(j["verdict"]).shape == v.verdict.shape


def test_memory_cap_on_workers(monkeypatch):
    """A 1:1 run needs gigabytes: the default number of processes never exceeds what memory holds."""
    import types

    import psutil

    from purgetoll.verdict.runs import memory_workers

    monkeypatch.setattr(psutil, "virtual_memory", lambda: types.SimpleNamespace(available=24 * 2**30))
    # 1:1: 162,003,225 x 64 bytes + 300 MB = 10.7 GB per run; 80% of 24 GiB holds one
    assert memory_workers(1.0) == 1
    assert memory_workers(0.1) == int(0.8 * 24 * 2**30 // (162_003_225 * 0.1 * 64 + 300e6)) == 15
    monkeypatch.setattr(psutil, "virtual_memory", lambda: types.SimpleNamespace(available=2**30))
    assert memory_workers(1.0) == 1  # never fewer than one
