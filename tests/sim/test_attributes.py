"""Attributes: marginals match their source tables within sampling error; identical across scenarios."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
import pytest

from purgetoll.data import machinery
from purgetoll.errors import ScenarioError
from purgetoll.scenarios import Scenario, build_sim
from purgetoll.scenarios.build import scenario_inputs
from purgetoll.sim import Demography, Module, Sim, SimSettings, Territory
from purgetoll.sim.attributes_tables import (
    NATIONALITIES,
    REGIONS,
    SOCIAL_GROUPS,
    ipf,
    region_nationality,
)
from purgetoll.sim.modules.attributes import (
    ARMY_COMMAND,
    NKVD_STAFF,
    PARTY,
    WORKING_AGES,
    Attributes,
)

SCALE = 0.005
COLUMNS = ("region", "urban", "social_group", "roles", "nationality", "household_id", "workplace_id")


@pytest.fixture(scope="module")
def inputs_1937(real_inputs):
    return scenario_inputs(Scenario.load("no_terror"), real_inputs)


def one_month(inputs, seed=7, extra=(), scale=SCALE):
    settings = SimSettings(start="1937-01-06", end="1937-02-06", scale=scale, seed=seed, write_events=False)
    sim = Sim(settings, [Territory(inputs), Demography(inputs), Attributes(), *extra])
    sim.run()
    return sim


@pytest.fixture(scope="module")
def run(inputs_1937):
    sim = one_month(inputs_1937)
    att = sim.module("attributes")
    p = sim.people
    initial = p["birth_month"] <= sim.month(0)  # babies born in the first month carry month(1)
    return sim, att.marginals("1937-01-06"), {c: p[c][initial] for c in (*COLUMNS, "sex", "birth_month")}


def within(observed: np.ndarray, shares: np.ndarray, n: int, sigmas: float = 5.0) -> None:
    sd = np.sqrt(n * shares * (1 - shares))
    assert np.all(np.abs(observed - n * shares) <= sigmas * sd + 1), (observed, n * shares)


def test_region_nationality_urban_marginals(run):
    sim, m, cols = run
    n = len(cols["region"])
    assert n == pytest.approx(162_003_225 * SCALE, rel=0.001)
    within(np.bincount(cols["region"], minlength=len(m["regions"].labels)), m["regions"].shares, n)
    within(np.bincount(cols["nationality"], minlength=len(NATIONALITIES)), m["nationalities"].shares, n)
    within(np.array([np.count_nonzero(cols["urban"])]), np.array([m["urban"]]), n)


def test_target_shares_come_from_their_tables(run):
    _, m, _ = run
    nat = dict(zip(m["nationalities"].labels, m["nationalities"].shares, strict=True))
    assert nat["Russians"] == pytest.approx(93_933_065 / 162_039_470)  # census 1937 (census_national_totals)
    k = machinery("arrests_by_nationality_1936_1938").set_index("id")["value"]
    assert nat["Poles"] == pytest.approx(105_485 / 1_420_711 / 19.5)  # Krieger: +1850% over-represented
    assert k["poles"] == 105_485
    assert nat["Koreans"] == pytest.approx(172_000 / 162_039_470)
    assert m["urban"] == pytest.approx(43_729_514 / 162_039_470)
    reg = dict(zip(m["regions"].labels, m["regions"].shares, strict=True))
    # republics between their 1926 and 1939 census shares (census_by_republic_and_city)
    assert 29_042_934 / 147_027_915 > reg["Ukrainian SSR"] > 30_960_221 / 170_467_186
    # urban social groups keep the 1927 ratio of urban workers to employees (7.8 : 5.9)
    urb = m["social"][True].shares
    assert urb[SOCIAL_GROUPS.index("worker")] / urb[SOCIAL_GROUPS.index("employee")] == pytest.approx(7.8 / 5.9)


def test_social_groups_by_settlement_type(run):
    _, m, cols = run
    civilian = (cols["roles"] & (ARMY_COMMAND | NKVD_STAFF)) == 0  # service staff are employees by role
    assert np.all(cols["social_group"][~civilian] == SOCIAL_GROUPS.index("employee"))
    for urban in (True, False):
        sel = (cols["urban"] == urban) & civilian
        within(np.bincount(cols["social_group"][sel], minlength=len(SOCIAL_GROUPS)), m["social"][urban].shares,
               int(sel.sum()))
    # special settlers on register at 31 Dec 1936 (916,787) are inside the former kulaks
    kulaks = np.count_nonzero(cols["social_group"] == SOCIAL_GROUPS.index("former_kulak")) / SCALE
    assert kulaks > 916_787


def test_roles_counts_and_eligibility(run):
    sim, _, cols = run
    age = sim.ages(cols["birth_month"], 0)
    roles, sex = cols["roles"], cols["sex"]
    for bit, persons in ((PARTY, 2_000_000), (ARMY_COMMAND, 282_965), (NKVD_STAFF, 230_000)):
        k = np.count_nonzero(roles & bit)
        assert k == pytest.approx(persons * SCALE, abs=5 * np.sqrt(persons * SCALE) + 1)
    assert np.all(age[(roles & PARTY) > 0] >= 18)
    service = (roles & (ARMY_COMMAND | NKVD_STAFF)) > 0
    assert np.all(sex[service] == 0) and np.all((age[service] >= 20) & (age[service] <= 54))
    assert not np.any((roles & ARMY_COMMAND) & (roles & NKVD_STAFF))
    women = np.count_nonzero((roles & PARTY) & (sex == 1)) / np.count_nonzero(roles & PARTY)
    assert women == pytest.approx(0.15, abs=0.02)
    # within a sex, employees join 4 times and workers twice as often as kolkhozniks; class-aliens never
    social, men = cols["social_group"], (sex == 0) & (age >= 18)

    def rate(group):
        sel = men & (social == SOCIAL_GROUPS.index(group))
        return np.count_nonzero(roles[sel] & PARTY) / np.count_nonzero(sel)

    assert rate("employee") / rate("kolkhoznik") == pytest.approx(4.0, rel=0.15)
    assert rate("worker") / rate("kolkhoznik") == pytest.approx(2.0, rel=0.15)
    assert rate("former_kulak") == rate("clergy") == rate("former_people") == 0


def test_households_and_workplaces_are_groups(run):
    sim, _, cols = run
    hh = cols["household_id"]
    assert hh.min() >= 1
    sizes = np.bincount(hh)[1:]
    sizes = sizes[sizes > 0]
    lam = 4.1  # Poisson sizes; the mean of the non-empty households is lam / (1 - exp(-lam))
    assert sizes.mean() == pytest.approx(lam / (1 - np.exp(-lam)), rel=0.02)
    # a household never spans two regions or settlement types
    first_region = np.zeros(hh.max() + 1, dtype=np.int16) - 1
    first_region[hh] = cols["region"]
    assert np.all(first_region[hh] == cols["region"])
    age = sim.ages(cols["birth_month"], 0)
    # couples: at least 75% of the scarcer sex (men 20-64, women 18-59) per stratum share a household
    stratum = cols["region"].astype(np.int64) * 2 + cols["urban"]
    men = (cols["sex"] == 0) & (age >= 20) & (age <= 64)
    women = (cols["sex"] == 1) & (age >= 18) & (age <= 59)
    expected = sum(0.75 * min(np.count_nonzero(men & (stratum == h)), np.count_nonzero(women & (stratum == h)))
                   for h in np.unique(stratum))
    both = np.intersect1d(np.unique(hh[men]), np.unique(hh[women]))
    assert len(both) >= 0.97 * expected
    wp = cols["workplace_id"]
    groups = np.isin(cols["social_group"], [SOCIAL_GROUPS.index(g) for g in ("kolkhoznik", "worker", "employee")])
    service = (cols["roles"] & (ARMY_COMMAND | NKVD_STAFF)) != 0
    working = ((age >= WORKING_AGES[0]) & (age <= WORKING_AGES[1]) & groups) | service
    assert np.all(wp[working] > 0) and np.all(wp[~working] == 0)
    # service units hold only command staff (or only NKVD staff)
    army = (cols["roles"] & ARMY_COMMAND) != 0
    assert not set(wp[army]) & set(wp[~army]) and not set(wp[service & ~army]) & set(wp[~service])
    kolkhoz = working & (cols["social_group"] == SOCIAL_GROUPS.index("kolkhoznik"))
    assert np.bincount(wp[kolkhoz])[np.unique(wp[kolkhoz])].mean() == pytest.approx(150, rel=0.05)


def test_ipf_fits_both_margins_and_keeps_ukraine_ukrainian(run):
    _, m, _ = run
    joint = m["joint"]
    assert np.allclose(joint.sum(1), m["regions"].shares) and np.allclose(joint.sum(0), m["nationalities"].shares)
    labels = m["regions"].labels
    ukr = labels.index("Ukrainian SSR")
    share = joint[ukr, NATIONALITIES.index("Ukrainians")] / joint[ukr].sum()
    assert 0.6 < share < 0.9  # published 1939 composition 76.5% (likbez), fitted to the national margins
    assert joint[labels.index("Kazakh SSR"), NATIONALITIES.index("Koreans")] == 0  # Far East in Jan 1937
    table = ipf(np.ones((2, 2)), np.array([0.3, 0.7]), np.array([0.5, 0.5]))
    assert np.allclose(table, [[0.15, 0.15], [0.35, 0.35]])
    again, _ = region_nationality(m["regions"], m["nationalities"])
    assert np.array_equal(again, joint)


class Arrests(Module):
    """Test-only mechanism: from the second month, kills every tenth man aged 30-50 (a crude 'terror')."""

    name: ClassVar[str] = "test_arrests"
    steps: ClassVar[tuple[str, ...]] = ("arrest",)

    def arrest(self, sim, step):
        """Kill a tenth of men 30-50."""
        p = sim.people
        age = sim.ages(p["birth_month"], step)
        hit = np.flatnonzero(p["alive"] & (p["sex"] == 0) & (age >= 30) & (age <= 50) & (p["person_id"] % 10 == 0))
        p["alive"][hit] = False


def test_attributes_identical_across_scenarios_and_reproducible(inputs_1937):
    """Common random numbers: a person's attributes depend on the seed and the person only."""
    a = one_month(inputs_1937, seed=11, scale=0.001)
    b = one_month(inputs_1937, seed=11, scale=0.001, extra=[Arrests()])
    c = one_month(inputs_1937, seed=12, scale=0.001)
    assert not b.people["alive"].all() and np.count_nonzero(~b.people["alive"]) > np.count_nonzero(~a.people["alive"])
    for col in (*COLUMNS, "person_id"):
        assert np.array_equal(a.people[col], b.people[col]), col
    assert not np.array_equal(a.people["region"], c.people["region"])


def test_newborns_get_attributes_and_annexed_get_their_region(inputs_1937):
    scen = dataclasses.replace(Scenario.load("no_terror"), end="1939-12-06")
    sim = build_sim(scen, scale=0.0005, seed=5, base=inputs_1937, write_events=False)
    sim.run()
    p = sim.people
    assert np.all(p["region"] >= 0) and np.all(p["nationality"] >= 0) and np.all(p["social_group"] >= 0)
    annexed = p["region"] == REGIONS.index("annexed 1939-40")
    assert annexed.sum() == pytest.approx(0.55 * 20.3e6 * 0.0005, rel=0.1)  # ADH 1946-1938 borders, first wave
    babies = p["birth_month"] > sim.month(0)
    assert np.all(p["household_id"][babies] == 0) and np.all(p["roles"][babies] == 0)


def test_describe_lists_every_assumption_and_bad_parameters_are_named():
    att = Attributes()
    d = att.describe()
    for spec in Attributes.parameter_specs:
        if spec.assumption:
            assert spec.name in d["assumptions"]
    with pytest.raises(ScenarioError) as info:
        Attributes(greeks_share=0.5, household_size_mean_persons=0)
    assert info.value.problems == ["greeks_share must be in [0, 0.01] share; got 0.5",
                                   "household_size_mean_persons must be in [1, 10] persons; got 0"]
    with pytest.raises(TypeError, match=r"Attributes: unknown parameter\(s\) \['greek_share'\]"):
        Attributes(greek_share=0.1)


def test_fast_draws_equal_the_reference_inverse_cdf():
    """``categorical`` inverts the same keyed uniforms as ``searchsorted`` would; ``groups`` stays in its stratum."""
    from purgetoll.sim import rng
    from purgetoll.sim.attributes_draw import categorical, groups

    ids = np.arange(0, 200_000, 3, dtype=np.uint32)
    shares = np.array([[0.5, 0.2, 0.3], [0.01, 0.01, 0.98]])
    stratum = (ids % 2).astype(np.int64)
    got = categorical(4, "t.cat", ids, shares, stratum)
    u = rng.uniform(4, "t.cat", 0, ids)
    cum = np.cumsum(shares, axis=1)
    ref = np.array([np.searchsorted(cum[s], x, side="right") for s, x in zip(stratum, u, strict=True)])
    assert np.array_equal(got, np.minimum(ref, 2))
    g = groups(4, "t.grp", ids, stratum, 10.0, offset=100)
    assert g.min() == 101
    assert not set(g[stratum == 0]) & set(g[stratum == 1])
    assert len(np.unique(g)) == pytest.approx(len(ids) / 10, rel=0.01)


def test_attributes_identical_between_no_terror_and_archival(inputs_1937, tmp_path):
    """The real mechanisms never touch the attributes: the archival run's people have no_terror's attributes."""
    runs = {}
    for name in ("no_terror", "archival"):
        sim = build_sim(Scenario.load(name), scale=0.0005, seed=3, base=inputs_1937, write_events=False)
        result = sim.run(tmp_path / name)
        p = sim.people
        runs[name] = {c: p[c].copy() for c in (*COLUMNS, "person_id")}
        manifest = result.manifest
        assert manifest["scenario_file"]["name"] == name
        keys = {(r["section"], r["key"]) for r in manifest["scenario_citations"]}
        assert ("population", "army_men_persons") in keys and ("attributes", "greeks_share") in keys
        att = manifest["modules"]["attributes"]
        assert att["codes"]["region"][-1] == "annexed 1939-40" and att["codes"]["nationality"][4] == "Poles"
        assert "census_by_republic_and_city" in manifest["data_tables"]
        assert "arrests_by_nationality_1936_1938" in manifest["data_tables"]
        assert "attributes.household_size_mean_persons" in manifest["assumptions"]
    a, b = runs["no_terror"], runs["archival"]
    common, ia, ib = np.intersect1d(a["person_id"], b["person_id"], return_indices=True)
    assert len(common) > 0.95 * len(a["person_id"])
    for col in COLUMNS:
        assert np.array_equal(a[col][ia], b[col][ib]), col


def test_households_pair_men_and_women_by_age_rank():
    from purgetoll.sim.attributes_draw import households

    # stratum 0: men 50, 20, 40 and women 39, 19, 49, 59 (all partnered), one child; stratum 1: one old man
    age = np.array([50, 20, 40, 39, 19, 49, 59, 5, 80], dtype=np.uint8)
    sex = np.array([0, 0, 0, 1, 1, 1, 1, 0, 0], dtype=np.int8)
    partnered = np.array([1, 1, 1, 1, 1, 1, 1, 0, 0], dtype=bool)
    stratum = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1], dtype=np.int16)
    hh = households(1, "t.hh", np.arange(9, dtype=np.uint32), stratum, age, sex, partnered, 2.0)
    assert hh[1] == hh[4] and hh[2] == hh[3] and hh[0] == hh[5]  # 20 & 19, 40 & 39, 50 & 49
    assert len({hh[0], hh[1], hh[2]}) == 3 and sorted({hh[0], hh[1], hh[2]}) == [1, 2, 3]
    assert 1 <= hh[6] <= 4 and 1 <= hh[7] <= 4  # the woman of 59 (no man left) and the child join one of 4
    assert hh[8] == 5  # the other stratum's only household
